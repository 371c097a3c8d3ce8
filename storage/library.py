"""The session library: one SQLite file, every operation one durable transaction.

Opening looks before it writes. The file header and then a read-only
connection (`file:…?mode=ro`) tell whether the file is a Waymark library (its
`PRAGMA application_id` is APPLICATION_ID; a library from before the id has 0,
a schema version and the Waymark tables), which schema it has and whether
`PRAGMA quick_check` finds it intact. A file that is not a library, is damaged
or was written by a newer schema is refused with its bytes untouched. Only then
is a writable connection made (WAL with synchronous=FULL, foreign keys, a busy
timeout), and under the write lock (BEGIN IMMEDIATE) the version is read again,
an older library is backed up and migrated and the id stamped: two Waymarks
opening the same new library at once create it once.

`run(op, ..., initiator=None)` executes a `journey.ops` operation and commits it
before returning, then tells every listener one `journey.changes.Committed`: the
op's name, its result, the `Changes` gathered from the session while it ran (so
no op can forget to say what it touched) and who initiated it.
When another Waymark holds the write lock longer than the busy timeout, `run`
tries again with a growing pause, for about `busy_retry_seconds` in all, then
raises LibraryBusy. Anything that goes wrong while opening is one LibraryError
line; so is a read that finds the file damaged.

A library the user cannot write (the file or its folder), one opened with
`Library(path, read_only=True)`, or any library while the environment variable
WAYMARK_READ_ONLY=1 is set, opens read-only: reads work, `run` raises
LibraryReadOnly, and nothing (no WAL switch, backup or migration) is attempted.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session as Db
from sqlmodel import create_engine

from journey.changes import ChangeGatherer, Changes, Committed
from journey.errors import WaymarkError

from .atomic import atomic_path
from .migrations import LATEST, migrate, schema_version

P = ParamSpec("P")
R = TypeVar("R")

APPLICATION_ID = 0x57594D4B  # "WYMK" in the header's bytes 68-71: this file is a library
BUSY_TIMEOUT_MS = 5000  # SQLite's own wait for the lock, per attempt
BUSY_RETRY_SECONDS = 25.0  # attempts go on this long (the last may add one busy timeout)
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite file
READ_ONLY_ENV = "WAYMARK_READ_ONLY"
#: Tables every Waymark schema has: with a version, they tell a library from before
#: the application id from someone else's database.
WAYMARK_TABLES = frozenset({"session", "journey_map", "stage", "lane", "note"})


class LibraryError(WaymarkError):
    """The library file cannot be used as it is (newer, damaged, not a library …)."""


class LibraryReadOnly(LibraryError):
    """An edit was asked of a library opened read-only."""


class LibraryBusy(LibraryError):
    """Another Waymark kept the write lock for longer than we wait."""


BUSY_MESSAGE = "the library is busy: another Waymark is writing to it; try again"


def _one_line(exc: BaseException | str) -> str:
    """A short printable line (SQLite's messages may quote a damaged file's bytes)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:240]


#: Words of SQLite's messages: a UnicodeDecodeError of one is SQLite quoting damaged bytes.
_SQLITE_WORDS = (b"malformed", b"syntax error", b"near \"", b"no such ", b"database")


def _sqlite_cause(exc: BaseException) -> BaseException | None:
    """The sqlite3 error behind `exc` (SQLAlchemy keeps it as `.orig`), or the failed
    decode of an SQLite message that quoted a damaged file's bytes."""
    for _ in range(4):
        if isinstance(exc, sqlite3.Error):
            return exc
        if isinstance(exc, UnicodeDecodeError):
            raw = exc.object if isinstance(exc.object, bytes) else b""
            return exc if any(word in raw for word in _SQLITE_WORDS) else None
        exc = getattr(exc, "orig", None) or exc.__cause__
        if exc is None:
            return None
    return None


def _is_busy(exc: BaseException) -> bool:
    cause = _sqlite_cause(exc)
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    code = getattr(cause, "sqlite_errorcode", 0) & 0xFF
    return code == sqlite3.SQLITE_BUSY or "database is locked" in str(cause)


def _is_damage(exc: BaseException) -> bool:
    cause = _sqlite_cause(exc)
    if isinstance(cause, UnicodeDecodeError):
        return True  # SQLite's message quoted bytes of a damaged schema
    if not isinstance(cause, sqlite3.DatabaseError):
        return False
    code = getattr(cause, "sqlite_errorcode", 0) & 0xFF
    text = str(cause)
    return (code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
            or "malformed" in text or "Could not decode to UTF-8" in text
            or "no such column" in text or "no such table" in text)


