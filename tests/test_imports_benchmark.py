"""The import benchmark runs and prints one JSON object (a smoke run; timings are
in docs/PERFORMANCE.md, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_import_benchmark_prints_json() -> None:
    done = subprocess.run([sys.executable, "-m", "benchmarks.imports", "--quick", "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for kind in ("csv", "mermaid", "json"):
        case = report[kind]
        assert case["size"] == 2 * case["half"]["size"] and case["bytes"] > 0
        assert case["median_s"] > 0 and case["peak_rss_mb"] > 20
        assert case["linearity"] > 0
    assert len(report["loadavg_before"]) == 3
