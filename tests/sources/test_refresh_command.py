"""`claimreview sources refresh`, run as users run it, against the local stub of the services
answering with real records: the library fills in, a retraction is flagged, a failing service
leaves its sources to the next refresh, and offline nothing is asked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from claims.identifiers import parse_identifiers
from claims.permissions import Actor
from db.citations import add_citations
from db.engine import Database
from db.models import Citation
from db.setup import prepare_database
from tests.sources.stub_server import CROSSREF_WORKS, CTGOV_STUDIES, EFETCH, StubResponse
from tests.test_cli import run

DATA = Path(__file__).parent / "data"
OPERATOR = Actor.operator("test")
PASTED = "PMID 9500320, doi:10.1016/S0140-6736(97)11096-0, NCT05013879, https://example.org/x"


def _library(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'refresh.db'}"
    database = prepare_database(Database(url))
    identifiers, refused = parse_identifiers(PASTED)
    assert not refused
    add_citations(database, OPERATOR, identifiers)
    database.dispose()
    return url


def _stored(url: str) -> dict[str, Citation]:
    database = Database(url)
    try:
        with database.read() as session:
            rows = session.scalars(select(Citation)).all()
            for row in rows:
                session.expunge(row)
            return {row.kind: row for row in rows}
    finally:
        database.dispose()


def _real_answers(stub) -> None:
    for path, name in (
        (EFETCH, "pubmed-9500320-20137807-wakefield-and-retraction.xml"),
        (CROSSREF_WORKS, "crossref-wakefield-retracted.json"),
        (CTGOV_STUDIES, "ctgov-NCT05013879-randomised-no-results.json"),
    ):
        stub.queue(path, StubResponse(body=(DATA / name).read_bytes()))


def test_refresh_fills_the_library_and_flags_the_retraction(
    stub_server, tmp_path: Path, monkeypatch
) -> None:
    url = _library(tmp_path)
    _real_answers(stub_server)
    for name, value in stub_server.env(CLAIMREVIEW_CONTACT_EMAIL="editor@example.org").items():
        monkeypatch.setenv(name, value)
    done = run("sources", "refresh", db_url=url)
    assert done.returncode == 0, done.stderr
    assert "3/3 sources" in done.stderr  # the progress bar reached the end
    assert "Looked up 3 sources: 3 found" in done.stderr
    stored = _stored(url)
    pubmed = stored["pmid"]
    assert pubmed.title.startswith("Ileal-lymphoid-nodular hyperplasia")
    assert pubmed.authors.startswith("Wakefield AJ; Murch SH")
    assert (pubmed.journal, pubmed.year) == ("Lancet", 1998)
    assert "retracted" in pubmed.flags.split(",")
    assert stored["doi"].lookup_status == "found" and "retracted" in stored["doi"].flags
    trial = stored["nct"]
    assert trial.suggested_design == "rct"
    assert "no_results_posted" in trial.flags.split(",")
    assert stored["url"].lookup_status is None  # a web page is not looked up
    assert stub_server.requests(EFETCH)[0].param("email") == "editor@example.org"


def test_a_failing_service_leaves_its_sources_for_the_next_refresh(
    stub_server, tmp_path: Path, monkeypatch
) -> None:
    url = _library(tmp_path)
    stub_server.queue(EFETCH, *[StubResponse.server_error(500)] * 3)
    for name, value in stub_server.env(CLAIMREVIEW_LOOKUP_TIMEOUT="2").items():
        monkeypatch.setenv(name, value)
    done = run("sources", "refresh", db_url=url)
    assert done.returncode == 0, done.stderr
    assert "1 failed" in done.stderr and "PMID 9500320" in done.stderr
    assert "tried again by the next" in done.stderr
    assert _stored(url)["pmid"].title is None
    again = run("sources", "refresh", db_url=url)  # the service is back
    assert "Looked up 1 sources: 1 found" in again.stderr, again.stderr
    assert _stored(url)["pmid"].title


def test_offline_refuses_and_asks_nothing(stub_server, tmp_path: Path, monkeypatch) -> None:
    url = _library(tmp_path)
    for name, value in stub_server.env(CLAIMREVIEW_OFFLINE="1").items():
        monkeypatch.setenv(name, value)
    done = run("sources", "refresh", db_url=url)
    assert done.returncode == 2
    assert "Lookups are off (CLAIMREVIEW_OFFLINE is set)" in done.stderr
    assert stub_server.count() == 0
