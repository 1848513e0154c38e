"""Deterministic health-style text for the benchmarks: articles with headings, paragraphs,
lists, labels, abbreviations, doses, decimals, p-values and citations.

The same seed gives the same text on every machine, so figures are comparable between runs.
"""

from __future__ import annotations

import random

DRUGS = [
    "metformin",
    "lisinopril",
    "atorvastatin",
    "semaglutide",
    "daratumumab",
    "aspirin",
    "ibuprofen",
    "vitamin D",
    "omeprazole",
    "amoxicillin",
]
CONDITIONS = [
    "type 2 diabetes",
    "high blood pressure",
    "multiple myeloma",
    "heart failure",
    "migraine",
    "osteoporosis",
    "asthma",
    "depression",
]
OUTCOMES = ["HbA1c", "systolic blood pressure", "LDL cholesterol", "relapse", "body weight"]
GROUPS = ["adults over 65", "children", "pregnant women", "people with kidney disease", "smokers"]
JOURNALS = ["N. Engl. J. Med.", "J. Clin. Oncol.", "Lancet", "BMJ", "JAMA Intern. Med."]
AUTHORS = ["Smith", "Nguyen", "García", "Okafor", "Müller", "Kowalski", "Tanaka", "Hughes"]
HEADINGS = [
    "What the trials found",
    "Side effects",
    "Who should take it",
    "How it works",
    "Dosage and timing",
    "The bottom line",
    "What experts say",
]
LABELS = ["Targeted Treatment", "Fewer Side Effects", "Dosing", "Reduced Risk of Relapse", "Cost"]


def _sentence(rng: random.Random) -> str:
    drug, condition = rng.choice(DRUGS), rng.choice(CONDITIONS)
    outcome, group = rng.choice(OUTCOMES), rng.choice(GROUPS)
    author, journal = rng.choice(AUTHORS), rng.choice(JOURNALS)
    dose = rng.choice(["0.5", "2.5", "10", "20", "500", "1,000"])
    pct, n = rng.randint(3, 60), rng.randint(40, 12000)
    low = rng.randint(10, 80) / 100
    ci = f"95% CI {low:.2f}–{low + rng.randint(5, 40) / 100:.2f}"
    cite = rng.choice(["", "", f" [{rng.randint(1, 40)}]", f" [{rng.randint(1, 9)}, 12]"])
    forms = [
        f"{drug.capitalize()} lowered {outcome} by {pct}% in {group}{cite}.",
        f"In a trial of {n:,} patients, {drug} {dose} mg twice daily reduced {outcome} "
        f"(HR {low:.2f}, {ci}; p < 0.05).",
        f"Dr. {author} and colleagues reported the results in {journal} {2010 + pct % 14}.",
        f"According to {author} et al. the effect was seen within approx. {pct} weeks.",
        f"The U.S. Food and Drug Administration approved {drug} for {condition} in "
        f"{2000 + pct % 24}.",
        f"Some experts, e.g. those at the Mayo Clinic, say {drug} is safe for {group}.",
        f"Studies have shown that {drug} always cures {condition}, i.e. no one relapses.",
        f"Is {drug} right for {group}?",
        f"The usual dose is {dose} mg/kg per day vs. {dose} mg once a week for {condition}.",
        f"Patients should talk to their doctor before stopping {drug}.",
        f"A meta-analysis of {pct} studies (n = {n:,}) found no effect on {outcome} (p = 0.{pct}).",
        f"Prof. {author} noted that only {pct}.{pct % 10}% of {group} had side effects.",
        f"{drug.capitalize()} may reduce the risk of {condition} by about {pct}%.{cite}",
        f"It works by blocking an enzyme in the liver (see Fig. {pct % 5 + 1}).",
    ]
    return rng.choice(forms)


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))


def _block(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:  # a numbered list with Title Case labels
        count = rng.randint(3, 5)
        return "\n".join(
            f"{i}. {rng.choice(LABELS)}: {_sentence(rng)} {_sentence(rng)}"
            for i in range(1, count + 1)
        )
    if roll < 0.22:  # a bullet list
        return "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(3, 6)))
    return _paragraph(rng)


def article(rng: random.Random, number: int, target_chars: int) -> str:
    """One article of about ``target_chars`` characters: a title, then sections."""
    parts = [f"{rng.choice(DRUGS).capitalize()} for {rng.choice(CONDITIONS)}: article {number}"]
    size = len(parts[0])
    while size < target_chars:
        if len(parts) == 1 or rng.random() < 0.3:
            parts.append(rng.choice(HEADINGS))
        parts.append(_block(rng))
        size += len(parts[-1]) + len(parts[-2]) + 4
    return "\n\n".join(parts) + "\n"


def articles(count: int, *, mean_chars: int = 6000, seed: int = 7) -> list[str]:
    """``count`` distinct articles of realistic size (roughly 0.4x to 1.6x ``mean_chars``)."""
    rng = random.Random(seed)
    return [
        article(rng, number, int(mean_chars * rng.uniform(0.4, 1.6)))
        for number in range(1, count + 1)
    ]


def corpus(target_bytes: int, *, seed: int = 11) -> str:
    """Articles one after another (blank lines between) up to ``target_bytes`` of UTF-8."""
    rng = random.Random(seed)
    parts, size, number = [], 0, 0
    while size < target_bytes:
        number += 1
        parts.append(article(rng, number, int(6000 * rng.uniform(0.4, 1.6))))
        size += len(parts[-1].encode("utf-8")) + 1
    return "\n".join(parts)


def paragraph_free(target_bytes: int, *, seed: int = 13) -> str:
    """One paragraph of ``target_bytes``: sentences joined by spaces, no line break at all."""
    rng = random.Random(seed)
    parts, size = [], 0
    while size < target_bytes:
        parts.append(_sentence(rng))
        size += len(parts[-1].encode("utf-8")) + 1
    return " ".join(parts)
