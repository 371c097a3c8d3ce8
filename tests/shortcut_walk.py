"""Walk every QAction and QShortcut of a real MainWindow and find clashing keys.

Qt ignores both actions when two enabled shortcuts with one key sequence match
in one context ("QAction::event: Ambiguous shortcut overload"). The model here
follows `qWidgetShortcutContextMatcher`:

- Window and application shortcuts of any widget of the window are live
  wherever the focus is in the window;
- a widget shortcut is live only while its widget has the focus, and a
  widget-with-children shortcut while the focus is inside its widget;
- an action in a QMenu is matched through the menu's own action, i.e. where the
  menu is attached (the menu bar, a tool button, a parent menu).

So two enabled window-wide actions may never share a key, and a widget-scoped
action may not share a key with a window-wide one nor with another action that
is live on the same focus widget.

Key bindings depend on the platform (on X11 `StandardKey.Delete` is Del *and*
Ctrl+D), so `python tests/shortcut_walk.py` runs the same walk in whatever Qt
platform it is started on and prints the clashes as JSON; the tests run it on
xcb under Xvfb as well as in-process offscreen.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QObject, Qt  # noqa: E402
from PySide6.QtGui import QAction, QKeySequence, QShortcut  # noqa: E402
from PySide6.QtWidgets import QApplication, QMenu, QWidget  # noqa: E402

Ctx = Qt.ShortcutContext


@dataclass
class Bound:
    """One action (or QShortcut) with its keys and where they are live."""

    obj: QObject
    name: str
    keys: list[str]
    context: Ctx
    widgets: list[QWidget] = field(default_factory=list)  # where a widget scope applies


def _label(obj: QObject) -> str:
    if isinstance(obj, QAction):
        text = obj.text().replace("&", "").split("\t")[0] or obj.objectName() or "?"
        return f"{text!r} ({obj.shortcutContext().name})"
    return f"QShortcut on {type(obj.parent()).__name__} ({obj.context().name})"


def _attached(action: QAction, seen: set[int] | None = None) -> list[QWidget]:
    """The widgets an action's shortcut is matched through (menus followed upwards)."""
    seen = seen if seen is not None else set()
    out: list[QWidget] = []
    for obj in action.associatedObjects():
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, QMenu):
            out.extend(_attached(obj.menuAction(), seen))
        elif isinstance(obj, QWidget):
            out.append(obj)
    return out


def all_actions(window: QWidget) -> list[QAction]:
    """Every QAction of the window: its children and every child widget's actions."""
    found: dict[int, QAction] = {}
    for a in window.findChildren(QAction):
        found[id(a)] = a
    for widget in [window, *window.findChildren(QWidget)]:
        for a in widget.actions():
            found[id(a)] = a
    return list(found.values())


def keys_of(action: QAction) -> list[str]:
    return [k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()
            if not k.isEmpty()]


def bound_shortcuts(window: QWidget, enabled_only: bool = True) -> list[Bound]:
    out: list[Bound] = []
    for a in all_actions(window):
        keys = keys_of(a)
        if not keys or (enabled_only and not a.isEnabled()):
            continue
        attached = _attached(a)
        if not attached:  # e.g. an entry of a context menu: its keys are never matched
            continue
        out.append(Bound(a, _label(a), sorted(set(keys)), a.shortcutContext(), attached))
    for s in window.findChildren(QShortcut):
        keys = [k.toString(QKeySequence.SequenceFormat.PortableText) for k in s.keys()]
        if not keys or (enabled_only and not s.isEnabled()):
            continue
        parent = s.parent()
        out.append(Bound(s, _label(s), sorted(set(keys)), s.context(),
                         [parent] if isinstance(parent, QWidget) else []))
    return out


def _is_ancestor(anc: QWidget, w: QWidget) -> bool:
    while w is not None:
        if w is anc:
            return True
        w = w.parentWidget()
    return False


