"""Where everything goes on a poster page, decided once for every renderer.

`plan_poster` turns the user's choices (paper, orientation, margins, scale)
into a `PosterPlan`: the page, the map's scale and offset, the key band under
the map and the footer. The PDF, the PNG, the printer and the tiles all draw
the same plan, so they agree to the point. It also judges legibility: the
smallest text as printed against what can be read at the distance a sheet of
that size is read from (see docs/POSTERS.md for the reasoning).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from journey.errors import WaymarkError
from journey.layout import MapLayout
from journey.queries import MapData

from .pages import MM, describe, orient, parse_page_size
from .poster_parts import Drawing, layout_footer, layout_key

Progress = Callable[[float], bool | None]


class ExportCancelled(WaymarkError):
    """The user cancelled an export; nothing was written."""


@dataclass
class PosterResult:
    path: Path
    page_size: tuple[float, float]  # (w, h) in points
    scale: float  # printed size / layout size
    smallest_text_pt: float  # smallest text as printed, in points
    cut_notes: list[str] = field(default_factory=list)  # ids of notes cut with an ellipsis
    missing_chars: list[str] = field(default_factory=list)  # drawn as □: no font has them
    page_name: str = ""  # e.g. "A0 portrait"
    readable_pt: float = 0.0  # the smallest size readable on this paper
    warnings: list[str] = field(default_factory=list)  # one line each, for the user
    fallback_fonts: list[str] = field(default_factory=list)  # system fonts that filled in
    pixels: tuple[int, int] | None = None  # PNG only
    dpi: int | None = None  # PNG only


# -- scale ---------------------------------------------------------------------------

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def parse_scale(spec: str | float | None) -> float | None:
    """None for "fit"; else printed size / map size: "50%", "50", "1:1", "1:2", 0.5."""
    if spec is None:
        return None
    if isinstance(spec, int | float):
        value = float(spec)
    else:
        text = spec.strip().lower()
        if text in ("", "fit", "fit page", "fit-page", "auto"):
            return None
        if m := _RATIO.match(text):
            a, b = float(m.group(1)), float(m.group(2))
            value = a / b if b else 0.0
        elif m := _PERCENT.match(text):
            value = float(m.group(1)) / 100
        else:
            raise WaymarkError(f"unknown scale {spec!r}: use fit, a percentage such as 50% "
                               f"or a ratio such as 1:1")
    if not 0.01 <= value <= 100:
        raise WaymarkError(f"scale {spec!r} is out of range (1 % to 10000 %)")
    return value


def scale_label(scale: float) -> str:
    return f"{scale * 100:.0f} %" if scale >= 0.1 else f"{scale * 100:.1f} %"


# -- legibility ------------------------------------------------------------------------

#: (longest side up to, in mm; viewing distance in m; how the sheet is read)
VIEWING = ((432, 0.4, "in the hand"), (610, 0.6, "on a table or wall"),
           (float("inf"), 0.8, "on a wall"))
PT_PER_METRE = 15.0  # 6 pt at 40 cm, the same visual angle at any distance


def readable_size(page: tuple[float, float]) -> tuple[float, float, str]:
    """(smallest readable text in pt, viewing distance in m, how it is read) for a paper."""
    long_mm = max(page) / MM
    for limit, distance, how in VIEWING:
        if long_mm <= limit + 0.5:
            return PT_PER_METRE * distance, distance, how
    raise AssertionError("unreachable")


def legibility_warning(smallest_pt: float, page: tuple[float, float]) -> str | None:
    need, distance, how = readable_size(page)
    if smallest_pt + 1e-6 >= need:
        return None
    return (f"the smallest text prints at {smallest_pt:.1f} pt; read {how} from about "
            f"{distance * 100:.0f} cm, text under {need:.0f} pt is hard to read — choose "
            f"a larger paper or fewer stages per poster")


# -- the plan ----------------------------------------------------------------------------

@dataclass
class PosterPlan:
    page: tuple[float, float]  # (w, h) in points
    page_name: str
    scale: float
    ox: float  # the map's (0, 0) on the page, from the top-left corner, in points
    oy: float
    content: tuple[float, float]  # map and key band, in map units
    key: Drawing  # in map units (drawn under the same transform as the map)
    footer: Drawing  # in page points
    smallest_text_pt: float
    readable_pt: float
    warnings: list[str]

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + self.scale * x, self.oy + self.scale * y


def smallest_text(layout: MapLayout) -> float:
    """The smallest text size the layout draws, in layout points."""
    sizes = [line.size for line in layout.text_lines() if line.text]
    sizes += [n.more_votes.size for n in layout.notes if n.more_votes]
    return min(sizes) if sizes else 0.0


def page_of(size: str | tuple[float, float], orientation: str | None, w: float,
            h: float) -> tuple[float, float]:
    base = parse_page_size(size) if isinstance(size, str) else (float(size[0]), float(size[1]))
    if isinstance(size, str) or (orientation or "auto") != "auto":
        return orient(base, orientation, w, h)
    return base


def plan_poster(layout: MapLayout, data: MapData, size: str | tuple[float, float] = "A0",
                orientation: str | None = None, margin_mm: float = 10.0,
                scale: str | float | None = None, voters: dict[str, str] | None = None,
                key: bool = True, footer: bool = True) -> PosterPlan:
    """Lay the poster page out; raises WaymarkError for choices that cannot work."""
    fixed = parse_scale(scale)
    band = layout_key(data, layout, voters) if key else Drawing()
    cw, ch = layout.width, layout.height + band.height
    page = page_of(size, orientation, cw, ch)
    margin = margin_mm * MM
    if margin_mm < 0 or 2 * margin >= min(page) - 1:
        raise WaymarkError(f"margin {margin_mm:g} mm does not fit a {describe(page)} page")
    name = describe(page)
    foot = Drawing()
    reserve = 0.0
    if footer:
        foot = layout_footer(data, page, margin, "")  # measured first: its text needs the scale
        reserve = foot.height - margin + foot.texts[0].line.size * 0.8
    avail_w, avail_h = page[0] - 2 * margin, page[1] - 2 * margin - reserve
    if avail_w <= 1 or avail_h <= 1:
        raise WaymarkError(f"the margins leave no room on a {name} page")
    fit = min(avail_w / cw, avail_h / ch)
    s = fit if fixed is None else fixed
    if fixed is not None and fixed > fit * (1 + 1e-9):
        need = f"{cw * s / MM:.0f} × {ch * s / MM:.0f} mm"
        room = f"{avail_w / MM:.0f} × {avail_h / MM:.0f} mm"
        raise WaymarkError(f"at {scale_label(s)} the poster needs {need}, more than the {room} "
                           f"inside the margins of {name}: use a larger paper, fit the page "
                           f"({scale_label(fit)}), or print it as tiles")
    ox = margin + (avail_w - s * cw) / 2
    oy = margin + (avail_h - s * ch) / 2
    if footer:
        w_mm, h_mm = page[0] / MM, page[1] / MM
        right = f"{name} · {w_mm:.0f} × {h_mm:.0f} mm · scale {scale_label(s)} · Waymark"
        foot = layout_footer(data, page, margin, right)
    sizes = [smallest_text(layout)] + band.text_sizes()
    smallest = min(x for x in sizes if x > 0) * s if any(x > 0 for x in sizes) else 0.0
    if foot.texts:
        smallest = min(smallest, *foot.text_sizes()) if smallest else min(foot.text_sizes())
    readable, _, _ = readable_size(page)
    warnings = [w for w in (legibility_warning(smallest, page),) if w] + band.warnings
    return PosterPlan(page, name, s, ox, oy, (cw, ch), band, foot, smallest, readable, warnings)
