"""Opening a library at its edges: damaged schema text, foreign SQLite files, two first
opens at once, busy writers, read-only libraries, and the data_version watcher.

Every test uses real SQLite files and, where it matters, real processes: a second
Waymark is a subprocess, a busy writer is a raw sqlite3 connection holding the lock.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlmodel import select

from journey import ops
from journey.demo import add_demo_session
from journey.models import Session
from journey.queries import list_sessions
from storage import Library, LibraryError, LibraryReadOnly
from storage.library import APPLICATION_ID, BUSY_TIMEOUT_MS
from storage.migrations import LATEST
from tests.unprivileged import as_nobody

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_V1 = ROOT / "tests" / "fixtures" / "library-v1.sqlite"


def waymark(*args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("WAYMARK_DB", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def header_ints(path: Path) -> tuple[int, int]:
    """(application_id, user_version) from the file header (bytes 68-71, 60-63)."""
    head = path.read_bytes()[:100]
    return int.from_bytes(head[68:72], "big"), int.from_bytes(head[60:64], "big")


def closed_demo_library(path: Path) -> Path:
    with Library(path) as lib:
        lib.run(add_demo_session)
    assert not path.with_name(path.name + "-wal").exists()  # checkpointed at close
    return path


def sidecars(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + s) for s in ("-wal", "-shm")) if p.exists()]


# -- 1. invalid UTF-8 in the schema --------------------------------------------------

@pytest.mark.slow
def test_invalid_utf8_in_the_schema_is_one_library_error(tmp_path: Path):
    path = closed_demo_library(tmp_path / "lib.sqlite")
    data = bytearray(path.read_bytes())
    start = data.find(b"CREATE TABLE note")
    at = data.find(b"PRIMARY KEY,", start) + len(b"PRIMARY KEY")
    data[at] = 0xC3  # "KEY\xc3": a syntax error whose message is not UTF-8
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryError, match="damaged") as info:
        Library(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == bytes(data)
    line = one_line_error(waymark("--db", str(path), "list"))
    assert "damaged" in line
    assert path.read_bytes() == bytes(data)


# -- 2. nothing is written before the file is known to be a library ------------------

def test_foreign_sqlite_file_is_refused_unchanged(tmp_path: Path):
    path = tmp_path / "invoices.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="not a Waymark library"):
        Library(path)
    assert path.read_bytes() == before  # bytes 18-19 still say "rollback journal"
    assert sidecars(path) == []
    assert "not a Waymark library" in one_line_error(waymark("--db", str(path), "list"))
    assert path.read_bytes() == before


def test_sqlite_file_of_another_program_is_refused_by_its_application_id(tmp_path: Path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA user_version = 1")
    for table in ("session", "journey_map", "stage", "lane", "note"):
        conn.execute(f"CREATE TABLE {table} (id)")  # looks like ours, is not
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="not a Waymark library"):
        Library(path)
    assert path.read_bytes() == before


def test_new_library_carries_the_application_id(tmp_path: Path):
    path = tmp_path / "new.sqlite"
    Library(path).close()
    assert header_ints(path) == (APPLICATION_ID, LATEST)


def test_v1_library_without_an_id_is_stamped_when_migrated(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_V1, path)
    assert header_ints(path) == (0, 1)
    with Library(path) as lib:
        assert lib.migrated == list(range(2, LATEST + 1))
    assert header_ints(path) == (APPLICATION_ID, LATEST)
    assert header_ints(tmp_path / "old.sqlite.v1.bak") == (0, 1)  # the backup is as it was


def test_latest_library_without_an_id_is_stamped_at_its_first_writable_open(tmp_path: Path):
    path = closed_demo_library(tmp_path / "lib.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 0")  # as every library before the id existed
    conn.close()
    assert header_ints(path) == (0, LATEST)
    with Library(path) as lib:
        assert lib.migrated == []
        assert lib.read(list_sessions)[0]["title"] == "Coffee subscription"
    assert header_ints(path) == (APPLICATION_ID, LATEST)


# -- 3. two first opens at once ------------------------------------------------------

FIRST_OPEN = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
go = Path(sys.argv[2])
from storage import Library
while not go.exists():
    time.sleep(0.001)
Library(sys.argv[1]).close()
"""


@pytest.mark.slow
def test_two_first_opens_at_once_both_succeed(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(6):
        path, go = tmp_path / f"new{round_}.sqlite", tmp_path / f"go{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", FIRST_OPEN, str(path), str(go),
                                   str(ROOT)], stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(2)]
        go.touch()
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        with Library(path) as lib:
            assert lib.read(list_sessions) == []
        assert header_ints(path) == (APPLICATION_ID, LATEST)


