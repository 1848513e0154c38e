"""Tests of claim extraction: spans, sections, labels, checkability and cues."""

from __future__ import annotations

import json
import random
import re
from importlib import resources

import pytest

from claims.document import Block, BlockKind, Document
from claims.extraction import (
    CLAIM_KINDS,
    CUE_KINDS,
    SECTION_MAX_CHARS,
    ExtractedClaim,
    extract_claims,
    split_text,
)

NUMBERED = re.compile(r"\d{1,3}\. ")


def check_claims(doc: Document, claims: list[ExtractedClaim]) -> None:
    """What must hold for every document: exact spans, order, kinds, cue spans."""
    previous_end = 0
    for claim in claims:
        assert doc.text[claim.start : claim.end] == claim.text
        assert claim.text and claim.text == claim.text.strip()
        assert claim.start >= previous_end
        previous_end = claim.end
        assert claim.kind in CLAIM_KINDS
        assert claim.checkable == (claim.kind == "claim")
        for cue in claim.cues:
            assert cue.kind in CUE_KINDS
            assert claim.text[cue.start : cue.end] == cue.text
            assert cue.reason and "\n" not in cue.reason


def chunk_blocks(text: str, kind_of=lambda chunk: "paragraph") -> list[Block]:
    """Blocks for the blank-line-separated chunks of ``text``."""
    blocks = []
    for m in re.finditer(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", text, re.DOTALL):
        blocks.append(Block(kind_of(m.group()), m.start(), m.end()))
    return blocks


def document(text: str, blocks: list[tuple[BlockKind, str]] | None = None) -> Document:
    """A Document whose blocks are the given (kind, exact text) pieces of ``text``, in order."""
    found = []
    position = 0
    for kind, piece in blocks or []:
        start = text.index(piece, position)
        position = start + len(piece)
        found.append(Block(kind, start, position, 1 if kind == "heading" else 0))
    return Document(text=text, source_format="txt", blocks=found)


def extract(doc: Document) -> list[ExtractedClaim]:
    claims = extract_claims(doc)
    check_claims(doc, claims)
    return claims


def by_text(claims: list[ExtractedClaim], beginning: str) -> ExtractedClaim:
    (claim,) = [c for c in claims if c.text.startswith(beginning)]
    return claim


# --- The demo article -----------------------------------------------------------------------

DEMO_TEXT = (
    resources.files("claims")
    .joinpath("data", "demo", "multiple-myeloma-immunotherapy.txt")
    .read_text("utf-8")
)
SECTIONS = [
    "Targeted Treatment",
    "Improved Effectiveness",
    "Personalized Treatment",
    "Long Term Benefits",
    "Reduced Risk of Relapse",
]


def demo_document(numbered_kind: BlockKind) -> Document:
    def kind_of(chunk: str) -> BlockKind:
        return numbered_kind if NUMBERED.match(chunk) else "paragraph"

    return Document(DEMO_TEXT, "txt", blocks=chunk_blocks(DEMO_TEXT, kind_of))


@pytest.fixture(scope="module")
def demo_claims() -> list[ExtractedClaim]:
    doc = demo_document("list_item")
    return extract(doc)


def test_demo_claim_count_and_offsets(demo_claims: list[ExtractedClaim]) -> None:
    # 3 + 4 sentences in the two opening paragraphs, a label and 3 sentences in each of the
    # five numbered ones, 3 in the conclusion.
    assert len(demo_claims) == 30
    assert sum(c.checkable for c in demo_claims) == 24
    for claim in demo_claims:
        assert DEMO_TEXT[claim.start : claim.end] == claim.text


def test_demo_same_result_for_paragraphs_list_items_and_no_blocks(
    demo_claims: list[ExtractedClaim],
) -> None:
    as_paragraphs = extract(demo_document("paragraph"))
    no_blocks = split_text(DEMO_TEXT)
    check_claims(Document(DEMO_TEXT, "txt"), no_blocks)
    assert as_paragraphs == demo_claims
    assert no_blocks == demo_claims


def test_demo_sections(demo_claims: list[ExtractedClaim]) -> None:
    assert [c.section for c in demo_claims[:7]] == [None] * 7
    assert [c.section for c in demo_claims[-3:]] == [None] * 3
    numbered = demo_claims[7:27]
    assert [c.section for c in numbered] == [name for name in SECTIONS for _ in range(4)]
    for claim in demo_claims:
        assert not NUMBERED.match(claim.text)
    # Each label is a non-checkable heading claim of its own, never part of a sentence.
    labels = [c for c in demo_claims if c.kind == "heading"]
    assert [(c.text, c.section, c.checkable) for c in labels] == [
        (name, name, False) for name in SECTIONS
    ]
    assert cue_kinds(labels[1])["comparative"] == ["Improved Effectiveness"]
    for claim in demo_claims:
        if claim.kind != "heading":
            assert not any(claim.text.startswith(name) for name in SECTIONS)
    assert by_text(demo_claims, "One of the significant").start == DEMO_TEXT.index("One of the")


def test_demo_signpost(demo_claims: list[ExtractedClaim]) -> None:
    claim = by_text(demo_claims, "Here are some")
    assert claim.text == "Here are some positive benefits of multiple myeloma immunotherapy."
    assert claim.kind == "signpost" and not claim.checkable
    assert [c.kind for c in demo_claims if not c.checkable] == ["signpost"] + ["heading"] * 5


def cue_kinds(claim: ExtractedClaim) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for cue in claim.cues:
        kinds.setdefault(cue.kind, []).append(cue.text)
    return kinds


def test_demo_cues(demo_claims: list[ExtractedClaim]) -> None:
    only = by_text(demo_claims, "One of the significant benefits")
    assert only.text == (
        "One of the significant benefits of immunotherapy is that it targets only cancer cells, "
        "unlike traditional chemotherapy, which can also damage healthy cells."
    )
    assert only.checkable and only.kind == "claim"
    assert cue_kinds(only)["absolute"] == ["only"]

    studies = by_text(demo_claims, "However, studies have shown")
    assert cue_kinds(studies)["unattributed_evidence"] == ["studies have shown"]

    boosting = by_text(demo_claims, "Immunotherapy works by boosting")
    assert "immune system's ability" in cue_kinds(boosting)["vague_mechanism"][0]
    assert cue_kinds(boosting)["absolute"] == ["unharmed"]

    fewer = by_text(demo_claims, "This targeted approach results in fewer side effects")
    assert cue_kinds(fewer)["comparative"] == ["fewer side effects", "better quality of life"]

    cure = by_text(demo_claims, "This can lead to longer remission periods")
    assert cue_kinds(cure)["cure"] == ["cure"]
    assert cue_kinds(cure)["hedge"] == ["potentially"]

    breakthrough = by_text(demo_claims, "In conclusion, immunotherapy has brought")
    assert cue_kinds(breakthrough)["cure"] == ["breakthrough"]

    promising = by_text(demo_claims, "However, immunotherapy has shown promising results")
    assert "unattributed_evidence" in cue_kinds(promising)

    possible = by_text(demo_claims, "As research and advancements")
    assert cue_kinds(possible)["hedge"] == ["it is possible"]


def test_demo_to_dict_is_json_ready(demo_claims: list[ExtractedClaim]) -> None:
    dumped = json.loads(json.dumps([c.to_dict() for c in demo_claims]))
    first = dumped[8]
    assert set(first) == {"start", "end", "text", "section", "checkable", "kind", "cues"}
    assert first["section"] == "Targeted Treatment"
    assert first["cues"][0] == {
        "kind": "absolute",
        "start": first["text"].index("only"),
        "end": first["text"].index("only") + 4,
        "text": "only",
        "reason": demo_claims[8].cues[0].reason,
    }


# --- Headings, markers and labels -----------------------------------------------------------


def test_headings_set_the_section_until_the_next_heading() -> None:
    text = (
        "Multiple myeloma\n\nIt is a blood cancer. It affects plasma cells.\n\n"
        "Treatment\n\nChemotherapy is common.\n\n- Immunotherapy is newer."
    )
    doc = document(
        text,
        [
            ("heading", "Multiple myeloma"),
            ("paragraph", "It is a blood cancer. It affects plasma cells."),
            ("heading", "Treatment"),
            ("paragraph", "Chemotherapy is common."),
            ("list_item", "- Immunotherapy is newer."),
        ],
    )
    claims = extract(doc)
    assert [(c.text, c.kind, c.checkable, c.section) for c in claims] == [
        ("Multiple myeloma", "heading", False, "Multiple myeloma"),
        ("It is a blood cancer.", "claim", True, "Multiple myeloma"),
        ("It affects plasma cells.", "claim", True, "Multiple myeloma"),
        ("Treatment", "heading", False, "Treatment"),
        ("Chemotherapy is common.", "claim", True, "Treatment"),
        ("Immunotherapy is newer.", "claim", True, "Treatment"),
    ]


def test_a_very_long_heading_gives_a_shortened_section_name() -> None:
    heading = "Word " * 200 + "end"
    text = heading + "\n\nIt helps."
    claims = extract(document(text, [("heading", heading), ("paragraph", "It helps.")]))
    assert claims[0].text == heading
    assert len(claims[0].section) <= SECTION_MAX_CHARS
    assert claims[0].section.endswith("Word\u2026")
    assert claims[1].section == claims[0].section


def test_markdown_hashes_are_not_part_of_a_heading() -> None:
    text = "## What it does\n\nIt helps."
    claims = extract(document(text, [("heading", "## What it does"), ("paragraph", "It helps.")]))
    assert claims[0].text == "What it does" and claims[1].section == "What it does"


def test_label_applies_only_to_its_own_block() -> None:
    text = (
        "Benefits\n\n1. Targeted Treatment: It targets cancer cells. It spares others.\n\n"
        "Other treatments exist too."
    )
    claims = extract(
        document(
            text,
            [
                ("heading", "Benefits"),
                ("list_item", "1. Targeted Treatment: It targets cancer cells. It spares others."),
                ("paragraph", "Other treatments exist too."),
            ],
        )
    )
    assert [(c.text, c.section) for c in claims] == [
        ("Benefits", "Benefits"),
        ("Targeted Treatment", "Targeted Treatment"),
        ("It targets cancer cells.", "Targeted Treatment"),
        ("It spares others.", "Targeted Treatment"),
        ("Other treatments exist too.", "Benefits"),
    ]
    no_heading = split_text("- Fewer Visits: Patients come less often.\n\nThe end is near.")
    assert [(c.text, c.section) for c in no_heading] == [
        ("Fewer Visits", "Fewer Visits"),
        ("Patients come less often.", "Fewer Visits"),
        ("The end is near.", None),
    ]


@pytest.mark.parametrize(
    ("text", "section", "first"),
    [
        ("1. Targeted Treatment: One of the benefits is speed.", "Targeted Treatment", "One of"),
        ("2) Reduced Risk of Relapse: Relapse is rarer.", "Reduced Risk of Relapse", "Relapse"),
        ("- Side effects: Fatigue and nausea are common.", "Side effects", "Fatigue"),
        ("* Cost: It is expensive.", "Cost", "It is"),
        ("\u2022 Step 1: Ask your doctor about it.", "Step 1", "Ask"),
        ("a) Dosing: Take it once a day.", "Dosing", "Take"),
        ("Bottom Line: Immunotherapy helps many people.", "Bottom Line", "Immunotherapy"),
        ("3. Long\nTerm Benefits: It lasts for years.", "Long Term Benefits", "It lasts"),
        # Imperatives and adjectives are no reporting verbs in a Title Case label.
        ("- Tell Your Doctor: Ask about side effects.", "Tell Your Doctor", "Ask"),
        ("- Recommended Dose: Take 5 mg a day.", "Recommended Dose", "Take"),
        ("- Say No to Sugar: It helps.", "Say No to Sugar", "It helps"),
    ],
)
def test_markers_and_labels_are_stripped(text: str, section: str, first: str) -> None:
    label, sentence, *_ = extract(document(text))
    assert (label.kind, label.section, label.checkable) == ("heading", section, False)
    assert " ".join(label.text.split()) == section
    assert sentence.section == section
    assert sentence.text.startswith(first)
    assert sentence.start == text.index(first, text.index(":"))


@pytest.mark.parametrize(
    "text",
    [
        "Note that: the dose matters for everyone.",
        "- Note that: the dose matters for everyone.",
        "The trial had two arms that were compared over five years: placebo and drug.",
        "1. The trial had two arms: placebo and drug.",
        "Patients in the trial: most were over 65.",
        "In summary: the drug works.",
        "Side effects: Fatigue is common.",  # sentence case without a marker
        "- Side effects: fatigue and nausea are common.",  # sentence case, then lowercase
        "However, the results were clear: it works.",
        "Targeted Treatment: one of the benefits is speed.",  # no marker, lowercase after
        "The time was 10:30 when it started.",
    ],
)
def test_prose_with_a_colon_is_not_a_label(text: str) -> None:
    claims = extract(document(text))
    assert claims[0].section is None
    stripped = re.sub(r"^(?:\d{1,3}[.)]|[-*\u2022+]|[a-z][.)])\s+", "", text)
    assert claims[0].start == text.index(stripped)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("- One study found: statins cut deaths by 30%.", "One study found"),
        ("- Experts warn: Statins raise the risk of diabetes.", "Experts warn"),
        ("- The FDA says: Statins are safe for most adults.", None),
        ("- In 2020 researchers reported: Statins cut deaths.", "researchers reported"),
        ("- My doctor told me: Statins cause memory loss.", None),
        ("Experts Warn: Statins raise the risk of diabetes.", "Experts Warn"),
    ],
)
def test_what_someone_reported_is_the_claim_not_a_label(text: str, cue: str | None) -> None:
    (claim,) = extract(document(text))
    assert claim.section is None
    assert claim.text == text.removeprefix("- ")
    evidence = cue_kinds(claim).get("unattributed_evidence", [])
    assert evidence == ([cue] if cue else [])


