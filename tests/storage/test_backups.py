"""Rolling backups at start: consistent copies, only the newest N kept, none for an
unchanged library, and never an obstacle to starting."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from journey import ops
from journey.queries import list_sessions
from storage import Library
from storage.backups import backup_folder, list_backups, make_backup

T0 = datetime(2026, 11, 20, 9, 30, 0)


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT title FROM session"))
    finally:
        conn.close()


def test_keeps_the_newest_copies_of_distinct_states(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    for i in range(4):
        with Library(db) as lib:
            lib.run(ops.create_session, f"Workshop {i}")
            result = make_backup(db, keep=2, now=T0 + timedelta(minutes=i))
        assert result.path is not None and result.reason == ""
    backups = list_backups(db)
    assert [p.name for p in backups] == ["library-2026-11-20-093200.sqlite",
                                         "library-2026-11-20-093300.sqlite"]
    assert backups[0].parent == backup_folder(db) == tmp_path / "library-backups"
    assert _titles(backups[-1]) == [f"Workshop {i}" for i in range(4)]
    assert _titles(backups[0]) == [f"Workshop {i}" for i in range(3)]
    with Library(backups[-1]) as copy:  # a backup is a library Waymark can open
        assert len(copy.read(list_sessions)) == 4


def test_an_unchanged_library_makes_no_new_copy(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    assert make_backup(db, now=T0).path is not None
    with Library(db) as lib:  # opened and read, as at every start
        lib.read(list_sessions)
    again = make_backup(db, now=T0 + timedelta(hours=1))
    assert again.path is None and again.reason == "unchanged since the last backup"
    assert len(list_backups(db)) == 1


def test_same_second_gets_a_numbered_name(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "A")
        first = make_backup(db, now=T0).path
        lib.run(ops.create_session, "B")
        second = make_backup(db, now=T0).path
    assert first and second and second.name == "library-2026-11-20-093000-2.sqlite"
    assert list_backups(db) == [first, second]


def test_nothing_to_back_up_is_not_an_error(tmp_path: Path) -> None:
    assert make_backup(tmp_path / "none.sqlite").reason == "there is no library yet"
    text = tmp_path / "notes.sqlite"
    text.write_text("shopping list")
    assert make_backup(text).reason == "notes.sqlite is not an SQLite database"
    assert make_backup(text, keep=0).reason == "backups are turned off"
    assert not backup_folder(text).exists()


def test_keep_zero_turns_backups_off_but_keeps_old_ones(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "A")
    make_backup(db, now=T0)
    assert make_backup(db, keep=0).path is None
    assert len(list_backups(db)) == 1


def test_an_edit_in_the_same_clock_tick_is_still_backed_up(tmp_path: Path) -> None:
    """File times tick coarsely; an edit stamped with the backup's own time must
    still count as a change (the app once skipped such a backup)."""
    import os

    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    first = make_backup(db, now=T0).path
    with Library(db) as lib:
        lib.run(ops.create_session, "Same tick")
    stamp = first.stat().st_mtime_ns
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists():
            os.utime(path, ns=(stamp, stamp))
    again = make_backup(db, now=T0 + timedelta(minutes=1))
    assert again.path is not None, again.reason
    assert "Same tick" in _titles(again.path)


# -- telling "unchanged" without reading the library (start-up time) ---------------------

def _settled_at_once(monkeypatch) -> None:
    """File identities recorded now count as settled at once (the real rule waits
    until the record is 3 s younger than the library's last write)."""
    from storage import backups

    monkeypatch.setattr(backups, "SETTLED_NS", 0)


def test_an_unchanged_library_is_told_by_its_file_identity(tmp_path: Path, monkeypatch) -> None:
    _settled_at_once(monkeypatch)
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    assert make_backup(db, now=T0).path is not None
    again = make_backup(db, now=T0 + timedelta(hours=1))
    assert again.path is None and again.reason == "unchanged since the last backup"
    assert again.checked_by == "identity"  # no byte of the library was read
    with Library(db) as lib:  # opened and read, as at every start
        lib.read(list_sessions)
    assert make_backup(db, now=T0 + timedelta(hours=2)).path is None
    assert make_backup(db, now=T0 + timedelta(hours=3)).checked_by == "identity"
    assert len(list_backups(db)) == 1


def test_a_change_that_keeps_size_and_modification_time_is_backed_up(
        tmp_path: Path, monkeypatch) -> None:
    """An in-place edit of the same size with its modification time put back (a sync
    tool, a clock tick) still changes the change time, which no program can set."""
    import os
    import time

    _settled_at_once(monkeypatch)
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    assert make_backup(db, now=T0).path is not None
    st = db.stat()
    time.sleep(0.02)  # past the file system's clock tick
    with open(db, "r+b") as fh:  # same size, same inode, different bytes
        fh.seek(st.st_size - 1)
        last = fh.read(1)
        fh.seek(st.st_size - 1)
        fh.write(bytes([last[0] ^ 0xFF]))
    os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert db.stat().st_size == st.st_size and db.stat().st_mtime_ns == st.st_mtime_ns
    again = make_backup(db, now=T0 + timedelta(minutes=1))
    assert again.path is not None, again.reason


def test_a_record_taken_right_after_an_edit_is_checked_by_content(tmp_path: Path) -> None:
    """Within the settling time a later write could share the file times' clock
    tick, so the library is hashed — and a real edit is still found."""
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    assert make_backup(db, now=T0).path is not None
    again = make_backup(db, now=T0 + timedelta(minutes=1))
    assert again.path is None and again.checked_by == "content"
    with Library(db) as lib:
        lib.run(ops.create_session, "Straight after")
    third = make_backup(db, now=T0 + timedelta(minutes=2))
    assert third.path is not None and "Straight after" in _titles(third.path)


def test_a_record_from_before_identities_still_counts(tmp_path: Path, monkeypatch) -> None:
    _settled_at_once(monkeypatch)
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(ops.create_session, "Kick-off")
    first = make_backup(db, now=T0).path
    record = backup_folder(db) / "last-backup.sha256"
    name, digest, *_ = record.read_text().split()
    record.write_text(f"{name} {digest}\n")  # as Waymark wrote it before
    again = make_backup(db, now=T0 + timedelta(hours=1))
    assert again.path is None and again.checked_by == "content"
    assert make_backup(db, now=T0 + timedelta(hours=2)).checked_by == "identity"
    assert list_backups(db) == [first]
