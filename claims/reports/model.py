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

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from claims.cues import CUE_LABELS
from claims.display import format_date, format_datetime
from claims.errors import ClaimreviewError
from claims.grade import GradeAssessment
from claims.reports.richtext import http_url
from claims.scales import DECISION_REASONS, Scale, default_scales, grade_symbols
from claims.sources.flags import FLAG_LABELS
from claims.vancouver import format_vancouver, number_citations

if TYPE_CHECKING:
    from claims.agreement import Agreement

__all__ = [
    "CORRECTION_VERDICTS",
    "STATUS_LABELS",
    "ArticleInfo",
    "BibEntry",
    "ChartBar",
    "ClaimCitation",
    "CueMark",
    "Finding",
    "Method",
    "Organisation",
    "Rationale",
    "Report",
    "ReportOptions",
    "Summary",
    "build_report",
    "citation_vancouver",
]

DECIDED = "decided"
PROVISIONAL = "provisional"
DISAGREEMENT = "disagreement"
UNREVIEWED = "unreviewed"

STATUS_LABELS = {
    DECIDED: "Decided",
    PROVISIONAL: "Provisional",
    DISAGREEMENT: "Reviewers disagree",
    UNREVIEWED: "Not yet reviewed",
}
# Verdict codes whose claims a writer must correct first (worst rating first).
CORRECTION_VERDICTS = frozenset({"inaccurate", "misleading"})
NOT_RATED = "Not rated"

# A verdict's label colours (background, text): green for accurate through red for inaccurate,
# grey where there is no rating. Every format prints the verdict's name on the colour, so the
# colour is never the only signal; each pair passes WCAG AA contrast (4.5:1) for small text.
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "accurate": ("#1a7f37", "#ffffff"),
    "mostly_accurate": ("#4d7c0f", "#ffffff"),
    "needs_context": ("#9a6700", "#ffffff"),
    "misleading": ("#bc4c00", "#ffffff"),
    "inaccurate": ("#b42318", "#ffffff"),
    "unsupported": ("#57606a", "#ffffff"),
    "not_checkable": ("#6e7781", "#ffffff"),
}
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    DISAGREEMENT: ("#8250df", "#ffffff"),
    UNREVIEWED: ("#d0d7de", "#1f2328"),
}
OTHER_COLOUR = ("#57606a", "#ffffff")


@dataclass(frozen=True)
class Organisation:
    """Who publishes the reports: set once for the instance by an administrator."""

    name: str | None = None
    url: str | None = None
    logo: bytes | None = None  # a PNG or JPEG
    logo_type: str | None = None  # "image/png" or "image/jpeg"


@dataclass(frozen=True)
class ReportOptions:
    """Which parts an article's report includes (an editor sets them per article)."""

    evidence_profiles: bool = True
    method: bool = True
    non_checkable: bool = False
    annotated_article: bool = False

    # What each part is called where an editor chooses them.
    PARTS: ClassVar[dict[str, str]] = {
        "evidence_profiles": "GRADE evidence profiles in each claim's card",
        "method": "Method appendix (scales, reviewers, agreement, how disagreements were settled)",
        "non_checkable": "Sentences not checked (headings, opinions, signposts)",
        "annotated_article": "The article's text with every checked claim marked",
    }

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ReportOptions:
        """Options from stored settings; unknown names are ignored, missing ones default."""
        values = values or {}
        known = {name: bool(values[name]) for name in cls.PARTS if name in values}
        return cls(**known)

    def to_mapping(self) -> dict[str, bool]:
        return {name: bool(getattr(self, name)) for name in self.PARTS}

    def to_json(self) -> str:
        """As an article stores them."""
        return json.dumps(self.to_mapping(), sort_keys=True)


@dataclass(frozen=True)
class ArticleInfo:
    id: int | None
    title: str
    source_url: str | None
    author: str | None
    published_on: str | None
    imported_at: str | None
    text: str
    key_takeaways: str = ""  # the editor's, Markdown
    medical_reviewer: str | None = None  # as the article names them


@dataclass(frozen=True)
class CueMark:
    """A cue of overclaiming in a claim: its span within the claim's text."""

    start: int
    end: int
    kind: str
    reason: str | None = None

    @property
    def label(self) -> str:
        return CUE_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class Rationale:
    """One piece of reasoning: a reviewer's rationale, or the editor's decision note."""

    by: str  # a reviewer's name, or "Editor" for the decision note
    text: str

    @property
    def heading(self) -> str:
        """Whose reasoning it is, as a report heads it."""
        return "Editor's note" if self.by == "Editor" else self.by


