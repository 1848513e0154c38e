"""Tests of the lexicon of overclaiming cues (claims/data/cues.json) and how it is applied."""

from __future__ import annotations

import json
import random
import re
from importlib import resources

import pytest

from claims.cues import CUE_KINDS, CUE_MAX_CHARS, Cue, _parse_lexicon, find_cues


def cues_of(sentence: str) -> list[tuple[str, str]]:
    found = find_cues(sentence)
    for cue in found:
        assert sentence[cue.start : cue.end] == cue.text
    return [(cue.kind, cue.text.lower()) for cue in found]


def kinds_of(sentence: str) -> set[str]:
    return {kind for kind, _ in cues_of(sentence)}


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("It targets only cancer cells.", "only"),
        ("The drug always works.", "always"),
        ("Patients never relapse.", "never"),
        ("All patients responded.", "all"),
        ("The tumour disappeared completely.", "completely"),
        ("Remission is guaranteed.", "guaranteed"),
        ("This ensures a good outcome.", "ensures"),
        ("The treatment is proven.", "proven"),
        ("Every patient benefits.", "every"),
        ("It is 100% effective.", "100%"),
        ("Healthy cells are left unharmed.", "unharmed"),
        ("The therapy has no side effects.", "no side effects"),
        ("The procedure is risk-free.", "risk-free"),
    ],
)
def test_absolute_words(sentence: str, word: str) -> None:
    assert ("absolute", word) in cues_of(sentence)


@pytest.mark.parametrize(
    "word", ["cure", "cures", "cured", "breakthrough", "miracle", "game-changer", "revolutionary"]
)
def test_cure_and_breakthrough_talk(word: str) -> None:
    assert ("cure", word) in cues_of(f"This {word} changes everything for patients.")


UNATTRIBUTED = [
    "Studies have shown that it works.",
    "Research shows that it works.",
    "Research has proven that it works.",
    "Scientists say that it works.",
    "Experts agree that it works.",
    "Evidence suggests that it works.",
    "It is well known that it works.",
    "The drug has shown promising results in older patients.",
    "Studies showed that it works.",
    "The research showed that it works.",
    "One study found that it works.",
    "Experts warn that it works.",
    "Researchers reported that it works.",
]


@pytest.mark.parametrize("sentence", UNATTRIBUTED)
def test_unattributed_evidence(sentence: str) -> None:
    assert "unattributed_evidence" in kinds_of(sentence)


@pytest.mark.parametrize(
    "source",
    [
        "[12]",
        "[3, 4]",
        "[5-7]",
        "(Smith et al., 2020)",
        "(Smith 2020)",
        "(Smith and Jones, 2019)",
        "(doi:10.1056/NEJMoa1234)",
        "(doi.org/10.1056/NEJMoa1234)",
        "(PMID 12345678)",
        "(NCT01234567)",
        "as published in Blood",
        "according to the FDA",
        "in the MAIA trial",
    ],
)
@pytest.mark.parametrize("sentence", UNATTRIBUTED)
def test_unattributed_evidence_is_cancelled_by_a_source(sentence: str, source: str) -> None:
    attributed = sentence[:-1] + " " + source + "."
    assert "unattributed_evidence" not in kinds_of(attributed), attributed


@pytest.mark.parametrize(
    ("phrase"),
    [
        "more effective",
        "fewer side effects",
        "better quality of life",
        "safer",
        "less toxic",
        "superior",
        "better equipped",
    ],
)
def test_comparatives_without_comparator(phrase: str) -> None:
    sentence = f"Immunotherapy is {phrase} for most people."
    assert ("comparative", phrase) in cues_of(sentence)
    for comparator in (
        "than chemotherapy",
        "compared with chemotherapy",
        "compared to chemotherapy",
        "versus chemotherapy",
        "vs chemotherapy",
        "vs. chemotherapy",
        "relative to chemotherapy",
        "unlike chemotherapy",
    ):
        with_comparator = f"Immunotherapy is {phrase} {comparator} for most people."
        assert "comparative" not in kinds_of(with_comparator), with_comparator


