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

A copy is only worth keeping if it can be opened: the library is checked
(`PRAGMA quick_check`) before it is copied — a damaged library is not backed up
at all, so its copies never push the good ones out — and the copy is checked
again before it gets its name. Pruning keeps the newest `keep` copies that pass
the check; a spoilt copy never counts. `recover` puts the newest good copy in
place of a damaged library and keeps the damaged file beside it.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from journey.errors import WaymarkError

from .atomic import atomic_path, write_text_atomic
from .library import SQLITE_HEADER, Library, LibraryError, probe

DEFAULT_KEEP = 5
MAX_KEEP = 50


@dataclass(frozen=True)
class BackupResult:
    path: Path | None  # the new copy, or None when none was made
    removed: tuple[Path, ...] = ()
    reason: str = ""  # why none was made ("" when one was)
    #: How "unchanged" was told: "identity" (file times, no read) or "content" (hash).
    checked_by: str = ""
    #: The library itself failed its check: the caller can offer `recover`.
    damaged: bool = False


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
        write_text_atomic(backup_folder(db_path) / FINGERPRINT_FILE, " ".join(fields) + "\n")
    except (OSError, WaymarkError):
        pass  # without a record the next start hashes again: slower, never wrong


# -- checking a file -------------------------------------------------------------

def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines()
             if ln.strip() and not ln.startswith("*** in database")]
    return "; ".join(lines) or "unreadable"


#: Tables every schema of a library has; a sound SQLite file without them is no
#: library to keep or to recover from.
CORE_TABLES = frozenset({"session", "journey_map", "stage", "lane", "note"})


