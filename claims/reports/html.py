"""The report as one standalone HTML file: inline styles, no scripts, readable on a phone and
printable (a print stylesheet keeps each claim's card on one page and its colours).

Every user string goes through ``html.escape`` (quotes included). Rationales and the editor's
takeaways are Markdown drawn from ``claims.reports.richtext`` blocks, never passed through as
HTML. A URL becomes a link only when it is a plain http(s) URL (or mailto in a rationale); any
other scheme (javascript:, data:, file:) is shown as text. The one image is the organisation's
logo, a checked PNG or JPEG embedded as a data: URL.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from typing import Any

from claims.reports.model import (
    PROFILE_COLUMNS,
    Finding,
    Report,
    ReportOptions,
    build_report,
    readable_moment,
)
from claims.reports.richtext import Span, http_url, parse_markdown

__all__ = ["annotated_article_html", "http_url", "rich_html", "to_html"]

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); line-height: 1.55; margin: 0;
  background: #fff; font-size: 16px; }
main { max-width: 50rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; overflow-wrap: break-word; }
a { color: var(--accent); overflow-wrap: anywhere; }
header.masthead { display: flex; align-items: center; gap: .75rem; border-bottom: 3px solid
  var(--ink); padding-bottom: .6rem; margin-bottom: 1.2rem; }
header.masthead img { max-height: 3rem; max-width: 10rem; }
header.masthead .org { font-weight: 700; font-size: 1.05rem; }
header.masthead .kind { margin-left: auto; color: var(--muted); font-size: .85rem;
  text-transform: uppercase; letter-spacing: .06em; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .8rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0;
  font-size: .95rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.headline { font-size: 1.1rem; font-weight: 600; }
.chart { display: grid; grid-template-columns: max-content 12rem 2.5rem; gap: .35rem .6rem;
  align-items: center; }
.chart .bar { height: 1.1rem; border-radius: 3px; min-width: 3px; }
.chart .n { font-variant-numeric: tabular-nums; text-align: right; font-weight: 600; }
.label { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-weight: 600;
  font-size: .85rem; white-space: nowrap; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5rem 2.5rem; align-items: flex-start; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
table caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
ol.correct li { margin-bottom: .5rem; }
.takeaways { background: var(--soft); border-left: 4px solid var(--accent); padding: .6rem 1rem;
  margin: 1rem 0; }
.takeaways h3 { margin-top: .2rem; }
.takeaways p { margin: .3rem 0; }
article.claim { border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.1rem;
  margin: 1.1rem 0; break-inside: avoid; page-break-inside: avoid; }
article.claim > header { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .8rem; }
article.claim > header h3 { margin: 0; font-size: 1rem; }
article.claim .section { color: var(--muted); font-size: .9rem; }
article.claim .certainty { margin-left: auto; font-size: .9rem; white-space: nowrap; }
.symbols { letter-spacing: .08em; }
blockquote { margin: .7rem 0; padding: .5rem .9rem; border-left: 4px solid var(--line);
  background: var(--soft); font-size: 1.02rem; }
mark.cue { background: #fff1b8; border-bottom: 2px dotted #9a6700; padding: 0 .1rem; }
.cue-note { font-size: .85rem; color: var(--muted); }
.standing { font-size: .9rem; }
.standing.provisional, .standing.disagreement { color: #8a4b00; }
.rationale { margin: .4rem 0; }
.rationale .by { font-weight: 600; }
.rationale p, .rationale ul, .rationale ol { margin: .25rem 0; }
.rationale pre { background: var(--soft); padding: .4rem; overflow-x: auto; }
.link-address { color: var(--muted); font-size: .9em; overflow-wrap: anywhere; }
ul.sources { margin: .3rem 0; padding-left: 1.2rem; overflow-wrap: anywhere; }
.flag { color: #b42318; font-weight: 700; }
.table-wrap { overflow-x: auto; }
table.profile { width: 100%; font-size: .7rem; line-height: 1.3; }
table.profile th, table.profile td { padding: .2rem .25rem; }
ul.footnotes { font-size: .8rem; color: var(--muted); margin-top: .2rem; }
ol.refs li { margin-bottom: .45rem; overflow-wrap: anywhere; }
.article-text { white-space: pre-wrap; }
mark.claim-mark { background: #ddf4ff; }
mark sup { font-size: .7em; }
footer.generated { margin-top: 3rem; color: var(--muted); font-size: .8rem;
  border-top: 1px solid var(--line); padding-top: .6rem; }
@media (max-width: 40rem) {
  .chart { grid-template-columns: max-content 7rem 2rem; }
  body { font-size: 15px; }
  h1 { font-size: 1.5rem; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: .3rem; }
  article.claim .certainty { margin-left: 0; }
}
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  article.claim { border-color: #999; }
}
""".strip()


