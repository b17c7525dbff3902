"""The store's summary index: the row `locaben sessions` shows for each session, kept in one derived file.

`locaben sessions` would otherwise read and replay every journal of the store at each listing. The index,
`.locaben-summary.json` in the store, holds each session's row together with what it was computed from: the
journal's size, modification time, inode and change time, and the size and modification time of the bank
files it was read with. A row is used only while all of these are unchanged; otherwise that session is read
again and its row replaced. The index is disposable: deleting it changes nothing but speed, and a damaged or
foreign one is ignored and rewritten. It is written whole to a private temporary file (0600) that then
replaces the old one, so two listings at once, or a listing killed halfway, never leave a torn index.

It holds only what the listing shows (company, times, progress, state, characters and filled fields per
section): never answer text beyond the company name. A store whose journals are encrypted must not keep
even that in clear: `summary_allowed` says whether the index may be used, and where it may not, an index
left from before is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dialogue import __version__
from dialogue.record import Record, record
from dialogue.store.journal import SessionStore
from dialogue.store.journal_io import replace_derived

INDEX_NAME = ".locaben-summary.json"
FORMAT = "locaben-summary"
VERSION = 1  # raise when a row's fields or their meaning change: every older index is then rebuilt

Stamp = list[Any]  # what a file's row was computed from: [size, mtime_ns, inode, ctime_ns] of a journal,
# [path, size, mtime_ns] of a bank file ([path, None, None] when it was missing)


def summary_allowed(store: SessionStore) -> bool:
    """Whether `store` may keep a summary index: not when it encrypts (it has a key description, or is set to
    encrypt its first session) — its listing then reads every journal, and no company name is left in clear
    text beside them."""
    protection = store.protection
    return not (protection.encrypt_new or protection.require) and store.wrapping() is None


@record
class Summary(Record):
    """A freshly computed row, and the bank files it was read with (their changes make it stale)."""

    row: dict[str, Any]
    bank_files: tuple[str, ...] = ()
    keep: bool = True  # False for a row that must not be cached (a session that could not be read)


def index_path(store: SessionStore) -> Path:
    return store.root / INDEX_NAME


def summaries(store: SessionStore, compute: Callable[[str], Summary]) -> list[dict[str, Any]]:
    """The row of every session of `store`, in id order: from the index where it is current, else from
    `compute(session_id)`; the index is then rewritten if anything changed."""
    ids = store.session_ids()
    if not summary_allowed(store):
        with contextlib.suppress(OSError):
            index_path(store).unlink()
        return [compute(session_id).row for session_id in ids]
    old = _load(index_path(store))
    new: dict[str, Any] = {}
    stats = _StatCache()
    rows = []
    for session_id in ids:
        entry = old.get(session_id)
        if isinstance(entry, dict) and _current(entry, stats.journal(store, session_id), stats):
            new[session_id] = entry
            rows.append(entry["row"])
            continue
        stamp = stats.journal(store, session_id)  # taken before the read: a later append makes it stale
        summary = compute(session_id)
        rows.append(summary.row)
        if summary.keep and stamp is not None:
            new[session_id] = {"journal": stamp, "banks": [stats.bank(path) for path in summary.bank_files],
                               "row": summary.row}
    if new != old:
        _save(index_path(store), new)
    return rows


class _StatCache:
    """File stamps, each bank file's taken once per listing (a thousand sessions share one bank)."""

    def __init__(self) -> None:
        self._banks: dict[str, Stamp] = {}
        self._journals: dict[str, Stamp | None] = {}

    def journal(self, store: SessionStore, session_id: str) -> Stamp | None:
        if session_id not in self._journals:
            try:
                st = os.stat(os.path.join(store.root, f"{session_id}.jsonl"))  # an id from session_ids()
                self._journals[session_id] = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
            except OSError:
                self._journals[session_id] = None
        return self._journals[session_id]

    def bank(self, path: str) -> Stamp:
        if path not in self._banks:
            try:
                st = os.stat(path)
                self._banks[path] = [path, st.st_size, st.st_mtime_ns]
            except (OSError, ValueError):
                self._banks[path] = [path, None, None]
        return self._banks[path]


def _current(entry: dict[str, Any], journal: Stamp | None, stats: _StatCache) -> bool:
    """True when the entry's row was computed from the journal and bank files as they are now."""
    banks = entry.get("banks")
    if journal is None or entry.get("journal") != journal or not isinstance(entry.get("row"), dict):
        return False
    if not isinstance(banks, list):
        return False
    return all(isinstance(b, list) and len(b) == 3 and isinstance(b[0], str) and stats.bank(b[0]) == b
               for b in banks)


def _load(path: Path) -> dict[str, Any]:
    """The index's entries by session id; {} when there is none, or it is damaged, foreign or outdated."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION \
            or data.get("locaben") != __version__ or not isinstance(data.get("sessions"), dict):
        return {}
    entries: dict[str, Any] = data["sessions"]
    return entries


def _save(path: Path, entries: dict[str, Any]) -> None:
    """Write the index whole, then put it in place: readers see the old index or the new, never a mix.
    A store that cannot be written to simply keeps no index."""
    data = json.dumps({"format": FORMAT, "version": VERSION, "locaben": __version__, "sessions": entries},
                      ensure_ascii=True, separators=(",", ":")).encode("ascii")
    with contextlib.suppress(OSError):
        replace_derived(path, data, sync=True)


def remove_index(store: SessionStore) -> None:
    """Delete the index (it is rebuilt at the next listing)."""
    with contextlib.suppress(OSError):
        index_path(store).unlink()


__all__ = ["INDEX_NAME", "Summary", "index_path", "remove_index", "summaries", "summary_allowed"]