def clashes(window: QWidget) -> list[str]:
    """Every key two enabled shortcuts share in one live context, described."""
    bound = bound_shortcuts(window)
    wide = [b for b in bound if b.context in (Ctx.WindowShortcut, Ctx.ApplicationShortcut)]
    scoped = [b for b in bound if b not in wide]
    focus_candidates: list[QWidget] = []
    for b in scoped:
        for w in b.widgets:
            if w not in focus_candidates:
                focus_candidates.append(w)
                focus_candidates.extend(c for c in w.findChildren(QWidget)
                                        if b.context == Ctx.WidgetWithChildrenShortcut
                                        and c not in focus_candidates)
    problems: dict[tuple[str, str], str] = {}

    def check(live: list[Bound], where: str) -> None:
        by_key: dict[str, list[Bound]] = defaultdict(list)
        for b in live:
            for k in b.keys:
                if b not in by_key[k]:
                    by_key[k].append(b)
        for k, owners in by_key.items():
            if len(owners) > 1:
                names = " and ".join(sorted(o.name for o in owners))
                problems.setdefault((k, names), f"{k}: {names} ({where})")

    check(wide, "anywhere in the window")
    for focus in focus_candidates:
        live = list(wide)
        for b in scoped:
            if b.context == Ctx.WidgetShortcut and any(w is focus for w in b.widgets):
                live.append(b)
            elif b.context == Ctx.WidgetWithChildrenShortcut and any(
                    _is_ancestor(w, focus) for w in b.widgets):
                live.append(b)
        check(live, f"focus on {type(focus).__name__} {focus.objectName()!r}".strip())
    return sorted(problems.values())


def refresh_menus(window: QWidget) -> None:
    """Let every menu enable its entries as it does when it opens."""
    for menu in window.findChildren(QMenu):
        menu.aboutToShow.emit()
    QApplication.processEvents()


# -- the states a facilitator meets ----------------------------------------------------------
def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def state_note_selected(window: Any) -> None:
    note = next(iter(window.scene.notes))
    window.note_actions.select([note])
    window.view.setFocus()


def state_stage_header(window: Any) -> None:
    window.scene.clearSelection()
    window.structure.select_stage_header()


def state_lane_header(window: Any) -> None:
    window.scene.clearSelection()
    window.structure.select_lane_header()


def state_curve_point(window: Any) -> None:
    window.scene.clearSelection()
    window.structure.select_point()


def state_voting(window: Any) -> None:
    from journey.models import LaneKind

    voting = window.workshop.voting
    dialog = voting.make_start_dialog()
    dialog.set_lanes([lane.id for lane in window.data.lanes
                      if lane.kind in (LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES)])
    assert voting.start_from(dialog)
    state_note_selected(window)


def state_presenting(window: Any) -> None:
    window.workshop.voting.leave()
    assert window.workshop.presentation.enter()
    state_note_selected(window)


def state_library_page(window: Any) -> None:
    window.workshop.presentation.leave()
    window.library_tools.show_library()


STATES = [("a note selected", state_note_selected),
          ("a stage header selected", state_stage_header),
          ("a lane header selected", state_lane_header),
          ("a curve point selected", state_curve_point),
          ("a voting round running", state_voting),
          ("presenting", state_presenting),
          ("the library page", state_library_page)]


def walk_states(window: Any) -> dict[str, list[str]]:
    """The clashes in every state (state name → descriptions)."""
    found: dict[str, list[str]] = {"just opened, no menu shown yet": clashes(window)}
    for name, enter in STATES:
        enter(window)
        _settle()
        refresh_menus(window)
        found[name] = clashes(window)
    return found


def main() -> int:
    """Build a real window on a fresh library in this process's platform; print JSON."""
    from PySide6.QtCore import QSettings

    from journey.demo import add_demo_session
    from storage import Library
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application([sys.argv[0]])
    tmp = Path(tempfile.mkdtemp(prefix="waymark-walk-"))
    library = Library(tmp / "library.sqlite")
    library.run(add_demo_session)
    window = MainWindow(library, QSettings(str(tmp / "settings.ini"),
                                           QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    _settle()
    result = {"platform": app.platformName(), "states": walk_states(window),
              "delete_keys": [k.toString() for k in QKeySequence.keyBindings(
                  QKeySequence.StandardKey.Delete)]}
    window.workshop.presentation.leave()
    window.close()
    library.close()
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # no teardown races in a throwaway process


if __name__ == "__main__":
    main()
