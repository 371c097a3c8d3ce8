"""Placeholder: filled in by the work on this part of the window."""

from __future__ import annotations

from typing import Any


def install(window: Any) -> None:
    """Add this part's actions, menus, docks and event hooks to the main window."""
