"""The real-window edit benchmark (`python -m benchmarks.realwin_edits`) on a small map:
each edit it times really happened (read back from the library file) and produced
a measurement from the app's frame probe. Nothing here is timed."""

from __future__ import annotations

import pytest

from benchmarks.realwin_edits import KINDS, read_records, run, timing
from tests.realwin.harness import query

pytestmark = pytest.mark.slow  # starts Xvfb, openbox and the app


def test_each_edit_is_measured_in_the_real_window(tmp_path):
    result = run(notes=200, reps=2, keep=tmp_path)
    assert set(result["kinds"]) == set(KINDS)
    for kind, numbers in result["kinds"].items():
        assert len(numbers["input_to_frame_ms_all"]) == 2, kind
        for key in ("input_to_frame_ms", "input_to_commit_ms", "paint_ms", "frames_60hz"):
            assert numbers[key] is not None and numbers[key] >= 0, (kind, key)
        # The frame ends after the commit it shows.
        assert numbers["input_to_frame_ms"] >= numbers["input_to_commit_ms"], kind
    db = tmp_path / "library.sqlite"
    texts = [r[0] for r in query(db, "SELECT text FROM note")]
    assert len(texts) == 200
    assert any(t.endswith("edited 0") for t in texts) and any(t.endswith("edited 1")
                                                              for t in texts)
    assert query(db, "SELECT COUNT(*) FROM vote v JOIN vote_round r ON r.id = v.round_id "
                     "WHERE r.status = 'open'") == [(2,)]
    records = read_records(tmp_path / "frames.jsonl")
    assert {"ready", "key", "press", "release", "commit", "changed", "edited", "paint",
            "painted"} <= {r["e"] for r in records}


def test_timing_reads_input_commit_changed_and_the_next_frame():
    """The probe's lines for one Esc: the frame that started before the document had
    the edit does not count; the next one does, and an event queued behind its paint
    bounds its end."""
    records = [
        {"e": "paint", "t": 0.5}, {"e": "painted", "t": 0.6, "s": 0.5},
        {"e": "key", "t": 1.000, "ty": "press", "k": 0x01000000, "m": 0},
        {"e": "key", "t": 1.001, "ty": "press", "k": 0x01000000, "m": 0},  # propagated
        {"e": "commit", "t": 1.010, "op": "batch"},
        {"e": "paint", "t": 1.012}, {"e": "painted", "t": 1.013, "s": 1.012},
        {"e": "changed", "t": 1.020, "map": "m"},
        {"e": "changed", "t": 1.021, "map": "m"},
        {"e": "edited", "t": 1.022, "map": "m", "op": "edit_note"},
        {"e": "paint", "t": 1.030},
        {"e": "release", "t": 1.034, "b": 1},
        {"e": "painted", "t": 1.040, "s": 1.030},
    ]
    t = timing("edit_text", records)
    assert t is not None
    assert t["input_to_commit_ms"] == pytest.approx(10)
    assert t["input_to_changed_ms"] == pytest.approx(21)
    assert t["input_to_frame_ms"] == pytest.approx(34)
    assert t["paint_ms"] == pytest.approx(4)
    assert timing("undo", records) is None
    assert timing("edit_text", records[:-1]) is None  # its frame has not ended yet
