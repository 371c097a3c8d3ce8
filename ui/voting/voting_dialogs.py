"""Dialogs and panels of dot voting: start a round, the rounds list, the results.

They only collect choices and show what `ui.voting.voting` reads; every change goes
back through the voting controller as an undoable command.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journey.models import Lane, LaneKind, Participant, VoteRound, lane_kind_label


@dataclass
class RoundState:
    """One round as the voting bar and the results show it (a read snapshot)."""

    round: VoteRound
    people: list[Participant]
    used: dict[str, int]  # participant id -> dots placed in this round
    ranked: list[tuple[str, str, int]]  # (note id, text, votes), most first
    lane_ids: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # note id -> "Stage · Lane"

    @property
    def hidden(self) -> bool:
        """Totals are hidden: the round is open and was started with hidden totals."""
        return self.round.hide_totals and self.round.status == "open"

    @property
    def cast(self) -> int:
        return sum(self.used.values())

    @property
    def budget(self) -> int:
        return self.round.votes_per_participant * len(self.people)

    def remaining(self, participant_id: str | None) -> int:
        return self.round.votes_per_participant - self.used.get(participant_id or "", 0)

    def status_line(self, participant_id: str | None) -> str:
        """What the bar says about the active voter, from the dots in the library."""
        person = next((p for p in self.people if p.id == participant_id), None)
        if person is None or self.round.status != "open":
            return ""
        left = self.remaining(person.id)
        if left <= 0:
            return f"{person.name} has placed every dot — pick the next person"
        return f"{person.name} is voting: {left} of {self.round.votes_per_participant} " \
               f"dot{'s' if self.round.votes_per_participant != 1 else ''} left"

    def rules(self, lane_names: dict[str, str]) -> str:
        r = self.round
        parts = [f"{r.votes_per_participant} vote{'s' if r.votes_per_participant != 1 else ''}"
                 " each"]
        if r.cap_per_note:
            parts.append(f"at most {r.cap_per_note} per note")
        if self.lane_ids:
            parts.append(", ".join(lane_names.get(i, "?") for i in self.lane_ids))
        return " · ".join(parts)


def ranks(ranked: list[tuple[str, str, int]]) -> list[int]:
    """Competition ranking (1, 2, 2, 4): ties share a place."""
    out: list[int] = []
    for i, (_id, _text, votes) in enumerate(ranked):
        out.append(out[-1] if i and ranked[i - 1][2] == votes else i + 1)
    return out


class StartRoundDialog(QDialog):
    """The rules of a new round: name, dots per person, cap, lanes, hidden totals."""

    def __init__(self, lanes: list[Lane], people: list[Participant], n_rounds: int,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a voting round")
        self.people = people
        self.name = QLineEdit(f"Round {n_rounds + 1}")
        budgets = Counter(p.vote_budget for p in people if p.vote_budget > 0)
        self.votes = QSpinBox()
        self.votes.setRange(1, 99)
        self.votes.setValue(budgets.most_common(1)[0][0] if budgets else 3)
        self.votes.setSuffix(" per participant")
        self.cap_on = QCheckBox("At most")
        self.cap = QSpinBox()
        self.cap.setRange(1, 99)
        self.cap.setValue(1)
        self.cap.setSuffix(" per note")
        self.cap.setEnabled(False)
        self.cap_on.toggled.connect(self.cap.setEnabled)
        cap_row = QHBoxLayout()
        cap_row.addWidget(self.cap_on)
        cap_row.addWidget(self.cap, 1)

        self.lanes = QListWidget()
        self.lanes.setMaximumHeight(170)
        for lane in lanes:
            kind = lane_kind_label(lane.kind, "")
            label = lane.name if not kind or kind.casefold() == lane.name.casefold() \
                else f"{lane.name}  ({kind})"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, lane.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if lane.kind == LaneKind.EMOTION
                               else Qt.CheckState.Checked)
            self.lanes.addItem(item)
        pick = QHBoxLayout()
        for text, kinds in (("All", None), ("Pain points && opportunities",
                                            {LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES})):
            b = QPushButton(text)
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, k=kinds, ls=lanes: self._pick(ls, k))
            pick.addWidget(b)
        pick.addStretch(1)

        self.hide_totals = QCheckBox("Hide totals until the results are revealed")
        self.hide_totals.setChecked(True)
        self.hide_totals.setToolTip("While voting, each participant sees only their own dots; "
                                    "Reveal shows everyone's dots and the ranking")
        self.names = QLineEdit()
        self.names.setPlaceholderText("Amira, Ben, Chloé …")
        who = QLabel(", ".join(p.name for p in people) if people else
                     "This session has no participants yet: name them here.")
        who.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Name:", self.name)
        form.addRow("Votes:", self.votes)
        form.addRow("Cap:", cap_row)
        form.addRow("Lanes to vote on:", self.lanes)
        form.addRow("", pick)
        form.addRow("", self.hide_totals)
        form.addRow("Participants:", who)
        if not people:
            form.addRow("", self.names)
        else:
            self.names.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start voting")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)

    def _pick(self, lanes: list[Lane], kinds: set[str] | None) -> None:
        for i, lane in enumerate(lanes):
            on = lane.kind != LaneKind.EMOTION if kinds is None else lane.kind in kinds
            self.lanes.item(i).setCheckState(Qt.CheckState.Checked if on
                                             else Qt.CheckState.Unchecked)

    def set_lanes(self, lane_ids: list[str]) -> None:
        for i in range(self.lanes.count()):
            item = self.lanes.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in lane_ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def lane_ids(self) -> list[str]:
        """The checked lanes; all of them checked means every lane ([])."""
        items = [self.lanes.item(i) for i in range(self.lanes.count())]
        checked = [i.data(Qt.ItemDataRole.UserRole) for i in items
                   if i.checkState() == Qt.CheckState.Checked]
        return [] if len(checked) == len(items) else checked

    def values(self) -> dict[str, Any]:
        votes = self.votes.value()
        return {"name": self.name.text().strip(), "votes_per_participant": votes,
                "cap_per_note": min(self.cap.value(), votes) if self.cap_on.isChecked() else None,
                "lane_ids": self.lane_ids(), "hide_totals": self.hide_totals.isChecked()}

    def new_names(self) -> list[str]:
        return [n.strip() for n in self.names.text().split(",") if n.strip()]


class RoundsDialog(QDialog):
    """The map's rounds, kept with their results: continue, reveal, close, delete."""

    #: (action, round id): "vote", "results", "close", "delete"
    chosen = Signal(str, str)

    def __init__(self, rounds: list[tuple[VoteRound, int]], parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Voting rounds")
        self.resize(560, 320)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Round", "Status", "Votes each", "Dots cast", "Started"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for rnd, cast in rounds:
            status = {"open": "voting" if not rnd.hide_totals else "voting (totals hidden)",
                      "revealed": "revealed", "closed": "closed"}.get(rnd.status, rnd.status)
            row = QTreeWidgetItem([rnd.name, status, str(rnd.votes_per_participant), str(cast),
                                   rnd.created_at[:16].replace("T", " ")])
            row.setData(0, Qt.ItemDataRole.UserRole, rnd.id)
            self.tree.addTopLevelItem(row)
        if rounds:
            self.tree.setCurrentItem(self.tree.topLevelItem(len(rounds) - 1))
        self.tree.itemDoubleClicked.connect(lambda *_: self._choose("results"))
        buttons = QHBoxLayout()
        for text, action in (("Continue &voting", "vote"), ("Show &results", "results"),
                             ("&Close round", "close"), ("&Delete", "delete")):
            b = QPushButton(text)
            b.setAutoDefault(False)
            b.setEnabled(bool(rounds))
            b.clicked.connect(lambda _c=False, a=action: self._choose(a))
            buttons.addWidget(b)
        buttons.addStretch(1)
        done = QPushButton("Done")
        done.clicked.connect(self.reject)
        buttons.addWidget(done)
        box = QVBoxLayout(self)
        if not rounds:
            box.addWidget(QLabel("No voting rounds on this map yet."))
        box.addWidget(self.tree, 1)
        box.addLayout(buttons)

    def current_round(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _choose(self, action: str) -> None:
        rid = self.current_round()
        if rid:
            self.chosen.emit(action, rid)
            self.accept()


class ResultsPanel(QWidget):
    """The ranked notes of a round, or a note that totals are hidden until reveal."""

    note_activated = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.itemActivated.connect(
            lambda item: self.note_activated.emit(item.data(Qt.ItemDataRole.UserRole)))
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.summary)
        box.addWidget(self.list, 1)
        self.state: RoundState | None = None
        self._rows: list[tuple[int, int, str]] = []

    def show_round(self, state: RoundState | None) -> None:
        """Rank the round's notes, each with its "Stage · Lane" read with the round."""
        self.state = state
        self.list.clear()
        self._rows = []
        if state is None:
            self.title.setText("No round")
            self.summary.setText("Start a voting round from the Workshop menu.")
            return
        r = state.round
        self.title.setText(f"{r.name} — {'results' if not state.hidden else 'voting'}")
        dots = f"{state.cast} of {state.budget} dots placed"
        if state.hidden:
            self.summary.setText(f"{dots}. The totals stay hidden until you reveal them.")
            return
        self.summary.setText(f"{dots} on {len(state.ranked)} notes. Double-click one to "
                             "find it on the map.")
        for rank, (note_id, text, votes) in zip(ranks(state.ranked), state.ranked, strict=True):
            label = " ".join(text.split()) or "(empty)"
            item = QListWidgetItem(f"{rank}.  {label}\n      {votes} vote{'s' if votes != 1 else ''}"
                                   + (f" · {state.places[note_id]}"
                                      if state.places.get(note_id) else ""))
            item.setData(Qt.ItemDataRole.UserRole, note_id)
            if rank <= 3:
                bold = QFont(item.font())
                bold.setBold(True)
                item.setFont(bold)
                item.setForeground(QColor("#0B3B66"))
            self.list.addItem(item)
            self._rows.append((rank, votes, label))

    def rows(self) -> list[tuple[int, int, str]]:
        """(rank, votes, text) as listed (for tests and the report)."""
        return list(self._rows)

    def row_texts(self) -> list[str]:
        """Each row as the panel shows it (text, votes and "Stage · Lane")."""
        return [self.list.item(i).text() for i in range(self.list.count())]
