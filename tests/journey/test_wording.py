"""Counts in status lines, reports and cards read as English: "1 note", "3 notes"."""

from __future__ import annotations

from journey.wording import plural


def test_one_is_singular_and_every_other_count_plural():
    assert plural(1, "note") == "1 note"
    assert plural(0, "note") == "0 notes"
    assert plural(2, "vote") == "2 votes"


def test_an_irregular_plural_is_given():
    assert plural(1, "person", "people") == "1 person"
    assert plural(4, "person", "people") == "4 people"
