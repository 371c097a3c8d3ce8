"""Sticky-note colours: six tints told apart in normal and colour-deficient vision.

Every pair of fills differs by ΔE00 ≥ 20 in normal vision and ≥ 10 under
protanopia, deuteranopia and tritanopia (Machado et al. 2009, severity 1.0),
and the dark note ink keeps a contrast of at least 4.5:1 on each; the
reasons for those floors are in tests/paint/test_note_palette.py, which checks
them. Lightness is spread (Blue and Orange darker, Sky and Yellow lighter)
because it is what survives a dichromat's view and a washed-out projector.
The strong hues (lane stripes, curves, participants) are Okabe–Ito.
Keys 1–6 pick the fills in order.

Every named set of note and people colours lives here (`PALETTES`: this one
and a high-contrast variant Edit › Preferences offers); the canvas themes
(paper, grid, ink, the projector theme) live in `paint.theme`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import LaneKind

#: (name, sticky-note fill, strong hue of the same family) in key order 1–6.
PALETTE: list[tuple[str, str, str]] = [
    ("Yellow", "#FCEA7D", "#F0E442"),
    ("Orange", "#E8A152", "#E69F00"),
    ("Sky", "#ABE7FE", "#56B4E9"),
    ("Green", "#82C595", "#009E73"),
    ("Blue", "#9BA2E9", "#0072B2"),
    ("Rose", "#E5B4C6", "#CC79A7"),
]

NOTE_COLOURS: list[str] = [fill for _, fill, _ in PALETTE]

#: The fills of the first palette (Sky and Blue were ΔE00 5.9 apart), in the same
#: order, as stored in older sessions, files and templates -> the fill of that name now.
LEGACY_NOTE_COLOURS: dict[str, str] = dict(zip(
    ("#F9E79F", "#F8C471", "#AED6F1", "#A3E4C9", "#A9C6E8", "#F1B9C8"), NOTE_COLOURS,
    strict=True))

#: Curve / participant colours: the strong Okabe–Ito hues.
STRONG_COLOURS: list[str] = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

DEFAULT_NOTE_COLOUR = NOTE_COLOURS[0]

#: (name, sticky-note fill, strong hue) — the same shape as PALETTE, for
#: washed-out projectors.
HIGH_CONTRAST: list[tuple[str, str, str]] = [
    ("Yellow", "#FFE45C", "#B58900"),
    ("Orange", "#FFA94D", "#C45A00"),
    ("Sky", "#7CC8F8", "#006DAE"),
    ("Green", "#6FDBA8", "#007A52"),
    ("Blue", "#93B4F5", "#1F3FBF"),
    ("Rose", "#F69AC1", "#A8155E"),
]
#: Participant and persona colours: dots and curves must stand out on any note fill.
HIGH_CONTRAST_STRONG: list[str] = [
    "#A63D00", "#004F80", "#006B4F", "#9C3D73", "#8F6000", "#1F2933"]


@dataclass(frozen=True)
class NamedPalette:
    """A set of colours the facilitator can choose (Edit › Preferences)."""

    label: str
    notes: list[tuple[str, str, str]]  # (name, fill, strong hue), as PALETTE
    people: list[str]  # participants' dots and personas' curves, in the order given out


DEFAULT_PALETTE = "colour-blind-safe"
#: Preference key -> palette; the keys are stored in QSettings, so they stay.
PALETTES: dict[str, NamedPalette] = {
    DEFAULT_PALETTE: NamedPalette("Colour-blind safe (Okabe–Ito)", PALETTE, STRONG_COLOURS),
    "high-contrast": NamedPalette("High contrast", HIGH_CONTRAST, HIGH_CONTRAST_STRONG),
}

#: The colour a new note gets in a lane of each kind.
KIND_NOTE_COLOUR: dict[str, str] = {
    LaneKind.TOUCHPOINTS: NOTE_COLOURS[2],
    LaneKind.ACTIONS: NOTE_COLOURS[0],
    LaneKind.THOUGHTS: NOTE_COLOURS[4],
    LaneKind.FEELINGS: NOTE_COLOURS[5],
    LaneKind.PAIN_POINTS: NOTE_COLOURS[1],
    LaneKind.OPPORTUNITIES: NOTE_COLOURS[3],
    LaneKind.CHANNELS: NOTE_COLOURS[2],
    LaneKind.METRICS: NOTE_COLOURS[4],
    LaneKind.BACKSTAGE: NOTE_COLOURS[0],
    LaneKind.QUOTES: NOTE_COLOURS[5],
    LaneKind.EMOTION: NOTE_COLOURS[0],
    LaneKind.CUSTOM: NOTE_COLOURS[0],
}


def note_colour_for_kind(kind: str) -> str:
    return KIND_NOTE_COLOUR.get(kind, DEFAULT_NOTE_COLOUR)


def note_fill(colour: str) -> str:
    """The fill a note's stored colour is drawn with: an old palette fill becomes the
    fill of the same name today (the row keeps what was stored); others as stored."""
    spec = (colour or "").strip().upper()
    return LEGACY_NOTE_COLOURS.get(spec, spec)


def colour_name(hex_colour: str) -> str:
    spec = note_fill(hex_colour)
    for name, fill, strong in PALETTE:
        if spec in (fill, strong):
            return name
    return spec


def curve_colours(stored: list[str]) -> list[str]:
    """The colours a map's curves are drawn with, in order: each its stored colour,
    unless an earlier curve has it (older maps, or chosen so), then a free one. The
    layout and the report both use it, so a curve looks the same everywhere."""
    drawn: list[str] = []
    for colour in stored:
        drawn.append(free_curve_colour(drawn, colour))
    return drawn


def free_curve_colour(taken: list[str], wanted: str | None = None) -> str:
    """A colour no other curve on the map has: `wanted` (the persona's) when free,
    else the first free strong colour; with every one taken, the next in turn."""
    used = {c.upper() for c in taken}
    if wanted and wanted.upper() not in used:
        return wanted
    for c in STRONG_COLOURS:
        if c.upper() not in used:
            return c
    return STRONG_COLOURS[len(taken) % len(STRONG_COLOURS)]
