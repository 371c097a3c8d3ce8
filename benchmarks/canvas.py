"""Canvas benchmark: `python -m benchmarks.canvas --notes N [--json]`.

Generates an N-note session (`benchmarks.generate`) in a temporary library,
then measures on the real window, scene and view (offscreen Qt):

- `open_s`: a new `Library` on the file → `MainWindow` (all parts installed)
  → the first frame of its view rendered; what a facilitator waits for when
  opening the session in a running Waymark. The app's start (imports of the
  window's parts, parsing the bundled fonts, first Qt style setup) is done
  before, by a window on the demo library, and reported as `app_start_s`.
- `frame_ms_median`: one frame of a 1920×1080 viewport at 100 % zoom,
  rendered into a QImage through the viewport's real paint event
  (`view.viewport().render(painter)`), median over several frames at several
  places of the map (each place painted once before, as a screen is).
- `fit_frame_ms_median`: the same zoomed to fit the whole map.
- `cold_frame_ms_median` (extra): `view.render(painter)`, which makes every
  visible note paint afresh instead of reusing its cached pixmap.
- `zoom_step_frame_ms_median` (extra): a frame right after a zoom step
  (100 % <-> 80 %), when no cached note pixmap can be reused.
- `edit_commit_ms_median`: `library.run(ops.edit_note, ...)`, one committed,
  fsync-ed transaction, median over `--edits` edits (no window listening).
- `edit_apply_ms_median` (extra): the same edit through the window's
  `MapDocument.run` — commit, refresh of the cell, relayout and the scene's
  binder — what one edit costs end to end.
- `edit_ms` / `edit_ms_max`: per edit kind (add_note … select_all), the median and
  the maximum over `--edit-reps` repetitions, from the command pushed as the UI
  pushes it to the next frame painted (`benchmarks/canvas_edits.py`); `--kinds`
  picks some, `--kinds none` skips them.

Timings only; no asserts. The numbers go into docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QSettings  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.generate import generate_session  # noqa: E402
from journey import ops  # noqa: E402
from journey.demo import add_demo_session  # noqa: E402
from storage import Library  # noqa: E402

VIEWPORT = (1920, 1080)


def render_ms(view: Any, image: QImage) -> float:
    """One frame of the viewport into `image` through its real paint path; milliseconds.

    `viewport().render()` sends the viewport the paint event the screen would
    (background, items with their pixmap caches, sticky headers), redirected
    into the QImage."""
    t0 = time.perf_counter()
    view.viewport().render(image)
    return (time.perf_counter() - t0) * 1000


def cold_render_ms(view: Any, image: QImage) -> float:
    """One frame with every visible note painted afresh: `MapView.render` into a
    QImage marks the notes' cached pixmaps stale first (see MapView.render)."""
    t0 = time.perf_counter()
    painter = QPainter(image)
    painter.setRenderHints(view.renderHints())
    view.render(painter)
    painter.end()
    return (time.perf_counter() - t0) * 1000


def frames(view: Any, image: QImage, places: list[QPointF], per_place: int,
           render: Any = render_ms) -> list[float]:
    app = QApplication.instance()
    out: list[float] = []
    for place in places:
        view.centerOn(place)
        app.processEvents()
        render(view, image)  # warm-up: glyphs of this place laid out once
        out.extend(render(view, image) for _ in range(per_place))
    return out


def zoom_step_frames(view: Any, image: QImage, places: list[QPointF],
                     per_place: int) -> list[float]:
    """Frames right after a zoom step (100 % <-> 80 %): no cached note pixmap fits.

    No event processing between the step and the frame, so the screen's own
    repaint cannot refresh the caches first."""
    app = QApplication.instance()
    out: list[float] = []
    for place in places:
        for i in range(per_place + 1):
            app.processEvents()
            view.set_zoom(0.8 if i % 2 else 1.0)
            view.centerOn(place)
            ms = render_ms(view, image)
            if i:
                out.append(ms)
    view.set_zoom(1.0)
    return out


def size_viewport(window: Any, app: QApplication) -> None:
    """Resize the window so that its map view's viewport is exactly VIEWPORT."""
    for _ in range(3):
        vp = window.view.viewport().size()
        dw, dh = VIEWPORT[0] - vp.width(), VIEWPORT[1] - vp.height()
        if (dw, dh) == (0, 0):
            return
        window.resize(window.width() + dw, window.height() + dh)
        app.processEvents()


