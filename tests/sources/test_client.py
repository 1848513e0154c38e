"""The look-up client against the local stub of the four services (no internet).

Rate limits and back-off run on a fake clock whose sleep only moves time on, so the suite is
fast; one test keeps NCBI's limit on the real clock. Where a test is about the network side, the
services' parsers are replaced by small fakes; ``TestRealParsers`` runs the real ones (skipped
while a parser module is missing).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib import import_module

import httpx
import pytest

from claims.errors import ClaimreviewError
from claims.identifiers import parse_identifiers
from claims.sources import client
from claims.sources.client import (
    FAILED,
    FOUND,
    NOT_FOUND,
    OFFLINE,
    UNSUPPORTED,
    LookupFailed,
    LookupOffline,
    RateLimiter,
    Settings,
    SourceLookup,
)
from claims.sources.records import SourceRecord
from tests.sources.stub_server import (
    CROSSREF_NOT_FOUND,
    CROSSREF_WORKS,
    CTGOV_STUDIES,
    EFETCH,
    EUROPEPMC_SEARCH,
    StubResponse,
    StubServer,
    ncbi_rate_limited,
    pubmed_xml,
)

API_KEY = "0123456789abcdef0123456789abcdef0123"
EMAIL = "reviews@example.org"
PREPRINT_DOI = "10.1101/2020.01.01.20000001"

# --- fakes ----------------------------------------------------------------------------------------


class FakeFormatError(ClaimreviewError):
    """What the real parsers raise (SourceFormatError) on a malformed or truncated body."""


def fake_parse_efetch(xml: bytes) -> dict[str, SourceRecord]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        raise FakeFormatError(f"not PubMed XML ({error})") from None
    if root.tag != "PubmedArticleSet":
        raise FakeFormatError(f"not a PubmedArticleSet but <{root.tag}>")
    records = {}
    for article in root.iter("PubmedArticle"):
        pmid = article.findtext("MedlineCitation/PMID") or ""
        title = article.findtext(".//ArticleTitle") or ""
        records[pmid] = SourceRecord("pmid", pmid, "pubmed", title=title, pmid=pmid)
    return records


def _json(data: bytes) -> dict:
    try:
        return json.loads(data)
    except ValueError as error:
        raise FakeFormatError(f"not JSON ({error})") from None


def fake_parse_work(data: bytes) -> SourceRecord:
    message = _json(data)["message"]
    doi = message["DOI"].lower()
    return SourceRecord("doi", doi, "crossref", title=message["title"][0], doi=doi)


def fake_parse_study(data: bytes) -> SourceRecord:
    study = _json(data)
    nct = study["protocolSection"]["identificationModule"]["nctId"]
    return SourceRecord("nct", nct, "ctgov", has_results=study.get("hasResults"))


def fake_parse_search(data: bytes) -> list[SourceRecord]:
    records = []
    for hit in _json(data)["resultList"]["result"]:
        kind, value = ("pmcid", hit["pmcid"]) if hit.get("pmcid") else ("doi", hit["doi"])
        records.append(
            SourceRecord(
                kind,
                value,
                "europepmc",
                title=hit.get("title", ""),
                doi=hit.get("doi", ""),
                pmcid=hit.get("pmcid", ""),
                is_preprint=hit.get("source") == "PPR",
            )
        )
    return records


FAKE_PARSERS = {
    "pubmed": fake_parse_efetch,
    "crossref": fake_parse_work,
    "ctgov": fake_parse_study,
    "europepmc": fake_parse_search,
}


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ClockedTransport(httpx.BaseTransport):
    """The real transport, noting the (fake) clock's time as each request leaves."""

    def __init__(self, clock: FakeClock) -> None:
        self.inner = httpx.HTTPTransport()
        self.clock = clock
        self.sent: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(self.clock())
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def make_lookup(
    stub: StubServer,
    *,
    clock: FakeClock | None = None,
    parsers: dict | None = FAKE_PARSERS,
    transport: httpx.BaseTransport | None = None,
    **env: str,
) -> SourceLookup:
    """A lookup pointed at the stub, on a fake clock, with no jitter (back-off is exact)."""
    clock = clock or FakeClock()
    return SourceLookup(
        Settings.from_env(stub.env(**env)),
        transport=transport,
        clock=clock,
        sleep=clock.sleep,
        jitter=lambda: 0.0,
        parsers=parsers,
    )


def most_in_window(times: list[float], window: float) -> int:
    """The most of these times that fall in any half-open window [t, t + window)."""
    times = sorted(times)
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- settings -------------------------------------------------------------------------------------


