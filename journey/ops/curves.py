"""Emotion curve operations: curves per persona, points per stage, the scale."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session as Db
from sqlmodel import select

from ..errors import InvalidEdit
from ..models import Curve, CurvePoint, JourneyMap, Persona, Stage
from ..palette import free_curve_colour
from ._common import clean_field, get, ordered, place, renumber, snapshot

#: The scales a map can use, as (min, max).
SCALES: tuple[tuple[int, int], ...] = ((-2, 2), (-3, 3), (1, 5), (1, 10))


def add_curve(db: Db, map_id: str, persona_id: str | None = None, name: str = "",
              colour: str | None = None, curve_id: str | None = None) -> Curve:
    get(db, JourneyMap, map_id)
    name = clean_field("curve", "name", name)
    existing = ordered(db, Curve, map_id=map_id)
    if persona_id is not None:
        persona = get(db, Persona, persona_id)
        if any(c.persona_id == persona_id for c in existing):
            raise InvalidEdit(f"{persona.name} already has a curve on this map")
        name = name or persona.name
    if not colour:
        colour = free_curve_colour([c.colour for c in existing],
                                   persona.colour if persona_id is not None else None)
    curve = Curve(map_id=map_id, persona_id=persona_id, name=name or "Emotion",
                  colour=colour)
    if curve_id:
        curve.id = curve_id
    place(existing, curve, None)
    db.add(curve)
    db.flush()
    return curve


def _check_score(db: Db, curve: Curve, score: float) -> float:
    jmap = get(db, JourneyMap, curve.map_id)
    if not jmap.scale_min <= score <= jmap.scale_max:
        raise InvalidEdit(f"score {score:g} is outside the scale {jmap.scale_min}…{jmap.scale_max}")
    return float(score)


def add_curve_point(db: Db, curve_id: str, stage_id: str, score: float, label: str = "",
                    index: int | None = None, point_id: str | None = None) -> CurvePoint:
    curve = get(db, Curve, curve_id)
    stage = get(db, Stage, stage_id)
    if stage.map_id != curve.map_id:
        raise InvalidEdit("the stage is not on this curve's map")
    point = CurvePoint(curve_id=curve_id, stage_id=stage_id,
                       score=_check_score(db, curve, score),
                       label=clean_field("curve point", "label", label))
    if point_id:
        point.id = point_id
    place(ordered(db, CurvePoint, curve_id=curve_id, stage_id=stage_id), point, index)
    db.add(point)
    db.flush()
    return point


def set_curve_point(db: Db, point_id: str, score: float | None = None,
                    label: str | None = None) -> dict[str, Any]:
    """Change a point's score and/or label; returns the old values."""
    point = get(db, CurvePoint, point_id)
    curve = get(db, Curve, point.curve_id)
    old: dict[str, Any] = {}
    if score is not None:
        old["score"] = point.score
        point.score = _check_score(db, curve, score)
    if label is not None:
        old["label"] = point.label
        point.label = clean_field("curve point", "label", label)
    db.add(point)
    return old


def set_stage_score(db: Db, curve_id: str, stage_id: str, score: float,
                    label: str | None = None) -> CurvePoint:
    """Set the curve's (first) point in a stage, creating it when there is none."""
    points = ordered(db, CurvePoint, curve_id=curve_id, stage_id=stage_id)
    if points:
        set_curve_point(db, points[0].id, score=score, label=label)
        return points[0]
    return add_curve_point(db, curve_id, stage_id, score, label or "")


def delete_curve_point(db: Db, point_id: str) -> list[tuple[str, dict[str, Any]]]:
    point = get(db, CurvePoint, point_id)
    snap = [snapshot(point)]
    db.delete(point)
    db.flush()
    renumber(ordered(db, CurvePoint, curve_id=point.curve_id, stage_id=point.stage_id))
    return snap


def delete_curve(db: Db, curve_id: str) -> list[tuple[str, dict[str, Any]]]:
    curve = get(db, Curve, curve_id)
    snap = [snapshot(curve)]
    for point in list(db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve_id))):
        snap.append(snapshot(point))
        db.delete(point)
    db.delete(curve)
    db.flush()
    renumber(ordered(db, Curve, map_id=curve.map_id))
    return snap


def set_map_scale(db: Db, map_id: str, scale_min: int, scale_max: int) -> tuple[int, int]:
    """Change the map's scale; existing scores are mapped linearly onto the new one."""
    if (scale_min, scale_max) not in SCALES:
        raise InvalidEdit(
            "scale must be one of " + ", ".join(f"{a}…{b}" for a, b in SCALES))
    jmap = get(db, JourneyMap, map_id)
    old = (jmap.scale_min, jmap.scale_max)
    if old == (scale_min, scale_max):
        return old
    curves = ordered(db, Curve, map_id=map_id)
    for curve in curves:
        for point in db.exec(select(CurvePoint).where(CurvePoint.curve_id == curve.id)):
            t = (point.score - old[0]) / (old[1] - old[0])
            point.score = round(scale_min + t * (scale_max - scale_min), 6)
            db.add(point)
    jmap.scale_min, jmap.scale_max = scale_min, scale_max
    db.add(jmap)
    return old