@dataclass(frozen=True)
class ClaimCitation:
    """A source a claim rests on, with its report-wide number."""

    number: int
    citation_id: int
    stances: tuple[str, ...]  # stance labels, e.g. ("Supports",); reviewers may differ
    vancouver: str
    url: str | None
    quotes: tuple[str, ...] = ()
    title: str | None = None  # the source's title, or its identifier when it has none
    flags: tuple[str, ...] = ()  # labels: "Retracted"...

    @property
    def stance_text(self) -> str:
        return ", ".join(self.stances) if self.stances else "Cited"


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
    cues: tuple[str, ...]  # "what kind: text" for each overclaiming cue
    evidence_profiles: tuple[EvidenceProfile, ...] = ()  # the reviews' GRADE domains
    cue_marks: tuple[CueMark, ...] = ()  # where the cues are in the claim, in order
    certainty_rating: int | None = None  # 4 (high) to 1 (very low)
    decided_by: str | None = None  # the editor who decided

    @property
    def certainty_symbols(self) -> str:
        """GRADE's symbols for the certainty (⊕⊕⊕◯ for moderate), "" when it has none."""
        return grade_symbols(self.certainty_rating) if self.certainty_rating else ""

    @property
    def certainty_text(self) -> str:
        """The certainty in words and symbols: "Moderate ⊕⊕⊕◯"."""
        if not self.certainty_label:
            return "Not rated"
        symbols = self.certainty_symbols
        return f"{self.certainty_label} {symbols}" if symbols else self.certainty_label

    @property
    def colours(self) -> tuple[str, str]:
        """The verdict label's (background, text) colours."""
        if self.status in STATUS_COLOURS:
            return STATUS_COLOURS[self.status]
        return VERDICT_COLOURS.get(self.verdict or "", OTHER_COLOUR)

    @property
    def label(self) -> str:
        """What the coloured verdict label says."""
        if self.status == DISAGREEMENT:
            return "Reviewers disagree"
        if self.status == UNREVIEWED:
            return "Not yet reviewed"
        return self.verdict_label or "No verdict"

    @property
    def standing(self) -> str:
        """Whether the verdict is decided or provisional, as a reader is told."""
        if self.status == DECIDED:
            by = f" ({self.decided_by})" if self.decided_by else ""
            reason = f": {self.decision_reason}" if self.decision_reason else ""
            return f"Editor's decision{by}{reason}"
        if self.status == PROVISIONAL:
            return "Provisional: the reviewers agree; an editor has not yet decided"
        if self.status == DISAGREEMENT:
            return "No verdict yet: the reviewers disagree and an editor has not yet decided"
        return "Not yet reviewed"

    @property
    def cue_labels(self) -> tuple[str, ...]:
        """The kinds of overclaiming cue marked in the claim, each once, in order."""
        return tuple(dict.fromkeys(mark.label for mark in self.cue_marks))

    def pieces(self) -> list[tuple[str, CueMark | None]]:
        """The claim's text in order, cut where its cues are: (text, the cue or None)."""
        out: list[tuple[str, CueMark | None]] = []
        cursor = 0
        for mark in self.cue_marks:
            if mark.start < cursor or mark.end > len(self.text) or mark.end <= mark.start:
                continue  # overlapping or out of range: left unmarked
            if mark.start > cursor:
                out.append((self.text[cursor : mark.start], None))
            out.append((self.text[mark.start : mark.end], mark))
            cursor = mark.end
        if cursor < len(self.text):
            out.append((self.text[cursor:], None))
        return out

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
    def link(self) -> str | None:
        """Where a reader finds the source: its DOI's address, else its own web address."""
        match = re.search(r"doi:(10\.\S+[^\s.,;])", self.vancouver)
        if match:
            return f"https://doi.org/{match.group(1)}"
        return http_url(self.url)

    @property
    def reference(self) -> str:
        """The reference as a report lists it: Vancouver, then its flags in brackets."""
        return self.vancouver + (f" [{'; '.join(self.flags)}]" if self.flags else "")


@dataclass(frozen=True)
class ChartBar:
    """One bar of the summary's verdict chart."""

    label: str
    count: int
    colours: tuple[str, str]  # (bar, text on it)