def test_settings_default_to_the_real_services():
    settings = Settings.from_env({})
    assert settings.pubmed_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    assert settings.crossref_url == "https://api.crossref.org"
    assert settings.ctgov_url == "https://clinicaltrials.gov/api/v2"
    assert settings.europepmc_url == "https://www.ebi.ac.uk/europepmc/webservices/rest"
    assert not settings.offline
    assert (settings.connect_timeout, settings.read_timeout, settings.max_attempts) == (5, 15, 3)
    assert settings.rate("pubmed") == (3, 1.0)
    assert replace(settings, ncbi_api_key=API_KEY).rate("pubmed") == (10, 1.0)


def test_settings_read_every_variable():
    settings = Settings.from_env(
        {
            "CLAIMREVIEW_PUBMED_URL": "http://mirror.example/eutils/",
            "CLAIMREVIEW_CROSSREF_URL": "https://crossref.example",
            "CLAIMREVIEW_CTGOV_URL": "https://ctgov.example/api/v2",
            "CLAIMREVIEW_EUROPEPMC_URL": "https://epmc.example/rest",
            "CLAIMREVIEW_OFFLINE": "1",
            "CLAIMREVIEW_CONTACT_EMAIL": EMAIL,
            "CLAIMREVIEW_NCBI_API_KEY": API_KEY,
            "CLAIMREVIEW_LOOKUP_TIMEOUT": "2.5",
        }
    )
    assert settings.pubmed_url == "http://mirror.example/eutils"  # trailing slash dropped
    assert settings.crossref_url == "https://crossref.example"
    assert settings.ctgov_url == "https://ctgov.example/api/v2"
    assert settings.europepmc_url == "https://epmc.example/rest"
    assert settings.offline
    assert settings.contact_email == EMAIL
    assert settings.ncbi_api_key == API_KEY
    assert settings.read_timeout == 2.5
    assert settings.connect_timeout == 5.0
    assert API_KEY not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("CLAIMREVIEW_PUBMED_URL", "ftp://eutils.example/", "http:// or https://"),
        ("CLAIMREVIEW_CROSSREF_URL", "api.crossref.org", "http:// or https://"),
        ("CLAIMREVIEW_CTGOV_URL", "https://", "http:// or https://"),
        ("CLAIMREVIEW_EUROPEPMC_URL", "javascript:alert(1)", "http:// or https://"),
        ("CLAIMREVIEW_LOOKUP_TIMEOUT", "0", "positive number of seconds"),
        ("CLAIMREVIEW_LOOKUP_TIMEOUT", "-3", "positive number of seconds"),
        ("CLAIMREVIEW_LOOKUP_TIMEOUT", "soon", "positive number of seconds"),
        ("CLAIMREVIEW_LOOKUP_TIMEOUT", "nan", "positive number of seconds"),
        ("CLAIMREVIEW_LOOKUP_TIMEOUT", "inf", "positive number of seconds"),
        ("CLAIMREVIEW_OFFLINE", "maybe", "1 (look-ups off) or 0"),
        ("CLAIMREVIEW_CONTACT_EMAIL", "reviews at example", "one e-mail address"),
        ("CLAIMREVIEW_CONTACT_EMAIL", "a@b.org\r\nX-Evil: 1", "one e-mail address"),
    ],
)
def test_bad_environment_values_say_which_variable_and_what_to_put(name, value, says):
    with pytest.raises(ClaimreviewError) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value)
    assert says in str(caught.value)


def test_a_bad_api_key_is_refused_without_being_shown():
    bad = "secret-key with spaces"
    with pytest.raises(ClaimreviewError) as caught:
        Settings.from_env({"CLAIMREVIEW_NCBI_API_KEY": bad})
    assert "CLAIMREVIEW_NCBI_API_KEY" in str(caught.value)
    assert "secret" not in str(caught.value)


def test_base_urls_from_the_environment_are_the_ones_asked(stub_server):
    lookup = make_lookup(stub_server)
    assert lookup.lookup("pmid", "27557302").status == FOUND
    assert lookup.lookup("doi", "10.1056/nejmoa1606038").status == FOUND
    assert lookup.lookup("nct", "NCT01234567").status == FOUND
    assert lookup.lookup("pmcid", "PMC5012345").status == FOUND
    paths = [r.path for r in stub_server.requests()]
    assert paths == [
        EFETCH,
        "/crossref/works/10.1056/nejmoa1606038",
        "/ctgov/studies/NCT01234567",
        EUROPEPMC_SEARCH,
    ]
    assert stub_server.requests(EUROPEPMC_SEARCH)[0].param("query") == "PMCID:PMC5012345"


# --- parameters sent ------------------------------------------------------------------------------


