"""A damaged library is never backed up over good copies, and is recovered from
the newest good backup (API, CLI and the app's question box) without touching
the damaged file, which is kept beside the library."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from journey import ops
from journey.errors import WaymarkError
from journey.queries import list_sessions
from storage import Library, LibraryError
from storage.backups import (
    BackupResult,
    checked_copy,
    list_backups,
    make_backup,
    newest_good_backup,
    recover,
)

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 12, 1, 14, 30, 0)
JUNK = bytes(range(200))


def damage(path: Path) -> bytes:
    """Overwrite bytes 8192–8391 (page 3: a table's b-tree page) with junk; the
    16-byte header still says SQLite. Returns the damaged file's bytes."""
    with open(path, "r+b") as fh:
        fh.seek(8192)
        fh.write(JUNK)
    return path.read_bytes()


def quick_check(path: Path) -> str:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()


def library_with(tmp_path: Path, titles: list[str]) -> Path:
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        for title in titles:
            lib.run(ops.create_session, title)
    return db


def add_sessions(db: Path, *titles: str) -> None:
    with Library(db) as lib:
        for title in titles:
            lib.run(ops.create_session, title)


def titles(db: Path) -> list[str]:
    with Library(db) as lib:
        return sorted(r["title"] for r in lib.read(list_sessions))


# -- defect 1: the start-up backup of a damaged library --------------------------------

def test_a_damaged_library_is_not_backed_up_and_the_good_copy_is_kept(tmp_path: Path) -> None:
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    good = make_backup(db, keep=1, now=T0).path
    assert good is not None
    add_sessions(db, "After the backup")
    damaged = damage(db)
    assert quick_check(db) != "ok"
    result = make_backup(db, keep=1, now=T0 + timedelta(hours=1))
    assert result.path is None and result.damaged
    assert result.reason.startswith("the library is damaged")
    assert "\n" not in result.reason
    assert list_backups(db) == [good] and quick_check(good) == "ok"
    assert result.removed == ()
    assert db.read_bytes() == damaged  # the check only read it


def test_a_backup_that_fails_its_check_never_counts_toward_keep(tmp_path: Path) -> None:
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    oldest = make_backup(db, keep=2, now=T0).path
    add_sessions(db, "Second")
    newer = make_backup(db, keep=2, now=T0 + timedelta(minutes=1)).path
    assert oldest and newer
    damage(newer)  # the disk spoilt the newer copy
    add_sessions(db, "Third")
    result = make_backup(db, keep=2, now=T0 + timedelta(minutes=2))
    assert result.path is not None
    # Kept: the new copy and the older good one; the spoilt one went instead.
    assert list_backups(db) == [oldest, result.path]
    assert result.removed == (newer,)
    assert all(quick_check(p) == "ok" for p in list_backups(db))


def test_the_newest_good_backup_is_never_pruned(tmp_path: Path) -> None:
    """Even with keep=1 and only spoilt copies newer than it, the last good copy stays
    (an unchanged start prunes too: here because keep went down)."""
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    good = make_backup(db, keep=5, now=T0).path
    spoilt = []
    for i in range(2):
        add_sessions(db, f"Later {i}")
        path = make_backup(db, keep=5, now=T0 + timedelta(minutes=i + 1)).path
        assert path is not None
        damage(path)
        spoilt.append(path)
    unchanged = make_backup(db, keep=1, now=T0 + timedelta(minutes=5))
    assert unchanged.reason == "unchanged since the last backup"
    assert good in list_backups(db)
    assert newest_good_backup(db).path == good


def test_a_copy_is_kept_only_after_it_passes_its_check(tmp_path: Path) -> None:
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    damage(db)
    dest = tmp_path / "copy.sqlite"
    problem = checked_copy(db, dest)
    assert problem and "\n" not in problem
    assert not dest.exists() and sorted(p.name for p in tmp_path.iterdir()
                                        if p.name.startswith(".")) == []


# -- defect 2: recovery from the newest good backup -----------------------------------

def _damaged_with_backups(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """A library damaged after two backups, the newer of which is spoilt too."""
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(12)])
    good = make_backup(db, now=T0).path
    add_sessions(db, "After the good backup")
    spoilt = make_backup(db, now=T0 + timedelta(hours=1)).path
    damage(spoilt)
    add_sessions(db, "After the spoilt backup")
    return db, good, damage(db)


