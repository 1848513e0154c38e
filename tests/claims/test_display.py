"""Tests of values as people read them (claims/display.py): dates and audit changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from claims.display import (
    EMPTY,
    change_lines,
    changes_text,
    format_date,
    format_datetime,
    format_value,
    shorten,
)


def test_a_datetime_reads_as_people_write_it() -> None:
    assert format_datetime(datetime(2026, 12, 6, 14, 3, 59, tzinfo=UTC)) == "6 Dec 2026, 14:03 UTC"
    assert format_datetime(datetime(2026, 1, 16, 9, 5, tzinfo=UTC)) == "16 Jan 2026, 09:05 UTC"


def test_a_datetime_in_another_zone_is_shown_in_utc_and_a_naive_one_is_taken_as_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert format_datetime(datetime(2026, 12, 6, 15, 3, tzinfo=paris)) == "6 Dec 2026, 14:03 UTC"
    assert format_datetime(datetime(2026, 12, 31, 23, 30)) == "31 Dec 2026, 23:30 UTC"
    late = timezone(timedelta(hours=-5))
    assert format_datetime(datetime(2026, 12, 31, 20, 0, tzinfo=late)) == "1 Jan 2027, 01:00 UTC"


def test_a_missing_datetime() -> None:
    assert format_datetime(None) == EMPTY
    assert format_datetime(None, missing="Never") == "Never"


def test_a_date() -> None:
    assert format_date(date(2026, 5, 1)) == "1 May 2026"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        ("", "—"),
        ("   ", "—"),
        ([], "—"),
        ({}, "—"),
        (True, "yes"),
        (False, "no"),
        (0, "0"),
        (12, "12"),
        (0.25, "0.25"),
        ("supported", "supported"),
        ("two\nlines  and\ttabs", "two lines and tabs"),
        (["editor", "reviewer"], "editor, reviewer"),
        ([3, 5, 8], "3, 5, 8"),
        (datetime(2026, 12, 6, 14, 3, tzinfo=UTC), "6 Dec 2026, 14:03 UTC"),
        ("2026-12-06T14:03:07.123456+00:00", "6 Dec 2026, 14:03 UTC"),
        ("2026-12-06T14:03:07Z", "6 Dec 2026, 14:03 UTC"),
        ("2026-12-06", "6 Dec 2026"),
        ("2026-13-45", "2026-13-45"),  # looks like a date, is none: left as it is
        ({"citation_id": 3, "stance": "supports", "quote": ""}, "citation id 3, stance Supports"),
        (
            [{"citation_id": 3, "stance": "supports"}, {"citation_id": 4, "stance": "mixed"}],
            "(citation id 3, stance Supports); (citation id 4, stance Mixed)",
        ),
    ],
)
def test_values_in_words(value: object, shown: str) -> None:
    assert format_value(value) == shown


def test_long_text_is_shortened_with_an_ellipsis() -> None:
    text = "word " * 100
    shown = format_value(text, max_chars=30)
    assert len(shown) <= 30 and shown.endswith("…") and shown.startswith("word word")
    assert shorten("short", 30) == "short"
    assert shorten("x" * 30, 30) == "x" * 30
    assert shorten("x" * 31, 30) == "x" * 29 + "…"


def test_only_changed_fields_are_listed_as_before_and_after() -> None:
    before = {"username": "bo", "roles": ["reviewer"], "is_active": True, "display_name": "Bo"}
    after = {"username": "bo", "roles": ["editor", "reviewer"], "is_active": False}
    assert change_lines(before, after) == [
        "roles: reviewer → editor, reviewer",
        "is active: yes → no",
        "display name: Bo (removed)",
    ]


def test_a_field_new_in_after_and_an_emptied_or_filled_field() -> None:
    before = {"verdict": None, "rationale": "Because.", "status": "draft"}
    after = {"verdict": "supported", "rationale": "", "status": "draft", "note": "See p. 4"}
    assert change_lines(before, after) == [
        "verdict: — → supported",
        "rationale: Because. → —",
        "note: See p. 4 (new)",
    ]


def test_a_created_thing_lists_its_values_and_a_deleted_one_what_it_had() -> None:
    imported = {
        "title": "Green tea",
        "source_format": "txt",
        "source_filename": None,
        "claims": 12,
        "checkable_claims": 9,
    }
    assert change_lines(None, imported) == [
        "title: Green tea",
        "source format: txt",
        "claims: 12",
        "checkable claims: 9",
    ]
    withdrawn = {"verdict": "accurate", "certainty": "high", "note": "", "based_on_reviews": [4]}
    assert change_lines(withdrawn, None) == [
        "verdict: Accurate (removed)",
        "certainty: High (removed)",
        "based on reviews: 4 (removed)",
    ]


def test_a_review_save_with_a_citation() -> None:
    before = {
        "verdict": "mostly_accurate",
        "certainty": None,
        "rationale": "",
        "status": "draft",
        "citations": [],
    }
    after = {
        "verdict": "inaccurate",
        "certainty": "very_low",
        "rationale": "The trial says otherwise.",
        "status": "submitted",
        "citations": [{"citation_id": 7, "stance": "contradicts", "quote": "", "locator": "p. 3"}],
    }
    assert change_lines(before, after) == [
        "verdict: Mostly accurate → Inaccurate",
        "certainty: — → Very low",
        "rationale: — → The trial says otherwise.",
        "status: draft → submitted",
        "citations: — → citation id 7, stance Contradicts, locator p. 3",
    ]


def test_codes_are_shown_with_their_labels_and_unknown_codes_as_they_are() -> None:
    assert change_lines({"verdict": "accurate"}, {"verdict": "not_checkable"}) == [
        "verdict: Accurate → Not a checkable claim"
    ]
    assert change_lines(None, {"reason": "unanimous", "study_design": "rct"}) == [
        "reason: Reviewers agreed",
        "study design: Randomised trial",
    ]
    assert change_lines({"verdict": "old_code"}, {"verdict": "accurate"}) == [
        "verdict: old_code → Accurate"
    ]
    assert change_lines({"status": "a"}, {"status": "b"}, labels={"status": {"b": "Bee"}}) == [
        "status: a → Bee"
    ]
    assert format_value("accurate") == "accurate"  # a code only means something for its field
    assert format_value("accurate", field="verdict") == "Accurate"


def test_long_texts_that_differ_late_show_where_they_differ() -> None:
    start = "The study of 400 adults found a modest fall in blood pressure over two years "
    [line] = change_lines({"text": start + "in men."}, {"text": start + "in women."}, max_chars=40)
    old, new = line.removeprefix("text: ").split(" → ")
    assert old != new
    assert old.startswith("…") and old.endswith("in men.")
    assert new.startswith("…") and new.endswith("in women.")


def test_nothing_to_show() -> None:
    assert change_lines(None, None) == []
    assert change_lines({"a": 1}, {"a": 1}) == []
    assert change_lines({"a": None}, {"a": ""}) == []  # empty either way
    assert changes_text(None, None) == ""
    assert changes_text({"a": 1}, {"a": 1}) == "no change"
    assert changes_text({"a": 1, "b": True}, {"a": 2, "b": False}) == "a: 1 → 2\nb: yes → no"


def test_no_raw_values_leak() -> None:
    before = {"a": None, "b": {"c": None}, "d": [None, True]}
    after = {"a": [], "b": {"c": "x"}, "d": [False], "e": {}}
    text = changes_text(before, after)
    assert "None" not in text and "True" not in text and "False" not in text
    assert "{" not in text and "}" not in text and "[" not in text
    assert text == "b: — → c x\nd: yes → no"
