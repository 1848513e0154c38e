"""Agreement between reviewers, checked against values worked out by hand."""

import math
import subprocess
import sys
import warnings
from dataclasses import astuple

import pytest

from claims.agreement import (
    NO_SHARED_CLAIMS,
    NO_VARIATION,
    NOMINAL,
    NOT_TWO_REVIEWERS,
    Agreement,
    Level,
    PairAgreement,
    Rating,
    agreement,
    agreement_by,
    pair_matrix,
    scale_level,
)
from claims.scales import default_scales

VERDICTS = scale_level(default_scales()["verdict"])
CERTAINTY = scale_level(default_scales()["certainty"])


def ratings_from(table: dict[str, dict[str, str | None]]) -> list[Rating]:
    """{claim: {reviewer: value}} as a flat list of ratings."""
    return [
        Rating(item=claim, rater=reviewer, value=value)
        for claim, row in table.items()
        for reviewer, value in row.items()
    ]


@pytest.fixture(autouse=True)
def warnings_are_errors():
    # scikit-learn warns where kappa is undefined; no test here may reach that path.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def no_nan(result: Agreement | PairAgreement) -> bool:
    return not any(isinstance(field, float) and math.isnan(field) for field in astuple(result))


# Two reviewers, ten claims (a = accurate, m = misleading, i = inaccurate):
#   ann: a a a a a a m m i i
#   ben: a a a a a m m m i a
TWO_REVIEWERS = ratings_from(
    {
        f"c{n}": {"ann": ann, "ben": ben}
        for n, (ann, ben) in enumerate(
            zip(
                ["accurate"] * 6 + ["misleading"] * 2 + ["inaccurate"] * 2,
                ["accurate"] * 5 + ["misleading"] * 3 + ["inaccurate", "accurate"],
                strict=True,
            ),
            start=1,
        )
    }
)


def test_two_reviewers_kappa_and_alpha_by_hand() -> None:
    result = agreement(TWO_REVIEWERS, VERDICTS)

    # Observed: c1-c5 (a,a), c7-c8 (m,m), c9 (i,i) agree; c6 and c10 do not: po = 8/10.
    # Margins: ann a6 m2 i2, ben a6 m3 i1.
    # Expected: pe = (6*6 + 2*3 + 2*1) / 10^2 = 44/100.
    # kappa = (0.80 - 0.44) / (1 - 0.44) = 0.36 / 0.56 = 9/14.
    assert result.kappa == pytest.approx(9 / 14)
    assert result.percent == pytest.approx(80.0)
    assert result.unanimous == pytest.approx(80.0)  # the same thing with two reviewers

    # Coincidence matrix: each claim adds both ordered pairs of its values, weight 1/(2-1).
    #   o_aa = 2*5 = 10, o_mm = 2*2 = 4, o_ii = 2, o_am = o_ma = 1 (c6), o_ai = o_ia = 1 (c10).
    #   n_a = 10+1+1 = 12, n_m = 4+1 = 5, n_i = 2+1 = 3, n = 20.
    # Nominal: alpha = 1 - (n-1) * sum(o_ck, c!=k) / sum(n_c*n_k, c!=k)
    #                = 1 - 19 * 4 / (2 * (12*5 + 12*3 + 5*3)) = 1 - 76/222 = 73/111.
    assert result.alpha == pytest.approx(73 / 111)
    assert result.level == "nominal"
    assert (result.items, result.raters) == (10, 2)
    assert (result.kappa_reason, result.alpha_reason) == (None, None)


# Three reviewers, not all on every claim; c5 has one rating and counts for nothing.
THREE_REVIEWERS = ratings_from(
    {
        "c1": {"ann": "accurate", "ben": "accurate", "cat": "accurate"},
        "c2": {"ann": "accurate", "ben": "misleading"},
        "c3": {"ann": "misleading", "ben": "misleading", "cat": "misleading"},
        "c4": {"ann": "inaccurate", "cat": "inaccurate"},
        "c5": {"ann": "accurate"},
        "c6": {"ann": "accurate", "ben": "accurate", "cat": "misleading"},
    }
)


