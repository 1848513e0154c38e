"""The report model: what an article's review found, claim by claim, as frozen data.

``build_report(bundle)`` reads the plain data of ``db.queries.article_bundle`` and decides, for
every claim in article order, its *finding*:

* ``decided``: the editor's decision (verdict, certainty, reason, note);
* ``provisional``: no decision, and every submitted review gives the same verdict and certainty;
* ``disagreement``: no decision, and the submitted reviews differ (no verdict is kept);
* ``unreviewed``: no decision and no submitted review (drafts do not count).

Sources are numbered Vancouver-style, in order of first citation across the report (claims in
article order), and formatted with ``claims.vancouver.format_vancouver``. Renderers (Markdown,
HTML, CSV) only present this model; they hold no rules of their own. All strings here are raw
user text: every renderer escapes them for its own format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from claims.display import format_date, format_datetime
from claims.errors import ClaimreviewError
from claims.grade import GradeAssessment
from claims.scales import DECISION_REASONS, Scale, default_scales
from claims.sources.flags import FLAG_LABELS
from claims.vancouver import format_vancouver, number_citations

__all__ = [
    "CORRECTION_VERDICTS",
    "STATUS_LABELS",
    "ArticleInfo",
    "BibEntry",
    "ClaimCitation",
    "Finding",
    "Rationale",
    "Report",
    "Summary",
    "build_report",
    "citation_vancouver",
]

DECIDED = "decided"
PROVISIONAL = "provisional"
DISAGREEMENT = "disagreement"
UNREVIEWED = "unreviewed"
DISAGREEMENT_NOTE = "Reviewers disagree: no verdict until an editor decides."

STATUS_LABELS = {
    DECIDED: "Decided",
    PROVISIONAL: "Provisional",
    DISAGREEMENT: "Reviewers disagree",
    UNREVIEWED: "Not yet reviewed",
}
# Verdict codes whose claims a writer must correct first (worst rating first).
CORRECTION_VERDICTS = frozenset({"inaccurate", "misleading"})
NOT_RATED = "Not rated"


@dataclass(frozen=True)
class ArticleInfo:
    id: int | None
    title: str
    source_url: str | None
    author: str | None
    published_on: str | None
    imported_at: str | None
    text: str


@dataclass(frozen=True)
class Rationale:
    """One piece of reasoning: a reviewer's rationale, or the editor's decision note."""

    by: str  # a reviewer's name, or "Editor" for the decision note
    text: str


@dataclass(frozen=True)
class ClaimCitation:
    """A source a claim rests on, with its report-wide number."""

    number: int
    citation_id: int
    stances: tuple[str, ...]  # stance labels, e.g. ("Supports",); reviewers may differ
    vancouver: str
    url: str | None
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    claim_id: int | None
    ordinal: int
    section: str | None
    text: str
    start: int
    end: int
    checkable: bool
    kind: str | None
    status: str  # decided | provisional | disagreement | unreviewed
    verdict: str | None  # scale code
    verdict_label: str | None
    verdict_rating: int | None
    certainty: str | None
    certainty_label: str | None
    decision_reason: str | None  # label from DECISION_REASONS
    decided_at: str | None
    reviewed_at: str | None  # latest submitted_at among the reviews used
    rationales: tuple[Rationale, ...]
    citations: tuple[ClaimCitation, ...]
    reviewers: tuple[str, ...]
    cues: tuple[str, ...]  # "kind: text" for each overclaiming cue
    evidence_profiles: tuple[EvidenceProfile, ...] = ()  # the reviews' GRADE domains

    @property
    def provisional(self) -> bool:
        return self.status == PROVISIONAL

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def citation_numbers(self) -> tuple[int, ...]:
        return tuple(c.number for c in self.citations)

    @property
    def anchor(self) -> str:
        return f"claim-{self.ordinal}"

    @property
    def verdict_text(self) -> str:
        """The verdict as a report states it, including why there is none."""
        if self.status == DISAGREEMENT:
            return "none (reviewers disagree)"
        if self.status == UNREVIEWED:
            return "not yet reviewed"
        return self.verdict_label or "none"


@dataclass(frozen=True)
class EvidenceProfile:
    """One reviewer's GRADE assessment of a claim's evidence: a line, and its footnotes."""

    by: str
    summary: str
    footnotes: tuple[str, ...]
    cells: tuple[str, ...] = ()  # a row of the evidence profile, in PROFILE_COLUMNS' order after by


# The columns of a claim's evidence profile, as GRADE lays one out (a row per reviewer).
PROFILE_COLUMNS = ("Reviewer", *GradeAssessment.PROFILE_COLUMNS)


@dataclass(frozen=True)
class BibEntry:
    number: int
    citation_id: int
    vancouver: str
    url: str | None
    study_design: str | None  # label
    flags: tuple[str, ...] = ()  # labels: "Retracted", "Preprint (not peer reviewed)"...

    @property
    def reference(self) -> str:
        """The reference as a report lists it: Vancouver, then its flags in brackets."""
        return self.vancouver + (f" [{'; '.join(self.flags)}]" if self.flags else "")


@dataclass(frozen=True)
class Summary:
    checkable_claims: int
    by_status: tuple[tuple[str, int], ...]  # (status label, count)
    by_verdict: tuple[tuple[str, int], ...]  # (verdict label, count), scale order
    by_certainty: tuple[tuple[str, int], ...]  # (certainty label, count), scale order
    needs_correction: tuple[Finding, ...]  # Inaccurate / Misleading, worst first


@dataclass(frozen=True)
class Report:
    article: ArticleInfo
    findings: tuple[Finding, ...]  # every claim, in article order (checkable or not)
    summary: Summary
    reviewers: tuple[str, ...]
    bibliography: tuple[BibEntry, ...]
    generated_at: str | None
    last_decided_at: str | None

    @property
    def checkable_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.checkable)

    @property
    def details(self) -> list[tuple[str, object]]:
        """The title block's lines that have a value, as (name, value), in report order."""
        a = self.article
        lines = [
            ("Source", a.source_url),
            ("Author", a.author),
            ("Published", readable_date(a.published_on)),
            ("Imported", readable_moment(a.imported_at)),
            ("Reviewers", ", ".join(self.reviewers) or "none yet"),
            ("Last decision", readable_moment(self.last_decided_at)),
            ("Report generated", readable_moment(self.generated_at)),
        ]
        return [(name, value) for name, value in lines if value]