def test_recover_uses_the_newest_good_backup_and_keeps_the_damaged_file(
        tmp_path: Path) -> None:
    db, good, damaged = _damaged_with_backups(tmp_path)
    with pytest.raises(LibraryError, match="damaged"):
        Library(db)
    when = datetime(2026, 12, 2, 9, 15, 0)
    result = recover(db, now=when)
    assert result.backup == good and result.sessions == 12
    assert result.kept_as == tmp_path / "library.sqlite.damaged-2026-12-02-091500"
    assert result.kept_as.read_bytes() == damaged
    assert titles(db) == sorted(f"Workshop {i}" for i in range(12))
    assert result.summary() == (
        "recovered library from backup of 2026-12-01 14:30 (12 sessions); "
        f"the damaged file is kept as {result.kept_as}")
    assert quick_check(good) == "ok"  # the backup itself is untouched


def test_recover_never_overwrites_an_earlier_damaged_file(tmp_path: Path) -> None:
    db, _good, damaged = _damaged_with_backups(tmp_path)
    when = datetime(2026, 12, 2, 9, 15, 0)
    earlier = tmp_path / "library.sqlite.damaged-2026-12-02-091500"
    earlier.write_bytes(b"kept from before")
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"the damaged library's log")
    result = recover(db, now=when)
    assert earlier.read_bytes() == b"kept from before"
    assert result.kept_as == tmp_path / "library.sqlite.damaged-2026-12-02-091500-2"
    assert result.kept_as.read_bytes() == damaged
    assert Path(f"{result.kept_as}-wal").read_bytes() == b"the damaged library's log"
    assert titles(db)


def test_recover_without_a_good_backup_is_one_line_and_changes_nothing(
        tmp_path: Path) -> None:
    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    spoilt = make_backup(db, now=T0).path
    damage(spoilt)
    damaged = damage(db)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(WaymarkError) as exc:
        recover(db)
    assert "\n" not in str(exc.value) and "no good backup" in str(exc.value)
    assert db.read_bytes() == damaged
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_recover_refuses_a_healthy_library_unless_a_backup_is_named(tmp_path: Path) -> None:
    db = library_with(tmp_path, ["Kick-off"])
    backup = make_backup(db, now=T0).path
    add_sessions(db, "Deleted by mistake later")
    with pytest.raises(WaymarkError, match="not damaged"):
        recover(db)
    result = recover(db, source=backup, now=datetime(2026, 12, 2, 9, 0, 0))
    assert titles(db) == ["Kick-off"]
    assert result.kept_as.name == "library.sqlite.replaced-2026-12-02-090000"
    assert titles(result.kept_as) == ["Deleted by mistake later", "Kick-off"]


def test_a_sound_file_that_is_a_damaged_library_is_recovered_too(tmp_path: Path) -> None:
    """quick_check passes, but the library lost a table: opening says "damaged"."""
    db = library_with(tmp_path, ["Kick-off"])
    make_backup(db, now=T0)
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("DROP TABLE note")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="damaged"):
        Library(db)
    assert make_backup(db, now=T0 + timedelta(hours=1)).damaged  # not copied either
    result = recover(db, now=datetime(2026, 12, 2, 9, 0, 0))
    assert result.damaged and result.kept_as.name == "library.sqlite.damaged-2026-12-02-090000"
    assert titles(db) == ["Kick-off"]


