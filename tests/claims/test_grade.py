"""GRADE certainty rated by its domains, as a methodologist would check it.

Randomised evidence starts High and observational Low; five domains rate down one or two levels,
three rate observational evidence up; the certainty follows, floored at Very low and capped at
High, with a footnote for every domain that moved it.
"""

import json
import re
import subprocess
import sys

import pytest

from claims.errors import ClaimreviewError
from claims.grade import (
    DOWN_DOMAINS,
    SERIOUSNESS,
    UP_DOMAINS,
    UP_LEVELS,
    DomainRating,
    GradeAssessment,
    GradeError,
    assessment_from_form,
    suggest_start,
)
from claims.scales import default_scales

UNBLINDED = "unblinded outcome assessment in 3 of 4 trials"
WIDE_CI = "wide confidence interval crossing no effect; 84 events in total"


def down(domain: str, levels: int, reason: str = "") -> DomainRating:
    return DomainRating(domain, levels, reason)


up = down


def test_domains_are_the_handbooks_in_table_order_with_labels() -> None:
    assert list(DOWN_DOMAINS) == [
        "risk_of_bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication_bias",
    ]
    assert list(UP_DOMAINS) == ["large_effect", "dose_response", "plausible_confounding"]
    assert DOWN_DOMAINS["risk_of_bias"] == "Risk of bias"
    assert UP_DOMAINS["dose_response"] == "Dose-response gradient"
    assert SERIOUSNESS == {0: "Not serious", -1: "Serious", -2: "Very serious"}
    assert UP_LEVELS == {0: "No", 1: "Yes", 2: "Very large"}


def test_computed_codes_are_the_certainty_scales_rated_codes() -> None:
    results = {
        GradeAssessment("randomised", (down("imprecision", level, WIDE_CI),)).computed()
        for level in (0, -1, -2)
    } | {GradeAssessment("observational", (down("imprecision", -1, WIDE_CI),)).computed()}
    rated = {v.code for v in default_scales()["certainty"].values if v.rating is not None}
    assert results == rated == {"high", "moderate", "low", "very_low"}


def test_randomised_trials_with_no_serious_concern_are_high() -> None:
    assessment = GradeAssessment("randomised", ())
    assert assessment.computed() == assessment.certainty() == "high"
    assert assessment.symbols() == "⊕⊕⊕⊕"
    assert assessment.footnotes() == []


def test_observational_studies_with_no_concern_stay_low() -> None:
    assert GradeAssessment("observational", ()).computed() == "low"


def test_serious_risk_of_bias_and_very_serious_imprecision_leave_trials_very_low() -> None:
    # 4 − 1 − 2 = 1
    assessment = GradeAssessment(
        "randomised", (down("risk_of_bias", -1, UNBLINDED), down("imprecision", -2, WIDE_CI))
    )
    assert assessment.levels() == 1
    assert assessment.computed() == "very_low"
    assert assessment.certainty_label() == "Very low"
    assert assessment.symbols() == "⊕◯◯◯"


def test_one_serious_concern_takes_trials_to_moderate() -> None:
    assessment = GradeAssessment("randomised", (down("indirectness", -1, "adults only"),))
    assert assessment.computed() == "moderate"
    assert assessment.symbols() == "⊕⊕⊕◯"


def test_a_large_effect_rates_observational_evidence_up_to_moderate() -> None:
    assessment = GradeAssessment(
        "observational", (), (up("large_effect", 1, "relative risk 0.35 across four cohorts"),)
    )
    assert assessment.computed() == "moderate"
    assert assessment.warnings() == []


def test_a_very_large_effect_rates_observational_evidence_up_two_levels() -> None:
    assessment = GradeAssessment(
        "observational", (), (up("large_effect", 2, "relative risk 0.1 in every cohort"),)
    )
    assert assessment.computed() == "high"


def test_rated_down_once_and_up_once_stays_low_with_a_warning() -> None:
    assessment = GradeAssessment(
        "observational",
        (down("risk_of_bias", -1, "confounding by smoking not adjusted for in two cohorts"),),
        (up("dose_response", 1, "risk rises with each 50 g/day of processed meat"),),
    )
    assert assessment.computed() == "low"
    [warning] = assessment.warnings()
    assert "dose-response gradient" in warning
    assert "risk of bias" in warning
    assert "usually rates up only evidence with no serious reason to rate down" in warning


