"""The canvas benchmark measures every edit kind end to end (a smoke run at a tiny size;
timings are in docs/PERFORMANCE.md, never asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.canvas_edits import KINDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_every_edit_kind_is_measured_and_a_bad_kind_is_one_line() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.canvas", "--notes", "60", "--edit-reps", "1",
         "--edits", "1", "--frames", "1", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["notes"] == 60 and report["edit_reps"] == 1
    assert sorted(report["edit_ms"]) == sorted(KINDS)
    assert all(report["edit_ms"][k] > 0 for k in KINDS)
    assert all(report["edit_ms_max"][k] >= report["edit_ms"][k] for k in KINDS)

    bad = subprocess.run([sys.executable, "-m", "benchmarks.canvas", "--kinds", "add_note,fly"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert bad.returncode == 2 and "unknown edit kinds: fly" in bad.stderr
