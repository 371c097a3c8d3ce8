"""Random damage to a real library file: opening it either works or is one LibraryError
line (exit 2 and one stderr line from the CLI), never a traceback or a hang, and a
file that is refused keeps every byte it had.

The damage is what disks and careless copies do: flipped bits, overwritten ranges,
a truncated file, a scribbled header, bytes changed inside the schema's CREATE
statements. A watchdog (faulthandler) ends the run with every thread's stack if one
open hangs, even inside SQLite's C code.
"""

from __future__ import annotations

import faulthandler
import functools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journey.demo import add_demo_session
from journey.queries import list_sessions
from storage import Library, LibraryError

ROOT = Path(__file__).resolve().parents[2]
HANG_SECONDS = 60


@functools.lru_cache(maxsize=1)
def pristine() -> bytes:
    """A small real library (the demo session), checkpointed and closed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lib.sqlite"
        with Library(path) as lib:
            lib.run(add_demo_session)
        assert not path.with_name("lib.sqlite-wal").exists()
        return path.read_bytes()


@functools.lru_cache(maxsize=1)
def schema_offsets() -> tuple[int, ...]:
    data, found, at = pristine(), [], 0
    while (at := data.find(b"CREATE ", at + 1)) != -1:
        found.append(at)
    return tuple(found)


Damage = tuple[str, int, bytes]

damage = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=1)),
    st.tuples(st.just("write"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=600)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(b"")),
    st.tuples(st.just("header"), st.integers(0, 99), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("schema"), st.integers(0, 1 << 16), st.binary(min_size=1, max_size=4)),
)


def damaged(damages: list[Damage]) -> bytes:
    data = bytearray(pristine())
    for kind, where, blob in damages:
        if not data:
            break
        if kind == "flip":
            data[where % len(data)] ^= blob[0] or 0x80
        elif kind == "truncate":
            del data[where % len(data):]
        else:
            if kind == "schema":
                offsets = schema_offsets()
                where = offsets[where % len(offsets)] + where % 160
            elif kind == "write":
                where %= len(data)
            data[where:where + len(blob)] = blob[: max(0, len(data) - where)]
    return bytes(data)


def open_and_list(path: Path) -> tuple[str, str]:
    """("ok", "") when it opens and lists, else ("refused"|"read", the one line)."""
    try:
        lib = Library(path)
    except LibraryError as exc:
        return "refused", str(exc)
    try:
        lib.read(list_sessions)
        return "ok", ""
    except LibraryError as exc:
        return "read", str(exc)
    finally:
        lib.close()


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.slow
@given(st.lists(damage, min_size=1, max_size=3))
@example([("schema", 702, b"A")])  # renamed a column (quick_check passes): found in CI
def test_damaged_library_opens_or_is_one_line(damages: list[Damage]):
    data = damaged(damages)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lib.sqlite"
        path.write_bytes(data)
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
        try:
            outcome, line = open_and_list(path)
        finally:
            faulthandler.cancel_dump_traceback_later()
        assert "\n" not in line and (outcome == "ok") == (line == "")
        if outcome == "refused":
            assert path.read_bytes() == data


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.slow
@given(st.lists(damage, min_size=1, max_size=3))
def test_damaged_library_through_the_cli_is_one_line(damages: list[Damage]):
    data = damaged(damages)
    with tempfile.TemporaryDirectory() as folder:
        path, twin = Path(folder) / "lib.sqlite", Path(folder) / "twin.sqlite"
        path.write_bytes(data)
        twin.write_bytes(data)
        refused_here = open_and_list(twin)[0] == "refused"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("WAYMARK_DB", None)
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(path),
                                 "list"], capture_output=True, text=True, env=env,
                                timeout=HANG_SECONDS)
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode == 0:
            assert not refused_here
        else:
            assert result.returncode == 2, result
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        if refused_here:
            assert result.returncode == 2
            assert path.read_bytes() == data
