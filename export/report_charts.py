"""The report's figures as platypus Flowables, drawn as vector on the page.

- `MapFigure`: the whole map, drawn by the poster's `MapPainter` from the same
  `journey.layout` layout (one layout, many renderers), scaled to fit.
- `CurveChart`: emotion curves over the stages, with the map's scale.
- `MatrixChart`: the impact/effort matrix of the action plan.

Text is set run by run in the bundled face `journey.fonts` picks for each
character, so Chinese stage names render in the report as on the poster.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reportlab.platypus import Flowable

from journey.fonts import metrics
from journey.layout import MapLayout
from journey.text import wrap

from .pdf_shaping import draw_line, pdf_line
from .poster_pdf import MapPainter

INK = "#1F2328"
MUTED = "#5B6573"
GRID = "#D5DBE1"
NAVY = "#2E4A62"
PAIN = "#D55E00"
OPPORTUNITY = "#009E73"


def text_width(text: str, size: float, bold: bool = False) -> float:
    return metrics("sans-bold" if bold else "sans").width(text, size)


def draw_text(c, x: float, y: float, text: str, size: float, bold: bool = False,
              anchor: str = "start", colour: str | None = None) -> float:
    """One line at baseline y, face by face; anchor start/middle/end. Returns its width."""
    width = text_width(text, size, bold)
    if anchor == "middle":
        x -= width / 2
    elif anchor == "end":
        x -= width
    t = c.beginText()
    if colour:
        t.setFillColor(colour)
    draw_line(t, pdf_line(text, bold), x, y, size)  # shaped, in visual order
    c.drawText(t)
    return width


def fit_line(text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` cut with an ellipsis to fit `width`."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrapped(text: str, width: float, size: float, max_lines: int) -> list[str]:
    lines = wrap(" ".join(text.split()), width, size)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit_line(lines[-1] + " …", width, size)
    return lines


class MapFigure(Flowable):
    """The map's layout scaled to the available box (never above 100 %)."""

    def __init__(self, layout: MapLayout, max_scale: float = 1.0) -> None:
        super().__init__()
        self.layout = layout
        self.max_scale = max_scale
        self.scale = 1.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.scale = min(self.max_scale, aw / self.layout.width, ah / self.layout.height)
        self.width = aw  # centred in the frame
        self.height = self.layout.height * self.scale
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        w = self.layout.width * self.scale
        c.saveState()
        c.translate((self.width - w) / 2, 0)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        c.rect(0, 0, w, self.height, stroke=1, fill=0)
        # MapPainter draws layout (x, y) at canvas (x, -y): put the origin top-left.
        c.translate(0, self.height)
        c.scale(self.scale, self.scale)
        MapPainter(c, self.layout).draw()
        c.restoreState()


@dataclass
class Series:
    name: str
    colour: str
    #: (stage index, x within the stage 0..1, score, label)
    points: list[tuple[int, float, float, str]] = field(default_factory=list)
    dashed: bool = False


class CurveChart(Flowable):
    """Scores over stages: a column per stage, the scale's ticks, one line per series."""

    def __init__(self, stages: list[str], series: list[Series], lo: int, hi: int,
                 height: float = 200, legend: bool = True) -> None:
        super().__init__()
        self.stages, self.series, self.lo, self.hi = stages, series, lo, hi
        self.height = height
        self.legend = legend and len(series) > 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        left, bottom, top = 30.0, 30.0, 22.0 if self.legend else 8.0
        plot_w = self.width - left - 4
        plot_h = self.height - bottom - top
        n = max(1, len(self.stages))
        col = plot_w / n
        lo, hi = self.lo, self.hi

        def y_of(score: float) -> float:
            score = min(hi, max(lo, score))
            return bottom + (score - lo) / (hi - lo) * plot_h

        c.saveState()
        c.setFillColor("#F6F8FA")
        c.rect(left, bottom, plot_w, plot_h, stroke=0, fill=1)
        c.setLineWidth(0.4)
        c.setStrokeColor(GRID)
        for v in range(lo, hi + 1):
            y = y_of(v)
            c.line(left, y, left + plot_w, y)
            label = f"{v:+d}" if lo < 0 and v else str(v)
            draw_text(c, left - 4, y - 2.5, label.replace("-", "−"), 7, anchor="end",
                      colour=MUTED)
        for i in range(1, n):
            c.line(left + i * col, bottom, left + i * col, bottom + plot_h)
        if lo < 0 < hi:
            c.setStrokeColor("#8E99A6")
            c.setDash(3, 2)
            c.line(left, y_of(0), left + plot_w, y_of(0))
            c.setDash()
        for i, name in enumerate(self.stages):
            for k, line in enumerate(wrapped(name, col - 6, 7.5, 2)):
                draw_text(c, left + (i + 0.5) * col, bottom - 11 - k * 9, line, 7.5,
                          bold=True, anchor="middle", colour=INK)
        label_size = 6.5
        for s in self.series:
            pts = [(left + (si + fx) * col, y_of(score), score, label)
                   for si, fx, score, label in s.points]
            c.setStrokeColor(s.colour)
            c.setFillColor(s.colour)
            c.setLineWidth(1.8)
            c.setLineJoin(1)
            if s.dashed:
                c.setDash(4, 2.5)
            if len(pts) > 1:
                path = c.beginPath()
                path.moveTo(pts[0][0], pts[0][1])
                for x, y, _, _ in pts[1:]:
                    path.lineTo(x, y)
                c.drawPath(path, stroke=1, fill=0)
            c.setDash()
            c.setStrokeColor("#FFFFFF")
            c.setLineWidth(0.8)
            for x, y, _, _ in pts:
                c.circle(x, y, 3.2, stroke=1, fill=1)
            per_stage = max((sum(1 for p in s.points if p[0] == si) for si in range(n)),
                            default=1)
            for k, (x, y, score, label) in enumerate(pts):
                if not label:
                    continue
                text = fit_line(label, col / max(1, per_stage) - 4, label_size)
                # Below a dip, above a peak, so the label stays clear of the line.
                near = [pts[j][2] for j in (k - 1, k + 1) if 0 <= j < len(pts)]
                below = bool(near) and score < sum(near) / len(near)
                if below and y - 10 - label_size < bottom:
                    below = False
                if not below and y + 12 > bottom + plot_h:
                    below = True
                ty = y - 7 - label_size if below else y + 6
                tw = text_width(text, label_size)
                c.setFillColor("#FFFFFF")
                c.rect(x - tw / 2 - 1.5, ty - 1.8, tw + 3, label_size + 2.2, stroke=0, fill=1)
                draw_text(c, x, ty, text, label_size, anchor="middle", colour=INK)
        if self.legend:
            x = left
            for s in self.series:
                c.setStrokeColor(s.colour)
                c.setLineWidth(1.8)
                if s.dashed:
                    c.setDash(4, 2.5)
                c.line(x, self.height - 8, x + 14, self.height - 8)
                c.setDash()
                x += 18 + draw_text(c, x + 18, self.height - 10.5, s.name, 7.5, colour=INK) + 10
        c.restoreState()


