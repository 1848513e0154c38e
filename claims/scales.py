"""The rating scales reviewers use, loaded from data (claims/data/scales.json).

The defaults follow the shared review standards (verdicts, GRADE certainty, CEBM study designs,
stances). An organisation renames or extends a scale by editing the data, not the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

SCALE_NAMES = ("verdict", "certainty", "study_design", "stance")


@dataclass(frozen=True)
class ScaleValue:
    scale: str
    code: str
    label: str
    position: int  # order in which the scale lists its values, best first
    rating: int | None  # numeric value where the scale has one (verdict 5..1, certainty 4..1)
    description: str
    flag: str | None = None  # e.g. "indirect" for preclinical studies


@dataclass(frozen=True)
class Scale:
    name: str
    title: str
    help: str
    values: tuple[ScaleValue, ...]

    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)

    def labels(self) -> dict[str, str]:
        """Each code's label, in scale order (for select boxes and tables)."""
        return {v.code: v.label for v in self.values}

    def get(self, code: str) -> ScaleValue:
        for value in self.values:
            if value.code == code:
                return value
        raise KeyError(f"{code!r} is not a value of the {self.name} scale")


@cache
def default_scales() -> dict[str, Scale]:
    """The scales shipped with the product, keyed by scale name."""
    raw = json.loads(resources.files("claims").joinpath("data/scales.json").read_text("utf-8"))
    scales: dict[str, Scale] = {}
    for name in SCALE_NAMES:
        spec = raw[name]
        values = tuple(
            ScaleValue(
                scale=name,
                code=item["code"],
                label=item["label"],
                position=index,
                rating=item.get("rating"),
                description=item.get("description", ""),
                flag=item.get("flag"),
            )
            for index, item in enumerate(spec["values"])
        )
        scales[name] = Scale(name=name, title=spec["title"], help=spec["help"], values=values)
    return scales


def grade_symbols(rating: int | None) -> str:
    """GRADE's certainty symbols for a rating of 4 (high) to 1 (very low): ⊕⊕⊕◯ is moderate.
    Empty where the value has no rating (no evidence found)."""
    if rating is None or not 1 <= rating <= 4:
        return ""
    return "⊕" * rating + "◯" * (4 - rating)


# Why an editor's final decision differs from (or follows) the reviews.
DECISION_REASONS = {
    "new_evidence": "New evidence",
    "reviewer_error": "Reviewer error",
    "scale_interpretation": "Scale interpretation",
    "unanimous": "Reviewers agreed",
    "other": "Other",
}
