"""The report as one standalone HTML file (inline CSS, print-friendly, no scripts).

Every user string goes through ``html.escape`` (quotes included). A URL becomes a link only
when it is a plain http(s) URL; any other scheme (javascript:, data:, file:) is shown as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from claims.reports.model import (
    PROFILE_COLUMNS,
    Finding,
    Report,
    build_report,
    readable_date,
    readable_moment,
)

__all__ = ["annotated_article_html", "http_url", "to_html"]

_CSS = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 46em; margin: 2em auto;
  padding: 0 1em; line-height: 1.5; color: #111; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { border-bottom: 1px solid #999; padding-bottom: .1em; margin-top: 1.8em; }
h3 { margin-bottom: .3em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
blockquote { margin: .5em 0; padding: .3em 1em; border-left: 4px solid #888; background: #f4f4f4; }
.claim { break-inside: avoid; page-break-inside: avoid; margin-bottom: 1.5em; }
.provisional { font-style: italic; color: #555; }
.disagreement { color: #8a4b00; }
.verdict-misleading, .verdict-inaccurate { color: #a00000; font-weight: bold; }
table { border-collapse: collapse; }
td, th { border: 1px solid #bbb; padding: .2em .6em; text-align: left; }
table.profile { width: 100%; font-size: .75em; }
table.profile td, table.profile th { padding: .2em .3em; }
table.profile caption { text-align: left; font-weight: bold; }
.article-text { white-space: pre-wrap; }
mark { background: #fff3a3; }
mark sup { font-size: .7em; }
ol.refs li, ol.notes li { margin-bottom: .4em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  h2 { page-break-after: avoid; }
}
""".strip()


def _e(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def http_url(url: object) -> str | None:
    """The URL if it is a plain absolute http(s) URL with a host, else None."""
    if not url:
        return None
    text = str(url).strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def _link(url: object, text: object | None = None) -> str:
    good = http_url(url)
    label = _e(text if text is not None else url)
    if good is None:
        return label
    return f'<a href="{_e(good)}" rel="noopener noreferrer nofollow">{label}</a>'


def _paragraphs(text: str) -> str:
    parts = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{_e(p.strip())}</p>" for p in parts)


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>\n{_CSS}\n</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _verdict_html(f: Finding) -> str:
    if f.status == "disagreement":
        return '<span class="disagreement">Reviewers disagree (no verdict yet)</span>'
    if f.status == "unreviewed" or not f.verdict_label:
        return "Not yet reviewed" if f.status == "unreviewed" else "None"
    css = f"verdict-{_e(f.verdict)}" if f.verdict else ""
    text = f'<span class="{css}">{_e(f.verdict_label)}</span>'
    if f.provisional:
        text += ' <span class="provisional">(provisional)</span>'
    return text


def _finding_html(f: Finding) -> list[str]:
    heading = f"Claim {f.ordinal}"
    if f.section:
        heading += f" ({_e(f.section)})"
    out = [f'<section class="claim" id="{_e(f.anchor)}">', f"<h3>{heading}</h3>"]
    out.append(f"<blockquote>{_paragraphs(f.text)}</blockquote>")
    out.append("<dl>")
    out.append(f"<dt>Verdict</dt><dd>{_verdict_html(f)}</dd>")
    out.append(f"<dt>Certainty</dt><dd>{_e(f.certainty_label or 'None')}</dd>")
    out.append(f"<dt>Status</dt><dd>{_e(f.status_label)}</dd>")
    if f.decision_reason:
        out.append(f"<dt>Decision reason</dt><dd>{_e(f.decision_reason)}</dd>")
    if f.citations:
        cites = ", ".join(
            f'<a href="#ref-{c.number}">[{c.number}]</a>'
            + (f" {_e(', '.join(c.stances))}" if c.stances else "")
            for c in f.citations
        )
        out.append(f"<dt>Sources</dt><dd>{cites}</dd>")
    out.append("</dl>")
    if f.evidence_profiles:
        head = "".join(f"<th>{_e(name)}</th>" for name in PROFILE_COLUMNS)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in (p.by, *p.cells)) + "</tr>"
            for p in f.evidence_profiles
        )
        out.append(
            f'<table class="profile"><caption>Evidence profile (GRADE)</caption>'
            f"<tr>{head}</tr>{rows}</table>"
        )
        notes = "".join(
            f"<li>{_e(p.by)}, {_e(note)}</li>" for p in f.evidence_profiles for note in p.footnotes
        )
        if notes:
            out.append(f'<ul class="footnotes">{notes}</ul>')
    if f.rationales:
        out.append("<h4>Rationale</h4>")
        for r in f.rationales:
            out.append(
                f'<div class="rationale"><strong>{_e(r.by)}:</strong>{_paragraphs(r.text)}</div>'
            )
    out.append("</section>")
    return out


def _counts_table(caption: str, counts: tuple[tuple[str, int], ...]) -> list[str]:
    if not counts:
        return []
    rows = "".join(f"<tr><td>{_e(label)}</td><td>{n}</td></tr>" for label, n in counts)
    return [f"<table><caption>{_e(caption)}</caption>{rows}</table>"]