@pytest.mark.parametrize(
    "sentence",
    [
        "It boosts the immune system.",
        "It works by boosting your immune system.",
        "Exercise strengthens your immune system.",
        "It improves the immune system's ability to fight disease.",
        "A detox supports recovery.",
        "This tea supercharges recovery.",
        "It restores natural defences.",
    ],
)
def test_vague_mechanism(sentence: str) -> None:
    assert "vague_mechanism" in kinds_of(sentence)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("It may help.", "may"),
        ("It might help.", "might"),
        ("It could help.", "could"),
        ("It potentially helps.", "potentially"),
        ("It possibly helps.", "possibly"),
        ("Perhaps it helps.", "perhaps"),
        ("It is possible that it helps.", "it is possible"),
    ],
)
def test_hedges_are_recorded_as_hedges(sentence: str, word: str) -> None:
    found = [cue for cue in find_cues(sentence) if cue.kind == "hedge"]
    assert [cue.text.lower() for cue in found] == [word]
    assert "hedge" in found[0].reason.lower() and "not a fault" in found[0].reason.lower()


@pytest.mark.parametrize(
    "sentence",
    [
        "The overall response rate was 40%.",  # "all" inside "overall"
        "They recalled the batch.",  # "all" inside "recalled"
        "The results were nevertheless clear.",  # "never" inside "nevertheless"
        "The site is secure.",  # "cure" inside "secure"
        "Mayo Clinic staff agreed.",  # "may" inside "Mayo"
        "All-cause mortality fell.",  # "all" in a hyphenated term
        "The trial started in May 2020.",  # the month
        "It not only shrinks tumours but also eases pain.",  # "not only"
    ],
)
def test_words_inside_other_words_do_not_match(sentence: str) -> None:
    assert cues_of(sentence) == []


def test_overlapping_cues_of_different_kinds_are_all_kept() -> None:
    found = cues_of("Research has proven it is a cure.")
    assert ("unattributed_evidence", "research has proven") in found
    assert ("absolute", "proven") in found
    assert ("cure", "cure") in found


def test_overlapping_cues_of_one_kind_become_one() -> None:
    sentence = "It works by boosting your immune system's ability to fight."
    found = [cue for cue in find_cues(sentence) if cue.kind == "vague_mechanism"]
    assert len(found) == 1
    assert found[0].text == "boosting your immune system's ability"


def test_cue_spans_reasons_and_order() -> None:
    sentence = "Studies have shown it may cure ALL cancers, always."
    found = find_cues(sentence)
    assert [c.start for c in found] == sorted(c.start for c in found)
    for cue in found:
        assert isinstance(cue, Cue)
        assert cue.kind in CUE_KINDS
        assert sentence[cue.start : cue.end] == cue.text
        assert cue.reason and "\n" not in cue.reason
    assert found[0].to_dict() == {
        "kind": "unattributed_evidence",
        "start": 0,
        "end": len("Studies have shown"),
        "text": "Studies have shown",
        "reason": found[0].reason,
    }


def test_offsets_hold_when_lowercasing_changes_length() -> None:
    sentence = "\u0130stanbul doctors say it is a cure."  # "İ" lowercases to two characters
    found = find_cues(sentence)
    assert [(c.kind, c.text) for c in found] == [
        ("unattributed_evidence", "doctors say"),
        ("cure", "cure"),
    ]
    for cue in found:
        assert sentence[cue.start : cue.end] == cue.text


def test_lexicon_data_is_valid() -> None:
    content = resources.files("claims").joinpath("data", "cues.json").read_text("utf-8")
    data = json.loads(content)
    assert {entry["kind"] for entry in data["cues"]} == set(CUE_KINDS)
    for entry in data["cues"]:
        assert set(entry) <= {"kind", "pattern", "reason", "unless"}
        re.compile(entry["pattern"])
        assert entry["reason"].strip() and "\n" not in entry["reason"]
    assert len(_parse_lexicon(content).entries) == len(data["cues"])


