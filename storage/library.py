"""The session library: one SQLite file, every operation one durable transaction.

Opening checks the file is a Waymark library, refuses one written by a newer
schema, backs up and migrates an older one, and sets the per-connection
pragmas (foreign keys on, WAL with synchronous=FULL, a busy timeout).
`run(op, ...)` executes a `journey.ops` operation and commits it before
returning, then tells the listeners (the UI's binder) that something changed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session as Db
from sqlmodel import create_engine

from journey.errors import WaymarkError

from .migrations import LATEST, migrate, schema_version

P = ParamSpec("P")
R = TypeVar("R")

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite file


class LibraryError(WaymarkError):
    """The library file cannot be used as it is (newer, corrupt, not a library …)."""


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


def _begin(conn: Any) -> None:
    # pysqlite defers BEGIN until the first write; take the write lock at once
    # so a whole operation, reads included, is one transaction.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _raw_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    _set_pragmas(conn, None)
    return conn


def check_and_migrate(path: Path, backup: bool = True) -> list[int]:
    """Make `path` a library at the latest schema; returns the migration steps run."""
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                raise LibraryError(f"{path} is not a Waymark library (not an SQLite database)")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = _raw_connect(path)
    except sqlite3.Error as exc:
        raise LibraryError(f"cannot open library {path}: {exc}") from None
    try:
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = schema_version(conn)
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"library {path} is damaged: {exc}") from None
        if ok != "ok":
            raise LibraryError(f"library {path} is damaged ({ok}); restore it from a backup")
        if version > LATEST:
            raise LibraryError(
                f"library {path} was written by a newer Waymark (schema {version}; this "
                f"version reads up to {LATEST}): update Waymark to open it"
            )
        if version == 0:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise LibraryError(f"{path} is an SQLite database but not a Waymark library")
        elif version < LATEST and backup:
            backup_copy(conn, path.with_name(f"{path.name}.v{version}.bak"))
        return migrate(conn)
    finally:
        conn.close()


def backup_copy(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of an open library through SQLite's backup API."""
    tmp = dest.with_name(dest.name + ".tmp")
    target = sqlite3.connect(tmp)
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(tmp, dest)
    return dest


class Library:
    """An open library file. Use `run` for edits and `read` for queries."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser().resolve()
        self.migrated = check_and_migrate(self.path)
        self.engine: Engine = create_engine(
            f"sqlite:///{self.path}", poolclass=NullPool if os.name == "nt" else None,
            connect_args={"check_same_thread": False},
        )
        event.listen(self.engine, "connect", _set_pragmas)
        event.listen(self.engine, "begin", _begin)
        self._listeners: list[Callable[[str, Any], None]] = []

    # -- edits and reads ---------------------------------------------------
    def run(self, op: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Run one operation as one transaction, committed before this returns."""
        with Db(self.engine, expire_on_commit=False) as db:
            try:
                result = op(db, *args, **kwargs)
                db.commit()
            except BaseException:
                db.rollback()
                raise
        for listener in list(self._listeners):
            listener(getattr(op, "__name__", "op"), result)
        return result

    def read(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        with Db(self.engine, expire_on_commit=False) as db:
            return fn(db, *args, **kwargs)

    @contextmanager
    def session(self) -> Iterator[Db]:
        """A read session for ad-hoc queries (rolled back on exit)."""
        with Db(self.engine, expire_on_commit=False) as db:
            yield db

    def subscribe(self, listener: Callable[[str, Any], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- file-level --------------------------------------------------------
    def backup_to(self, dest: str | os.PathLike[str]) -> Path:
        conn = _raw_connect(self.path)
        try:
            return backup_copy(conn, Path(dest))
        finally:
            conn.close()

    def integrity_check(self) -> str:
        conn = _raw_connect(self.path)
        try:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
