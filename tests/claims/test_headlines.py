"""Headings that assert something are checkable claims; labels are not (claims.headlines)."""

from __future__ import annotations

import pytest

from claims.extraction import extract_claims
from claims.headlines import heading_asserts
from claims.readers import read_document

# Health claims as fact-checkers list them, written the way headlines are: no full stop.
HEADLINE_CLAIMS = [
    "Hydroxychloroquine is an Effective Treatment for COVID-19",
    "5G caused the coronavirus outbreak",
    "Vitamin D Does Not Cure Covid-19 But It Plays an Important Role",
    "Obesity Raises Risk of Death from Covid-19",
    "Ivermectin Is an Effective Treatment for COVID-19",
    "The MMR Vaccine Causes Autism",
    "HPV Vaccine Causes Infertility",
    "Drinking Bleach Cures COVID-19",
    "Garlic Prevents Coronavirus Infection",
    "Masks Cause Oxygen Deficiency",
    "Sunscreen Causes Cancer",
    "Cell Phones Cause Brain Cancer",
    "Antibiotics Kill Viruses",
    "Cracking Your Knuckles Causes Arthritis",
    "Sugar Makes Children Hyperactive",
    "Vitamin C Prevents the Common Cold",
    "mRNA vaccines change your DNA",
    "Coffee Linked to Lower Risk of Liver Cancer",
    "New Drug Halves Risk of Heart Attack",
    "Red Wine Is Good for Your Heart",
    "Immunotherapy Works",
    "Statins can prevent a second stroke",
]
# Headings that only label what follows (the demo article's, and common page sections).
LABELS = [
    "Targeted Treatment",
    "Long Term Benefits",
    "Improved Effectiveness",
    "Reduced Risk of Relapse",
    "Personalized Treatment",
    "Multiple myeloma immunotherapy",
    "Causes and Risk Factors",
    "Side Effects",
    "How It Works",
    "When to See a Doctor",
    "Frequently Asked Questions",
    "Living With Multiple Myeloma",
    "What Is Multiple Myeloma?",
    "A Cure for Cancer",
    "Cancer Cures",
    "Reduce Your Risk",
    "Is Coffee Good for You",
    "Lower Back Pain",
    "Key points:",
]


@pytest.mark.parametrize("heading", HEADLINE_CLAIMS)
def test_a_heading_that_asserts_is_a_claim(heading: str) -> None:
    assert heading_asserts(heading)


@pytest.mark.parametrize("heading", LABELS)
def test_a_label_is_not(heading: str) -> None:
    assert not heading_asserts(heading)


def test_headlines_one_per_paragraph_are_checkable_and_set_their_section() -> None:
    text = "\n\n".join(HEADLINE_CLAIMS[:4]) + "\n\nThe trial enrolled 821 patients.\n"
    claims = extract_claims(read_document(text.encode(), "headlines.txt"))
    headlines = [c for c in claims if c.text in HEADLINE_CLAIMS]
    assert len(headlines) == 4 and all(c.checkable and c.kind == "claim" for c in headlines)
    assert all(text[c.start : c.end] == c.text for c in claims)
    last = claims[-1]
    assert last.text == "The trial enrolled 821 patients." and last.section == HEADLINE_CLAIMS[3]


def test_a_title_or_heading_that_states_a_finding_is_reviewed_a_label_is_not() -> None:
    page = (
        "<html><head><title>Coffee study</title></head><body><article>"
        "<h1>Coffee Linked to Lower Risk of Liver Cancer</h1>"
        "<p>Researchers followed 494,585 adults for ten years.</p>"
        "<h2>Improved Effectiveness</h2><p>The effect held in every group studied.</p>"
        "</article></body></html>"
    )
    doc = read_document(page.encode(), "coffee.html")
    claims = extract_claims(doc)
    by_text = {c.text: c for c in claims}
    title = by_text["Coffee Linked to Lower Risk of Liver Cancer"]
    assert title.checkable and doc.text[title.start : title.end] == title.text
    label = by_text["Improved Effectiveness"]
    assert not label.checkable and label.kind == "heading"
    assert [c.kind for c in label.cues] == ["comparative"]  # its cue still shows
    assert by_text["The effect held in every group studied."].section == "Improved Effectiveness"
    markdown = read_document(b"# Vaccines Cause Autism\n\nThey do not.\n", "claim.md")
    [heading, sentence] = extract_claims(markdown)
    assert heading.checkable and sentence.section == "Vaccines Cause Autism"
