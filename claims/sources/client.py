"""The network side of looking sources up: PubMed (NCBI E-utilities), Crossref,
ClinicalTrials.gov (API v2) and Europe PMC.

What each service asks of a client, kept here and nowhere else:

* base URLs, a contact address and NCBI's API key come from the environment (:class:`Settings`);
  ``CLAIMREVIEW_OFFLINE=1`` turns every look-up off;
* every request has a connect timeout, a read timeout and an overall deadline;
* each service's rate limit is kept across threads (:class:`RateLimiter`): NCBI 3 requests a
  second, 10 with an API key; Crossref, ClinicalTrials.gov and Europe PMC 5 a second (Crossref
  lower when its ``x-rate-limit-*`` headers ask for less);
* 429, 5xx, timeouts and broken connections are retried with exponential back-off and jitter,
  honouring ``Retry-After``; then :class:`LookupFailed` says which service, what happened and that
  ``claimreview sources refresh`` will try again;
* 404 (or 410) means the identifier is unknown to the service: not retried, reported as not found;
* PubMed is asked for up to 200 PMIDs per ``efetch`` request, by POST (as NCBI recommends for long
  id lists; it also keeps the API key out of URLs);
* the NCBI API key is never logged, returned or shown: URLs and messages mask it.

Answers are read by the parsers in ``pubmed``, ``crossref``, ``ctgov`` and ``europepmc``, imported
only when a look-up needs them. :meth:`SourceLookup.lookup` and :meth:`SourceLookup.lookup_many`
never raise for a slow, failing or garbage-answering service: they return a failed
:class:`LookupResult`. The ``fetch_*`` methods raise :class:`LookupFailed`.
"""

from __future__ import annotations

import email.utils
import logging
import math
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from importlib import import_module
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from claims.errors import ClaimreviewError
from claims.sources.records import SourceRecord

__all__ = [
    "FAILED",
    "FOUND",
    "NOT_FOUND",
    "OFFLINE",
    "PMIDS_PER_REQUEST",
    "SERVICE_NAMES",
    "UNSUPPORTED",
    "LookupFailed",
    "LookupOffline",
    "LookupResult",
    "RateLimiter",
    "Settings",
    "SourceLookup",
]

logger = logging.getLogger(__name__)

PUBMED, CROSSREF, CTGOV, EUROPEPMC = "pubmed", "crossref", "ctgov", "europepmc"
SERVICE_NAMES = {
    PUBMED: "PubMed",
    CROSSREF: "Crossref",
    CTGOV: "ClinicalTrials.gov",
    EUROPEPMC: "Europe PMC",
}

# LookupResult.status
FOUND = "found"
NOT_FOUND = "not_found"  # the service answered that it does not know the identifier
FAILED = "failed"  # the service could not be asked or its answer could not be read
OFFLINE = "offline"  # CLAIMREVIEW_OFFLINE is set: nothing was asked
UNSUPPORTED = "unsupported"  # no service looks this kind of identifier up (a URL)

PMIDS_PER_REQUEST = 200  # NCBI: "up to 200 UIDs" per efetch request
MAX_BODY_BYTES = 50_000_000  # 200 PubMed records with abstracts are a few MB
PREPRINT_DOI_PREFIXES = ("10.1101/",)  # bioRxiv and medRxiv (Cold Spring Harbor Laboratory)
REFRESH_HINT = "A later `claimreview sources refresh` will try again."

# (requests, seconds): what each service asks of one client. The small margin keeps requests
# that leave on time from arriving a hair early at the service.
NCBI_RATE = (3, 1.0)
NCBI_RATE_WITH_KEY = (10, 1.0)
DEFAULT_RATES = {CROSSREF: (5, 1.0), CTGOV: (5, 1.0), EUROPEPMC: (5, 1.0)}
RATE_MARGIN = 0.05  # seconds added to every interval

_ENV = {
    PUBMED: "CLAIMREVIEW_PUBMED_URL",
    CROSSREF: "CLAIMREVIEW_CROSSREF_URL",
    CTGOV: "CLAIMREVIEW_CTGOV_URL",
    EUROPEPMC: "CLAIMREVIEW_EUROPEPMC_URL",
}
DEFAULT_URLS = {
    PUBMED: "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    CROSSREF: "https://api.crossref.org",
    CTGOV: "https://clinicaltrials.gov/api/v2",
    EUROPEPMC: "https://www.ebi.ac.uk/europepmc/webservices/rest",
}
OFFLINE_ENV = "CLAIMREVIEW_OFFLINE"
EMAIL_ENV = "CLAIMREVIEW_CONTACT_EMAIL"
API_KEY_ENV = "CLAIMREVIEW_NCBI_API_KEY"
TIMEOUT_ENV = "CLAIMREVIEW_LOOKUP_TIMEOUT"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
_EMAIL = re.compile(r"[^@\s<>()\",;]+@[^@\s<>()\",;]+\.[^@\s<>()\",;]+")
_API_KEY = re.compile(r"[A-Za-z0-9._-]{1,200}")
_PMID = re.compile(r"[0-9]{1,9}")
_PMCID = re.compile(r"PMC[0-9]{1,10}")
_NCT = re.compile(r"NCT[0-9]{8}")
_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/\S.{0,999}", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ERRNO = re.compile(r"\[Errno -?[0-9]+\]\s*")
_INTERVAL = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)?\s*", re.IGNORECASE)


