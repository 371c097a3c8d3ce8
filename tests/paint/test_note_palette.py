"""Every pair of note colours is told apart, also by colour-deficient eyes, and the
note ink stays readable on each.

Thresholds (CIEDE2000, ΔE00):

- ΔE00 ≈ 1 is a just-noticeable difference for two large patches side by side
  (Sharma, Wu & Dalal 2005; CIE 142-2001), and 2–5 is the range print and
  paint tolerances live in: visible when compared, not when *named*. In a
  workshop the notes are told apart at a glance, across a room, on a projector
  that washes out saturation, and often not side by side: Stone, Szafir & Setlur
  (2014, "An engineering model for color difference as a function of size") and
  Szafir (2018, "Modeling color difference for visualization design") show the
  difference people need grows several-fold as marks get small and are compared
  apart. Categorical palette guidance in that literature asks for roughly 10–20;
  the floor here is the top of that range, ΔE00 ≥ 20, for normal vision.
- Under protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes
  2009, severity 1.0 — full dichromacy, the worst case; anomalous trichromats see
  more) six light tints cannot all stay 20 apart: a dichromat's world has two
  hue axes fewer. The floor there is ΔE00 ≥ 10 — still twice the "clearly
  different side by side" mark of 5, so neighbours in a cell never look alike —
  because colour is a secondary cue for them: a note's text, its lane and its
  tags carry the meaning, and the filter bar names colours.
- Text: WCAG 2.x contrast ≥ 4.5:1 (success criterion 1.4.3, normal-size text)
  for the theme's note ink and the projector theme's ink on every fill.

The high-contrast palette (`journey.palette.HIGH_CONTRAST`) is held to the text
floor only: its fills are not ΔE00-separated to these floors (Sky and Blue are
10.6 apart in normal vision, 3.1 under deuteranopia), so only what holds is checked.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from journey import ops
from journey.layout import layout_map
from journey.palette import (
    HIGH_CONTRAST,
    LEGACY_NOTE_COLOURS,
    NOTE_COLOURS,
    PALETTE,
    colour_name,
    note_fill,
)
from journey.queries import find_map, load_map
from paint.theme import PROJECTOR_THEME, THEME

from ..colour_science import ciede2000, contrast_ratio, delta_e, hex_rgb, rgb_lab, simulate

NORMAL_FLOOR = 20.0
CVD_FLOOR = 10.0
TEXT_CONTRAST = 4.5
VISIONS = {"normal": NORMAL_FLOOR, "protanopia": CVD_FLOOR, "deuteranopia": CVD_FLOOR,
           "tritanopia": CVD_FLOOR}

#: Sharma, Wu & Dalal (2005), Table 1: (L1, a1, b1, L2, a2, b2, ΔE00), all 34 pairs.
SHARMA_PAIRS = [
    (50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425),
    (50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615),
    (50.0, 2.8361, -74.0200, 50.0, 0.0, -82.7485, 3.4412),
    (50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669),
    (50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0010, 7.1792),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195),
    (50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045),
    (50.0, -0.001, 2.49, 50.0, 0.0010, -2.49, 4.8045),
    (50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461),
    (50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065),
    (50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492),
    (50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977),
    (50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.9030),
    (50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535),
    (50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("pair", SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_data(pair) -> None:
    l1, l2, expected = pair[:3], pair[3:6], pair[6]
    assert ciede2000(l1, l2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(l2, l1) == pytest.approx(expected, abs=1e-4)  # symmetric


def test_colour_conversions_and_simulation_are_sane() -> None:
    assert rgb_lab(hex_rgb("#FFFFFF")) == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert rgb_lab(hex_rgb("#000000")) == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    # Machado's rows sum to ~1: greys are fixed points in every simulation.
    for kind in VISIONS:
        assert simulate((0.5, 0.5, 0.5), kind) == pytest.approx((0.5, 0.5, 0.5), abs=2e-3)
    # Red and green, the classic confusion, collapse for a deuteranope.
    assert delta_e("#D62728", "#2CA02C") > 60
    assert delta_e("#D62728", "#2CA02C", "deuteranopia") < 20
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)


@pytest.mark.parametrize("vision", list(VISIONS))
def test_every_pair_of_note_colours_is_told_apart(vision: str) -> None:
    floor = VISIONS[vision]
    close = [(a, b, round(delta_e(fa, fb, vision), 1))
             for (a, fa, _), (b, fb, _) in combinations(PALETTE, 2)
             if delta_e(fa, fb, vision) < floor]
    assert not close, f"under {vision} these note colours are closer than ΔE00 {floor}: {close}"


@pytest.mark.parametrize("palette", [PALETTE, HIGH_CONTRAST], ids=["default", "high-contrast"])
@pytest.mark.parametrize("ink", [THEME.note_text, PROJECTOR_THEME.note_text])
def test_note_text_is_readable_on_every_colour(ink: str, palette) -> None:
    low = [(name, round(contrast_ratio(fill, ink), 2)) for name, fill, _ in palette
           if contrast_ratio(fill, ink) < TEXT_CONTRAST]
    assert not low


def test_old_sessions_draw_their_notes_in_the_colour_of_the_same_name(demo) -> None:
    """Notes store a hex; one stored with a fill of the first palette is still drawn,
    named and filtered as that colour, in today's tint."""
    library, session = demo
    old_names = ["Yellow", "Orange", "Sky", "Green", "Blue", "Rose"]
    assert list(LEGACY_NOTE_COLOURS.values()) == NOTE_COLOURS
    jmap = library.read(find_map, session.id, None)
    data = library.read(load_map, jmap.id)
    note = data.all_notes()[0]
    for name, (old, new) in zip(old_names, LEGACY_NOTE_COLOURS.items(), strict=True):
        library.run(ops.edit_note, note.id, colour=old)
        data = library.read(load_map, jmap.id)
        stored = next(n for n in data.all_notes() if n.id == note.id)
        assert stored.colour == old  # the row keeps what was written
        assert layout_map(data).note_by_id[note.id].colour == new
        assert colour_name(old) == name == colour_name(new)
        assert note_fill(old.lower()) == new
    assert note_fill("#123456") == "#123456"  # a custom colour is drawn as stored
