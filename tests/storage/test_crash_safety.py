"""SIGKILL in the middle of a long import leaves an intact library holding all
or none of the import (one transaction, WAL with synchronous=FULL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate_session
from formats.session_json import write_session_json
from storage import Library

ROOT = Path(__file__).resolve().parents[2]
BIG = 15_000


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return (conn.execute("SELECT count(*) FROM session").fetchone()[0],
                conn.execute("SELECT count(*) FROM note").fetchone()[0])
    finally:
        conn.close()


def _size(path: Path) -> int:
    """The file's size, 0 when it is absent (SQLite deletes the WAL on close, at any time)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.fixture(scope="module")
def big_json(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    with Library(folder / "source.sqlite") as lib:
        session = lib.run(generate_session, BIG)
        out = folder / "big.json"
        lib.read(write_session_json, session.id, out)
    return out


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_sigkill_during_import_keeps_all_or_nothing(big_json: Path, tmp_path: Path):
    target = tmp_path / "target.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(target), "demo"],
                   check=True, env=env, capture_output=True)
    before = _counts(target)
    wal = target.with_name(target.name + "-wal")
    killed_mid = 0
    for _attempt in range(3):
        baseline = _size(wal)
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--db", str(target), "import", str(big_json)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        # Wait until the import has started writing its transaction to the WAL.
        while time.monotonic() < deadline and proc.poll() is None:
            if _size(wal) > baseline + 256 * 1024:
                break
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_mid += 1
        proc.communicate(timeout=120)
        after = _counts(target)
        if proc.returncode == -signal.SIGKILL:
            assert after in (before, (before[0] + 1, before[1] + BIG)), after
            before = after
        else:  # finished before the kill: everything is there
            assert proc.returncode == 0
            assert after == (before[0] + 1, before[1] + BIG)
            before = after
    assert killed_mid >= 1, "the import always finished before it could be killed"
    with Library(target) as lib:  # and the library still opens and takes edits
        from journey.queries import list_sessions
        assert lib.read(list_sessions)
