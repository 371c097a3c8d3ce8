"""Built-in templates: the three seed stage models from the design card.

Every built-in also carries an Emotion lane, because the emotion curve lives
there and a journey map without its curve is not what a facilitator expects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import LaneKind


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    stages: tuple[str, ...]
    lanes: tuple[tuple[str, str], ...]  # (name, kind)
    description: str = ""
    builtin: bool = field(default=True, compare=False)


_STANDARD_LANES: tuple[tuple[str, str], ...] = (
    ("Touchpoints", LaneKind.TOUCHPOINTS),
    ("Actions", LaneKind.ACTIONS),
    ("Thoughts", LaneKind.THOUGHTS),
    ("Emotion", LaneKind.EMOTION),
    ("Pain points", LaneKind.PAIN_POINTS),
    ("Opportunities", LaneKind.OPPORTUNITIES),
)

BUILTIN_TEMPLATES: tuple[TemplateSpec, ...] = (
    TemplateSpec(
        name="Customer lifecycle",
        stages=("Awareness", "Consideration", "Acquisition", "Service", "Loyalty"),
        lanes=_STANDARD_LANES,
        description="Five stages from first contact to loyalty.",
    ),
    TemplateSpec(
        name="Purchase and use",
        stages=("Awareness", "Consideration", "Purchase", "Use", "Loyalty"),
        lanes=(
            ("Touchpoints", LaneKind.TOUCHPOINTS),
            ("Actions", LaneKind.ACTIONS),
            ("Thoughts & feelings", LaneKind.THOUGHTS),
            ("Emotion", LaneKind.EMOTION),
            ("Barriers", LaneKind.PAIN_POINTS),
            ("Opportunities", LaneKind.OPPORTUNITIES),
        ),
        description="Five stages with barriers and opportunities.",
    ),
    TemplateSpec(
        name="Four stages",
        stages=("Awareness", "Consideration", "Purchase", "Post-purchase"),
        lanes=_STANDARD_LANES,
        description="A short purchase journey.",
    ),
)

DEFAULT_TEMPLATE = BUILTIN_TEMPLATES[0].name


def builtin_template(name: str) -> TemplateSpec | None:
    wanted = name.strip().casefold()
    for spec in BUILTIN_TEMPLATES:
        if spec.name.casefold() == wanted:
            return spec
    return None
