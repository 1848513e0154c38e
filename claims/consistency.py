"""Warnings when a review's verdict and its evidence disagree (see the review standards).

A verdict says whether the wording matches the evidence; certainty says how strong the
evidence is. They are independent, but some pairs deserve a second look before submitting.
"""

from __future__ import annotations

from collections.abc import Iterable

# Verdicts that say the evidence backs the claim, and ones that say it does not.
_AFFIRMING = {"accurate", "mostly_accurate"}
_REJECTING = {"inaccurate"}
_WEAK = {"very_low", "no_evidence"}
_STRONG = {"high", "moderate"}


def clash_warnings(
    verdict: str | None,
    certainty: str | None,
    stances: Iterable[str | None] = (),
    study_designs: Iterable[str | None] = (),
) -> list[str]:
    """One sentence per clash between the verdict, the certainty and the cited evidence."""
    warnings = []
    stances = [s for s in stances if s]
    if verdict in _AFFIRMING and certainty in _WEAK:
        warnings.append(
            "The verdict says the claim matches the evidence, but the certainty says the "
            "evidence is very weak or missing."
        )
    if verdict == "unsupported" and certainty in _STRONG:
        warnings.append(
            "The verdict says no evidence was found, but the certainty rates the evidence "
            "moderate or high."
        )
    if verdict in _REJECTING and certainty in _STRONG and "supports" in stances:
        warnings.append(
            "The verdict says the claim is contradicted, yet a cited source supports it and the "
            "evidence is rated moderate or high."
        )
    if verdict in _AFFIRMING and stances and all(s == "contradicts" for s in stances):
        warnings.append(
            "The verdict says the claim is accurate, but every cited source contradicts it."
        )
    if verdict in _AFFIRMING | _REJECTING and certainty in _STRONG:
        designs = [d for d in study_designs if d]
        if designs and all(d in ("preclinical", "mechanism", "retracted") for d in designs):
            warnings.append(
                "The certainty is moderate or high, but the only evidence cited is preclinical, "
                "mechanistic or retracted."
            )
    return warnings
