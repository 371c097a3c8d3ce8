"""Session and template cards of the library page: how one card is drawn.

Kept apart from `library_page`, which decides what the cards are and what
clicking them does; this module only paints them (thumbnail, title, two quiet
lines) and turns Pillow thumbnails into pixmaps.
"""

from __future__ import annotations

import io
import re
from datetime import date as _date
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

ID = Qt.ItemDataRole.UserRole
THUMB = Qt.ItemDataRole.UserRole + 1
INFO = Qt.ItemDataRole.UserRole + 2
ACCENT = "#0072B2"
INK = "#1F2933"
MUTED = "#66727F"
LINE = "#D6DCE4"
PAGE_BG = "#F3F5F8"


def nice_date(iso: str) -> str:
    try:
        d = _date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    return f"{d.day} {d:%b %Y}"


class CardDelegate(QStyledItemDelegate):
    """A card: thumbnail on top, then a bold title and up to two quiet lines."""

    def __init__(self, card: QSize, thumb_h: int, parent: Any = None) -> None:
        super().__init__(parent)
        self.card, self.thumb_h = card, thumb_h

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return self.card

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        r = QRectF(option.rect).adjusted(5, 5, -5, -5)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        info: dict[str, Any] = index.data(INFO) or {}
        path = QPainterPath()
        path.addRoundedRect(r, 8, 8)
        painter.fillPath(path, QColor("#FFFFFF"))
        pen = QPen(QColor(ACCENT if selected else "#AEB8C2" if hover else LINE),
                   2.2 if selected else 1.0)
        painter.setPen(pen)
        painter.drawPath(path)
        thumb = QRectF(r.x() + 8, r.y() + 8, r.width() - 16, self.thumb_h)
        clip = QPainterPath()
        clip.addRoundedRect(thumb, 5, 5)
        pix = index.data(THUMB)
        painter.save()
        painter.setClipPath(clip)
        if isinstance(pix, QPixmap) and not pix.isNull():
            painter.drawPixmap(thumb, pix, QRectF(pix.rect()))
        else:
            painter.fillRect(thumb, QColor("#E3E7EC"))
            painter.setPen(QColor(MUTED))
            painter.drawText(thumb, Qt.AlignmentFlag.AlignCenter, info.get("placeholder", ""))
        painter.restore()
        if info.get("plus"):
            self._plus(painter, thumb)
        if info.get("badge"):
            self._badge(painter, thumb, info["badge"])
        x, w = r.x() + 10, r.width() - 20
        y = thumb.bottom() + 8
        title_font = self._title_font(option)
        fm = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(QColor(INK))
        title = self.title_text(option, index)
        painter.drawText(QRectF(x, y, w, fm.height()), Qt.AlignmentFlag.AlignLeft, title)
        y += fm.height() + 2
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.92)
        fm = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(QColor(MUTED))
        for line in info.get("lines", []):
            text = fm.elidedText(line, Qt.TextElideMode.ElideRight, int(w))
            painter.drawText(QRectF(x, y, w, fm.height()), Qt.AlignmentFlag.AlignLeft, text)
            y += fm.height() + 1
        painter.restore()

    @staticmethod
    def _title_font(option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(option.font.pointSizeF() * 1.08)
        return font

    def title_text(self, option: QStyleOptionViewItem, index: Any) -> str:
        """The title as the card at `option.rect` draws it."""
        w = QRectF(option.rect).adjusted(5, 5, -5, -5).width() - 20
        return elide_title(QFontMetrics(self._title_font(option)),
                           index.data(Qt.ItemDataRole.DisplayRole) or "", int(w))

    def _badge(self, painter: QPainter, thumb: QRectF, text: str) -> None:
        font = QFont(painter.font())
        font.setBold(True)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        fm = QFontMetrics(font)
        w, h = fm.horizontalAdvance(text) + 14, fm.height() + 4
        badge = QRectF(thumb.right() - w - 6, thumb.y() + 6, w, h)
        path = QPainterPath()
        path.addRoundedRect(badge, h / 2, h / 2)
        painter.fillPath(path, QColor(ACCENT))
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    def _plus(self, painter: QPainter, thumb: QRectF) -> None:
        painter.fillRect(thumb, QColor("#FFFFFF"))
        pen = QPen(QColor("#AEB8C2"), 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawRoundedRect(thumb.adjusted(1, 1, -1, -1), 5, 5)
        c = thumb.center()
        painter.setPen(QPen(QColor(ACCENT), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(c.x() - 12, c.y(), c.x() + 12, c.y())
        painter.drawLine(c.x(), c.y() - 12, c.x(), c.y() + 12)


def card_list(card: QSize, thumb_h: int, parent: QWidget) -> QListWidget:
    view = QListWidget(parent)
    view.setViewMode(QListWidget.ViewMode.IconMode)
    view.setMovement(QListWidget.Movement.Static)
    view.setResizeMode(QListWidget.ResizeMode.Adjust)
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setMouseTracking(True)
    view.setFrameShape(QListWidget.Shape.NoFrame)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(CardDelegate(card, thumb_h, view))
    view.setGridSize(card)
    view.setStyleSheet(f"QListWidget {{ background: {PAGE_BG}; }}")
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    return view


_MARKER = re.compile(r"^(.*\S)(\s\([^()]*\))$")


def elide_title(fm: QFontMetrics, title: str, width: int) -> str:
    """`title` cut to `width` with an ellipsis — but a closing " (copy 2)" or
    " (imported copy)" stays whole, or an original and its copies would all show
    the same start of the same title."""
    if fm.horizontalAdvance(title) <= width:
        return title
    m = _MARKER.match(title)
    if m:
        tail_w = fm.horizontalAdvance(m.group(2))
        if tail_w <= width * 0.7:
            head = fm.elidedText(m.group(1), Qt.TextElideMode.ElideRight, width - tail_w)
            return head + m.group(2)
    return fm.elidedText(title, Qt.TextElideMode.ElideRight, width)


def short_title(title: str, limit: int = 28) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def pixmap_of(img: Any) -> QPixmap:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    pix = QPixmap()
    pix.loadFromData(buf.getvalue(), "PNG")
    return pix