def test_a_label_is_its_own_heading_claim_with_its_cues() -> None:
    text = "- Miracle Cure: Turmeric reduces joint pain. It is cheap."
    claims = extract(document(text, [("list_item", text)]))
    assert [(c.text, c.section, c.kind) for c in claims] == [
        ("Miracle Cure", "Miracle Cure", "heading"),
        ("Turmeric reduces joint pain.", "Miracle Cure", "claim"),
        ("It is cheap.", "Miracle Cure", "claim"),
    ]
    assert cue_kinds(claims[0])["cure"] == ["Miracle", "Cure"]
    label, plain = extract(document("- Joint Pain: Turmeric reduces it."))
    assert (label.text, label.checkable) == ("Joint Pain", False)
    assert (plain.text, plain.section) == ("Turmeric reduces it.", "Joint Pain")


@pytest.mark.parametrize(
    "marker",
    ["\u25cf ", "\u25e6 ", "\u25aa ", "\u2013 ", "(1) ", "(b) ", "+ ", "7.\t", "8.\u00a0"],
)
def test_every_marker_the_readers_recognise_is_stripped(marker: str) -> None:
    text = f"{marker}Bullet one is here.\n{marker}Bullet two is here."
    claims = extract(document(text, [("list_item", text)]))
    assert [c.text for c in claims] == ["Bullet one is here.", "Bullet two is here."]
    claims = extract(document(text, [("paragraph", text)]))
    assert [c.text for c in claims] == ["Bullet one is here.", "Bullet two is here."]


