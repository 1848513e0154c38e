"""The report as Markdown (CommonMark, with GitHub's tables): the same parts as the HTML report,
written to read well as plain text too.

User text goes through ``md_escape``, which escapes only what Markdown would misread: emphasis
and code marks, brackets (links and images), angle brackets (raw HTML and autolinks), an
ampersand that would start an entity, and, at the start of a line, what would begin a heading,
a quote or a list. Ordinary punctuation ("Raj's", "2026-12-02", "e.g.") is left as written.
Rationales and takeaways are Markdown themselves: they are read (``claims.reports.richtext``)
and written again from their parts, so only their own emphasis, lists and http(s) links
survive, never raw HTML. Links show their address.
"""

from __future__ import annotations

import re

from claims.reports.model import PROFILE_COLUMNS, Finding, Report, readable_moment
from claims.reports.richtext import Block, Span, parse_markdown

__all__ = ["md_escape", "safe_url", "to_markdown"]

# Characters that open Markdown syntax anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
# "&" only where it would be read as an entity ("&amp;", "&#60;").
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What a line must not start with: a heading, a quote, a list item, a thematic break.
_LINE_START = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+(?=\s*$)|(\d{1,9})([.)])(?=\s|$))"
)
_URL_OK = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)


def md_escape(text: object, *, strip: bool = True) -> str:
    """Inline-safe Markdown: whitespace collapsed to single spaces (and trimmed, unless
    ``strip`` is false), and only what Markdown would misread escaped (see the module
    docstring)."""
    if text is None:
        return ""
    flat = re.sub(r"\s+", " ", str(text))
    if strip:
        flat = flat.strip()
    escaped = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", flat))
    return _LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if match.group(3):  # "1." / "2)": a numbered list
        return f"{lead}{match.group(3)}\\{match.group(4)}"
    return f"{lead}\\{mark}"


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


def _cell(value: object) -> str:
    return md_escape(value) or " "


def _spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.address:
            out.append(md_escape(span.text, strip=False))
            continue
        if span.code:  # as text: a code span could hide what it holds from a reader
            out.append(md_escape(span.text, strip=False))
            continue
        text = "  \n".join(md_escape(part, strip=False) for part in span.text.split("\n"))
        if not text.strip():
            out.append(text)
            continue
        # Emphasis marks must touch the text: spaces are kept outside them.
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(text.rstrip(" ")) :]
        core = text.strip(" ")
        if span.bold and span.italic:
            core = f"***{core}***"
        elif span.bold:
            core = f"**{core}**"
        elif span.italic:
            core = f"*{core}*"
        if span.href and safe_url(span.href):
            core = f"[{core}](<{span.href}>)"
        out.append(f"{lead}{core}{trail}")
    return "".join(out)


def _rich(text: str, *, prefix: str = "") -> list[str]:
    """A rationale's Markdown written again from its parts (see the module docstring)."""
    lines: list[str] = []
    for block in parse_markdown(text):
        lines.extend(_block(block, prefix))
    return lines


def _block(block: Block, prefix: str) -> list[str]:
    inner = _spans(block.spans)
    if block.kind == "item":
        indent = "   " * (block.depth - 1)
        marker = "-" if block.marker in ("", "•") else block.marker
        if not block.marker:  # a later paragraph of the same item
            return [f"{prefix}{indent}   {inner}", ""]
        return [f"{prefix}{indent}{marker} {inner}"]
    if block.kind == "quote":
        return [f"{prefix}> {inner}", ""]
    if block.kind == "code":  # its lines as text, each kept on its own line
        code = "".join(span.text for span in block.spans)
        lines = [md_escape(line) for line in code.split("\n") if line.strip()]
        return [f"{prefix}" + "  \n".join(lines), ""]
    if block.kind == "heading":
        return [f"{prefix}**{inner.strip('*')}**", ""]
    return [f"{prefix}{inner}", ""]


_ITEM = re.compile(r"\s*(?:-|\d+\.) ")


def _tidy(lines: list[str]) -> list[str]:
    """Blank lines between blocks, never two in a row; a list ends with one."""
    out: list[str] = []
    for line in lines:
        if line == "":
            if out and out[-1] != "":
                out.append(line)
            continue
        ends_list = out and _ITEM.match(out[-1]) and not _ITEM.match(line)
        if ends_list and not line.startswith("   "):
            out.append("")
        out.append(line)
    return out


def _quote(f: Finding) -> str:
    parts = []
    for text, cue in f.pieces():
        escaped = md_escape(text, strip=False)
        if cue is not None and escaped.strip():  # spaces outside the marks, as Markdown needs
            lead = " " if escaped[:1] == " " else ""
            trail = " " if escaped[-1:] == " " else ""
            escaped = f"{lead}**{escaped.strip()}**{trail}"
        parts.append(escaped)
    return "".join(parts).strip()


