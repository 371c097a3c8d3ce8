"""Sticky-note colours: a colour-blind-safe palette (Okabe–Ito hues, lightened).

The six hues stay distinguishable under deuteranopia and protanopia; the light
tints keep black text readable on a projector. Keys 1–6 pick them in order.
"""

from __future__ import annotations

from .models import LaneKind

#: (name, sticky-note fill, strong hue of the same family) in key order 1–6.
PALETTE: list[tuple[str, str, str]] = [
    ("Yellow", "#F9E79F", "#F0E442"),
    ("Orange", "#F8C471", "#E69F00"),
    ("Sky", "#AED6F1", "#56B4E9"),
    ("Green", "#A3E4C9", "#009E73"),
    ("Blue", "#A9C6E8", "#0072B2"),
    ("Rose", "#F1B9C8", "#CC79A7"),
]

NOTE_COLOURS: list[str] = [fill for _, fill, _ in PALETTE]

#: Curve / participant colours: the strong Okabe–Ito hues.
STRONG_COLOURS: list[str] = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

DEFAULT_NOTE_COLOUR = NOTE_COLOURS[0]

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


def colour_name(hex_colour: str) -> str:
    for name, fill, strong in PALETTE:
        if hex_colour.upper() in (fill, strong):
            return name
    return hex_colour.upper()
