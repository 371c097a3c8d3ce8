"""Dragging an emotion-curve point up and down, snapping to the scale's steps.

`CurveDrag` moves the point and redraws the curve's smooth path live (a
preview `CurveShape` handed to the `CurveItem`); nothing is written until the
editor pushes one `set_curve_point` command with `finish()`'s score. `cancel`
(Esc) shows the curve as it was. The score helpers map between a y in the
emotion lane and a score on the map's scale.
"""

from __future__ import annotations

import math
from dataclasses import replace

from journey.layout import CurvePointBox, CurveShape, ScaleShape, curve_segments

from .curve_item import CurveItem


def y_of(scale: ScaleShape, score: float) -> float:
    lo, hi = scale.scale_min, scale.scale_max
    score = min(hi, max(lo, score))
    return scale.area.y + (hi - score) / (hi - lo) * scale.area.h


def score_at(scale: ScaleShape, y: float, snap: bool = True) -> float:
    """The score at height `y` (clamped to the scale), rounded to a whole step."""
    lo, hi = scale.scale_min, scale.scale_max
    raw = hi - (y - scale.area.y) / scale.area.h * (hi - lo)
    value = float(math.floor(raw + 0.5)) if snap else raw
    return float(min(hi, max(lo, value)))


def step_score(scale: ScaleShape, score: float, steps: int) -> float:
    """The whole step `steps` above (or below) `score`, clamped to the scale."""
    if steps > 0:
        value = math.floor(score + 1e-9) + steps
    else:
        value = math.ceil(score - 1e-9) + steps
    return float(min(scale.scale_max, max(scale.scale_min, value)))


def moved_curve(curve: CurveShape, scale: ScaleShape, point_id: str, score: float
                ) -> CurveShape:
    """The curve with one point at `score`: its dot, its label and the path follow."""
    points: list[CurvePointBox] = []
    for p in curve.points:
        if p.id == point_id:
            y = y_of(scale, score)
            label = p.label
            if label is not None:
                label = replace(label, baseline=label.baseline + (y - p.y))
            p = replace(p, y=y, score=score, label=label)
        points.append(p)
    segments = curve_segments([(p.x, p.y) for p in points], scale.area.y, scale.area.bottom)
    return replace(curve, points=tuple(points), segments=segments)


class CurveDrag:
    """One point of a curve being dragged vertically."""

    def __init__(self, item: CurveItem, point_id: str, scale: ScaleShape, press_y: float
                 ) -> None:
        self.item = item
        self.scale = scale
        self.point_id = point_id
        self.original = item.curve
        self.point = next(p for p in self.original.points if p.id == point_id)
        self.press_y = press_y
        self.score = self.point.score

    def move(self, y: float) -> float:
        """Follow the pointer; returns the snapped score shown."""
        score = score_at(self.scale, self.point.y + (y - self.press_y))
        if score != self.score:
            self.score = score
            self.item.set_curve(moved_curve(self.original, self.scale, self.point_id, score))
        return self.score

    def finish(self) -> float | None:
        """End the drag; the new score, or None when the point ends where it was."""
        self.item.set_curve(self.original)
        return None if self.score == self.point.score else self.score

    def cancel(self) -> None:
        self.item.set_curve(self.original)
