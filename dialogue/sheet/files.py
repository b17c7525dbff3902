"""Writing compiled files into the output folder: all of one compile or none, private (0600), and never
over a hand edit.

A compile is a small transaction, under a lock on the folder (dialogue.oslock: an OS lock the kernel releases
when its holder dies, on Windows too):
1. every new file, the manifest included, is written to a temporary file beside its target and fsynced —
   a full disk or a kill here removes (or leaves for the next compile to remove) only temporaries;
2. `.locaben-pending.json` records which temporary becomes which file, written atomically — from here on
   the compile is decided;
3. the temporaries are renamed over their targets, the folder fsynced, and the record removed.
A compile killed during 3 is finished by the next one before it does anything else, so the folder never
stays a mix of two compiles, and the next compile never refuses because of one. The manifest
(`.locaben-manifest.json`) holds the hash of what locaben last wrote to each file: a file whose content
differs was edited by someone and is not overwritten without `--force`.

`compile --all` uses the same transaction for many sessions at once (`batch`, `stage_session`,
`commit_batch`): worker processes stage each session's files while the batch holds the lock, and one plan,
one manifest and one rename pass commit them all — the manifest is not rewritten after every session.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dialogue.errors import HandEditedError, LocabenError

MANIFEST = ".locaben-manifest.json"
PENDING = ".locaben-pending.json"
LOCK = ".locaben.lock"
TEMP_SUFFIX = ".locaben-new"
LOCK_TIMEOUT = 120.0  # seconds to wait for another compile into the same folder
# Temporaries of this version (`.NAME.<8 hex>.locaben-new`) and of earlier ones (`.NAME.<mkstemp>.tmp`).
STALE_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?:[0-9a-f]{8}\.locaben-new|[a-z0-9_]{8}\.tmp)$")
FULL_DISK = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class OutputError(LocabenError):
    """The output folder could not be written (full disk, no permission, …); what was there is unchanged."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_outputs(directory: Path, files: dict[str, bytes], force: bool = False) -> list[Path]:
    """Write every file or none: hand-edited targets are checked before anything is written."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _folder_lock(directory):
            finish_interrupted(directory)
            manifest = _read_manifest(directory / MANIFEST)
            if not force:
                _refuse_hand_edits(directory, files, manifest)
            manifest.update({name: _digest(data) for name, data in files.items()})
            _commit(directory, {**files, MANIFEST: json.dumps(manifest, indent=1, sort_keys=True).encode()})
    except OSError as exc:
        raise _output_error(directory, exc) from None
    return [directory / name for name in files]


@contextlib.contextmanager
def _folder_lock(directory: Path) -> Iterator[None]:
    """One compile at a time per output folder; a second one waits (up to LOCK_TIMEOUT)."""
    from dialogue.oslock import FileLock, LockBusy

    lock = FileLock(directory / LOCK)
    try:
        lock.acquire(LOCK_TIMEOUT)
    except LockBusy:
        raise OutputError(f"another locaben is still writing into {directory} after {LOCK_TIMEOUT:.0f} s; "
                          "try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def _refuse_hand_edits(directory: Path, files: dict[str, bytes], manifest: dict[str, str]) -> None:
    edited = [name for name in files if _hand_edited(directory / name, manifest.get(name))]
    if edited:
        raise HandEditedError(
            "these files were changed since locaben wrote them and were left alone: "
            + ", ".join(str(directory / n) for n in edited)
            + ". Rename them to keep your edits, or pass --force to overwrite.")


def _hand_edited(path: Path, recorded: str | None) -> bool:
    if not path.exists():
        return False
    if recorded is None:
        return True  # a file we never wrote: someone else's
    return _digest(path.read_bytes()) != recorded


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


# ---- the transaction ----

def _commit(directory: Path, files: dict[str, bytes]) -> None:
    """Stage every file, record the plan, then rename them all in (see the module docstring)."""
    _decide(directory, _stage(directory, files))


def _stage(directory: Path, files: dict[str, bytes]) -> dict[str, dict[str, str]]:
    """Step 1: each file written to a temporary beside its target and fsynced; the plan entry of each.
    On any failure the temporaries written so far are removed."""
    compile_id = secrets.token_hex(4)
    plan: dict[str, dict[str, str]] = {}
    try:
        for name, data in files.items():
            temp = f".{name}.{compile_id}{TEMP_SUFFIX}"
            _write_synced(directory / temp, data)
            plan[name] = {"temp": temp, "sha256": _digest(data), "was": _current_digest(directory / name)}
    except BaseException:
        discard(directory, plan)
        raise
    return plan


def discard(directory: Path, plan: dict[str, dict[str, str]]) -> None:
    """Remove the temporaries of a staged plan that will not be committed."""
    for entry in plan.values():
        with contextlib.suppress(OSError):
            os.unlink(directory / entry["temp"])


def _decide(directory: Path, plan: dict[str, dict[str, str]]) -> None:
    """Steps 2 and 3: record the staged plan (from here the compile is decided), then rename it in."""
    try:
        _write_atomically(directory / PENDING, json.dumps({"files": plan}, indent=1).encode())
    except BaseException:
        discard(directory, plan)
        raise
    try:
        _rename_in(directory, plan)
    except OSError as exc:
        raise OutputError(f"the compile into {directory} was interrupted ({exc.strerror or exc}); "
                          "compile again to complete it") from None


# ---- many sessions in one transaction (`compile --all`) ----

@contextlib.contextmanager
def batch(directory: Path) -> Iterator[dict[str, str]]:
    """The folder locked for a part of a batch, an interrupted compile finished, and the manifest as it is
    (read once, not once a session). Inside, each session's files are staged with `stage_session` (by any
    process: the lock is this one's), then all of them are made the folder's files at once with
    `commit_batch` — one plan, one manifest, one rename pass for the whole part."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _folder_lock(directory):
            finish_interrupted(directory)
            yield _read_manifest(directory / MANIFEST)
    except OSError as exc:
        raise _output_error(directory, exc) from None


