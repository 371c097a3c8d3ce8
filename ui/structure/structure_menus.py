"""The Map menu and the context menus of headers, curve points and the emotion lane.

Every entry calls a `StructureEditor` method, which pushes one command. Keys
that the notes also use (F2, Delete, the Ctrl+Shift arrows) are only *shown*
in the menus (`help_dialogs.show_keys`, never registered): the editor claims
them on the canvas while a header or point is selected (see
`StructureEditor`), so the window never holds two shortcuts for one key — a
registered widget shortcut in a menu is matched whenever the menu bar has the
focus (Alt), where Rename and Label Point would both claim F2. Move Earlier and
Move Later show the keys of what is current: Ctrl+Shift+Left/Right for a stage,
Ctrl+Shift+Up/Down for a lane. Keys only this part uses are window shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from journey.models import LaneKind
from journey.ops.curves import SCALES

from ..commands import map_commands as cmd
from ..help_dialogs import show_keys

WIDTH_STEP = 40.0  # points a Wider/Narrower step adds or takes
#: The keys that move the selected header (handled by `StructureEditor._key_action`).
MOVE_KEYS = {-1: ["Ctrl+Shift+Left (stage)", "Ctrl+Shift+Up (lane)"],
             1: ["Ctrl+Shift+Right (stage)", "Ctrl+Shift+Down (lane)"]}


def scale_label(lo: int, hi: int) -> str:
    sign = (lambda v: f"{v:+d}".replace("-", "\u2212")) if lo < 0 else str
    return f"{sign(lo)}\u2009…\u2009{sign(hi)}"


class StructureMenus:
    """Builds the actions and menus of a `StructureEditor` (`ed`)."""

    def __init__(self, editor: Any) -> None:
        self.ed = editor
        w = self.window = editor.window
        self.menu = QMenu("&Map", w)
        self.menu.aboutToShow.connect(self._refresh)
        help_menu = next((a for a in w.menuBar().actions() if a.text() == "&Help"), None)
        if help_menu is not None:
            w.menuBar().insertMenu(help_menu, self.menu)
        else:
            w.menuBar().addMenu(self.menu)
        m = self.menu
        self.add_stage_action = self._action(m, "Add &Stage", editor.add_stage, "Ctrl+Shift+T")
        self.add_lane_menu = self._kind_menu(m, "Add &Lane", lambda k: editor.add_lane(k))
        self.add_lane_action = self._action(None, "Add Lane…", self._popup_lanes, "Ctrl+Shift+R")
        m.addSeparator()
        self.rename_action = self._action(m, "&Rename", editor.rename_selected, "F2", local=True)
        self.delete_action = self._action(m, "&Delete", editor.delete_selected, "Del",
                                          local=True)
        self.select_stage_action = self._action(m, "Select Stage &Header",
                                                editor.select_stage_header, "Ctrl+Shift+Up",
                                                local=True)
        self.select_lane_action = self._action(m, "Select Lane He&ader",
                                               editor.select_lane_header, "Ctrl+Shift+Left",
                                               local=True)
        self.move_back_action = self._action(m, "Move &Earlier", lambda: editor.move_selected(-1),
                                             MOVE_KEYS[-1], local=True)
        self.move_on_action = self._action(m, "Move La&ter", lambda: editor.move_selected(1),
                                           MOVE_KEYS[1], local=True)
        m.addSeparator()
        self.kind_menu = m.addMenu("Lane &Kind")
        self.kind_menu.aboutToShow.connect(self._fill_kinds)
        self.collapse_action = self._action(m, "&Collapse Lane", editor.toggle_collapsed,
                                            "Ctrl+Shift+C")
        self.wider_action = self._action(m, "&Wider Stage",
                                         lambda: editor.resize_stage(WIDTH_STEP), "Ctrl+]")
        self.narrower_action = self._action(m, "&Narrower Stage",
                                            lambda: editor.resize_stage(-WIDTH_STEP), "Ctrl+[")
        m.addSeparator()
        self.scale_menu = m.addMenu("E&motion Scale")
        self.scale_group = QActionGroup(self.scale_menu)
        self.scale_actions: dict[tuple[int, int], QAction] = {}
        for lo, hi in SCALES:
            a = self._action(self.scale_menu, scale_label(lo, hi),
                             lambda lo=lo, hi=hi: editor.set_scale(lo, hi))
            a.setCheckable(True)
            self.scale_group.addAction(a)
            self.scale_actions[(lo, hi)] = a
        self.curve_menu = m.addMenu("Add C&urve for Persona")
        self.curve_menu.aboutToShow.connect(lambda: self._fill_personas(self.curve_menu))
        self.active_menu = m.addMenu("Acti&ve Curve")
        self.active_menu.aboutToShow.connect(lambda: self._fill_curves(self.active_menu))
        self.add_point_action = self._action(m, "Add Curve &Point",
                                             editor.add_point_to_current_stage, "Ctrl+Shift+I")
        self.select_point_action = self._action(m, "Select Curve P&oint", editor.select_point,
                                                "Ctrl+Shift+U")
        self.remove_point_action = self._action(m, "Remove Curve Po&int", editor.delete_selected,
                                                "Del", local=True)
        self.label_point_action = self._action(m, "La&bel Point…", editor.rename_selected, "F2",
                                               local=True)

    # -- helpers ---------------------------------------------------------------------
    def _action(self, menu: QMenu | None, text: str, slot: Callable[[], Any],
                keys: str | list[str] | None = None, local: bool = False) -> QAction:
        """An action; window-wide shortcut, or shown only (`local`) for shared keys."""
        a = QAction(text, menu or self.window)
        a.triggered.connect(lambda _=False: self._on_map(slot))
        if keys and local:
            show_keys(a, [keys] if isinstance(keys, str) else keys)
        elif keys:
            a.setShortcut(QKeySequence(keys))
            self.window.addAction(a)
        if menu is not None:
            menu.addAction(a)
        return a

    def _on_map(self, slot: Callable[[], Any]) -> None:
        """Every stage, lane and curve action works on the map shown; with none (a
        session without maps, the open session just trashed) it says so instead."""
        if self.window.doc is None:
            self.window.statusBar().showMessage("Open a map first", 4000)
            return
        slot()

    def _kind_menu(self, parent: QMenu, title: str, slot: Callable[[str], Any],
                   checked: str | None = None) -> QMenu:
        menu = parent.addMenu(title)
        for kind in LaneKind:
            a = menu.addAction(kind.label)
            a.setData(kind.value)
            if checked is not None:
                a.setCheckable(True)
                a.setChecked(kind.value == checked)
            a.triggered.connect(lambda _=False, k=kind.value: slot(k))
        return menu

    def _popup_lanes(self) -> None:
        view = self.ed.view
        self.add_lane_menu.popup(view.viewport().mapToGlobal(view.viewport().rect().center()))

    def _refresh(self) -> None:
        """Enable what applies to the selection; tick the map's scale."""
        ed = self.ed
        has_map = ed.doc is not None
        stage, lane, points = ed.selected_stage(), ed.selected_lane(), ed.selected_points()
        header = bool(stage or lane)
        for a in (self.add_stage_action, self.add_lane_menu.menuAction(), self.scale_menu
                  .menuAction(), self.curve_menu.menuAction(), self.add_point_action):
            a.setEnabled(has_map)
        self.rename_action.setEnabled(header)
        self.delete_action.setEnabled(header)
        self.delete_action.setText(f"&Delete {'Stage' if stage else 'Lane'}…" if header
                                   else "&Delete")
        show_keys(self.delete_action, ["Del"])
        self.select_stage_action.setEnabled(has_map and not stage)
        self.select_lane_action.setEnabled(has_map and not lane and not stage)
        self.move_back_action.setEnabled(header)
        self.move_on_action.setEnabled(header)
        for step, a in ((-1, self.move_back_action), (1, self.move_on_action)):
            keys = MOVE_KEYS[step]
            show_keys(a, keys, keys[1] if lane and not stage else keys[0])
        current_lane = ed.lane_row(ed.current_lane() or "") if has_map else None
        current_stage = ed.current_stage() if has_map else None
        self.kind_menu.setEnabled(current_lane is not None)
        self.collapse_action.setEnabled(current_lane is not None)
        self.collapse_action.setText("E&xpand Lane" if current_lane and current_lane.collapsed
                                     else "&Collapse Lane")
        self.wider_action.setEnabled(current_stage is not None)
        self.narrower_action.setEnabled(current_stage is not None)
        self.active_menu.setEnabled(has_map and bool(ed.doc.data.curves))
        self.select_point_action.setEnabled(has_map and bool(ed.doc.data.curves))
        self.remove_point_action.setEnabled(bool(points))
        self.label_point_action.setEnabled(bool(points))
        if has_map:
            m = ed.doc.data.map
            for key, a in self.scale_actions.items():
                a.setChecked(key == (m.scale_min, m.scale_max))

    def _fill_kinds(self, menu: QMenu | None = None, lane_id: str | None = None) -> None:
        menu = menu or self.kind_menu
        menu.clear()
        lane = self.ed.lane_row(lane_id or self.ed.current_lane() or "") if self.ed.doc else None
        if lane is None:
            return
        group = QActionGroup(menu)
        for kind in LaneKind:
            a = menu.addAction(kind.label)
            a.setCheckable(True)
            a.setChecked(kind.value == lane.kind)
            group.addAction(a)
            a.triggered.connect(lambda _=False, k=kind.value, i=lane.id: self.ed.set_lane_kind(i, k))

    def _fill_personas(self, menu: QMenu) -> None:
        menu.clear()
        ed = self.ed
        if ed.doc is None:
            return
        data = ed.doc.data
        taken = {cd.curve.persona_id for cd in data.curves}
        for persona in sorted(data.personas.values(), key=lambda p: p.position):
            a = menu.addAction(persona.name)
            a.setEnabled(persona.id not in taken)
            a.triggered.connect(lambda _=False, pid=persona.id: ed.add_curve(pid))
        if not data.personas:
            menu.addAction("(the session has no personas)").setEnabled(False)
        menu.addSeparator()
        a = menu.addAction("A Curve Without Persona")
        a.triggered.connect(lambda _=False: ed.add_curve(None))

    def _fill_curves(self, menu: QMenu) -> None:
        menu.clear()
        ed = self.ed
        if ed.doc is None:
            return
        group = QActionGroup(menu)
        current = ed.current_curve()
        for cd in ed.doc.data.curves:
            a = menu.addAction(cd.curve.name or "Curve")
            a.setCheckable(True)
            a.setChecked(cd.curve.id == current)
            group.addAction(a)
            a.triggered.connect(lambda _=False, cid=cd.curve.id: ed.set_current_curve(cid))

    # -- context menus ----------------------------------------------------------------------
    def _popup_menu(self) -> QMenu:
        menu = QMenu(self.window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return menu

    def stage_menu(self, stage_id: str) -> QMenu:
        ed, menu = self.ed, self._popup_menu()
        stage = ed.stage_row(stage_id)
        menu.addAction("&Rename", lambda: ed.rename(stage_id)).setShortcut(QKeySequence("F2"))
        menu.addAction("Add Stage &Before", lambda: ed.add_stage(stage.position))
        menu.addAction("Add Stage &After", lambda: ed.add_stage(stage.position + 1))
        menu.addSeparator()
        left = menu.addAction("Move &Left", lambda: ed.push(
            cmd.move_stage(ed.doc, stage_id, stage.position - 1)))
        left.setEnabled(stage.position > 0)
        right = menu.addAction("Move R&ight", lambda: ed.push(
            cmd.move_stage(ed.doc, stage_id, stage.position + 1)))
        right.setEnabled(stage.position < len(ed.doc.data.stages) - 1)
        menu.addSeparator()
        menu.addAction("&Wider", lambda: ed.resize_stage(WIDTH_STEP, stage_id))
        menu.addAction("&Narrower", lambda: ed.resize_stage(-WIDTH_STEP, stage_id))
        menu.addAction("Default &Width", lambda: ed.push(
            cmd.set_stage_width(ed.doc, stage_id, None))).setEnabled(stage.width is not None)
        menu.addSeparator()
        menu.addAction("&Delete Stage…", lambda: ed.delete_stage(stage_id))
        return menu

    def lane_menu(self, lane_id: str) -> QMenu:
        ed, menu = self.ed, self._popup_menu()
        lane = ed.lane_row(lane_id)
        menu.addAction("&Rename", lambda: ed.rename(lane_id)).setShortcut(QKeySequence("F2"))
        self._kind_menu(menu, "Add Lane &Below", lambda k: ed.add_lane(k, lane.position + 1))
        menu.addSeparator()
        up = menu.addAction("Move &Up", lambda: ed.push(
            cmd.move_lane(ed.doc, lane_id, lane.position - 1)))
        up.setEnabled(lane.position > 0)
        down = menu.addAction("Move &Down", lambda: ed.push(
            cmd.move_lane(ed.doc, lane_id, lane.position + 1)))
        down.setEnabled(lane.position < len(ed.doc.data.lanes) - 1)
        kinds = menu.addMenu("Lane &Kind")
        self._fill_kinds(kinds, lane_id)
        menu.addAction("&Expand" if lane.collapsed else "&Collapse",
                       lambda: ed.toggle_collapsed(lane_id))
        menu.addSeparator()
        menu.addAction("&Delete Lane…", lambda: ed.delete_lane(lane_id))
        return menu

    def point_menu(self, point_id: str) -> QMenu:
        ed, menu = self.ed, self._popup_menu()
        point, curve = next((p, cd.curve) for cd in ed.doc.data.curves for p in cd.points
                            if p.id == point_id)
        menu.addAction(f"Curve of {curve.name}").setEnabled(False)
        menu.addAction("&Label…", lambda: ed.edit_label(point_id)).setShortcut(
            QKeySequence("F2"))
        scores = menu.addMenu("&Score")
        m = ed.doc.data.map
        for v in range(m.scale_max, m.scale_min - 1, -1):
            text = (f"{v:+d}" if m.scale_min < 0 and v else str(v)).replace("-", "\u2212")
            a = scores.addAction(text, lambda v=v: ed.push(
                cmd.set_curve_point(ed.doc, point_id, score=float(v))))
            a.setCheckable(True)
            a.setChecked(point.score == v)
        menu.addSeparator()
        menu.addAction("&Remove Point", lambda: ed.push(
            cmd.delete_curve_point(ed.doc, point_id))).setShortcut(QKeySequence("Del"))
        return menu

    def curve_area_menu(self, pos: QPointF) -> QMenu:
        ed, menu = self.ed, self._popup_menu()
        curves = ed.doc.data.curves
        current = ed.current_curve()
        name = next((cd.curve.name for cd in curves if cd.curve.id == current), "a new curve")
        menu.addAction(f"Add &Point Here ({name})", lambda: ed.add_point_at(pos))
        if len(curves) > 1:
            other = menu.addMenu("Add Point &for")
            for cd in curves:
                other.addAction(cd.curve.name or "Curve",
                                lambda cid=cd.curve.id: (ed.set_current_curve(cid),
                                                         ed.add_point_at(pos)))
        menu.addSeparator()
        personas = menu.addMenu("Add C&urve for Persona")
        self._fill_personas(personas)
        scale = menu.addMenu("Emotion &Scale")
        m = ed.doc.data.map
        for lo, hi in SCALES:
            a = scale.addAction(scale_label(lo, hi), lambda lo=lo, hi=hi: ed.set_scale(lo, hi))
            a.setCheckable(True)
            a.setChecked((lo, hi) == (m.scale_min, m.scale_max))
        return menu