@dataclass(frozen=True)
class Summary:
    checkable_claims: int
    by_status: tuple[tuple[str, int], ...]  # (status label, count)
    by_verdict: tuple[tuple[str, int], ...]  # (verdict label, count), scale order
    by_certainty: tuple[tuple[str, int], ...]  # (certainty label, count), scale order
    needs_correction: tuple[Finding, ...]  # Inaccurate / Misleading, worst first
    chart: tuple[ChartBar, ...] = ()  # verdicts in scale order, then disagreements, unreviewed
    with_verdict: int = 0  # checkable claims with a verdict (decided or provisional)

    @property
    def headline(self) -> str:
        """One sentence: how many claims were checked and how many have a verdict."""
        n = self.checkable_claims
        claims = "claim" if n == 1 else "claims"
        if not n:
            return "The article holds no checkable claim."
        return f"{n} checkable {claims}; {self.with_verdict} with a verdict."


@dataclass(frozen=True)
class ScaleRow:
    label: str
    description: str
    symbols: str = ""


@dataclass(frozen=True)
class Method:
    """The method appendix: the scales, who reviewed, how far they agreed, how it was settled."""

    verdict_scale: tuple[ScaleRow, ...]
    certainty_scale: tuple[ScaleRow, ...]
    review: tuple[str, ...]  # sentences: reviewers, reviews, blind review
    agreement: tuple[tuple[str, str], ...]  # (what was rated, its figures as a sentence)
    settled: tuple[str, ...]  # sentences: how disagreements were settled


@dataclass(frozen=True)
class Report:
    article: ArticleInfo
    findings: tuple[Finding, ...]  # every claim, in article order (checkable or not)
    summary: Summary
    reviewers: tuple[str, ...]
    bibliography: tuple[BibEntry, ...]
    generated_at: str | None
    last_decided_at: str | None
    editors: tuple[str, ...] = ()
    reviewed_on: str | None = None  # the latest decision or submitted review, ISO
    method: Method | None = None
    options: ReportOptions = ReportOptions()
    organisation: Organisation = Organisation()

    @property
    def title(self) -> str:
        return f"Claim review: {self.article.title}"

    @property
    def checkable_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.checkable)

    @property
    def other_findings(self) -> tuple[Finding, ...]:
        """The sentences not checked, when the editor chose to list them."""
        if not self.options.non_checkable:
            return ()
        return tuple(f for f in self.findings if not f.checkable)

    @property
    def details(self) -> list[tuple[str, object]]:
        """The title block's lines that have a value, as (name, value), in report order."""
        a = self.article
        lines = [
            ("Source", a.source_url),
            ("Author", a.author),
            ("Medically reviewed by (per the article)", a.medical_reviewer),
            ("Published", readable_date(a.published_on)),
            ("Reviewed", readable_date(self.reviewed_on)),
            ("Reviewers", ", ".join(self.reviewers) or "none yet"),
            ("Editor" if len(self.editors) < 2 else "Editors", ", ".join(self.editors)),
            ("Report generated", readable_moment(self.generated_at)),
        ]
        return [(name, value) for name, value in lines if value]


def readable_moment(value: str | None) -> str | None:
    """An ISO timestamp as people write it ("6 December 2026, 14:03 UTC"); else as given."""
    if not value:
        return value
    try:
        return format_datetime(datetime.fromisoformat(value), long=True)
    except ValueError:
        return value


def readable_date(value: str | None) -> str | None:
    """An ISO date or timestamp as the date people write ("6 December 2026"); else as given."""
    if not value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return format_date(moment.date(), long=True)


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


_PLAIN_IDENTIFIER = {
    "pmid": "PMID: {}",
    "pmcid": "PMCID: {}",
    "doi": "doi:{}",
    "nct": "ClinicalTrials.gov: {}",
}


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
        "pmid": citation.get("pmid")
        or (citation.get("identifier") if citation.get("kind") == "pmid" else None),
        "url": citation.get("url"),
    }
    if ref["title"] or ref["authors"] or ref["journal"]:
        return format_vancouver(ref)
    # Never looked up and no metadata: the identifier, plainly.
    identifier = _str(citation.get("identifier"))
    kind = _str(citation.get("kind"))
    if identifier:
        return _PLAIN_IDENTIFIER.get(kind or "", "{}").format(identifier)
    text = format_vancouver(ref)
    if text:
        return text
    return f"Source {citation.get('id')}"


