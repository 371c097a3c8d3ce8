"""The bundled fonts as Qt sees them, for the canvas and the widgets around it.

Registration lives in `export.qt_paint` (QtGui only) so a raster exporter
running without the canvas registers the same files; this module is the
canvas-facing name for it plus `qfont` for widgets such as a future inline
note editor. Painting of layout text goes through `export.qt_paint`, which
draws fractional sizes exactly; a QFont alone is limited to whole pixels.
"""

from __future__ import annotations

from PySide6.QtGui import QFont

from export.qt_paint import REF_PX, ensure_fonts, face_font

__all__ = ["REF_PX", "ensure_fonts", "face_font", "family", "qfont"]


def family(key: str) -> str:
    """The Qt family name of a face key ("sans", "sans-bold", "cjk")."""
    families = ensure_fonts()
    return families.get(key, families["sans"])


def qfont(key: str, size: float) -> QFont:
    """A QFont at `size` scene units (1 pt = 1 px at zoom 1), rounded to whole pixels."""
    return face_font(key, max(1, round(size)))
