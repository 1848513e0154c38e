"""Tests of "seen before" (claims/matching.py): what a reviewer sees beside a claim they open.

A paraphrase of the claim is offered as the same claim and comes first; a negated claim is
offered as the opposite claim, never as the same; a claim about something else in the same
words is not the same claim. The last test runs the whole pair file through the same candidate
step as bench/seen_before.py (an FTS5 table of the earlier claims, the top 30 by bm25 for an OR
of the search terms).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from claims.matching import (
    OPPOSITE,
    RELATED,
    RELATED_FLOOR,
    SAME,
    SAME_THRESHOLD,
    Comparison,
    Match,
    compare,
    rank,
    search_terms,
)

PAIRS = Path(__file__).resolve().parent.parent / "data" / "seen_before_pairs.jsonl"

CLAIM = "Walking 30 minutes a day cuts the risk of heart attack by a third in middle-aged women."
PARAPHRASE = (
    "Middle-aged women who walk for half an hour daily are about 33% less likely to have a "
    "myocardial infarction."
)
DECOYS = [
    (
        "negated",
        "Walking 30 minutes a day does not cut the risk of heart attack in middle-aged women.",
    ),
    (
        "other outcome",
        "Walking 30 minutes a day cuts the risk of depression by a third in middle-aged women.",
    ),
    ("other subject", "Middle-aged women who smoke are twice as likely to have a heart attack."),
    ("far", "Sunscreen prevents melanoma in lifeguards."),
]


def test_a_paraphrase_is_the_same_claim_and_ranks_first_among_decoys() -> None:
    for candidates in ([("pair", PARAPHRASE), *DECOYS], [*DECOYS, ("pair", PARAPHRASE)]):
        matches = rank(CLAIM, candidates, limit=10)
        assert matches[0].key == "pair"
        assert matches[0].relation == SAME
        assert [m.key for m in matches if m.relation == SAME] == ["pair"]
        relations = {m.key: m.relation for m in matches}
        assert relations["negated"] == OPPOSITE
        assert relations.get("other outcome", RELATED) == RELATED
        assert "far" not in relations  # below RELATED_FLOOR: not shown


@pytest.mark.parametrize(
    ("claim", "paraphrase"),
    [
        (
            "Kids who eat breakfast are less likely to be obese.",
            "Children who have breakfast have a lower risk of obesity.",
        ),
        (
            "The whooping cough jab given in pregnancy halves hospital admissions of newborns.",
            "Pertussis vaccination during pregnancy cuts hospitalisations of newborn babies by 50 "
            "percent.",
        ),
        (
            "Chemo shrinks tumours in one in four patients.",
            "Chemotherapy reduces tumor size in 25% of patients.",
        ),
        (
            "Cutting down on coffee lowers blood pressure within weeks.",
            "Blood pressure falls within a few weeks of drinking less coffee.",
        ),
        (
            "Arnica cream is no more effective than a placebo for bruising.",
            "For bruises, arnica cream works no better than a dummy pill.",
        ),
    ],
)
def test_paraphrases_in_other_words_are_the_same_claim(claim: str, paraphrase: str) -> None:
    for a, b in ((claim, paraphrase), (paraphrase, claim)):
        found = compare(a, b)
        assert found.relation == SAME
        assert SAME_THRESHOLD <= found.similarity <= 1


AFFIRMED = "Zinc lozenges shorten colds in adults."


@pytest.mark.parametrize(
    "negated",
    [
        "Zinc lozenges do not shorten colds in adults.",
        "Zinc lozenges don't shorten colds in adults.",
        "Zinc lozenges won’t shorten colds in adults.",  # a typographic apostrophe
        "Zinc lozenges never shorten colds in adults.",
        "Zinc lozenges cannot shorten colds in adults.",
        "Zinc lozenges fail to shorten colds in adults.",
        "Zinc lozenges failed to shorten colds in adults, a trial found.",
        "Zinc lozenges have no effect on colds in adults.",
        "There is no evidence that zinc lozenges shorten colds in adults.",
    ],
)
def test_a_negated_claim_is_the_opposite_whichever_sentence_negates(negated: str) -> None:
    for claim, earlier in ((AFFIRMED, negated), (negated, AFFIRMED)):
        found = compare(claim, earlier)
        assert found.relation == OPPOSITE, (claim, earlier, found)
        [match] = rank(claim, [(1, earlier)])
        assert match.relation == OPPOSITE


@pytest.mark.parametrize(
    ("claim", "opposite"),
    [
        ("Vitamin D cures COVID-19.", "Vitamin D does not cure COVID-19."),
        (
            "Coffee is linked to pancreatic cancer.",
            "There is no link between coffee and pancreatic cancer.",
        ),
        ("Coffee is linked to pancreatic cancer.", "Coffee is unrelated to pancreatic cancer."),
        (
            "Magnet bracelets are effective for arthritis pain.",
            "Magnet bracelets are ineffective for arthritis pain.",
        ),
        ("Saunas are safe for pregnant women.", "Saunas are not safe for pregnant women."),
        # Direction words: the same content, the other way.
        (
            "Sugary drinks raise blood pressure in teenagers.",
            "Sugary drinks lower blood pressure in teenagers.",
        ),
        (
            "Screen time improves attention in young children.",
            "Screen time worsens attention in young children.",
        ),
        (
            "Smokers are more likely to develop gum disease.",
            "Smokers are less likely to develop gum disease.",
        ),
        ("Statins increase the risk of diabetes.", "Statins decrease the risk of diabetes."),
    ],
)
def test_negation_cues_and_direction_antonyms_make_the_opposite(claim: str, opposite: str) -> None:
    assert compare(claim, opposite).relation == OPPOSITE
    assert compare(opposite, claim).relation == OPPOSITE


@pytest.mark.parametrize(
    ("claim", "same"),
    [
        (
            "Green tea extract did not lower mortality in patients with heart failure.",
            "In heart failure patients, green tea extract failed to reduce deaths.",
        ),
        (
            "Aspirin does not prevent heart attacks in healthy older people.",
            "For healthy seniors, aspirin offers no protection against myocardial infarction.",
        ),
        (
            "Magnet bracelets have no effect on arthritis pain.",
            "Magnet bracelets are ineffective for arthritis pain.",
        ),
        (
            "Coffee is unrelated to pancreatic cancer.",
            "There is no link between coffee and pancreatic cancer.",
        ),
        ("Saunas are safe for pregnant women.", "Saunas pose no danger to pregnant women."),
    ],
)
def test_two_negatives_that_say_the_same_are_the_same_claim(claim: str, same: str) -> None:
    assert compare(claim, same).relation == SAME
    assert compare(same, claim).relation == SAME


@pytest.mark.parametrize(
    ("claim", "other"),
    [
        (
            "Statins reduce the risk of liver cancer in older adults.",
            "Statins reduce the risk of kidney failure in older adults.",
        ),
        (
            "Yoga eases chronic back pain in office workers.",
            "Yoga eases chronic neck pain in office workers.",
        ),
        (
            "A daily glass of orange juice raises the risk of gout in men.",
            "A daily glass of orange juice raises the risk of gout in women.",
        ),
        (
            "Two portions of oily fish a week lower the risk of dementia in adults over 65.",
            "Two portions of oily fish a week lower the risk of macular degeneration in adults "
            "over 65.",
        ),
    ],
)
def test_a_claim_about_something_else_in_the_same_words_is_not_the_same(
    claim: str, other: str
) -> None:
    found = compare(claim, other)
    assert found.relation != SAME
    assert found.similarity < SAME_THRESHOLD


def test_a_paraphrase_outranks_the_same_sentence_with_its_outcome_swapped() -> None:
    claim = "Children who spend two hours a day outdoors are less likely to become short-sighted."
    paraphrase = "Kids who play outside for 2 hours daily have a lower risk of short-sightedness."
    swapped = "Children who spend two hours a day outdoors are less likely to become overweight."
    matches = rank(claim, [("swapped", swapped), ("paraphrase", paraphrase)])
    assert [m.key for m in matches][:1] == ["paraphrase"]
    assert all(m.relation != SAME for m in matches if m.key == "swapped")


def test_rank_orders_best_first_keeps_keys_and_honours_the_limit_and_floor() -> None:
    candidates = [((n, "article"), text) for n, (_, text) in enumerate(DECOYS)]
    candidates.append(((99, "article"), PARAPHRASE))
    matches = rank(CLAIM, candidates, limit=3)
    assert 1 <= len(matches) <= 3
    assert all(isinstance(m, Match) for m in matches)
    order = [(0 if m.relation == SAME else 1 if m.relation == OPPOSITE else 2) for m in matches]
    assert order == sorted(order)  # the same claim first, then the opposite, then related
    for relation in (SAME, OPPOSITE, RELATED):
        found = [m.similarity for m in matches if m.relation == relation]
        assert found == sorted(found, reverse=True)
    assert all(RELATED_FLOOR <= m.similarity <= 1 for m in matches)
    assert {m.key for m in matches} <= {key for key, _ in candidates}
    assert dict(candidates)[matches[0].key] == matches[0].text
    assert rank(CLAIM, candidates, limit=0) == []
    assert rank(CLAIM, []) == []
    # rank and compare agree: the weights do not depend on the other candidates.
    for match in matches:
        assert compare(CLAIM, match.text) == Comparison(match.similarity, match.relation)


def test_search_terms_are_content_words_safe_for_a_full_text_query() -> None:
    terms = search_terms(
        "Vitamin D doesn't cure COVID-19, and there is NO evidence it fails to help!"
    )
    assert terms[:3] == ["vitamin", "covid", "cure"]
    assert not {"doesn", "not", "no", "and", "there", "is", "it", "fails", "fail"} & set(terms)
    assert all(re.fullmatch(r"[a-z0-9]+", term) for term in terms)
    assert len(terms) == len(set(terms))
    assert len(search_terms(PARAPHRASE, limit=4)) == 4
    # Accents go, as the database's tokenizer drops them.
    assert search_terms("Ménière's disease")[0] == "meniere"
    # Other words for the claim's concepts widen the search: "children" for "kids".
    assert "children" in search_terms("Kids who skip breakfast snack more.")


def test_search_terms_put_rare_long_words_before_reporting_and_direction_words() -> None:
    terms = search_terms("Researchers say glucosamine lowers knee pain, a new study shows.")
    assert terms[0] == "glucosamine"
    assert terms.index("knee") < terms.index("lowers")
    assert terms.index("pain") < terms.index("researchers")


@pytest.mark.parametrize(
    "text",
    [
        'Quotes " and (brackets) AND OR NOT NEAR * ^ - : should not break the query.',
        "Ärzte sagen: Kaffee schützt vor Krebs 😀 — ça va?",
        "No. Not never none nothing.",
        "",
        "!!! ... ,,, ???",
    ],
)
def test_search_terms_never_break_an_fts5_query(text: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE earlier USING fts5(text, tokenize='porter unicode61')")
    db.execute("INSERT INTO earlier (text) VALUES ('Coffee protects against cancer.')")
    terms = search_terms(text)
    assert all(re.fullmatch(r"[a-z0-9]+", term) for term in terms)
    if terms:
        db.execute("SELECT rowid FROM earlier WHERE earlier MATCH ?", (_or(terms),)).fetchall()


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "...", "12", "Not.", "😀", "ä" * 50, "no no no not never", "covid-19 ½ 1/2"],
)
def test_empty_or_odd_input_does_not_crash(text: str) -> None:
    for a, b in ((text, AFFIRMED), (AFFIRMED, text), (text, text)):
        found = compare(a, b)
        assert 0 <= found.similarity <= 1
        assert found.relation in (SAME, OPPOSITE, RELATED)
    assert isinstance(search_terms(text), list)
    for match in rank(text, [(1, text), (2, AFFIRMED)]):
        assert 0 <= match.similarity <= 1


def test_very_long_text_is_handled_quickly() -> None:
    long = " ".join([CLAIM, PARAPHRASE, AFFIRMED] * 700)  # about 150,000 characters
    started = time.perf_counter()
    found = compare(long, CLAIM)
    terms = search_terms(long)
    rank(long, [(n, text) for n, (_, text) in enumerate(DECOYS)])
    assert 0 <= found.similarity <= 1
    assert 0 < len(terms) <= 12
    assert time.perf_counter() - started < 5


def test_ranking_thirty_candidates_takes_milliseconds() -> None:
    pairs = _pairs()
    texts = [pair["earlier"] for pair in pairs]
    timings = []
    for n in range(20):
        candidates = [(k, f"{text} ({n})") for k, text in enumerate(texts[n * 10 : n * 10 + 30])]
        started = time.perf_counter()
        rank(pairs[n]["later"], candidates)  # each candidate new: analysed afresh
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[len(timings) // 2] < 0.025  # a loose bound; the bench measures


def test_stems_agree_with_the_database_porter_tokenizer() -> None:
    from claims.matching import _stem

    words = sorted(
        {
            w
            for pair in _pairs()
            for w in re.findall(r"[a-z]+", f"{pair['earlier']} {pair['later']}".lower())
        }
    )
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE words USING fts5(word, tokenize='porter ascii')")
    db.execute("CREATE VIRTUAL TABLE stems USING fts5vocab(words, 'instance')")
    db.executemany("INSERT INTO words (rowid, word) VALUES (?, ?)", enumerate(words))
    theirs = dict(db.execute("SELECT doc, term FROM stems").fetchall())
    assert len(words) > 1000
    assert [_stem(word) for word in words] == [theirs[n] for n in range(len(words))]


def test_every_synonym_names_one_concept_and_carries_no_polarity() -> None:
    from claims.matching import _keys_of, _lexicon

    lexicon = _lexicon()
    groups = json.loads(
        (
            Path(__file__).resolve().parents[2] / "claims" / "data" / "health_synonyms.json"
        ).read_text("utf-8")
    )["groups"]
    owner: dict[tuple[str, ...], str] = {}
    for group in groups:
        assert len(group) >= 2, group
        for phrase in group:
            keys = _keys_of(phrase)
            assert keys, phrase
            assert owner.setdefault(keys, group[0]) == group[0], (phrase, owner[keys], group[0])
            polar = lexicon.negations | lexicon.upward | lexicon.downward
            assert not set(keys) & polar, phrase


# --- The whole pair file, through the database's candidate step ------------------------------


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _or(terms: list[str]) -> str:
    return " OR ".join(f'"{term}"' for term in terms)


def test_the_pair_file_seen_before_is_precise_and_never_offers_a_negation_as_the_same() -> None:
    pairs = _pairs()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE earlier USING fts5(text, tokenize='porter unicode61')")
    db.executemany(
        "INSERT INTO earlier (rowid, text) VALUES (?, ?)",
        [(n, pair["earlier"]) for n, pair in enumerate(pairs)],
    )
    top_same = top_same_right = negations = negations_as_same = 0
    for n, pair in enumerate(pairs):
        terms = search_terms(pair["later"])
        candidates = db.execute(
            "SELECT rowid, text FROM earlier WHERE earlier MATCH ? ORDER BY bm25(earlier) LIMIT 30",
            (_or(terms),),
        ).fetchall()
        matches = rank(pair["later"], candidates)
        if matches and matches[0].relation == SAME:
            top_same += 1
            top_same_right += matches[0].key == n and pair["kind"] == "paraphrase"
        if pair["kind"] == "negation":
            negations += 1
            negations_as_same += any(m.key == n and m.relation == SAME for m in matches)
    assert len(pairs) == 275 and negations == 78
    assert top_same >= 30  # seen before is offered, not only withheld
    assert top_same_right / top_same >= 0.9
    assert negations_as_same / negations <= 0.05
