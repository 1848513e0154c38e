"""Agreement between reviewers on verdicts and certainty (see the review standards).

The input is a flat list of `Rating`s: which reviewer gave which value to which claim. Not every
reviewer has to rate every claim; a rating whose value is None counts as not given. Every figure
rests on the claims that at least two reviewers rated (`Agreement.items`); a claim rated once
says nothing about agreement and is left out.

Figures:

- `percent`: percent agreement, 0-100. With more than two reviewers on a claim it is the share of
  that claim's reviewer pairs who gave the same value, averaged over claims (each claim weighs the
  same). This is the observed agreement of Fleiss' kappa; unlike "all reviewers agree" it does not
  fall just because a claim had more reviewers, so articles with two and with four reviewers stay
  comparable. `unanimous` gives the stricter "all reviewers agree" share beside it. With two
  reviewers both are the same number.
- `kappa`: Cohen's kappa (unweighted, scikit-learn), only when exactly two reviewers rated the
  claims; with more, `pair_matrix` gives one kappa per pair of reviewers.
- `alpha`: Krippendorff's alpha (the `krippendorff` package) for any number of reviewers and
  missing ratings, nominal for verdicts and ordinal for certainty (see `scale_level`).

When a figure is undefined it is None and a `*_reason` sentence says why; no figure is ever NaN.
Kappa and alpha are undefined when every rating is the same value: chance agreement is then total
and both formulas become 0/0. We return None rather than 1.0, because identical ratings do not
show that reviewers can tell values apart; `percent` (100) still reports what happened.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from claims.scales import Scale

# Scales whose values are ordered, so that alpha weighs near misses less than far ones.
# Verdicts stay nominal: "unsupported" and "not checkable" sit outside the accurate..inaccurate
# order, and the product treats a verdict as a category.
ORDINAL_SCALES = frozenset({"certainty"})

# Why a figure is None; short enough to show beside the blank.
NO_SHARED_CLAIMS = "No claim was rated by two reviewers."
NOT_TWO_REVIEWERS = "Cohen's kappa compares two reviewers; see the reviewer pairs."
NO_VARIATION = "Every rating has the same value, so agreement beyond chance is undefined."


@dataclass(frozen=True)
class Rating:
    """One reviewer's value for one claim (a verdict or certainty code; None if not given)."""

    item: Hashable
    rater: Hashable
    value: str | None


@dataclass(frozen=True)
class Level:
    """How values compare: nominal (same or not) or ordinal (by place in `codes`).

    `codes` lists the allowed values; ratings outside it are refused. Ordinal levels need it,
    in scale order (either direction: alpha's ordinal distance does not depend on it).
    """

    kind: Literal["nominal", "ordinal"]
    codes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("nominal", "ordinal"):
            raise ValueError(f"unknown level of measurement {self.kind!r}")
        if self.kind == "ordinal" and not self.codes:
            raise ValueError("an ordinal level needs its codes in order")
        if self.codes is not None and len(set(self.codes)) != len(self.codes):
            raise ValueError("a level lists each code once")


NOMINAL = Level("nominal")


def scale_level(scale: Scale) -> Level:
    """The level of measurement for a scale's ratings, with the scale's codes in its order.

    Certainty is ordinal in the order the scale lists it: high, moderate, low, very low, then
    "no evidence found" as the lowest place. We keep "no evidence" on the scale rather than drop
    it: one reviewer finding high-certainty evidence where another finds none is the widest
    disagreement there is, and treating "no evidence" as missing would hide it and raise alpha.
    Placing it just below "very low" is the smallest assumption that keeps it: GRADE's "very
    low" means any estimate is very uncertain, and no evidence means there is no estimate.
    """
    kind = "ordinal" if scale.name in ORDINAL_SCALES else "nominal"
    return Level(kind, scale.codes())


@dataclass(frozen=True)
class Agreement:
    """Agreement among all reviewers on a set of claims."""

    items: int  # claims rated by at least two reviewers: every figure rests on these
    raters: int  # reviewers who rated at least one of those claims
    level: str  # "nominal" or "ordinal": how alpha compared values
    percent: float | None  # mean share of agreeing reviewer pairs per claim, 0-100
    unanimous: float | None  # share of claims on which every reviewer agreed, 0-100
    kappa: float | None
    kappa_reason: str | None  # why kappa is None
    alpha: float | None
    alpha_reason: str | None  # why alpha is None


@dataclass(frozen=True)
class PairAgreement:
    """Agreement between two reviewers on the claims both rated."""

    rater_a: Hashable
    rater_b: Hashable
    items: int  # claims both rated
    percent: float  # 0-100
    kappa: float | None
    kappa_reason: str | None