# -- 4. a busy library ---------------------------------------------------------------

def hold_write_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    return conn


@pytest.mark.slow
def test_run_waits_out_a_writer_longer_than_the_busy_timeout(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite") as lib:
        blocker = hold_write_lock(lib.path)
        release = threading.Timer(BUSY_TIMEOUT_MS / 1000 + 1.5, blocker.rollback)
        release.start()
        try:
            session = lib.run(ops.create_session, "After the other writer")
        finally:
            release.join()
            blocker.close()
        assert [r["id"] for r in lib.read(list_sessions)] == [session.id]


def test_reads_do_not_wait_for_a_writer(tmp_path: Path):
    """WAL lets a reader see its snapshot while another program holds the write
    lock (a long CLI import): the window's reads must not queue behind it."""
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.run(ops.create_session, "Before the import")
        lib.busy_retry_seconds = 0
        blocker = hold_write_lock(lib.path)
        try:
            blocker.execute("UPDATE session SET title = 'Uncommitted'").close()
            titles = [r["title"] for r in lib.read(list_sessions)]
            with lib.session() as db:
                assert len(db.exec(select(Session)).all()) == 1
        finally:
            blocker.rollback()
            blocker.close()
        assert titles == ["Before the import"]


@pytest.mark.slow
def test_a_writer_that_never_lets_go_is_one_line(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.busy_retry_seconds = 1.0  # the default waits much longer; the path is the same
        blocker = hold_write_lock(lib.path)
        try:
            with pytest.raises(LibraryError, match="busy") as info:
                lib.run(ops.create_session, "Never")
        finally:
            blocker.rollback()
            blocker.close()
        assert "\n" not in str(info.value)
        assert lib.read(list_sessions) == []
        lib.run(ops.create_session, "Once it is free")  # and the library still works


def big_session_json(tmp_path: Path, copies: int) -> Path:
    """A real export of the demo session with its notes repeated `copies` times."""
    src = tmp_path / "src.sqlite"
    assert waymark("--db", str(src), "demo").returncode == 0
    out = tmp_path / "demo.json"
    result = waymark("--db", str(src), "export", "json", "Coffee subscription", "-o", str(out))
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    jmap = doc["maps"][0]
    jmap["notes"] = [dict(n, id=uuid.uuid4().hex, text=f"{n['text']} #{i}")
                     for i in range(copies) for n in jmap["notes"]]
    jmap["votes"] = []
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc))
    return big


@pytest.mark.slow
def test_concurrent_cli_imports_never_traceback(tmp_path: Path):
    """Four imports at once: each holds the write lock for a few seconds, so the last
    one in the queue waits longer than SQLite's busy timeout."""
    doc = big_session_json(tmp_path, copies=1500)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(2):
        db = tmp_path / f"lib{round_}.sqlite"
        assert waymark("--db", str(db), "list").returncode == 0
        procs = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db),
                                   "import", str(doc)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(4)]
        done = 0
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert "Traceback" not in err, err
            if proc.returncode == 0:
                done += 1
                assert "imported session" in out
            else:
                assert proc.returncode == 2, err
                assert len(err.strip().splitlines()) == 1 and "busy" in err, err
        with Library(db) as lib:
            assert len(lib.read(list_sessions)) == done


# -- 5. read-only libraries ----------------------------------------------------------

def test_read_only_library_reads_and_refuses_edits(tmp_path: Path):
    path = closed_demo_library(tmp_path / "lib.sqlite")
    before = path.read_bytes()
    with Library(path, read_only=True) as lib:
        assert lib.read_only
        assert lib.migrated == []
        assert lib.read(list_sessions)[0]["notes"] == 44
        with lib.session() as db:
            assert db.exec(select(Session)).all()[0].title == "Coffee subscription"
        with pytest.raises(LibraryReadOnly, match="read-only") as info:
            lib.run(ops.create_session, "Refused")
        assert isinstance(info.value, LibraryError) and "\n" not in str(info.value)
        assert isinstance(lib.data_version(), int)
        copy = lib.backup_to(tmp_path / "copy.sqlite")
        assert lib.integrity_check() == "ok"
    assert path.read_bytes() == before
    with Library(copy) as again:
        assert again.read(list_sessions)[0]["notes"] == 44


def test_read_only_library_in_a_folder_with_uri_characters(tmp_path: Path):
    folder = tmp_path / "a b#c?d%20e&f"
    folder.mkdir()
    path = closed_demo_library(folder / "lib?mode=rw.sqlite")
    with Library(path, read_only=True) as lib:
        assert lib.read(list_sessions)[0]["title"] == "Coffee subscription"
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) \
        == ["lib?mode=rw.sqlite"]


