"""Bylines, datelines and a news service's label: metadata about an article, never claims."""

from __future__ import annotations

import pytest

from claims.bylines import Byline, read_byline
from claims.extraction import split_text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Maria Lopez, MA", Byline(author="Maria Lopez, MA")),
        ("BY MARIA LOPEZ", Byline(author="MARIA LOPEZ")),
        ("Written by Ana Ruiz on July 27, 2017", Byline(author="Ana Ruiz")),
        ("By Jane Doe and John Roe", Byline(author="Jane Doe and John Roe")),
        ("By Dr. Jane Smith", Byline(author="Dr. Jane Smith")),
        ("Reviewed by Hans D. Berg, MD", Byline(reviewer="Hans D. Berg, MD")),
        (
            "Reviewed by Hans D. Berg, MD on February 20, 2015",
            Byline(reviewer="Hans D. Berg, MD"),
        ),
        ("Reviewed By: Jane Doe, MD", Byline(reviewer="Jane Doe, MD")),
        (
            "Medically reviewed by Debra Stone, PhD, MSN, R.N., IBCLC — Written by Ana Ruiz "
            "— Updated on July 27, 2017",
            Byline(author="Ana Ruiz", reviewer="Debra Stone, PhD, MSN, R.N., IBCLC", dated=True),
        ),
        ("By Jane Doe | March 5, 2024", Byline(author="Jane Doe", dated=True)),
        ("Published Thursday 27 July 2017 Published Thu 27 Jul 2017", Byline(dated=True)),
        ("Updated: 12/03/2024", Byline(dated=True)),
        ("April 28, 2019 at 6:01 am Updated April 29, 2019 at 3:33 pm", Byline(dated=True)),
        ("WebMD Health News", Byline(publication=True)),
    ],
)
def test_bylines_are_read(line: str, expected: Byline) -> None:
    assert read_byline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "By contrast, the placebo group improved.",
        "By the numbers, vaccines work.",
        "By 2030, half of adults will be obese.",
        "By The Numbers",
        "Latest News",
        "Reviewed studies show the drug works.",
        "Feb. 23, 2015 -- Peanut allergies have been on the rise.",
        "Obesity Raises Risk of Death from Covid-19",
        "By Eating Less Sugar",
        "By Monday",
        "By Cutting Salt, You Lower Blood Pressure",
        "Good News",
        "Coffee Drinkers Get Good News",
    ],
)
def test_sentences_are_no_bylines(line: str) -> None:
    assert read_byline(line) is None


def test_a_long_line_of_names_is_read_and_not_tried_every_way() -> None:
    """Each comma could start a credential or a new name: read once, not both ways (which
    took minutes on such a line, and hung the import). A watchdog turns a hang into a failure."""
    import signal

    def hung(*_: object) -> None:
        raise TimeoutError("read_byline backtracked over every comma")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        names = read_byline("By " + ", ".join(["AB"] * 16))
        prose = read_byline("By " + ", ".join(["Ab Cd"] * 16) + " x")
        study = read_byline("By " + ", ".join(["AB"] * 60))  # a study's author list
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert names == Byline(author=", ".join(["AB"] * 16))
    assert prose is None and study is None


def test_bylines_in_an_article_are_not_checkable_claims() -> None:
    text = (
        "Babies Who Eat Peanuts Early May Avoid Allergy\n\n"
        "By Maria Lopez, MA\n\n"
        "WebMD Health News\n\n"
        "Reviewed by Hans D. Berg, MD\n\n"
        "Published: 5 March 2024\n\n"
        "By contrast, babies who avoided peanuts were five times as likely to be allergic."
    )
    kinds = [(c.kind, c.checkable, c.text) for c in split_text(text)]
    assert kinds == [
        ("claim", True, "Babies Who Eat Peanuts Early May Avoid Allergy"),
        ("byline", False, "By Maria Lopez, MA"),
        ("byline", False, "WebMD Health News"),
        ("byline", False, "Reviewed by Hans D. Berg, MD"),
        ("byline", False, "Published: 5 March 2024"),
        (
            "claim",
            True,
            "By contrast, babies who avoided peanuts were five times as likely to be allergic.",
        ),
    ]
