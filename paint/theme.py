"""The map's colours and the small colour arithmetic print needs, without Qt.

The canvas (`paint.qt_paint`) and every exporter draw with these values, so
a poster prints what the room saw on the projector. It lives apart from
`qt_paint` so the PDF path (reportlab) never imports QtGui: the CLI and a
worker thread can write a PDF without a Qt application.

Every canvas theme lives here (`THEME`, `PROJECTOR_THEME`); the note and people
palettes live in `journey.palette`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from journey.models import LaneKind
from journey.palette import KIND_NOTE_COLOUR, PALETTE

RGB = tuple[float, float, float]


@dataclass(frozen=True)
class Theme:
    """The canvas colours; posters use the same so print matches the projector."""

    desk: str = "#E3E7EC"  # around the paper
    paper: str = "#FFFFFF"
    grid: str = "#D6DCE4"
    lane_alt: str = "#F7F9FB"
    stage_first: str = "#4A6A8A"
    stage_last: str = "#2B3F58"
    stage_text: str = "#FFFFFF"
    lane_fill: str = "#EEF2F6"
    lane_text: str = "#1F2933"
    lane_kind_text: str = "#66727F"
    title_text: str = "#1F2933"
    subtitle_text: str = "#5A6673"
    note_text: str = "#1B1F23"
    note_shadow: str = "#2A0F172A"  # ARGB
    selection: str = "#0072B2"
    tick_line: str = "#E7EBF0"
    neutral_line: str = "#9AA5B1"
    scale_text: str = "#66727F"
    curve_label: str = "#37424D"
    more_votes: str = "#4B5563"
    hidden_notes: str = "#66727F"
    emotion_accent: str = "#D55E00"
    tag_text: str = "#2F3B47"  # a note's "#tag" chips
    rule: str = "#C3CBD4"  # hairlines of the poster's key band and footer
    mark: str = "#000000"  # crop and registration marks: registration black


THEME = Theme()
#: High contrast for a projector in a bright room: darker grid, headers and ink
#: (View › Projector theme; `qt_paint.painting_theme` paints with it).
PROJECTOR_THEME = Theme(
    desk="#AEB8C2", grid="#8795A3", lane_alt="#F0F3F6", stage_first="#1F3F63",
    stage_last="#0E2038", lane_fill="#DCE3EA", lane_text="#000000", lane_kind_text="#2F3B47",
    title_text="#000000", subtitle_text="#27313B", note_text="#000000",
    note_shadow="#400F172A", tick_line="#C9D1DA", neutral_line="#4B5866",
    scale_text="#27313B", curve_label="#0B1015", more_votes="#111827",
    hidden_notes="#2F3B47")
STAGE_NOTCH = 7.0  # depth of the chevron point of a stage header, in points
CURVE_WIDTH = 2.5
POINT_R = 4.5
CHIP_RADIUS = 3.0  # corner radius of a tag chip, in points


@cache
def argb(spec: str) -> tuple[float, RGB]:
    """(alpha, (r, g, b)) in 0..1 from "#RGB", "#RRGGBB" or "#AARRGGBB"; grey if unreadable."""
    s = (spec or "").strip().lstrip("#")
    if len(s) == 3:
        s = "".join(c * 2 for c in s)
    try:
        if len(s) == 6:
            a, rgb = 255, int(s, 16)
        elif len(s) == 8:
            a, rgb = int(s[:2], 16), int(s[2:], 16)
        else:
            raise ValueError(spec)
    except ValueError:
        return 1.0, (0.5, 0.5, 0.5)
    return a / 255, ((rgb >> 16 & 255) / 255, (rgb >> 8 & 255) / 255, (rgb & 255) / 255)


def rgb(spec: str) -> RGB:
    return argb(spec)[1]


def on_white(spec: str) -> RGB:
    """A translucent colour flattened onto white paper (print needs no transparency,
    and strict preflight such as PDF/X-1a refuses it)."""
    a, (r, g, b) = argb(spec)
    return (1 - a + a * r, 1 - a + a * g, 1 - a + a * b)


def darker(colour: RGB, factor: int = 125) -> RGB:
    """QColor.darker: the HSV value divided by factor/100, i.e. every channel scaled."""
    k = 100 / factor
    return (colour[0] * k, colour[1] * k, colour[2] * k)


def chip_fill(note_fill: RGB) -> RGB:
    """A tag chip's fill: the note's tint lifted halfway to white (opaque, for print)."""
    return tuple(0.45 * c + 0.55 for c in note_fill)  # type: ignore[return-value]


def chip_edge(note_fill: RGB) -> RGB:
    """A tag chip's outline: the note's tint darkened (QColor.darker(150))."""
    return darker(note_fill, 150)


def luminance(colour: RGB) -> float:
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(fill: RGB) -> RGB:
    """The theme's note ink, or white on a fill dark enough that white contrasts more."""
    lum, ink = luminance(fill), rgb(THEME.note_text)
    dark = (lum + 0.05) / (luminance(ink) + 0.05)
    return ink if dark >= 1.05 / (lum + 0.05) else (1.0, 1.0, 1.0)


def kind_accent_hex(kind: str) -> str:
    """The strong hue of the lane kind's note colour (the lane header's stripe)."""
    if kind == LaneKind.EMOTION:
        return THEME.emotion_accent
    fill = KIND_NOTE_COLOUR.get(kind, "")
    for _, f, strong in PALETTE:
        if f == fill:
            return strong
    return THEME.neutral_line


def stage_rgb(index: int, count: int) -> RGB:
    """A gentle ramp from the first to the last stage so the journey reads left to right."""
    a, b = rgb(THEME.stage_first), rgb(THEME.stage_last)
    t = index / (count - 1) if count > 1 else 0.0
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def stage_points(x: float, y: float, w: float, h: float,
                 first: bool) -> list[tuple[float, float]]:
    """A chevron inside the rect: notched on the left (except the first), pointed on the right."""
    d = min(STAGE_NOTCH, w / 4)
    mid = y + h / 2
    pts = [(x, y), (x + w - d, y), (x + w, mid), (x + w - d, y + h), (x, y + h)]
    if not first:
        pts.append((x + d, mid))
    return pts