def test_read_only_library_sees_commits_still_in_the_wal(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite") as writer:
        writer.run(ops.create_session, "Only in the WAL so far")
        assert writer.path.with_name("lib.sqlite-wal").stat().st_size > 0
        with Library(writer.path, read_only=True) as reader:
            assert [r["title"] for r in reader.read(list_sessions)] == ["Only in the WAL so far"]


def test_read_only_older_library_is_not_upgraded(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_V1, path)
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="cannot upgrade a read-only library") as info:
        Library(path, read_only=True)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "old.sqlite.v1.bak").exists()


@pytest.mark.slow
def test_cli_lists_and_exports_a_read_only_library(tmp_path: Path):
    path = closed_demo_library(tmp_path / "lib.sqlite")
    before = path.read_bytes()
    ro = {"WAYMARK_READ_ONLY": "1"}
    listed = waymark("--db", str(path), "list", env=ro)
    assert listed.returncode == 0, listed.stderr
    assert "Coffee subscription" in listed.stdout
    out = tmp_path / "out.json"
    exported = waymark("--db", str(path), "export", "json", "Coffee subscription", "-o",
                       str(out), env=ro)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text())["session"]["title"] == "Coffee subscription"
    line = one_line_error(waymark("--db", str(path), "new", "--title", "No", env=ro))
    assert "read-only" in line
    assert path.read_bytes() == before


@pytest.mark.slow
@pytest.mark.parametrize("folder_writable", [True, False])
@pytest.mark.usefixtures("reachable_checkout")
def test_unwritable_library_opens_read_only_by_itself(tmp_path: Path, folder_writable: bool):
    """A 0444 library (and one in a folder that is not writable), opened by a user who
    cannot write it: `list` and `export json` work, an edit is one line."""
    prefix = as_nobody()
    if prefix is None:
        pytest.skip("needs setpriv to run as an unprivileged user")
    folder = Path(tempfile.mkdtemp(prefix="waymark-ro-"))  # outside root's 0700 tmp_path
    try:
        folder.chmod(0o777 if folder_writable else 0o755)
        path = closed_demo_library(folder / "lib.sqlite")
        path.chmod(0o444)
        before = path.read_bytes()
        out = folder / "out.json" if folder_writable else tmp_path / "unused.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder),
               "XDG_CONFIG_HOME": str(folder), "XDG_DATA_HOME": str(folder)}
        env.pop("WAYMARK_DB", None)

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"), "--db",
                                   str(path), *args], capture_output=True, text=True,
                                  env=env, timeout=120, cwd=folder)

        listed = run("list")
        assert listed.returncode == 0, listed.stderr
        assert "Coffee subscription" in listed.stdout
        if folder_writable:
            exported = run("export", "json", "Coffee subscription", "-o", str(out))
            assert exported.returncode == 0, exported.stderr
            assert json.loads(out.read_text())["session"]["title"] == "Coffee subscription"
        assert "read-only" in one_line_error(run("new", "--title", "No"))
        assert path.read_bytes() == before
        if not folder_writable:
            assert sidecars(path) == []  # immutable: nothing could be created beside it
    finally:
        folder.chmod(0o755)
        for p in folder.iterdir():
            p.chmod(stat.S_IWUSR | stat.S_IRUSR)
        shutil.rmtree(folder)


def test_read_only_flag_follows_the_files_writability(tmp_path: Path):
    path = closed_demo_library(tmp_path / "lib.sqlite")
    with Library(path) as lib:
        assert lib.read_only is False
    os.environ["WAYMARK_READ_ONLY"] = "1"
    try:
        with Library(path) as lib:
            assert lib.read_only is True
    finally:
        del os.environ["WAYMARK_READ_ONLY"]


def test_missing_library_cannot_be_opened_read_only(tmp_path: Path):
    with pytest.raises(LibraryError, match="no library"):
        Library(tmp_path / "missing.sqlite", read_only=True)
    assert not (tmp_path / "missing.sqlite").exists()


# -- data_version --------------------------------------------------------------------

def test_data_version_moves_on_other_and_own_commits_only(tmp_path: Path):
    with Library(tmp_path / "lib.sqlite") as lib, Library(lib.path) as other:
        first = lib.data_version()
        assert lib.data_version() == first  # nothing committed in between
        other.run(ops.create_session, "From another window")
        second = lib.data_version()
        assert second != first
        lib.run(ops.create_session, "Our own")
        third = lib.data_version()
        assert third != second
        assert lib.data_version() == third
        # No read transaction is left open between calls: a full checkpoint succeeds.
        conn = sqlite3.connect(lib.path)
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        assert busy == 0
