"""Quick capture: a text box under the canvas; Enter adds the note and stays there.

A note goes to the current cell (the note editor's, else the selected note's,
else the first cell). A prefix routes it: `pain:` to the pain points lane of
the same stage, `opp:` to the opportunities … (see `PREFIXES`); a map without
a lane of that kind takes a lane whose name says it, and thoughts and feelings
share a lane when there is only one (`lane_for`: "Thoughts & feelings" gets
both `think:` and `feel:`); `park:` — or a session without a map — puts it in
the parking lot. Each note is one command.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit
from shiboken6 import isValid

from journey import navigation as nav
from journey.models import LaneKind

from ..commands import map_commands as cmd

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

PARK = "park"

#: prefix -> lane kind (or PARK). Several spellings for the same lane.
PREFIXES: dict[str, str] = {
    "pain": LaneKind.PAIN_POINTS, "pains": LaneKind.PAIN_POINTS, "bar": LaneKind.PAIN_POINTS,
    "opp": LaneKind.OPPORTUNITIES, "opps": LaneKind.OPPORTUNITIES,
    "idea": LaneKind.OPPORTUNITIES,
    "touch": LaneKind.TOUCHPOINTS, "tp": LaneKind.TOUCHPOINTS,
    "act": LaneKind.ACTIONS, "do": LaneKind.ACTIONS,
    "think": LaneKind.THOUGHTS, "thought": LaneKind.THOUGHTS,
    "feel": LaneKind.FEELINGS,
    "chan": LaneKind.CHANNELS, "channel": LaneKind.CHANNELS,
    "kpi": LaneKind.METRICS, "metric": LaneKind.METRICS,
    "back": LaneKind.BACKSTAGE,
    "quote": LaneKind.QUOTES, "says": LaneKind.QUOTES,
    "park": PARK, "later": PARK,
}

#: Words a lane's *name* may use for a kind ("Thoughts & feelings", "How they feel"):
#: matched as the start of a word, so "feel" finds "feelings".
NAME_WORDS: dict[str, tuple[str, ...]] = {
    LaneKind.THOUGHTS: ("thought", "think"), LaneKind.FEELINGS: ("feel",),
    LaneKind.PAIN_POINTS: ("pain", "barrier"), LaneKind.OPPORTUNITIES: ("opportunit", "idea"),
    LaneKind.TOUCHPOINTS: ("touchpoint",), LaneKind.ACTIONS: ("action", "doing"),
    LaneKind.CHANNELS: ("channel",), LaneKind.METRICS: ("metric", "kpi"),
    LaneKind.BACKSTAGE: ("backstage",), LaneKind.QUOTES: ("quote",),
}
#: Kinds that share a lane when a map has only one of them (one "Thoughts & feelings").
RELATED: dict[str, str] = {LaneKind.THOUGHTS: LaneKind.FEELINGS,
                           LaneKind.FEELINGS: LaneKind.THOUGHTS}


def lane_for(lanes: list[Any], kind: str) -> Any:
    """The lane a prefix of `kind` goes to: a lane of that kind, else one whose name
    says it (a combined "Thoughts & feelings" lane for `feel:`), else a lane of the
    related kind (thoughts for feelings and back); None when nothing fits."""
    lanes = [lane for lane in lanes if lane.kind != LaneKind.EMOTION]
    exact = next((lane for lane in lanes if lane.kind == kind), None)
    if exact is not None:
        return exact
    stems = NAME_WORDS.get(kind, ())
    for lane in lanes:
        words = re.findall(r"\w+", lane.name.casefold())
        if any(w.startswith(stem) for w in words for stem in stems):
            return lane
    related = RELATED.get(kind)
    return next((lane for lane in lanes if lane.kind == related), None) if related else None


HELP = ("Type a note and press Enter: it goes to the current cell, and you can type the "
        "next one.\nStart with a prefix to send it elsewhere in the same stage:\n"
        "  pain:  pain points      opp: / idea:  opportunities\n"
        "  touch:  touchpoints     act:  actions\n"
        "  think:  thoughts        feel:  feelings\n"
        "  chan:  channels         kpi:  metrics\n"
        "  back:  backstage        quote:  quotes\n"
        "  park:  the parking lot (also when the session has no map)\n"
        "Esc goes back to the map.")

_PREFIX = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(.*)$", re.DOTALL)


def parse_capture(text: str) -> tuple[str | None, str]:
    """(lane kind, PARK or None, the note's text). Unknown prefixes stay in the text
    ("Note: call back" is a note, not a route)."""
    m = _PREFIX.match(text)
    if m and m.group(1).lower() in PREFIXES:
        return PREFIXES[m.group(1).lower()], m.group(2).strip()
    return None, text.strip()


class CaptureBox(QLineEdit):
    """The text box: Esc hands the keyboard back to the canvas."""

    def __init__(self, capture: QuickCapture) -> None:
        super().__init__()
        self.capture = capture

    def focusInEvent(self, event: Any) -> None:
        self.capture.show_target()  # the current cell may have moved meanwhile
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.capture.window.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        super().keyPressEvent(event)


class QuickCapture(QFrame):
    """The bar under the canvas (kept as `window.workshop.capture`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window
        self.setObjectName("quick_capture")
        self.setStyleSheet("#quick_capture { border-top: 1px solid #C3CBD4; }")
        self.target_label = QLabel()
        self.target_label.setStyleSheet("color: #5A6673;")
        self.box = CaptureBox(self)
        self.box.setPlaceholderText("Quick capture: type a note, Enter adds it — "
                                    "pain: opp: touch: act: think: feel: park: …")
        self.box.setToolTip(HELP)
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.submit)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(QLabel("Capture"))
        row.addWidget(self.box, 1)
        row.addWidget(self.target_label)
        window.scene.selectionChanged.connect(self.show_target)
        window.scene.layoutApplied.connect(self.show_target)
        self.box.textChanged.connect(self.show_target)
        # Clicks and keys on the canvas move the note editor's current cell: follow it.
        window.view.installEventFilter(self)
        window.view.viewport().installEventFilter(self)
        self.show_target()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.KeyRelease):
            QTimer.singleShot(0, self.show_target)
        return False

    # -- where the note goes ---------------------------------------------------------
    def current_cell(self) -> tuple[str, str] | None:
        w = self.window
        layout = w.layout
        if layout is None or not layout.cells:
            return None
        notes = getattr(w, "note_actions", None)
        cell = getattr(notes, "current_cell", None)
        if cell is not None and layout.cell(*cell) is not None:
            return cell
        for note_id in w.scene.selected_note_ids():
            box = layout.note_by_id.get(note_id)
            if box is not None:
                return box.stage_id, box.lane_id
        return nav.step_cell(layout, None)

    def route(self, text: str) -> tuple[str | tuple[str, str] | None, str, str]:
        """(PARK, a cell or None, the text, a one-line error or "")."""
        kind, body = parse_capture(text)
        w = self.window
        if kind == PARK or w.doc is None:
            return PARK, body, ""
        cell = self.current_cell()
        if cell is None:
            return None, body, "This map has no cells yet: add a stage and a lane"
        if kind is None:
            return cell, body, ""
        lane = lane_for(w.data.lanes, kind)
        if lane is None:
            label = LaneKind(kind).label
            return None, body, f"This map has no {label.lower()} lane"
        return (cell[0], lane.id), body, ""

    def show_target(self) -> None:
        if not (isValid(self.target_label) and isValid(self.window.scene)):
            return  # the window is being torn down
        target, _body, error = self.route(self.box.text())
        if error:
            self.target_label.setText(error)
            return
        if target == PARK:
            self.target_label.setText("→ parking lot")
            return
        data = self.window.data
        stage = next((s.name for s in data.stages if s.id == target[0]), "")
        lane = next((la.name for la in data.lanes if la.id == target[1]), "")
        self.target_label.setText(f"→ {stage} · {lane}")

    # -- adding -----------------------------------------------------------------------------
    def submit(self) -> bool:
        """Add the typed note; the box empties only when it was added."""
        target, body, error = self.route(self.box.text())
        if not body:
            return False
        w = self.window
        where = self.target_label.text().removeprefix("→ ")
        if error:
            w.show_error(error)
            return False
        if target == PARK:
            command, _pid = cmd.park_note(w.doc, w.library, w.session_id, body)
            ok = w.session_id is not None and w.push(command)
        else:
            command, ids = cmd.add_notes(w.doc, [{"stage_id": target[0], "lane_id": target[1],
                                                  "text": body}], "Quick capture")
            ok = w.push(command)
            item = w.scene.note_item(ids[0]) if ok else None
            if item is not None:
                w.view.ensureVisible(item, 40, 40)
        if ok:
            self.box.clear()
            w.statusBar().showMessage(f"Added to {where}: {body[:60]}", 3000)
        self.box.setFocus(Qt.FocusReason.OtherFocusReason)
        return ok
