"""What a lookup stores on a citation: fetched fields fill in, a person's values stay, a
retraction is flagged, a failure changes nothing but its note, and a refresh looks up only
what is due."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from claims.exports import export
from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from claims.references import read_references_report
from claims.sources.records import RETRACTION, Notice, SourceRecord
from db.accounts import actor_for, create_user
from db.articles import import_file
from db.audit import list_events
from db.citations import add_citations, import_reference_file
from db.dashboard import overview
from db.engine import Database
from db.models import Citation
from db.queries import article_bundle, claim_page
from db.reviews import CitedSource, save_review
from db.setup import prepare_database
from db.source_lookups import due_for_lookup, refresh_sources, store_lookup
from db.transfer import import_bundle, read_bundle

OPERATOR = Actor.operator("test")
PASSWORD = "a long enough password 1"

TRIAL = SourceRecord(
    kind="pmid",
    identifier="27557302",
    service="pubmed",
    title="Daratumumab, Lenalidomide, and Dexamethasone for Multiple Myeloma.",
    authors=("Dimopoulos MA", "Oriol A", "Nahi H"),
    journal="N Engl J Med",
    year=2016,
    volume="375",
    issue="14",
    pages="1319-1331",
    doi="10.1056/nejmoa1607751",
    publication_types=("Journal Article", "Randomized Controlled Trial"),
)
RETRACTED = SourceRecord(
    kind="pmid",
    identifier="9500320",
    service="pubmed",
    title="Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
    "developmental disorder in children.",
    authors=("Wakefield AJ", "Murch SH", "Anthony A"),
    journal="Lancet",
    year=1998,
    publication_types=("Journal Article", "Retracted Publication"),
    notices=(Notice(kind=RETRACTION, reference="PMID 20137807"),),
)


@dataclass
class Outcome:
    status: str
    record: SourceRecord | None = None
    service: str = "pubmed"
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    reason: str = ""
    kind: str = ""
    value: str = ""


@dataclass
class FakeLookup:
    """Answers from a table, and remembers what it was asked."""

    answers: dict[tuple[str, str], Outcome]
    asked: list[tuple[str, str]] = field(default_factory=list)

    def lookup_many(self, identifiers):
        self.asked.extend(identifiers)
        return {key: self.answers.get(key, Outcome("not_found")) for key in identifiers}


def _cite(database: Database, text: str) -> list[int]:
    identifiers, refused = parse_identifiers(text)
    assert not refused
    return [c.id for c in add_citations(database, OPERATOR, identifiers)]


def _citation(database: Database, citation_id: int) -> Citation:
    with database.read() as session:
        citation = session.get(Citation, citation_id)
        session.expunge(citation)
        return citation


def test_a_found_record_fills_the_citation_and_suggests_its_design(database: Database) -> None:
    [cid] = _cite(database, "PMID 27557302")
    lookup = FakeLookup({("pmid", "27557302"): Outcome("found", TRIAL)})
    report = refresh_sources(database, OPERATOR, lookup)
    assert (report.looked_up, report.found, report.changed) == (1, 1, 1)
    citation = _citation(database, cid)
    assert citation.title == TRIAL.title
    assert citation.authors == "Dimopoulos MA; Oriol A; Nahi H"
    assert (citation.journal, citation.year, citation.pages) == ("N Engl J Med", 2016, "1319-1331")
    assert citation.doi == "10.1056/nejmoa1607751"
    assert citation.suggested_design == "rct"
    assert citation.study_design is None  # suggested, not chosen: the reviewer accepts it
    assert (citation.fetched_from, citation.lookup_status) == ("pubmed", "found")
    assert json.loads(citation.fetched_record)["title"] == TRIAL.title
    [event] = [e for e in list_events(database, OPERATOR) if e.action == "lookup"]
    assert event.after["title"] == TRIAL.title and event.before["title"] is None


def test_a_retracted_source_is_flagged(database: Database) -> None:
    [cid] = _cite(database, "PMID 9500320")
    refresh_sources(
        database, OPERATOR, FakeLookup({("pmid", "9500320"): Outcome("found", RETRACTED)})
    )
    citation = _citation(database, cid)
    assert "retracted" in citation.flags.split(",")
    assert citation.suggested_design == "retracted"


def test_a_reference_files_values_survive_a_lookup(database: Database) -> None:
    ris = (
        b"TY  - JOUR\nTI  - Our own title for it\nAU  - Dimopoulos, M A\nPY  - 2016\n"
        b"AN  - 27557302\nDB  - PubMed\nER  - \n"
    )
    report = read_references_report(ris, "mine.ris")
    imported = import_reference_file(database, OPERATOR, ris, "mine.ris")
    assert imported.due_for_lookup == (("pmid", "27557302"),)  # looked up for what it lacks
    with database.read() as session:
        citation = session.scalar(select(Citation).where(Citation.identifier == "27557302"))
    assert citation is not None, report
    lookup = FakeLookup({("pmid", "27557302"): Outcome("found", TRIAL)})
    refresh_sources(database, OPERATOR, lookup)
    stored = _citation(database, citation.id)
    assert stored.title == "Our own title for it"  # the person's value wins
    assert stored.journal == "N Engl J Med"  # the file lacked it: fetched
    # A later refresh, re-checking everything, keeps it too.
    refresh_sources(database, OPERATOR, lookup, older_than=timedelta(0))
    assert _citation(database, citation.id).title == "Our own title for it"


def test_a_failed_lookup_changes_no_field_and_is_tried_again(database: Database) -> None:
    [cid] = _cite(database, "PMID 27557302")
    refresh_sources(database, OPERATOR, FakeLookup({("pmid", "27557302"): Outcome("found", TRIAL)}))
    failing = FakeLookup(
        {("pmid", "27557302"): Outcome("failed", reason="PubMed answered 500 three times")}
    )
    report = refresh_sources(database, OPERATOR, failing, older_than=timedelta(0))
    assert report.failed == 1 and "PubMed answered 500" in report.failures[0]
    citation = _citation(database, cid)
    assert citation.title == TRIAL.title  # kept from the earlier lookup
    assert citation.lookup_status == "failed" and "500" in citation.lookup_note
    with database.read() as session:
        assert [row[0] for row in due_for_lookup(session)] == [cid]  # tried again next time


def test_a_refresh_asks_only_for_what_is_due(database: Database) -> None:
    ids = _cite(database, "PMID 27557302, PMID 9500320, https://example.org/page")
    first = FakeLookup({("pmid", "27557302"): Outcome("found", TRIAL)})
    refresh_sources(database, OPERATOR, first)
    assert sorted(first.asked) == [("pmid", "27557302"), ("pmid", "9500320")]  # no web page
    again = FakeLookup({})
    refresh_sources(database, OPERATOR, again)
    assert again.asked == []  # found and not-found ones are not asked again
    everything = FakeLookup({})
    refresh_sources(database, OPERATOR, everything, older_than=timedelta(0))
    assert sorted(everything.asked) == [("pmid", "27557302"), ("pmid", "9500320")]
    assert len(ids) == 3


def test_a_lookup_stores_on_the_library_entry_once_there_is_one(database: Database) -> None:
    outcome = Outcome("found", TRIAL, kind="pmid", value="27557302")
    assert store_lookup(database, OPERATOR, outcome) is False  # not in the library yet
    [cid] = _cite(database, "PMID 27557302")
    assert store_lookup(database, OPERATOR, outcome) is True
    assert _citation(database, cid).title == TRIAL.title
    assert store_lookup(database, OPERATOR, outcome) is False  # nothing new the second time


def _reviewed_article_citing_wakefield(database: Database) -> tuple[int, int]:
    """An article whose one claim a submitted review supports with PMID 9500320."""
    article = import_file(database, b"Drug A cures migraine in every adult.", "a.txt",
                          actor=OPERATOR)  # fmt: skip
    with database.read() as session:
        [claim] = claim_page(session, OPERATOR, article.article_id, limit=10)
    reviewer, _ = create_user(database, OPERATOR, "rita", ["reviewer"], password=PASSWORD)
    rita = actor_for(reviewer)
    [cid] = _cite(database, "PMID 9500320")
    save_review(database, rita, claim.id, verdict="accurate", certainty="moderate", submit=True,
                citations=[CitedSource(cid, "supports")])  # fmt: skip
    return article.article_id, cid


def test_a_claim_citing_a_source_later_found_retracted_joins_the_gap(database: Database) -> None:
    _reviewed_article_citing_wakefield(database)

    def gap() -> int:
        with database.read() as session:
            return overview(session, OPERATOR).gaps["cites_retracted"]

    assert gap() == 0
    refresh_sources(
        database, OPERATOR, FakeLookup({("pmid", "9500320"): Outcome("found", RETRACTED)})
    )
    assert gap() == 1  # the lookup's flag reached the claim's facts in the same transaction


def test_reports_mark_a_retracted_source_and_a_json_export_keeps_the_flag(
    database: Database, tmp_path
) -> None:
    article_id, _ = _reviewed_article_citing_wakefield(database)
    found = FakeLookup({("pmid", "9500320"): Outcome("found", RETRACTED)})
    refresh_sources(database, OPERATOR, found)
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, article_id)
    [cited] = bundle["citations"]
    assert cited["flags"] == ["retracted"]
    markdown = export(bundle, "md")
    assert "Wakefield AJ" in markdown and "\\[Retracted\\]" in markdown
    html = export(bundle, "html")
    assert '<span class="flag">[Retracted]</span>' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/9500320/"' in html  # PMID: a link
    pages = PdfReader(io.BytesIO(export(bundle, "pdf"))).pages
    assert "[Retracted]" in "".join(page.extract_text() for page in pages)
    # Another instance reads the export back with the flag (and drops one it does not know).
    cited["flags"].append("haunted")
    other = prepare_database(Database(f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        import_bundle(other, OPERATOR, read_bundle(export(bundle, "json").encode()))
        with other.read() as session:
            [copy] = session.scalars(select(Citation)).all()
            assert copy.flags == "retracted"
    finally:
        other.dispose()
