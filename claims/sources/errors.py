"""The error a service's reply raises when it is not the format the service documents."""

from __future__ import annotations

from claims.errors import ClaimreviewError

# How a reviewer reads each service's name (records.py names services by these keys).
SERVICE_NAMES = {
    "pubmed": "PubMed",
    "crossref": "Crossref",
    "ctgov": "ClinicalTrials.gov",
    "europepmc": "Europe PMC",
}


class SourceFormatError(ClaimreviewError):
    """A reply that cannot be read as the service's documented format: empty, truncated,
    malformed, or another kind of answer (an error page, a different message type).

    The message names the service and what was wrong, then what to do: by default to try again,
    since such replies are usually passing faults (a cut connection, a rate-limit page).
    """

    def __init__(
        self, service: str, problem: str, advice: str = "Try the lookup again later."
    ) -> None:
        self.service = service
        self.problem = problem
        name = SERVICE_NAMES.get(service, service)
        super().__init__(f"{name}'s reply {problem}. {advice}".strip())