def retry_busy(attempt: Callable[[], R], seconds: float = BUSY_RETRY_SECONDS) -> R:
    """`attempt()`, again after a growing pause while SQLite says the library is locked."""
    deadline = time.monotonic() + seconds
    pause = 0.05
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not _is_busy(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise LibraryBusy(BUSY_MESSAGE) from None
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


# -- connections ---------------------------------------------------------------------

def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" event below emits
    # BEGIN itself (the pysqlite recipe from SQLAlchemy's SQLite docs).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _set_read_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA foreign_keys = ON")
    dbapi_conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _begin(conn: Any) -> None:
    # pysqlite defers BEGIN until the first write; take the write lock at once
    # so a whole operation, reads included, is one transaction.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_read(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")  # one snapshot for the whole read, no lock wanted


def _raw_connect(path: Path) -> sqlite3.Connection:
    """A writable connection with the library's pragmas (only for a known library)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                           check_same_thread=False)
    _set_pragmas(conn, None)
    return conn


def _ro_connect(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the file.

    `mode=ro` reads a WAL library together with its -wal (SQLite may create an
    empty -wal and -shm beside it for that). In a folder we cannot write, with
    no -wal, they cannot be created, and nobody can be writing in WAL mode: there
    `immutable=1` reads the file as it is, without locks (SQLite's documented way)."""
    wal = path.with_name(path.name + "-wal")
    immutable = not wal.exists() and not os.access(path.parent, os.W_OK)
    uri = f"{path.absolute().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                           timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    _set_read_pragmas(conn, None)
    return conn


def backup_copy(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of an open library through SQLite's backup API, written
    through the one atomic writer (fsync'ed, renamed, its folder fsync'ed)."""
    with atomic_path(dest) as tmp:
        target = sqlite3.connect(tmp)
        try:
            conn.backup(target)
        finally:
            target.close()
    return dest


# -- opening -------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    """What a read-only look found: a library (with its schema) or nothing yet."""

    exists: bool  # False: no file, an empty one, or an SQLite file with nothing in it
    version: int = 0
    stamped: bool = False  # application_id already APPLICATION_ID


def _not_ours(path: Path) -> LibraryError:
    return LibraryError(f"{path} is an SQLite database but not a Waymark library")


def _newer(path: Path, version: int) -> LibraryError:
    return LibraryError(f"library {path} was written by a newer Waymark (schema {version}; "
                        f"this version reads up to {LATEST}): update Waymark to open it")


def _classify(path: Path, app_id: int, version: int, tables: set[str]) -> Probe:
    """Decide from the header values and table names; raise if it is not ours."""
    if app_id not in (0, APPLICATION_ID):
        raise _not_ours(path)
    if version > LATEST:
        raise _newer(path, version)
    ours = app_id == APPLICATION_ID
    if version < 0:
        raise LibraryError(f"library {path} is damaged: schema version {version}")
    if version == 0:
        if not tables:
            return Probe(exists=False, stamped=ours)
        if not ours:
            raise _not_ours(path)
        raise LibraryError(f"library {path} is damaged: it has tables but no schema version")
    if not WAYMARK_TABLES <= tables:
        if not ours:
            raise _not_ours(path)
        raise LibraryError(f"library {path} is damaged: tables are missing")
    return Probe(exists=True, version=version, stamped=ours)


def _check_columns(path: Path, conn: sqlite3.Connection) -> None:
    """A flipped byte in a CREATE statement can rename a column and still pass
    `quick_check`; every query would then fail. Compare with the models once."""
    from sqlmodel import SQLModel

    import journey.models  # noqa: F401  (registers the tables in SQLModel.metadata)

    for name, table in SQLModel.metadata.tables.items():
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        missing = sorted(c.name for c in table.columns if c.name not in have)
        if missing:
            raise LibraryError(f"library {path} is damaged: the table {name} has lost "
                               f"its column {missing[0]}; restore it from a backup")


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def probe(path: Path) -> Probe:
    """Look at `path` without writing to it: the header bytes first, then `mode=ro`."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Probe(exists=False)
    if size == 0:
        return Probe(exists=False)
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(SQLITE_HEADER):
        raise LibraryError(f"{path} is not a Waymark library (not an SQLite database)")
    if len(head) < 100:
        raise LibraryError(f"library {path} is damaged: the file is cut short")
    if int.from_bytes(head[68:72], "big") not in (0, APPLICATION_ID):
        raise _not_ours(path)  # another program's id, told without opening it at all

    def look() -> Probe:
        conn = _ro_connect(path)
        try:
            # One read transaction for every value: a first open that commits its
            # tables between two reads would otherwise look like tables without a
            # version (another program's file).
            conn.execute("BEGIN")
            tables = _tables(conn)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = schema_version(conn)
            if app_id not in (0, APPLICATION_ID):
                raise _not_ours(path)
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                raise LibraryError(f"library {path} is damaged ({_one_line(str(rows[0][0]))});"
                                   " restore it from a backup")
            found = _classify(path, app_id, version, tables)
            if found.exists and version == LATEST:
                _check_columns(path, conn)
            return found
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    return retry_busy(look)


def _prepare(path: Path, backup: bool) -> list[int]:
    """Under the write lock: read the version again, back up, migrate, stamp the id."""
    conn = _raw_connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = schema_version(conn)
            found = _classify(path, app_id, version, _tables(conn))  # another may have won
            if found.exists and version < LATEST and backup:
                # Through a second connection: SQLite's backup cannot read from one
                # in a write transaction, and this one has not written yet.
                source = _ro_connect(path)
                try:
                    backup_copy(source, path.with_name(f"{path.name}.v{version}.bak"))
                finally:
                    source.close()
            done = migrate(conn)
            if app_id != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return done
    finally:
        conn.close()


def check_and_migrate(path: Path, backup: bool = True, read_only: bool = False) -> list[int]:
    """Make `path` a library at the latest schema; returns the migration steps run.

    Every failure is one LibraryError line, and a refused file is left as it was."""
    try:
        found = probe(path)
        if read_only:
            if not found.exists:
                raise LibraryError(f"there is no library at {path} to open read-only")
            if found.version < LATEST:
                raise LibraryError(
                    f"cannot upgrade a read-only library: {path} has schema {found.version}, "
                    f"this Waymark needs {LATEST}; open it once where it can be written")
            return []
        if found.exists and found.version == LATEST and found.stamped:
            return []  # nothing to do: no lock needed
        path.parent.mkdir(parents=True, exist_ok=True)
        return retry_busy(lambda: _prepare(path, backup))
    except LibraryError:
        raise
    except OSError as exc:
        where = exc.filename or path
        raise LibraryError(f"cannot open library {path}: {exc.strerror or exc} ({where})"
                           ) from None
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        if isinstance(exc, sqlite3.DatabaseError) and not _is_damage(exc):
            raise LibraryError(f"cannot open library {path}: {_one_line(exc)}") from None
        raise LibraryError(f"library {path} is damaged: {_one_line(exc)}") from None


def _writable(path: Path) -> bool:
    """Whether this user may write the library (or create it) and its -wal beside it."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # a folder still to be made: ask its nearest parent
    if not os.access(folder, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _env_read_only() -> bool:
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "yes", "on")


class Library:
    """An open library file. Use `run` for edits and `read` for queries.

    `read_only` is True when asked for (`Library(path, read_only=True)`), when
    WAYMARK_READ_ONLY=1 is set, or when the file or its folder is not writable;
    then `run` raises LibraryReadOnly. `busy_retry_seconds` bounds how long `run`
    and `read` keep trying while another Waymark holds the write lock."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = Path(path).expanduser().resolve()
        self.read_only = bool(read_only) or _env_read_only() or not _writable(self.path)
        self.busy_retry_seconds = BUSY_RETRY_SECONDS
        self.migrated = check_and_migrate(self.path, read_only=self.read_only)
        self.engine: Engine = create_engine(
            "sqlite://", creator=self._connect,
            poolclass=NullPool if os.name == "nt" else QueuePool,
        )
        event.listen(self.engine, "begin", _begin_read if self.read_only else _begin)
        # Reads get their own connections that BEGIN a deferred transaction: in
        # WAL mode a reader sees one snapshot and never waits for a writer, so the
        # window redraws while a CLI import holds the write lock.
        self._read_engine: Engine = create_engine(
            "sqlite://", creator=self._connect,
            poolclass=NullPool if os.name == "nt" else QueuePool,
        )
        event.listen(self._read_engine, "begin", _begin_read)
        self._listeners: list[Callable[[Committed], None]] = []
        self._version_conn: sqlite3.Connection | None = None
        self._version_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return _ro_connect(self.path) if self.read_only else _raw_connect(self.path)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """A damaged file found mid-read is a LibraryError line, not a traceback."""
        try:
            yield
        except WaymarkError:
            raise  # already the user's one line (an import's "not UTF-8 text", …)
        except Exception as exc:
            if _is_damage(exc):
                detail = _one_line(_sqlite_cause(exc) or exc)
                raise LibraryError(f"library {self.path} is damaged: {detail}") from None
            if _is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            raise

    # -- edits and reads ---------------------------------------------------
    def run(self, op: Callable[..., R], *args: Any, initiator: object | None = None,
            **kwargs: Any) -> R:
        """Run one operation as one transaction (see `commit`); its result."""
        return self.commit(op, *args, initiator=initiator, **kwargs).result

    def commit(self, op: Callable[..., Any], *args: Any, initiator: object | None = None,
               **kwargs: Any) -> Committed:
        """Run one operation as one transaction, committed before this returns;
        the `Committed` the listeners were told (result, changes, initiator).

        While another Waymark holds the write lock the whole operation is tried
        again (it was rolled back, so nothing happened twice), for about
        `busy_retry_seconds`; then LibraryBusy. A read-only library raises
        LibraryReadOnly without touching the file. The listeners then get one
        `Committed` with the gathered `Changes` and `initiator` (e.g. the
        MapDocument that asked)."""
        if self.read_only:
            raise LibraryReadOnly(f"the library {self.path} is read-only: edits are refused")
        changes = Changes()

        def attempt() -> R:
            nonlocal changes
            with Db(self.engine, expire_on_commit=False) as db:
                gatherer = ChangeGatherer(db)
                try:
                    result = op(db, *args, **kwargs)
                    db.commit()
                except BaseException:
                    db.rollback()
                    raise
                finally:
                    gatherer.close()
            changes = gatherer.changes
            return result

        with self._errors():
            result = retry_busy(attempt, self.busy_retry_seconds)
        done = Committed(getattr(op, "__name__", "op"), result, changes, initiator)
        for listener in list(self._listeners):
            listener(done)
        return done

    def read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        def attempt() -> R:
            with Db(self._read_engine, expire_on_commit=False) as db:
                return fn(db, *args, **kwargs)

        with self._errors():
            return retry_busy(attempt, self.busy_retry_seconds)

    @contextmanager
    def session(self) -> Iterator[Db]:
        """A read session for ad-hoc queries (rolled back on exit)."""
        with self._errors(), Db(self._read_engine, expire_on_commit=False) as db:
            yield db

    def subscribe(self, listener: Callable[[Committed], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def notify(self, what: str, result: Any = None,
               skip: Callable[[Committed], None] | None = None) -> None:
        """Tell the listeners (all but `skip`) that the library changed without a
        `run` of ours: another program's commit, seen by the window's watch. What
        changed cannot be told, so the Changes say `everything`."""
        done = Committed(what, result, Changes(everything=True), None)
        for listener in list(self._listeners):
            if listener is not skip:
                listener(done)

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version` on one long-lived connection of this Library.

        It changes whenever a commit by another connection has reached the file
        since the previous call; our own `run()`s commit on other connections, so
        they change it too: compare after your own runs. Cheap (no query, no
        lock wanted) and safe to call every few hundred ms from any thread; no
        read transaction is left open between calls."""
        with self._version_lock, self._errors():
            if self._version_conn is None:
                self._version_conn = self._connect()
            cur = self._version_conn.execute("PRAGMA data_version")
            try:
                return cur.fetchall()[0][0]
            finally:
                cur.close()

    # -- file-level --------------------------------------------------------
    def backup_to(self, dest: str | os.PathLike[str]) -> Path:
        conn = self._connect()
        try:
            return backup_copy(conn, Path(dest))
        finally:
            conn.close()

    def integrity_check(self) -> str:
        conn = self._connect()
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()

    def close(self) -> None:
        with self._version_lock:
            if self._version_conn is not None:
                self._version_conn.close()  # first, so the engine's last close checkpoints
                self._version_conn = None
        self._read_engine.dispose()
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
