"""The bundled TrueType faces registered with reportlab, and nothing else.

Print shops' preflight rejects a PDF that references a font it does not
embed, and reportlab's canvas starts with Helvetica (a standard-14 font that
is never embedded). So every PDF we write uses only these registered faces —
the same files `journey.fonts` measures with — and its canvas is created with
one of them as the initial font (`new_canvas`), which keeps Helvetica out of
the file altogether. reportlab subsets and embeds each face it draws with;
the script faces (Noto Sans Hebrew/Arabic/Devanagari/Thai, NanumGothic) are
registered with the rest, and `to_unicode_cmap` makes the text layer of their
shaped glyphs read back as the characters typed (`pdf_shaping`).
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
    "hebrew": "Waymark-NotoSansHebrew",
    "hebrew-bold": "Waymark-NotoSansHebrew-Bold",
    "arabic": "Waymark-NotoSansArabic",
    "arabic-bold": "Waymark-NotoSansArabic-Bold",
    "devanagari": "Waymark-NotoSansDevanagari",
    "devanagari-bold": "Waymark-NotoSansDevanagari-Bold",
    "thai": "Waymark-NotoSansThai",
    "thai-bold": "Waymark-NotoSansThai-Bold",
    "hangul": "Waymark-NanumGothic",
}


@cache
def register_fonts() -> dict[str, str]:
    """Register the bundled faces once per process; returns face key -> font name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for key in FACE_FILES:
        pdfmetrics.registerFont(TTFont(PDF_FONT_NAMES[key], str(font_path(key))))
    return dict(PDF_FONT_NAMES)


def _utf16(cp: int) -> str:
    if cp <= 0xFFFF:
        return f"{cp:04X}"
    cp -= 0x10000
    return f"{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}"


def to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, fixed twice: characters beyond U+FFFF as UTF-16
    surrogate pairs (reportlab writes five hex digits, which readers take for another
    character: 😀 U+1F600 extracted as U+1F60), and a shaped glyph's private-use code
    mapped to the text it stands for (`pdf_shaping.TO_UNICODE`)."""
    from .pdf_shaping import TO_UNICODE

    pairs = []
    for i, v in enumerate(subset):
        text = TO_UNICODE.get(v)
        if text is None:
            pairs.append(f"<{i:02X}> <{_utf16(v)}>")
        elif text:
            pairs.append(f"<{i:02X}> <{''.join(_utf16(ord(c)) for c in text)}>")
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(pairs)} beginbfchar", *pairs,
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


def fix_text_layer() -> None:
    """Make reportlab write `to_unicode_cmap` for every TrueType subset."""
    from reportlab.pdfbase import ttfonts

    if ttfonts.makeToUnicodeCMap is not to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = to_unicode_cmap


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