class LookupFailed(ClaimreviewError):
    """A service could not be asked, or its answer could not be read. The message says which
    service, what happened, and what to do."""

    def __init__(self, service: str, what: str, *, url: str = "", hint: str = REFRESH_HINT):
        super().__init__(f"{what}. {hint}" if hint else f"{what}.")
        self.service = service
        self.what = what
        self.url = url


class LookupOffline(LookupFailed):
    """Look-ups are turned off (``CLAIMREVIEW_OFFLINE=1``); nothing was asked."""

    def __init__(self, service: str):
        super().__init__(
            service,
            f"Source look-ups are off ({OFFLINE_ENV}=1), so {SERVICE_NAMES[service]} was not asked",
            hint=f"Unset {OFFLINE_ENV} and run `claimreview sources refresh` to look sources up.",
        )


class _NotFound(Exception):
    """The service answered 404/410: it does not know the identifier."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


# --- Settings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Where each service is, how long to wait for it and who is asking.

    Read from the environment by :meth:`from_env`; tests and callers may build one directly.
    """

    pubmed_url: str = DEFAULT_URLS[PUBMED]
    crossref_url: str = DEFAULT_URLS[CROSSREF]
    ctgov_url: str = DEFAULT_URLS[CTGOV]
    europepmc_url: str = DEFAULT_URLS[EUROPEPMC]
    offline: bool = False
    contact_email: str = ""
    ncbi_api_key: str = ""
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_attempts: int = 3
    backoff_base: float = 0.5  # seconds before the 2nd attempt; doubled for each one after
    backoff_cap: float = 8.0
    retry_after_cap: float = 60.0  # a longer Retry-After gives up now rather than wait

    def __repr__(self) -> str:  # never show the API key, even in a traceback's locals
        key = "***" if self.ncbi_api_key else ""
        return (
            f"Settings(pubmed_url={self.pubmed_url!r}, crossref_url={self.crossref_url!r}, "
            f"ctgov_url={self.ctgov_url!r}, europepmc_url={self.europepmc_url!r}, "
            f"offline={self.offline}, contact_email={self.contact_email!r}, "
            f"ncbi_api_key={key!r}, connect_timeout={self.connect_timeout}, "
            f"read_timeout={self.read_timeout}, max_attempts={self.max_attempts})"
        )

    @property
    def deadline(self) -> float:
        """The most seconds one request may take in all, however slowly the answer trickles in
        (the read timeout only bounds the wait between two pieces)."""
        return self.connect_timeout + 4 * self.read_timeout

    def base_url(self, service: str) -> str:
        return {
            PUBMED: self.pubmed_url,
            CROSSREF: self.crossref_url,
            CTGOV: self.ctgov_url,
            EUROPEPMC: self.europepmc_url,
        }[service]

    def rate(self, service: str) -> tuple[int, float]:
        """(requests, seconds) the service allows this client."""
        if service == PUBMED:
            return NCBI_RATE_WITH_KEY if self.ncbi_api_key else NCBI_RATE
        return DEFAULT_RATES[service]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Settings from ``CLAIMREVIEW_*`` variables; a bad value raises a ClaimreviewError that
        names the variable and what to put in it."""
        urls = {
            service: _base_url(environ.get(name), name, DEFAULT_URLS[service])
            for service, name in _ENV.items()
        }
        read_timeout = _timeout(environ.get(TIMEOUT_ENV), TIMEOUT_ENV, 15.0)
        return cls(
            pubmed_url=urls[PUBMED],
            crossref_url=urls[CROSSREF],
            ctgov_url=urls[CTGOV],
            europepmc_url=urls[EUROPEPMC],
            offline=_flag(environ.get(OFFLINE_ENV), OFFLINE_ENV),
            contact_email=_email(environ.get(EMAIL_ENV)),
            ncbi_api_key=_api_key(environ.get(API_KEY_ENV)),
            read_timeout=read_timeout,
        )


def _base_url(value: str | None, name: str, default: str) -> str:
    if value is None or not value.strip():
        return default
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.query:
        raise ClaimreviewError(
            f"{name} must be an http:// or https:// address without a query, such as "
            f"{default}; it is {_show(value)}."
        )
    return value.rstrip("/")


def _timeout(value: str | None, name: str, default: float) -> float:
    if value is None or not value.strip():
        return default
    try:
        seconds = float(value.strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ClaimreviewError(
            f"{name} must be a positive number of seconds, such as {default:g}; "
            f"it is {_show(value)}."
        )
    return seconds


def _flag(value: str | None, name: str) -> bool:
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ClaimreviewError(
        f"{name} must be 1 (look-ups off) or 0 (look-ups on); it is {_show(value or '')}."
    )


def _email(value: str | None) -> str:
    text = (value or "").strip()
    if text and not _EMAIL.fullmatch(text):
        raise ClaimreviewError(
            f"{EMAIL_ENV} must be one e-mail address, such as reviews@example.org (NCBI and "
            f"Crossref use it to contact you about your requests); it is {_show(text)}."
        )
    return text


def _api_key(value: str | None) -> str:
    text = (value or "").strip()
    if text and not _API_KEY.fullmatch(text):
        # The value itself is never quoted: it is a secret, however mistyped.
        raise ClaimreviewError(
            f"{API_KEY_ENV} holds characters an NCBI API key never has; copy the key (letters "
            "and digits) from your NCBI account settings, or unset it to ask at 3 requests a "
            "second."
        )
    return text


def _show(value: str) -> str:
    value = _CONTROL.sub("?", value)
    return repr(value if len(value) <= 80 else value[:77] + "...")


# --- Rate limits ----------------------------------------------------------------------------------


class RateLimiter:
    """At most ``limit`` requests in any ``interval`` seconds, across threads.

    Each caller reserves the earliest slot the window allows (under a lock), then sleeps until it
    outside the lock, so waiting threads queue in order and never burst together.
    """

    def __init__(
        self,
        limit: int,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or interval <= 0:
            raise ValueError("a rate limit needs at least one request in a positive interval")
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self.limit = limit
        self.interval = interval
        self._slots: deque[float] = deque(maxlen=limit)

    def acquire(self) -> float:
        """Wait until a request may leave; returns the (clock) time it was allowed to."""
        with self._lock:
            now = self._clock()
            slot = now
            if len(self._slots) == self.limit:
                slot = max(now, self._slots[0] + self.interval)
            self._slots.append(slot)
        if slot > now:
            self._sleep(slot - now)
        return slot

    def tighten(self, limit: int, interval: float) -> bool:
        """Lower the rate to ``limit`` per ``interval`` if that is slower than now (a service's
        own rate-limit headers); never raises it. Returns whether it changed."""
        if limit < 1 or interval <= 0 or limit / interval >= self.limit / self.interval:
            return False
        with self._lock:
            self.limit = limit
            self.interval = interval
            self._slots = deque(self._slots, maxlen=limit)
        return True


_shared_limiters: dict[tuple[str, str], RateLimiter] = {}
_shared_lock = threading.Lock()


def _shared_limiter(service: str, base_url: str, rate: tuple[int, float]) -> RateLimiter:
    """One limiter per service address and rate in this process, whichever SourceLookup asks."""
    key = (service, f"{base_url} {rate}")
    with _shared_lock:
        limiter = _shared_limiters.get(key)
        if limiter is None:
            limiter = _shared_limiters[key] = RateLimiter(rate[0], rate[1] + RATE_MARGIN)
        return limiter


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupResult:
    """What looking one identifier up gave: found (with the record), not found, failed (with the
    reason), offline or unsupported; which service was asked, when (UTC) and at what URL (the
    API key masked)."""

    kind: str
    value: str
    status: str  # FOUND, NOT_FOUND, FAILED, OFFLINE, UNSUPPORTED
    service: str  # pubmed, crossref, ctgov, europepmc; "" when no service looks it up
    fetched_at: datetime  # when the answer came (or, offline, when it was not asked), UTC
    url: str = ""
    record: SourceRecord | None = None
    reason: str = ""  # one or two sentences for the user, for every status but FOUND
    related: tuple[SourceRecord, ...] = ()  # other records found on the way (Europe PMC's)
    note: str = ""  # a secondary service that failed, when the main answer still stands

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def not_found(self) -> bool:
        return self.status == NOT_FOUND

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    @property
    def offline(self) -> bool:
        return self.status == OFFLINE


@dataclass(frozen=True)
class _Answer:
    body: bytes
    url: str  # masked
    headers: httpx.Headers


# --- The client -----------------------------------------------------------------------------------

Parser = Callable[[bytes], Any]
_PARSERS = {
    PUBMED: ("claims.sources.pubmed", "parse_efetch"),
    CROSSREF: ("claims.sources.crossref", "parse_work"),
    CTGOV: ("claims.sources.ctgov", "parse_study"),
    EUROPEPMC: ("claims.sources.europepmc", "parse_search"),
}


def _user_agent(email: str) -> str:
    try:
        version = package_version("claimreview")
    except PackageNotFoundError:
        version = "0"
    return f"claimreview/{version} (mailto:{email})" if email else f"claimreview/{version}"


class SourceLookup:
    """Looks sources up at PubMed, Crossref, ClinicalTrials.gov and Europe PMC.

    Safe to share between threads. ``transport`` replaces httpx's network transport (tests);
    ``clock`` and ``sleep`` replace the real ones for rate limits and back-off (tests; with them
    the limiters are this object's own, otherwise shared by every SourceLookup in the process);
    ``parsers`` replace the service parsers by service name (tests).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        jitter: Callable[[], float] = random.random,
        parsers: Mapping[str, Parser] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else Settings.from_env()
        self._sleep = sleep or time.sleep
        self._jitter = jitter
        self._parsers = dict(parsers or {})
        own_limiters = clock is not None or sleep is not None
        self._limiters: dict[str, RateLimiter] = {}
        for service in SERVICE_NAMES:
            rate = self.settings.rate(service)
            if own_limiters:
                self._limiters[service] = RateLimiter(
                    rate[0],
                    rate[1] + RATE_MARGIN,
                    clock=clock or time.monotonic,
                    sleep=self._sleep,
                )
            else:
                self._limiters[service] = _shared_limiter(
                    service, self.settings.base_url(service), rate
                )
        s = self.settings
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": _user_agent(s.contact_email)},
            follow_redirects=True,
            max_redirects=5,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SourceLookup:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def limiter(self, service: str) -> RateLimiter:
        """The rate limiter this lookup uses for a service."""
        return self._limiters[service]

    # --- fetch_*: one service each; raise LookupFailed -------------------------------------------

    def fetch_pubmed(self, pmids: Sequence[str]) -> dict[str, SourceRecord]:
        """PubMed's records for these PMIDs, keyed by PMID (a PMID PubMed does not know is
        absent), asking for up to 200 per request."""
        records: dict[str, SourceRecord] = {}
        ids = _unique(_check_pmid(p) for p in pmids)
        for start in range(0, len(ids), PMIDS_PER_REQUEST):
            records.update(self._pubmed_ask(ids[start : start + PMIDS_PER_REQUEST])[0])
        return records

    def fetch_crossref(self, doi: str) -> SourceRecord | None:
        """Crossref's record for a DOI, or None when Crossref does not know it."""
        return self._crossref(doi)[0]

    def fetch_ctgov(self, nct: str) -> SourceRecord | None:
        """ClinicalTrials.gov's record for an NCT number, or None when it does not know it."""
        return self._ctgov(nct)[0]

    def fetch_europepmc(self, pmcid_or_query: str) -> list[SourceRecord]:
        """Europe PMC's records for a PMCID, a DOI or a search query (its own syntax)."""
        return self._europepmc(_europepmc_query(pmcid_or_query))[0]

    # --- lookup: any identifier; never raises for a service's failure ---------------------------

    def lookup(self, kind: str, value: str) -> LookupResult:
        """Look one identifier up (kind: pmid, doi, nct, pmcid) at the service that holds it.

        A DOI of a preprint server (10.1101: bioRxiv, medRxiv) is also looked up at Europe PMC,
        which marks preprints. Failures come back as a failed result, never raised."""
        kind = (kind or "").strip().lower()
        value = _normal(kind, value)
        service = SERVICE_FOR_KIND.get(kind, "")
        if not service:
            return self._result(
                kind,
                value,
                UNSUPPORTED,
                "",
                reason="claimreview looks up DOIs, PMIDs, PMCIDs and NCT numbers; "
                f"a {kind or 'blank'} identifier is kept as given.",
            )
        if self.settings.offline:
            return self._offline(kind, value, service)
        try:
            if kind == "pmid":
                return self._lookup_pmids([value])[(kind, value)]
            if kind == "doi":
                return self._lookup_doi(value)
            if kind == "nct":
                record, url = self._ctgov(value)
                return self._single(kind, value, CTGOV, record, url)
            _check(_PMCID, value, "a PMCID (PMC and digits)")
            records, url = self._europepmc(_europepmc_query(value))
            record = _pick_pmcid(records, value)
            related = tuple(r for r in records if r is not record)
            return self._single(kind, value, EUROPEPMC, record, url, related=related)
        except Exception as error:  # a lookup reports, it never raises
            return self._failed(kind, value, service, error)

    def lookup_many(
        self, identifiers: Iterable[tuple[str, str] | Any]
    ) -> dict[tuple[str, str], LookupResult]:
        """Look many identifiers up: (kind, value) pairs or objects with ``kind`` and ``value``
        (claims.identifiers.Identifier). PMIDs go to PubMed 200 per request; the rest one by
        one. Keyed by (kind, value) as given; never raises for a service's failure."""
        pairs: list[tuple[str, str]] = []
        for item in identifiers:
            pair = (item.kind, item.value) if hasattr(item, "kind") else tuple(item)
            pairs.append((pair[0], pair[1]))
        results: dict[tuple[str, str], LookupResult] = {}
        pmids: dict[str, list[tuple[str, str]]] = {}
        for kind, value in _unique(pairs):
            if (kind or "").strip().lower() == "pmid" and not self.settings.offline:
                normal = _normal("pmid", value)
                if _PMID.fullmatch(normal):
                    pmids.setdefault(normal, []).append((kind, value))
                    continue
            results[(kind, value)] = self.lookup(kind, value)
        batch = list(pmids)
        for start in range(0, len(batch), PMIDS_PER_REQUEST):
            chunk = batch[start : start + PMIDS_PER_REQUEST]
            try:
                found = self._lookup_pmids(chunk)
            except Exception as error:  # a lookup reports, it never raises
                found = {("pmid", p): self._failed("pmid", p, PUBMED, error) for p in chunk}
            for pmid in chunk:
                for key in pmids[pmid]:
                    results[key] = found[("pmid", pmid)]
        return results

    # --- per service ----------------------------------------------------------------------------

    def _pubmed_ask(self, pmids: list[str]) -> tuple[dict[str, SourceRecord], str]:
        url = f"{self.settings.pubmed_url}/efetch.fcgi"
        form = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", **self._ncbi_params()}
        try:
            answer = self._ask(PUBMED, "POST", url, form=form)
        except _NotFound as missing:  # efetch answers 200 without unknown ids; 404 is odd
            raise LookupFailed(
                PUBMED, "PubMed answered 404 Not Found for efetch", url=missing.url
            ) from None
        parsed = self._parse(PUBMED, answer)
        if not isinstance(parsed, Mapping):
            raise LookupFailed(PUBMED, "PubMed's answer could not be read", url=answer.url)
        return {str(k): v for k, v in parsed.items()}, answer.url

    def _ncbi_params(self) -> dict[str, str]:
        params = {"tool": "claimreview"}
        if self.settings.contact_email:
            params["email"] = self.settings.contact_email
        if self.settings.ncbi_api_key:
            params["api_key"] = self.settings.ncbi_api_key
        return params

    def _pubmed_url_for(self, pmid: str) -> str:
        """The efetch URL that asks for one PMID, as a person could open it (key masked)."""
        params = {"db": "pubmed", "id": pmid, "retmode": "xml", **self._ncbi_params()}
        return self._mask_url(f"{self.settings.pubmed_url}/efetch.fcgi", params)

    def _crossref(self, doi: str) -> tuple[SourceRecord | None, str]:
        doi = _check_doi(doi)
        url = f"{self.settings.crossref_url}/works/{_quote_doi(doi)}"
        params = {"mailto": self.settings.contact_email} if self.settings.contact_email else {}
        try:
            answer = self._ask(CROSSREF, "GET", url, params=params)
        except _NotFound as missing:
            return None, missing.url
        return self._record(CROSSREF, answer), answer.url

    def _ctgov(self, nct: str) -> tuple[SourceRecord | None, str]:
        nct = _check(_NCT, nct.strip().upper(), "an NCT number (NCT and 8 digits)")
        url = f"{self.settings.ctgov_url}/studies/{nct}"
        try:
            answer = self._ask(CTGOV, "GET", url, params={"format": "json"})
        except _NotFound as missing:
            return None, missing.url
        return self._record(CTGOV, answer), answer.url

    def _europepmc(self, query: str) -> tuple[list[SourceRecord], str]:
        if not query.strip() or _CONTROL.search(query):
            raise ClaimreviewError("A Europe PMC search needs a query on one line.")
        url = f"{self.settings.europepmc_url}/search"
        params = {"query": query, "format": "json", "resultType": "core", "pageSize": "25"}
        try:
            answer = self._ask(EUROPEPMC, "GET", url, params=params)
        except _NotFound as missing:
            return [], missing.url
        parsed = self._parse(EUROPEPMC, answer)
        if not isinstance(parsed, list | tuple):
            raise LookupFailed(EUROPEPMC, "Europe PMC's answer could not be read", url=answer.url)
        return list(parsed), answer.url

    # --- lookup helpers -------------------------------------------------------------------------

    def _lookup_pmids(self, pmids: list[str]) -> dict[tuple[str, str], LookupResult]:
        for pmid in pmids:
            _check_pmid(pmid)
        records, _url = self._pubmed_ask(pmids)
        results = {}
        for pmid in pmids:
            results[("pmid", pmid)] = self._single(
                "pmid", pmid, PUBMED, records.get(pmid), self._pubmed_url_for(pmid)
            )
        return results

    def _lookup_doi(self, doi: str) -> LookupResult:
        record, url = self._crossref(doi)
        if not doi.startswith(PREPRINT_DOI_PREFIXES):
            return self._single("doi", doi, CROSSREF, record, url)
        # A preprint server's DOI: Europe PMC says whether it is (still) a preprint.
        try:
            others, _ = self._europepmc(_europepmc_query(doi))
        except Exception as error:  # Crossref's answer still stands
            note = str(error) if isinstance(error, ClaimreviewError) else "Europe PMC failed"
            return replace(self._single("doi", doi, CROSSREF, record, url), note=note)
        if record is None:
            match = next((r for r in others if r.doi.lower() == doi), None)
            if match is None:
                return self._single("doi", doi, CROSSREF, None, url)
            related = tuple(r for r in others if r is not match)
            return self._single("doi", doi, EUROPEPMC, match, url, related=related)
        if any(r.is_preprint and r.doi.lower() == doi for r in others) and not record.is_preprint:
            record = replace(record, is_preprint=True)
        return self._single("doi", doi, CROSSREF, record, url, related=tuple(others))

    def _single(
        self,
        kind: str,
        value: str,
        service: str,
        record: SourceRecord | None,
        url: str,
        *,
        related: tuple[SourceRecord, ...] = (),
    ) -> LookupResult:
        if record is None:
            return self._result(
                kind,
                value,
                NOT_FOUND,
                service,
                url=url,
                reason=f"{SERVICE_NAMES[service]} does not know {_label(kind, value)}.",
                related=related,
            )
        return self._result(kind, value, FOUND, service, url=url, record=record, related=related)

    def _offline(self, kind: str, value: str, service: str) -> LookupResult:
        return self._result(kind, value, OFFLINE, service, reason=str(LookupOffline(service)))

    def _failed(self, kind: str, value: str, service: str, error: Exception) -> LookupResult:
        if isinstance(error, LookupOffline):
            return self._offline(kind, value, service)
        if isinstance(error, ClaimreviewError):
            reason = str(error)
        else:
            logger.error(
                "Looking up %s at %s failed: %s",
                _label(kind, value),
                SERVICE_NAMES[service],
                self._mask(repr(error)),
            )
            reason = (
                f"Looking up {_label(kind, value)} at {SERVICE_NAMES[service]} failed "
                f"({type(error).__name__}). {REFRESH_HINT}"
            )
        url = getattr(error, "url", "") or ""
        return self._result(kind, value, FAILED, service, url=url, reason=self._mask(reason))

    def _result(self, kind: str, value: str, status: str, service: str, **fields) -> LookupResult:
        fields["url"] = self._mask(fields.get("url", ""))
        return LookupResult(
            kind=kind,
            value=value,
            status=status,
            service=service,
            fetched_at=datetime.now(UTC),
            **fields,
        )

    # --- parsing --------------------------------------------------------------------------------

    def _parser(self, service: str) -> Parser:
        if service in self._parsers:
            return self._parsers[service]
        module, name = _PARSERS[service]
        return getattr(import_module(module), name)  # imported only when first needed

    def _parse(self, service: str, answer: _Answer) -> Any:
        parse = self._parser(service)
        name = SERVICE_NAMES[service]
        try:
            return parse(answer.body)
        except ClaimreviewError as error:  # SourceFormatError: malformed or truncated
            # SourceFormatError.problem reads on from "the reply": "is cut short or not ...".
            problem = getattr(error, "problem", None)
            detail = f"it {problem}" if isinstance(problem, str) and problem else str(error)
            what = f"{name}'s answer could not be read: {self._mask(detail).rstrip('.')}"
        except Exception as error:  # a parser meeting garbage it did not expect
            logger.warning("%s's answer broke its parser: %r", name, self._mask(repr(error)))
            what = f"{name}'s answer could not be read ({type(error).__name__})"
        raise LookupFailed(service, what, url=answer.url)

    def _record(self, service: str, answer: _Answer) -> SourceRecord:
        record = self._parse(service, answer)
        if not isinstance(record, SourceRecord):
            raise LookupFailed(
                service, f"{SERVICE_NAMES[service]}'s answer could not be read", url=answer.url
            )
        return record

    # --- HTTP: rate limit, retries, timeouts ----------------------------------------------------

    def _ask(
        self,
        service: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> _Answer:
        """One answer from a service (2xx), after retries; raises _NotFound for 404/410 and
        LookupFailed for everything else."""
        if self.settings.offline:
            raise LookupOffline(service)
        name = SERVICE_NAMES[service]
        shown = self._mask_url(url, {**(params or {}), **(form or {})})
        host = urlsplit(url).netloc
        s = self.settings
        outcomes: list[str] = []
        for attempt in range(1, s.max_attempts + 1):
            self._limiters[service].acquire()
            wait = self._backoff(attempt)
            try:
                status, headers, body = self._send(method, url, params=params, form=form)
            except _TooLarge:
                raise LookupFailed(
                    service,
                    f"{name}'s answer was larger than {MAX_BODY_BYTES // 1_000_000} MB",
                    url=shown,
                ) from None
            except httpx.ConnectTimeout:
                outcomes.append(f"could not be reached within {s.connect_timeout:g} seconds")
            except _DeadlineExceeded:
                outcomes.append(f"took more than {s.deadline:g} seconds to answer")
            except httpx.TimeoutException:
                outcomes.append(f"did not answer within {s.read_timeout:g} seconds")
            except httpx.ConnectError as error:
                outcomes.append(f"could not be reached at {host} ({self._error_text(error)})")
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                outcomes.append("broke off its answer")
            except httpx.TransportError as error:
                outcomes.append(f"could not be asked ({self._error_text(error)})")
            else:
                if 200 <= status < 300:
                    self._honour_rate_headers(service, headers)
                    return _Answer(body=body, url=shown, headers=headers)
                if status in (404, 410):
                    raise _NotFound(shown)
                if status != 429 and status < 500:
                    raise LookupFailed(
                        service,
                        f"{name} refused the request ({_status(status)}{self._detail(body)})",
                        url=shown,
                        hint=_refused_hint(service, status),
                    )
                outcomes.append(f"answered {_status(status)}")
                retry_after = _retry_after(headers.get("retry-after"))
                if retry_after is not None:
                    if retry_after > s.retry_after_cap:
                        raise LookupFailed(
                            service,
                            f"{name} answered {_status(status)} and asked to wait "
                            f"{retry_after:.0f} seconds before asking again",
                            url=shown,
                        )
                    wait = max(wait, retry_after)
            logger.info(
                "%s attempt %d of %d: %s (%s)", name, attempt, s.max_attempts, outcomes[-1], shown
            )
            if attempt < s.max_attempts:
                self._sleep(wait)
        raise LookupFailed(service, _summary(name, outcomes), url=shown)

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None,
        form: Mapping[str, str] | None,
    ) -> tuple[int, httpx.Headers, bytes]:
        """One request; the body read whole within the overall deadline and size limit."""
        deadline = time.monotonic() + self.settings.deadline
        with self._client.stream(method, url, params=params, data=form) as response:
            if not 200 <= response.status_code < 300:
                return response.status_code, response.headers, _read_some(response)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _TooLarge
                if time.monotonic() > deadline:
                    raise _DeadlineExceeded("the answer took too long")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        """0.5 s, 1 s, 2 s, ... (capped), each stretched by up to half again at random so that
        clients that failed together do not retry together."""
        base = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempt - 1))
        return base * (1 + 0.5 * self._jitter())

    def _honour_rate_headers(self, service: str, headers: httpx.Headers) -> None:
        """Crossref says its limit in ``x-rate-limit-limit`` and ``x-rate-limit-interval``."""
        limit, interval = headers.get("x-rate-limit-limit"), headers.get("x-rate-limit-interval")
        if not limit or not interval:
            return
        try:
            count = int(limit.strip())
        except ValueError:
            return
        seconds = _interval_seconds(interval)
        if seconds and self._limiters[service].tighten(count, seconds + RATE_MARGIN):
            logger.info("%s asks for at most %d requests per %g s", service, count, seconds)

    # --- masking --------------------------------------------------------------------------------

    def _mask(self, text: str) -> str:
        key = self.settings.ncbi_api_key
        return text.replace(key, "***") if key and text else text

    def _mask_url(self, url: str, params: Mapping[str, str]) -> str:
        if not params:
            return url
        shown = {k: ("***" if k == "api_key" else v) for k, v in params.items()}
        return self._mask(f"{url}?{urlencode(shown, safe=',*:@')}")

    def _error_text(self, error: Exception) -> str:
        text = _ERRNO.sub("", str(error)).strip() or type(error).__name__
        return self._mask(text[:200])

    def _detail(self, body: bytes) -> str:
        """A short reason from an error body (NCBI: {"error": "API key invalid"}), masked."""
        text = body[:2000].decode("utf-8", "replace").strip()
        match = re.search(r'"error"\s*:\s*"([^"]{1,200})"', text)
        detail = match.group(1) if match else ""
        detail = _CONTROL.sub(" ", self._mask(detail)).strip()
        return f": {detail}" if detail else ""


