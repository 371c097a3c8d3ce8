"""A stage or lane that is not there yet: the place Add Stage / Add Lane will put it.

While a new stage or lane is being named nothing is in the library. The
`ProvisionalHeader` marks where it will appear — a bar across the grid at the
insertion place (as a header drag shows it) and a ghost header, dashed, on that
bar in the header row (a new last column or row: just past the last one) — and
the `InlineEditor` opens over the ghost. The editor's Enter pushes the one add
command; Esc hides both and nothing was written. The item never takes the mouse
and never writes; it is made once per scene and reused.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from journey.layout import MapLayout
from paint.qt_paint import THEME, kind_accent, qcolor, stage_colour, stage_points

from .column_resize import Z_PREVIEW, map_bottom
from .header_drag import BAR

Z_PROVISIONAL = Z_PREVIEW + 5  # above a drag's preview, below the inline editor
LANE_GHOST_H = 32.0  # a ghost lane header: one name line and its padding


def provisional_slot(layout: MapLayout, kind: str, index: int | None
                     ) -> tuple[int, QRectF, QRectF]:
    """Where a new stage ("stage") or lane ("lane") at `index` (None: the end) goes:
    (the index clamped, the ghost header's rect, the insertion bar's rect), in scene
    points. A stage's ghost is centred on the boundary it will open (never before the
    first column); a lane's stands just above it, so the next lane's name (at its top)
    stays readable — before the first lane that is the empty corner left of the stage
    headers. At the end either stands just past the last header, where it will be."""
    st = layout.style
    if kind == "stage":
        headers = layout.stages
        index = len(headers) if index is None else max(0, min(index, len(headers)))
        w = st.stage_w
        top = headers[0].rect.y if headers else st.margin + st.title_h
        h = headers[0].rect.h if headers else st.stage_header_h
        first = headers[0].rect.x if headers else st.margin + st.lane_header_w
        if index < len(headers):
            at = headers[index].rect.x
            x = max(first, at - w / 2)
        else:
            at = headers[-1].rect.right if headers else first
            x = at
        bottom = max(map_bottom(layout), top + h)
        return index, QRectF(x, top, w, h), QRectF(at - BAR / 2, top, BAR, bottom - top)
    headers = layout.lanes
    index = len(headers) if index is None else max(0, min(index, len(headers)))
    left = headers[0].rect.x if headers else st.margin
    w = headers[0].rect.w if headers else st.lane_header_w
    first = headers[0].rect.y if headers else st.margin + st.title_h + st.stage_header_h
    h = LANE_GHOST_H
    if index < len(headers):  # just above the bar: the next lane's name stays readable
        at = headers[index].rect.y
        y = at - h
    else:
        at = headers[-1].rect.bottom if headers else first
        y = at
    right = max((s.rect.right for s in layout.stages), default=left + w)
    return index, QRectF(left, y, w, h), QRectF(left, at - BAR / 2, right - left, BAR)


class ProvisionalHeader(QGraphicsItem):
    """The ghost of a stage or lane being added: `show_at(layout, kind, index)`, `hide()`.

    It remembers what is being added (`kind`, `index`, `lane_kind`) so the caller can
    push the add once the name is typed."""

    def __init__(self) -> None:
        super().__init__()
        self.kind = ""
        self.index = 0
        self.lane_kind = ""
        self.count = 0  # stages (or lanes) there are now: the ghost's shade
        self.header = QRectF()
        self.bar = QRectF()
        self._bounds = QRectF()
        self.setZValue(Z_PROVISIONAL)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setVisible(False)

    def show_at(self, layout: MapLayout, kind: str, index: int | None,
                lane_kind: str = "") -> int:
        """Show the ghost where a new `kind` at `index` will appear; the index clamped."""
        self.prepareGeometryChange()
        self.kind, self.lane_kind = kind, lane_kind
        self.count = len(layout.stages if kind == "stage" else layout.lanes)
        self.index, self.header, self.bar = provisional_slot(layout, kind, index)
        self._bounds = self.header.united(self.bar).adjusted(-2, -2, 2, 2)
        self.setVisible(True)
        self.update()
        return self.index

    def hide(self) -> None:
        self.setVisible(False)

    # -- QGraphicsItem ------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        accent = QColor(THEME.selection)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRect(self.bar)
        r = self.header
        if self.kind == "stage":
            fill = stage_colour(self.index, self.count + 1)
            shape = QPolygonF([QPointF(x, y) for x, y in
                               stage_points(r.x(), r.y(), r.width(), r.height(),
                                            self.index == 0)])
        else:
            fill = qcolor(THEME.lane_fill)
            shape = QPolygonF(r)
        painter.setBrush(fill)
        painter.setPen(QPen(accent, 2.0, Qt.PenStyle.DashLine))
        painter.drawPolygon(shape)
        if self.kind == "lane" and self.lane_kind:
            painter.fillRect(QRectF(r.x() + 1, r.y() + 1, 4, r.height() - 2),
                             kind_accent(self.lane_kind))
