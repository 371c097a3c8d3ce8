"""The paint layer: what the canvas and the exporters both draw with.

Below `canvas/` and `export/`, above `storage/` and `journey/`, so the canvas
never imports an exporter. `theme` (the map's colours) and `font_fallback`
(which system font draws a character no bundled face has) are Qt-free, so the
PDF path imports them without QtGui; `qt_paint` (QPainter drawing of layout
elements) and `qt_text` (the faces and text runs it draws with) are the QtGui
modules and never import QtWidgets. This file
imports nothing, so importing `paint.theme` loads no Qt.
"""