class _TooLarge(Exception):
    pass


class _DeadlineExceeded(httpx.TimeoutException):
    pass


def _read_some(response: httpx.Response, limit: int = 65536) -> bytes:
    """Up to ``limit`` bytes of an error answer (enough for its message)."""
    chunks, size = [], 0
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except httpx.HTTPError:
        pass
    return b"".join(chunks)[:limit]


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _times(n: int) -> str:
    return {1: "once", 2: "twice", 3: "three times"}.get(n, f"{n} times")


def _summary(name: str, outcomes: list[str]) -> str:
    """ "PubMed answered 429 Too Many Requests three times", or each outcome when they differ."""
    distinct = list(dict.fromkeys(outcomes))
    if len(distinct) == 1:
        return f"{name} {distinct[0]} {_times(len(outcomes))}"
    return f"{name} failed {_times(len(outcomes))}: it " + "; then ".join(outcomes)


def _refused_hint(service: str, status: int) -> str:
    if service == PUBMED and status in (400, 401, 403):
        return f"Check {API_KEY_ENV} and {EMAIL_ENV}, then run `claimreview sources refresh`."
    return f"Check the {SERVICE_NAMES[service]} address ({_ENV[service]}) if this persists."


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _interval_seconds(value: str) -> float | None:
    match = _INTERVAL.fullmatch(value)
    if not match:
        return None
    number = float(match.group(1))
    unit = (match.group(2) or "s").lower()
    seconds = number / 1000 if unit == "ms" else number * 60 if unit == "m" else number
    return seconds if seconds > 0 else None


