"""The workshop timer: presets, a countdown on a monotonic clock, a projector overlay.

`Countdown` keeps its deadline on `time.monotonic()` and only *reads* the clock
from a light QTimer tick, so it never blocks and keeps running while people
edit, a dialog is open or the machine is busy; a late tick shows the right
time, never a drifted one. At zero it emits `expired` once and keeps counting
the overtime. `TimerOverlay` floats over the canvas in a corner: huge digits
readable from the back of a room, amber in the last minute, flashing red when
time is up (with a chime where QtMultimedia exists, the system beep
otherwise). Drag it to another corner; the corner is remembered.
"""

from __future__ import annotations

import math
import struct
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journey.errors import InvalidEdit
from paint.qt_text import ensure_fonts

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

PRESETS = (1, 3, 5, 10, 15)  # minutes
CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
MARGIN = 16
FLASH_MS = 450
FLASH_FOR = 30.0  # seconds of flashing; then it stays red


def format_clock(seconds: float) -> str:
    """m:ss (h:mm:ss from an hour) of the time left, rounded up: 0:00 only at zero."""
    s = max(0, math.ceil(seconds - 1e-9))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def parse_duration(text: str) -> float:
    """Seconds from "5", "2.5" (minutes), "4:30" (m:ss) or "1:00:00"; InvalidEdit if not."""
    t = (text or "").strip().lower().removesuffix("min").strip()
    try:
        if ":" in t:
            parts = [int(p) for p in t.split(":")]
            if len(parts) > 3 or any(p < 0 for p in parts) or any(p >= 60 for p in parts[1:]):
                raise ValueError(t)
            seconds = 0
            for p in parts:
                seconds = seconds * 60 + p
        else:
            seconds = round(float(t.replace(",", ".")) * 60)
    except ValueError:
        raise InvalidEdit(f"{text!r} is not a duration: use minutes (5) or m:ss (4:30)") from None
    if not 1 <= seconds <= 24 * 3600:
        raise InvalidEdit("a timer runs from 1 second to 24 hours")
    return float(seconds)


