"""Guard against PySide6 builds that drop a reference to None on void Qt calls.

PySide6(-Essentials) 6.12.0 on CPython 3.11 loses one reference to `None` per
call of a Qt method that returns nothing (`setPos`, `setZValue`,
`setPlainText` …); after a few thousand calls the interpreter aborts with
"Fatal Python error: none_dealloc". pyproject.toml therefore holds
PySide6-Essentials below 6.12 on Python < 3.12 (see the comment on the
dependency there). On 3.12+ None is immortal and the count cannot fall, so
this test passes trivially there; on 3.11 it fails for the broken pair.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsTextItem

CALLS = 10_000


def test_void_qt_calls_keep_none_alive(qapp):
    scene = QGraphicsScene()
    rect = QGraphicsRectItem(0, 0, 10, 10)
    text = QGraphicsTextItem()
    scene.addItem(rect)
    scene.addItem(text)
    before = sys.getrefcount(None)
    for i in range(CALLS // 3 + 1):
        rect.setPos(i, i)
        rect.setZValue(i % 7)
        text.setPlainText("x" if i % 2 else "y")
    after = sys.getrefcount(None)
    # Other code may take references meanwhile; the defect makes it fall by ~CALLS.
    assert after >= before - 100, (
        f"refcount of None fell by {before - after} over {CALLS} void Qt calls: this PySide6 "
        "build has the none_dealloc defect (see the constraint in pyproject.toml)")
    scene.removeItem(rect)
    scene.removeItem(text)
