"""The library file: pragmas, durability per operation, refusal and migration paths."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from journey import ops
from journey.models import ALL_TABLES, Note, Session
from journey.queries import find_map, list_sessions, load_map
from storage import Library, LibraryError
from storage.migrations import LATEST

FIXTURE_V1 = Path(__file__).parents[1] / "fixtures" / "library-v1.sqlite"


def test_connection_pragmas(library: Library):
    with library.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert conn.execute(text("PRAGMA user_version")).scalar() == LATEST


def test_operation_is_committed_before_run_returns(demo):
    library, session = demo
    jmap = library.read(find_map, session.id, None)
    data = library.read(load_map, jmap.id)
    note = library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, "Seen by a 2nd reader")
    # A separate connection (another process would see the same) reads it at once.
    other = sqlite3.connect(library.path)
    try:
        row = other.execute("SELECT text FROM note WHERE id = ?", (note.id,)).fetchone()
    finally:
        other.close()
    assert row == ("Seen by a 2nd reader",)


def test_failed_operation_changes_nothing(demo):
    library, session = demo
    before = library.read(list_sessions)

    def half_done(db):
        ops.create_session(db, "Never saved")
        raise RuntimeError("boom in the middle")

    with pytest.raises(RuntimeError):
        library.run(half_done)
    assert library.read(list_sessions) == before


def test_foreign_keys_cascade_on_delete(demo):
    library, session = demo
    library.run(ops.purge_session, session.id)
    with library.session() as db:
        assert db.exec(select(Note)).all() == []


def test_newer_library_is_refused(tmp_path: Path):
    path = tmp_path / "newer.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.close()
    with pytest.raises(LibraryError, match="newer Waymark") as info:
        Library(path)
    assert "\n" not in str(info.value)


def test_not_a_database_is_refused(tmp_path: Path):
    path = tmp_path / "notes.sqlite"
    path.write_text("just some text, not a library")
    with pytest.raises(LibraryError, match="not a Waymark library"):
        Library(path)
    assert path.read_text() == "just some text, not a library"


def test_foreign_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(LibraryError, match="not a Waymark library"):
        Library(path)


def test_damaged_database_is_refused(tmp_path: Path):
    path = tmp_path / "damaged.sqlite"
    lib = Library(path)
    lib.run(ops.create_session, "To be damaged")
    lib.close()
    data = bytearray(path.read_bytes())
    for i in range(200, min(len(data), 8192)):
        data[i] = 0xAB  # overwrite the schema page
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryError):
        Library(path)


def _columns(conn: sqlite3.Connection, table: str) -> dict[str, bool]:
    return {r[1]: bool(r[3]) for r in conn.execute(f"PRAGMA table_info({table})")}


def _model_columns(model: type[SQLModel]) -> dict[str, bool]:
    return {c.name: (not c.nullable) for c in model.__table__.columns}


def test_migrated_schema_matches_the_models(library: Library):
    conn = sqlite3.connect(library.path)
    try:
        for model in ALL_TABLES:
            assert _columns(conn, model.__tablename__) == _model_columns(model), model
    finally:
        conn.close()


def test_v1_library_opens_through_the_migration_path(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_V1, path)
    lib = Library(path)
    try:
        assert lib.migrated == list(range(2, LATEST + 1))
        assert (tmp_path / "old.sqlite.v1.bak").exists()  # backup taken before migrating
        rows = lib.read(list_sessions)
        assert [(r["title"], r["notes"], r["maps"]) for r in rows] == [
            ("Bank onboarding (v1)", 4, 1)]
        data = lib.read(load_map, "m1")
        assert [s.name for s in data.stages] == ["Awareness", "Sign-up", "First use"]
        assert all(s.width is None for s in data.stages)
        assert all(not lane.collapsed for lane in data.lanes)
        assert len(data.votes["n3"]) == 2
        assert [p.score for p in data.curves[0].points] == [1.0, -2.0, 0.0]
        # The migrated library takes new edits with the new columns.
        lib.run(ops.set_stage_width, "st1", 320)
        lib.run(ops.set_lane_collapsed, "l3", True)
        lib.run(ops.add_note, "st3", "l1", "Activates the card")
        conn = sqlite3.connect(path)
        for model in ALL_TABLES:
            assert _columns(conn, model.__tablename__) == _model_columns(model), model
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    finally:
        lib.close()
    # Opening again runs no migration.
    with Library(path) as again:
        assert again.migrated == []
        assert again.read(lambda db: db.get(Session, "s1")).title == "Bank onboarding (v1)"


def test_library_folder_is_created(tmp_path: Path):
    path = tmp_path / "deep" / "er" / "library.sqlite"
    with Library(path) as lib:
        assert lib.read(list_sessions) == []
    assert path.exists()


def test_backup_to_is_a_consistent_copy(demo, tmp_path: Path):
    library, _ = demo
    dest = library.backup_to(tmp_path / "backup.sqlite")
    with Library(dest) as copy:
        assert copy.read(list_sessions)[0]["notes"] == 44
