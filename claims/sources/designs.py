"""The study design a source's metadata suggests, as a code of the study-design scale
(claims/data/scales.json: systematic_review, rct, cohort, case_series, guideline,
narrative_review, preclinical, preprint, retracted).

A suggestion only: the reviewer sets the design. It is read from what the services index —
PubMed's publication types and MeSH headings (also as Europe PMC relays them), and
ClinicalTrials.gov's study type and allocation — through the table :data:`DESIGN_RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.sources.records import RETRACTION, SourceRecord

__all__ = ["DESIGN_RULES", "PREPRINT", "RETRACTED", "DesignRule", "suggest_design"]

RETRACTED = "retracted"
PREPRINT = "preprint"


def _names(*names: str) -> frozenset[str]:
    """Index terms compared without regard to case (Europe PMC writes "review" and "Review")."""
    return frozenset(name.casefold() for name in names)


@dataclass(frozen=True)
class DesignRule:
    """One row of the table: the design a record suggests when it meets every condition the row
    sets (an empty condition is not checked; every row sets at least one)."""

    design: str  # a study_design code of the scale
    publication_types: frozenset[str] = frozenset()  # has one of these publication types
    mesh_any: frozenset[str] = frozenset()  # and one of these MeSH headings
    mesh_none: frozenset[str] = frozenset()  # and none of these
    study_type: str = ""  # ClinicalTrials.gov designModule.studyType
    allocation: str = ""  # and designInfo.allocation
    reason: str = ""  # why the row says so, for a reader of the table

    def matches(self, record: SourceRecord, types: frozenset[str], mesh: frozenset[str]) -> bool:
        """Whether the record (its types and MeSH headings case-folded) meets the row."""
        return (
            (not self.publication_types or bool(types & self.publication_types))
            and (not self.mesh_any or bool(mesh & self.mesh_any))
            and not (mesh & self.mesh_none)
            and (not self.study_type or record.study_type.upper() == self.study_type)
            and (not self.allocation or record.allocation.upper() == self.allocation)
        )


_TRIAL_TYPES = _names(
    "Clinical Trial",
    "Clinical Trial, Phase I",
    "Clinical Trial, Phase II",
    "Clinical Trial, Phase III",
    "Clinical Trial, Phase IV",
    "Controlled Clinical Trial",
    "Pragmatic Clinical Trial",
    "Equivalence Trial",
    "Adaptive Clinical Trial",
)
_COHORT_MESH = _names(
    "Cohort Studies", "Prospective Studies", "Retrospective Studies", "Longitudinal Studies"
)
_IN_VITRO_MESH = _names("In Vitro Techniques", "Cell Line", "Cell Line, Tumor", "Cells, Cultured")

# The table, in order of precedence: the first row a record meets gives the suggestion.
DESIGN_RULES: tuple[DesignRule, ...] = (
    DesignRule(
        "preclinical",
        mesh_any=_names("Animals"),
        mesh_none=_names("Humans"),
        reason="indexed as a study of animals and not of humans: indirect, whatever its design",
    ),
    DesignRule(
        "guideline",
        publication_types=_names(
            "Practice Guideline",
            "Guideline",
            "Consensus Development Conference",
            "Consensus Development Conference, NIH",
        ),
        reason="guidance or consensus, even when it rests on a systematic review",
    ),
    DesignRule(
        "systematic_review",
        publication_types=_names(
            "Meta-Analysis", "Systematic Review", "Network Meta-Analysis", "systematic-review"
        ),
    ),
    DesignRule("rct", publication_types=_names("Randomized Controlled Trial")),
    DesignRule(
        "rct",
        publication_types=_TRIAL_TYPES,
        mesh_any=_names("Random Allocation"),
        reason="a trial (Phase III and others) that PubMed indexes as randomised",
    ),
    DesignRule("rct", study_type="INTERVENTIONAL", allocation="RANDOMIZED"),
    DesignRule(
        "cohort",
        publication_types=_names("Observational Study", "Comparative Study"),
        mesh_any=_COHORT_MESH,
    ),
    DesignRule("cohort", study_type="OBSERVATIONAL"),
    DesignRule("case_series", publication_types=_names("Case Reports", "case-report")),
    DesignRule("case_series", mesh_any=_names("Case-Control Studies")),
    DesignRule(
        "preclinical",
        mesh_any=_IN_VITRO_MESH,
        reason="in vitro work (human cell lines are indexed Humans too), when no design above fits",
    ),
    DesignRule("narrative_review", publication_types=_names("Review", "review-article")),
)


def suggest_design(record: SourceRecord) -> str | None:
    """The study-design code the record's metadata suggests, or None when nothing does.

    Precedence: "retracted" first (any retraction notice about the record: it is not evidence,
    whatever its design), then "preprint" (not peer reviewed, whatever it reports), then the
    first row of :data:`DESIGN_RULES` the record meets. The rows run from a study only of
    animals (preclinical, indirect for people whatever its design) through the strongest designs
    to the weakest: guideline, systematic review, randomised trial (PubMed's type, a randomised
    trial of another type, or ClinicalTrials.gov's INTERVENTIONAL + RANDOMIZED), cohort
    (observational or comparative with cohort MeSH, or ClinicalTrials.gov's OBSERVATIONAL), case
    series (case reports, case-control MeSH), in vitro work (preclinical), narrative review.
    """
    if any(notice.kind == RETRACTION for notice in record.notices):
        return RETRACTED
    if record.is_preprint:
        return PREPRINT
    types = frozenset(name.casefold() for name in record.publication_types)
    mesh = frozenset(name.casefold() for name in record.mesh_terms)
    return next((rule.design for rule in DESIGN_RULES if rule.matches(record, types, mesh)), None)
