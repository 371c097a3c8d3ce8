"""Import benchmark: `python -m benchmarks.imports [--runs N] [--quick] [--json]`.

Times what a facilitator waits for: the real CLI (`main.py --db LIB import …`)
in a fresh subprocess per run, on a fresh library, for three files — a CSV of
10,000 notes (into an existing map, stages and lanes created), a Mermaid
journey of 5,000 tasks and a Waymark JSON session of 200,000 notes. Each
case is the median of `--runs` runs; the peak RSS is the subprocess's own
(`os.wait4`), interpreter start-up included. Every case is also run at half
its size: `linearity` is full time / half time (2.0 is linear; 4.0 quadratic).
The machine's load (/proc/loadavg) is printed next to the numbers, since a
busy machine slows everything. `--quick` is a small smoke run. Timings only;
no asserts. docs/PERFORMANCE.md, section "Imports", has the targets.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import LANE_KINDS, STAGE_NAMES, note_text
from journey.palette import note_colour_for_kind

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"csv": 10_000, "mermaid": 5_000, "json": 200_000}
QUICK = {"csv": 400, "mermaid": 200, "json": 2_000}


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def write_json(path: Path, notes: int, stages: int = 8, lanes: int = 8, seed: int = 0) -> None:
    """A session like benchmarks.generate's (one map, `notes` notes), written as a file
    straight from Python: the library round trip is what is measured, not set-up."""
    rng = random.Random(seed)
    stage_docs = [{"id": _id(rng), "name": STAGE_NAMES[i % len(STAGE_NAMES)] + f" {i + 1}"}
                  for i in range(stages)]
    kinds = [LANE_KINDS[i % len(LANE_KINDS)] for i in range(lanes)]
    lane_docs = [{"id": _id(rng), "name": k.label, "kind": k.value} for k in kinds]
    when = "2026-01-15T09:30:00.000Z"
    note_docs = []
    for i in range(notes):
        lane = (i // stages) % lanes
        note_docs.append({  # every field, as `export json` writes a note
            "id": _id(rng), "stage_id": stage_docs[i % stages]["id"],
            "lane_id": lane_docs[lane]["id"], "text": note_text(rng),
            "colour": note_colour_for_kind(kinds[lane]).upper(),
            "tags": ["bench"] if i % 7 == 0 else [], "author": "P1" if i % 3 == 0 else "",
            "owner": "", "priority": "", "impact": None, "effort": None, "status": "",
            "created_at": when, "updated_at": when})
    doc = {"format": "waymark", "version": 2,
           "session": {"id": _id(rng), "title": f"Benchmark {notes} notes", "date": "2026-01-15",
                       "created_at": when, "updated_at": when},
           "maps": [{"id": _id(rng), "name": "Current state", "stages": stage_docs,
                     "lanes": lane_docs, "notes": note_docs}]}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: int, stages: int = 8, lanes: int = 8, seed: int = 0) -> None:
    rng = random.Random(seed)
    kinds = [LANE_KINDS[i % len(LANE_KINDS)] for i in range(lanes)]
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["Stage", "Lane", "Lane kind", "Text", "Tags", "Author"])
    for i in range(rows):
        kind = kinds[(i // stages) % lanes]
        out.writerow([STAGE_NAMES[i % stages % len(STAGE_NAMES)] + f" {i % stages + 1}",
                      kind.label, kind.value, note_text(rng), "bench" if i % 7 == 0 else "",
                      "P1" if i % 3 == 0 else ""])
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_mermaid(path: Path, tasks: int, sections: int = 10, seed: int = 0) -> None:
    rng = random.Random(seed)
    lines = ["journey", f"  title Benchmark {tasks} tasks"]
    per = max(1, tasks // sections)
    for i in range(tasks):
        if i % per == 0 and i // per < sections:
            lines.append(f"  section {STAGE_NAMES[(i // per) % len(STAGE_NAMES)]} {i // per + 1}")
        text = note_text(rng).replace(":", " ").replace("#", " ").replace(";", " ")
        lines.append(f"    {text}: {rng.randint(1, 5)}: P{rng.randint(1, 6)}, P{rng.randint(1, 6)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cli(args: list[str], timeout: float = 900) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one `main.py` run in a fresh process: `os.wait4`
    gives the rusage of that child alone (RUSAGE_CHILDREN would be the max of all)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                                env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args[2:4])} failed: {err.read().strip()[-300:]}")
    return seconds, usage.ru_maxrss / 1024


def fresh_library(tmp: Path, name: str, csv_target: bool) -> tuple[Path, list[str]]:
    """A new library (and for CSV the session and map to import into)."""
    db = tmp / f"{name}.sqlite"
    for p in tmp.glob(f"{name}.sqlite*"):
        p.unlink()
    if not csv_target:
        return db, []
    cli(["--db", str(db), "new", "--title", "Bench CSV"])
    return db, ["--session", "Bench CSV", "--map", "Current state", "--create-missing"]


def measure(kind: str, size: int, runs: int, tmp: Path) -> dict[str, Any]:
    writers: dict[str, Callable[[Path, int], None]] = {
        "csv": write_csv, "mermaid": write_mermaid, "json": write_json}
    source = tmp / f"{kind}-{size}.{ {'csv': 'csv', 'mermaid': 'mmd', 'json': 'json'}[kind] }"
    # Written by another process: on Linux a child's ru_maxrss starts from its parent's
    # high-water mark, so building a 200,000-note document here would inflate every peak.
    subprocess.run([sys.executable, "-c", f"from benchmarks.imports import {writers[kind].__name__}"
                    f" as w; from pathlib import Path; w(Path({str(source)!r}), {size})"],
                   cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    times, peaks = [], []
    for i in range(runs):
        db, extra = fresh_library(tmp, f"{kind}-{size}-{i}", kind == "csv")
        args = ["--db", str(db), "import"] + ([kind] if kind != "json" else []) + [str(source)]
        seconds, peak = cli(args + extra)
        times.append(seconds)
        peaks.append(peak)
        for p in tmp.glob(f"{db.name}*"):
            p.unlink()
    return {"size": size, "bytes": source.stat().st_size, "runs": runs,
            "median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "peak_rss_mb": round(max(peaks), 1)}


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def run(runs: int = 3, quick: bool = False, only: list[str] | None = None) -> dict[str, Any]:
    sizes = QUICK if quick else SIZES
    report: dict[str, Any] = {"runs": runs, "quick": quick, "cpus": os.cpu_count(),
                              "loadavg_before": loadavg()}
    with tempfile.TemporaryDirectory(prefix="waymark-imports-") as tmp:
        for kind, size in sizes.items():
            if only and kind not in only:
                continue
            full = measure(kind, size, runs, Path(tmp))
            half = measure(kind, size // 2, runs, Path(tmp))
            full["half"] = half
            full["linearity"] = round(full["median_s"] / half["median_s"], 2)
            report[kind] = full
    report["loadavg_after"] = loadavg()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="small files, one run: a smoke test")
    parser.add_argument("--only", choices=list(SIZES), action="append", help="just this case")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(1 if args.quick else max(1, args.runs), args.quick, args.only)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
