"""The curve legend: one item per curve, drawn in the emotion lane's header.

The layout places the entries (`MapLayout.legend`, only when a map has two or
more curves) and `paint.qt_paint` draws them, so the poster shows the very
same legend. The item is keyed by curve id like every other bound item.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from journey.layout import LegendEntry
from paint.qt_paint import legend_bounds, paint_legend_entry

from .cell_item import BoxItem

Z_LEGEND = 6.0  # above the lane headers it sits on


class LegendItem(BoxItem):
    """One curve's legend entry: a stroke in its colour and its name."""

    def __init__(self, entry: LegendEntry) -> None:
        super().__init__(entry, Z_LEGEND)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(" ".join(line.text for line in entry.lines))

    @property
    def entry(self) -> LegendEntry:
        return self._el

    @property
    def curve_id(self) -> str:
        return self._el.curve_id

    def geometry(self, element: LegendEntry) -> tuple[tuple[float, float], QRectF]:
        (x, y), _ = element.swatch
        return (x, y), legend_bounds(element)

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_legend_entry(painter, self._el)
