"""Dot voting in the main window: rounds, the participant chips, clicks that vote.

A round is started with its rules (`StartRoundDialog`); while it is the active
round, a bar above the canvas shows one chip per participant with their
colour and remaining dots ("Amira · 2 left"). A click on a note (or V on the
selected notes) places one dot of the active participant; Shift+click,
right-click or Shift+V takes one back. Alt+1…Alt+9 make the first nine
participants the voter from the keyboard (digits alone colour notes). Chips
never take the keyboard focus — neither does the strip that scrolls them — so
after a click on a chip V and the arrows still act on the map. The line under
the chips ("Ben: 2 left", "Ben has placed every dot …") is worked out from the
library after every commit (vote, take-back, undo, redo), never set once. Each dot is one undoable command
(`ui.commands.map_commands.cast_votes` / `RetractVote`), committed before the next click.

Which dots the canvas shows (our choice for "totals hidden until revealed"):
while a round's totals are hidden, the map shows only the *active
participant's* dots of that round — each person sees where their own dots
went and can take one back, nobody sees the running totals; Reveal shows
everyone's dots and the ranked list. During a round only that round's dots
are drawn; outside voting, every dot except those of still-hidden rounds.
Clicks reach the voting layer through an event filter on the viewport that
is active only while a round is open, so note editing keeps the mouse
otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
)
from shiboken6 import isValid
from sqlmodel import Session as Db

from canvas.note_item import NoteItem
from journey import ops
from journey.errors import NotFound, WaymarkError
from journey.models import VoteRound
from journey.queries import (
    latest_round,
    map_session_id,
    note_places,
    participants_of,
    rounds_of,
)

from ..commands import map_commands as cmd
from .voting_bar import VotingBar
from .voting_dialogs import ResultsPanel, RoundsDialog, RoundState, StartRoundDialog

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

VOTING_DOT_R = 5.5  # points: dots readable on a projector while a round is on

# -- reads ---------------------------------------------------------------------------


def read_round(db: Db, round_id: str, places: bool = False) -> RoundState:
    """A round as the bar shows it; with `places`, each ranked note's stage · lane too
    (only the results panel shows them)."""
    res = ops.round_results(db, round_id)
    rnd: VoteRound = res["round"]
    people = participants_of(db, map_session_id(db, rnd.map_id))
    used = {pid: rnd.votes_per_participant - left for pid, left in res["remaining"].items()}
    where = note_places(db, [nid for nid, _text, _n in res["ranked"]]) if places else {}
    return RoundState(rnd, people, used, res["ranked"], [x for x in rnd.lane_ids.split(",") if x],
                      where)


# -- the controller -------------------------------------------------------------------

class Voting(QObject):
    """Dot voting for one window (kept as `window.workshop.voting`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.round_id: str | None = None
        self.participant_id: str | None = None
        self.state: RoundState | None = None
        self.results_round: str | None = None
        self._filtering = False
        self._pressed = False
        self._dots_doc: Any = None  # the document with the "voting" style layer

        self.bar = VotingBar()
        self.bar.hide()
        self.bar.chosen.connect(self.choose)
        self.bar.reveal_button.clicked.connect(self.reveal)
        self.bar.reopen_button.clicked.connect(lambda: self.reopen(self.round_id))
        self.bar.rounds_button.clicked.connect(self.rounds_dialog)
        self.bar.done_button.clicked.connect(self.leave)
        self.results = ResultsPanel()
        self.results.setMinimumWidth(300)
        self.results.note_activated.connect(self._show_note)
        self.dock = QDockWidget("Vote results", window)
        self.dock.setObjectName("vote_results_dock")
        self.dock.setWidget(self.results)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.visibilityChanged.connect(lambda on: on and self._refresh_results())
        self._make_actions()
        window.view.viewport().installEventFilter(self)
        window.scene.layoutApplied.connect(self._layout_applied)

    # -- actions --------------------------------------------------------------------
    def _make_actions(self) -> None:
        w = self.window

        def action(text: str, slot: Any, keys: str | None = None, tip: str = "") -> QAction:
            a = QAction(text, w)
            if keys:
                a.setShortcut(QKeySequence(keys))
            a.setStatusTip(tip)
            a.triggered.connect(lambda _c=False: slot())
            w.addAction(a)
            return a

        self.start_action = action("Start &Voting Round…", self.start_dialog, None,
                                   "Dot voting: rules, then click notes to place dots")
        self.rounds_action = action("Voting &Rounds…", self.rounds_dialog, None,
                                    "Earlier rounds with their results")
        self.reveal_action = action("Re&veal Results", self.reveal, None,
                                    "Show everyone's dots and the ranked notes")
        self.vote_action = action("Vote for Selected Note", self.vote_selected, "V",
                                  "A dot of the active participant on the selected notes")
        self.retract_action = action("Take Back Vote", self.retract_selected, "Shift+V",
                                     "Take back the active participant's dot")
        # Alt+digit: digits alone colour the selected notes (ui.notes.note_actions).
        self.voter_actions = [action(f"Participant {i} Votes", lambda i=i: self.choose_nth(i - 1),
                                     f"Alt+{i}", f"Make participant {i} the voter")
                              for i in range(1, 10)]
        self.results_action = self.dock.toggleViewAction()
        self.results_action.setText("Vote Re&sults")
        self._update_actions()

    def _update_actions(self) -> None:
        open_ = self.state is not None and self.state.round.status == "open"
        self.vote_action.setEnabled(open_)
        self.retract_action.setEnabled(open_)
        self.reveal_action.setEnabled(open_)
        people = len(self.state.people) if open_ and self.state else 0
        for i, a in enumerate(self.voter_actions):
            a.setEnabled(i < people)

    # -- reading ----------------------------------------------------------------------
    @property
    def library(self) -> Any:
        return self.window.library

    def lane_names(self) -> dict[str, str]:
        data = self.window.data
        return {lane.id: lane.name for lane in data.lanes} if data else {}

    def refresh(self) -> None:
        """Read the active round again (after any commit, undo included)."""
        if not isValid(self.bar):
            return
        if self.round_id is not None:
            try:
                self.state = self.library.read(read_round, self.round_id)
            except NotFound:
                self.state = None
            if self.state is None or self.state.round.map_id != self.window.map_id:
                self.leave()
                return
            ids = [p.id for p in self.state.people]
            if self.participant_id not in ids:
                self.participant_id = ids[0] if ids else None
            self.bar.show_state(self.state, self.participant_id,
                                self.state.rules(self.lane_names()))
        self._refresh_results()
        self._update_actions()

    def _refresh_results(self) -> None:
        """The panel shows a round of the shown map — the one picked, else the map's
        last — read from the library (ids, places and all), so it survives a restart
        and an import that gave every row a new id."""
        if not isValid(self.dock) or not isValid(self.results):
            return
        if not self.dock.isVisible():
            return  # read when the panel shows (visibilityChanged; a restored state too)
        map_id = self.window.map_id
        shown: RoundState | None = None
        if self.results_round is not None:
            try:
                shown = self.library.read(read_round, self.results_round, places=True)
            except NotFound:
                shown = None
        if (shown is None or shown.round.map_id != map_id) and map_id is not None:
            try:
                latest = self.library.read(latest_round, map_id)
                shown = self.library.read(read_round, latest, places=True) if latest else None
            except NotFound:
                shown = None
        self.results_round = shown.round.id if shown is not None else None
        self.results.show_round(shown)

    # -- rounds -------------------------------------------------------------------------
    def make_start_dialog(self) -> StartRoundDialog | None:
        data = self.window.data
        if data is None:
            self.window.show_error("Open a map to vote on")
            return None
        people = self.library.read(participants_of, data.session.id)
        n = len(self.library.read(rounds_of, data.map.id))
        return StartRoundDialog(data.lanes, people, n, self.window)

    def start_dialog(self) -> None:
        dialog = self.make_start_dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.start_from(dialog)

    def start_from(self, dialog: StartRoundDialog) -> str | None:
        """Start the round the dialog describes (adding any participants it names)."""
        doc, data = self.window.doc, self.window.data
        names = dialog.new_names()
        if not dialog.people and not names:
            self.window.show_error("Name the participants who vote (comma separated)")
            return None
        try:
            for name in names:  # session details, like the details dialog: not on the stack
                self.library.run(ops.add_participant, data.session.id, name, None,
                                 dialog.votes.value())
        except WaymarkError as exc:
            self.window.show_error(str(exc))
            return None
        command, round_id = cmd.start_round(doc, **dialog.values())
        if not self.window.push(command):
            return None
        self.enter(round_id)
        return round_id

    def enter(self, round_id: str) -> None:
        """Make `round_id` the active round: the bar shows, clicks vote."""
        self.round_id = round_id
        self.participant_id = None
        self.results_round = round_id
        self.bar.show()
        self.refresh()
        if self.state is not None:
            left = [p.id for p in self.state.people if self.state.remaining(p.id) > 0]
            self.participant_id = left[0] if left else self.participant_id
            self.refresh()
        self.window.view.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self._big_dots(True)
        self._apply_filter()

    def leave(self) -> None:
        """Leave voting (the round keeps its status and its dots)."""
        self.round_id, self.state, self.participant_id = None, None, None
        if isValid(self.bar):
            self.bar.hide()
            self.bar.status = ""
            self.bar.message_label.setText("")
            self.window.view.viewport().unsetCursor()
            self._big_dots(False)
            self._apply_filter()
            self._update_actions()

    def _big_dots(self, on: bool) -> None:
        """Dots a room can see while voting: the document's "voting" style layer (none
        where the preferences' dots are as big already); off, the layer goes and the
        rest of the style (the preferences', other modes' layers) stays as it is."""
        doc = self.window.doc if on else None
        old, self._dots_doc = self._dots_doc, doc
        if old is not None and old is not doc and isValid(old):
            old.set_style_layer("voting")
        if doc is not None:
            if doc.base_style.vote_r < VOTING_DOT_R:
                doc.set_style_layer("voting", vote_r=VOTING_DOT_R)
            else:
                doc.set_style_layer("voting")

    def choose(self, participant_id: str) -> None:
        self.participant_id = participant_id
        self.refresh()
        self._apply_filter()

    def choose_nth(self, index: int) -> None:
        """Alt+1…Alt+9: the n-th participant votes (the keyboard's way to the chips)."""
        if self.state is not None and self.state.round.status == "open" and \
                0 <= index < len(self.state.people):
            self.choose(self.state.people[index].id)

    def _status(self, round_id: str, status: str, text: str) -> bool:
        rnd = self.library.read(lambda db: db.get(VoteRound, round_id))
        if rnd is None or self.window.doc is None:
            return False
        command = cmd.set_round_status(self.window.doc, round_id, status, rnd.status,
                                       f"{text} {rnd.name}")
        return command is None or self.window.push(command)

    def reveal(self) -> None:
        if self.round_id is None or not self._status(self.round_id, "revealed", "Reveal"):
            return
        self.results_round = self.round_id
        self.bar.message("", error=False)
        self.refresh()
        self.dock.show()
        self.dock.raise_()
        self.window.view.viewport().unsetCursor()

    def reopen(self, round_id: str | None) -> None:
        if round_id is not None and self._status(round_id, "open", "Reopen"):
            self.enter(round_id)

    def close_round(self, round_id: str) -> None:
        if self._status(round_id, "closed", "Close") and round_id == self.round_id:
            self.leave()

    def delete_round(self, round_id: str) -> None:
        rnd = self.library.read(lambda db: db.get(VoteRound, round_id))
        if rnd is not None and self.window.doc is not None:
            self.window.push(cmd.delete_round(self.window.doc, round_id, rnd.name))

    def show_results(self, round_id: str) -> None:
        self.results_round = round_id
        self.refresh()
        self.dock.show()
        self.dock.raise_()

    def make_rounds_dialog(self) -> RoundsDialog | None:
        if self.window.doc is None:
            self.window.show_error("Open a map first")
            return None
        dialog = RoundsDialog(self.library.read(rounds_of, self.window.map_id), self.window)
        dialog.chosen.connect(self._rounds_choice)
        return dialog

    def rounds_dialog(self) -> None:
        dialog = self.make_rounds_dialog()
        if dialog is not None:
            dialog.exec()

    def _rounds_choice(self, action: str, round_id: str) -> None:
        if action == "vote":
            self.reopen(round_id) if self._round_status(round_id) != "open" else \
                self.enter(round_id)
        elif action == "results":
            self.show_results(round_id)
        elif action == "close":
            self.close_round(round_id)
        elif action == "delete":
            self.delete_round(round_id)

    def _round_status(self, round_id: str) -> str:
        rnd = self.library.read(lambda db: db.get(VoteRound, round_id))
        return rnd.status if rnd else ""

    # -- votes --------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.state is None or self.window.doc is None:
            return False
        if self.state.round.status != "open":
            self.bar.message(f"{self.state.round.name} is {self.state.round.status}; "
                             "reopen it to vote")
            return False
        if self.participant_id is None:
            self.bar.message("Add participants to the session to vote")
            return False
        return True

    def _push(self, command: cmd.Command | None) -> bool:
        """Push without a message box: a refused dot is one line in the bar."""
        try:
            return cmd.push(self.window.undo_stack, command)
        except WaymarkError as exc:
            self.error(str(exc))
            return False

    def error(self, text: str) -> None:
        self.window.last_error = text
        self.bar.message(text)
        self.window.statusBar().showMessage(text, 6000)

    def vote(self, note_ids: list[str]) -> bool:
        if not self._ready() or not note_ids:
            return False
        state = self.state
        assert state is not None
        name = next((p.name for p in state.people if p.id == self.participant_id), "")
        if state.remaining(self.participant_id) < len(note_ids):
            self.error(f"{name} has no votes left in {state.round.name}" if
                       state.remaining(self.participant_id) <= 0 else
                       f"{name} has only {state.remaining(self.participant_id)} votes left")
            return False
        command = cmd.cast_votes(self.window.doc, state.round.id, note_ids,
                                 self.participant_id, f"Vote ({name})")
        return self._push(command)  # the status line follows from the refresh

    def retract(self, note_id: str) -> bool:
        if not self._ready():
            return False
        command = cmd.RetractVote(self.window.doc, self.state.round.id, note_id,
                                  self.participant_id)
        return self._push(command)

    def vote_selected(self) -> None:
        self.vote(self.window.scene.selected_note_ids())

    def retract_selected(self) -> None:
        for note_id in self.window.scene.selected_note_ids():
            if not self.retract(note_id):
                break

    # -- clicks on the canvas (only while a round is open) -----------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.state is None or self.state.round.status != "open" or kind not in (
                QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove):
            return False
        assert isinstance(event, QMouseEvent)
        if kind == QEvent.Type.MouseButtonPress:
            item = self._note_at(event)
            if item is None or event.button() == Qt.MouseButton.MiddleButton:
                return False
            self._pressed = True
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if event.button() == Qt.MouseButton.RightButton or shift:
                self.retract(item.note_id)
            elif event.button() == Qt.MouseButton.LeftButton:
                self.vote([item.note_id])
            return True
        if kind == QEvent.Type.MouseButtonDblClick:
            return self._note_at(event) is not None
        if self._pressed:  # the rest of a click we took
            if kind == QEvent.Type.MouseButtonRelease:
                self._pressed = False
            return True
        return False

    def _note_at(self, event: QMouseEvent) -> NoteItem | None:
        view = self.window.view
        pos = view.mapToScene(event.position().toPoint())
        for item in self.window.scene.items(pos):
            if isinstance(item, NoteItem):
                return item
            if item.isVisible() and item.acceptedMouseButtons() != Qt.MouseButton.NoButton:
                return None
        return None

    def _show_note(self, note_id: str) -> None:
        item = self.window.scene.note_item(note_id)
        if item is None:
            return
        self.window.scene.clearSelection()
        item.setSelected(True)
        self.window.view.ensureVisible(item, 60, 60)

    # -- which dots the canvas shows ------------------------------------------------------
    def _layout_applied(self) -> None:
        if self._filtering or not isValid(self.bar):
            return
        self.refresh()
        self._apply_filter()

    def _apply_filter(self) -> None:
        """Tell the document which dots the room may see: the active round's (of a
        round hiding its totals, only the voter's own); the document reads just those."""
        doc = self.window.doc
        if doc is None or self._filtering or not isValid(self.bar):
            return
        active = self.round_id if (self.state is not None
                                   and self.state.round.map_id == doc.map_id) else None
        self._filtering = True
        try:
            doc.set_vote_view(active, self.participant_id if active else None)
        finally:
            self._filtering = False