def test_lexicon_errors() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        _parse_lexicon('{"cues": [{"kind": "hype", "pattern": "x", "reason": "r"}]}')
    with pytest.raises(ValueError, match="one line"):
        _parse_lexicon('{"cues": [{"kind": "cure", "pattern": "x", "reason": "a\\nb"}]}')


def test_a_phrase_spread_over_much_whitespace_is_no_cue() -> None:
    assert cues_of("Studies" + " " * 300 + "show it.") == []
    assert all(len(c.text) <= CUE_MAX_CHARS for c in find_cues("boost " + "  " * 99 + "x"))


def test_a_long_sentence_completes() -> None:
    sentence = "studies show it may cure all " * 40_000
    found = find_cues(sentence)
    assert {cue.kind for cue in found} == {"unattributed_evidence", "hedge", "cure", "absolute"}


@pytest.mark.parametrize("citation", [".12", ".3,4", ".5\u20137", ".11 12", ".2-4"])
@pytest.mark.parametrize("sentence", ["Studies have shown it works", "Research showed it works"])
def test_superscript_citation_numbers_are_a_source(sentence: str, citation: str) -> None:
    assert "unattributed_evidence" not in kinds_of(sentence + citation)
    assert "unattributed_evidence" in kinds_of(sentence + ".")


def test_decimal_numbers_are_no_superscript_citation() -> None:
    assert "unattributed_evidence" in kinds_of("Studies show a dose of 2.5 mg works.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Only 5% responded.",
        "Only 12 patients responded.",
        "Only about 30 percent of patients respond.",
        "Only one in five patients responded.",
        "Only a few patients responded.",
        "Not all patients respond.",
        "Not every patient responds.",
        "Not everyone benefits.",
        "It does not always work.",
        "It doesn't always work.",
        "Every day, take one tablet with water.",
        "Take it every 4 hours.",
        "Take it every other day.",
        "Every two weeks, the dose is checked.",
        "After all, it is cheap.",
        "Above all, ask your doctor.",
    ],
)
def test_quantities_negations_and_frequencies_are_not_absolute(sentence: str) -> None:
    assert "absolute" not in kinds_of(sentence)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Only this drug works.", "only"),
        ("It works every time.", "every"),
        ("Every single patient benefits.", "every"),
        ("All of them always respond.", "all"),
        ("All of them always respond.", "always"),
        ("Everyone benefits.", "everyone"),
    ],
)
def test_absolute_words_stay_absolute_next_to_those_exceptions(sentence: str, word: str) -> None:
    assert ("absolute", word) in cues_of(sentence)


PER_UNIT_EVERY = [
    "For every 1 mmol/L increase in LDL cholesterol, the risk rose by 20%.",
    "For every 10 mg/dL rise in glucose, mortality rose by 3%.",
    "Every 1 kg/m2 increase in BMI raised the risk by 5%.",
    "Blood pressure fell by 1 mmHg for every 5 kg of weight lost.",
    "For every 1,000 people screened, two deaths were prevented.",
    "The risk rose with every additional year of exposure.",
    "Every extra hour of sleep lowered the score.",
    "For every mmol/L reduction in LDL cholesterol, events fell by a fifth.",
    "Every SD increase in HbA1c raised the odds by 30%.",
    "Every one-unit increase in the score doubled the odds.",
    "For every ten kilograms lost, blood pressure fell.",
    "For every increase of 1 mmol/L, the risk rose.",
    "Every doubling of the dose halved the viral load.",
    "The infusion is given every 3 months.",
    "The injection is repeated every two weeks.",
    "Scans are done every 6 to 8 weeks.",
]


@pytest.mark.parametrize("sentence", PER_UNIT_EVERY)
def test_every_before_a_quantity_or_schedule_is_not_absolute(sentence: str) -> None:
    # A dose-response or per-unit "every" ("for every 1 mmol/L increase") and a dosing
    # schedule say how much, not that something holds in every case.
    assert "absolute" not in kinds_of(sentence)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Every patient responds.", "every"),
        ("It works for everyone.", "everyone"),
        ("In every case, the tumour shrank.", "every"),
        ("Every study shows that it works.", "every"),
        ("Every one of the patients responded.", "every"),
        ("It helps every patient, whatever the dose.", "every"),
        ("For every 1 mmol/L drop, every patient benefits.", "every"),
    ],
)
def test_every_without_a_quantity_stays_absolute(sentence: str, word: str) -> None:
    assert ("absolute", word) in cues_of(sentence)


