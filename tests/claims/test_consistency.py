"""Verdict and certainty clashes a reviewer is warned about before submitting."""

import pytest

from claims.consistency import clash_warnings


@pytest.mark.parametrize(
    ("verdict", "certainty", "stances", "designs", "expected"),
    [
        ("accurate", "very_low", [], [], "very weak or missing"),
        ("mostly_accurate", "no_evidence", [], [], "very weak or missing"),
        ("unsupported", "high", [], [], "no evidence was found"),
        ("inaccurate", "high", ["supports"], [], "a cited source supports it"),
        ("accurate", "low", ["contradicts", "contradicts"], [], "every cited source contradicts"),
        ("accurate", "high", ["supports"], ["preclinical"], "preclinical"),
    ],
)
def test_clashes_are_named(verdict, certainty, stances, designs, expected) -> None:
    warnings = clash_warnings(verdict, certainty, stances, designs)
    assert any(expected in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("verdict", "certainty", "stances"),
    [
        ("accurate", "high", ["supports"]),
        ("misleading", "very_low", []),  # a misleading claim on weak evidence is coherent
        ("inaccurate", "high", ["contradicts"]),
        ("accurate", None, []),
        (None, None, []),
    ],
)
def test_coherent_reviews_get_no_warning(verdict, certainty, stances) -> None:
    assert clash_warnings(verdict, certainty, stances) == []
