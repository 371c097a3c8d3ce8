"""Export benchmark: `python -m benchmarks.export --notes N [--json]`.

Generates an N-note session in a temporary library and times, as the median
of `--runs` runs: the layout (text fitting cache cleared each run, so it is
measured cold), the A0 PDF poster written from that layout, and both together
(`poster_pdf_s`, what a user waits for after the map is loaded). As a floor
it times plain reportlab drawing the same note boxes and strings with no
layout and no font fallback (`reportlab_floor_s`). Timings only; no asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_session
from export.pdf_fonts import new_canvas, register_fonts
from export.poster_pdf import export_poster_pdf
from journey import layout as layout_module
from journey.layout import MapLayout, layout_map
from journey.queries import MapData, load_map, maps_of
from journey.text import fit_text
from storage import Library


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def clear_layout_caches() -> None:
    """Forget cached text fitting and note boxes, so the layout is timed from scratch."""
    fit_text.cache_clear()
    for obj in vars(layout_module).values():
        if getattr(obj, "__module__", None) == layout_module.__name__ and hasattr(
                obj, "cache_clear"):
            obj.cache_clear()


def cold_layout(data: MapData) -> MapLayout:
    clear_layout_caches()
    return layout_map(data)


def reportlab_floor(layout: MapLayout, path: Path, size: tuple[float, float]) -> None:
    """The least any reportlab poster can cost: boxes and strings, one face, no layout."""
    font = register_fonts()["sans"]
    c = new_canvas(path, size)
    s = min(size[0] / layout.width, size[1] / layout.height)
    c.translate(0, size[1])
    c.scale(s, s)
    c.setFillColorRGB(1, 0.9, 0.5)
    for n in layout.notes:
        r = n.rect
        c.roundRect(r.x, -r.bottom, r.w, r.h, 3, stroke=1, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for n in layout.notes:
        for line in n.lines:
            c.setFont(font, line.size)
            c.drawString(line.x, -line.baseline, line.text)
    c.showPage()
    c.save()


def run(notes: int, runs: int = 3, size: str = "A0", stages: int = 8,
        lanes: int = 8) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as tmp:
        tmpdir = Path(tmp)
        library = Library(tmpdir / "library.sqlite")
        try:
            t0 = time.perf_counter()
            session = library.run(generate_session, notes, stages, lanes)
            generate_s = time.perf_counter() - t0
            map_id = library.read(maps_of, session.id)[0].id
            load_s, data = median_time(lambda: library.read(load_map, map_id), runs)
        finally:
            library.close()
        out = tmpdir / "poster.pdf"
        t0 = time.perf_counter()
        export_poster_pdf(cold_layout(data), data, out, size)  # fonts registered, warm-up
        first_s = time.perf_counter() - t0
        layout_s, layout = median_time(lambda: cold_layout(data), runs)
        pdf_write_s, result = median_time(
            lambda: export_poster_pdf(layout, data, out, size), runs)
        poster_pdf_s, _ = median_time(
            lambda: export_poster_pdf(cold_layout(data), data, out, size), runs)
        floor_path = tmpdir / "floor.pdf"
        floor_s, _ = median_time(lambda: reportlab_floor(layout, floor_path, result.page_size),
                                 runs)
        return {
            "notes": notes,
            "stages": stages,
            "lanes": lanes,
            "size": result.page_name,
            "runs": runs,
            "poster_pdf_s": round(poster_pdf_s, 4),
            "layout_s": round(layout_s, 4),
            "pdf_write_s": round(pdf_write_s, 4),
            "reportlab_floor_s": round(floor_s, 4),
            "first_export_s": round(first_s, 4),
            "load_s": round(load_s, 4),
            "generate_s": round(generate_s, 4),
            "pdf_bytes": out.stat().st_size,
            "floor_pdf_bytes": floor_path.stat().st_size,
            "text_lines": sum(len(n.lines) for n in layout.notes),
            "cut_notes": len(result.cut_notes),
            "smallest_text_pt": round(result.smallest_text_pt, 2),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="A0")
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.notes, max(1, args.runs), args.size, args.stages, args.lanes)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