def _e(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _link(url: object, text: object | None = None) -> str:
    good = http_url(url)
    label = _e(text if text is not None else url)
    if good is None:
        return label
    return f'<a href="{_e(good)}" rel="noopener noreferrer nofollow">{label}</a>'


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
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = _e(span.text).replace("\n", "<br>")
        if span.address:
            out.append(f'<span class="link-address">{text}</span>')
            continue
        if span.code:
            text = f"<code>{text}</code>"
        if span.italic:
            text = f"<em>{text}</em>"
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.href:
            text = f'<a href="{_e(span.href)}" rel="noopener noreferrer nofollow">{text}</a>'
        out.append(text)
    return "".join(out)


def rich_html(text: str) -> str:
    """A rationale's Markdown as HTML: its own markup only (see claims.reports.richtext)."""
    out = []
    for block in parse_markdown(text):
        inner = _spans(block.spans)
        if block.kind == "item":
            indent = 1.2 * block.depth
            marker = _e(block.marker) + " " if block.marker else ""
            out.append(f'<p style="margin-left:{indent:.1f}em">{marker}{inner}</p>')
        elif block.kind == "quote":
            out.append(f"<blockquote>{inner}</blockquote>")
        elif block.kind == "code":
            out.append(f"<pre>{inner}</pre>")
        elif block.kind == "heading":
            out.append(f"<p><strong>{inner}</strong></p>")
        else:
            out.append(f"<p>{inner}</p>")
    return "".join(out)


def _label(text: str, colours: tuple[str, str]) -> str:
    background, ink = colours
    return (
        f'<span class="label" style="background:{_e(background)};color:{_e(ink)}">{_e(text)}</span>'
    )


def _quoted_claim(f: Finding) -> str:
    parts = []
    for text, cue in f.pieces():
        if cue is None:
            parts.append(_e(text))
        else:
            why = f"{cue.label}: {cue.reason}" if cue.reason else cue.label
            parts.append(f'<mark class="cue" title="{_e(why)}">{_e(text)}</mark>')
    return "".join(parts)


def _finding_html(f: Finding, options: ReportOptions) -> list[str]:
    status_class = f.status if f.status in ("provisional", "disagreement") else ""
    out = [f'<article class="claim" id="{_e(f.anchor)}">', "<header>"]
    out.append(f"<h3>Claim {f.ordinal}</h3>")
    out.append(_label(f.label, f.colours))
    out.append(
        f'<span class="certainty">Certainty: {_e(f.certainty_label or "not rated")} '
        f'<span class="symbols" aria-hidden="true">{_e(f.certainty_symbols)}</span></span>'
    )
    out.append("</header>")
    if f.section:
        out.append(f'<div class="section">{_e(f.section)}</div>')
    out.append(f"<blockquote>{_quoted_claim(f)}</blockquote>")
    if f.cue_marks:
        kinds = "; ".join(f.cue_labels)
        out.append(f'<div class="cue-note">Marked, cues of overclaiming: {_e(kinds)}.</div>')
    if f.status != "unreviewed":  # the label already says so
        out.append(f'<p class="standing {status_class}">{_e(f.standing)}.</p>')
    for r in f.rationales:
        out.append(
            f'<div class="rationale"><span class="by">{_e(r.heading)}:</span>'
            f"{rich_html(r.text)}</div>"
        )
    if f.citations:
        out.append("<div><strong>Sources</strong></div>")
        out.append('<ul class="sources">')
        for c in f.citations:
            title = f" {_e(c.title)}" if c.title else ""
            flags = "".join(f' <span class="flag">[{_e(flag)}]</span>' for flag in c.flags)
            out.append(
                f'<li><a href="#ref-{c.number}">[{c.number}]</a> '
                f"<strong>{_e(c.stance_text)}</strong>.{title}{flags}</li>"
            )
        out.append("</ul>")
    if f.evidence_profiles and options.evidence_profiles:
        head = "".join(f"<th>{_e(name)}</th>" for name in PROFILE_COLUMNS)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in (p.by, *p.cells)) + "</tr>"
            for p in f.evidence_profiles
        )
        out.append(
            '<div class="table-wrap"><table class="profile">'
            f"<caption>Evidence profile (GRADE)</caption><tr>{head}</tr>{rows}</table></div>"
        )
        notes = "".join(
            f"<li>{_e(p.by)}, {_e(note)}</li>" for p in f.evidence_profiles for note in p.footnotes
        )
        if notes:
            out.append(f'<ul class="footnotes">{notes}</ul>')
    out.append("</article>")
    return out