def test_three_reviewers_with_missing_ratings_by_hand() -> None:
    result = agreement(THREE_REVIEWERS, VERDICTS)

    assert (result.items, result.raters) == (5, 3)  # c5 is left out
    # Share of agreeing pairs per claim: c1 3/3, c2 0/1, c3 3/3, c4 1/1, c6 1/3 (only ann-ben).
    # Mean = (1 + 0 + 1 + 1 + 1/3) / 5 = 2/3.
    assert result.percent == pytest.approx(200 / 3)
    # All reviewers agree on c1, c3, c4: 3 of 5.
    assert result.unanimous == pytest.approx(60.0)

    # Coincidences, each ordered pair of a claim's values weighted 1/(m_u - 1):
    #   c1 (a,a,a): 6 pairs * 1/2 -> o_aa += 3     c2 (a,m): o_am += 1, o_ma += 1
    #   c3 (m,m,m): o_mm += 3                       c4 (i,i): o_ii += 2
    #   c6 (a,a,m): a-a 2 pairs * 1/2 -> o_aa += 1;
    #               a-m 2 pairs each way * 1/2 -> o_am += 1, o_ma += 1
    #   o_aa = 4, o_mm = 3, o_ii = 2, o_am = o_ma = 2; n_a = 6, n_m = 5, n_i = 2, n = 13.
    # alpha = 1 - 12 * 4 / (2 * (6*5 + 6*2 + 5*2)) = 1 - 48/104 = 7/13.
    assert result.alpha == pytest.approx(7 / 13)

    assert result.kappa is None
    assert result.kappa_reason == NOT_TWO_REVIEWERS


def test_pair_matrix_by_hand() -> None:
    pairs = {(p.rater_a, p.rater_b): p for p in pair_matrix(THREE_REVIEWERS)}
    assert list(pairs) == [("ann", "ben"), ("ann", "cat"), ("ben", "cat")]

    # ann-ben share c1 (a,a) c2 (a,m) c3 (m,m) c6 (a,a): po = 3/4.
    # ann a3 m1, ben a2 m2: pe = (3*2 + 1*2)/16 = 1/2; kappa = (3/4 - 1/2)/(1/2) = 1/2.
    assert pairs["ann", "ben"] == PairAgreement("ann", "ben", 4, 75.0, pytest.approx(0.5), None)
    # ann-cat share c1 (a,a) c3 (m,m) c4 (i,i) c6 (a,m): po = 3/4.
    # ann a2 m1 i1, cat a1 m2 i1: pe = (2*1 + 1*2 + 1*1)/16 = 5/16; kappa = (12-5)/(16-5) = 7/11.
    assert pairs["ann", "cat"].items == 4
    assert pairs["ann", "cat"].percent == pytest.approx(75.0)
    assert pairs["ann", "cat"].kappa == pytest.approx(7 / 11)
    # ben-cat share c1 (a,a) c3 (m,m) c6 (a,m): po = 2/3.
    # ben a2 m1, cat a1 m2: pe = (2*1 + 1*2)/9 = 4/9; kappa = (6/9 - 4/9)/(5/9) = 2/5.
    assert pairs["ben", "cat"].items == 3
    assert pairs["ben", "cat"].percent == pytest.approx(200 / 3)
    assert pairs["ben", "cat"].kappa == pytest.approx(0.4)


def test_pair_matrix_leaves_out_reviewers_who_share_no_claim() -> None:
    ratings = ratings_from(
        {
            "c1": {"ann": "accurate", "ben": "accurate"},
            "c2": {"ann": "misleading", "ben": "accurate"},
            "c3": {"dan": "accurate"},  # dan shares nothing with anyone
        }
    )
    assert [(p.rater_a, p.rater_b) for p in pair_matrix(ratings)] == [("ann", "ben")]


def test_pair_kappa_matches_overall_kappa_for_two_reviewers() -> None:
    (pair,) = pair_matrix(TWO_REVIEWERS)
    overall = agreement(TWO_REVIEWERS)
    assert (pair.items, pair.percent, pair.kappa) == (overall.items, overall.percent, overall.kappa)


