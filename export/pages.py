"""Paper sizes in points, parsed from what a facilitator types.

Named sizes are stored portrait (w <= h); `orient` turns them to match the
map's aspect or the user's choice. Custom sizes ("600x900mm", "24 x 36 in")
are taken as given. Every side must lie between 50 mm (smaller is not a
poster) and 200 in, Acrobat's page limit, so a file never opens as an error.
"""

from __future__ import annotations

import re

from journey.errors import WaymarkError

MM = 72 / 25.4
INCH = 72.0

MIN_SIDE = 50 * MM
MAX_SIDE = 200 * INCH  # 5,080 mm

#: Display name -> (width, height) in points, portrait.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A0": (841 * MM, 1189 * MM),
    "A1": (594 * MM, 841 * MM),
    "A2": (420 * MM, 594 * MM),
    "A3": (297 * MM, 420 * MM),
    "A4": (210 * MM, 297 * MM),
    "A5": (148 * MM, 210 * MM),
    "Letter": (8.5 * INCH, 11 * INCH),
    "Legal": (8.5 * INCH, 14 * INCH),
    "Tabloid": (11 * INCH, 17 * INCH),
    "ARCH C": (18 * INCH, 24 * INCH),
    "ARCH D": (24 * INCH, 36 * INCH),
    "ARCH E": (36 * INCH, 48 * INCH),
}

_ALIASES = {"ledger": "Tabloid", "ansib": "Tabloid", "usletter": "Letter", "uslegal": "Legal"}
_UNITS = {"mm": MM, "cm": 10 * MM, "in": INCH, "inch": INCH, "inches": INCH, '"': INCH,
          "pt": 1.0}
_CUSTOM = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|inch|inches|\"|pt)?\s*[x×*]\s*"
    r"(\d+(?:\.\d+)?)\s*(mm|cm|in|inch|inches|\"|pt)\s*$", re.IGNORECASE)

ACCEPTED = ("A0–A5, Letter, Legal, Tabloid, ARCH C/D/E, or a custom size like "
            "600x900mm or 24x36in")
ORIENTATIONS = ("auto", "portrait", "landscape")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name).casefold()


_BY_KEY = {_key(name): name for name in PAGE_SIZES} | _ALIASES


def size_name(spec: str) -> str | None:
    """The display name of a named size ("archd" -> "ARCH D"), None for custom sizes."""
    return _BY_KEY.get(_key(spec or ""))


def _check(w: float, h: float, spec: str) -> tuple[float, float]:
    for side in (w, h):
        if side < MIN_SIDE - 1e-9:
            raise WaymarkError(f"page size {spec!r} is too small: each side needs at least 50 mm")
        if side > MAX_SIDE + 1e-9:
            raise WaymarkError(f"page size {spec!r} is too large: each side can be at most "
                               f"200 in (5080 mm), the PDF limit")
    return (w, h)


def parse_page_size(spec: str) -> tuple[float, float]:
    """(width, height) in points for a named or custom page size."""
    text = (spec or "").strip()
    name = size_name(text)
    if name:
        return PAGE_SIZES[name]
    m = _CUSTOM.match(text)
    if not m:
        raise WaymarkError(f"unknown page size {spec!r}: use {ACCEPTED}")
    w, unit_w, h, unit_h = m.groups()
    unit_h = unit_h.lower()
    unit_w = (unit_w or unit_h).lower()
    return _check(float(w) * _UNITS[unit_w], float(h) * _UNITS[unit_h], text)


def orient(size: tuple[float, float], orientation: str | None, content_w: float,
           content_h: float) -> tuple[float, float]:
    """The page turned to `orientation`; None or "auto" matches the content's aspect."""
    w, h = size
    o = (orientation or "auto").strip().lower()
    if o not in ORIENTATIONS:
        raise WaymarkError(f"unknown orientation {orientation!r}: use auto, portrait or "
                           f"landscape")
    if o == "auto":
        o = "landscape" if content_w > content_h else "portrait"
    if o == "portrait":
        return (min(w, h), max(w, h))
    return (max(w, h), min(w, h))


def describe(size: tuple[float, float]) -> str:
    """A page size as people say it: "A0 portrait" or "600 × 900 mm"."""
    w, h = size
    lo, hi = sorted((w, h))
    for name, (nw, nh) in PAGE_SIZES.items():
        if abs(nw - lo) < 0.6 and abs(nh - hi) < 0.6:  # printers round to whole points
            return f"{name} {'portrait' if w <= h else 'landscape'}"
    return f"{w / MM:.0f} × {h / MM:.0f} mm"
