"""Export benchmark: `python -m benchmarks.export --notes N [--json]`.

Generates an N-note session in a temporary library and times, as the median
of `--runs` runs: the layout (text fitting cache cleared each run, so it is
measured cold), the A0 PDF poster written from that layout, and both together
(`poster_pdf_s`, what a user waits for after the map is loaded). As a floor
it times plain reportlab drawing the same note boxes and strings with no
layout and no font fallback (`reportlab_floor_s`). Then the PNG poster (A1 at
150 dpi, `poster_png_s`), the tiles (A0 on A4, `tiles_pdf_s`) and, in a fresh
subprocess so nothing else counts, the peak RSS of an A0 PNG at 300 dpi
(`png_peak_rss_mb`, from `resource.getrusage`). Posters carry their key band
and footer, as the CLI writes them. Timings only; no asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_session
from export.pdf_fonts import new_canvas, register_fonts
from export.poster_parts import voter_names
from export.poster_pdf import export_poster_pdf
from export.poster_png import ensure_gui_app, export_poster_png
from export.tiles import export_tiles_pdf
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
    layout_module.clear_caches()


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


RSS_SCRIPT = """
import json, resource, sys, time
from export.poster_png import ensure_gui_app, export_poster_png
from journey.layout import layout_map
from journey.queries import load_map
from storage import Library
ensure_gui_app()
lib = Library(sys.argv[1])
data = lib.read(load_map, sys.argv[2])
lib.close()
layout = layout_map(data)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
result = export_poster_png(layout, data, sys.argv[3], "A0", dpi=300)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"peak_kib": peak, "before_kib": before, "seconds": seconds,
                  "pixels": result.pixels}))
"""


def png_peak_rss(db: Path, map_id: str, out: Path) -> dict[str, Any]:
    """A0 at 300 dpi in a fresh interpreter: its peak RSS is the export's alone."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(db), map_id, str(out)],
                          capture_output=True, text=True, env=env, cwd=root, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(notes: int, runs: int = 3, size: str = "A0", stages: int = 8,
        lanes: int = 8, rss: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="waymark-bench-") as tmp:
        tmpdir = Path(tmp)
        library = Library(tmpdir / "library.sqlite")
        try:
            t0 = time.perf_counter()
            session = library.run(generate_session, notes, stages, lanes)
            generate_s = time.perf_counter() - t0
            map_id = library.read(maps_of, session.id)[0].id
            load_s, data = median_time(lambda: library.read(load_map, map_id), runs)
            voters = library.read(voter_names, session.id)
        finally:
            library.close()
        out = tmpdir / "poster.pdf"

        def pdf(lay: MapLayout):
            return export_poster_pdf(lay, data, out, size, voters=voters, furniture=True)

        t0 = time.perf_counter()
        pdf(cold_layout(data))  # fonts registered, warm-up
        first_s = time.perf_counter() - t0
        layout_s, layout = median_time(lambda: cold_layout(data), runs)
        pdf_write_s, result = median_time(lambda: pdf(layout), runs)
        poster_pdf_s, _ = median_time(lambda: pdf(cold_layout(data)), runs)
        floor_path = tmpdir / "floor.pdf"
        floor_s, _ = median_time(lambda: reportlab_floor(layout, floor_path, result.page_size),
                                 runs)
        ensure_gui_app()
        png = tmpdir / "poster.png"
        poster_png_s, png_result = median_time(
            lambda: export_poster_png(layout, data, png, "A1", dpi=150, voters=voters), runs)
        tiles = tmpdir / "tiles.pdf"
        tiles_pdf_s, tiles_result = median_time(
            lambda: export_tiles_pdf(layout, data, tiles, "A4", "A0", voters=voters), runs)
        report: dict[str, Any] = {
            "notes": notes,
            "stages": stages,
            "lanes": lanes,
            "size": result.page_name,
            "runs": runs,
            "poster_pdf_s": round(poster_pdf_s, 4),
            "layout_s": round(layout_s, 4),
            "pdf_write_s": round(pdf_write_s, 4),
            "reportlab_floor_s": round(floor_s, 4),
            "poster_png_s": round(poster_png_s, 4),
            "png_pixels": png_result.pixels,
            "png_bytes": png.stat().st_size,
            "tiles_pdf_s": round(tiles_pdf_s, 4),
            "tiles_sheets": tiles_result.sheets,
            "tiles_bytes": tiles.stat().st_size,
            "first_export_s": round(first_s, 4),
            "load_s": round(load_s, 4),
            "generate_s": round(generate_s, 4),
            "pdf_bytes": out.stat().st_size,
            "floor_pdf_bytes": floor_path.stat().st_size,
            "text_lines": sum(len(n.lines) for n in layout.notes),
            "cut_notes": len(result.cut_notes),
            "smallest_text_pt": round(result.smallest_text_pt, 2),
        }
        if rss:
            big = png_peak_rss(tmpdir / "library.sqlite", map_id, tmpdir / "a0-300.png")
            report["png_peak_rss_mb"] = round(big["peak_kib"] / 1024, 1)
            report["png_rss_before_export_mb"] = round(big["before_kib"] / 1024, 1)
            report["png_a0_300dpi_s"] = round(big["seconds"], 3)
            report["png_a0_300dpi_pixels"] = big["pixels"]
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="A0")
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-rss", action="store_true",
                        help="skip the A0 300 dpi PNG peak-memory run")
    args = parser.parse_args(argv)
    result = run(args.notes, max(1, args.runs), args.size, args.stages, args.lanes,
                 rss=not args.no_rss)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
