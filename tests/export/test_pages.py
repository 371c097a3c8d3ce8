"""Page sizes: named and custom specs, orientation, limits and one-line errors."""

from __future__ import annotations

import pytest

from export.pages import MM, PAGE_SIZES, describe, orient, parse_page_size
from journey.errors import WaymarkError


@pytest.mark.parametrize("spec, expected", [
    ("A0", (2383.94, 3370.39)),
    ("a0", (2383.94, 3370.39)),
    ("A1", (1683.78, 2383.94)),
    ("A2", (1190.55, 1683.78)),
    ("A3", (841.89, 1190.55)),
    ("A4", (595.28, 841.89)),
    ("A5", (419.53, 595.28)),
    ("Letter", (612, 792)),
    ("letter", (612, 792)),
    ("Legal", (612, 1008)),
    ("Tabloid", (792, 1224)),
    ("ARCH C", (1296, 1728)),
    ("ARCH D", (1728, 2592)),
    ("ARCH-D", (1728, 2592)),
    ("archd", (1728, 2592)),
    ("Arch_E", (2592, 3456)),
    ("  a3  ", (841.89, 1190.55)),
])
def test_named_sizes(spec: str, expected: tuple[float, float]) -> None:
    w, h = parse_page_size(spec)
    assert w == pytest.approx(expected[0], abs=0.01)
    assert h == pytest.approx(expected[1], abs=0.01)
    assert w <= h


@pytest.mark.parametrize("spec, expected_mm", [
    ("600x900mm", (600, 900)),
    ("600 x 900 mm", (600, 900)),
    ("600X900MM", (600, 900)),
    ("600×900mm", (600, 900)),
    ("1200x600mm", (1200, 600)),  # custom sizes keep the order given
    ("420.5x594.25mm", (420.5, 594.25)),
    ("24x36in", (24 * 25.4, 36 * 25.4)),
    ("24 x 36 in", (24 * 25.4, 36 * 25.4)),
    ("8.5x11in", (8.5 * 25.4, 11 * 25.4)),
    ("60x90cm", (600, 900)),
    ("50x50mm", (50, 50)),
    ("5080x5080mm", (5080, 5080)),
    ("200x200in", (5080, 5080)),
])
def test_custom_sizes(spec: str, expected_mm: tuple[float, float]) -> None:
    w, h = parse_page_size(spec)
    assert w / MM == pytest.approx(expected_mm[0], abs=1e-6)
    assert h / MM == pytest.approx(expected_mm[1], abs=1e-6)


@pytest.mark.parametrize("spec, fragment", [
    ("", "unknown page size"),
    ("A6", "unknown page size"),
    ("B2", "unknown page size"),
    ("poster", "unknown page size"),
    ("600x900", "unknown page size"),  # a unit is required
    ("600x900furlongs", "unknown page size"),
    ("-600x900mm", "unknown page size"),
    ("600 by 900 mm", "unknown page size"),
    ("49x100mm", "too small"),
    ("0x0mm", "too small"),
    ("5081x100mm", "too large"),
    ("201x10in", "too large"),
])
def test_bad_specs_raise_one_line(spec: str, fragment: str) -> None:
    with pytest.raises(WaymarkError) as err:
        parse_page_size(spec)
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message
    if fragment == "unknown page size":
        for accepted in ("A0", "Letter", "Tabloid", "ARCH", "mm", "in"):
            assert accepted in message


def test_every_named_size_parses_to_itself() -> None:
    for name, size in PAGE_SIZES.items():
        assert parse_page_size(name) == size
        assert describe(size) == f"{name} portrait"
        assert describe((size[1], size[0])) == f"{name} landscape"


def test_orient() -> None:
    a0 = parse_page_size("A0")
    landscape = (a0[1], a0[0])
    assert orient(a0, "portrait", 10, 1) == a0
    assert orient(a0, "landscape", 1, 10) == landscape
    assert orient(landscape, "Portrait", 1, 1) == a0
    assert orient(a0, None, 1500, 1000) == landscape  # auto follows the map's aspect
    assert orient(a0, "auto", 1000, 1500) == a0
    assert orient(parse_page_size("900x600mm"), None, 10, 20)[0] < orient(
        parse_page_size("900x600mm"), None, 20, 10)[0]
    with pytest.raises(WaymarkError, match="orientation"):
        orient(a0, "sideways", 1, 1)