# -- the command line ------------------------------------------------------------------

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "WAYMARK_DB"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=str(ROOT),
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.slow
def test_cli_recover_lists_recovers_and_says_one_line(tmp_path: Path) -> None:
    db, good, damaged = _damaged_with_backups(tmp_path)
    broken = _cli("list", "--db", str(db))
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1
    assert "damaged" in broken.stderr and "waymark recover" in broken.stderr
    listed = _cli("recover", "--db", str(db), "--list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2 and "damaged" in lines[0] and good.name in lines[1]
    assert "12 sessions" in lines[1]
    out = _cli("recover", "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip().splitlines()) == 1
    assert out.stdout.startswith("recovered library from backup of 2026-12-01 14:30 "
                                 "(12 sessions); the damaged file is kept as ")
    kept = Path(out.stdout.strip().rsplit(" ", 1)[-1])
    assert kept.read_bytes() == damaged
    assert _cli("list", "--db", str(db)).returncode == 0
    again = _cli("recover", "--db", str(db))
    assert again.returncode == 2 and "not damaged" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_cli_recover_from_a_named_backup_and_without_any(tmp_path: Path) -> None:
    db, good, _damaged = _damaged_with_backups(tmp_path)
    out = _cli("recover", "--db", str(db), "--from", good.name)
    assert out.returncode == 0, out.stderr
    assert titles(db) == sorted(f"Workshop {i}" for i in range(12))
    lone = tmp_path / "lone" / "library.sqlite"
    lone.parent.mkdir()
    lone.write_bytes(damage_copy(db))
    none = _cli("recover", "--db", str(lone))
    assert none.returncode == 2 and len(none.stderr.strip().splitlines()) == 1
    assert "no good backup" in none.stderr and "Traceback" not in none.stderr


@pytest.mark.slow
def test_cli_recover_refuses_a_library_open_in_the_app(tmp_path: Path) -> None:
    db, _good, damaged = _damaged_with_backups(tmp_path)
    Path(f"{db}.lock").write_text(f"{os.getpid()}\nwaymark\nhost\n")  # QLockFile's format
    out = _cli("recover", "--db", str(db))
    assert out.returncode == 2 and "open in Waymark" in out.stderr
    assert db.read_bytes() == damaged
    Path(f"{db}.lock").write_text("999999999\nwaymark\nhost\n")  # left by a crash
    assert _cli("recover", "--db", str(db)).returncode == 0


def damage_copy(db: Path) -> bytes:
    data = bytearray(db.read_bytes())
    data[8192:8392] = JUNK
    return bytes(data)


# -- the app: the question box offscreen (the real window: tests/realwin) ----------------

def _answer(button_text: str) -> list[str]:
    """Press `button_text` in the next message box, as a click would; returns its text."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        button.click()

    QTimer.singleShot(0, press)
    return seen


def test_the_app_offers_the_newest_good_backup_and_opens_it(qapp, tmp_path: Path) -> None:
    from ui.library.recovery_dialog import open_or_recover

    db, _good, damaged = _damaged_with_backups(tmp_path)
    seen = _answer("Recover")
    opened = open_or_recover(db)
    assert opened is not None
    library, note = opened
    try:
        assert len(library.read(list_sessions)) == 12
    finally:
        library.close()
    assert seen and seen[0].startswith("The library is damaged. Recover it from the backup "
                                       "of 2026-12-01 14:30 (12 sessions)?")
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and "-wal" not in p.name
            and "-shm" not in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert kept[0].name in seen[0] and note.lower().startswith("recovered")


def test_quit_in_the_question_box_changes_nothing(qapp, tmp_path: Path) -> None:
    from ui.library.recovery_dialog import open_or_recover

    db, _good, damaged = _damaged_with_backups(tmp_path)

    def files() -> list[str]:  # (opening it may leave its empty -wal/-shm: SQLite's own)
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))
    before = files()
    _answer("Quit")
    assert open_or_recover(db) is None
    assert db.read_bytes() == damaged
    assert files() == before


def test_without_a_good_backup_the_app_says_one_line(qapp, tmp_path: Path) -> None:
    from ui.library.recovery_dialog import open_or_recover

    db = library_with(tmp_path, [f"Workshop {i}" for i in range(30)])
    damaged = damage(db)
    seen = _answer("OK")
    assert open_or_recover(db) is None
    assert len(seen) == 1 and "\n" not in seen[0] and "damaged" in seen[0]
    assert db.read_bytes() == damaged


def test_backup_result_says_damaged_only_for_a_damaged_library(tmp_path: Path) -> None:
    db = library_with(tmp_path, ["Kick-off"])
    result = make_backup(db, now=T0)
    assert isinstance(result, BackupResult) and not result.damaged and result.path


def test_another_programs_database_is_neither_backed_up_nor_touched(tmp_path: Path) -> None:
    """The start-up backup runs before the library is opened: it must not copy (or,
    through a writable connection's checkpoint on close, write) a file that is not
    a Waymark library."""
    db = tmp_path / "library.sqlite"
    other = sqlite3.connect(db)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO photos (name) VALUES ('holiday')")
    other.commit()
    # Keep it open so its commits stay in the -wal: a checkpoint would write the file.
    # The -shm is SQLite's shared index, not data: any reader may touch it.
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if not p.name.endswith("-shm")}
    try:
        result = make_backup(db)
        after = {p.name: p.read_bytes() for p in tmp_path.iterdir()
                 if p.name in before}
    finally:
        other.close()
    assert result.path is None and "not a Waymark library" in result.reason
    assert after == before
    assert not (tmp_path / "library-backups").exists()
