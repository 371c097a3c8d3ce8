"""Quitting after copying notes must not crash: Qt's clipboard would otherwise
destroy a PySide-made QMimeData after the interpreter has shut down."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
from journey.models import Note
from ui.notes.clipboard import notes_to_mime, release_clipboard, NOTES_MIME
app = QApplication([])
app.clipboard().setMimeData(notes_to_mime([Note(text="First"), Note(text="Second")]))
assert app.clipboard().mimeData().hasFormat(NOTES_MIME)
if sys.argv[1] == "release":
    release_clipboard()
    assert app.clipboard().text() == "First\\nSecond"
"""


def _run(mode: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], env=env, capture_output=True,
                          text=True, timeout=60)


def test_release_keeps_the_text_and_exits_cleanly():
    result = _run("release")
    assert result.returncode == 0, result.stderr


def test_without_release_the_exit_crashes():
    """Proves the test above can fail: this is the defect release_clipboard avoids."""
    result = _run("keep")
    if result.returncode == 0:
        pytest.skip("this PySide no longer crashes here; release_clipboard is belt and braces")
    assert result.returncode < 0 or result.returncode >= 128  # killed by a signal
