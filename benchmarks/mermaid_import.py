"""Mermaid import benchmark: `python -m benchmarks.mermaid_import [--tasks N] [--json]`.

A generated journey diagram of N tasks (default 5,000), 50 a section (`--per-section`), with
a few actors, is parsed and imported into a new library in a temporary folder
(one `Library.run`, as `waymark import mermaid` does). Prints the parse and
the import times in seconds. Timings only; no asserts (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def diagram(tasks: int, per_section: int = 50) -> str:
    """A plain journey: `per_section` tasks a section, scores 1..5, 1–3 actors a task."""
    actors = ["Customer", "Agent", "Courier", "Bank", "Support"]
    out = ["journey", f"  title Generated journey of {tasks:,} tasks"]
    for i in range(tasks):
        if i % per_section == 0:
            out.append(f"  section Stage {i // per_section + 1}")
        who = ", ".join(actors[(i + k) % len(actors)] for k in range(1 + i % 3))
        out.append(f"    Task number {i + 1} of the journey: {1 + i % 5}: {who}")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--per-section", type=int, default=50,
                        help="tasks a section (default 50; as many as --tasks for one stage)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from storage.library import Library
    from storage.mermaid import import_mermaid, parse_mermaid

    text = diagram(args.tasks, args.per_section)
    t0 = time.perf_counter()
    parse_mermaid(text)
    parse_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "library.sqlite")
        try:
            t0 = time.perf_counter()
            result = lib.run(import_mermaid, text)
            import_s = time.perf_counter() - t0
        finally:
            lib.close()
    out = {"tasks": args.tasks, "stages": result.stages, "notes": result.notes,
           "parse_s": round(parse_s, 3), "import_s": round(import_s, 3)}
    print(json.dumps(out) if args.json else
          f"{out['notes']:,} tasks in {out['stages']} sections: parse {out['parse_s']} s, "
          f"import (parse included) {out['import_s']} s")


if __name__ == "__main__":
    main()
