"""The poster's furniture around the map: key band (title block, persona card,
legend) and footer, as plain display lists that every renderer draws.

Like the map's layout, these are computed once, without Qt and without
reportlab, and drawn by the PDF poster, the PNG poster and the printer alike.
The key band is laid out in the map's own units right under the map, so it
scales with the map and reads at the same size as the notes; the footer is
page furniture in page points, sized for the paper.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from journey.fonts import ASCENT, metrics
from journey.layout import MapLayout, Rect, TextLine
from journey.models import lane_kind_label
from journey.palette import colour_name
from journey.queries import MapData
from journey.queries import voter_names as voter_names  # re-exported: callers import it here
from journey.text import ELLIPSIS, line_height, wrap
from paint.theme import CURVE_WIDTH, POINT_R, THEME, kind_accent_hex

from .photo_check import PLACEHOLDER_FILL, PLACEHOLDER_STROKE, photo_warning, usable_photo


@dataclass(frozen=True)
class Box:
    rect: Rect
    fill: str | None
    stroke: str | None = None
    width: float = 0.75


@dataclass(frozen=True)
class Seg:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float = 0.75
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    fill: str
    ring: str | None = None  # outline colour
    ring_width: float = 0.8


@dataclass(frozen=True)
class Text:
    line: TextLine
    colour: str


@dataclass
class Drawing:
    """A display list in one coordinate system (points, y down)."""

    boxes: list[Box] = field(default_factory=list)
    segs: list[Seg] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    photo: tuple[Rect, bytes] | None = None
    height: float = 0.0
    warnings: list[str] = field(default_factory=list)  # one line each, for the user

    def text_sizes(self) -> list[float]:
        return [t.line.size for t in self.texts if t.line.text]


# -- text flowing into a box ------------------------------------------------------

class Flow:
    """Paragraphs stacked into a box, wrapped at its width; what does not fit is cut
    with an ellipsis on the last line that fits (and `cut` says so)."""

    def __init__(self, drawing: Drawing, rect: Rect) -> None:
        self.d, self.r = drawing, rect
        self.y = rect.y
        self.cut = False
        self.full = False

    def space(self, gap: float) -> None:
        self.y += gap

    def para(self, text: str, size: float, bold: bool = False, colour: str = "",
             indent: float = 0.0, bullet: str = "") -> bool:
        if self.full or not text.strip():
            return not self.full
        colour = colour or THEME.title_text
        style = "sans-bold" if bold else "sans"
        m = metrics(style)
        width = self.r.w - indent
        lines = wrap(text, max(1.0, width), size, style)
        lh = line_height(size)
        for i, ln in enumerate(lines):
            if self.y + lh > self.r.bottom + 1e-6:
                self._ellipsize(size, style)
                self.full = self.cut = True
                return False
            x = self.r.x + indent
            if bullet and i == 0:
                bw = m.width(bullet, size)
                self.d.texts.append(Text(TextLine(bullet, x - bw - size * 0.3,
                                                  self.y + size * ASCENT, size, bold, bw), colour))
            self.d.texts.append(Text(TextLine(ln, x, self.y + size * ASCENT, size, bold,
                                              m.width(ln, size)), colour))
            self.y += lh
        return True

    def _ellipsize(self, size: float, style: str) -> None:
        if not self.d.texts:
            return
        last = self.d.texts[-1]
        line, m = last.line, metrics("sans-bold" if last.line.bold else "sans")
        limit = self.r.right - line.x - m.width(ELLIPSIS, line.size)
        text = line.text
        while text and m.width(text, line.size) > limit:
            text = text[:-1]
        text = text.rstrip() + ELLIPSIS
        self.d.texts[-1] = Text(TextLine(text, line.x, line.baseline, line.size, line.bold,
                                         m.width(text, line.size)), last.colour)


def _label(d: Drawing, text: str, x: float, y: float, size: float, width: float,
           colour: str = "", bold: bool = False) -> None:
    """One line at (x, top y), cut with an ellipsis to `width`."""
    m = metrics("sans-bold" if bold else "sans")
    if m.width(text, size) > width:
        while text and m.width(text + ELLIPSIS, size) > width:
            text = text[:-1]
        text = text.rstrip() + ELLIPSIS
    d.texts.append(Text(TextLine(text, x, y + size * ASCENT, size, bold, m.width(text, size)),
                        colour or THEME.title_text))


# -- the key band: title block, persona card, legend --------------------------------

TEXT = 10.0  # body text of the key band, in map points (notes are 12)
HEAD = 11.0
ROW = 15.0
PAD = 10.0
COLUMN_W = 170.0
SWATCH_EDGE = "#A0A8B0"


@dataclass(frozen=True)
class LegendItem:
    label: str
    kind: str = ""  # "box", "lane", "dot", "curve", "dash", "" (text only)
    colour: str = ""
    extra: str = ""  # second colour (lane: note fill)


def legend_groups(data: MapData, layout: MapLayout,
                  voters: dict[str, str] | None = None) -> list[tuple[str, list[LegendItem]]]:
    """What the legend explains: only what this map actually shows."""
    groups: list[tuple[str, list[LegendItem]]] = []
    kinds: list[str] = []
    for lane in data.lanes:
        if lane.kind not in kinds:
            kinds.append(lane.kind)
    if kinds:
        from journey.palette import note_colour_for_kind

        groups.append(("Lane kinds", [LegendItem(
            lane_kind_label(k), "lane",
            kind_accent_hex(k), note_colour_for_kind(k)) for k in kinds]))
    colours = Counter(n.colour.upper() for n in layout.notes)
    if colours:
        groups.append(("Note colours", [
            LegendItem(f"{colour_name(c)} · {n} note{'s' if n != 1 else ''}", "box", c)
            for c, n in sorted(colours.items(), key=lambda kv: -kv[1])]))
    if layout.curves:
        items = [LegendItem(c.name or "Emotion curve", "curve", c.colour) for c in layout.curves]
        for s in layout.scales[:1]:
            lo, hi = s.scale_min, s.scale_max
            signed = lo < 0
            fmt = (lambda v: f"{v:+d}".replace("-", "\u2212")) if signed else str
            items.append(LegendItem(f"Scored {fmt(lo)} (worst) … {fmt(hi)} (best)"))
            if signed:
                items.append(LegendItem("0, neutral", "dash", THEME.neutral_line))
        groups.append(("Emotion curve", items))
    dot_colours: list[str] = []
    total = 0
    for votes in data.votes.values():
        total += len(votes)
        for c in votes:
            if c.upper() not in (x.upper() for x in dot_colours):
                dot_colours.append(c)
    if dot_colours:
        order = [c.upper() for c in (voters or {})]  # the session's participant order
        dot_colours.sort(key=lambda c: order.index(c.upper()) if c.upper() in order
                         else len(order))
        names = {k.upper(): v for k, v in (voters or {}).items()}
        items = [LegendItem(names.get(c.upper(), "a participant"), "dot", c) for c in dot_colours]
        items.append(LegendItem(f"{total} vote{'s' if total != 1 else ''}, one dot each"))
        groups.append(("Votes", items))
    tags: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for n in layout.notes:
        for t in (x.strip() for x in n.tags.split(",")):
            if t:
                tags[t.casefold()] += 1
                shown.setdefault(t.casefold(), t)
    if tags:
        groups.append(("Tags", [LegendItem(f"#{shown[k]} · {n}") for k, n in
                                sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))]))
    cut = sum(1 for n in layout.notes if n.truncated)
    if cut:
        groups.append(("Shortened", [LegendItem(
            f"{ELLIPSIS} {cut} note{'s' if cut != 1 else ''} cut to fit; full text in the report")]))
    return groups


def _swatch(d: Drawing, item: LegendItem, x: float, y: float) -> None:
    """A 22 × 11 symbol at (x, y top), as the map draws the thing it stands for."""
    mid = y + ROW / 2 - 1
    if item.kind == "box":
        d.boxes.append(Box(Rect(x + 4, mid - 5.5, 14, 11), item.colour, SWATCH_EDGE, 0.5))
    elif item.kind == "lane":
        d.boxes.append(Box(Rect(x, mid - 5.5, 22, 11), THEME.lane_fill))
        d.boxes.append(Box(Rect(x, mid - 5.5, 3, 11), item.colour))
        d.boxes.append(Box(Rect(x + 8, mid - 4, 10, 8), item.extra, SWATCH_EDGE, 0.5))
    elif item.kind == "dot":
        d.dots.append(Dot(x + 11, mid, 3.2, item.colour, "#FFFFFF"))
    elif item.kind == "curve":
        d.segs.append(Seg(x, mid, x + 22, mid, item.colour, CURVE_WIDTH))
        d.dots.append(Dot(x + 11, mid, POINT_R, "#FFFFFF", item.colour, 2.0))
        d.dots.append(Dot(x + 11, mid, POINT_R - 2.2, item.colour))
    elif item.kind == "dash":
        d.segs.append(Seg(x, mid, x + 22, mid, item.colour, 1.0, (4.0, 3.0)))


def _legend(d: Drawing, groups, rect: Rect) -> bool:
    """Groups flow down columns, column after column, each kept whole where it fits
    a column; False if some did not fit the band."""
    ncols = max(1, int((rect.w + PAD) // (COLUMN_W + PAD)))
    col_w = (rect.w - (ncols - 1) * PAD) / ncols
    col, y = 0, rect.y
    for title, items in groups:
        need = ROW + 2 + len(items) * ROW
        if y > rect.y and y + need > rect.bottom + 1e-6 and need <= rect.h + 1e-6:
            col, y = col + 1, rect.y  # the whole group fits a fresh column
        heading = title
        for item in items:
            if heading is not None or y + ROW > rect.bottom + 1e-6:
                if heading is None or y + 2 * ROW + 2 > rect.bottom + 1e-6:
                    if y > rect.y:
                        col, y = col + 1, rect.y
                    heading = heading or f"{title} (cont.)"
                if col >= ncols:
                    return False
                x = rect.x + col * (col_w + PAD)
                _label(d, heading, x, y + 2, HEAD, col_w, THEME.lane_text, bold=True)
                y += ROW + 2
                heading = None
            x = rect.x + col * (col_w + PAD)
            tx = x + (28 if item.kind else 0)
            if item.kind:
                _swatch(d, item, x, y)
            _label(d, item.label, tx, y + (ROW - TEXT) / 2 - 1, TEXT, col_w - (tx - x),
                   THEME.lane_text)
            y += ROW
    return True


def _workshop(d: Drawing, data: MapData, rect: Rect, voters: dict[str, str] | None) -> bool:
    f = Flow(d, rect)
    f.para("Workshop", HEAD, True, THEME.lane_text)
    f.space(3)
    f.para(data.session.title, 13, True)
    f.para(" · ".join(x for x in (data.map.name, data.session.date) if x), TEXT,
           colour=THEME.subtitle_text)
    if data.session.facilitator:
        f.para(f"Facilitator: {data.session.facilitator}", TEXT, colour=THEME.subtitle_text)
    if data.session.goal:
        f.space(4)
        f.para(f"Goal: {data.session.goal}", TEXT)
    if voters:
        f.space(4)
        f.para("Participants: " + ", ".join(voters.values()), TEXT)
    return not f.cut


def _persona(d: Drawing, persona, rect: Rect) -> bool:
    x = rect.x
    if persona.photo:
        side = min(72.0, rect.h - ROW - 4)
        if side >= 24:
            box = Rect(x, rect.y + ROW + 4, side, side)
            photo = usable_photo(persona.photo)
            if photo is None:
                d.boxes.append(Box(box, PLACEHOLDER_FILL, PLACEHOLDER_STROKE))
                d.warnings.append(photo_warning(persona.name, persona.photo))
            else:
                d.photo = (box, photo)
            x += side + PAD
    f = Flow(d, Rect(rect.x, rect.y, rect.w, ROW + 4))
    f.para("Persona", HEAD, True, THEME.lane_text)
    f = Flow(d, Rect(x, rect.y + ROW + 4, rect.right - x, rect.h - ROW - 4))
    f.para(persona.name, 12, True)
    f.para(persona.role, TEXT, colour=THEME.subtitle_text)
    if persona.quote:
        f.space(3)
        quote = persona.quote.strip().strip('"\u201c\u201d')
        f.para(f"\u201c{quote}\u201d", TEXT, colour=THEME.curve_label)
    for title, body in (("Goals", persona.goals), ("Frustrations", persona.frustrations)):
        items = [ln.strip(" -•*\t") for ln in (body or "").splitlines() if ln.strip(" -•*\t")]
        if items:
            f.space(3)
            f.para(title, TEXT, True, THEME.lane_text)
            for it in items:
                f.para(it, TEXT, indent=9, bullet="•")
    return not f.cut


def layout_key(data: MapData, layout: MapLayout,
               voters: dict[str, str] | None = None) -> Drawing:
    """The key band under the map, in map units: its top is the map's bottom edge."""
    st = layout.style
    x0, width = st.margin, max(1.0, layout.width - 2 * st.margin)
    top = layout.height - st.margin / 2
    groups = legend_groups(data, layout, voters)
    persona = data.persona
    wide = width >= 640
    best = Drawing()
    heights = (120.0, 150.0, 180.0, 210.0, 250.0)
    for h in heights:
        d = Drawing()
        d.segs.append(Seg(x0, top, x0 + width, top, THEME.rule, 0.75))
        y = top + PAD
        ok = True
        if wide:
            shares = [0.22, 0.28, 0.50] if persona else [0.28, 0.0, 0.72]
            xs = x0
            rects = []
            for share in shares:
                w = width * share
                rects.append(Rect(xs, y, max(0.0, w - PAD), h) if share else None)
                xs += w
            ok &= _workshop(d, data, rects[0], voters)
            if persona:
                ok &= _persona(d, persona, rects[1])
            ok &= _legend(d, groups, Rect(rects[2].x + PAD, y, rects[2].w, h))
            for r in rects[1:]:
                if r is not None:
                    d.segs.append(Seg(r.x, y, r.x, y + h, THEME.rule, 0.5))
            d.height = top - layout.height + PAD + h + st.margin
        else:  # a narrow map: the three panels stacked
            ok &= _workshop(d, data, Rect(x0, y, width, h * 0.5), voters)
            y += h * 0.5 + PAD
            if persona:
                ok &= _persona(d, persona, Rect(x0, y, width, h))
                y += h + PAD
            if groups:
                ok &= _legend(d, groups, Rect(x0, y, width, h))
                y += h + PAD
            d.height = y - PAD + st.margin - layout.height
        best = d
        if ok:
            break
    return best


