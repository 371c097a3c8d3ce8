"""Stage headers, lane headers and the title block of a map.

Each is a `BoxItem` keyed by the stage, lane or map id. They are drawn above
notes and cells; in the editing issue they become the handles for renaming
and reordering, which is why each header is its own item.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from export.qt_paint import (
    line_extent,
    paint_lane_header,
    paint_stage_header,
    paint_title,
    qrect,
)
from journey.layout import HeaderBox

from .cell_item import BoxItem

Z_HEADER = 5.0


class StageHeaderItem(BoxItem):
    """A stage's chevron; element = (HeaderBox, index, stage count) for its shade."""

    def __init__(self, header: HeaderBox, index: int = 0, count: int = 1) -> None:
        super().__init__((header, index, count), Z_HEADER)

    @property
    def header(self) -> HeaderBox:
        return self._el[0]

    def geometry(self, element: tuple[HeaderBox, int, int]) -> tuple[tuple[float, float], QRectF]:
        r = element[0].rect
        return (r.x, r.y), qrect(r)

    def draw(self, painter: QPainter, lod: float) -> None:
        header, index, count = self._el
        paint_stage_header(painter, header, index, count)


class LaneHeaderItem(BoxItem):
    """A lane's name and kind at the left of its row."""

    def __init__(self, header: HeaderBox) -> None:
        super().__init__(header, Z_HEADER)

    @property
    def header(self) -> HeaderBox:
        return self._el

    def geometry(self, element: HeaderBox) -> tuple[tuple[float, float], QRectF]:
        r = element.rect
        return (r.x, r.y), qrect(r).adjusted(0, -0.5, 0, 0.5)

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_lane_header(painter, self._el)


class TitleItem(BoxItem):
    """The title block: session title and the subtitle (map, persona, date, facilitator)."""

    def __init__(self, title: HeaderBox) -> None:
        super().__init__(title, Z_HEADER)

    def geometry(self, element: HeaderBox) -> tuple[tuple[float, float], QRectF]:
        bounds = qrect(element.rect)
        for line in element.lines:
            bounds = bounds.united(line_extent(line))
        return (element.rect.x, element.rect.y), bounds

    def draw(self, painter: QPainter, lod: float) -> None:
        paint_title(painter, self._el)