def stage_session(directory: Path, files: dict[str, bytes], recorded: dict[str, str | None],
                  force: bool = False) -> dict[str, dict[str, str]]:
    """One session's files staged for `commit_batch` (with the folder locked by `batch`); a
    `HandEditedError` and nothing staged when a target was edited since locaben wrote it (`recorded`: the
    manifest's hash of each target, None when it has none)."""
    try:
        if not force:
            _refuse_hand_edits(directory, files, {k: v for k, v in recorded.items() if v is not None})
        return _stage(directory, files)
    except OSError as exc:
        raise _output_error(directory, exc) from None


def commit_batch(directory: Path, plan: dict[str, dict[str, str]], manifest: dict[str, str]) -> None:
    """Make every staged file of `plan` (several sessions' `stage_session` plans merged) the folder's, with
    `manifest` updated, as one compile: all of them or — killed before the plan is recorded — none."""
    if not plan:
        return
    try:
        manifest.update({name: entry["sha256"] for name, entry in plan.items()})
        try:
            plan = {**plan, **_stage(directory, {MANIFEST: json.dumps(manifest, indent=1, sort_keys=True).encode()})}
        except BaseException:
            discard(directory, plan)
            raise
        _decide(directory, plan)
    except OSError as exc:
        raise _output_error(directory, exc) from None


def finish_interrupted(directory: Path) -> None:
    """Complete a compile that was killed after it was decided, and remove the temporaries of one killed
    before. Call with the folder locked."""
    plan = _read_plan(directory / PENDING)
    if plan is not None:
        _rename_in(directory, plan)
    for path in directory.iterdir():
        match = STALE_TEMPORARY.match(path.name)
        if match and path.is_file():
            path.unlink()


def _read_plan(path: Path) -> dict[str, dict[str, str]] | None:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        plan = {str(name): {k: str(entry[k]) for k in ("temp", "sha256", "was")}
                for name, entry in data["files"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        path.unlink()  # not ours or damaged: the temporaries it named are removed as stale
        return None
    return plan


def _rename_in(directory: Path, plan: dict[str, dict[str, str]]) -> None:
    """Move each staged file over its target (the manifest last), make the renames durable, drop the plan.
    A target changed by someone since the plan was made (neither the old nor the new content) is kept:
    the new manifest then marks it as hand-edited."""
    for name in sorted(plan, key=lambda n: n == MANIFEST):
        entry, temp = plan[name], directory / plan[name]["temp"]
        if not temp.exists():
            continue  # renamed in already
        if name != MANIFEST and _current_digest(directory / name) not in (entry["was"], entry["sha256"]):
            temp.unlink()
            continue
        os.replace(temp, directory / name)
    _sync_folder(directory)
    (directory / PENDING).unlink()
    _sync_folder(directory)


def _current_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return ""


def _write_synced(path: Path, data: bytes) -> None:
    """A new private file with `data`, on disk before this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(path, 0o600)  # whatever the umask
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    _write_synced(temp, data)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def _sync_folder(directory: Path) -> None:
    """Make renames in `directory` durable (POSIX; Windows has no folder handle to fsync)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _output_error(directory: Path, exc: OSError) -> OutputError:
    reason = "the disk is full" if exc.errno in FULL_DISK else exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"could not write the sheet into {directory}: {reason}{where}. "
                       "The files there are unchanged; free some space (or fix the folder) and compile again.")