def test_pubmed_gets_tool_email_and_api_key_in_a_post_body(stub_server):
    lookup = make_lookup(
        stub_server, CLAIMREVIEW_CONTACT_EMAIL=EMAIL, CLAIMREVIEW_NCBI_API_KEY=API_KEY
    )
    assert set(lookup.fetch_pubmed(["27557302", "31000001"])) == {"27557302", "31000001"}
    (request,) = stub_server.requests(EFETCH)
    assert request.method == "POST"
    assert request.query == {}  # nothing in the URL, so no proxy log holds the key
    assert request.form == {
        "db": ["pubmed"],
        "id": ["27557302,31000001"],
        "retmode": ["xml"],
        "tool": ["claimreview"],
        "email": [EMAIL],
        "api_key": [API_KEY],
    }


def test_pubmed_without_email_or_key_sends_only_the_tool(stub_server):
    make_lookup(stub_server).fetch_pubmed(["1"])
    (request,) = stub_server.requests(EFETCH)
    assert request.param("tool") == "claimreview"
    assert request.param("email") is None
    assert request.param("api_key") is None
    assert request.headers["user-agent"].startswith("claimreview/")
    assert "mailto" not in request.headers["user-agent"]


def test_crossref_gets_the_polite_pool_user_agent_and_mailto(stub_server):
    lookup = make_lookup(stub_server, CLAIMREVIEW_CONTACT_EMAIL=EMAIL)
    record = lookup.fetch_crossref("10.1056/NEJMoa1606038")
    assert record is not None and record.doi == "10.1056/nejmoa1606038"
    (request,) = stub_server.requests(CROSSREF_WORKS)
    assert request.query == {"mailto": [EMAIL]}
    user_agent = request.headers["user-agent"]
    assert user_agent.startswith("claimreview/") and user_agent.endswith(f"(mailto:{EMAIL})")


def test_ctgov_and_europepmc_requests(stub_server):
    lookup = make_lookup(stub_server)
    record = lookup.fetch_ctgov("nct01234567")
    assert record is not None and record.identifier == "NCT01234567"
    assert stub_server.requests(CTGOV_STUDIES)[0].query == {"format": ["json"]}
    records = lookup.fetch_europepmc("pmc5012345")
    assert [r.pmcid for r in records] == ["PMC5012345"]
    assert lookup.fetch_europepmc("TITLE:aspirin AND PUB_YEAR:2020") == []
    queries = [r.query for r in stub_server.requests(EUROPEPMC_SEARCH)]
    assert queries[0] == {
        "query": ["PMCID:PMC5012345"],
        "format": ["json"],
        "resultType": ["core"],
        "pageSize": ["25"],
    }
    assert queries[1]["query"] == ["TITLE:aspirin AND PUB_YEAR:2020"]


def test_a_doi_with_url_characters_is_percent_encoded_in_the_path(stub_server):
    doi = "10.1002/(sici)1097-0258;2-x?v=1#a%b <c>"
    record = make_lookup(stub_server).fetch_crossref(doi)
    assert record is not None and record.doi == doi
    (request,) = stub_server.requests(CROSSREF_WORKS)
    assert request.path == f"/crossref/works/{doi}"
    assert "?" not in request.raw_path and "#" not in request.raw_path
    assert request.query == {}


# --- batching -------------------------------------------------------------------------------------


def test_450_pmids_take_three_requests_of_at_most_200(stub_server):
    pmids = [str(10_000_000 + i) for i in range(450)]
    records = make_lookup(stub_server).fetch_pubmed(pmids)
    assert set(records) == set(pmids)
    batches = [r.param("id").split(",") for r in stub_server.requests(EFETCH)]
    assert [len(b) for b in batches] == [200, 200, 50]
    assert [p for b in batches for p in b] == pmids


def test_lookup_many_batches_pmids_and_asks_each_other_service_once(stub_server):
    stub_server.missing.add("99999999")
    pmids = [str(20_000_000 + i) for i in range(250)]
    identifiers = [("pmid", p) for p in pmids] + [
        ("pmid", "99999999"),
        ("pmid", pmids[0]),  # asked twice, looked up once
        ("doi", "10.1056/nejmoa1606038"),
        ("nct", "NCT01234567"),
        ("pmcid", "PMC5012345"),
        ("url", "https://example.org/news"),
    ]
    results = make_lookup(stub_server).lookup_many(identifiers)
    assert set(results) == set(identifiers)
    assert [len(r.param("id").split(",")) for r in stub_server.requests(EFETCH)] == [200, 51]
    assert all(results[("pmid", p)].status == FOUND for p in pmids)
    assert results[("pmid", pmids[7])].record.pmid == pmids[7]
    assert results[("pmid", "99999999")].status == NOT_FOUND
    assert results[("doi", "10.1056/nejmoa1606038")].status == FOUND
    assert results[("nct", "NCT01234567")].status == FOUND
    assert results[("pmcid", "PMC5012345")].status == FOUND
    assert results[("url", "https://example.org/news")].status == UNSUPPORTED
    assert stub_server.count(CROSSREF_WORKS) == stub_server.count(CTGOV_STUDIES) == 1