def agreement(ratings: Iterable[Rating], level: Level = NOMINAL) -> Agreement:
    """Percent agreement, Cohen's kappa (two reviewers) and Krippendorff's alpha."""
    by_item = _shared_items(_values_by_item(ratings, level))
    raters = _raters_in_order(by_item)
    if not by_item:
        return Agreement(
            items=0,
            raters=len(raters),
            level=level.kind,
            percent=None,
            unanimous=None,
            kappa=None,
            kappa_reason=NO_SHARED_CLAIMS,
            alpha=None,
            alpha_reason=NO_SHARED_CLAIMS,
        )

    pair_shares = [_share_of_agreeing_pairs(list(values.values())) for values in by_item.values()]
    unanimous_items = sum(1 for values in by_item.values() if len(set(values.values())) == 1)

    if len(raters) == 2:
        first, second = raters
        # With only two reviewers, every shared claim has exactly their two ratings.
        kappa, kappa_reason = _kappa(
            [values[first] for values in by_item.values()],
            [values[second] for values in by_item.values()],
        )
    else:
        kappa, kappa_reason = None, NOT_TWO_REVIEWERS

    alpha, alpha_reason = _alpha(by_item, level)
    return Agreement(
        items=len(by_item),
        raters=len(raters),
        level=level.kind,
        percent=100 * sum(pair_shares) / len(pair_shares),
        unanimous=100 * unanimous_items / len(by_item),
        kappa=kappa,
        kappa_reason=kappa_reason,
        alpha=alpha,
        alpha_reason=alpha_reason,
    )


def agreement_by(
    ratings: Iterable[Rating],
    group_of: Callable[[Hashable], Hashable],
    level: Level = NOMINAL,
) -> dict[Hashable, Agreement]:
    """`agreement` per group of claims, e.g. per article with `group_of=article_of_claim.get`.

    `group_of` maps a claim (a rating's `item`) to its group. Groups come in the order their
    first rating does.
    """
    groups: dict[Hashable, list[Rating]] = {}
    for rating in ratings:
        groups.setdefault(group_of(rating.item), []).append(rating)
    return {group: agreement(members, level) for group, members in groups.items()}


def pair_matrix(ratings: Iterable[Rating]) -> list[PairAgreement]:
    """Percent agreement and Cohen's kappa for every two reviewers who share a claim.

    Reviewers are paired in the order their first rating comes (`rater_a` came first), so the
    caller decides the order, e.g. by sorting the ratings by reviewer name.
    """
    by_item = _values_by_item(ratings, NOMINAL)
    pairs = []
    for rater_a, rater_b in combinations(_raters_in_order(by_item), 2):
        shared = [
            (values[rater_a], values[rater_b])
            for values in by_item.values()
            if rater_a in values and rater_b in values
        ]
        if not shared:
            continue
        kappa, kappa_reason = _kappa([a for a, _ in shared], [b for _, b in shared])
        pairs.append(
            PairAgreement(
                rater_a=rater_a,
                rater_b=rater_b,
                items=len(shared),
                percent=100 * sum(1 for a, b in shared if a == b) / len(shared),
                kappa=kappa,
                kappa_reason=kappa_reason,
            )
        )
    return pairs


def _values_by_item(ratings: Iterable[Rating], level: Level) -> dict[Hashable, dict[Hashable, str]]:
    """{claim: {reviewer: value}}, in input order, refusing duplicates and unknown codes."""
    allowed = set(level.codes) if level.codes is not None else None
    by_item: dict[Hashable, dict[Hashable, str]] = {}
    for rating in ratings:
        if rating.value is None:
            continue
        if allowed is not None and rating.value not in allowed:
            raise ValueError(f"{rating.value!r} is not one of the codes {sorted(allowed)}")
        values = by_item.setdefault(rating.item, {})
        # One review per claim per reviewer: a second one would count the reviewer twice.
        if rating.rater in values:
            raise ValueError(f"reviewer {rating.rater!r} rated claim {rating.item!r} twice")
        values[rating.rater] = rating.value
    return by_item


def _shared_items(
    by_item: dict[Hashable, dict[Hashable, str]],
) -> dict[Hashable, dict[Hashable, str]]:
    return {item: values for item, values in by_item.items() if len(values) >= 2}


def _raters_in_order(by_item: dict[Hashable, dict[Hashable, str]]) -> list[Hashable]:
    seen: dict[Hashable, None] = {}
    for values in by_item.values():
        seen.update(dict.fromkeys(values))
    return list(seen)


def _share_of_agreeing_pairs(values: list[str]) -> float:
    pairs = list(combinations(values, 2))
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def _kappa(first: list[str], second: list[str]) -> tuple[float | None, str | None]:
    if not first:
        return None, NO_SHARED_CLAIMS
    # One value throughout means expected agreement is 1 and kappa is 0/0; scikit-learn would
    # warn and return NaN.
    if len(set(first) | set(second)) < 2:
        return None, NO_VARIATION
    return float(cohen_kappa_score(first, second)), None


def _alpha(
    by_item: dict[Hashable, dict[Hashable, str]], level: Level
) -> tuple[float | None, str | None]:
    observed = sorted({value for values in by_item.values() for value in values.values()})
    # Alpha's expected disagreement is zero when only one value occurs: 0/0 again.
    if len(observed) < 2:
        return None, NO_VARIATION
    domain = list(level.codes) if level.codes is not None else observed
    column = {code: index for index, code in enumerate(domain)}
    # Counts per claim and value, rather than a reviewer-by-claim table: that table would need
    # NaN for a missing rating, which a string array cannot hold apart from the text "nan".
    value_counts = np.zeros((len(by_item), len(domain)), dtype=int)
    for row, values in enumerate(by_item.values()):
        for value in values.values():
            value_counts[row, column[value]] += 1
    result = krippendorff.alpha(
        value_counts=value_counts,
        value_domain=domain,
        level_of_measurement=level.kind,
    )
    return float(result), None