class Countdown(QObject):
    """A pausable countdown; `changed` when what it shows changes, `expired` at zero."""

    changed = Signal()
    expired = Signal()

    def __init__(self, parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self.duration = 5 * 60.0
        self._left = self.duration
        self._deadline: float | None = None
        self.is_expired = False
        self._shown: tuple[Any, ...] | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(100)
        self._tick.timeout.connect(self._on_tick)

    @property
    def running(self) -> bool:
        return self._deadline is not None

    def remaining(self) -> float:
        """Seconds left; negative once time is up (the overtime)."""
        return self._deadline - self._clock() if self._deadline is not None else self._left

    def set_duration(self, seconds: float, start: bool = True) -> None:
        self.duration = float(seconds)
        self._deadline = None
        self._left = self.duration
        self.is_expired = False
        self._tick.stop()
        if start:
            self.start()
        self._emit(force=True)

    def start(self) -> None:
        if self.is_expired:  # start after time is up: a fresh run of the same length
            self._deadline, self._left, self.is_expired = None, self.duration, False
        if self.running:
            return
        self._deadline = self._clock() + self._left
        self._tick.start()
        self._emit(force=True)

    def pause(self) -> None:
        if not self.running:
            return
        self._left = self.remaining()
        self._deadline = None
        self._tick.stop()
        self._emit(force=True)

    def toggle(self) -> None:
        """Start or pause; once time is up, stop (and silence) it back at the start."""
        if self.is_expired:
            self.reset()
        elif self.running:
            self.pause()
        else:
            self.start()

    def add(self, seconds: float = 60.0) -> None:
        """More time (a minute by default); a timer that was up counts down again."""
        if self._deadline is not None:
            self._deadline += seconds
        else:
            self._left += seconds
        self.duration += seconds
        if self.remaining() > 0:
            self.is_expired = False
        self._emit(force=True)

    def reset(self) -> None:
        self._tick.stop()
        self._deadline = None
        self._left = self.duration
        self.is_expired = False
        self._emit(force=True)

    def _on_tick(self) -> None:
        left = self.remaining()
        if left <= 0 and not self.is_expired:
            self.is_expired = True
            self._emit(force=True)
            self.expired.emit()
            return
        self._emit()

    def _emit(self, force: bool = False) -> None:
        left = self.remaining()
        shown = (self.running, self.is_expired, math.ceil(left) if left > 0 else math.floor(left))
        if force or shown != self._shown:
            self._shown = shown
            self.changed.emit()


# -- the sound ----------------------------------------------------------------------

_CHIME: Path | None = None
_CHIME_NAME = "waymark-time-up-chime"


def _chime_file() -> Path:
    """A short two-tone chime as a WAV file, written once per run."""
    global _CHIME
    if _CHIME is None or not _CHIME.exists():
        rate = 22050
        frames = bytearray()
        for freq, dur in ((880.0, 0.22), (660.0, 0.22), (880.0, 0.45)):
            n = int(rate * dur)
            for i in range(n):
                fade = min(1.0, i / 300, (n - i) / 1500)
                frames += struct.pack("<h", int(12000 * fade * math.sin(2 * math.pi * freq * i
                                                                         / rate)))
        path = Path(tempfile.gettempdir()) / "waymark-timer-chime.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(bytes(frames))
        _CHIME = path
    return _CHIME


def play_time_up(owner: QObject) -> str:
    """A chime through QtMultimedia where installed, else the platform beep."""
    try:
        from PySide6.QtMultimedia import QSoundEffect  # not in PySide6-Essentials
    except ImportError:
        QApplication.beep()
        return "beep"
    previous = owner.findChild(QSoundEffect, _CHIME_NAME)
    if previous is not None:  # one chime per owner: the last one's is done or cut short
        previous.deleteLater()
    # The owner is its Qt parent, so it plays on after this function drops its wrapper
    # and goes with the owner; the next chime finds it by name and replaces it.
    effect = QSoundEffect(owner)
    effect.setObjectName(_CHIME_NAME)
    effect.setSource(QUrl.fromLocalFile(str(_chime_file())))
    effect.setVolume(0.9)
    effect.play()
    return "chime"


# -- the overlay ----------------------------------------------------------------------

_BUTTONS = """
QToolButton { color: #FFFFFF; background: rgba(255,255,255,40); border: none;
              border-radius: 4px; padding: 3px 8px; font-weight: bold; }
QToolButton:hover { background: rgba(255,255,255,90); }
"""


class TimerOverlay(QWidget):
    """Huge digits in a translucent panel over the canvas; drag it to another corner."""

    corner_changed = Signal(str)
    compact_changed = Signal(bool)

    def __init__(self, countdown: Countdown, host: QWidget) -> None:
        super().__init__(host)
        self.countdown = countdown
        self.host = host
        self.corner = "top-right"
        self.label = ""  # what the timer is for, e.g. "Mapping"
        self.compact = False
        #: Where presentation mode puts the panel (view coordinates), over its corner.
        self.pinned: QPoint | None = None
        self.flash_on = False
        self._flash_started = 0.0
        self._drag_from: QPoint | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Drag to another corner; double-click for a small timer")
        family = ensure_fonts().get("sans-bold", "DejaVu Sans")
        self.digits_font = QFont(family)
        self.digits_font.setBold(True)
        self.small_font = QFont(family)
        self.small_font.setBold(True)

        self.play_button = QToolButton(text="Pause")
        self.add_button = QToolButton(text="+1 min")
        self.reset_button = QToolButton(text="Reset")
        self.close_button = QToolButton(text="✕")
        self.close_button.setToolTip("Hide the timer (it keeps running)")
        self.buttons = QWidget(self)
        row = QHBoxLayout(self.buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for b in (self.play_button, self.add_button, self.reset_button, self.close_button):
            b.setStyleSheet(_BUTTONS)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            row.addWidget(b)
        row.addStretch(1)
        self.buttons.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.buttons)
        self.play_button.clicked.connect(countdown.toggle)
        self.add_button.clicked.connect(lambda: countdown.add(60))
        self.reset_button.clicked.connect(countdown.reset)
        self.close_button.clicked.connect(self.hide)

        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        countdown.changed.connect(self._changed)
        host.installEventFilter(self)
        self.hide()

    # -- state ------------------------------------------------------------------------
    def text(self) -> str:
        return format_clock(self.countdown.remaining())

    def caption(self) -> str:
        c = self.countdown
        if c.is_expired:
            return f"Time's up  +{format_clock(-c.remaining())}"
        state = "" if c.running else "Paused · "
        what = self.label or f"{format_clock(c.duration)} timer"
        return state + what

    def _changed(self) -> None:
        c = self.countdown
        self.play_button.setText("Stop" if c.is_expired else "Pause" if c.running else "Start")
        if c.is_expired and not self._flash.isActive() and not self._flash_started:
            self._flash_started = time.monotonic()
            self.flash_on = True
            self._flash.start()
        elif not c.is_expired:
            self._flash.stop()
            self._flash_started = 0.0
            self.flash_on = False
        self._fit()
        self.update()

    def _toggle_flash(self) -> None:
        if time.monotonic() - self._flash_started > FLASH_FOR:
            self._flash.stop()
            self.flash_on = True  # steady red from now on
        else:
            self.flash_on = not self.flash_on
        self.update()

    def colours(self) -> tuple[QColor, QColor]:
        """(panel, digits) for the current state."""
        c = self.countdown
        if c.is_expired:
            if self.flash_on:
                return QColor(200, 30, 30, 240), QColor("#FFFFFF")
            return QColor(17, 24, 39, 225), QColor("#FF6B6B")
        digits = QColor("#FBBF24") if c.running and c.remaining() <= 60 else QColor("#FFFFFF")
        return QColor(17, 24, 39, 215), digits

    # -- geometry -----------------------------------------------------------------------
    def digit_px(self) -> int:
        h, w = self.host.height(), self.host.width()
        px = max(40, min(260, h * 0.16, w * 0.11))
        return int(px * 0.45) if self.compact else int(px)

    def set_compact(self, on: bool) -> None:
        """A small timer in the corner (double-click toggles) when the map needs the room."""
        self.compact = on
        self.buttons.setVisible(not on)
        self._fit()
        self.update()
        self.compact_changed.emit(on)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.set_compact(not self.compact)

    def _fit(self) -> None:
        px = self.digit_px()
        self.digits_font.setPixelSize(px)
        self.small_font.setPixelSize(max(11, px // 5))
        fm = QFontMetrics(self.digits_font)
        sample = "8:88:88" if self.countdown.duration >= 3600 or \
            self.countdown.remaining() >= 3600 else "88:88"
        # As wide as the digits (and the buttons): a long caption is elided, never widens.
        width = max(fm.horizontalAdvance(sample),
                    0 if self.compact else self.buttons.sizeHint().width())
        pad = px // 4
        height = fm.height() + QFontMetrics(self.small_font).height() + pad * 2 + \
            (0 if self.compact else self.buttons.sizeHint().height() + 6)
        self.resize(width + pad * 2, height)
        self.layout().setContentsMargins(pad, pad, pad, pad // 2)
        self.place()

    def place(self) -> None:
        if self.pinned is not None:
            self.move(self.pinned)
            return
        host = self.host.rect()
        x = MARGIN if self.corner.endswith("left") else host.width() - self.width() - MARGIN
        y = MARGIN if self.corner.startswith("top") else host.height() - self.height() - MARGIN
        if self.corner.startswith("top") and hasattr(self.host, "viewport"):
            y = self.host.viewport().y() + MARGIN
        self.move(max(0, x), max(0, y))

    def set_corner(self, corner: str) -> None:
        if corner in CORNERS:
            self.corner = corner
            self.pinned = None
            self.place()
            self.corner_changed.emit(corner)

    def show_overlay(self) -> None:
        self._fit()
        self.show()
        self.raise_()

    # -- Qt -------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        panel, digits = self.colours()
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(panel)
        p.drawRoundedRect(r, 18, 18)
        pad = self.digit_px() // 4
        fm = QFontMetrics(self.digits_font)
        p.setFont(self.digits_font)
        p.setPen(digits)
        top = QRect(0, pad - fm.descent() // 2, self.width(), fm.height())
        p.drawText(top, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, self.text())
        p.setFont(self.small_font)
        p.setPen(QColor("#FFFFFF") if self.countdown.is_expired else QColor(255, 255, 255, 200))
        small = QRect(0, top.bottom(), self.width(), QFontMetrics(self.small_font).height())
        caption = QFontMetrics(self.small_font).elidedText(
            self.caption(), Qt.TextElideMode.ElideRight, self.width() - pad)
        p.drawText(small, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                   caption)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position().toPoint()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self.move(self.mapToParent(event.position().toPoint() - self._drag_from))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is None:
            return
        self._drag_from = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        centre = self.geometry().center()
        host = self.host.rect().center()
        vertical = "top" if centre.y() < host.y() else "bottom"
        horizontal = "left" if centre.x() < host.x() else "right"
        self.set_corner(f"{vertical}-{horizontal}")


# -- the controller ----------------------------------------------------------------------

class WorkshopTimer(QObject):
    """The timer of a window (kept as `window.workshop.timer`): menu, overlay, sound."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.countdown = Countdown(self)
        self.overlay = TimerOverlay(self.countdown, window.view)
        corner = str(window.settings.value("timer/corner", "top-right"))
        self.overlay.corner = corner if corner in CORNERS else "top-right"
        self.overlay.corner_changed.connect(lambda c: window.settings.setValue("timer/corner", c))
        self.sound: str | None = None  # "chime" or "beep" once time was up
        self.countdown.expired.connect(self._time_up)
        self.countdown.changed.connect(self._update_actions)
        self._make_menu()

    def _make_menu(self) -> None:
        w = self.window
        self.menu = QMenu("&Timer", w)
        self.preset_actions: list[QAction] = []
        for minutes in PRESETS:
            a = self.menu.addAction(f"{minutes} min")
            a.triggered.connect(lambda _c=False, m=minutes: self.start_minutes(m))
            self.preset_actions.append(a)
        self.custom_action = self.menu.addAction("&Custom…", self.custom_dialog)
        self.menu.addSeparator()
        self.toggle_action = QAction("&Start", w)
        self.toggle_action.setShortcut(QKeySequence("F9"))
        self.toggle_action.triggered.connect(lambda _c=False: self.toggle())
        self.add_action = QAction("&Add a Minute", w)
        self.add_action.setShortcut(QKeySequence("Shift+F9"))
        self.add_action.triggered.connect(lambda _c=False: self.countdown.add(60))
        self.reset_action = QAction("&Reset", w)
        self.reset_action.triggered.connect(lambda _c=False: self.countdown.reset())
        self.show_action = QAction("Show &Timer", w)
        self.show_action.setCheckable(True)
        self.show_action.toggled.connect(self._show_toggled)
        self.overlay.close_button.clicked.connect(lambda: self.show_action.setChecked(False))
        for a in (self.toggle_action, self.add_action, self.reset_action):
            self.menu.addAction(a)
            w.addAction(a)
        self.menu.addSeparator()
        self.menu.addAction(self.show_action)
        self.compact_action = self.menu.addAction("S&mall Timer")
        self.compact_action.setCheckable(True)
        self.compact_action.toggled.connect(self.overlay.set_compact)
        self.overlay.compact_changed.connect(self.compact_action.setChecked)
        corners = self.menu.addMenu("Corner")
        for corner in CORNERS:
            corners.addAction(corner.replace("-", " ").capitalize(),
                              lambda c=corner: self.overlay.set_corner(c))
        self._update_actions()

    def _update_actions(self) -> None:
        c = self.countdown
        self.toggle_action.setText("S&top" if c.is_expired else "&Pause" if c.running
                                   else "&Start")

    def _show_toggled(self, on: bool) -> None:
        self.overlay.show_overlay() if on else self.overlay.hide()

    def show(self) -> None:
        self.show_action.setChecked(True)
        self.overlay.show_overlay()

    def start(self, seconds: float, label: str = "") -> None:
        """A fresh countdown of `seconds`, running, on screen."""
        self.overlay.label = label
        self.sound = None
        self.countdown.set_duration(seconds, start=True)
        self.show()

    def start_minutes(self, minutes: float) -> None:
        self.start(minutes * 60)

    def toggle(self) -> None:
        self.countdown.toggle()
        self.show()

    def custom_dialog(self) -> None:
        text, ok = QInputDialog.getText(self.window, "Timer",
                                        "Minutes (5), or minutes and seconds (4:30):",
                                        text=format_clock(self.countdown.duration))
        if ok:
            try:
                self.start(parse_duration(text))
            except InvalidEdit as exc:
                self.window.show_error(str(exc))

    def _time_up(self) -> None:
        self.show()
        self.sound = play_time_up(self)
        self.window.statusBar().showMessage("Time's up", 10000)
