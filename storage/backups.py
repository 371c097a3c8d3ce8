"""Rolling backups of the library, made when the app starts.

Before the library is opened (and so before any migration), a consistent copy
is taken through SQLite's backup API into a folder beside it
(`library.sqlite` -> `library-backups/library-2026-11-20-093000.sqlite`), and
only the newest `keep` copies are kept. A start that finds the library
unchanged since the newest copy makes none, so the copies are distinct states
rather than ten identical files from one busy morning. A backup never stops
the app from starting: if it cannot be made, `make_backup` says why and the
caller carries on.

Telling "unchanged" is cheap at most starts: beside the newest copy's name and
a SHA-256 of the library's bytes, the record keeps the file identities (inode,
size, modification and change times in ns) of the library and its WAL. When
they are all the same again, and the record was written well after the last
of those times (so no later write can share their clock tick: file times tick
coarsely, and a change time cannot be set back by a program), the library is
unchanged without reading it. Anything else falls back to hashing the bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .library import SQLITE_HEADER, backup_copy

DEFAULT_KEEP = 5
MAX_KEEP = 50


@dataclass(frozen=True)
class BackupResult:
    path: Path | None  # the new copy, or None when none was made
    removed: tuple[Path, ...] = ()
    reason: str = ""  # why none was made ("" when one was)
    #: How "unchanged" was told: "identity" (file times, no read) or "content" (hash).
    checked_by: str = ""


def backup_folder(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-backups")


def list_backups(db_path: Path) -> list[Path]:
    """The library's backups, oldest first (their names sort by time)."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    pattern = re.compile(rf"^{re.escape(Path(db_path).stem)}-(\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}})"
                         rf"(?:-(\d+))?\.sqlite$")
    found = []
    for p in folder.iterdir():
        m = pattern.match(p.name)
        if m:
            found.append(((m[1], int(m[2] or 1)), p))
    return [p for _, p in sorted(found)]


FINGERPRINT_FILE = "last-backup.sha256"
#: A recorded file identity is trusted only if the record is this much younger
#: than the file's last modification and change (covers 2 s FAT time stamps).
SETTLED_NS = 3_000_000_000


def _files(db_path: Path) -> tuple[Path, Path]:
    return db_path, db_path.with_name(db_path.name + "-wal")


def _fingerprint(db_path: Path) -> str:
    """A hash of the library's bytes (the file and its WAL, if any).

    Compared by content rather than by file times, which tick too coarsely
    (a few ms on Linux) to tell an edit made right after a backup."""
    digest = hashlib.sha256()
    for path in _files(db_path):
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except FileNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()


def _identity(db_path: Path) -> tuple[str, int]:
    """The library's and its WAL's inode:size:mtime:ctime (ns), and the latest time."""
    parts, latest = [], 0
    for path in _files(db_path):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            parts.append("-")
            continue
        parts.append(f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
        latest = max(latest, st.st_mtime_ns, st.st_ctime_ns)
    return ",".join(parts), latest


def _record(db_path: Path) -> tuple[list[str], int] | None:
    """The last backup's record (name, hash[, identity]) and when it was written."""
    path = backup_folder(db_path) / FINGERPRINT_FILE
    try:
        return path.read_text().split(), os.stat(path).st_mtime_ns
    except OSError:
        return None


def _unchanged_since(db_path: Path, backup: Path, identity: str, latest: int
                     ) -> tuple[bool, str | None]:
    """Whether the library is as it was at `backup`, and its hash if one was needed
    (None: told by the file identities alone, without reading the library)."""
    record = _record(db_path)
    fields, written_ns = record if record is not None else ([], 0)
    if (len(fields) >= 3 and fields[0] == backup.name and fields[2] == identity
            and latest <= written_ns - SETTLED_NS):
        return True, None
    fingerprint = _fingerprint(db_path)
    return fields[:2] == [backup.name, fingerprint], fingerprint


def _write_record(db_path: Path, fields: list[str]) -> None:
    try:
        (backup_folder(db_path) / FINGERPRINT_FILE).write_text(" ".join(fields) + "\n")
    except OSError:
        pass  # without a record the next start hashes again: slower, never wrong


def make_backup(db_path: str | os.PathLike[str], keep: int = DEFAULT_KEEP,
                now: datetime | None = None) -> BackupResult:
    """Copy the library at `db_path` and keep only the newest `keep` copies."""
    db_path = Path(db_path)
    keep = max(0, min(MAX_KEEP, int(keep)))
    if keep == 0:
        return BackupResult(None, reason="backups are turned off")
    try:
        with open(db_path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return BackupResult(None, reason=f"{db_path.name} is not an SQLite database")
    except FileNotFoundError:
        return BackupResult(None, reason="there is no library yet")
    except OSError as exc:
        return BackupResult(None, reason=f"cannot read {db_path.name}: {exc.strerror or exc}")
    existing = list_backups(db_path)
    identity, latest = _identity(db_path)
    fingerprint = None
    if existing:
        unchanged, fingerprint = _unchanged_since(db_path, existing[-1], identity, latest)
        if unchanged:
            if fingerprint is not None and _identity(db_path)[0] == identity:
                # Told by reading it: remember the identity, so that the next start
                # (the record now written well after it) can trust it.
                _write_record(db_path, [existing[-1].name, fingerprint, identity])
            return BackupResult(None, _prune(existing, keep),
                                reason="unchanged since the last backup",
                                checked_by="content" if fingerprint else "identity")
    if fingerprint is None:
        fingerprint = _fingerprint(db_path)
    folder = backup_folder(db_path)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    dest = folder / f"{db_path.stem}-{stamp}.sqlite"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"{db_path.stem}-{stamp}-{n}.sqlite"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(db_path, timeout=5)
        try:
            backup_copy(conn, dest)
        finally:
            conn.close()
        # The identity is kept only if nothing wrote the library while it was hashed
        # and copied. The hash came first, so a write after it can only cause one
        # copy too many at the next start, never one too few.
        fields = [dest.name, fingerprint]
        if _identity(db_path)[0] == identity:
            fields.append(identity)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        return BackupResult(None, reason=f"cannot back up to {folder}: {reason}")
    _write_record(db_path, fields)
    return BackupResult(dest, _prune(list_backups(db_path), keep))


def _prune(backups: list[Path], keep: int) -> tuple[Path, ...]:
    removed = []
    for old in backups[: max(0, len(backups) - keep)]:
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass  # a copy we cannot delete is a copy too many, not a reason to stop
    return tuple(removed)