def test_every_before_a_quantity_is_skipped_without_the_private_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fallback that tries every entry on every sentence reads the same lexicon data.
    from claims import cues

    monkeypatch.setattr(cues, "_parser", None)
    cues._lexicon.cache_clear()
    try:
        assert not cues._lexicon().entries_by_word  # really the fallback
        for sentence in PER_UNIT_EVERY:
            assert "absolute" not in kinds_of(sentence), sentence
        assert ("absolute", "every") in cues_of("Every patient responds.")
    finally:
        cues._lexicon.cache_clear()


# Words and phrases of the lexicon, look-alikes and the punctuation around them, for sentences
# that put every cue in many surroundings.
PHRASES = [
    "only", "not only", "only 5", "always", "not always", "never", "all", "after all", "every",
    "every day", "every 10 mg", "every additional", "every mmol", "everyone", "completely",
    "100%", "100 percent", "guaranteed", "ensures",
    "proven", "no side effects", "side-effect-free", "risk-free", "no risk", "no risk factors",
    "cure", "cures", "cure-all", "secure", "breakthrough", "game-changer", "studies have shown",
    "research shows", "a recent study found", "a meta-analysis showed", "experts say",
    "it is well known", "has shown promising results", "more effective", "than", "fewer",
    "side effects", "better outcomes", "safer", "boosts your immune system",
    "immune system's ability", "detox", "natural defences", "may", "may 5", "in may", "might",
    "could", "it is possible", "[12]", "(Smith et al., 2020)", "according to", "Mayo",
    "overall", "nevertheless", "the", "patients", "drug",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", "-", "\n", "\t", "\u00a0", "_", "'", "/"]
LEXICON = _parse_lexicon(resources.files("claims").joinpath("data", "cues.json").read_text("utf-8"))


def every_match(entry_regex: re.Pattern[str], sentence: str) -> list[re.Match[str]]:
    """Every match of a lexicon entry, at every position (also inside a longer match)."""
    found = (entry_regex.match(sentence, position) for position in range(len(sentence)))
    return [m for m in found if m]


@pytest.mark.parametrize("seed", range(300))
def test_every_phrase_of_the_lexicon_is_found_wherever_it_stands(seed: int) -> None:
    rng = random.Random(seed)
    words = [rng.choice(PHRASES) for _ in range(rng.randint(1, 14))]
    words = [w.capitalize() if rng.random() < 0.2 else w for w in words]
    sentence = "".join(w + rng.choice(SEPARATORS) for w in words).strip()
    found = find_cues(sentence)
    expected_kinds = set()
    for entry in LEXICON.entries:
        if entry.unless is not None and entry.unless.search(sentence):
            continue
        for m in every_match(entry.regex, sentence):
            expected_kinds.add(entry.kind)
            # Overlapping cues of one kind are merged: each match starts inside a cue of its kind.
            assert any(c.kind == entry.kind and c.start <= m.start() < c.end for c in found), (
                sentence,
                entry.kind,
                m.group(),
            )
    assert {c.kind for c in found} == expected_kinds, sentence


def test_without_pythons_private_pattern_parser_every_cue_is_still_found(
    monkeypatch: pytest.MonkeyPatch, demo_text: str
) -> None:
    # The word index that skips most sentences reads patterns with re's private parser; a
    # Python without it tries every entry on every sentence and finds the same cues.
    from claims import cues

    expected = [find_cues(line) for line in demo_text.splitlines()]
    monkeypatch.setattr(cues, "_parser", None)
    cues._lexicon.cache_clear()
    try:
        assert [find_cues(line) for line in demo_text.splitlines()] == expected
    finally:
        cues._lexicon.cache_clear()
