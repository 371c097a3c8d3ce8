"""Scripted parts of a workshop, as a facilitator does them with keys and mouse."""

from __future__ import annotations

import time

from .harness import App


def new_session(app: App, title: str, template: str = "Purchase and use") -> None:
    app.key("ctrl+n")
    app.wait_active("New session")
    app.type(title)
    app.click_on(app.field(label="Template", window="New session"))
    app.settle(0.3)
    app.type(template.split()[0])
    app.key("Return")
    app.settle(0.2)
    app.key("Return")
    app.wait_gone("New session")
    app.wait_active("Waymark")
    app.settle(0.5)


def session_details(app: App, goal: str, people: str, persona: list[str]) -> None:
    """Ctrl+Shift+D: a goal, participants, a persona filled with Tab, the map's persona."""
    app.key("ctrl+shift+d")
    app.wait_active("Session details")
    app.click_on(app.field(label="Goal", window="Session details"))
    app.type(goal)
    app.click_on(app.tab("Participants", window="Session details"))
    app.click_on(app.field(placeholder="Names, separated", window="Session details"))
    app.type(people)
    app.key("Return")
    app.click_on(app.tab("Personas", window="Session details"))
    app.click_on(app.button("New persona", window="Session details"))
    app.settle(0.3)
    for text in persona:  # name, role, quote, goals, frustrations
        app.type(text)
        app.key("Tab")
    app.click_on(app.tab("Maps", window="Session details"))
    app.click_on(app.field(label="For persona", window="Session details"))
    app.settle(0.4)
    app.key("Down", "Return")
    app.click_on(app.button("Close", window="Session details"))
    app.wait_gone("Session details")


def set_up(app: App, title: str, goal: str, people: str, persona: list[str]) -> None:
    """Issue 9's set-up flow: a new session, its details and persona, then the pointer
    crosses the map right after the dialog closes (where the app used to crash)."""
    new_session(app, title)
    session_details(app, goal, people, persona)
    wander(app)


def wander(app: App, seconds: float = 0.4) -> None:
    """The pointer crosses the map, as a hand on a touchpad does."""
    x, y, w, h = app.state()["viewport"]
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        app.disp.xdotool("mousemove", str(x + (i * 197) % w), str(y + (i * 131) % h))
        time.sleep(0.03)


def notes_by_keyboard(app: App, plan: list[tuple[str, int]], prefix: str = "note") -> int:
    """From the current cell: for each (key, n) press key, then add n notes (Enter,
    type, Esc twice). Returns how many notes were typed."""
    typed = 0
    for move, n in plan:
        if move:
            app.key(move)
        for _ in range(n):
            app.key("Return")
            app.type(f"{prefix} {typed + 1}")
            app.key("Escape", "Escape")
            typed += 1
    return typed
