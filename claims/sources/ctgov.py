"""ClinicalTrials.gov: API v2 replies for one study (``GET /api/v2/studies/{nctId}``) as
SourceRecords.

Field paths as the API's study data structure documents them
(https://clinicaltrials.gov/data-api/about-api/study-data-structure): ``protocolSection`` holds
the registration (identification, status, design, oversight, references modules),
``derivedSection`` what ClinicalTrials.gov adds (condition MeSH terms), and the top-level
``hasResults`` whether results are posted. Enumerations (overallStatus, studyType, phases,
allocation) are kept as the API spells them: COMPLETED, INTERVENTIONAL, PHASE3, RANDOMIZED.
"""

from __future__ import annotations

import re
from typing import Any

from claims.sources.errors import SourceFormatError
from claims.sources.fields import as_list, clean, load_json, year_in
from claims.sources.records import SourceRecord

__all__ = ["parse_study"]

SERVICE = "ctgov"
_NCT = re.compile(r"NCT\d{8}")
# Reference types whose PMIDs report the study's results: given by the sponsor (RESULT) or
# matched by ClinicalTrials.gov through the NCT number in PubMed (DERIVED).
_RESULTS_REFERENCES = frozenset({"RESULT", "DERIVED"})


def parse_study(data: bytes | str | dict[str, Any]) -> SourceRecord:
    """The study in a ``/studies/{nctId}`` reply (raw JSON, or already decoded). A reply that
    is not JSON, is cut short, is a search page, or has no protocolSection with an NCT number
    raises SourceFormatError."""
    study = load_json(data, SERVICE)
    if not isinstance(study, dict):
        raise SourceFormatError(SERVICE, "is not a JSON object")
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        what = "a page of search results" if "studies" in study else "a reply"
        raise SourceFormatError(SERVICE, f"is {what} without a study's protocolSection")
    identification = _module(protocol, "identificationModule")
    nct = clean(identification.get("nctId")).upper()
    if not _NCT.fullmatch(nct):
        raise SourceFormatError(SERVICE, "names no NCT number (NCT and 8 digits)")
    status = _module(protocol, "statusModule")
    design = _module(protocol, "designModule")
    first_posted = _date(status, "studyFirstPostDateStruct")
    has_results = study.get("hasResults")
    return SourceRecord(
        kind="nct",
        identifier=nct,
        service=SERVICE,
        title=clean(identification.get("briefTitle")) or clean(identification.get("officialTitle")),
        # A registry record is cited with the registry as its container ("Title.
        # ClinicalTrials.gov. 2021."), by the year it was first posted.
        journal="ClinicalTrials.gov",
        year=year_in(first_posted),
        mesh_terms=_condition_mesh(study.get("derivedSection")),
        trial_ids=(nct,),
        study_type=clean(design.get("studyType")),
        phases=tuple(p for p in (clean(phase) for phase in as_list(design.get("phases"))) if p),
        allocation=clean(_object(design.get("designInfo")).get("allocation")),
        enrollment=_count(_object(design.get("enrollmentInfo")).get("count")),
        overall_status=clean(status.get("overallStatus")),
        has_results=has_results if isinstance(has_results, bool) else None,
        start_date=_date(status, "startDateStruct"),
        # The study's completion date; where only the primary completion is given, that one.
        completion_date=(
            _date(status, "completionDateStruct") or _date(status, "primaryCompletionDateStruct")
        ),
        extra=_extra(protocol, identification, status, design, first_posted),
    )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _module(protocol: dict[str, Any], name: str) -> dict[str, Any]:
    return _object(protocol.get(name))


def _date(module: dict[str, Any], struct: str) -> str:
    """A date struct's date as the API writes it: "2023-11-24", or "2023-11" when only the
    month is known."""
    return clean(_object(module.get(struct)).get("date"))


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = clean(value)
    return int(text) if text.isdigit() else None


def _condition_mesh(derived: object) -> tuple[str, ...]:
    meshes = _object(_object(derived).get("conditionBrowseModule")).get("meshes")
    return tuple(t for t in (clean(_object(m).get("term")) for m in as_list(meshes)) if t)


def _fda_regulated(oversight: dict[str, Any]) -> bool | None:
    """Whether the study tests an FDA-regulated drug or device: FDAAA 801's results deadline
    binds only such "applicable clinical trials". None when the record does not say."""
    answers = [oversight.get(key) for key in ("isFdaRegulatedDrug", "isFdaRegulatedDevice")]
    if any(answer is True for answer in answers):
        return True
    if answers and all(answer is False for answer in answers):
        return False
    return None


def _extra(
    protocol: dict[str, Any],
    identification: dict[str, Any],
    status: dict[str, Any],
    design: dict[str, Any],
    first_posted: str,
) -> dict[str, Any]:
    results = [
        f"PMID {clean(_object(reference).get('pmid'))}"
        for reference in as_list(_module(protocol, "referencesModule").get("references"))
        if clean(_object(reference).get("type")) in _RESULTS_REFERENCES
        and clean(_object(reference).get("pmid"))
    ]
    values = {
        "official_title": clean(identification.get("officialTitle")),
        "acronym": clean(identification.get("acronym")),
        "lead_sponsor": clean(
            _object(_module(protocol, "sponsorCollaboratorsModule").get("leadSponsor")).get("name")
        ),
        "first_posted": first_posted,
        "primary_completion_date": _date(status, "primaryCompletionDateStruct"),
        "why_stopped": clean(status.get("whyStopped")),
        "enrollment_type": clean(_object(design.get("enrollmentInfo")).get("type")),
        "fda_regulated": _fda_regulated(_module(protocol, "oversightModule")),
        "results_publications": results,
    }
    return {key: value for key, value in values.items() if value not in ("", None, [])}
