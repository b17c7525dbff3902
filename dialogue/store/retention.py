"""Retention and deletion: `locaben delete ID` and `locaben purge --older-than 5y`.

A deletion is planned first — every file it will remove, listed — and the plan is what is shown, audited
and carried out, so "what it lists" and "what it removes" are one list:
- in the store: the journal `ID.jsonl`, its backups `ID.jsonl.bakN`, its lock files (`ID.lock`, and
  `ID.jsonl.lock` of the filelock-based locks), the engine's snapshot `ID.state` (dialogue.store.snapshot)
  and temporary files of an interrupted write (`.ID.jsonl.*.tmp`, `.ID.state.*.tmp`); the role-play score
  report `ID-score.txt`, listed in the store's own manifest;
- in each output folder: the compiled files the folder's manifest (`.locaben-manifest.json`, name →
  SHA-256) lists for that session — named `<session id>-<kind>.<ext>` — and their temporary files; the
  manifest loses those entries and keeps the others. Output folders are those given, plus every folder the
  audit log says the session was compiled or exported into.
The bank cache holds parsed banks, keyed by the bank's hash: nothing in it belongs to a session, so a
deletion leaves it alone. Files copied elsewhere by hand (mail, USB sticks) are beyond reach: the audit
log's export entries say where they went.

The deletion is audited *before* anything is removed (who, when, which session, which files; never the
content), so no session disappears unrecorded; if it stops half way, running it again finishes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dialogue.errors import LocabenError, SessionInUse, SessionNotFound
from dialogue.store.audit import AuditLog
from dialogue.store.journal import SESSION_ID, SessionStore
from dialogue.store.keys import replace_file
from dialogue.store.snapshot import session_files as snapshot_files
from dialogue.store.summary import remove_index

MANIFEST = ".locaben-manifest.json"  # the same name as dialogue.sheet.files.MANIFEST (a test keeps them equal)
OUTPUT_NAME = re.compile(r"^(?P<session>.+)-(?P<kind>[a-z][a-z_]*)\.(?P<ext>[A-Za-z0-9]+)$")
AGE = re.compile(r"^\s*(\d+)\s*([ymwd])\s*$")
DAYS_PER = {"y": 365.2425, "m": 30.436875, "w": 7, "d": 1}


@dataclass(frozen=True, slots=True)
class DeletionPlan:
    """Every file one deletion removes, and the manifest entries it drops."""

    session_id: str
    files: tuple[Path, ...]
    manifests: tuple[tuple[Path, tuple[str, ...]], ...] = ()  # (manifest, names dropped from it)
    notes: tuple[str, ...] = ()
    last_activity: datetime | None = None


def belongs(name: str, session_id: str) -> bool:
    """Is `name` a compiled file of `session_id` (`<id>-<kind>.<ext>`, kind without '-')? The kind is the
    last '-' part, so session `A` never claims `A-b-sheet.md` (session `A-b`'s sheet)."""
    match = OUTPUT_NAME.match(name)
    return match is not None and match["session"] == session_id


def store_files(root: Path, session_id: str) -> list[Path]:
    journal = root / f"{session_id}.jsonl"
    found = [journal, root / f"{session_id}.lock", root / f"{session_id}.jsonl.lock"]
    found += [p for p in root.glob(f"{session_id}.jsonl.bak*") if p.name[len(journal.name) + 4:].isdigit()]
    found += root.glob(f".{journal.name}.*.tmp")
    found += snapshot_files(root, session_id)  # the engine's snapshot holds the session's answers too
    return sorted(p for p in found if p.is_file())


def output_files(directory: Path, session_id: str) -> tuple[list[Path], tuple[str, ...], list[str]]:
    """(files to remove, manifest names to drop, notes) for one output folder."""
    manifest = read_manifest(directory / MANIFEST)
    names = tuple(sorted(n for n in manifest if belongs(n, session_id)))
    files, notes = [], []
    for name in names:
        path = directory / name
        if path.is_file():
            files.append(path)
            if _sha256(path) != manifest[name]:
                notes.append(f"{path} was edited after it was compiled; it is this session's data and is "
                             "deleted too.")
        files += directory.glob(f".{name}.*.tmp")
    return sorted(files), names, notes


def plan_delete(root: Path, session_id: str, output_dirs: Iterable[Path] = ()) -> DeletionPlan:
    """What `delete` would remove; raises SessionNotFound when nothing at all is left of the session."""
    if not SESSION_ID.match(session_id):
        raise SessionNotFound(f"{session_id!r} is not a session id (letters, digits, '-' and '_' only)")
    files, manifests, notes = store_files(Path(root), session_id), [], []
    for directory in sorted({Path(d).resolve() for d in [*output_dirs, root]}):  # root: the role-play score report
        found, names, remarks = output_files(directory, session_id)
        files += found
        notes += remarks
        if names:
            manifests.append((directory / MANIFEST, names))
    if not files and not manifests:
        raise SessionNotFound(f"nothing of session {session_id!r} is in {root} or the output folders")
    journal = Path(root) / f"{session_id}.jsonl"
    last = datetime.fromtimestamp(journal.stat().st_mtime).astimezone() if journal.is_file() else None
    return DeletionPlan(session_id, tuple(files), tuple(manifests), tuple(notes), last)


def delete(store: SessionStore, session_id: str, output_dirs: Iterable[Path] = (),
           audit: AuditLog | None = None, reason: str = "request") -> DeletionPlan:
    """Remove every file of the plan, under the session's lock (refused while it is open elsewhere).
    Output folders named by the audit log's compile/export entries are added to `output_dirs`."""
    folders = set(output_dirs) | (audit.output_dirs(session_id) if audit else set())
    stale_locks = tuple(p for p in store_files(store.root, session_id) if _is_lock(p, session_id))
    with store.lock(session_id):
        plan = plan_delete(store.root, session_id, folders)
        files = tuple(p for p in plan.files if not _is_lock(p, session_id)) + stale_locks
        plan = DeletionPlan(session_id, files, plan.manifests, plan.notes, plan.last_activity)
        if audit is not None:
            audit.record("delete", session_id, plan.files, reason=reason)
        for manifest, names in plan.manifests:
            _drop_from_manifest(manifest, names)
        for path in _journal_last(plan.files, store.path(session_id)):
            if not _is_lock(path, session_id):
                _remove(path)
    for path in (store.root / f"{session_id}.lock", store.root / f"{session_id}.jsonl.lock"):
        _remove(path)  # after the lock is released (Windows cannot remove a file held open): a stale
        # lock listed in the plan, or the one this deletion took, if its release left the file behind
    remove_index(store)  # the summary index holds the session's row (its company name): rebuilt when listed
    return plan


def _is_lock(path: Path, session_id: str) -> bool:
    return path.name in (f"{session_id}.lock", f"{session_id}.jsonl.lock")


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _journal_last(files: tuple[Path, ...], journal: Path) -> list[Path]:
    """Outputs and backups first, the journal last: a deletion stopped half way is still listed (and
    finished) by the next run."""
    return sorted(files, key=lambda p: p == journal)


def _drop_from_manifest(path: Path, names: tuple[str, ...]) -> None:
    manifest = read_manifest(path)
    kept = {k: v for k, v in manifest.items() if k not in names}
    replace_file(path, json.dumps(kept, indent=1, sort_keys=True).encode("utf-8"))


def read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- purge ----


def parse_age(text: str) -> timedelta:
    """`5y`, `18m`, `6w`, `90d` → a timedelta (a year is 365.2425 days, a month a twelfth of it)."""
    match = AGE.match(text)
    if match is None:
        raise LocabenError(f"{text!r} is not an age: write a number and y, m, w or d (5y, 18m, 90d)")
    return timedelta(days=int(match[1]) * DAYS_PER[match[2]])


def stale_sessions(store: SessionStore, older_than: timedelta, now: datetime) -> list[str]:
    """Sessions whose last write (the journal's modification time) is older than `older_than`. The time
    of the last answer is kept in the file system, so an encrypted journal need not be opened."""
    limit = (now - older_than).timestamp()
    return [sid for sid in store.session_ids() if store.path(sid).stat().st_mtime < limit]


def purge(store: SessionStore, older_than: timedelta, now: datetime,
          output_dirs: Callable[[str], Iterable[Path]] = lambda sid: (),
          audit: AuditLog | None = None, dry_run: bool = True) -> list[DeletionPlan]:
    """Plans for every stale session; with `dry_run=False` each is deleted (reason `purge`). A session
    open in another window is skipped and said so in its plan's notes."""
    plans = []
    for sid in stale_sessions(store, older_than, now):
        folders = set(output_dirs(sid)) | (audit.output_dirs(sid) if audit else set())
        if dry_run:
            plans.append(plan_delete(store.root, sid, folders))
            continue
        try:
            plans.append(delete(store, sid, folders, audit, reason="purge"))
        except SessionInUse as exc:
            plans.append(DeletionPlan(sid, (), notes=(f"skipped: {exc}",)))
    return plans
