"""Words around numbers, shared by the status bar, the cards, Markdown and the report,
so "1 note" / "3 notes" reads the same everywhere."""

from __future__ import annotations


def plural(n: int, word: str, plural: str | None = None) -> str:
    """`n` and the word for that many: "1 note", "0 notes"; `plural` for an irregular one."""
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"
