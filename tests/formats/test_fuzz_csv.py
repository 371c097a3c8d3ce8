"""Malformed CSV, generated: import takes it or refuses it with one line, and a refusal
leaves the library byte for byte as it was. Bounded: a few hundred examples, derandomised."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from formats.csv_notes import CSV_HEADER, import_csv
from journey.demo import add_demo_session
from journey.errors import WaymarkError
from journey.queries import maps_of
from storage import Library

ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
HANG_SECONDS = 30  # a watchdog against a hang, far above any example's time


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Fail instead of hanging forever (SIGALRM: the main thread on Unix)."""
    def hung(*_: object) -> None:
        raise AssertionError(f"import_csv still running after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Iterator[tuple[Library, str, str, Path]]:
    """One demo library for every example (hypothesis reruns the body, not fixtures)."""
    folder = tmp_path_factory.mktemp("fuzz")
    library = Library(folder / "library.sqlite")
    session = library.run(add_demo_session)
    jmap = library.read(maps_of, session.id)[0]
    yield library, session.id, jmap.id, folder
    library.close()


def check(target, raw: bytes, create_missing: bool = False) -> None:
    library, session_id, map_id, folder = target
    path = folder / "fuzz.csv"
    path.write_bytes(raw)
    before = dump(library.path)
    try:
        with watchdog(HANG_SECONDS):
            result = library.run(import_csv, path, session_id, map_id,
                                 create_missing=create_missing)
        event(f"imported {min(result.notes_added, 2)}{'+' * (result.notes_added > 1)} notes")
    except WaymarkError as exc:
        message = str(exc)
        event("refused: " + message.split(":")[1].strip()[:25])
        assert message and len(message.splitlines()) == 1 and "\n" not in message, message
        assert len(message) <= 300, message
        assert dump(library.path) == before


# -- what the files are made of ---------------------------------------------------------

NASTY = ['"', '""', ",", ";", "\t", "\r", "\n", "\r\n", "\x00", "'", "=", "+", "-", "@",
         "\ufeff", "\u2028", "\x85", "é", "退", "😀", " ", "#FFAA00", "5", "high"]
KNOWN = [*CSV_HEADER, "color", "Note", "Phase", "LANE_KIND", "Comments"]
STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty", "New stage"]
LANES = ["Touchpoints", "Actions", "Thoughts", "Pain points", "Opportunities", "New lane"]
#: Values a column mostly takes (valid, then wrong), so rows get past the header and
#: some files import while others fail one of the checks.
TYPICAL = {name: st.sampled_from(valid) | st.sampled_from(valid) | st.sampled_from(valid)
           | st.sampled_from(wrong) for name, valid, wrong in [
    ("stage", STAGES[:-1], STAGES[-1:]), ("lane", LANES[:-1], LANES[-1:]),
    ("colour", ["", "#FFAA00", "ffaa00", "Orange"], ["#12345", "red"]),
    ("votes", ["", "0", "3", "999"], ["1000", "-1", "2.5"]),
    ("impact", ["", "1", "5", "3,0"], ["6", "NaN", "inf", "1e308"]),
    ("priority", ["", "low", "High"], ["urgent"]),
    ("status", ["", "in_progress", "Done"], ["blocked"]),
    ("created", ["", "2026-11-20T09:30:00Z", "2026-11-20 09:30+05:00",
                 "9999-12-31T23:59:59-12:00"], ["20/11/2026"]),
    ("lane kind", ["", "pain points", "Emotion"], ["vibes"]),
    ("map", ["", "Current state"], ["Future state"]),
]}
nasty = st.lists(st.sampled_from(NASTY), max_size=6).map("".join)
field = st.one_of(nasty, st.text(max_size=12), st.sampled_from(["", "Awareness", "x"]))
huge = st.builds(lambda c, n: c * n, st.sampled_from(["x", '"', "é", "\r", ","]),
                 st.sampled_from([10_001, 70_000, 140_000]))


def _column(name: str) -> str:
    key = " ".join(name.replace("_", " ").split()).casefold()
    return {"color": "colour", "note": "text", "phase": "stage", "effort": "impact",
            "updated": "created"}.get(key, key)


@st.composite
def sheets(draw, big: bool = False) -> bytes:
    """A header (usually usable, sometimes odd) and rows of typical or nasty values,
    written with mixed separators, quoting and line ends, in an encoding people send."""
    if draw(st.integers(0, 3)):
        extra = draw(st.lists(st.sampled_from([k for k in KNOWN if _column(k) not in
                                               ("stage", "lane", "text")]),
                              max_size=8, unique_by=_column))
        names = draw(st.permutations(["Stage", "Lane", "Text", *extra]))
        names = list(dict.fromkeys(names))
        if big:
            names += [f"Extra {i}" for i in range(draw(st.integers(0, 400)))]
    else:
        names = draw(st.lists(st.sampled_from(KNOWN) | field, min_size=1, max_size=12))
    width = len(names)
    lines = [names]
    for _ in range(draw(st.integers(0, 6))):
        n = draw(st.sampled_from([width] * 6 + [width - 1, width + 1]))
        row = [draw(TYPICAL[_column(c)] if _column(c) in TYPICAL and draw(st.integers(0, 19))
                    else field) for c in (names + ["x"])[:max(n, 0)]]
        if big and row and draw(st.booleans()):
            row[draw(st.integers(0, len(row) - 1))] = draw(huge)
        lines.append(row)
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    ends = st.sampled_from(["\r\n", "\n", "\r"])

    def cell(value: str) -> str:
        if draw(st.booleans()) or any(c in value for c in (sep, '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "".join(sep.join(cell(v) for v in row) + draw(ends) for row in lines)
    damage = draw(st.sampled_from(["none"] * 5 + ["quote", "unquote", "nul", "cut"]))
    if damage != "none" and text:
        at = draw(st.integers(0, len(text) - 1))
        text = {"quote": text[:at] + '"' + text[at:], "unquote": text.replace('"', "", 1),
                "nul": text[:at] + "\x00" + text[at:], "cut": text[:at]}[damage]
    encoding = draw(st.sampled_from(["utf-8"] * 4 + ["utf-8-sig", "utf-16", "utf-16-be",
                                                      "cp1252", "latin-1"]))
    raw = text.encode(encoding, "strict" if encoding.startswith("utf") else "replace")
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    cut = draw(st.sampled_from([0] * 8 + [1, 3]))
    return raw[:-cut] if cut and len(raw) > cut else raw


boms = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])


@pytest.mark.slow
@FUZZ
@given(raw=st.tuples(boms, st.binary(max_size=600)).map(b"".join))
def test_random_bytes(target, raw: bytes) -> None:
    check(target, raw)


@pytest.mark.slow
@settings(FUZZ, max_examples=300)
@given(raw=sheets(), create_missing=st.booleans())
def test_malformed_sheets(target, raw: bytes, create_missing: bool) -> None:
    check(target, raw, create_missing)


@pytest.mark.slow
@settings(FUZZ, max_examples=30)
@given(raw=sheets(big=True))
def test_huge_fields_and_many_columns(target, raw: bytes) -> None:
    check(target, raw)


# -- a few through the command line, as a user runs it ----------------------------------

CLI_CASES = {
    "UTF-16 cut in half": b"\xff\xfeS\x00t\x00a\x00g\x00e\x00,",
    "CR ends, a quote never closed": b"Stage,Lane,Text\rAwareness,Touchpoints,\"open\r\r",
    "NUL and a huge field": b"Stage,Lane,Text\nAwareness,\x00,\"" + b"x" * 150_000 + b"\"\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("raw", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cli_refuses_with_one_line(tmp_path: Path, raw: bytes) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WAYMARK_DB", None)

    def waymark(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                              capture_output=True, text=True, env=env, timeout=120)

    db = tmp_path / "library.sqlite"
    assert waymark("demo").returncode == 0
    path = tmp_path / "in.csv"
    path.write_bytes(raw)
    before = dump(db)
    result = waymark("import", "csv", str(path), "--session", "Coffee subscription",
                     "--map", "Current state")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: line ") and result.stdout == ""
    assert dump(db) == before