# Certainty for six claims, two reviewers (h = high, m = moderate, l = low, v = very low,
# n = no evidence found); the scale order h > m > l > v > n.
CERTAINTY_RATINGS = ratings_from(
    {
        "c1": {"ann": "high", "ben": "high"},
        "c2": {"ann": "high", "ben": "moderate"},
        "c3": {"ann": "low", "ben": "low"},
        "c4": {"ann": "low", "ben": "very_low"},
        "c5": {"ann": "moderate", "ben": "moderate"},
        "c6": {"ann": "very_low", "ben": "no_evidence"},
    }
)


def test_certainty_alpha_is_ordinal_by_hand() -> None:
    result = agreement(CERTAINTY_RATINGS, CERTAINTY)

    # Coincidences: o_hh = 2, o_mm = 2, o_ll = 2; o_hm = o_mh = 1, o_lv = o_vl = 1, o_vn = o_nv = 1.
    # n_h = 3, n_m = 3, n_l = 3, n_v = 2, n_n = 1; n = 12.
    # Ordinal distance: d(c,k) = (sum of n_g for g from c to k - (n_c + n_k)/2)^2
    #   hm (3+3-3)^2 = 9        hl (9-3)^2 = 36       hv (11-2.5)^2 = 72.25   hn (12-2)^2 = 100
    #   ml (6-3)^2 = 9          mv (8-2.5)^2 = 30.25  mn (9-2)^2 = 49
    #   lv (5-2.5)^2 = 6.25     ln (6-2)^2 = 16       vn (3-1.5)^2 = 2.25
    # Observed: sum(o_ck * d) = 2 * (9 + 6.25 + 2.25) = 35.
    # Expected: sum(n_c * n_k * d) over c != k = 2 * (9*9 + 9*36 + 6*72.25 + 3*100 + 9*9
    #           + 6*30.25 + 3*49 + 6*6.25 + 3*16 + 2*2.25) = 2 * 1638 = 3276.
    # alpha = 1 - (n-1) * 35 / 3276 = 1 - 385/3276 = 413/468.
    assert result.alpha == pytest.approx(413 / 468)
    assert result.level == "ordinal"

    # Nominal on the same data counts every miss fully:
    # 1 - 11 * 6 / (12^2 - (9+9+9+4+1)) = 1 - 66/112 = 23/56. Ordinal is higher: all misses are
    # one step apart.
    nominal = agreement(CERTAINTY_RATINGS, Level("nominal", CERTAINTY.codes))
    assert nominal.alpha == pytest.approx(23 / 56)
    # Percent and kappa do not depend on the level: 3 of 6 claims agree.
    assert result.percent == nominal.percent == pytest.approx(50.0)
    assert result.kappa == nominal.kappa


def test_certainty_is_ordinal_with_no_evidence_lowest() -> None:
    assert CERTAINTY.kind == "ordinal"
    assert CERTAINTY.codes == ("high", "moderate", "low", "very_low", "no_evidence")
    assert VERDICTS.kind == "nominal"


def test_no_evidence_counts_as_far_from_high_evidence() -> None:
    # Same shape of data, one miss each: "high" against "no evidence" must cost more than
    # "very low" against "no evidence". Had "no evidence" been left out as missing, both would
    # score the same (their only disagreement would vanish).
    base = {
        "c1": {"ann": "high", "ben": "high"},
        "c2": {"ann": "moderate", "ben": "moderate"},
        "c3": {"ann": "low", "ben": "low"},
        "c4": {"ann": "very_low", "ben": "very_low"},
    }
    near = ratings_from({**base, "c5": {"ann": "very_low", "ben": "no_evidence"}})
    far = ratings_from({**base, "c5": {"ann": "high", "ben": "no_evidence"}})
    near_alpha = agreement(near, CERTAINTY).alpha
    far_alpha = agreement(far, CERTAINTY).alpha
    assert near_alpha is not None and far_alpha is not None
    assert far_alpha < near_alpha < 1