def _finding(f: Finding, report: Report) -> list[str]:
    lines = [f'<a id="{f.anchor}"></a>', "", f"### Claim {f.ordinal}: {md_escape(f.label)}", ""]
    if f.section:
        lines += [f"Section: {md_escape(f.section)}", ""]
    lines += [f"> {_quote(f)}", ""]
    if f.cue_marks:
        lines += ["In bold, cues of overclaiming: " + md_escape("; ".join(f.cue_labels)) + ".", ""]
    certainty = f.certainty_text if f.certainty_label else "not rated"
    lines.append(f"**Verdict:** {md_escape(f.label)} · **Certainty:** {md_escape(certainty)}")
    lines.append("")
    if f.status != "unreviewed":
        lines += [f"*{md_escape(f.standing)}.*", ""]
    for r in f.rationales:
        lines += [f"**{md_escape(r.heading)}:**", "", *_rich(r.text)]
    if f.citations:
        lines += ["**Sources:**", ""]
        for c in f.citations:
            title = f" {md_escape(c.title)}" if c.title else ""
            flags = "".join(f" **\\[{md_escape(flag)}\\]**" for flag in c.flags)
            lines.append(
                f"- [\\[{c.number}\\]](#ref-{c.number}) **{md_escape(c.stance_text)}.**"
                f"{title}{flags}"
            )
        lines.append("")
    if f.evidence_profiles and report.options.evidence_profiles:
        lines += ["**Evidence profile (GRADE)**", ""]
        lines.append("| " + " | ".join(PROFILE_COLUMNS) + " |")
        lines.append("|" + "---|" * len(PROFILE_COLUMNS))
        for profile in f.evidence_profiles:
            row = (profile.by, *profile.cells)
            lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
        lines.append("")
        for profile in f.evidence_profiles:
            lines += [f"- {md_escape(profile.by)}, {md_escape(note)}" for note in profile.footnotes]
        lines.append("")
    return lines


def _summary(report: Report) -> list[str]:
    s = report.summary
    out = ["## Summary", "", md_escape(s.headline), ""]
    if report.article.key_takeaways:
        out += ["### Key takeaways", "", *_rich(report.article.key_takeaways)]
    if s.chart:
        top = max(bar.count for bar in s.chart)
        out += ["### Verdicts", "", "| Verdict | Claims | |", "|---|---|---|"]
        for bar in s.chart:
            blocks = "█" * max(1, round(20 * bar.count / top))
            out.append(f"| {_cell(bar.label)} | {bar.count} | {blocks} |")
        out.append("")
    if s.by_certainty:
        out += ["### Evidence certainty", "", "| Certainty | Claims |", "|---|---|"]
        out += [f"| {_cell(label)} | {n} |" for label, n in s.by_certainty]
        out.append("")
    out += ["### Needs correction first", ""]
    if not s.needs_correction:
        out += ["No claim was found inaccurate or misleading.", ""]
    for number, f in enumerate(s.needs_correction, start=1):
        flag = " (provisional)" if f.provisional else ""
        out.append(
            f"{number}. **{md_escape(f.label)}**{flag}: [Claim {f.ordinal}](#{f.anchor}): "
            f"“{md_escape(f.text)}”"
        )
    out.append("")
    return out


def _method(report: Report) -> list[str]:
    m = report.method
    if m is None:
        return []
    out = ["## Method", "", "### Review", ""]
    for line in m.review:
        out += [md_escape(line), ""]
    out += ["### Agreement between reviewers", ""]
    out += [f"- **{md_escape(name)}:** {md_escape(text)}" for name, text in m.agreement]
    out += ["", "### How disagreements were settled", ""]
    for line in m.settled:
        out += [md_escape(line), ""]
    out += ["### Scales", "", "| Verdict | Meaning |", "|---|---|"]
    out += [f"| {_cell(r.label)} | {_cell(r.description)} |" for r in m.verdict_scale]
    out += ["", "| Certainty (GRADE) | Symbols | Meaning |", "|---|---|---|"]
    out += [
        f"| {_cell(r.label)} | {_cell(r.symbols)} | {_cell(r.description)} |"
        for r in m.certainty_scale
    ]
    out.append("")
    return out


def to_markdown(report: Report) -> str:
    """The whole report: title block, summary, a part per checkable claim, references, method."""
    a = report.article
    org = report.organisation
    out = [f"# {md_escape(a.title)}", ""]
    kind = "Claim review report"
    if org.name:
        kind += f" by {md_escape(org.name)}" + (f" ({_link(org.url)})" if org.url else "")
    out += [f"*{kind}*", ""]
    for name, value in report.details:
        shown = _link(value) if name == "Source" else md_escape(value)
        out.append(f"- **{md_escape(name)}:** {shown}")
    out.append("")
    out += _summary(report)
    out += ["## Claims", ""]
    findings = report.checkable_findings
    if not findings:
        out += ["No checkable claims.", ""]
    for f in findings:
        out += _finding(f, report)
    out += ["## References", ""]
    if report.bibliography:
        for entry in report.bibliography:
            flags = "".join(f" **\\[{md_escape(flag)}\\]**" for flag in entry.flags)
            design = f" *({md_escape(entry.study_design)})*" if entry.study_design else ""
            out.append(
                f'{entry.number}. <a id="ref-{entry.number}"></a>'
                f"{md_escape(entry.vancouver)}{flags}{design}"
            )
        out.append("")
    else:
        out += ["No sources cited.", ""]
    out += _method(report)
    others = report.other_findings
    if others:
        out += ["## Sentences not checked", ""]
        out += [f"- Claim {f.ordinal}: {md_escape(f.text)}" for f in others]
        out.append("")
    moment = readable_moment(report.generated_at)
    if moment:
        out += ["---", "", f"Report generated {md_escape(moment)}.", ""]
    return "\n".join(_tidy(out)).rstrip("\n") + "\n"
