"""The report as Markdown (CommonMark / GitHub flavour).

Every user string goes through ``md_escape``: Markdown punctuation is backslash-escaped, so
claim text, rationales and titles cannot open links, images, emphasis, headings or raw HTML.
Only http(s) URLs become links (as autolinks); anything else is shown as escaped text.
"""

from __future__ import annotations

import re

from claims.reports.model import PROFILE_COLUMNS, Finding, Report, readable_date, readable_moment

__all__ = ["md_escape", "safe_url", "to_markdown"]

# Every ASCII punctuation character CommonMark lets a backslash escape that can start syntax.
_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:\"'=^$%])")
_URL_OK = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)


def md_escape(text: object) -> str:
    """Inline-safe Markdown: whitespace collapsed, every special backslash-escaped."""
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    return _SPECIALS.sub(r"\\\1", flat)


def safe_url(url: object) -> str | None:
    """The URL when it is a plain http(s) URL (no spaces, quotes or angle brackets), else None."""
    if not url:
        return None
    text = str(url).strip()
    if _URL_OK.fullmatch(text) and "://" in text and len(text.split("://", 1)[1]) > 0:
        return text
    return None


def _link(url: object) -> str:
    good = safe_url(url)
    return f"<{good}>" if good else md_escape(url)


def _paragraphs(text: str) -> list[str]:
    return [md_escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _cite_marks(finding: Finding) -> str:
    return "".join(f"\\[{n}\\]" for n in finding.citation_numbers)


def _finding(finding: Finding) -> list[str]:
    title = f"### Claim {finding.ordinal}"
    if finding.section:
        title += f" ({md_escape(finding.section)})"
    lines = [f'<a id="{finding.anchor}"></a>', "", title, ""]
    lines += [f"> {p}" if i == 0 else f">\n> {p}" for i, p in enumerate(_paragraphs(finding.text))]
    lines.append("")
    verdict = md_escape(finding.verdict_label) if finding.verdict_label else "none"
    certainty = md_escape(finding.certainty_label) if finding.certainty_label else "none"
    if finding.status == "disagreement":
        verdict = "none (reviewers disagree)"
    elif finding.status == "unreviewed":
        verdict = "not yet reviewed"
    marker = " *(provisional: reviewers agree, no editor's decision yet)*"
    lines.append(f"- **Verdict:** {verdict}{marker if finding.provisional else ''}")
    lines.append(f"- **Certainty:** {certainty}")
    lines.append(f"- **Status:** {md_escape(finding.status_label)}")
    if finding.decision_reason:
        lines.append(f"- **Decision reason:** {md_escape(finding.decision_reason)}")
    if finding.citations:
        lines.append(f"- **Sources:** {_cite_marks(finding)}")
        for c in finding.citations:
            stance = md_escape(", ".join(c.stances)) if c.stances else "cited"
            lines.append(f"  - \\[{c.number}\\] {stance}")
    if finding.evidence_profiles:
        lines += ["", "**Evidence profile (GRADE)**", ""]
        lines.append("| " + " | ".join(PROFILE_COLUMNS) + " |")
        lines.append("|" + "---|" * len(PROFILE_COLUMNS))
        for profile in finding.evidence_profiles:
            row = (profile.by, *profile.cells)
            lines.append("| " + " | ".join(md_escape(cell) for cell in row) + " |")
        lines.append("")
        for profile in finding.evidence_profiles:
            lines += [f"- {md_escape(profile.by)}, {md_escape(note)}" for note in profile.footnotes]
        lines.append("")
    if finding.rationales:
        lines.append("- **Rationale:**")
        for r in finding.rationales:
            body = " ".join(_paragraphs(r.text))
            lines.append(f"  - {md_escape(r.by)}: {body}")
    lines.append("")
    return lines


def to_markdown(report: Report) -> str:
    """The whole report: title block, summary, every checkable claim, bibliography."""
    a = report.article
    s = report.summary
    out = [f"# Claim review: {md_escape(a.title)}", ""]
    meta = [
        ("Source", _link(a.source_url) if a.source_url else None),
        ("Author", md_escape(a.author) if a.author else None),
        ("Published", md_escape(readable_date(a.published_on)) if a.published_on else None),
        ("Imported", md_escape(readable_moment(a.imported_at)) if a.imported_at else None),
        ("Reviewers", md_escape(", ".join(report.reviewers)) if report.reviewers else "none yet"),
        (
            "Last decision",
            md_escape(readable_moment(report.last_decided_at)) if report.last_decided_at else None,
        ),
        (
            "Report generated",
            md_escape(readable_moment(report.generated_at)) if report.generated_at else None,
        ),
    ]
    out += [f"- **{name}:** {value}" for name, value in meta if value]
    out += ["", "## Summary", "", f"Checkable claims: {s.checkable_claims}", ""]
    for heading, counts in (
        ("Status", s.by_status),
        ("By verdict", s.by_verdict),
        ("By certainty", s.by_certainty),
    ):
        if counts:
            out.append(f"**{heading}:**")
            out.append("")
            out += [f"- {md_escape(label)}: {n}" for label, n in counts]
            out.append("")
    out += ["**Needs correction first:**", ""]
    if s.needs_correction:
        for f in s.needs_correction:
            flag = " (provisional)" if f.provisional else ""
            out.append(
                f"- Claim {f.ordinal}: {md_escape(f.verdict_label)}{flag}: {md_escape(f.text)}"
            )
    else:
        out.append("- none")
    out += ["", "## Claims", ""]
    findings = report.checkable_findings
    if not findings:
        out += ["No checkable claims.", ""]
    for f in findings:
        out += _finding(f)
    out += ["## References", ""]
    if report.bibliography:
        for entry in report.bibliography:
            out.append(f"{entry.number}. {md_escape(entry.reference)}")
        out.append("")
    else:
        out += ["No sources cited.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