def test_downgrading_beyond_very_low_floors_there() -> None:
    # 4 − 2 − 2 − 1 = −1: GRADE has no level below Very low.
    assessment = GradeAssessment(
        "randomised",
        (
            down("risk_of_bias", -2, "no allocation concealment, unblinded, 30% lost"),
            down("imprecision", -2, WIDE_CI),
            down("publication_bias", -1, "only small industry-funded trials published"),
        ),
    )
    assert assessment.levels() == -1
    assert assessment.computed() == "very_low"
    assert assessment.symbols() == "⊕◯◯◯"


def test_observational_evidence_rated_down_once_is_very_low() -> None:
    assessment = GradeAssessment(
        "observational", (down("inconsistency", -1, "effects in opposite directions"),)
    )
    assert assessment.computed() == "very_low"


def test_rating_up_beyond_high_caps_there() -> None:
    # 2 + 2 + 1 + 1 = 6: GRADE has no level above High.
    assessment = GradeAssessment(
        "observational",
        (),
        (
            up("large_effect", 2, "relative risk 12 for lung cancer in heavy smokers"),
            up("dose_response", 1, "risk rises with pack-years"),
            up("plausible_confounding", 1, "healthy-smoker bias would reduce the effect"),
        ),
    )
    assert assessment.levels() == 6
    assert assessment.computed() == "high"


@pytest.mark.parametrize("reason", ["", "   \n"])
@pytest.mark.parametrize("levels", [-1, -2])
def test_a_serious_rating_without_a_reason_is_refused(levels: int, reason: str) -> None:
    with pytest.raises(GradeError) as refused:
        DomainRating("imprecision", levels, reason)
    message = str(refused.value)
    assert message.startswith("Imprecision is rated ")
    assert "without a reason" in message
    assert "Say why" in message


def test_rating_up_without_a_reason_is_refused() -> None:
    with pytest.raises(GradeError, match=r"Large effect rates the evidence up .* without a reason"):
        DomainRating("large_effect", 1)


def test_a_not_serious_rating_may_carry_a_reason_and_moves_nothing() -> None:
    rating = down("risk_of_bias", 0, "all trials concealed allocation and blinded assessors")
    assessment = GradeAssessment("randomised", (rating,))
    assert assessment.computed() == "high"
    assert assessment.footnotes() == []
    assert assessment.down[0].reason.startswith("all trials concealed")


def test_rating_up_randomised_evidence_is_refused_with_the_reason() -> None:
    with pytest.raises(GradeError) as refused:
        GradeAssessment(
            "randomised",
            (down("risk_of_bias", -1, UNBLINDED),),
            (up("large_effect", 1, "relative risk 0.3"),),
        )
    message = str(refused.value)
    assert message.startswith("Randomised evidence cannot be rated up (here for large effect)")
    assert "starts at High" in message
    assert "observational" in message


def test_randomised_evidence_may_list_reasons_to_rate_up_set_to_no() -> None:
    assessment = assessment_from_form(
        "randomised", {}, {"large_effect": (0, ""), "dose_response": (0, "")}
    )
    assert assessment.computed() == "high"


@pytest.mark.parametrize(
    ("domain", "levels", "expected"),
    [
        ("risk_of_bias", 1, "Risk of bias cannot move the rating by +1"),
        ("risk_of_bias", -3, "Risk of bias cannot move the rating by -3"),
        ("dose_response", 2, "choose 0 (No) or 1 (Yes)"),
        ("plausible_confounding", 2, "choose 0 (No) or 1 (Yes)"),
        ("large_effect", 3, "choose 0 (No), 1 (Yes) or 2 (Very large)"),
        ("large_effect", -1, "Large effect cannot move the rating by -1"),
    ],
)
def test_levels_out_of_a_domains_range_are_refused(domain, levels, expected) -> None:
    with pytest.raises(GradeError, match=re.escape(expected)):
        DomainRating(domain, levels, "a reason")


def test_a_domain_on_the_wrong_side_is_refused() -> None:
    with pytest.raises(GradeError, match="Large effect is a reason to rate up, not down"):
        GradeAssessment("observational", (up("large_effect", 1, "relative risk 0.2"),))
    with pytest.raises(GradeError, match="Imprecision is a reason to rate down, not up"):
        GradeAssessment("observational", (), (down("imprecision", -1, WIDE_CI),))


def test_a_domain_rated_twice_is_refused() -> None:
    with pytest.raises(GradeError, match="Risk of bias is rated twice"):
        GradeAssessment(
            "randomised", (down("risk_of_bias", -1, UNBLINDED), down("risk_of_bias", 0))
        )