def test_lookup_many_takes_parsed_identifiers(stub_server):
    identifiers, refused = parse_identifiers("PMID 27557302, doi:10.1056/NEJMoa1606038")
    assert not refused
    results = make_lookup(stub_server).lookup_many(identifiers)
    assert {key: r.status for key, r in results.items()} == {
        ("pmid", "27557302"): FOUND,
        ("doi", "10.1056/nejmoa1606038"): FOUND,
    }


def test_one_failing_service_leaves_the_others_found(stub_server):
    stub_server.queue(EFETCH, *[StubResponse.server_error()] * 3)
    results = make_lookup(stub_server).lookup_many(
        [("pmid", "1"), ("pmid", "2"), ("nct", "NCT01234567")]
    )
    assert results[("pmid", "1")].status == results[("pmid", "2")].status == FAILED
    assert "PubMed answered 500" in results[("pmid", "2")].reason
    assert results[("nct", "NCT01234567")].status == FOUND


# --- rate limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "per_second"), [({}, 3), ({"CLAIMREVIEW_NCBI_API_KEY": API_KEY}, 10)]
)
def test_the_ncbi_rate_limit_is_kept(stub_server, env, per_second):
    clock = FakeClock()
    transport = ClockedTransport(clock)
    lookup = make_lookup(stub_server, clock=clock, transport=transport, **env)
    requests = 3 * per_second + 1
    for i in range(requests):
        assert lookup.lookup("pmid", str(i + 1)).status == FOUND
    assert stub_server.count(EFETCH) == requests
    assert most_in_window(transport.sent, 1.0) == per_second
    assert transport.sent[-1] - transport.sent[0] >= 3.0  # the last waited for its turn


def test_the_ncbi_rate_limit_on_the_real_clock(stub_server):
    lookup = SourceLookup(
        Settings.from_env(stub_server.env()),
        clock=time.monotonic,
        sleep=time.sleep,
        parsers=FAKE_PARSERS,
    )
    for pmid in "1234":
        lookup.fetch_pubmed([pmid])
    arrivals = [r.at for r in stub_server.requests(EFETCH)]
    assert most_in_window(arrivals, 1.0) == 3
    assert arrivals[3] - arrivals[0] >= 1.0


def test_lookups_from_many_threads_share_the_limit(stub_server):
    lookup = SourceLookup(
        Settings.from_env(stub_server.env(CLAIMREVIEW_NCBI_API_KEY=API_KEY)),
        clock=time.monotonic,
        sleep=time.sleep,
        parsers=FAKE_PARSERS,
    )
    results: list = []

    def look(pmids: list[str]) -> None:
        results.extend(lookup.lookup("pmid", p) for p in pmids)

    threads = [threading.Thread(target=look, args=([f"{t}{i}" for i in range(1, 3)],))
               for t in range(1, 6)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in results] == [FOUND] * 10
    assert stub_server.count(EFETCH) == 10
    assert len(lookup.limiter("pubmed")._slots) == 10  # every request took its own slot
    lookup.close()