def readable_moment(value: str | None) -> str | None:
    """An ISO timestamp as people write it ("6 Dec 2026, 14:03 UTC"); anything else as given."""
    if not value:
        return value
    try:
        return format_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value


def readable_date(value: str | None) -> str | None:
    """An ISO date as people write it ("6 Dec 2026"); anything else as given."""
    if not value:
        return value
    try:
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value


def _label(scale: Scale, code: str | None) -> str | None:
    if code is None or code == "":
        return None
    try:
        return scale.get(code).label
    except KeyError:
        return str(code)


def _rating(scale: Scale, code: str | None) -> int | None:
    if not code:
        return None
    try:
        return scale.get(code).rating
    except KeyError:
        return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def citation_vancouver(citation: Mapping[str, Any]) -> str:
    """A bundle citation (authors as "Surname AB; Surname CD") in Vancouver style."""
    authors = citation.get("authors") or ""
    ref = {
        "title": citation.get("title"),
        "authors": tuple(a.strip() for a in str(authors).split(";") if a.strip()),
        "journal": citation.get("journal"),
        "year": citation.get("year"),
        "volume": citation.get("volume"),
        "issue": citation.get("issue"),
        "pages": citation.get("pages"),
        "doi": citation.get("doi")
        or (citation.get("identifier") if citation.get("kind") == "doi" else None),
        "url": citation.get("url"),
    }
    text = format_vancouver(ref)
    if text:
        return text
    identifier = _str(citation.get("identifier"))
    kind = _str(citation.get("kind"))
    if identifier:
        return f"{kind.upper()}: {identifier}" if kind else identifier
    return f"Source {citation.get('id')}"


def _submitted(claim: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for r in claim.get("reviews") or () if r.get("status") == "submitted"]