def _flag_labels(source: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(FLAG_LABELS[code] for code in source.get("flags") or () if code in FLAG_LABELS)


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
    options: ReportOptions | None = None,
    organisation: Organisation | None = None,
) -> Report:
    """The report for one article bundle (see the module docstring for the rules).

    ``options``: which parts to include; by default the article's own report settings
    (``article.report_settings`` in the bundle). ``organisation``: who publishes it; by default
    the bundle's ``organisation``."""
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
        medical_reviewer=_str(raw_article.get("medical_reviewer")),
        published_on=_str(raw_article.get("published_on")),
        imported_at=_str(raw_article.get("imported_at")),
        text=raw_article.get("text") or "",
        key_takeaways=str(raw_article.get("key_takeaways") or "").strip(),
    )
    if options is None:
        options = ReportOptions.from_mapping(raw_article.get("report_settings"))
    if organisation is None:
        organisation = _organisation(bundle.get("organisation"))
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
            flags=_flag_labels(sources.get(cid, {})),
        )
        for cid, number in sorted(numbers.items(), key=lambda item: item[1])
    )
    if isinstance(generated_at, datetime):
        generated_at = generated_at.isoformat()
    editors = sorted({f.decided_by for f in findings if f.decided_by}, key=str.casefold)
    return Report(
        article=article,
        findings=tuple(findings),
        summary=_summary(findings, verdicts, certainty),
        reviewers=tuple(reviewer_names),
        bibliography=bibliography,
        generated_at=generated_at,
        last_decided_at=_latest([f.decided_at for f in findings]),
        editors=tuple(editors),
        reviewed_on=_latest([f.decided_at or f.reviewed_at for f in findings]),
        method=_method(raw_article, claims, findings, verdicts, certainty)
        if options.method
        else None,
        options=options,
        organisation=organisation,
    )


def _organisation(raw: Any) -> Organisation:
    if isinstance(raw, Organisation):
        return raw
    if not isinstance(raw, Mapping):
        return Organisation()
    logo = raw.get("logo")
    return Organisation(
        name=_str(raw.get("name")),
        url=_str(raw.get("url")),
        logo=logo if isinstance(logo, bytes) and logo else None,
        logo_type=_str(raw.get("logo_type")),
    )


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _agreement_sentence(result: Agreement) -> str:
    if not result.items:
        return "No claim was rated by two or more reviewers, so there is no agreement to report."
    claims = "claim" if result.items == 1 else "claims"
    parts = [
        f"{_percent(result.percent or 0)} of reviewer pairs agreed, over {result.items} {claims} "
        f"rated by two or more of {result.raters} reviewers; all agreed on "
        f"{_percent(result.unanimous or 0)} of those claims"
    ]
    if result.kappa is not None:
        parts.append(f"Cohen's kappa {result.kappa:.2f}")
    if result.alpha is not None:
        parts.append(f"Krippendorff's alpha {result.alpha:.2f} ({result.level})")
    return "; ".join(parts) + "."