def _masthead(report: Report) -> list[str]:
    org = report.organisation
    out = ['<header class="masthead">']
    if org.logo and org.logo_type in ("image/png", "image/jpeg"):
        data = base64.b64encode(org.logo).decode("ascii")
        alt = _e(org.name or "Logo")
        out.append(f'<img src="data:{org.logo_type};base64,{data}" alt="{alt}">')
    if org.name:
        name = _link(org.url, org.name) if org.url else _e(org.name)
        out.append(f'<span class="org">{name}</span>')
    out.append('<span class="kind">Claim review report</span>')
    out.append("</header>")
    return out


def _summary(report: Report) -> list[str]:
    s = report.summary
    out = ['<h2 id="summary">Summary</h2>', f'<p class="headline">{_e(s.headline)}</p>']
    if report.article.key_takeaways:
        out.append('<section class="takeaways"><h3>Key takeaways</h3>')
        out.append(rich_html(report.article.key_takeaways))
        out.append("</section>")
    figures = []
    if s.chart:
        top = max(bar.count for bar in s.chart)
        rows = []
        for bar in s.chart:
            width = max(2.0, 100 * bar.count / top)
            rows.append(
                f"<span>{_label(bar.label, bar.colours)}</span>"
                f'<span class="bar" style="width:{width:.0f}%;background:{_e(bar.colours[0])}">'
                f'</span><span class="n">{bar.count}</span>'
            )
        figures.append(
            '<div><h3>Verdicts</h3><div class="chart" role="img" aria-label="'
            + _e("; ".join(f"{b.label}: {b.count}" for b in s.chart))
            + '">'
            + "".join(rows)
            + "</div></div>"
        )
    if s.by_certainty:
        rows = "".join(f"<tr><td>{_e(label)}</td><td>{n}</td></tr>" for label, n in s.by_certainty)
        figures.append(
            "<div><h3>Evidence certainty</h3><table><tr><th>Certainty</th><th>Claims</th></tr>"
            f"{rows}</table></div>"
        )
    if figures:
        out.append('<div class="figures">' + "".join(figures) + "</div>")
    out.append("<h3>Needs correction first</h3>")
    if s.needs_correction:
        out.append('<ol class="correct">')
        for f in s.needs_correction:
            flag = " (provisional)" if f.provisional else ""
            out.append(
                f"<li>{_label(f.label, f.colours)}{_e(flag)} "
                f'<a href="#{_e(f.anchor)}">Claim {f.ordinal}</a>: “{_e(f.text)}”</li>'
            )
        out.append("</ol>")
    else:
        out.append("<p>No claim was found inaccurate or misleading.</p>")
    return out


def _references(report: Report) -> list[str]:
    out = ['<h2 id="references">References</h2>']
    if not report.bibliography:
        return [*out, "<p>No sources cited.</p>"]
    out.append('<ol class="refs">')
    for entry in report.bibliography:
        link = ""  # the address, where the reference has no DOI or PMID to find it by
        if http_url(entry.url) and not _FINDABLE.search(entry.vancouver):
            link = f" {_link(entry.url)}" if entry.url not in entry.vancouver else ""
        design = f" <em>({_e(entry.study_design)})</em>" if entry.study_design else ""
        flags = "".join(f' <span class="flag">[{_e(flag)}]</span>' for flag in entry.flags)
        out.append(
            f'<li id="ref-{entry.number}" value="{entry.number}">'
            f"{_linked_reference(entry.vancouver)}{flags}{design}{link}</li>"
        )
    out.append("</ol>")
    return out


def _linked_reference(text: str) -> str:
    """A reference's text, its DOI and web address made links."""
    out, cursor = [], 0
    for match in _REFERENCE_LINKS.finditer(text):
        out.append(_e(text[cursor : match.start()]))
        found = match.group(0)
        if match.group("doi"):
            target = f"https://doi.org/{match.group('doi')}"
        elif match.group("pmid"):
            target = f"https://pubmed.ncbi.nlm.nih.gov/{match.group('pmid')}/"
        else:
            target = found
        out.append(_link(target, found) if http_url(target) else _e(found))
        cursor = match.end()
    out.append(_e(text[cursor:]))
    return "".join(out)


_FINDABLE = re.compile(r"doi:10\.|PMID: \d")
_REFERENCE_LINKS = re.compile(
    r"doi:(?P<doi>10\.[^\s]+[^\s.,;])|PMID: (?P<pmid>\d{1,9})"
    r"|https?://[^\s<>\"]+[^\s<>\".,;)]"
)