def run(notes: int, frames_per_place: int = 5, edits: int = 50, stages: int = 8,
        lanes: int = 8, edit_reps: int = 7, kinds: tuple[str, ...] = ()) -> dict[str, Any]:
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="waymark-canvas-bench-") as tmp:
        path = Path(tmp) / "library.sqlite"
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        lib = Library(path)
        try:
            lib.run(generate_session, notes, stages, lanes)
        finally:
            lib.close()

        # The app has started: its modules are imported, the fonts parsed (a
        # window on the small demo library does that) — then the big session opens.
        t0 = time.perf_counter()
        demo_lib = Library(Path(tmp) / "demo.sqlite")
        demo_lib.run(add_demo_session)
        warm = MainWindow(demo_lib, settings)
        warm.show()
        app.processEvents()
        warm.close()
        warm.deleteLater()
        app.processEvents()
        demo_lib.close()
        app_start_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        library = Library(path)
        window = MainWindow(library, settings)
        window.show()
        app.processEvents()
        image = QImage(window.view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        render_ms(window.view, image)
        open_s = time.perf_counter() - t0

        size_viewport(window, app)
        view = window.view
        viewport = view.viewport().size()
        image = QImage(viewport, QImage.Format.Format_ARGB32_Premultiplied)
        rect = view.sceneRect()
        view.set_zoom(1.0)
        places = [QPointF(rect.left() + rect.width() * fx, rect.top() + rect.height() * fy)
                  for fx, fy in ((0.0, 0.0), (0.5, 0.5), (0.3, 0.8), (0.8, 0.3), (1.0, 1.0))]
        frame = frames(view, image, places, frames_per_place)
        cold = frames(view, image, places, frames_per_place, cold_render_ms)
        zoom_frame = zoom_step_frames(view, image, places, frames_per_place)
        view.fit_all()
        app.processEvents()
        fit = frames(view, image, [rect.center()], frames_per_place * len(places))

        doc = window.doc
        note_ids = [n.id for n in doc.layout.notes[:: max(1, len(doc.layout.notes) // edits)]]
        note_ids = (note_ids * (edits // max(1, len(note_ids)) + 1))[:edits]
        apply_ms = []
        for i, nid in enumerate(note_ids[: max(1, edits // 5)]):
            cell = doc.cell_of(nid)
            t = time.perf_counter()
            doc.run(ops.edit_note, nid, text=f"Edited through the window {i}",
                    cells=[cell[0]] if cell else None)
            apply_ms.append((time.perf_counter() - t) * 1000)
        edit_ms, edit_ms_max = {}, {}
        if kinds:
            from benchmarks.canvas_edits import measure

            view.set_zoom(1.0)
            view.centerOn(rect.center())
            edit_ms, edit_ms_max = measure(window, image, edit_reps, kinds)
        window.close()  # stops listening: the commits below are the library's alone
        app.processEvents()
        commit_ms = []
        for i, nid in enumerate(note_ids):
            t = time.perf_counter()
            library.run(ops.edit_note, nid, text=f"Edited note {i}")
            commit_ms.append((time.perf_counter() - t) * 1000)
        library.close()
        window.deleteLater()
        app.processEvents()
        return {
            "notes": notes,
            "frame_ms_median": round(statistics.median(frame), 2),
            "fit_frame_ms_median": round(statistics.median(fit), 2),
            "open_s": round(open_s, 3),
            "app_start_s": round(app_start_s, 3),
            "edit_commit_ms_median": round(statistics.median(commit_ms), 2),
            "edit_apply_ms_median": round(statistics.median(apply_ms), 2),
            "cold_frame_ms_median": round(statistics.median(cold), 2),
            "zoom_step_frame_ms_median": round(statistics.median(zoom_frame), 2),
            "frame_ms_max": round(max(frame), 2),
            "fit_frame_ms_max": round(max(fit), 2),
            "fit_zoom": round(view.zoom, 4),
            "load_avg_1min": round(os.getloadavg()[0], 2),  # the machine is shared
            "viewport": [viewport.width(), viewport.height()],
            "frames": len(frame),
            "edit_ms": edit_ms,
            "edit_ms_max": edit_ms_max,
            "edit_reps": edit_reps if kinds else 0,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.canvas",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--frames", type=int, default=5, help="frames per place")
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--edit-reps", type=int, default=7,
                        help="repetitions of each edit kind for edit_ms")
    parser.add_argument("--kinds", default="all",
                        help="edit kinds for edit_ms, comma-separated; 'all' or 'none'")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    from benchmarks.canvas_edits import KINDS

    kinds = KINDS if args.kinds == "all" else () if args.kinds == "none" else tuple(
        k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown edit kinds: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})")
    result = run(args.notes, max(1, args.frames), max(1, args.edits), args.stages, args.lanes,
                 max(1, args.edit_reps), kinds)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