@dataclass
class MatrixPoint:
    number: int
    impact: int
    effort: int
    pain: bool


class MatrixChart(Flowable):
    """Impact (up) against effort (right), 1–5 each, with the four usual quadrants;
    items are numbered circles matching the action plan's # column."""

    QUADRANTS = (("Quick wins", 0, 1), ("Big bets", 1, 1), ("Fill-ins", 0, 0),
                 ("Money pits", 1, 0))

    def __init__(self, points: list[MatrixPoint], size: float = 300) -> None:
        super().__init__()
        self.points = points
        self.size = size

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = self.size + 40
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        side = self.size
        x0 = (self.width - side) / 2
        y0 = 30.0
        cell = side / 5
        c.saveState()
        shades = {(0, 1): "#E3F4EC", (1, 1): "#EEF2F7", (0, 0): "#F6F8FA", (1, 0): "#FBEDE4"}
        half = side / 2
        for (qx, qy), colour in shades.items():
            c.setFillColor(colour)
            c.rect(x0 + qx * half, y0 + qy * half, half, half, stroke=0, fill=1)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        for i in range(6):
            c.line(x0 + i * cell, y0, x0 + i * cell, y0 + side)
            c.line(x0, y0 + i * cell, x0 + side, y0 + i * cell)
        c.setStrokeColor(MUTED)
        c.setLineWidth(1)
        c.line(x0 + half, y0, x0 + half, y0 + side)
        c.line(x0, y0 + half, x0 + side, y0 + half)
        for i in range(5):
            draw_text(c, x0 + (i + 0.5) * cell, y0 - 10, str(i + 1), 7, anchor="middle",
                      colour=MUTED)
            draw_text(c, x0 - 6, y0 + (i + 0.5) * cell - 2.5, str(i + 1), 7, anchor="end",
                      colour=MUTED)
        for name, qx, qy in self.QUADRANTS:  # in the outer corner of each quadrant
            tx = x0 + 4 if qx == 0 else x0 + side - 4
            ty = y0 + side - 12 if qy else y0 + 5
            tw = text_width(name, 8, True)
            c.setFillColor("#FFFFFF")
            c.rect(tx - 2 if qx == 0 else tx - tw - 2, ty - 2.5, tw + 4, 11, stroke=0, fill=1)
            draw_text(c, tx, ty, name, 8, bold=True, anchor="start" if qx == 0 else "end",
                      colour=MUTED)
        draw_text(c, x0 + half, y0 - 22, "Effort →", 8, bold=True, anchor="middle", colour=INK)
        c.saveState()
        c.translate(x0 - 18, y0 + half)
        c.rotate(90)
        draw_text(c, 0, 0, "Impact →", 8, bold=True, anchor="middle", colour=INK)
        c.restoreState()
        cells: dict[tuple[int, int], list[MatrixPoint]] = {}
        for p in self.points:
            cells.setdefault((p.effort, p.impact), []).append(p)
        for (effort, impact), pts in cells.items():
            cx = x0 + (effort - 0.5) * cell
            cy = y0 + (impact - 0.5) * cell
            per_row = max(1, math.ceil(math.sqrt(len(pts))))
            rows = (len(pts) + per_row - 1) // per_row
            r = min(7.5, (cell - 6) / max(per_row, rows) / 2 - 1)
            for k, p in enumerate(pts):
                row, colm = divmod(k, per_row)
                in_row = min(per_row, len(pts) - row * per_row)
                x = cx + (colm - (in_row - 1) / 2) * (2 * r + 2)
                y = cy - (row - (rows - 1) / 2) * (2 * r + 2)
                c.setFillColor(PAIN if p.pain else OPPORTUNITY)
                c.setStrokeColor("#FFFFFF")
                c.setLineWidth(0.8)
                c.circle(x, y, r, stroke=1, fill=1)
                label = str(p.number)
                size = r * (0.95 if len(label) < 3 else 0.72)
                draw_text(c, x, y - size * 0.36, label, size, bold=True, anchor="middle",
                          colour="#FFFFFF")
        lx = x0 + side + 12
        for k, (name, colour) in enumerate((("Pain point", PAIN), ("Opportunity", OPPORTUNITY))):
            y = y0 + side - 10 - k * 14
            c.setFillColor(colour)
            c.circle(lx + 4, y + 2.5, 4, stroke=0, fill=1)
            draw_text(c, lx + 12, y, name, 7.5, colour=INK)
        c.restoreState()