def test_published_example_krippendorff_2011() -> None:
    # Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): four observers,
    # twelve units, values 1-5, blanks missing; nominal alpha 0.743, ordinal 0.815.
    rows = {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
    ratings = [
        Rating(item=unit, rater=observer, value=None if value == "." else value)
        for observer, row in rows.items()
        for unit, value in enumerate(row.split())
    ]
    assert agreement(ratings).alpha == pytest.approx(0.743, abs=5e-4)
    ordinal = Level("ordinal", ("1", "2", "3", "4", "5"))
    assert agreement(ratings, ordinal).alpha == pytest.approx(0.815, abs=5e-4)
    # Unit 12 has one rating: eleven units carry the figure.
    assert agreement(ratings).items == 11


def test_per_article_and_overall() -> None:
    article_of = {"c1": "art1", "c2": "art1", "c3": "art2", "c4": "art2"}
    ratings = ratings_from(
        {
            "c1": {"ann": "accurate", "ben": "accurate"},
            "c2": {"ann": "misleading", "ben": "misleading"},
            "c3": {"ann": "accurate", "ben": "misleading"},
            "c4": {"ann": "accurate", "ben": "accurate", "cat": "accurate"},
        }
    )
    by_article = agreement_by(ratings, article_of.__getitem__, VERDICTS)
    assert list(by_article) == ["art1", "art2"]

    art1 = by_article["art1"]
    # Both claims agree, and both values occur: po = 1, pe = (1*1 + 1*1)/4 = 1/2, kappa = 1.
    assert (art1.items, art1.raters, art1.percent, art1.kappa) == (2, 2, 100.0, 1.0)

    art2 = by_article["art2"]
    # c3 0/1 pairs agree, c4 3/3: percent = 50; three reviewers, so no single kappa.
    assert (art2.items, art2.raters, art2.percent) == (2, 3, 50.0)
    assert art2.kappa is None

    overall = agreement(ratings, VERDICTS)
    # (1 + 1 + 0 + 1) / 4 claims = 75 %, not the mean of the two articles' figures weighted
    # by article: every claim weighs the same.
    assert (overall.items, overall.raters) == (4, 3)
    assert overall.percent == pytest.approx(75.0)


def test_unrated_values_are_missing_not_a_category() -> None:
    # A review with a verdict but no certainty yet: its None is left out.
    ratings = ratings_from(
        {
            "c1": {"ann": "high", "ben": None},
            "c2": {"ann": "low", "ben": "low"},
            "c3": {"ann": "high", "ben": "moderate"},
        }
    )
    result = agreement(ratings, CERTAINTY)
    assert result.items == 2
    assert result.percent == pytest.approx(50.0)


# Degenerate cases: each figure is a number or None with a reason, never NaN, never a crash.


def test_no_ratings() -> None:
    result = agreement([])
    assert (result.items, result.raters) == (0, 0)
    assert (result.percent, result.unanimous, result.kappa, result.alpha) == (None,) * 4
    assert result.kappa_reason == result.alpha_reason == NO_SHARED_CLAIMS
    assert pair_matrix([]) == []
    assert agreement_by([], str) == {}


def test_one_reviewer_gives_no_figures() -> None:
    ratings = [Rating(f"c{n}", "ann", "accurate") for n in range(5)]
    result = agreement(ratings, VERDICTS)
    assert result.items == 0
    assert (result.percent, result.kappa, result.alpha) == (None, None, None)
    assert result.alpha_reason == NO_SHARED_CLAIMS
    assert pair_matrix(ratings) == []


def test_reviewers_on_different_claims_share_nothing() -> None:
    ratings = [Rating("c1", "ann", "accurate"), Rating("c2", "ben", "misleading")]
    result = agreement(ratings, VERDICTS)
    assert result.items == 0
    assert result.kappa_reason == NO_SHARED_CLAIMS
    assert pair_matrix(ratings) == []


def test_identical_ratings_give_full_percent_and_no_kappa_or_alpha() -> None:
    # Both reviewers say "accurate" to everything: po = pe = 1, kappa = 0/0; alpha's expected
    # disagreement is 0 too. We report None with a reason, not 1.0 and not NaN.
    ratings = ratings_from({f"c{n}": {"ann": "accurate", "ben": "accurate"} for n in range(4)})
    result = agreement(ratings, VERDICTS)
    assert (result.items, result.percent, result.unanimous) == (4, 100.0, 100.0)
    assert (result.kappa, result.alpha) == (None, None)
    assert result.kappa_reason == result.alpha_reason == NO_VARIATION
    (pair,) = pair_matrix(ratings)
    assert (pair.percent, pair.kappa, pair.kappa_reason) == (100.0, None, NO_VARIATION)
    assert no_nan(result) and no_nan(pair)


def test_a_value_seen_only_on_a_single_rated_claim_does_not_rescue_alpha() -> None:
    # c2's "misleading" has no partner, so the pairable values are all "accurate".
    ratings = ratings_from(
        {
            "c1": {"ann": "accurate", "ben": "accurate"},
            "c2": {"ann": "misleading"},
        }
    )
    result = agreement(ratings, VERDICTS)
    assert result.items == 1
    assert (result.alpha, result.alpha_reason) == (None, NO_VARIATION)


def test_reviewers_who_never_agree_score_zero_kappa_and_negative_alpha() -> None:
    # ann always "accurate", ben always "misleading": po = 0, pe = (2*0 + 0*2)/4 = 0, kappa = 0.
    # Coincidences o_am = o_ma = 2, n_a = n_m = 2, n = 4: alpha = 1 - 3 * 4 / (2*2*2) = -1/2.
    ratings = ratings_from({f"c{n}": {"ann": "accurate", "ben": "misleading"} for n in range(2)})
    result = agreement(ratings, VERDICTS)
    assert result.percent == 0.0
    assert result.kappa == pytest.approx(0.0)
    assert result.alpha == pytest.approx(-0.5)


def test_a_single_shared_claim() -> None:
    agreed = agreement(ratings_from({"c1": {"ann": "low", "ben": "low"}}), CERTAINTY)
    assert (agreed.items, agreed.percent, agreed.kappa, agreed.alpha) == (1, 100.0, None, None)
    split = agreement(ratings_from({"c1": {"ann": "low", "ben": "high"}}), CERTAINTY)
    assert (split.items, split.percent) == (1, 0.0)
    assert split.kappa == pytest.approx(0.0)  # po = pe = 0
    assert no_nan(agreed) and no_nan(split)


def test_figures_are_plain_floats() -> None:
    result = agreement(THREE_REVIEWERS, VERDICTS)
    assert type(result.alpha) is float
    assert type(pair_matrix(TWO_REVIEWERS)[0].kappa) is float


# Bad input is refused rather than counted.


def test_a_reviewer_rating_a_claim_twice_is_refused() -> None:
    ratings = [Rating("c1", "ann", "accurate"), Rating("c1", "ann", "misleading")]
    with pytest.raises(ValueError, match="twice"):
        agreement(ratings)
    with pytest.raises(ValueError, match="twice"):
        pair_matrix(ratings)


def test_codes_outside_the_scale_are_refused() -> None:
    ratings = [Rating("c1", "ann", "accurate"), Rating("c1", "ben", "high")]
    with pytest.raises(ValueError, match="'high'"):
        agreement(ratings, VERDICTS)
    with pytest.raises(ValueError, match="'accurate'"):
        agreement(ratings, CERTAINTY)
    # Without a list of codes, any value is a category.
    assert agreement(ratings, NOMINAL).percent == 0.0


def test_levels_are_checked() -> None:
    with pytest.raises(ValueError):
        Level("ordinal")  # an order is needed
    with pytest.raises(ValueError):
        Level("ordinal", ("high", "high"))
    with pytest.raises(ValueError):
        Level("interval", ("1", "2"))  # type: ignore[arg-type]


def test_domain_module_stays_free_of_the_app_and_the_database() -> None:
    code = "import sys, claims.agreement; print(sorted(sys.modules))"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = completed.stdout
    assert "'claims.agreement'" in loaded
    assert "'streamlit'" not in loaded
    assert "'sqlalchemy'" not in loaded
