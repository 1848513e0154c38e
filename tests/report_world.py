"""The demo article as an editor would hand it on: two reviewers, an editor, real sources.

``reviewed_demo(database)`` imports the demo article and writes what a small desk would: reviews
with Markdown rationales and links, a GRADE assessment by domains, sources cited with stances
(three real myeloma trials with PubMed's metadata, the retracted Wakefield paper as PubMed's own
record in tests/sources/data gives it, a registry number and a web page never looked up), a
disagreement the editor settled, one left open, the editor's key takeaways and the organisation
with its logo. Reports rendered from it are what the report tests open and the README shows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claims.grade import assessment_from_form
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from claims.sources.pubmed import parse_efetch
from claims.sources.records import SourceRecord
from db.accounts import actor_for, create_user
from db.articles import import_demo_if_empty
from db.citations import add_citations
from db.decisions import record_decision
from db.engine import Database
from db.queries import article_bundle
from db.reports import set_key_takeaways, set_organisation
from db.reviews import CitedSource, save_review
from db.source_lookups import store_lookup

OPERATOR = Actor.operator("test")
DATA = Path(__file__).parent / "sources" / "data"

# Three trials of myeloma immunotherapy, as PubMed lists them (facts: authors, title, journal).
TRIALS = {
    "33626253": SourceRecord(
        kind="pmid",
        identifier="33626253",
        service="pubmed",
        title="Idecabtagene Vicleucel in Relapsed and Refractory Multiple Myeloma.",
        authors=(
            "Munshi NC",
            "Anderson LD Jr",
            "Shah N",
            "Madduri D",
            "Berdeja J",
            "Lonial S",
            "Raje N",
            "Lin Y",
            "Siegel D",
            "Oriol A",
            "et al",
        ),
        journal="N Engl J Med",
        year=2021,
        volume="384",
        issue="8",
        pages="705-716",
        doi="10.1056/nejmoa2024850",
        pmid="33626253",
        publication_types=("Clinical Trial, Phase II", "Journal Article"),
    ),
    "34175021": SourceRecord(
        kind="pmid",
        identifier="34175021",
        service="pubmed",
        title=(
            "Ciltacabtagene autoleucel, a B-cell maturation antigen-directed chimeric antigen "
            "receptor T-cell therapy in patients with relapsed or refractory multiple myeloma "
            "(CARTITUDE-1): a phase 1b/2 open-label study."
        ),
        authors=("Berdeja JG", "Madduri D", "Usmani SZ", "Jakubowiak A", "Agha M", "Cohen AD"),
        journal="Lancet",
        year=2021,
        volume="398",
        issue="10297",
        pages="314-324",
        doi="10.1016/s0140-6736(21)00933-8",
        pmid="34175021",
        publication_types=("Clinical Trial, Phase I", "Clinical Trial, Phase II"),
    ),
    "35661166": SourceRecord(
        kind="pmid",
        identifier="35661166",
        service="pubmed",
        title="Teclistamab in Relapsed or Refractory Multiple Myeloma.",
        authors=(
            "Moreau P",
            "Garfall AL",
            "van de Donk NWCJ",
            "Nahi H",
            "San-Miguel JF",
            "Oriol A",
            "et al",
        ),
        journal="N Engl J Med",
        year=2022,
        volume="387",
        issue="6",
        pages="495-505",
        doi="10.1056/nejmoa2203478",
        pmid="35661166",
        publication_types=("Clinical Trial, Phase I", "Clinical Trial, Phase II"),
    ),
}
WEB_PAGE = "https://www.cancer.gov/types/myeloma/patient/myeloma-treatment-pdq"
REGISTRY = "NCT04181827"

TAKEAWAYS = """\
- The article says immunotherapy **targets only cancer cells**; it does not. CAR T-cell and
  bispecific antibody treatments harm healthy cells too, and their side effects can be severe.
- Response rates in trials of heavily pre-treated patients are real and large, but no trial
  shows a *cure*.
