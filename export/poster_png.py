"""The PNG poster: the same page as the PDF, rasterised band by band.

The page is painted with QPainter (`qt_poster`, i.e. the canvas's own
painting functions) into a band of a few hundred rows at a time; each band
is converted to RGB and streamed into the PNG (`png_stream`), so an A0 poster
at 300 dpi (9933 × 14043 px, 418 MB as RGB) never sits in memory: peak RSS
stays near the size of one band plus Qt's glyph caches. Only notes that touch
a band are painted in it. DPI goes into the file (pHYs). Pillow is never
used here, so its decompression-bomb guard stays at its default for the
photos users bring in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

from journey.errors import WaymarkError
from journey.layout import MapLayout, Rect
from journey.queries import MapData
from paint.font_fallback import is_invisible, resolve

from .png_stream import PngWriter
from .poster_plan import PosterPlan, PosterResult, Progress, plan_poster
from .qt_poster import paint_poster

MIN_DPI, MAX_DPI = 72, 600
BAND_BYTES = 24 << 20  # one band of ARGB32 pixels
MAX_PIXELS = 2_000_000_000  # 2 Gpx: beyond this no viewer opens it anyway

_APP: QGuiApplication | None = None


def ensure_gui_app() -> QGuiApplication:
    """A QGuiApplication for painting text; the CLI gets an offscreen one."""
    global _APP
    app = QGuiApplication.instance()
    if app is None:
        _APP = QGuiApplication(["waymark", "-platform", "offscreen"])
        app = _APP
    return app  # type: ignore[return-value]


def pixel_size(page: tuple[float, float], dpi: int) -> tuple[int, int]:
    return max(1, round(page[0] / 72 * dpi)), max(1, round(page[1] / 72 * dpi))


def check_dpi(dpi: int, page: tuple[float, float]) -> tuple[int, int]:
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise WaymarkError(f"{dpi} dpi is out of range: use {MIN_DPI} to {MAX_DPI} dpi")
    w, h = pixel_size(page, dpi)
    if w * h > MAX_PIXELS:
        raise WaymarkError(f"{w} × {h} px is too large for a PNG; choose a lower dpi")
    return w, h


def write_png(fh: BinaryIO, layout: MapLayout, plan: PosterPlan, dpi: int,
              text: dict[str, str] | None = None,
              progress: Callable[[float], None] | None = None,
              band_rows: int | None = None) -> tuple[int, int]:
    """Paint the plan's page band by band straight into a PNG stream.

    `band_rows` overrides the band height (about 24 MB of pixels by default)."""
    ensure_gui_app()
    w, h = check_dpi(dpi, plan.page)
    k = dpi / 72
    band = max(1, min(h, band_rows or max(8, BAND_BYTES // (4 * w))))
    png = PngWriter(fh, w, h, dpi, text)
    image = QImage(w, band, QImage.Format.Format_RGB32)
    white = QColor("#FFFFFF")
    top = 0
    while top < h:
        rows = min(band, h - top)
        image.fill(white)
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.translate(0, -top)
        p.scale(k, k)
        paint_poster(p, layout, plan, visible=Rect(0, top / k, plan.page[0], rows / k))
        p.end()
        rgb = image.convertToFormat(QImage.Format.Format_RGB888)
        png.write_rgb_rows(rgb.constBits(), rows, rgb.bytesPerLine())
        del rgb
        top += rows
        if progress:
            progress(top / h)
    png.close()
    return w, h


def missing_in(layout: MapLayout, plan: PosterPlan) -> set[str]:
    """Characters that no bundled or system font has (Qt draws its own fallback box)."""
    texts = [ln.text for ln in layout.text_lines()] + [t.line.text for t in plan.key.texts]
    texts += [t.line.text for t in plan.footer.texts]
    return {ch for s in texts if not s.isascii() for ch in s
            if not is_invisible(ch) and resolve(ch) is None}


def export_poster_png(layout: MapLayout, data: MapData, path, size: str = "A0",
                      orientation: str | None = None, margin_mm: float = 10,
                      dpi: int = 150, progress: Progress | None = None,
                      scale: str | float | None = None, voters: dict[str, str] | None = None,
                      furniture: bool = True, plan: PosterPlan | None = None) -> PosterResult:
    """Write the poster as a PNG at `dpi` (72–600); raises ExportCancelled if cancelled."""
    from .poster_pdf import reporter, result_of, write_atomically

    plan = plan or plan_poster(layout, data, size, orientation, margin_mm, scale, voters,
                               key=furniture, footer=furniture)
    check_dpi(dpi, plan.page)
    report = reporter(progress)
    report(0.0)
    meta = {"Title": f"{data.session.title} — {data.map.name}",
            "Author": data.session.facilitator or "", "Software": "Waymark",
            "Description": f"Customer journey map poster, {plan.page_name}, {dpi} dpi"}
    pixels: list[tuple[int, int]] = []

    def write(fh: BinaryIO) -> None:
        pixels.append(write_png(fh, layout, plan, dpi, meta, lambda f: report(0.98 * f)))

    path = write_atomically(path, write)
    report(1.0)
    result = result_of(path, layout, plan, missing_in(layout, plan), set())
    result.pixels, result.dpi = pixels[0], dpi
    return result
