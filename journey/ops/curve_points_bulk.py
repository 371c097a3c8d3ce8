"""Many curve points at once, for importers.

`add_curve_point` reads the curve, the map and every point of the stage for each
point, so an import of n points in one stage costs O(n²). `add_curve_points`
checks the same things once: the curve and its map are read once, the stages
once, and each stage's existing points once; all rows go in with one flush.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session as Db
from sqlmodel import select

from ..errors import InvalidEdit
from ..models import Curve, CurvePoint, JourneyMap, Stage
from ._common import clean_field, get, renumber


@dataclass(frozen=True)
class NewPoint:
    """One point for `add_curve_points`: its stage, its score on the map's scale and
    an optional label; it goes last among the stage's points."""

    stage_id: str
    score: float
    label: str = ""


def add_curve_points(db: Db, curve_id: str, items: Iterable[NewPoint]) -> list[CurvePoint]:
    """Add the points in order, each last in its stage, with `add_curve_point`'s checks
    (the stage is on the curve's map, the score is on the map's scale); the first bad
    one raises before anything is written."""
    curve = get(db, Curve, curve_id)
    jmap = get(db, JourneyMap, curve.map_id)
    stages = {s.id for s in db.exec(select(Stage).where(Stage.map_id == jmap.id))}
    points: list[CurvePoint] = []
    for item in items:
        if item.stage_id not in stages:
            get(db, Stage, item.stage_id)  # NotFound when there is no such stage at all
            raise InvalidEdit("the stage is not on this curve's map")
        if not jmap.scale_min <= item.score <= jmap.scale_max:
            raise InvalidEdit(f"score {item.score:g} is outside the scale "
                              f"{jmap.scale_min}…{jmap.scale_max}")
        points.append(CurvePoint(curve_id=curve_id, stage_id=item.stage_id,
                                 score=float(item.score),
                                 label=clean_field("curve point", "label", item.label)))
    if not points:
        return points
    by_stage: dict[str, list[CurvePoint]] = {}
    for row in db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve_id)):
        by_stage.setdefault(row.stage_id, []).append(row)
    new: dict[str, list[CurvePoint]] = {}
    for point in points:
        new.setdefault(point.stage_id, []).append(point)
    for stage_id, added in new.items():
        old = sorted(by_stage.get(stage_id, []), key=lambda r: (r.position, r.id))
        renumber(old + added)
    db.add_all(points)
    db.flush()
    return points