- Rewrite claims 9, 10 and 23 before publication; see the [trial results](https://www.nejm.org/doi/full/10.1056/NEJMoa2024850).
"""


@dataclass(frozen=True)
class Outcome:
    """A lookup's outcome, as claims.sources.client would give it."""

    kind: str
    value: str
    record: SourceRecord | None
    status: str = "found"
    service: str = "pubmed"
    fetched_at: datetime = field(default_factory=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    reason: str = ""


@dataclass(frozen=True)
class World:
    database: Database
    article_id: int
    claim_ids: dict[int, int]  # ordinal -> claim id
    alice: Actor
    bob: Actor
    erin: Actor

    def bundle(self) -> dict[str, Any]:
        with self.database.read() as session:
            bundle = article_bundle(session, self.erin, self.article_id)
        assert bundle is not None
        return bundle


def logo_png() -> bytes:
    """A small two-colour logo, made here (no file from elsewhere)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "#0b5cad")
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 68, 68), fill="#ffffff")
    draw.rectangle((84, 30, 226, 50), fill="#ffffff")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _cite(database: Database, text: str) -> int:
    identifiers, refused = parse_identifiers(text)
    assert not refused and len(identifiers) == 1, (text, refused)
    return add_citations(database, OPERATOR, identifiers)[0].id


def reviewed_demo(database: Database, *, organisation: bool = True) -> World:
    """The demo article, reviewed (see the module docstring)."""
    demo = import_demo_if_empty(database)
    with database.read() as session:
        from sqlalchemy import func, select

        from db.models import Article

        article_id = demo.article_id if demo else session.scalar(select(func.min(Article.id)))
    users = {}
    for name, roles in (("alice", ["reviewer"]), ("bob", ["reviewer"]), ("erin", ["editor"])):
        info, _password = create_user(database, OPERATOR, name, roles, password="x" * 4 + name * 3)
        users[name] = actor_for(info)
    alice, bob, erin = users["alice"], users["bob"], users["erin"]
    with database.read() as session:
        from sqlalchemy import select

        from db.models import Claim

        claim_ids = dict(
            session.execute(
                select(Claim.ordinal, Claim.id).where(Claim.article_id == article_id)
            ).all()
        )

    trials = {pmid: _cite(database, f"PMID {pmid}") for pmid in TRIALS}
    for pmid, record in TRIALS.items():
        store_lookup(database, OPERATOR, Outcome("pmid", pmid, record))
    wakefield = _cite(database, "PMID 9500320")
    records = parse_efetch(
        (DATA / "pubmed-9500320-20137807-wakefield-and-retraction.xml").read_bytes()
    )
    store_lookup(database, OPERATOR, Outcome("pmid", "9500320", records["9500320"]))
    web = _cite(database, WEB_PAGE)
    registry = _cite(database, REGISTRY)
    ide_cel, cilta_cel, teclistamab = trials.values()

    def review(actor, ordinal, verdict, certainty, rationale, sources, grade=None):
        return save_review(
            database,
            actor,
            claim_ids[ordinal],
            verdict=verdict,
            certainty=certainty,
            rationale=rationale,
            submit=True,
            citations=[CitedSource(cid, stance) for cid, stance in sources],
            **({"grade": grade} if grade is not None else {}),
        )

    grade = assessment_from_form(
        "observational",
        {
            "risk_of_bias": (-1, "Single-arm trials, no comparator."),
            "imprecision": (0, ""),
            "inconsistency": (0, ""),
            "indirectness": (0, ""),
            "publication_bias": (0, ""),
        },
        {"large_effect": (1, "Responses in 73% and 97% of heavily pre-treated patients.")},
    )
    # Claim 9: "targets only cancer cells": both reviewers find it wrong, with GRADE.
    a9 = review(
        alice,
        9,
        "inaccurate",
        "low",
        "The trials report **cytokine release syndrome** in most patients and "
        "*neurotoxicity* in some: healthy cells are harmed too. See the "
        "[KarMMa results](https://www.nejm.org/doi/full/10.1056/NEJMoa2024850).\n\n"
        "- ide-cel: CRS in 84%\n- cilta-cel: CRS in 95%",
        [(ide_cel, "contradicts"), (cilta_cel, "contradicts"), (web, "background")],
        grade,
    )
    b9 = review(
        bob,
        9,
        "inaccurate",
        "low",
        "Immunotherapy is *not* specific to cancer cells; BCMA is also on normal plasma cells.",
        [(ide_cel, "contradicts"), (teclistamab, "contradicts")],
    )
    # Claim 10: the reviewers disagree; the editor settles it.
    a10 = review(
        alice,
        10,
        "misleading",
        "moderate",
        "Overstates: *leaving healthy cells unharmed* is not what the trials show.",
        [(teclistamab, "contradicts")],
    )
    review(
        bob,
        10,
        "needs_context",
        "moderate",
        "Mechanism is fair; the side effects are missing.",
        [(teclistamab, "mixed")],
    )
    record_decision(
        database,
        erin,
        claim_ids[10],
        verdict="misleading",
        certainty="moderate",
        reason="scale_interpretation",
        note="Omitting the side effects makes it **misleading**, not just short of context.",
        based_on=[a10.id],
    )
    record_decision(
        database,
        erin,
        claim_ids[9],
        verdict="inaccurate",
        certainty="low",
        reason="new_evidence",
        note="",
        based_on=[a9.id, b9.id],
    )
    # Claim 14: provisional, both agree.
    for actor in (alice, bob):
        review(
            actor,
            14,
            "accurate",
            "moderate",
            "Response rates of 73–97% (≥ 3 prior lines).",
            [(ide_cel, "supports"), (cilta_cel, "supports")],
        )
    # Claim 23: "potentially even a cure": disagreement left open; one cites the retracted paper.
    review(
        alice,
        23,
        "misleading",
        "very_low",
        "No trial reports a cure; median follow-up is under 3 years.",
        [(cilta_cel, "contradicts"), (registry, "background")],
    )
    review(
        bob,
        23,
        "unsupported",
        "no_evidence",
        "Nothing found either way <script>x</script>.",
        [(wakefield, "background")],
    )
    # Claim 6: provisional accurate.
    review(alice, 6, "accurate", "high", "Textbook description.", [(web, "supports")])
    set_key_takeaways(database, erin, article_id, TAKEAWAYS)
    if organisation:
        set_organisation(
            database,
            OPERATOR,
            name="Health Desk Review",
            url="https://healthdesk.example.org",
            logo=logo_png(),
        )
    return World(database, article_id, claim_ids, alice, bob, erin)