def problem_of(path: str | os.PathLike[str]) -> str | None:
    """What `PRAGMA quick_check` finds wrong with the library at `path` (or a table
    it lacks), in one line, or None when it is sound.

    Read-only, on a connection of its own. Without a `-wal` file the main file is
    the whole database, so it is opened `immutable` (a read-only WAL open would
    otherwise leave empty -wal and -shm files beside a backup or a damaged library)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return "not an SQLite database"
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    flags = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return _one_line(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        return _one_line(exc)
    finally:
        conn.close()
    found = [r[0] for r in rows]
    if found != ["ok"]:
        return _one_line("\n".join(found))
    missing = CORE_TABLES - tables
    if tables and missing:  # (no tables at all: a new, empty library)
        return f"tables are missing: {', '.join(sorted(missing))}"
    return None


class _SpoiltCopy(Exception):
    pass


def checked_copy(source: str | os.PathLike[str], dest: str | os.PathLike[str],
                 source_is_backup: bool = False) -> str | None:
    """Copy the library `source` to `dest` through SQLite's backup API (consistent
    even while it is open) and keep the copy only if it passes `quick_check`.
    Returns None, or why there is no copy (one line); `dest` is then untouched.
    A backup as the source is opened read-only and immutable: not a byte of it changes."""
    source, dest = Path(source), Path(dest)
    try:
        with atomic_path(dest) as tmp:
            conn = (sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
                    if source_is_backup else sqlite3.connect(source, timeout=5))
            try:
                target = sqlite3.connect(tmp)
                try:
                    # No syncs while copying: atomic_path fsyncs the finished file once.
                    target.execute("PRAGMA synchronous=OFF")
                    conn.backup(target)
                finally:
                    target.close()
            finally:
                conn.close()
            problem = problem_of(tmp)
            if problem is not None:
                raise _SpoiltCopy(problem)
    except _SpoiltCopy as exc:
        return f"the copy failed its check ({exc}); it was not kept"
    except sqlite3.Error as exc:
        return _one_line(exc)
    except WaymarkError as exc:
        return str(exc).rsplit(": ", 1)[-1]
    return None


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
    # The probe's quick_check is the one this start pays for: a sound library is
    # not checked again here, only a damaged one is looked at for its wording.
    try:
        if not probe(db_path).exists:
            return BackupResult(None, reason="there is no library yet")
    except LibraryError as exc:
        if "damaged" not in str(exc):  # another program's file: not ours to copy,
            # nor to open writably (its close could checkpoint into it)
            return BackupResult(None, reason=_one_line(exc))
        problem = problem_of(db_path) or _one_line(exc)
        # copying it would only push a good copy out
        return BackupResult(None, reason=f"the library is damaged ({problem}); "
                            "no backup was made", damaged=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return BackupResult(None, reason=f"cannot back up to {folder}: {exc.strerror or exc}")
    failed = checked_copy(db_path, dest)
    if failed is not None:
        why = failed if failed.startswith("the copy") else f"cannot back up to {folder}: {failed}"
        return BackupResult(None, reason=why)
    # The identity is kept only if nothing wrote the library while it was hashed
    # and copied. The hash came first, so a write after it can only cause one
    # copy too many at the next start, never one too few.
    fields = [dest.name, fingerprint]
    if _identity(db_path)[0] == identity:
        fields.append(identity)
    _write_record(db_path, fields)
    return BackupResult(dest, _prune(list_backups(db_path), keep, good=dest))


def _prune(backups: list[Path], keep: int, good: Path | None = None) -> tuple[Path, ...]:
    """Keep the newest `keep` copies that pass `quick_check` (`good` is known to);
    remove the rest. Nothing is removed unless a good copy stays, so the last good
    backup is never pruned and a spoilt one never takes its place."""
    if len(backups) <= keep:
        return ()
    kept: list[Path] = []
    for path in reversed(backups):
        if len(kept) < keep and (path == good or problem_of(path) is None):
            kept.append(path)
    if not kept:
        return ()
    removed = []
    for old in backups:
        if old in kept:
            continue
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass  # a copy we cannot delete is a copy too many, not a reason to stop
    return tuple(removed)


# -- recovery ----------------------------------------------------------------------

STAMP = "%Y-%m-%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken: datetime  # from the name (when it was made), else the file's time
    sessions: int  # not in the trash; 0 when it cannot be read
    problem: str | None = None  # None: it passes quick_check and holds a library

    @property
    def label(self) -> str:
        plural = "" if self.sessions == 1 else "s"
        return f"the backup of {self.taken:%Y-%m-%d %H:%M} ({self.sessions} session{plural})"


@dataclass(frozen=True)
class RecoveryResult:
    library: Path
    backup: Path
    taken: datetime
    sessions: int
    kept_as: Path | None  # where the damaged (or replaced) file went; None if none existed
    damaged: bool = True

    def summary(self) -> str:
        what = "damaged" if self.damaged else "replaced"
        kept = (f"; the {what} file is kept as {self.kept_as}" if self.kept_as is not None
                else "")
        plural = "" if self.sessions == 1 else "s"
        return (f"recovered library from backup of {self.taken:%Y-%m-%d %H:%M} "
                f"({self.sessions} session{plural}){kept}")


def _taken(path: Path) -> datetime:
    m = re.search(r"(\d{4}-\d{2}-\d{2}-\d{6})(?:-\d+)?\.sqlite$", path.name)
    if m:
        try:
            return datetime.strptime(m[1], STAMP)
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return datetime.now()


def inspect_backup(path: str | os.PathLike[str]) -> BackupInfo:
    """When a backup was made, how many sessions it holds and whether it is sound."""
    path = Path(path)
    problem = problem_of(path)
    sessions = 0
    if problem is None:
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                try:
                    row = conn.execute(
                        "SELECT count(*) FROM session WHERE deleted_at IS NULL").fetchone()
                except sqlite3.OperationalError:  # schema v1: no trash yet
                    row = conn.execute("SELECT count(*) FROM session").fetchone()
                sessions = int(row[0])
            finally:
                conn.close()
        except sqlite3.Error:
            problem = "not a Waymark library"
    return BackupInfo(path, _taken(path), sessions, problem)


def check_backups(db_path: str | os.PathLike[str]) -> list[BackupInfo]:
    """Every backup of the library, newest first, each checked."""
    return [inspect_backup(p) for p in reversed(list_backups(Path(db_path)))]


def newest_good_backup(db_path: str | os.PathLike[str]) -> BackupInfo | None:
    """The newest backup that passes `quick_check` (older ones are not read)."""
    for path in reversed(list_backups(Path(db_path))):
        info = inspect_backup(path)
        if info.problem is None:
            return info
    return None


def _companions(path: Path) -> list[Path]:
    """The library and the WAL and shared-memory files SQLite keeps beside it."""
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def aside_path(db_path: str | os.PathLike[str], now: datetime | None = None,
               why: str = "damaged") -> Path:
    """`library.sqlite.damaged-2026-12-02-091500` (then `-2`, …): a name that neither
    it nor its -wal/-shm companions have yet."""
    db_path = Path(db_path)
    base = f"{db_path.name}.{why}-{(now or datetime.now()).strftime(STAMP)}"
    candidate, n = db_path.with_name(base), 1
    while any(p.exists() for p in _companions(candidate)):
        n += 1
        candidate = db_path.with_name(f"{base}-{n}")
    return candidate


def _move_aside(db_path: Path, aside: Path) -> list[tuple[Path, Path]]:
    """Rename the library and its companions to `aside`, never over a file."""
    moved: list[tuple[Path, Path]] = []
    try:
        for src, dst in zip(_companions(db_path), _companions(aside), strict=True):
            if not src.exists():
                continue
            if dst.exists():
                raise FileExistsError(f"{dst} exists")
            os.rename(src, dst)
            moved.append((src, dst))
    except OSError:
        _move_back(moved)
        raise
    return moved


def _move_back(moved: list[tuple[Path, Path]]) -> None:
    for src, dst in reversed(moved):
        if not src.exists():
            try:
                os.rename(dst, src)
            except OSError:
                pass


def _is_damaged(db_path: Path) -> bool:
    """The file fails `quick_check`, or opening it says it is damaged (a sound SQLite
    file can still have lost a library's tables)."""
    if not db_path.exists():
        return False
    if problem_of(db_path) is not None:
        return True
    try:
        Library(db_path).close()
    except LibraryError as exc:
        return "damaged" in str(exc)
    return False


def recover(db_path: str | os.PathLike[str], source: str | os.PathLike[str] | None = None,
            now: datetime | None = None) -> RecoveryResult:
    """Put the newest good backup (or `source`) in place of the damaged library.

    The damaged file and its -wal/-shm are renamed aside (`aside_path`), never
    overwritten or deleted; the backup is copied through SQLite's backup API,
    checked, and renamed into place, so a failure leaves the library as it was.
    A healthy library is replaced only when `source` names the backup to use."""
    db_path = Path(db_path).expanduser()
    damaged = _is_damaged(db_path)
    if source is not None:
        info = inspect_backup(Path(source).expanduser())
        if info.problem is not None:
            raise WaymarkError(f"cannot recover from {info.path}: {info.problem}")
    elif db_path.exists() and not damaged:
        raise WaymarkError(f"library {db_path} is not damaged (it passes its check); "
                           "to go back to a backup anyway, name it with --from")
    else:
        found = newest_good_backup(db_path)
        if found is None:
            raise WaymarkError(f"no good backup of {db_path} to recover from "
                               f"(looked in {backup_folder(db_path)})")
        info = found
    aside = aside_path(db_path, now, "damaged" if damaged else "replaced")
    moved: list[tuple[Path, Path]] = []
    try:
        with atomic_path(db_path) as tmp:
            failed = checked_copy(info.path, tmp, source_is_backup=True)
            if failed is not None:
                raise WaymarkError(f"cannot recover from {info.path}: {failed}")
            moved = _move_aside(db_path, aside)
    except OSError as exc:  # moving the damaged file aside
        raise WaymarkError(f"cannot move {db_path} aside: {exc.strerror or exc}") from None
    except BaseException:
        _move_back(moved)
        raise
    return RecoveryResult(db_path, info.path, info.taken, info.sessions,
                          aside if moved else None, damaged)