# --- identifiers ----------------------------------------------------------------------------------

# The service that looks up each kind of identifier.
SERVICE_FOR_KIND = {"pmid": PUBMED, "doi": CROSSREF, "nct": CTGOV, "pmcid": EUROPEPMC}


def _normal(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind == "doi":
        return value.lower()
    if kind in ("pmcid", "nct"):
        return value.upper()
    if kind == "pmid":
        return value.lstrip("0") or value
    return value


def _check(pattern: re.Pattern[str], value: str, what: str) -> str:
    if not pattern.fullmatch(value):
        raise ClaimreviewError(f"{_show(value)} is not {what}, so it was not looked up.")
    return value


def _check_pmid(pmid: str) -> str:
    return _check(_PMID, _normal("pmid", str(pmid)), "a PMID (1 to 9 digits)")


def _check_doi(doi: str) -> str:
    doi = _normal("doi", doi)
    if _CONTROL.search(doi):
        doi = _CONTROL.sub("?", doi)
        raise ClaimreviewError(f"{_show(doi)} is not a DOI, so it was not looked up.")
    return _check(_DOI, doi, "a DOI (10.NNNN/...)")


def _quote_doi(doi: str) -> str:
    """A DOI as a URL path: slashes kept, everything a URL gives meaning to (?, #, %, ;,
    spaces, <, >) percent-encoded."""
    return quote(doi, safe="/()._-:")


def _europepmc_query(text: str) -> str:
    """A PMCID or DOI as Europe PMC's search syntax; anything else is taken as a query."""
    text = text.strip()
    if _PMCID.fullmatch(text.upper()):
        return f"PMCID:{text.upper()}"
    if _DOI.fullmatch(text.lower()):
        return 'DOI:"{}"'.format(text.lower().replace('"', ""))
    return text


def _pick_pmcid(records: Sequence[SourceRecord], pmcid: str) -> SourceRecord | None:
    """The record for this PMCID; Europe PMC's PMCID search is exact, so a record that names no
    PMCID is taken as the one asked for."""
    for record in records:
        if record.pmcid.upper() == pmcid:
            return record
    return next((r for r in records if not r.pmcid), None)


def _label(kind: str, value: str) -> str:
    return {
        "pmid": f"PMID {value}",
        "doi": f"DOI {value}",
        "pmcid": f"PMCID {value}",
        "nct": value,
    }.get(kind, value)


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))