def _method(
    article: Mapping[str, Any],
    claims: list[Mapping[str, Any]],
    findings: list[Finding],
    verdicts: Scale,
    certainty: Scale,
) -> Method:
    # Imported here: scikit-learn and krippendorff take a second to import, and only the method
    # appendix needs them (the app's pages import this module).
    from claims.agreement import Rating, agreement, scale_level

    submitted = [(c, r) for c in claims for r in _submitted(c)]
    reviewers = {str(r.get("reviewer")) for _c, r in submitted if r.get("reviewer")}
    twice = sum(1 for c in claims if len(_submitted(c)) >= 2)
    n_reviews, n_reviewers = len(submitted), len(reviewers)
    review = [
        f"{n_reviews} submitted review{'s' if n_reviews != 1 else ''} by {n_reviewers} "
        f"reviewer{'s' if n_reviewers != 1 else ''}; {twice} claim{'s' if twice != 1 else ''} "
        "reviewed by two or more.",
        "Each reviewer rated whether the claim's wording matches the evidence (verdict) and how "
        "certain that evidence is (GRADE), cited the sources with their stance and study design, "
        "and gave a rationale.",
    ]
    blind = str(article.get("blind_review") or "auto")
    if blind == "on" or (blind == "auto" and n_reviewers >= 2):
        review.append(
            "Reviewers worked blind: each saw the others' reviews only after submitting their own."
        )
    agreement_rows = []
    rated = (("Verdicts", verdicts, "verdict"), ("Certainty", certainty, "certainty"))
    for name, scale, field in rated:
        ratings = [
            Rating(item=c.get("id"), rater=r.get("reviewer"), value=r.get(field))
            for c, r in submitted
            if r.get(field)
        ]
        agreement_rows.append((name, _agreement_sentence(agreement(ratings, scale_level(scale)))))
    checkable = [f for f in findings if f.checkable]
    reasons = Counter(
        f.decision_reason or "no reason given" for f in checkable if f.status == DECIDED
    )
    settled = []
    if reasons:
        total = sum(reasons.values())
        listed = ", ".join(f"{label.lower()} {n}" for label, n in reasons.most_common())
        settled.append(
            f"An editor decided {total} claim{'s' if total != 1 else ''} ({listed}), with the "
            "reviews side by side, recording a reason for each decision."
        )
    if article.get("auto_accept_unanimous"):
        settled.append(
            "Where every submitted review agreed, their verdict was accepted as the decision."
        )
    provisional = sum(1 for f in checkable if f.status == PROVISIONAL)
    if provisional:
        settled.append(
            f"{provisional} claim{'s' if provisional != 1 else ''} where the reviewers agree but "
            "no editor has decided show their verdict as provisional."
        )
    open_disagreements = sum(1 for f in checkable if f.status == DISAGREEMENT)
    settled.append(
        f"{open_disagreements} claim{'s' if open_disagreements != 1 else ''} where the reviewers "
        "disagree still await an editor's decision and show no verdict."
        if open_disagreements
        else "No disagreement between reviewers is left unsettled."
    )
    return Method(
        verdict_scale=tuple(ScaleRow(v.label, v.description or "") for v in verdicts.values),
        certainty_scale=tuple(
            ScaleRow(v.label, v.description or "", grade_symbols(v.rating) if v.rating else "")
            for v in certainty.values
        ),
        review=tuple(review),
        agreement=tuple(agreement_rows),
        settled=tuple(settled),
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
    verdict = level = reason = decided_at = decided_by = None
    rationales: list[Rationale] = []
    if decision:
        status = DECIDED
        verdict, level = decision.get("verdict"), decision.get("certainty")
        reason = DECISION_REASONS.get(decision.get("reason") or "", _str(decision.get("reason")))
        decided_at = _str(decision.get("decided_at"))
        decided_by = _str(decision.get("decided_by"))
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
                    title=_str(sources.get(cid, {}).get("title"))
                    or _str(sources.get(cid, {}).get("identifier")),
                    flags=_flag_labels(sources.get(cid, {})),
                )
                for cid, (labels, quotes) in cited.items()
            ),
            key=lambda c: c.number,
        )
    )
    cues = tuple(
        f"{CUE_LABELS.get(cue['kind'], cue['kind'])}: {cue.get('text')}"
        if cue.get("kind")
        else str(cue.get("text"))
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
        cue_marks=_cue_marks(claim),
        certainty_rating=_rating(certainty, level),
        decided_by=decided_by,
    )


def _cue_marks(claim: Mapping[str, Any]) -> tuple[CueMark, ...]:
    marks = []
    for cue in claim.get("cues") or ():
        try:
            start, end = int(cue.get("start")), int(cue.get("end"))
        except (TypeError, ValueError):
            continue
        marks.append(CueMark(start, end, str(cue.get("kind") or "cue"), _str(cue.get("reason"))))
    return tuple(sorted(marks, key=lambda m: (m.start, -m.end)))


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
    chart = [
        ChartBar(v.label, verdict_counts[v.code], VERDICT_COLOURS.get(v.code, OTHER_COLOUR))
        for v in verdicts.values
        if verdict_counts[v.code]
    ]
    for code in (DISAGREEMENT, UNREVIEWED):
        if status_counts[code]:
            chart.append(ChartBar(STATUS_LABELS[code], status_counts[code], STATUS_COLOURS[code]))
    return Summary(
        checkable_claims=len(checkable),
        by_status=by_status,
        by_verdict=by_verdict,
        by_certainty=by_certainty,
        needs_correction=tuple(worst),
        chart=tuple(chart),
        with_verdict=sum(1 for f in checkable if f.verdict),
    )
