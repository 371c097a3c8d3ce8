"""Preferences: edited in the dialog, applied at once, remembered across windows,
and used by what they govern (new sessions and maps, map text, backups)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from journey import ops
from journey.layout import Style
from journey.palette import HIGH_CONTRAST_STRONG
from storage import Library
from storage.backups import list_backups
from ui.main_window import MainWindow
from ui.preferences import Preferences


def make_window(qtbot, library) -> MainWindow:
    window = MainWindow(library, QSettings("Waymark", "Waymark"))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_preferences_apply_at_once_and_persist(qtbot, demo, settings):
    library, _ = demo
    window = make_window(qtbot, library)
    note = window.layout.notes[0]
    assert window.doc.style == Style()
    window.library_tools.preferences_action.trigger()
    dialog = window.library_tools.preferences_dialog
    dialog.template_box.setCurrentIndex(dialog.template_box.findData("Four stages"))
    dialog.scale_box.setCurrentIndex(dialog.scale_box.findData("1,5"))
    dialog.palette_box.setCurrentIndex(dialog.palette_box.findData("high-contrast"))
    dialog.text_size_box.setCurrentIndex(dialog.text_size_box.findData(150))
    dialog.backups_box.setValue(7)
    dialog.accept()
    assert window.doc.style.note_size == pytest.approx(18.0)
    assert window.layout.notes[0].font_size > note.font_size  # the canvas follows
    # Another map opened afterwards gets the same text size.
    other = library.run(ops.add_map, window.session_id, "Future state")
    window.show_map(other.id)
    assert window.doc.style.note_size == pytest.approx(18.0)
    window.close()

    again = make_window(qtbot, library)
    prefs = Preferences.load(again.settings)
    assert prefs == Preferences(default_template="Four stages", scale=(1, 5),
                                palette="high-contrast", text_size=150, backups=7)
    assert again.doc.style.note_size == pytest.approx(18.0)
    again.library_tools.show_preferences()
    dialog = again.library_tools.preferences_dialog
    assert dialog.template_box.currentText() == "Four stages"
    assert dialog.scale_box.currentText() == "1 … 5"
    assert dialog.text_size_box.currentData() == 150 and dialog.backups_box.value() == 7
    dialog.reject()
    assert prefs.strong_colours() == HIGH_CONTRAST_STRONG

    # New sessions start from the default template on the preferred scale.
    again.library_tools.show_library()
    page = again.library_page
    dlg = page.ask_new_session()
    assert dlg.template_box.currentText() == "Four stages"
    dlg.title_edit.setText("Scored workshop")
    dlg.accept()
    conn = sqlite3.connect(library.path)
    try:
        row = conn.execute("SELECT m.scale_min, m.scale_max, count(s.id) FROM session x "
                           "JOIN journey_map m ON m.session_id = x.id "
                           "JOIN stage s ON s.map_id = m.id WHERE x.title = ?",
                           ("Scored workshop",)).fetchone()
    finally:
        conn.close()
    assert row == (1, 5, 4)
    # New participants get the high-contrast colours.
    d = again.library_tools.show_details("participants")
    d.participants.add_names("Zed")
    conn = sqlite3.connect(library.path)
    try:
        colour, = conn.execute("SELECT colour FROM participant WHERE name = 'Zed'").fetchone()
    finally:
        conn.close()
    assert colour in HIGH_CONTRAST_STRONG
    d.close()


def test_cancel_changes_nothing(qtbot, demo, settings):
    window = make_window(qtbot, demo[0])
    dialog = window.library_tools.show_preferences()
    dialog.text_size_box.setCurrentIndex(dialog.text_size_box.findData(200))
    dialog.reject()
    assert Preferences.load(window.settings) == Preferences()
    assert window.doc.style == Style()


def test_unreadable_settings_fall_back_to_defaults(settings):
    for key, value in (("prefs/scale", "sideways"), ("prefs/text_size", "huge"),
                       ("prefs/palette", "neon"), ("prefs/backups", -4)):
        settings.setValue(key, value)
    prefs = Preferences.load(settings)
    assert (prefs.scale, prefs.text_size, prefs.palette, prefs.backups) == (
        (-3, 3), 100, "colour-blind-safe", 0)


def test_the_app_keeps_the_preferred_number_of_backups(qtbot, tmp_path, settings):
    from ui.app import run_app

    db = tmp_path / "lib.sqlite"
    Preferences(backups=2).save(settings)

    def close_windows() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow):
                w.close()

    counts = []
    for i in range(4):
        with Library(db) as lib:
            lib.run(ops.create_session, f"Workshop {i}")
        QTimer.singleShot(300, close_windows)
        assert run_app(db) == 0
        counts.append(len(list_backups(db)))
    assert counts == [1, 2, 2, 2]
    newest = list_backups(db)[-1]
    conn = sqlite3.connect(newest)
    try:
        titles = {t for (t,) in conn.execute("SELECT title FROM session")}
    finally:
        conn.close()
    assert {f"Workshop {i}" for i in range(4)} <= titles
