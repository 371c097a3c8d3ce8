"""Rolling backups of the library, made when the app starts.

Before the library is opened (and so before any migration), a consistent copy
is taken through SQLite's backup API into a folder beside it
(`library.sqlite` -> `library-backups/library-2026-11-20-093000.sqlite`), and
only the newest `keep` copies are kept. A start that finds the library
unchanged since the newest copy makes none, so the copies are distinct states
rather than ten identical files from one busy morning. A backup never stops
the app from starting: if it cannot be made, `make_backup` says why and the
caller carries on.
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


def _fingerprint(db_path: Path) -> str:
    """A hash of the library's bytes (the file and its WAL, if any).

    Compared by content rather than by file times, which tick too coarsely
    (a few ms on Linux) to tell an edit made right after a backup."""
    digest = hashlib.sha256()
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except FileNotFoundError:
            digest.update(b"-")
    return digest.hexdigest()


def _unchanged_since(db_path: Path, backup: Path, fingerprint: str) -> bool:
    try:
        recorded = (backup_folder(db_path) / FINGERPRINT_FILE).read_text().split()
    except OSError:
        return False
    return recorded == [backup.name, fingerprint]


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
    fingerprint = _fingerprint(db_path)
    if existing and _unchanged_since(db_path, existing[-1], fingerprint):
        return BackupResult(None, _prune(existing, keep), reason="unchanged since the last backup")
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
        (folder / FINGERPRINT_FILE).write_text(f"{dest.name} {fingerprint}\n")
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        return BackupResult(None, reason=f"cannot back up to {folder}: {reason}")
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
