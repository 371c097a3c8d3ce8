"""A lane's kind is read from a stored string: a kind this version does not know
(a newer library's, a hand-edited file) is shown, never a crash."""

from __future__ import annotations

from journey.models import LaneKind, lane_kind_label


def test_parse_names_a_known_kind_and_none_for_an_unknown_one():
    assert LaneKind.parse("pain_points") is LaneKind.PAIN_POINTS
    assert LaneKind.parse(LaneKind.EMOTION) is LaneKind.EMOTION
    assert LaneKind.parse("Pain points") is None
    assert LaneKind.parse("") is None


def test_the_label_of_an_unknown_kind_is_the_kind_itself_or_what_the_caller_asks():
    assert lane_kind_label("metrics") == "Metrics (KPIs)"
    assert lane_kind_label(LaneKind.PAIN_POINTS) == "Pain points"
    assert lane_kind_label("journey_v9_kind") == "journey_v9_kind"
    assert lane_kind_label("journey_v9_kind", "") == ""
