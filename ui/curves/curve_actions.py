"""The emotion curve part of the structure editor: curves, points, labels, the scale.

A mixin of `ui.structure.structure_actions.StructureEditor` (which provides `doc`, `scene`,
`push`, `select`, `editor`, `current_stage` …). Every change is one command;
a point added to a map without a curve creates the curve (and an emotion lane
when there is none) in the same command, so one undo takes it all back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt

from canvas.curve_drag import score_at, step_score
from canvas.curve_item import CurvePointItem
from journey import ops
from journey.models import LaneKind, new_id

from ..commands import map_commands as cmd


class CurveEditing:
    """Curve operations of the structure editor."""

    _curve_id: str | None = None  # the curve new points go to
    doc: Any
    scene: Any
    editor: Any

    def current_curve(self) -> str | None:
        """The curve new points go to: the selected point's, the last used, the map's."""
        if self.doc is None:
            return None
        curves = self.doc.data.curves
        points = self._selected(CurvePointItem)
        if points and points[0].curve_id:
            return points[0].curve_id
        if any(cd.curve.id == self._curve_id for cd in curves):
            return self._curve_id
        persona = self.doc.data.map.persona_id
        mine = [cd.curve.id for cd in curves if persona and cd.curve.persona_id == persona]
        return (mine or [cd.curve.id for cd in curves] or [None])[0]

    def set_current_curve(self, curve_id: str | None) -> None:
        self._curve_id = curve_id
        cd = next((c for c in self.doc.data.curves if c.curve.id == curve_id), None) \
            if self.doc else None
        if cd:
            self.status(f"New points go to the curve of {cd.curve.name}")

    def _ensure_curve_calls(self) -> tuple[str | None, list, list]:
        """The active curve, or the calls that create one (and an emotion lane) first."""
        curve_id = self.current_curve()
        if curve_id is not None:
            return curve_id, [], []
        return self._new_curve_calls(self.doc.data.map.persona_id)

    def _new_curve_calls(self, persona_id: str | None) -> tuple[str, list, list]:
        data = self.doc.data
        if persona_id and any(cd.curve.persona_id == persona_id for cd in data.curves):
            persona_id = None
        curve_id = new_id()
        redo, undo = [], []
        if not any(ln.kind == LaneKind.EMOTION for ln in data.lanes):
            lane_id = new_id()
            redo.append(cmd.call(ops.add_lane, data.map.id, LaneKind.EMOTION.label,
                                 LaneKind.EMOTION, None, lane_id=lane_id))
            undo.append(cmd.call(ops.delete_lane, lane_id))
        redo.append(cmd.call(ops.add_curve, data.map.id, persona_id, curve_id=curve_id))
        undo.insert(0, cmd.call(ops.delete_curve, curve_id))
        return curve_id, redo, undo

    def add_curve(self, persona_id: str | None) -> str | None:
        """A curve for a persona (an emotion lane too, when the map has none)."""
        if self.doc is None:
            return None
        curve_id, redo, undo = self._new_curve_calls(persona_id)
        name = self.doc.data.personas[persona_id].name if persona_id else "the map"
        if self.push(cmd.OpCommand(self.doc, f"Add curve for {name}", redo, undo)):
            self.set_current_curve(curve_id)
            self.status(f"Double-click the emotion lane to add points for {name}")
            return curve_id
        return None

    def add_point(self, stage_id: str, score: float, index: int | None = None) -> str | None:
        """A point on the active curve (made first if the map has none), then selected."""
        if self.doc is None:
            return None
        curve_id, redo, undo = self._ensure_curve_calls()
        point_id = new_id()
        redo.append(cmd.call(ops.add_curve_point, curve_id, stage_id, score, "", index,
                             point_id=point_id))
        undo.insert(0, cmd.call(ops.delete_curve_point, point_id))
        if not self.push(cmd.OpCommand(self.doc, "Add curve point", redo, undo)):
            return None
        self._curve_id = curve_id
        curve = self.scene.curves.get(curve_id or "")
        if curve is not None and point_id in curve.points:
            self.select(curve.points[point_id])
        return point_id

    def add_point_at(self, pos: QPointF) -> str | None:
        scale, layout = self.scale(), self.scene.layout
        stage = next((h for h in layout.stages if h.rect.x <= pos.x() < h.rect.right), None)
        if scale is None or stage is None:
            return None
        curve_id = self.current_curve()
        shape = next((c for c in layout.curves if c.id == curve_id), None)
        before = [p for p in (shape.points if shape else ()) if p.stage_id == stage.id]
        index = sum(1 for p in before if p.x < pos.x())
        return self.add_point(stage.id, score_at(scale, pos.y()), index)

    def add_point_to_current_stage(self) -> str | None:
        stage = self.current_stage() or (self.doc.data.stages[-1].id
                                         if self.doc and self.doc.data.stages else None)
        if stage is None:
            return None
        lo, hi = self.doc.data.map.scale_min, self.doc.data.map.scale_max
        return self.add_point(stage, 0.0 if lo <= 0 <= hi else float((lo + hi) // 2))

    def nudge_point(self, point_id: str, steps: int) -> None:
        scale = self.scale()
        point = next((p for c in self.scene.layout.curves for p in c.points
                      if p.id == point_id), None) if scale else None
        if point is not None:
            self.push(cmd.set_curve_point(self.doc, point_id,
                                          score=step_score(scale, point.score, steps)))

    def step_point(self, point_id: str, step: int) -> None:
        """Select the previous or next point of the same curve."""
        for curve in self.scene.layout.curves:
            ids = [p.id for p in curve.points]
            if point_id in ids:
                index = ids.index(point_id) + step
                if 0 <= index < len(ids):
                    self.select(self.scene.curves[curve.id].points[ids[index]])
                return

    def select_point(self) -> None:
        """Select the active curve's point in the current stage (or its first point)."""
        curve = self.scene.curves.get(self.current_curve() or "")
        if curve is None or not curve.curve.points:
            return
        stage = self.current_stage()
        pick = next((p for p in curve.curve.points if p.stage_id == stage),
                    curve.curve.points[0])
        self.select(curve.points[pick.id])

    def edit_label(self, point_id: str) -> None:
        """The in-place editor under (or over) the point, with its label."""
        layout = self.scene.layout
        for curve in layout.curves:
            for p in curve.points:
                if p.id != point_id:
                    continue
                stage = next(h for h in layout.stages if h.id == p.stage_id)
                n = sum(1 for q in curve.points if q.stage_id == p.stage_id)
                w = max(110.0, stage.rect.w / n - 8)
                y = p.label.baseline - 4 if p.label else p.y - 16
                label = next((pt.label for cd in self.doc.data.curves for pt in cd.points
                              if pt.id == point_id), "")
                self.editor.open("point", point_id, QRectF(p.x - w / 2, y - 10, w, 20), label,
                                 9.0, align=Qt.AlignmentFlag.AlignHCenter)
                return

    def set_scale(self, lo: int, hi: int) -> None:
        self.push(cmd.set_map_scale(self.doc, (lo, hi)))