def test_an_unknown_domain_or_start_is_refused() -> None:
    with pytest.raises(GradeError, match="'applicability' is not a GRADE domain"):
        DomainRating("applicability", -1, "other population")
    with pytest.raises(GradeError, match="choose 'randomised'"):
        GradeAssessment("randomized", ())


def test_footnotes_are_lettered_in_table_order_and_worded_as_a_summary_of_findings() -> None:
    assessment = GradeAssessment(
        "observational",
        (
            down("imprecision", -2, WIDE_CI),  # given out of order on purpose
            down("inconsistency", 0, "consistent across cohorts"),
            down("risk_of_bias", -1, "allocation not concealed in 2 of 3 trials."),
        ),
        (up("dose_response", 1, "risk rises with each 50 g/day of processed meat"),),
    )
    assert assessment.footnotes() == [
        "a. Rated down one level for risk of bias: allocation not concealed in 2 of 3 trials.",
        f"b. Rated down two levels for imprecision: {WIDE_CI}.",
        "c. Rated up one level for dose-response gradient: risk rises with each 50 g/day of "
        "processed meat.",
    ]
    assert assessment.footnote_letters() == {
        "risk_of_bias": "a",
        "imprecision": "b",
        "dose_response": "c",
    }


def test_a_very_large_effect_footnote_says_so() -> None:
    assessment = GradeAssessment(
        "observational", (), (up("large_effect", 2, "relative risk 0.1 in every cohort"),)
    )
    assert assessment.footnotes() == [
        "a. Rated up two levels for very large effect: relative risk 0.1 in every cohort."
    ]


def test_an_override_without_a_reason_is_refused() -> None:
    with pytest.raises(GradeError) as refused:
        GradeAssessment("randomised", (down("risk_of_bias", -1, UNBLINDED),), override="low")
    message = str(refused.value)
    assert "Overriding the certainty the domains give (Moderate) with Low needs a reason" in (
        message
    )


def test_an_override_with_a_reason_stands_and_is_footnoted() -> None:
    reason = "the only trials are in one hospital, by the product's maker"
    assessment = GradeAssessment(
        "randomised",
        (down("risk_of_bias", -1, UNBLINDED),),
        override="low",
        override_reason=reason,
    )
    assert assessment.computed() == "moderate"
    assert assessment.certainty() == "low"
    assert assessment.symbols() == "⊕⊕◯◯"
    assert assessment.footnotes()[-1] == (
        f"b. Certainty judged low rather than the moderate the domains give: {reason}."
    )


def test_an_override_equal_to_the_computed_certainty_is_not_an_override() -> None:
    assessment = GradeAssessment(
        "randomised", (down("risk_of_bias", -1, UNBLINDED),), override="moderate"
    )
    assert assessment.override is None
    assert assessment.override_reason == ""
    assert len(assessment.footnotes()) == 1


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("no_evidence", "'No evidence found' cannot override"),
        ("certain", "'certain' is not a certainty to override with"),
        (3, "3 is not a certainty to override with"),
    ],
)
def test_an_override_off_the_rated_scale_is_refused(override, expected) -> None:
    with pytest.raises(GradeError, match=expected):
        GradeAssessment("randomised", (), override=override, override_reason="a reason")


def test_no_starting_level_means_no_assessment() -> None:
    with pytest.raises(GradeError) as refused:
        assessment_from_form(suggest_start(["preclinical", "mechanism"]), {}, {})
    assert "needs a starting level" in str(refused.value)
    assert "No evidence found" in str(refused.value)


def test_a_form_builds_the_same_assessment_as_the_domains() -> None:
    from_form = assessment_from_form(
        "randomised",
        {
            "risk_of_bias": (-1, UNBLINDED),
            "inconsistency": (0, ""),
            "imprecision": (-2, WIDE_CI),
        },
        {},
    )
    direct = GradeAssessment(
        "randomised", (down("imprecision", -2, WIDE_CI), down("risk_of_bias", -1, UNBLINDED))
    )
    assert from_form == direct
    assert from_form.computed() == "very_low"


def test_a_malformed_form_choice_is_refused() -> None:
    with pytest.raises(GradeError, match=r"give the form's choice as \(levels, reason\)"):
        assessment_from_form("randomised", {"imprecision": -1}, {})  # type: ignore[dict-item]