def _used_reviews(claim: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The reviews a finding rests on: those the decision names, else every submitted one."""
    submitted = _submitted(claim)
    decision = claim.get("decision")
    if decision:
        based_on = set(decision.get("based_on_reviews") or ())
        # Only submitted ones: a named review reopened as a draft is no longer what was decided.
        named = [r for r in submitted if r.get("id") in based_on]
        if named:
            return named
    return submitted


def _latest(values: list[Any]) -> str | None:
    present = [str(v) for v in values if v]
    return max(present) if present else None


def build_report(
    bundle: Mapping[str, Any],
    *,
    scales: Mapping[str, Scale] | None = None,
    generated_at: datetime | str | None = None,
) -> Report:
    """The report for one article bundle (see the module docstring for the rules)."""
    scales = scales or default_scales()
    verdicts, certainty, stances, designs = (
        scales["verdict"],
        scales["certainty"],
        scales["stance"],
        scales["study_design"],
    )
    raw_article = bundle.get("article") or {}
    article = ArticleInfo(
        id=raw_article.get("id"),
        title=_str(raw_article.get("title")) or "Untitled article",
        source_url=_str(raw_article.get("source_url")),
        author=_str(raw_article.get("author")),
        published_on=_str(raw_article.get("published_on")),
        imported_at=_str(raw_article.get("imported_at")),
        text=raw_article.get("text") or "",
    )
    sources = {c["id"]: c for c in bundle.get("citations") or ()}
    claims = sorted(bundle.get("claims") or (), key=lambda c: c.get("ordinal") or 0)

    used = {id(claim): _used_reviews(claim) for claim in claims}
    order = [
        link["citation_id"]
        for claim in claims
        for review in used[id(claim)]
        for link in review.get("citations") or ()
        if link.get("citation_id") is not None
    ]
    numbers = number_citations(order)
    vancouver = {cid: citation_vancouver(sources.get(cid, {"id": cid})) for cid in numbers}

    findings = []
    for claim in claims:
        findings.append(
            _finding(
                claim, used[id(claim)], numbers, vancouver, sources, verdicts, certainty, stances
            )
        )

    reviewer_names = sorted(
        {str(r["reviewer"]) for c in claims for r in _submitted(c) if r.get("reviewer")},
        key=str.casefold,
    )
    bibliography = tuple(
        BibEntry(
            number=number,
            citation_id=cid,
            vancouver=vancouver[cid],
            url=_str(sources.get(cid, {}).get("url")),
            study_design=_label(designs, sources.get(cid, {}).get("study_design")),
            flags=tuple(
                FLAG_LABELS[code]
                for code in sources.get(cid, {}).get("flags") or ()
                if code in FLAG_LABELS
            ),
        )
        for cid, number in sorted(numbers.items(), key=lambda item: item[1])
    )
    if isinstance(generated_at, datetime):
        generated_at = generated_at.isoformat()
    return Report(
        article=article,
        findings=tuple(findings),
        summary=_summary(findings, verdicts, certainty),
        reviewers=tuple(reviewer_names),
        bibliography=bibliography,
        generated_at=generated_at,
        last_decided_at=_latest([f.decided_at for f in findings]),
    )


def _finding(
    claim: Mapping[str, Any],
    reviews: list[Mapping[str, Any]],
    numbers: dict[int, int],
    vancouver: dict[int, str],
    sources: Mapping[int, Mapping[str, Any]],
    verdicts: Scale,
    certainty: Scale,
    stances: Scale,
) -> Finding:
    decision = claim.get("decision")
    verdict = level = reason = decided_at = None
    rationales: list[Rationale] = []
    if decision:
        status = DECIDED
        verdict, level = decision.get("verdict"), decision.get("certainty")
        reason = DECISION_REASONS.get(decision.get("reason") or "", _str(decision.get("reason")))
        decided_at = _str(decision.get("decided_at"))
        note = _str(decision.get("note"))
        if note:
            rationales.append(Rationale(by="Editor", text=note))
    elif not reviews:
        status = UNREVIEWED
    elif len({(r.get("verdict"), r.get("certainty")) for r in reviews}) == 1:
        status = PROVISIONAL
        verdict, level = reviews[0].get("verdict"), reviews[0].get("certainty")
    else:
        status = DISAGREEMENT
    for review in reviews:
        text = _str(review.get("rationale"))
        if text:
            rationales.append(Rationale(by=str(review.get("reviewer") or "Reviewer"), text=text))

    cited: dict[int, tuple[list[str], list[str]]] = {}
    for review in reviews:
        for link in review.get("citations") or ():
            cid = link.get("citation_id")
            if cid is None:
                continue
            labels, quotes = cited.setdefault(cid, ([], []))
            label = _label(stances, link.get("stance"))
            if label and label not in labels:
                labels.append(label)
            quote = _str(link.get("quote"))
            if quote and quote not in quotes:
                quotes.append(quote)
    citations = tuple(
        sorted(
            (
                ClaimCitation(
                    number=numbers[cid],
                    citation_id=cid,
                    stances=tuple(labels),
                    vancouver=vancouver[cid],
                    url=_str(sources.get(cid, {}).get("url")),
                    quotes=tuple(quotes),
                )
                for cid, (labels, quotes) in cited.items()
            ),
            key=lambda c: c.number,
        )
    )
    cues = tuple(
        f"{cue.get('kind')}: {cue.get('text')}" if cue.get("kind") else str(cue.get("text"))
        for cue in claim.get("cues") or ()
    )
    reviewers: list[str] = []
    for review in reviews:
        name = str(review.get("reviewer") or "")
        if name and name not in reviewers:
            reviewers.append(name)
    return Finding(
        claim_id=claim.get("id"),
        ordinal=int(claim.get("ordinal") or 0),
        section=_str(claim.get("section")),
        text=claim.get("text") or "",
        start=int(claim.get("start") or 0),
        end=int(claim.get("end") or 0),
        checkable=bool(claim.get("checkable")),
        kind=_str(claim.get("kind")),
        status=status,
        verdict=verdict or None,
        verdict_label=_label(verdicts, verdict),
        verdict_rating=_rating(verdicts, verdict),
        certainty=level or None,
        certainty_label=_label(certainty, level),
        decision_reason=reason,
        decided_at=decided_at,
        reviewed_at=_latest([r.get("submitted_at") for r in reviews]),
        rationales=tuple(rationales),
        citations=citations,
        reviewers=tuple(reviewers),
        cues=cues,
        evidence_profiles=tuple(_profiles(reviews)),
    )


def _profiles(reviews: list[Mapping[str, Any]]) -> list[EvidenceProfile]:
    """The GRADE assessments of the reviews a finding rests on (one that cannot be read, from
    an edited export, is left out rather than stopping the report)."""
    profiles = []
    for review in reviews:
        if not review.get("grade"):
            continue
        try:
            grade = GradeAssessment.from_json(review["grade"])
        except ClaimreviewError:
            continue
        profiles.append(
            EvidenceProfile(
                by=str(review.get("reviewer") or "Reviewer"),
                summary=grade.summary(),
                footnotes=tuple(grade.footnotes()),
                cells=grade.profile_cells(),
            )
        )
    return profiles


def _counted(counts: Counter[str], scale: Scale) -> tuple[tuple[str, int], ...]:
    ordered = [(v.label, counts[v.code]) for v in scale.values if counts[v.code]]
    known = set(scale.codes())
    ordered += [(code, n) for code, n in counts.items() if code not in known and n]
    return tuple(ordered)


def _summary(findings: list[Finding], verdicts: Scale, certainty: Scale) -> Summary:
    checkable = [f for f in findings if f.checkable]
    verdict_counts = Counter(f.verdict for f in checkable if f.verdict)
    certainty_counts = Counter(f.certainty for f in checkable if f.certainty)
    by_verdict = _counted(verdict_counts, verdicts)
    by_certainty = _counted(certainty_counts, certainty)
    not_rated = sum(1 for f in checkable if not f.certainty)
    if not_rated:
        by_certainty += ((NOT_RATED, not_rated),)
    status_counts = Counter(f.status for f in checkable)
    by_status = tuple(
        (label, status_counts[code]) for code, label in STATUS_LABELS.items() if status_counts[code]
    )
    worst = sorted(
        (f for f in checkable if f.verdict in CORRECTION_VERDICTS),
        key=lambda f: (f.verdict_rating if f.verdict_rating is not None else 99, f.ordinal),
    )
    return Summary(
        checkable_claims=len(checkable),
        by_status=by_status,
        by_verdict=by_verdict,
        by_certainty=by_certainty,
        needs_correction=tuple(worst),
    )
