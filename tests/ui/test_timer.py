"""The workshop timer: a real countdown run to zero in the window, its controls,
its overlay and the time-up signal; the clock arithmetic with a fake clock."""

from __future__ import annotations

import pytest

from journey.errors import InvalidEdit
from ui.main_window import MainWindow
from ui.workshop.timer import Countdown, format_clock, parse_duration


@pytest.fixture
def window(demo, open_window) -> MainWindow:
    w = open_window(demo[0])
    return w


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_short_timer_runs_to_zero_while_people_edit(qtbot, window):
    timer = window.workshop.timer
    overlay = timer.overlay
    expired = []
    timer.countdown.expired.connect(lambda: expired.append(True))
    timer.start(2, "Mapping")
    assert overlay.isVisible()
    assert timer.countdown.running
    assert overlay.text() == "0:02"
    assert overlay.caption() == "Mapping"
    # Editing goes on meanwhile: the timer never blocks the window.
    note = window.data.all_notes()[0]
    window.workshop.capture.box.setText("pain: Still running")
    window.workshop.capture.submit()
    assert note.id in {n.id for n in window.data.all_notes()}
    qtbot.waitUntil(lambda: timer.countdown.is_expired, timeout=6000)
    assert expired == [True]
    assert overlay.text() == "0:00"
    assert overlay.caption().startswith("Time's up")
    assert timer.sound in ("beep", "chime")
    assert overlay.flash_on
    panel, _digits = overlay.colours()
    assert panel.red() > 150 and panel.green() < 80  # red: time is up
    qtbot.waitUntil(lambda: not overlay.flash_on, timeout=3000)  # it flashes
    assert window.statusBar().currentMessage() == "Time's up"
    # More time: counting down again, no longer up.
    timer.countdown.add(60)
    assert not timer.countdown.is_expired
    assert overlay.text() in ("0:59", "1:00")
    timer.countdown.reset()
    assert not timer.countdown.running and overlay.text() == "1:02"


def test_controls_presets_and_overlay(qtbot, window):
    timer = window.workshop.timer
    assert [a.text() for a in timer.preset_actions] == ["1 min", "3 min", "5 min", "10 min",
                                                        "15 min"]
    timer.preset_actions[2].trigger()
    assert timer.countdown.duration == 300 and timer.countdown.running
    assert timer.toggle_action.text() == "&Pause"
    timer.toggle_action.trigger()
    assert not timer.countdown.running
    assert timer.toggle_action.text() == "&Start"
    assert timer.overlay.caption().startswith("Paused")
    left = timer.countdown.remaining()
    timer.add_action.trigger()
    assert timer.countdown.remaining() == pytest.approx(left + 60)
    timer.reset_action.trigger()
    assert timer.overlay.text() == "6:00"
    # Big enough for the back of the room: digits a sixth of the canvas high.
    assert timer.overlay.digit_px() >= window.view.height() * 0.15
    # Dragged to the other side, it snaps to the nearest corner and remembers it.
    timer.overlay.set_corner("bottom-left")
    geo = timer.overlay.geometry()
    assert geo.left() < 40 and geo.bottom() > window.view.height() - 40
    assert window.settings.value("timer/corner") == "bottom-left"
    big = timer.overlay.height()
    timer.compact_action.trigger()  # a small timer when the map needs the room
    assert timer.overlay.compact and timer.overlay.height() < big / 2
    timer.compact_action.trigger()
    assert timer.overlay.height() == big
    timer.overlay.close_button.click()
    assert not timer.overlay.isVisible() and not timer.show_action.isChecked()


def test_countdown_arithmetic_on_a_fake_clock(qtbot):
    clock = FakeClock()
    c = Countdown(clock=clock)
    c.set_duration(90, start=True)
    clock.now += 30.4
    assert c.remaining() == pytest.approx(59.6)
    assert format_clock(c.remaining()) == "1:00"  # rounded up: 0:00 only at zero
    c.pause()
    clock.now += 100
    assert c.remaining() == pytest.approx(59.6)  # paused: the clock does not count
    c.start()
    clock.now += 59.6
    c._on_tick()
    assert c.is_expired
    clock.now += 12
    assert format_clock(-c.remaining()) == "0:12"  # the overtime
    c.start()  # start after time is up: a fresh run of the same length
    assert c.remaining() == pytest.approx(90)


def test_durations_and_clock_faces():
    assert parse_duration("5") == 300
    assert parse_duration("2.5") == 150
    assert parse_duration("4:30") == 270
    assert parse_duration("1:00:00") == 3600
    assert parse_duration(" 10 min ") == 600
    for bad in ("", "soon", "4:75", "0", "-3"):
        with pytest.raises(InvalidEdit):
            parse_duration(bad)
    assert format_clock(0) == "0:00"
    assert format_clock(0.2) == "0:01"
    assert format_clock(3725) == "1:02:05"
