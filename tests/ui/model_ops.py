"""The random operations of the model-based test (tests/ui/test_model_based.py).

Every operation goes through the window the way the UI does it: the note actions
(typing, drags, drops, the clipboard), the structure editor (header editor, resize,
kinds, collapse, delete with its confirmation box), the curve editor (points, labels,
scores, the scale, new curves) and the voting controller (the start dialog, the chips,
votes, take-backs, reveal, close, reopen, delete), then undo and redo on the stack.
Each returns a label for failure messages and for the tally of what was done.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid
from sqlmodel import select

from canvas.note_drag import DropTarget, NoteDrag
from journey.models import LaneKind, Vote, VoteRound
from journey.ops import SCALES
from journey.queries import parked_notes, participants_of, rounds_of
from ui.commands import map_commands as cmd
from ui.commands import session_commands as sc
from ui.main_window import MainWindow

WORDS = ("queue", "price", "trial", "barista", "app", "refund", "Café", "☕", "配送",
         "loyalty", "card", "wait", "email", "subscription", "pause", "grind")
KINDS = [k.value for k in LaneKind]
MAX_STAGES, MIN_STAGES = 6, 3
MAX_LANES, MIN_LANES = 7, 3
COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
MAX_POINTS, MAX_CURVES, MAX_ROUNDS = 24, 3, 4


class Runner:
    """Random edits through the window: the note, structure, curve and voting parts,
    undo and redo. `refused` counts edits the app turned down on purpose (a dot
    over the budget), which must leave the stack and the file as they were."""

    def __init__(self, window: MainWindow, rng: random.Random) -> None:
        self.w = window
        self.na = window.note_actions
        self.se = window.structure
        self.vc = window.workshop.voting
        self.rng = rng
        self.expect_refusal = False

    # -- picking ---------------------------------------------------------------------
    def text(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(1, 6))
        if self.rng.random() < 0.2:
            words.insert(self.rng.randrange(len(words)), "\n")
        return " ".join(words).replace(" \n ", "\n")

    def cell(self, visible: bool = False) -> tuple[str, str]:
        data = self.w.data
        lanes = [ln for ln in data.lanes if not (visible and ln.collapsed)] or data.lanes
        return self.rng.choice(data.stages).id, self.rng.choice(lanes).id

    def visible_notes(self, k: int = 1) -> list[str]:
        ids = list(self.w.layout.note_by_id)
        return self.rng.sample(ids, min(k, len(ids))) if ids else []

    def points(self) -> list[tuple[str, str]]:
        """(curve id, point id) of every point on the map."""
        return [(cd.curve.id, p.id) for cd in self.w.data.curves for p in cd.points]

    def score(self) -> float:
        lo, hi = self.w.data.map.scale_min, self.w.data.map.scale_max
        return self.rng.choice([float(self.rng.randint(lo, hi)),
                                round(self.rng.uniform(lo, hi) * 2) / 2])

    def _name_in_editor(self, text: str | None) -> None:
        """The header editor is open: type `text` and press Enter, or Esc (None)."""
        editor = self.se.editor
        assert editor.is_open
        if text is None:
            editor.cancel()
        else:
            editor.edit.setText(text)
            editor.commit()

    def _confirm(self) -> None:
        """Click Delete in the confirmation box a delete with notes asks."""
        box = self.se.confirm_box
        if box is not None and isValid(box) and box.isVisible():
            ok = next(b for b in box.buttons()
                      if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
            ok.click()
        self.se.confirm_box = None

    # -- notes -----------------------------------------------------------------------
    def add_typed(self) -> str:
        if self.na.new_note(self.cell(visible=True)):
            self.na.editor.set_text(self.text() if self.rng.random() < 0.9 else "  ")
            self.na.commit_editor()
        return "add typed"

    def add_command(self) -> str:
        stage, lane = self.cell()
        n = len(self.w.data.notes.get((stage, lane), []))
        command, _ = cmd.add_notes(self.w.doc, [{"stage_id": stage, "lane_id": lane,
                                                 "index": self.rng.randint(0, n),
                                                 "text": self.text()}])
        self.w.push(command)
        return "add"

    def edit_typed(self) -> str:
        ids = self.visible_notes()
        if ids and self.na.edit_note(ids[0]):
            text = self.na.editor.text() if self.rng.random() < 0.2 else self.text()
            self.na.editor.set_text(text)
            self.na.commit_editor()
        return "edit typed"

    def move(self) -> str:
        ids = self.visible_notes(self.rng.choice([1, 1, 2, 3]))
        if not ids:
            return "move (none)"
        self.na.select(ids)
        ids = self.na.selected_ids()
        if self.rng.random() < 0.3:  # straight to a place, collapsed lanes included
            cell = self.cell()
            n = len(self.w.data.notes.get(cell, []))
            self.na.drop(ids, DropTarget(cell, self.rng.choice([None, self.rng.randint(0, n)])))
            return f"move {len(ids)}"
        # The live drag: items follow the pointer, then snap to the layout on release.
        layout = self.w.layout
        start = layout.note_by_id[ids[0]].rect
        drag = NoteDrag(layout, [self.w.scene.note_item(i) for i in ids],
                        QPointF(start.x + 5, start.y + 5), self.na.indicator)
        box = self.rng.choice(layout.cells)
        for _ in range(3):
            r = box.rect
            drag.update(QPointF(r.x + self.rng.random() * r.w, r.y + self.rng.random() * r.h))
        end = QPointF(box.rect.x + self.rng.random() * box.rect.w,
                      box.rect.y + self.rng.random() * box.rect.h)
        if self.rng.random() < 0.1:
            drag.cancel()
            return "drag cancelled"
        target = drag.finish(end)
        if target is not None:
            self.na.drop(ids, target)
        return f"move {len(ids)}"

    def on_selection(self, action: str) -> str:
        ids = self.visible_notes(self.rng.choice([1, 1, 2, 4]))
        if not ids:
            return action + " (none)"
        self.na.select(ids)
        if action == "delete":
            self.na.delete()
        elif action == "duplicate":
            self.na.duplicate()
        elif action == "colour":
            self.na.set_colour(self.rng.randrange(6))
        elif action == "tags":
            self.na.set_tags(ids, ", ".join(self.rng.sample(WORDS[:6], self.rng.randint(0, 2))))
        elif action in ("paste", "cut"):
            (self.na.cut if action == "cut" else self.na.copy)()
            self.na.set_current_cell(self.cell())
            self.na.paste()
        return action

    # -- stages ----------------------------------------------------------------------
    def stage(self) -> str:
        se, rng, data = self.se, self.rng, self.w.data
        stage = rng.choice(data.stages)
        n = len(data.stages)
        roll = rng.random()
        if roll < 0.15 and n < MAX_STAGES:  # Map › Add Stage: the header editor opens
            se.add_stage(rng.choice([None, rng.randrange(n + 1)]))
            self._name_in_editor(rng.choice([None, f"Stage {rng.randrange(99)}"]))
            return "add stage"
        if roll < 0.25 and n > MIN_STAGES:
            se.delete_stage(stage.id)
            self._confirm()
            return "delete stage"
        if roll < 0.45:  # double-click (or F2) on the header, type, Enter
            se.rename(stage.id)
            self._name_in_editor(f"Stage {rng.randrange(99)}" if rng.random() < 0.9
                                 else stage.name)
            return "rename stage"
        if roll < 0.6:  # a header drag released at another place
            se.move_header("stage", stage.id, rng.randrange(n))
            return "move stage"
        if roll < 0.7:  # Ctrl+Shift+arrow on the selected header
            se.select(se.scene.stages[stage.id])
            se.move_selected(rng.choice([-1, 1]))
            self.w.scene.clearSelection()
            return "move stage"
        if roll < 0.8:
            se.resize_stage(rng.choice([40.0, 120.0]), stage.id)
            return "widen stage"
        if roll < 0.9:
            se.resize_stage(rng.choice([-40.0, -120.0]), stage.id)
            return "narrow stage"
        # a column edge dragged to a width, or the menu's reset
        se.set_stage_width(stage.id, rng.choice([None, float(rng.randint(100, 500))]))
        return "stage width"

    # -- lanes -----------------------------------------------------------------------
    def lane(self) -> str:
        se, rng, data = self.se, self.rng, self.w.data
        lane = rng.choice(data.lanes)
        n = len(data.lanes)
        roll = rng.random()
        if roll < 0.12 and n < MAX_LANES:
            se.add_lane(rng.choice(KINDS), rng.choice([None, rng.randrange(n + 1)]))
            self._name_in_editor(rng.choice([None, f"Lane {rng.randrange(99)}"]))
            return "add lane"
        if roll < 0.2 and n > MIN_LANES:
            se.delete_lane(lane.id)
            self._confirm()
            return "delete lane"
        if roll < 0.35:
            se.rename(lane.id)
            self._name_in_editor(f"Lane {rng.randrange(99)}")
            return "rename lane"
        if roll < 0.5:
            se.move_header("lane", lane.id, rng.randrange(n))
            return "move lane"
        if roll < 0.7:
            se.toggle_collapsed(lane.id)
            return "expand lane" if lane.collapsed else "collapse lane"
        se.set_lane_kind(lane.id, rng.choice(KINDS + [LaneKind.EMOTION.value] * 2))
        return "lane kind"

    # -- the emotion curves ------------------------------------------------------------
    def curve(self) -> str:
        se, rng, data = self.se, self.rng, self.w.data
        points = self.points()
        roll = rng.random()
        if roll < 0.3 and len(points) < MAX_POINTS or not points:
            stage = rng.choice(data.stages).id
            if rng.random() < 0.5 and se.scale() is not None:
                # A double-click in the emotion lane: the stage and score from the spot.
                area = se.scale().area
                header = next(h for h in self.w.layout.stages if h.id == stage)
                se.add_point_at(QPointF(header.rect.x + rng.random() * header.rect.w,
                                        area.y + rng.random() * area.h))
            else:
                # Map › Add Curve Point: any index among the stage's points (clamped)
                se.add_point(stage, self.score(), rng.choice([None, 0, rng.randrange(3)]))
            self.w.scene.clearSelection()
            return "add point"
        _curve, point_id = rng.choice(points)
        # Points on screen (a curve is drawn only while the map has an emotion lane).
        shown = [(c.id, p.id) for c in self.w.layout.curves for p in c.points]
        if roll < 0.45:  # the point dragged and released at a score
            se.set_point_score(point_id, self.score())
            return "move point"
        if roll < 0.55 and shown:  # Up/Down on the selected point
            se.nudge_point(rng.choice(shown)[1], rng.choice([-1, 1]))
            return "move point"
        if roll < 0.7 and shown:  # F2 on the point, type, Enter
            se.edit_label(rng.choice(shown)[1])
            self._name_in_editor(rng.choice(["", "Shipping fee", "wait…", self.text()[:30]]))
            return "label point"
        if roll < 0.82:
            if shown:  # Del on the selected point
                curve_id, point_id = rng.choice(shown)
                se.select(self.w.scene.curves[curve_id].points[point_id])
                se.delete_selected()
                self.w.scene.clearSelection()
            else:  # the Map menu's Delete Curve Point
                se.push(cmd.delete_curve_point(self.w.doc, point_id))
            return "delete point"
        if roll < 0.92 and len(data.curves) < MAX_CURVES:
            free = [p for p in data.personas
                    if not any(cd.curve.persona_id == p for cd in data.curves)]
            se.add_curve(rng.choice(free + [None]))
            return "add curve"
        se.set_scale(*rng.choice(SCALES))
        return "scale"

    # -- dot voting --------------------------------------------------------------------
    def rounds(self) -> list[VoteRound]:
        return [r for r, _n in self.w.library.read(rounds_of, self.w.map_id)]

    def voting(self) -> str:
        v, rng = self.vc, self.rng
        rounds = self.rounds()
        state = v.state
        roll = rng.random()
        if state is None or roll < 0.08:
            if rounds and rng.random() < 0.6:
                rnd = rng.choice(rounds)
                if rng.random() < 0.15:
                    v.delete_round(rnd.id)
                    return "delete round"
                if rnd.status == "open":
                    v.enter(rnd.id)
                    return "enter round"
                v.reopen(rnd.id)
                return "reopen round"
            if len(rounds) >= MAX_ROUNDS:
                v.delete_round(rounds[0].id)
                return "delete round"
            return self.start_round()
        rnd = state.round
        if rnd.status != "open":
            if roll < 0.5:
                v.reopen(rnd.id)
                return "reopen round"
            v.leave()
            return "leave voting"
        if roll < 0.1:
            v.choose(rng.choice(state.people).id)
            return "choose voter"
        if roll < 0.6:
            return self.vote()
        if roll < 0.75:
            return self.retract()
        if roll < 0.8:
            v.reveal()
            return "reveal"
        if roll < 0.85:
            v.close_round(rnd.id)
            return "close round"
        v.leave()  # Done on the bar
        return "leave voting"

    def start_round(self) -> str:
        """Voting › Start Voting Round…: the dialog's rules, then Start voting."""
        v, rng = self.vc, self.rng
        dialog = v.make_start_dialog()
        try:
            dialog.votes.setValue(rng.randint(1, 4))
            if rng.random() < 0.4:
                dialog.cap_on.setChecked(True)
                dialog.cap.setValue(rng.randint(1, 2))
            if rng.random() < 0.4:
                lanes = [ln.id for ln in self.w.data.lanes]
                dialog.set_lanes(rng.sample(lanes, rng.randint(1, len(lanes))))
            dialog.hide_totals.setChecked(rng.random() < 0.6)
            v.start_from(dialog)
        finally:
            dialog.deleteLater()
        return "start round"

    def _allowed_notes(self) -> list[str]:
        state = self.vc.state
        return [n.id for n in self.w.layout.notes
                if not state.lane_ids or n.lane_id in state.lane_ids]

    def vote(self) -> str:
        v, rng = self.vc, self.rng
        state, pid = v.state, v.participant_id
        rnd = state.round
        with self.w.library.session() as db:
            mine = list(db.exec(select(Vote.note_id).where(
                Vote.round_id == rnd.id, Vote.participant_id == pid)))
        left = rnd.votes_per_participant - len(mine)
        ok = [n for n in self._allowed_notes()
              if rnd.cap_per_note is None or mine.count(n) < rnd.cap_per_note]
        if left <= 0 or not ok:
            # A click that must be refused: no dots left (or nowhere to put one).
            if left <= 0 and self._allowed_notes():
                self.expect_refusal = True
                v.vote([rng.choice(self._allowed_notes())])
                return "vote refused"
            return "vote (none)"
        if rng.random() < 0.3:  # V on the selected notes
            ids = rng.sample(ok, min(len(ok), left, rng.randint(1, 2)))
            self.na.select(ids)
            v.vote_selected()
            return "vote selected"
        v.vote([rng.choice(ok)])
        return "vote"

    def retract(self) -> str:
        """Shift+click on a dot of the voter's; when they have none in this round, the
        chip of someone who has is clicked first."""
        v = self.vc
        with self.w.library.session() as db:
            cast = list(db.exec(select(Vote.participant_id, Vote.note_id).where(
                Vote.round_id == v.state.round.id)))
        if not cast:
            return "retract (none)"
        if not any(pid == v.participant_id for pid, _n in cast):
            v.choose(self.rng.choice(cast)[0])
        v.retract(self.rng.choice([n for pid, n in cast if pid == v.participant_id]))
        return "retract"

    # -- the session: people, personas, the parking lot ---------------------------------
    def session(self) -> str:
        """Edits outside the map's own door (the session details, the parking lot): the
        library tells the window, which catches up from what the commit changed."""
        w, rng, lib = self.w, self.rng, self.w.library
        sid = w.session_id
        people = lib.read(participants_of, sid)
        roll = rng.random()
        if roll < 0.25:  # a participant's colour: every one of their dots
            w.push(sc.edit_participant(lib, rng.choice(people).id, colour=rng.choice(COLOURS)))
            return "participant colour"
        if roll < 0.35 and len(people) < 9:
            w.push(sc.AddParticipants(lib, sid, [(f"Guest {rng.randrange(99)}",
                                                  rng.choice(COLOURS), 3)]))
            return "add participant"
        if roll < 0.45 and len(people) > 5:  # their dots stay, unnamed
            w.push(sc.delete_participant(lib, rng.choice(people).id))
            return "remove participant"
        if roll < 0.55:
            w.push(sc.update_session(lib, sid, title=rng.choice(
                ["Coffee subscription", "Coffee · round two", "Café ☕ 配送"])))
            return "session title"
        if roll < 0.65:
            persona = rng.choice(list(w.data.personas.values()))
            w.push(sc.edit_persona(lib, persona.id, name=rng.choice(
                ["Maya, the busy commuter", "Maya", "Theo", "Theo, the gift buyer"])))
            return "rename persona"
        if roll < 0.72:
            w.push(sc.set_map_persona(lib, w.map_id, rng.choice(
                [None, *w.data.personas])))
            return "map persona"
        parked = lib.read(parked_notes, sid)
        if roll < 0.86 or not parked:  # Park the selected notes
            ids = self.visible_notes(rng.choice([1, 1, 2]))
            if not ids:
                return "park (none)"
            self.na.select(ids)
            w.workshop.parking.park_selected()
            return "park"
        stage, lane = self.cell()  # a parked note dropped on a cell
        n = len(w.data.notes.get((stage, lane), []))
        w.workshop.parking.place([p.id for p in rng.sample(parked, min(len(parked), 2))],
                                 (stage, lane), rng.choice([None, rng.randint(0, n)]))
        return "place parked"

    # -- the stack -----------------------------------------------------------------------
    def undo(self) -> str:
        for _ in range(self.rng.choice([1, 1, 1, 3])):
            self.w.undo_stack.undo()
        return "undo"

    def redo(self) -> str:
        for _ in range(self.rng.choice([1, 1, 2])):
            self.w.undo_stack.redo()
        return "redo"

    def step(self) -> str:
        n = len(self.w.layout.notes)
        choices = [
            (self.add_typed, 7), (self.add_command, 3), (self.edit_typed, 6), (self.move, 10),
            (lambda: self.on_selection("delete"), 8 if n > 50 else 3),
            (lambda: self.on_selection("duplicate"), 0 if n > 60 else 2),
            (lambda: self.on_selection("colour"), 4), (lambda: self.on_selection("tags"), 3),
            (lambda: self.on_selection("paste"), 0 if n > 60 else 2),
            (lambda: self.on_selection("cut"), 2),
            (self.stage, 6), (self.lane, 6), (self.curve, 7), (self.voting, 4 if self.vc.state is None else 12),
            (self.session, 4), (self.undo, 14), (self.redo, 8),
        ]
        ops, weights = zip(*choices, strict=True)
        return self.rng.choices(ops, weights)[0]()