def to_html(report: Report) -> str:
    """The whole report as a standalone HTML page."""
    a = report.article
    s = report.summary
    body = [f"<h1>Claim review: {_e(a.title)}</h1>", '<dl class="meta">']
    meta: list[tuple[str, str | None]] = [
        ("Source", _link(a.source_url) if a.source_url else None),
        ("Author", _e(a.author) if a.author else None),
        ("Published", _e(readable_date(a.published_on)) if a.published_on else None),
        ("Imported", _e(readable_moment(a.imported_at)) if a.imported_at else None),
        ("Reviewers", _e(", ".join(report.reviewers)) if report.reviewers else "None yet"),
        (
            "Last decision",
            _e(readable_moment(report.last_decided_at)) if report.last_decided_at else None,
        ),
        (
            "Report generated",
            _e(readable_moment(report.generated_at)) if report.generated_at else None,
        ),
    ]
    body += [f"<dt>{name}</dt><dd>{value}</dd>" for name, value in meta if value]
    body.append("</dl>")
    body += ["<h2>Summary</h2>", f"<p>Checkable claims: {s.checkable_claims}</p>"]
    body += _counts_table("Status", s.by_status)
    body += _counts_table("By verdict", s.by_verdict)
    body += _counts_table("By certainty", s.by_certainty)
    body.append("<h3>Needs correction first</h3>")
    if s.needs_correction:
        body.append("<ol>")
        for f in s.needs_correction:
            flag = " (provisional)" if f.provisional else ""
            body.append(
                f'<li><a href="#{_e(f.anchor)}">Claim {f.ordinal}</a>: '
                f"<strong>{_e(f.verdict_label)}</strong>{flag}: {_e(f.text)}</li>"
            )
        body.append("</ol>")
    else:
        body.append("<p>None.</p>")
    body.append("<h2>Claims</h2>")
    findings = report.checkable_findings
    if not findings:
        body.append("<p>No checkable claims.</p>")
    for f in findings:
        body += _finding_html(f)
    body.append("<h2>References</h2>")
    if report.bibliography:
        body.append('<ol class="refs">')
        for entry in report.bibliography:
            link = f" {_link(entry.url)}" if http_url(entry.url) else ""
            design = f" <em>({_e(entry.study_design)})</em>" if entry.study_design else ""
            body.append(
                f'<li id="ref-{entry.number}" value="{entry.number}">'
                f"{_e(entry.reference)}{design}{link}</li>"
            )
        body.append("</ol>")
    else:
        body.append("<p>No sources cited.</p>")
    return _page(f"Claim review: {a.title}", body)


def annotated_article_html(bundle: Mapping[str, Any]) -> str:
    """The article text with each checkable claim in a <mark>, numbered, and footnotes below
    giving each claim's verdict. Overlapping or out-of-range spans are listed but not marked."""
    report = build_report(bundle)
    text = report.article.text
    findings = list(report.checkable_findings)
    pieces: list[str] = []
    notes: list[str] = []
    cursor = 0
    for number, f in enumerate(sorted(findings, key=lambda f: (f.start, f.ordinal)), start=1):
        verdict = f.verdict_label or f.status_label
        if f.provisional:
            verdict += " (provisional)"
        marked = cursor <= f.start < f.end <= len(text)
        if marked:
            pieces.append(_e(text[cursor : f.start]))
            pieces.append(
                f'<mark id="claim-{number}" title="{_e(verdict)}">{_e(text[f.start : f.end])}'
                f'<sup><a href="#note-{number}">{number}</a> {_e(verdict)}</sup></mark>'
            )
            cursor = f.end
        note = f"<strong>{_e(verdict)}</strong>"
        if f.certainty_label:
            note += f"; certainty: {_e(f.certainty_label)}"
        note += f". Claim {f.ordinal}: “{_e(f.text)}”"
        if f.citation_numbers:
            note += " Sources: " + "".join(f"[{n}]" for n in f.citation_numbers)
        for r in f.rationales:
            note += f"<br><em>{_e(r.by)}:</em> {_e(r.text)}"
        back = f' <a href="#claim-{number}">↑</a>' if marked else ""
        notes.append(f'<li id="note-{number}" value="{number}">{note}{back}</li>')
    pieces.append(_e(text[cursor:]))
    a = report.article
    body = [f"<h1>{_e(a.title)}</h1>"]
    if a.source_url:
        body.append(f"<p>Source: {_link(a.source_url)}</p>")
    if a.author:
        body.append(f"<p>Author: {_e(a.author)}</p>")
    body.append(f'<div class="article-text">{"".join(pieces)}</div>')
    body.append("<h2>Notes</h2>")
    body.append('<ol class="notes">' + "".join(notes) + "</ol>" if notes else "<p>No claims.</p>")
    if report.bibliography:
        body.append("<h2>References</h2>")
        body.append('<ol class="refs">')
        body += [
            f'<li id="ref-{e.number}" value="{e.number}">{_e(e.reference)}</li>'
            for e in report.bibliography
        ]
        body.append("</ol>")
    return _page(f"Annotated: {a.title}", body)
