"""Fuzzing the JSON import: whatever the bytes or the structure, `read_json_file` +
`import` either succeed or raise one WaymarkError line, and a refused file leaves
the library exactly as it was (its SQL dump). A few go through the real CLI:
exit status 2, one line on stderr, no traceback."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formats.session_json import export_session, import_session, read_json_file
from journey.demo import add_demo_session
from journey.errors import WaymarkError
from storage import Library

ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def sql_dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    """A library with the demo, and the demo as a document to damage."""
    folder = tmp_path_factory.mktemp("fuzz-json")
    lib = Library(folder / "library.sqlite")
    session = lib.run(add_demo_session)
    doc = lib.read(export_session, session.id)
    yield lib, doc, folder
    lib.close()


def attempt(lib: Library, path: Path) -> None:
    """Read and import `path`: success, or one WaymarkError line and nothing changed."""
    before = sql_dump(lib.path)
    try:
        lib.run(import_session, read_json_file(path))
    except WaymarkError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 400, message
        assert sql_dump(lib.path) == before


def dumped(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


@st.composite
def damaged_bytes(draw: st.DrawFn, base: bytes) -> bytes:
    how = draw(st.sampled_from(["cut", "flip", "insert", "random", "invalid-utf8"]))
    data = bytearray(base)
    if how == "cut":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 6))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    if how == "insert":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at] + draw(st.sampled_from(
            [b",", b"}", b"]", b"\"", b"NaN", b"Infinity", b"1e999", b"\\ud800", b"\xff",
             b"\xc3", b"null", b"[" * 50])) + data[at:])
    if how == "invalid-utf8":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at] + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80",
                                                       b"\xf8\x88\x80\x80\x80"])) + data[at:])
    return draw(st.binary(max_size=300))


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, path + (i,))
    return out


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_damaged_bytes(world, data: st.DataObject) -> None:
    lib, doc, folder = world
    path = folder / "damaged.json"
    path.write_bytes(data.draw(damaged_bytes(dumped(doc))))
    attempt(lib, path)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_wrong_types_and_odd_values_anywhere(world, data: st.DataObject) -> None:
    lib, doc, folder = world
    doc = copy.deepcopy(doc)
    where = data.draw(st.sampled_from(_paths(doc)))
    parent: Any = doc
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = data.draw(json_values | st.sampled_from(
        [10**400, -(10**400), 1e308, -0.0, "\ud800", "x" * 20_001, [], {}, 3.0]))
    path = folder / "typed.json"
    path.write_bytes(dumped(doc))
    attempt(lib, path)


@pytest.mark.slow
@FUZZ
@given(value=json_values)
def test_any_json_document(world, value: Any) -> None:
    lib, _, folder = world
    path = folder / "any.json"
    path.write_bytes(dumped(value))
    attempt(lib, path)


@pytest.mark.parametrize("text", [
    '{"format": "waymark", "version": 2, "version": 2, "session": {}}',  # duplicate key
    '{"format": "waymark", "version": 2, "session": {"id": "s", "title": "T", "id": "t"}}',
    "[" * 100_000 + "]" * 100_000,  # deep nesting
    '{"format": "waymark", "version": 2, "session": ' + "{\"a\": " * 5000 + "1" + "}" * 5001,
    '{"format": "waymark", "version": ' + "9" * 5000 + '}',  # a huge number
    '{"format": "waymark", "version": 1e999}',
    '{"format": "waymark", "version": 2, "session": {"id": "s", "title": "T"}, "maps": NaN}',
], ids=["duplicate-key", "duplicate-nested-key", "deep-array", "deep-object", "huge-int",
        "infinite", "nan"])
def test_pathological_documents(world, text: str) -> None:
    lib, _, folder = world
    path = folder / "pathological.json"
    path.write_text(text, encoding="utf-8")
    before = sql_dump(lib.path)
    with pytest.raises(WaymarkError) as info:
        lib.run(import_session, read_json_file(path))
    assert "\n" not in str(info.value)
    assert sql_dump(lib.path) == before


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("content", [
    b'{"format": "waymark", "version": 2, "session": {"id": "s", "title": "\xff"}}',
    b"[" * 100_000,
    b'{"format": "waymark", "version": 2, "session": {"id": "s", "title": "T", '
    b'"created_at": "2026-11-20T09:30:00"}}',
], ids=["invalid-utf8", "deep-and-cut", "no-offset"])
@pytest.mark.slow
def test_cli_refuses_with_one_line(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "library.sqlite"
    assert run_cli(db, "demo").returncode == 0
    before = sql_dump(db)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    done = run_cli(db, "import", str(path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert sql_dump(db) == before
