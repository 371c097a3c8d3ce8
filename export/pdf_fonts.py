"""The bundled TrueType faces registered with reportlab, and nothing else.

Print shops' preflight rejects a PDF that references a font it does not
embed, and reportlab's canvas starts with Helvetica (a standard-14 font that
is never embedded). So every PDF we write uses only these registered faces —
the same files `journey.fonts` measures with — and its canvas is created with
one of them as the initial font (`new_canvas`), which keeps Helvetica out of
the file altogether. reportlab subsets and embeds each face it draws with.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from journey.fonts import FACE_FILES, font_path

#: Face key (journey.fonts) -> the name registered with reportlab.
PDF_FONT_NAMES: dict[str, str] = {
    "sans": "Waymark-DejaVuSans",
    "sans-bold": "Waymark-DejaVuSans-Bold",
    "cjk": "Waymark-DroidSansFallback",
}


@cache
def register_fonts() -> dict[str, str]:
    """Register the bundled faces once per process; returns face key -> font name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for key in FACE_FILES:
        pdfmetrics.registerFont(TTFont(PDF_FONT_NAMES[key], str(font_path(key))))
    return dict(PDF_FONT_NAMES)


def new_canvas(target: str | os.PathLike[str] | Any, pagesize: tuple[float, float],
               **kwargs: Any):
    """A reportlab canvas whose initial font is a bundled face, never Helvetica."""
    from reportlab import rl_config
    from reportlab.pdfgen import canvas

    # Binary (not ASCII85) streams: a fifth smaller and faster; every PDF reader copes.
    rl_config.useA85 = 0
    names = register_fonts()
    target = os.fspath(target) if isinstance(target, os.PathLike) else target
    return canvas.Canvas(target, pagesize=pagesize, initialFontName=names["sans"],
                         initialFontSize=10, **kwargs)