def test_json_round_trip_keeps_the_assessment() -> None:
    assessment = GradeAssessment(
        "observational",
        (down("indirectness", -1, "surrogate outcome (LDL) rather than heart attacks"),),
        (up("large_effect", 1, "relative risk 0.4 across five cohorts"),),
        override="very_low",
        override_reason="cohorts share one registry",
    )
    data = json.loads(json.dumps(assessment.to_json()))
    assert data["start"] == "observational"
    assert list(data["down"]) == list(DOWN_DOMAINS)
    assert data["down"]["indirectness"] == {
        "levels": -1,
        "reason": "surrogate outcome (LDL) rather than heart attacks",
    }
    again = GradeAssessment.from_json(data)
    assert again == assessment
    assert again.certainty() == "very_low"
    assert again.footnotes() == assessment.footnotes()


def test_json_may_leave_out_domains_that_move_nothing() -> None:
    assessment = GradeAssessment.from_json(
        {"start": "randomised", "down": {"imprecision": {"levels": -1, "reason": WIDE_CI}}}
    )
    assert assessment.computed() == "moderate"


VALID = {"start": "randomised", "down": {"imprecision": {"levels": -1, "reason": WIDE_CI}}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([VALID], "must be a JSON object .* got a list"),
        (None, "must be a JSON object .* got null"),
        ("high", "must be a JSON object .* got the text 'high'"),
        ({"down": {}}, "has no 'start'"),
        ({"start": "randomised"}, "has no 'down'"),
        ({"start": None, "down": {}}, "needs a starting level"),
        ({"start": 4, "down": {}}, "4 is not where GRADE starts"),
        ({**VALID, "certainty": "high"}, "Unknown field\\(s\\) 'certainty'"),
        ({"start": "randomised", "down": []}, "'down' must be an object keyed by domain"),
        (
            {"start": "randomised", "down": {"applicability": {"levels": -1, "reason": "x"}}},
            "'applicability' is not a reason to rate down",
        ),
        (
            {"start": "randomised", "down": {}, "up": {"risk_of_bias": {"levels": 0}}},
            "'risk_of_bias' is not a reason to rate up",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": 7, "reason": "x"}}},
            "Imprecision cannot move the rating by \\+7",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": "-1", "reason": "x"}}},
            "must be a whole number.*not the text '-1'",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": -1.0, "reason": "x"}}},
            "must be a whole number.*not the number -1.0",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": True, "reason": "x"}}},
            "must be a whole number.*not the boolean true",
        ),
        ({"start": "randomised", "down": {"imprecision": -1}}, "must be an object with 'levels'"),
        ({"start": "randomised", "down": {"imprecision": {"reason": "x"}}}, "has no 'levels'"),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": -1, "reason": 5}}},
            "the reason must be text, not the number 5",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": -1, "reason": "x" * 5000}}},
            "the reason has 5000 characters",
        ),
        (
            {"start": "randomised", "down": {"imprecision": {"levels": -1, "why": "x"}}},
            "Unknown field\\(s\\) 'why' in 'down.imprecision'",
        ),
        (
            {**VALID, "override": "low", "override_reason": ["a", "list"]},
            "override's reason must be text, not a list",
        ),
        (
            {
                "start": "randomised",
                "down": {},
                "up": {"dose_response": {"levels": 1, "reason": "gradient"}},
            },
            "Randomised evidence cannot be rated up",
        ),
    ],
)
def test_hostile_or_malformed_json_is_refused_with_a_clear_error(data, expected) -> None:
    with pytest.raises(ClaimreviewError, match=expected):
        GradeAssessment.from_json(data)


@pytest.mark.parametrize(
    ("designs", "expected"),
    [
        (["rct"], "randomised"),
        (["systematic_review", None], "randomised"),
        (["cohort", "rct"], "randomised"),
        (["cohort"], "observational"),
        (["case_series", "mechanism"], "observational"),
        (["preclinical", "preprint", "retracted"], None),
        (["guideline", "narrative_review", "mechanism"], None),
        ([None], None),
        ([], None),
    ],
)
def test_the_start_is_suggested_from_the_cited_study_designs(designs, expected) -> None:
    assert suggest_start(designs) == expected
    assert suggest_start(iter(designs)) == expected  # any iterable, read once


def test_every_suggested_start_is_a_start_an_assessment_accepts() -> None:
    designs = default_scales()["study_design"].codes()
    starts = {suggest_start([design]) for design in designs} - {None}
    assert starts == {"randomised", "observational"}
    for start in starts:
        GradeAssessment(start, ())


def test_the_grade_module_stays_free_of_the_app_and_the_database() -> None:
    code = "import sys, claims.grade; print(sorted(sys.modules))"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "'claims.grade'" in completed.stdout
    assert "'streamlit'" not in completed.stdout
    assert "'sqlalchemy'" not in completed.stdout