def _method(report: Report) -> list[str]:
    m = report.method
    if m is None:
        return []
    out = ['<h2 id="method">Method</h2>', "<h3>Review</h3>"]
    out += [f"<p>{_e(line)}</p>" for line in m.review]
    out.append("<h3>Agreement between reviewers</h3><ul>")
    out += [f"<li><strong>{_e(name)}:</strong> {_e(text)}</li>" for name, text in m.agreement]
    out.append("</ul><h3>How disagreements were settled</h3>")
    out += [f"<p>{_e(line)}</p>" for line in m.settled]
    out.append("<h3>Scales</h3>")
    rows = "".join(
        f"<tr><td>{_e(r.label)}</td><td>{_e(r.description)}</td></tr>" for r in m.verdict_scale
    )
    out.append(
        f'<div class="table-wrap"><table><caption>Verdict</caption>'
        f"<tr><th>Verdict</th><th>Meaning</th></tr>{rows}</table></div>"
    )
    rows = "".join(
        f'<tr><td>{_e(r.label)}</td><td class="symbols">{_e(r.symbols)}</td>'
        f"<td>{_e(r.description)}</td></tr>"
        for r in m.certainty_scale
    )
    out.append(
        '<div class="table-wrap"><table><caption>Evidence certainty (GRADE)</caption>'
        f"<tr><th>Certainty</th><th>Symbols</th><th>Meaning</th></tr>{rows}</table></div>"
    )
    return out


def _others(report: Report) -> list[str]:
    others = report.other_findings
    if not others:
        return []
    out = ['<h2 id="not-checked">Sentences not checked</h2>', "<ol>"]
    out += [
        f'<li value="{f.ordinal}">{_e(f.text)}'
        + (f' <span class="section">({_e(f.kind)})</span>' if f.kind else "")
        + "</li>"
        for f in others
    ]
    out.append("</ol>")
    return out


def to_html(report: Report) -> str:
    """The whole report as one standalone HTML page (inline styles, no scripts)."""
    a = report.article
    body = _masthead(report)
    body.append(f"<h1>{_e(a.title)}</h1>")
    body.append('<dl class="meta">')
    for name, value in report.details:
        shown = _link(value) if name == "Source" else _e(value)
        body.append(f"<dt>{_e(name)}</dt><dd>{shown}</dd>")
    body.append("</dl>")
    body += _summary(report)
    body.append('<h2 id="claims">Claims</h2>')
    findings = report.checkable_findings
    if not findings:
        body.append("<p>No checkable claims.</p>")
    for f in findings:
        body += _finding_html(f, report.options)
    body += _references(report)
    body += _method(report)
    body += _others(report)
    if report.options.annotated_article:
        body.append('<h2 id="article">The article, annotated</h2>')
        body += _annotated_body(report)
    moment = readable_moment(report.generated_at)
    if moment:
        body.append(f'<footer class="generated">Report generated {_e(moment)}.</footer>')
    return _page(report.title, body)


def _annotated_body(report: Report) -> list[str]:
    """The article's text with each checkable claim in a <mark>, numbered, and notes below
    giving each claim's verdict. Overlapping or out-of-range spans are listed, not marked."""
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
                f'<mark class="claim-mark" id="mark-{number}" title="{_e(verdict)}">'
                f"{_e(text[f.start : f.end])}"
                f'<sup><a href="#note-{number}">{number}</a> {_e(verdict)}</sup></mark>'
            )
            cursor = f.end
        note = f"<strong>{_e(verdict)}</strong>"
        if f.certainty_label:
            note += f"; certainty: {_e(f.certainty_text)}"
        note += f'. <a href="#{_e(f.anchor)}">Claim {f.ordinal}</a>: “{_e(f.text)}”'
        if f.citation_numbers:
            note += " Sources: " + "".join(
                f'<a href="#ref-{n}">[{n}]</a>' for n in f.citation_numbers
            )
        back = f' <a href="#mark-{number}">↑</a>' if marked else ""
        notes.append(f'<li id="note-{number}" value="{number}">{note}{back}</li>')
    pieces.append(_e(text[cursor:]))
    body = [f'<div class="article-text">{"".join(pieces)}</div>', "<h3>Notes</h3>"]
    body.append('<ol class="notes">' + "".join(notes) + "</ol>" if notes else "<p>No claims.</p>")
    return body


def annotated_article_html(bundle: Mapping[str, Any]) -> str:
    """The article on its own, with each checkable claim marked and its verdict in a note."""
    report = build_report(bundle, options=ReportOptions(method=False))
    a = report.article
    body = _masthead(report)
    body.append(f"<h1>{_e(a.title)}</h1>")
    if a.source_url:
        body.append(f"<p>Source: {_link(a.source_url)}</p>")
    if a.author:
        body.append(f"<p>Author: {_e(a.author)}</p>")
    if a.medical_reviewer:
        body.append(f"<p>Medically reviewed by (per the article): {_e(a.medical_reviewer)}</p>")
    body += _annotated_body(report)
    body += _references(report)
    return _page(f"Annotated: {a.title}", body)
