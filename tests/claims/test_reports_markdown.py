"""The report as Markdown (claims.reports.markdown)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from claims.reports import build_report, to_markdown
from claims.reports.markdown import md_escape, safe_url
from tests.claims.test_reports_model import FORMULA, HOSTILE, MD_LINK, make_bundle


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def markdown() -> str:
    return to_markdown(build_report(make_bundle()))


def test_sections_and_claims_in_order():
    text = markdown()
    assert text.startswith("# Cancer news")
    positions = [text.index(f"### Claim {n}:") for n in (2, 3, 4)]
    assert positions == sorted(positions)
    assert "### Claim 1" not in text  # the heading is not a checkable claim
    assert "- **Reviewers:** alice, bob, carol" in text
    assert "- **Source:** <https://news.example.com/story?a=1&b=2>" in text
    assert "- **Published:** 30 April 2024" in text
    for part in ("## Summary", "### Needs correction first", "## References", "## Method"):
        assert part in text


def test_finding_details():
    text = markdown()
    claim2 = text[text.index("### Claim 2") : text.index("### Claim 3")]
    assert "\n> " in claim2  # the claim is a blockquote, its cue in bold
    assert "Immunotherapy can **cure** every cancer" in claim2
    assert "**Verdict:** Misleading · **Certainty:** Low ⊕⊕◯◯" in claim2
    assert "*Editor's decision: Reviewer error.*" in claim2
    assert "- [\\[1\\]](#ref-1) **Contradicts.**" in claim2
    claim3 = text[text.index("### Claim 3") : text.index("### Claim 4")]
    assert "*Provisional: the reviewers agree" in claim3
    assert "[\\[2\\]](#ref-2)" in claim3 and "[\\[3\\]](#ref-3)" in claim3
    claim4 = text[text.index("### Claim 4") : text.index("## References")]
    assert "**Verdict:** Reviewers disagree" in claim4
    refs = text[text.index("## References") : text.index("## Method")]
    assert refs.index("1. ") < refs.index("Okafor AN") < refs.index("3. ")


def test_ordinary_text_is_not_escaped():
    bundle = make_bundle()
    bundle["claims"][0]["reviews"][1]["rationale"] = (
        "Raj's review of 2026-12-02: 5 mg/kg, e.g. twice daily (n = 12) & more."
    )
    text = to_markdown(build_report(bundle))
    assert "Raj's review of 2026-12-02: 5 mg/kg, e.g. twice daily (n = 12) & more." in text
    assert "\\'" not in text and "\\-" not in text and "\\." not in text


def test_rationale_markdown_is_kept_and_raw_html_is_not():
    bundle = make_bundle()
    bundle["claims"][0]["reviews"][1]["rationale"] = (
        "**Per the trial**, see [NEJM](https://www.nejm.org/x) and <b>raw</b>.\n\n- one\n- two"
    )
    text = to_markdown(build_report(bundle))
    assert "**Per the trial**, see [NEJM](<https://www.nejm.org/x>) (https://www.nejm.org/x)" in (
        text
    )
    assert "\\<b\\>raw\\</b\\>" in text
    assert "\n- one\n- two\n" in text


def test_user_text_is_escaped():
    text = markdown()
    for hostile in HOSTILE:
        if hostile != FORMULA:  # a spreadsheet's hazard, plain text in Markdown
            assert hostile not in text
    assert MD_LINK not in text
    # no "](" a user wrote, and no "<" but our anchors and the http autolinks
    for match in re.finditer(r"(?<!\\)\]\(", text):
        assert text[match.start() + 2 :].startswith(("#ref-", "#claim-", "<https://")), text[
            match.start() - 20 : match.start() + 20
        ]
    for match in re.finditer(r"(?<!\\)<", text):
        assert text.startswith(('<a id="', "</a>", "<https://"), match.start())


def test_rendered_markdown_is_inert():
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown())
    parser = Elements()
    parser.feed(rendered)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags
    hrefs = [attrs.get("href") or "" for tag, attrs in parser.tags if tag == "a"]
    assert all(not h.lower().startswith("javascript:") for h in hrefs)
    outside = {h for h in hrefs if h and not h.startswith("#")}
    assert outside == {"https://news.example.com/story?a=1&b=2"}


def test_helpers():
    assert md_escape("*a* [b](c) <d>") == r"\*a\* \[b\](c) \<d\>"
    assert md_escape("two\n\nlines") == "two lines"
    assert md_escape("# not a heading") == r"\# not a heading"
    assert md_escape("1. not a list") == r"1\. not a list"
    assert md_escape("&amp; stays text, & alone too") == r"\&amp; stays text, & alone too"
    assert md_escape(None) == ""
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.org/<x>") is None


def test_a_rationales_quotes_code_and_headings_read_as_text():
    bundle = make_bundle()
    bundle["claims"][0]["reviews"][1]["rationale"] = (
        "# Finding\n\n> the trial said so\n\n```\nn = 12 `x`\n```\n\n- one\n\n  more of one"
    )
    text = to_markdown(build_report(bundle))
    assert "**Finding**" in text and "> the trial said so" in text
    assert "n = 12 \\`x\\`" in text and "```" not in text
    assert "- one\n   more of one" in text  # the same item, read as one paragraph
