"""The bar above the canvas while a round is active: the round's name and rules,
one chip per participant with their colour and remaining dots, the line under
them, Reveal and Done. `Voting` (ui.voting.voting) fills it and listens to it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .voting_dialogs import RoundState

# -- the bar of participant chips ---------------------------------------------------

_CHIP = """
QToolButton {{ border: 2px solid {c}; border-radius: 13px; padding: 3px 9px;
              background: #FFFFFF; color: #1F2933; }}
QToolButton:checked {{ background: {c}; color: #FFFFFF; font-weight: bold; }}
QToolButton:disabled {{ color: #9AA5B1; border-color: #C3CBD4; }}
"""


class VotingBar(QFrame):
    """Round name and rules, one chip per participant, a message, Reveal and Done."""

    chosen = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("voting_bar")
        self.setStyleSheet("#voting_bar { background: #FFF8E1; border-bottom: 1px solid #E0C97A; }")
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setMaximumWidth(250)
        # The chips scroll sideways rather than widen the window (a 1366 px laptop).
        chips = QWidget()
        chips.setObjectName("chips")
        chips.setStyleSheet("#chips { background: transparent; }")
        self.chips_box = QHBoxLayout(chips)
        self.chips_box.setContentsMargins(0, 0, 0, 0)
        self.chips_box.setSpacing(6)
        self.chips_box.addStretch(1)
        self.chips_area = QScrollArea()
        self.chips_area.setWidget(chips)
        self.chips_area.setWidgetResizable(True)
        self.chips_area.setFrameShape(QFrame.Shape.NoFrame)
        self.chips_area.setStyleSheet("QScrollArea { background: transparent; }")
        self.chips_area.viewport().setAutoFillBackground(False)
        self.chips_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chips_area.setSizeAdjustPolicy(QScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.chips_area.setMinimumWidth(120)
        # A click on a NoFocus chip would hand the focus to the first ancestor that
        # takes click focus — this scroll area — and the map would lose V and the arrows.
        self.chips_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.chips: dict[str, QToolButton] = {}
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #B42318; font-weight: bold;")
        self.progress = QLabel()
        self.reveal_button = QPushButton("Reveal results")
        self.reopen_button = QPushButton("Reopen voting")
        self.rounds_button = QPushButton("Rounds…")
        self.rounds_button.hide()  # Workshop › Voting Rounds…; the bar keeps room for chips
        self.done_button = QPushButton("Done")
        for b in (self.reveal_button, self.reopen_button, self.rounds_button, self.done_button):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        middle = QVBoxLayout()
        middle.setSpacing(2)
        middle.addWidget(self.chips_area)
        middle.addWidget(self.message_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.title)
        row.addSpacing(12)
        row.addLayout(middle, 1)
        row.addSpacing(12)
        row.addWidget(self.progress)
        for b in (self.reveal_button, self.reopen_button, self.done_button):
            row.addWidget(b)
        self._clear = QTimer(self)
        self._clear.setSingleShot(True)
        self._clear.timeout.connect(self._show_status)
        self.status = ""  # the active participant's dots, from the last state shown

    def _show_status(self) -> None:
        self.message_label.setStyleSheet("color: #1B6E3A; font-weight: bold;")
        self.message_label.setText(self.status)

    def show_state(self, state: RoundState, active: str | None, rules: str) -> None:
        r = state.round
        status = {"open": "", "revealed": " — results revealed", "closed": " — closed"}
        self.title.setText(f"<b>{r.name}</b>{status.get(r.status, '')}<br>"
                           f"<span style='color:#5A6673'>{rules}</span>")
        ids = [p.id for p in state.people]
        if list(self.chips) != ids:
            for chip in self.chips.values():
                chip.deleteLater()
            self.chips = {}
            for p in state.people:
                chip = QToolButton()
                chip.setCheckable(True)
                chip.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                chip.setStyleSheet(_CHIP.format(c=p.colour))
                chip.clicked.connect(lambda _c=False, pid=p.id: self.chosen.emit(pid))
                self.chips_box.insertWidget(self.chips_box.count() - 1, chip)
                self.chips[p.id] = chip
        for i, p in enumerate(state.people):
            chip = self.chips[p.id]
            left = state.remaining(p.id)
            chip.setText(f"{p.name} · {left} left" if left else f"{p.name} · done")
            chip.setChecked(p.id == active and r.status == "open")
            chip.setEnabled(r.status == "open")
            key = f" (Alt+{i + 1})" if i < 9 else ""
            chip.setToolTip(f"{p.name} has {left} of {r.votes_per_participant} dots left"
                            f" — click{key} to make {p.name} the voter")
        status = state.status_line(active)
        if status != self.status:  # a vote, a take-back, undo, redo, another voter
            self.status = status
            self._clear.stop()
            self._show_status()
        self.progress.setText(f"{state.cast}/{state.budget} dots")
        self.reveal_button.setVisible(r.status == "open")
        self.reopen_button.setVisible(r.status != "open")

    def chip_texts(self) -> list[str]:
        return [c.text() for c in self.chips.values()]

    def message(self, text: str, error: bool = True) -> None:
        """A refusal or a note for a few seconds; then the status line again."""
        colour = "#B42318" if error else "#1B6E3A"
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message_label.setText(text or self.status)
        self._clear.start(6000)
