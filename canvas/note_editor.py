"""The inline note editor: a note-coloured card over the note, with a text item in
the layout's face and size, that ends with Esc, Ctrl+Enter, Tab or a click elsewhere.

The editor never writes anywhere. When it ends it removes itself from the
scene and calls `on_done(text, how)` once ("end", "tab", "backtab" or
"focus"); the UI decides whether that is an add, an edit or nothing.

The text is drawn with the same DejaVu Sans the layout measured, loaded at
`REF_PX` pixels and scaled to the note's font size (Qt rounds pixel sizes,
the layout does not), with the text width of the note's inner box, so what
you type wraps where the note will wrap it. The card grows downwards when
the text needs more room than the note has.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPainter, QPen, QTextCursor
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QGraphicsTextItem,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from paint.qt_paint import THEME
from paint.qt_text import REF_PX, face_font

Z_EDITOR = 30.0
SHADOW = (2.0, 3.0)  # the card's shadow offset …
SHADOW_BLUR = 8  # … and the width of its soft edge
#: Focus moves that do not end editing: another window, a menu or a context menu.
KEEP_OPEN = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason,
             Qt.FocusReason.MenuBarFocusReason)


def _is_end_key(event: QKeyEvent) -> bool:
    key, mods = event.key(), event.modifiers()
    if key == Qt.Key.Key_Escape:
        return True
    ctrl = mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier)
    return bool(ctrl) and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _tab(event: QKeyEvent) -> str | None:
    if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return None
    if event.key() == Qt.Key.Key_Backtab or (
            event.key() == Qt.Key.Key_Tab and event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
        return "backtab"
    return "tab" if event.key() == Qt.Key.Key_Tab else None


class _EditorText(QGraphicsTextItem):
    """The text part; hands the ending keys and focus loss to its card."""

    def __init__(self, card: NoteEditor) -> None:
        super().__init__(card)
        self.card = card

    def sceneEvent(self, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(event, QKeyEvent) and (_is_end_key(event) or _tab(event)):
            # Keep the window's shortcuts (Esc = clear selection, Tab = next cell) away
            # from the ending keys; Tab must be caught here, before the text control.
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if kind == QEvent.Type.KeyPress:
                event.accept()
                self.card.finish(_tab(event) or "end")
                return True
        return super().sceneEvent(event)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        # No dashed focus frame: the card's outline already says "editing".
        option.state &= ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Selected)
        super().paint(painter, option, widget)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() not in KEEP_OPEN:
            # Not inside the focus change itself: whatever took the focus runs first.
            QTimer.singleShot(0, lambda: self.card.finish("focus"))


class NoteEditor(QGraphicsRectItem):
    """A card at `rect` (scene coordinates) editing `text`; call `start()` after adding it."""

    def __init__(self, rect: QRectF, colour: str, text: str, font_size: float, pad: float,
                 on_done: Callable[[str, str], None]) -> None:
        super().__init__(QRectF(0, 0, rect.width(), rect.height()))
        self.setPos(rect.topLeft())
        self.setZValue(Z_EDITOR)
        self.setBrush(QBrush(QColor(colour)))
        self.setPen(QPen(QColor(THEME.selection), 2.5))
        # Lifted off the map while it is edited: a shadow painted by the card itself.
        # Not a QGraphicsDropShadowEffect: an item with a graphics effect that leaves
        # the scene while Qt is still delivering its key event (Esc ends editing) is
        # later drawn from freed memory (QTBUG-58501), which killed the app in front
        # of the room; tests/realwin/test_crash_sequence.py replays that.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable, False)
        self.min_height = rect.height()
        self.pad = pad
        self.on_done = on_done
        self.done = False
        self.original = text
        scale = font_size / REF_PX
        item = _EditorText(self)
        item.setFont(face_font("sans"))
        item.setDefaultTextColor(QColor(THEME.note_text))
        item.document().setDocumentMargin(0)
        item.setScale(scale)
        item.setPos(pad, pad)
        item.setTextWidth(max(1.0, (rect.width() - 2 * pad) / scale))
        item.setPlainText(text)
        item.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        item.document().contentsChanged.connect(self._grow)
        self.text_item = item
        self._grow()

    # -- state --------------------------------------------------------------
    def text(self) -> str:
        return self.text_item.toPlainText()

    def set_text(self, text: str) -> None:
        self.text_item.setPlainText(text)
        self._move_caret_to_end()

    def start(self) -> None:
        """Take the keyboard focus with the caret after the last character."""
        self.text_item.setFocus(Qt.FocusReason.OtherFocusReason)
        self._move_caret_to_end()

    def finish(self, how: str = "end") -> None:
        """End editing once: leave the scene, then report the text."""
        if self.done:
            return
        self.done = True
        text = self.text()
        scene = self.scene()
        if scene is not None:
            self.text_item.clearFocus()
            scene.removeItem(self)
        self.on_done(text, how)

    def boundingRect(self) -> QRectF:
        return self.rect().adjusted(-2, -2, SHADOW[0] + SHADOW_BLUR, SHADOW[1] + SHADOW_BLUR)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        r = self.rect()
        painter.setPen(Qt.PenStyle.NoPen)
        for i in range(SHADOW_BLUR, 0, -2):  # a soft edge from a few translucent steps
            painter.setBrush(QColor(15, 23, 42, 60 // (i // 2 + 1)))
            painter.drawRoundedRect(r.translated(*SHADOW).adjusted(-i / 2, -i / 2, i / 2, i / 2),
                                    3 + i / 2, 3 + i / 2)
        option.state &= ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Selected)
        super().paint(painter, option, widget)

    def contains_scene_point(self, x: float, y: float) -> bool:
        return self.sceneBoundingRect().contains(x, y)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        # A click on the card's margin keeps editing (the scene would take the focus).
        event.accept()
        self.text_item.setFocus(Qt.FocusReason.MouseFocusReason)

    # -- helpers ------------------------------------------------------------
    def _move_caret_to_end(self) -> None:
        cursor = self.text_item.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.text_item.setTextCursor(cursor)

    def _grow(self) -> None:
        needed = self.text_item.boundingRect().height() * self.text_item.scale() + 2 * self.pad
        height = max(self.min_height, needed)
        if abs(height - self.rect().height()) > 0.01:
            self.setRect(QRectF(0, 0, self.rect().width(), height))


__all__ = ["NoteEditor", "Z_EDITOR"]