def test_list_lines_inside_one_block() -> None:
    text = "Common side effects are:\n- Fatigue: most patients feel tired.\n- fever and chills"
    claims = extract(document(text, [("paragraph", text)]))
    assert [(c.text, c.kind, c.section) for c in claims] == [
        ("Common side effects are:", "signpost", None),
        ("Fatigue", "heading", "Fatigue"),
        ("most patients feel tired.", "claim", "Fatigue"),
        ("fever and chills", "claim", None),
    ]


def test_marker_alone_or_label_alone() -> None:
    claims = extract(document("- \n\n1.\n\n*\n\nKey Facts:\n\nKey Facts: \n\nStep 1: X"))
    assert [(c.text, c.kind, c.section) for c in claims] == [
        ("Key Facts:", "signpost", None),
        ("Key Facts:", "signpost", None),
        ("Step 1", "heading", "Step 1"),
        ("X", "fragment", "Step 1"),
    ]


# --- Checkable or not -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Here are some positive benefits of multiple myeloma immunotherapy.",
        "Here's what you need to know.",
        "Here\u2019s what you need to know.",
        "Read on to learn more.",
        "Keep reading to find out how it works.",
        "The following are the most common side effects.",
        "Let's take a look.",
        "Let\u2019s take a closer look at the evidence.",
        "In this article, we discuss the benefits of immunotherapy.",
        "Side effects include the following:",
        "Treatment options include:",
    ],
)
def test_signposts_are_not_checkable(sentence: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == "signpost" and not claim.checkable


@pytest.mark.parametrize(
    "sentence",
    [
        "I think this is exciting.",
        "We love this approach.",
        "We're really excited about this!",
        "I believe it's promising.",
        "In my opinion, this is great.",
    ],
)
def test_pure_opinions_are_not_checkable(sentence: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == "opinion" and not claim.checkable


@pytest.mark.parametrize(
    "sentence", ["Is immunotherapy safe?", "Does it cure myeloma?)", '"What about cost?"']
)
def test_questions_are_not_checkable(sentence: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == "question" and not claim.checkable


@pytest.mark.parametrize("sentence", ["Yes.", "Cure guaranteed.", "[12]", "Benefits"])
def test_fragments_are_not_checkable(sentence: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == "fragment" and not claim.checkable


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("\u2014 Dr. Smith", "fragment"),
        ("(See above.)", "fragment"),
        ("\u201cCure\u201d rates doubled.", "claim"),
        ("(Most) patients improved.", "claim"),
        ("\u2014 Response rates doubled.", "claim"),
    ],
)
def test_words_are_counted_whatever_punctuation_opens_them(sentence: str, kind: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "I think immunotherapy cures myeloma.",
        "We believe this drug doubles survival.",
        "Here are the results: 40% of patients responded.",
        "Here is evidence that it cures cancer.",
        "In this article, we show that the drug works.",
        "The following patients were excluded: those under 18.",
        "Let's be clear that the drug is not approved for children.",
        "It works well.",
    ],
)
def test_claims_with_factual_content_stay_checkable(sentence: str) -> None:
    (claim,) = extract(document(sentence))
    assert claim.kind == "claim" and claim.checkable


def test_cues_are_kept_on_claims_that_are_not_checkable() -> None:
    (claim,) = extract(document("Cure guaranteed."))
    assert {cue.kind for cue in claim.cues} == {"cure", "absolute"}


# --- Robustness -----------------------------------------------------------------------------


def test_empty_documents() -> None:
    assert split_text("") == []
    assert split_text(" \n\n \n") == []
    assert extract_claims(Document("", "txt", [Block("paragraph", 0, 0)])) == []


def test_blocks_out_of_range_are_clipped() -> None:
    text = "One sentence here. Another one here."
    doc = Document(text, "txt", [Block("paragraph", -5, 10_000), Block("heading", 50, 60)])
    claims = extract(doc)
    assert [c.text for c in claims] == ["One sentence here.", "Another one here."]


def test_split_text_without_blank_lines_between_paragraph_kinds() -> None:
    text = "First paragraph here.\n  \n\t\nSecond paragraph here.\n\n\n\nThird paragraph here."
    assert [c.text for c in split_text(text)] == [
        "First paragraph here.",
        "Second paragraph here.",
        "Third paragraph here.",
    ]


PIECES = [
    "a", "Word", "The", " ", "\n", "\n\n", ".", "?", "!", ":", "1. ", "- ", "\u2022 ",
    "Targeted Treatment: ", "Note that: ", "Dr.", "e.g.", "[12]", "(Smith et al., 2020)",
    "cure", "only", "may", "studies have shown", "\u0130", "\u00a0", "\t", '"', "\u2026",
    "Here are some tips.", "I think this is exciting.",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(200))
def test_invariants_on_random_documents(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
    check_claims(Document(text, "txt"), split_text(text))
    blocks = []
    for _ in range(rng.randint(0, 6)):
        start = rng.randint(-2, len(text) + 2)
        end = rng.randint(start, len(text) + 3)
        kind: BlockKind = rng.choice(["heading", "paragraph", "list_item"])
        blocks.append(Block(kind, start, end))
    blocks.sort(key=lambda b: b.start)
    doc = Document(text, "txt", blocks)
    for claim in extract_claims(doc):
        assert text[claim.start : claim.end] == claim.text
        for cue in claim.cues:
            assert claim.text[cue.start : cue.end] == cue.text


MEGABYTE = 1_000_000


def test_one_megabyte_article_with_many_paragraphs() -> None:
    text = "\n\n".join([DEMO_TEXT] * (MEGABYTE // len(DEMO_TEXT) + 1))
    claims = split_text(text)
    assert len(claims) >= 25 * (MEGABYTE // len(DEMO_TEXT))
    assert all(text[c.start : c.end] == c.text for c in claims)
    blocks = extract_claims(Document(text, "txt", chunk_blocks(text)))
    assert blocks == claims


def test_one_megabyte_single_paragraph() -> None:
    paragraph = " ".join(DEMO_TEXT.split())
    text = " ".join([paragraph] * (MEGABYTE // len(paragraph) + 1))
    claims = extract_claims(Document(text, "txt", [Block("paragraph", 0, len(text))]))
    assert len(claims) > 7_000
    assert all(text[c.start : c.end] == c.text for c in claims)


@pytest.mark.parametrize(
    "text",
    [
        "word " * (MEGABYTE // 5),
        "a. " * (MEGABYTE // 3),
        "studies show it may cure all " * (MEGABYTE // 29),
        "I think " + " " * MEGABYTE + "this is exciting.",
        "Here are some " + "tips " * (MEGABYTE // 5),
        "- Targeted Treatment: " * (MEGABYTE // 22),
    ],
    ids=["no punctuation", "a. a. a.", "cues", "spaces", "signpost-like", "labels"],
)
def test_one_megabyte_single_sentences_complete(text: str) -> None:
    claims = split_text(text)
    assert all(text[c.start : c.end] == c.text for c in claims)


def test_without_pythons_private_pattern_parser_sentences_are_classified_the_same(
    monkeypatch: pytest.MonkeyPatch, demo_text: str
) -> None:
    # Signpost and opinion patterns anchored at "^" are tried at the start only, as read with
    # re's private parser; a Python without it tries every pattern anywhere, to the same end.
    from claims import extraction

    sentences = [s for line in demo_text.splitlines() for s in line.split(". ") if s]
    sentences += ["In summary, the drug works.", "I think it helps.", "We believe so."]
    expected = [extraction.classify_sentence(s) for s in sentences]
    monkeypatch.setattr(extraction, "_parser", None)
    extraction._patterns.cache_clear()
    try:
        assert [extraction.classify_sentence(s) for s in sentences] == expected
    finally:
        extraction._patterns.cache_clear()
