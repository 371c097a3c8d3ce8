"""Curves, scales and the legend of the emotion lanes: score ticks, smooth paths
through the points, point labels that never sit on one another, and the curve
names stacked under the emotion lane's header.
"""

from __future__ import annotations

from .fonts import ASCENT, metrics
from .layout_notes import paragraph_lines
from .layout_shapes import (
    CurvePointBox,
    CurveShape,
    HeaderBox,
    LegendEntry,
    Rect,
    ScaleShape,
    ScaleTick,
    Style,
    TextLine,
)
from .models import LaneKind
from .palette import curve_colours
from .queries import MapData
from .text import fit_text, line_height


def _smooth(points: list[tuple[float, float]], top: float, bottom: float):
    """Catmull–Rom through the points as Béziers, control points kept inside the lane."""
    segs = []
    n = len(points)
    for i in range(n - 1):
        p0 = points[i - 1] if i > 0 else points[i]
        p1, p2 = points[i], points[i + 1]
        p3 = points[i + 2] if i + 2 < n else p2
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        c1 = (c1[0], min(bottom, max(top, c1[1])))
        c2 = (c2[0], min(bottom, max(top, c2[1])))
        segs.append((p1, c1, c2, p2))
    return tuple(segs)


def curve_segments(points: list[tuple[float, float]], top: float, bottom: float
                   ) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The smooth path through points inside [top, bottom] (for live drag previews)."""
    return _smooth(points, top, bottom)


def label_rect(line: TextLine) -> Rect:
    """The room a curve point's label takes, so no other label is set on it."""
    return Rect(line.x - 1, line.baseline - line.size * ASCENT - 1, line.width + 2,
                line.size * 1.2 + 2)


def _free_label_baseline(placed: list[Rect], x: float, w: float, py: float, area: Rect,
                         st: Style) -> float:
    """Above the point if free, else below, else further out: never on another label."""
    size = st.curve_label_size
    candidates = [py - 8, py + 8 + size, py - 8 - 1.3 * size, py + 8 + 2.3 * size,
                  py - 8 - 2.6 * size, py + 8 + 3.6 * size]
    top, bottom = area.y - 14, area.bottom + 18
    for baseline in candidates:
        probe = label_rect(TextLine("", x, baseline, size, False, w))
        if probe.y < top or probe.bottom > bottom:
            continue
        if not any(probe.intersects(r) for r in placed):
            return baseline
    return candidates[0] if py - 9 >= top else candidates[1]


def scales_and_curves(data: MapData, stage_rects: dict[str, Rect], lane_rects: dict[str, Rect],
                      x0: float, right: float, st: Style
                      ) -> tuple[list[ScaleShape], list[CurveShape]]:
    """The score scale of each open emotion lane, and every curve drawn in the first."""
    scales: list[ScaleShape] = []
    curves: list[CurveShape] = []
    lo, hi = data.map.scale_min, data.map.scale_max
    emotion = [lane for lane in data.lanes if lane.kind == LaneKind.EMOTION and not lane.collapsed]
    for lane in emotion:
        lrect = lane_rects[lane.id]
        area = Rect(x0, lrect.y + 22, right - x0, st.emotion_lane_h - 44)
        ticks = []
        for v in range(lo, hi + 1):
            ty = area.y + (hi - v) / (hi - lo) * area.h
            label = (f"{v:+d}" if lo < 0 and v else str(v)).replace("-", "\u2212")
            w = metrics("sans").width(label, st.scale_size)
            ticks.append(ScaleTick(v, ty, TextLine(label, x0 - 6 - w, ty + st.scale_size * 0.35,
                                                   st.scale_size, False, w)))
        neutral = area.y + hi / (hi - lo) * area.h if lo < 0 < hi else None
        scales.append(ScaleShape(lane.id, area, lo, hi, tuple(ticks), neutral))
    if emotion:
        area = scales[0].area
        placed: list[Rect] = []  # labels already set, so curves' labels don't collide
        colours = curve_colours([cd.curve.colour for cd in data.curves])
        for cd, colour in zip(data.curves, colours, strict=True):
            per_stage: dict[str, list] = {}
            for p in cd.points:
                per_stage.setdefault(p.stage_id, []).append(p)
            boxes = []
            for stage in data.stages:
                pts = per_stage.get(stage.id, [])
                srect = stage_rects[stage.id]
                for k, p in enumerate(pts):
                    px = srect.x + (k + 1) / (len(pts) + 1) * srect.w
                    score = min(hi, max(lo, p.score))
                    py = area.y + (hi - score) / (hi - lo) * area.h
                    label = None
                    if p.label:
                        lw = srect.w / len(pts) - 8
                        fitted = fit_text(p.label, lw, line_height(st.curve_label_size),
                                          st.curve_label_size, st.curve_label_size)
                        if fitted.lines:
                            t = fitted.lines[0]
                            tw = metrics("sans").width(t, st.curve_label_size)
                            by = _free_label_baseline(placed, px - tw / 2, tw, py, area, st)
                            label = TextLine(t, px - tw / 2, by, st.curve_label_size, False, tw)
                            placed.append(label_rect(label))
                    boxes.append(CurvePointBox(p.id, stage.id, px, py, p.score, label))
            segs = _smooth([(b.x, b.y) for b in boxes], area.y, area.bottom)
            curves.append(CurveShape(cd.curve.id, cd.curve.name, colour, tuple(boxes), segs))
    return scales, curves


def curve_legend(curves: list[CurveShape], header: HeaderBox, scale: ScaleShape,
                 st: Style) -> list[LegendEntry]:
    """Curve names with their colours, stacked under the emotion lane's name.

    They keep left of the score labels (which sit at the header's right) and
    stop where the header ends, so nothing overlaps."""
    r = header.rect
    size = st.curve_label_size
    left = r.x + st.header_pad
    text_x = left + 16
    label_left = min((t.label.x for t in scale.ticks), default=r.right)
    width = label_left - 6 - text_x
    y = (header.lines[-1].baseline + size * 1.2) if header.lines else r.y + st.header_pad
    out: list[LegendEntry] = []
    for curve in curves:
        fitted = fit_text(curve.name or "Curve", max(20.0, width), 2 * line_height(size),
                          size, 6.5)
        lines = paragraph_lines(fitted.lines, text_x, y, width, fitted.size, align="left",
                       widths=fitted.widths)  # beside its swatch
        height = len(lines) * line_height(fitted.size)
        if not lines or y + height > r.bottom - 4:
            break
        mid = lines[0].baseline - fitted.size * 0.32
        out.append(LegendEntry(curve.id, curve.colour, ((left, mid), (left + 12, mid)), lines))
        y += height + 3
    return out