def test_the_rate_limiter_never_double_books_a_slot_across_threads():
    limiter = RateLimiter(3, 1.0, clock=lambda: 0.0, sleep=lambda s: None)
    slots: list[float] = []
    lock = threading.Lock()

    def take(n: int) -> None:
        for _ in range(n):
            slot = limiter.acquire()
            with lock:
                slots.append(slot)

    threads = [threading.Thread(target=take, args=(5,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slots) == [float(i // 3) for i in range(40)]


def test_the_rate_limiter_sleeps_until_the_window_allows():
    clock = FakeClock()
    limiter = RateLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() - 1000 for _ in range(5)] == [0, 0, 1, 1, 2]
    assert clock.sleeps == [1.0, 1.0]
    assert limiter.tighten(1, 1.0) and limiter.limit == 1
    assert not limiter.tighten(50, 1.0) and limiter.limit == 1  # never raised


def test_crossref_rate_limit_headers_slow_the_client_down(stub_server):
    lookup = make_lookup(stub_server)
    lookup.fetch_crossref("10.1000/a")  # the stub's usual 50 per 1s: faster than 5/s
    assert lookup.limiter("crossref").limit == 5
    stub_server.queue(
        CROSSREF_WORKS,
        StubResponse(headers={"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s"}),
    )
    lookup.fetch_crossref("10.1000/b")
    limiter = lookup.limiter("crossref")
    assert limiter.limit == 2 and limiter.interval == pytest.approx(1.05)


def test_lookups_without_an_injected_clock_share_one_limiter_per_service():
    with (
        SourceLookup(Settings()) as first,
        SourceLookup(Settings()) as second,
        SourceLookup(Settings(ncbi_api_key=API_KEY)) as keyed,
    ):
        assert first.limiter("pubmed") is second.limiter("pubmed")
        assert first.limiter("pubmed") is not keyed.limiter("pubmed")
        assert keyed.limiter("pubmed").limit == 10


# --- retries --------------------------------------------------------------------------------------


def test_429_with_retry_after_is_honoured_then_succeeds(stub_server):
    clock = FakeClock()
    stub_server.queue(EFETCH, StubResponse.too_many(retry_after="2"))
    result = make_lookup(stub_server, clock=clock).lookup("pmid", "27557302")
    assert result.status == FOUND
    assert stub_server.count(EFETCH) == 2
    assert clock.sleeps == [2.0]


def test_retry_after_as_an_http_date(stub_server):
    clock = FakeClock()
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    stub_server.queue(CROSSREF_WORKS, StubResponse.too_many(retry_after=when))
    assert make_lookup(stub_server, clock=clock).lookup("doi", "10.1000/a").status == FOUND
    (slept,) = clock.sleeps
    assert 1.5 <= slept <= 3.5


def test_a_retry_after_beyond_the_cap_gives_up_at_once(stub_server):
    stub_server.queue(CTGOV_STUDIES, StubResponse.too_many(retry_after="3600"))
    result = make_lookup(stub_server).lookup("nct", "NCT01234567")
    assert result.status == FAILED
    assert "asked to wait 3600 seconds" in result.reason
    assert stub_server.count() == 1


def test_429_three_times_fails_with_a_clear_message(stub_server):
    stub_server.queue(EFETCH, *[StubResponse.too_many(retry_after=None)] * 3)
    result = make_lookup(stub_server).lookup("pmid", "27557302")
    assert result.status == FAILED
    assert result.reason == (
        "PubMed answered 429 Too Many Requests three times. "
        "A later `claimreview sources refresh` will try again."
    )


def test_500_three_times_fails_after_exponential_backoff(stub_server):
    clock = FakeClock()
    stub_server.queue(CROSSREF_WORKS, *[StubResponse.server_error()] * 3)
    lookup = make_lookup(stub_server, clock=clock)
    result = lookup.lookup("doi", "10.1056/nejmoa1606038")
    assert result.status == FAILED
    assert result.service == "crossref"
    assert result.reason.startswith("Crossref answered 500 Internal Server Error three times.")
    assert "claimreview sources refresh" in result.reason
    assert stub_server.count() == 3
    assert clock.sleeps == [0.5, 1.0]
    with pytest.raises(LookupFailed) as caught:
        stub_server.queue(CROSSREF_WORKS, *[StubResponse.server_error(503)] * 3)
        lookup.fetch_crossref("10.1056/nejmoa1606038")
    assert caught.value.service == "crossref"
    assert "503 Service Unavailable three times" in str(caught.value)


def test_backoff_has_jitter_and_a_cap():
    with SourceLookup(Settings(backoff_cap=1.5), clock=FakeClock(), jitter=lambda: 1.0) as lookup:
        assert [lookup._backoff(n) for n in (1, 2, 3, 4)] == [0.75, 1.5, 2.25, 2.25]


def test_a_500_then_success_is_found(stub_server):
    stub_server.queue(EUROPEPMC_SEARCH, StubResponse.server_error(502))
    assert make_lookup(stub_server).lookup("pmcid", "PMC5012345").status == FOUND
    assert stub_server.count() == 2


def test_mixed_failures_are_each_reported(stub_server):
    stub_server.queue(
        CTGOV_STUDIES,
        StubResponse.server_error(),
        StubResponse.truncated(),
        StubResponse.too_many(retry_after="1"),
    )
    result = make_lookup(stub_server).lookup("nct", "NCT01234567")
    assert result.reason.startswith(
        "ClinicalTrials.gov failed three times: it answered 500 Internal Server Error; "
        "then broke off its answer; then answered 429 Too Many Requests."
    )


# --- timeouts, broken and garbage answers ---------------------------------------------------------


def test_a_slow_answer_fails_quickly_with_a_timeout(stub_server):
    stub_server.queue(CROSSREF_WORKS, *[StubResponse.slow(2.0)] * 3)
    lookup = make_lookup(stub_server, CLAIMREVIEW_LOOKUP_TIMEOUT="0.15")
    started = time.monotonic()
    result = lookup.lookup("doi", "10.1056/nejmoa1606038")
    assert time.monotonic() - started < 1.5
    assert result.status == FAILED
    assert result.reason.startswith("Crossref did not answer within 0.15 seconds three times.")


def test_an_answer_that_trickles_in_past_the_deadline_fails(stub_server):
    clock = FakeClock()
    settings = replace(
        Settings.from_env(stub_server.env()),
        connect_timeout=0.05,
        read_timeout=0.15,
        max_attempts=1,
    )
    lookup = SourceLookup(settings, clock=clock, sleep=clock.sleep, parsers=FAKE_PARSERS)
    stub_server.queue(EFETCH, StubResponse(drip=0.08))  # 16 pieces, 1.3 s in all
    started = time.monotonic()
    result = lookup.lookup("pmid", "27557302")
    assert time.monotonic() - started < 1.2
    assert result.reason.startswith("PubMed took more than 0.65 seconds to answer once.")


def test_a_malformed_body_fails_saying_the_answer_could_not_be_read(stub_server):
    stub_server.queue(EFETCH, StubResponse.malformed())
    result = make_lookup(stub_server).lookup("pmid", "27557302")
    assert result.status == FAILED
    assert result.reason.startswith("PubMed's answer could not be read: not a PubmedArticleSet")
    assert stub_server.count() == 1  # the same garbage would come again: not retried


def test_a_truncated_document_fails_saying_the_answer_could_not_be_read(stub_server):
    stub_server.queue(CTGOV_STUDIES, StubResponse(body=b'{"protocolSection": {"identif'))
    result = make_lookup(stub_server).lookup("nct", "NCT01234567")
    assert result.status == FAILED
    assert result.reason.startswith("ClinicalTrials.gov's answer could not be read: not JSON")


def test_a_connection_that_breaks_off_is_retried(stub_server):
    stub_server.queue(EFETCH, StubResponse.truncated())
    assert make_lookup(stub_server).lookup("pmid", "27557302").status == FOUND
    stub_server.queue(EFETCH, *[StubResponse.truncated()] * 3)
    result = make_lookup(stub_server).lookup("pmid", "27557302")
    assert result.reason.startswith("PubMed broke off its answer three times.")
    assert stub_server.count() == 5


def test_a_parser_that_breaks_on_garbage_never_escapes_lookup(stub_server):
    def broken(data: bytes) -> SourceRecord:
        raise KeyError("message")

    result = make_lookup(stub_server, parsers={**FAKE_PARSERS, "crossref": broken}).lookup(
        "doi", "10.1000/a"
    )
    assert result.status == FAILED
    assert result.reason.startswith("Crossref's answer could not be read (KeyError).")


def test_a_missing_parser_module_fails_the_lookup_without_raising(stub_server, monkeypatch):
    monkeypatch.setitem(client._PARSERS, "ctgov", ("claims.sources.no_such_parser", "parse"))
    result = make_lookup(stub_server, parsers={}).lookup("nct", "NCT01234567")
    assert result.status == FAILED
    assert "ModuleNotFoundError" in result.reason


def test_an_unreachable_service_fails_saying_where(stub_server):
    port = free_port()
    lookup = make_lookup(stub_server, CLAIMREVIEW_CTGOV_URL=f"http://127.0.0.1:{port}/api/v2")
    result = lookup.lookup("nct", "NCT01234567")
    assert result.status == FAILED
    assert result.reason.startswith(
        f"ClinicalTrials.gov could not be reached at 127.0.0.1:{port} ("
    )
    assert result.reason.endswith(
        "three times. A later `claimreview sources refresh` will try again."
    )


# --- not found, refused, offline ------------------------------------------------------------------


def test_404_is_not_found_and_not_retried(stub_server):
    stub_server.missing.update({"10.1000/unknown", "NCT09999999"})
    lookup = make_lookup(stub_server)
    result = lookup.lookup("doi", "10.1000/UNKNOWN")
    assert result.status == NOT_FOUND
    assert result.not_found and not result.failed
    assert result.reason == "Crossref does not know DOI 10.1000/unknown."
    assert result.url.endswith("/crossref/works/10.1000/unknown")
    assert lookup.lookup("nct", "NCT09999999").status == NOT_FOUND
    assert lookup.fetch_crossref("10.1000/unknown") is None
    assert lookup.fetch_ctgov("NCT09999999") is None
    assert stub_server.count() == 4


def test_a_pmid_pubmed_does_not_return_is_not_found(stub_server):
    stub_server.missing.add("99999999")
    lookup = make_lookup(stub_server)
    assert lookup.lookup("pmid", "99999999").status == NOT_FOUND
    assert lookup.fetch_pubmed(["99999999", "1"]).keys() == {"1"}
    stub_server.missing.add("PMC0000001")
    assert lookup.lookup("pmcid", "PMC0000001").status == NOT_FOUND


def test_other_4xx_is_refused_and_not_retried(stub_server):
    stub_server.queue(CROSSREF_WORKS, StubResponse(status=403, body=b"Forbidden"))
    result = make_lookup(stub_server).lookup("doi", "10.1000/a")
    assert result.status == FAILED
    assert result.reason.startswith("Crossref refused the request (403 Forbidden).")
    assert "CLAIMREVIEW_CROSSREF_URL" in result.reason
    assert stub_server.count() == 1


def test_offline_asks_nothing_at_all(stub_server):
    lookup = make_lookup(stub_server, CLAIMREVIEW_OFFLINE="1")
    for kind, value in [
        ("pmid", "1"),
        ("doi", PREPRINT_DOI),
        ("nct", "NCT01234567"),
        ("pmcid", "PMC1"),
    ]:
        result = lookup.lookup(kind, value)
        assert result.status == OFFLINE and result.offline
        assert "CLAIMREVIEW_OFFLINE=1" in result.reason
    results = lookup.lookup_many([("pmid", str(i)) for i in range(300)])
    assert {r.status for r in results.values()} == {OFFLINE}
    with pytest.raises(LookupOffline):
        lookup.fetch_pubmed(["1"])
    with pytest.raises(LookupOffline):
        lookup.fetch_europepmc("PMC1")
    assert stub_server.count() == 0


# --- the API key ----------------------------------------------------------------------------------


def test_the_api_key_never_appears_in_results_errors_or_logs(stub_server, caplog):
    caplog.set_level(logging.DEBUG)
    lookup = make_lookup(stub_server, CLAIMREVIEW_NCBI_API_KEY=API_KEY)
    found = lookup.lookup("pmid", "27557302")
    assert found.status == FOUND
    assert "api_key=***" in found.url
    # NCBI's 429 body echoes the key; a 400 names it too.
    stub_server.queue(EFETCH, *[StubResponse.too_many(body=ncbi_rate_limited(API_KEY))] * 3)
    limited = lookup.lookup("pmid", "27557302")
    assert limited.reason.startswith("PubMed answered 429 Too Many Requests three times.")
    body = json.dumps({"error": f"API key invalid: {API_KEY}", "api-key": API_KEY}).encode()
    stub_server.queue(EFETCH, StubResponse(status=400, body=body))
    refused = lookup.lookup_many([("pmid", "1"), ("pmid", "2")])[("pmid", "1")]
    assert refused.reason.startswith("PubMed refused the request (400 Bad Request: API key invalid")
    assert "CLAIMREVIEW_NCBI_API_KEY" in refused.reason
    with pytest.raises(LookupFailed) as caught:
        stub_server.queue(EFETCH, StubResponse(status=400, body=body))
        lookup.fetch_pubmed(["1"])
    assert stub_server.requests(EFETCH)[0].param("api_key") == API_KEY  # it was sent
    for text in (
        repr(found),
        repr(limited),
        repr(refused),
        str(caught.value),
        caught.value.url,
        repr(lookup.settings),
        caplog.text,
    ):
        assert API_KEY not in text


# --- dispatch -------------------------------------------------------------------------------------


def test_a_preprint_doi_is_also_looked_up_at_europe_pmc(stub_server):
    result = make_lookup(stub_server).lookup("doi", PREPRINT_DOI)
    assert result.status == FOUND
    assert result.service == "crossref"
    assert result.record.is_preprint  # Europe PMC's flag, on Crossref's record
    assert [r.service for r in result.related] == ["europepmc"]
    (search,) = stub_server.requests(EUROPEPMC_SEARCH)
    assert search.param("query") == f'DOI:"{PREPRINT_DOI}"'


def test_a_journal_doi_is_not_looked_up_at_europe_pmc(stub_server):
    assert make_lookup(stub_server).lookup("doi", "10.1056/nejmoa1606038").status == FOUND
    assert stub_server.count(EUROPEPMC_SEARCH) == 0


def test_a_failing_europe_pmc_leaves_crossrefs_answer_standing(stub_server):
    stub_server.queue(EUROPEPMC_SEARCH, *[StubResponse.server_error()] * 3)
    result = make_lookup(stub_server).lookup("doi", PREPRINT_DOI)
    assert result.status == FOUND
    assert not result.record.is_preprint  # the fake Crossref parser does not set it
    assert result.note.startswith("Europe PMC answered 500")


def test_a_preprint_crossref_does_not_know_is_found_at_europe_pmc(stub_server):
    stub_server.queue(CROSSREF_WORKS, StubResponse(status=404, body=CROSSREF_NOT_FOUND))
    result = make_lookup(stub_server).lookup("doi", PREPRINT_DOI)
    assert result.status == FOUND
    assert result.service == "europepmc"
    assert result.record.is_preprint


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("pmid", "1,2"),
        ("pmid", "1 OR 2"),
        ("nct", "NCT123"),
        ("doi", "11.1000/x"),
        ("pmcid", ""),
        ("pmcid", "PMC12a"),
    ],
)
def test_a_malformed_identifier_is_not_sent(stub_server, kind, value):
    result = make_lookup(stub_server).lookup(kind, value)
    assert result.status == FAILED
    assert "was not looked up" in result.reason or "needs a query" in result.reason
    assert stub_server.count() == 0


def test_fetch_refuses_a_malformed_pmid(stub_server):
    with pytest.raises(ClaimreviewError, match="is not a PMID"):
        make_lookup(stub_server).fetch_pubmed(["12", "1,2"])
    assert stub_server.count() == 0


def test_a_url_is_not_looked_up(stub_server):
    result = make_lookup(stub_server).lookup("url", "https://example.org/")
    assert result.status == UNSUPPORTED
    assert result.service == ""
    assert stub_server.count() == 0


def test_a_result_says_when_and_where_it_was_asked(stub_server):
    before = datetime.now(UTC)
    result = make_lookup(stub_server, CLAIMREVIEW_CONTACT_EMAIL=EMAIL).lookup("pmid", "0042")
    assert result.value == "42"
    assert result.fetched_at.tzinfo is UTC
    assert before <= result.fetched_at <= datetime.now(UTC)
    assert result.url == (
        f"{stub_server.base_url}/eutils/efetch.fcgi?db=pubmed&id=42&retmode=xml"
        f"&tool=claimreview&email={EMAIL}"
    )


# --- the real parsers -----------------------------------------------------------------------------


def real_parser(module: str, name: str) -> None:
    """Skip unless claims.sources.<module> exists and has its parser."""
    try:
        parser_module = import_module(f"claims.sources.{module}")
    except ModuleNotFoundError:
        pytest.skip(f"claims.sources.{module} is not written yet (the parsers' helper writes it)")
    if not hasattr(parser_module, name):
        pytest.skip(f"claims.sources.{module}.{name} is not written yet")


class TestRealParsers:
    """The client with the real parsers, on the stub's documented-format answers."""

    def test_pubmed(self, stub_server):
        real_parser("pubmed", "parse_efetch")
        lookup = make_lookup(stub_server, parsers=None)
        result = lookup.lookup("pmid", "27557302")
        assert result.status == FOUND, result.reason
        assert result.record.pmid == "27557302"
        assert result.record.title.startswith("Stub trial 27557302")
        stub_server.queue(EFETCH, StubResponse(body=pubmed_xml(["27557302"])[:700]))
        truncated = lookup.lookup("pmid", "27557302")
        assert truncated.status == FAILED
        assert truncated.reason.startswith("PubMed's answer could not be read: it ")
        stub_server.queue(EFETCH, StubResponse.malformed())
        garbage = lookup.lookup("pmid", "27557302")
        assert garbage.reason.startswith("PubMed's answer could not be read: it ")
        assert stub_server.count(EFETCH) == 3  # neither was retried

    def test_crossref(self, stub_server):
        real_parser("crossref", "parse_work")
        lookup = make_lookup(stub_server, parsers=None)
        result = lookup.lookup("doi", "10.1056/nejmoa1606038")
        assert result.status == FOUND, result.reason
        assert result.record.doi == "10.1056/nejmoa1606038"
        stub_server.queue(CROSSREF_WORKS, StubResponse.malformed())
        garbage = lookup.lookup("doi", "10.1056/nejmoa1606038")
        assert garbage.reason.startswith("Crossref's answer could not be read")

    def test_ctgov(self, stub_server):
        real_parser("ctgov", "parse_study")
        result = make_lookup(stub_server, parsers=None).lookup("nct", "NCT01234567")
        assert result.status == FOUND, result.reason
        assert result.record.identifier == "NCT01234567"
        assert result.record.has_results is True

    def test_europepmc(self, stub_server):
        real_parser("europepmc", "parse_search")
        lookup = make_lookup(stub_server, parsers=None)
        result = lookup.lookup("pmcid", "PMC5012345")
        assert result.status == FOUND, result.reason
        assert result.record.pmcid == "PMC5012345"

    def test_a_preprint_doi(self, stub_server):
        real_parser("crossref", "parse_work")
        real_parser("europepmc", "parse_search")
        result = make_lookup(stub_server, parsers=None).lookup("doi", PREPRINT_DOI)
        assert result.status == FOUND, result.reason
        assert result.record.is_preprint
