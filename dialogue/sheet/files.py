"""Writing compiled files: atomically (temp file + rename), private (0600), and never over a hand edit.

A manifest (`.locaben-manifest.json`) in the output directory records the hash of what we last wrote
there; a file whose content no longer matches was edited by someone, and is not overwritten without
`--force`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from dialogue.errors import HandEditedError

MANIFEST = ".locaben-manifest.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_outputs(directory: Path, files: dict[str, bytes], force: bool = False) -> list[Path]:
    """Write every file or none: hand-edited targets are checked before anything is written."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest_path = directory / MANIFEST
    manifest = _read_manifest(manifest_path)
    if not force:
        edited = [name for name in files if _hand_edited(directory / name, manifest.get(name))]
        if edited:
            raise HandEditedError(
                "these files were changed since locaben wrote them and were left alone: "
                + ", ".join(str(directory / n) for n in edited)
                + ". Rename them to keep your edits, or pass --force to overwrite.")
    written = []
    for name, data in files.items():
        atomic_write(directory / name, data)
        manifest[name] = _digest(data)
        written.append(directory / name)
    atomic_write(manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return written


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


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
