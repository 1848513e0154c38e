"""What a lookup of a source yields, whichever service answered it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The kinds of notice a source can carry, as PubMed's CommentsCorrections and Crossref's
# update-to / updated-by name them, in one vocabulary.
RETRACTION = "retraction"
EXPRESSION_OF_CONCERN = "expression_of_concern"
CORRECTION = "correction"  # an erratum or correction
NOTICE_KINDS = (RETRACTION, EXPRESSION_OF_CONCERN, CORRECTION)


@dataclass(frozen=True)
class Notice:
    """A published notice about this source: its kind, and what identifies the notice."""

    kind: str  # one of NOTICE_KINDS
    reference: str = ""  # e.g. "PMID 12345678", "doi:10.1000/xyz", or the notice's citation
    date: str = ""  # ISO date where the service gives one


@dataclass(frozen=True)
class SourceRecord:
    """The metadata one service gave for one identifier. Empty strings / tuples / None where
    the service said nothing; never invented."""

    kind: str  # the identifier's kind as claims.identifiers names it: pmid, doi, pmcid, nct
    identifier: str  # normalised as claims.identifiers normalises it
    service: str  # pubmed, crossref, ctgov, europepmc
    title: str = ""
    authors: tuple[str, ...] = ()  # Vancouver form: "Surname AB"; a group author as written
    journal: str = ""  # the journal's abbreviation where given, else its title
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""  # lower-cased
    pmid: str = ""
    pmcid: str = ""  # "PMC1234567"
    publication_types: tuple[str, ...] = ()  # PubMed's, or Crossref's type ("journal-article")
    mesh_terms: tuple[str, ...] = ()
    abstract: str = ""
    notices: tuple[Notice, ...] = ()  # retractions, expressions of concern, corrections of it
    is_retraction_notice: bool = False  # the record IS a retraction notice (not the paper)
    is_preprint: bool = False
    trial_ids: tuple[str, ...] = ()  # registry numbers the record names (NCT...)
    # ClinicalTrials.gov
    study_type: str = ""  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    phases: tuple[str, ...] = ()  # PHASE1, PHASE2, ...
    allocation: str = ""  # RANDOMIZED, NON_RANDOMIZED, NA
    enrollment: int | None = None
    overall_status: str = ""  # RECRUITING, COMPLETED, TERMINATED, ...
    has_results: bool | None = None
    start_date: str = ""
    completion_date: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # anything else kept

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (stored with the citation)."""
        data = asdict(self)
        data["notices"] = [asdict(n) for n in self.notices]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceRecord:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["notices"] = tuple(Notice(**n) for n in values.get("notices") or ())
        for name in (
            "authors", "publication_types", "mesh_terms", "trial_ids", "phases",
        ):  # fmt: skip
            values[name] = tuple(values.get(name) or ())
        return cls(**values)