# -- the footer ---------------------------------------------------------------------

def footer_size(page: tuple[float, float]) -> float:
    """Footer text at the smallest readable size for the paper (6 pt handheld … 12 pt)."""
    from .poster_plan import readable_size

    return readable_size(page)[0]


def layout_footer(data: MapData, page: tuple[float, float], margin: float,
                  right_text: str) -> Drawing:
    """One line under a hairline at the foot of the page, in page points."""
    size = footer_size(page)
    d = Drawing()
    pw, ph = page
    base = ph - margin - size * 0.25
    rule_y = base - size * 1.35
    d.segs.append(Seg(margin, rule_y, pw - margin, rule_y, THEME.rule, max(0.5, size / 16)))
    left = " · ".join(x for x in (
        f"{data.session.title} — {data.map.name}",
        f"Persona: {data.persona.name}" if data.persona else "",
        f"Facilitator: {data.session.facilitator}" if data.session.facilitator else "",
        data.session.date) if x)
    m = metrics("sans")
    rw = m.width(right_text, size)
    d.texts.append(Text(TextLine(right_text, pw - margin - rw, base, size, False, rw),
                        THEME.subtitle_text))
    _label(d, left, margin, base - size * ASCENT, size, max(1.0, pw - 2 * margin - rw - 2 * size),
           THEME.subtitle_text)
    d.height = ph - rule_y
    return d
