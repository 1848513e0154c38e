"""The local stub of PubMed, Crossref, ClinicalTrials.gov and Europe PMC (stub_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sources.stub_server import StubServer

PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture
def stub_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    """A stub of the four services on a free local port, stopped after the test; script it with
    ``stub_server.queue(path, StubResponse(...))`` and point settings at ``stub_server.env()``.

    Proxy variables are cleared for the test, so that requests to 127.0.0.1 go straight there."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with StubServer() as server:
        yield server
