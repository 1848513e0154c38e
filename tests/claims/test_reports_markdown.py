"""The report as Markdown (claims.reports.markdown)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from claims.reports import build_report, to_markdown
from claims.reports.markdown import md_escape, safe_url
from tests.claims.test_reports_model import HOSTILE, MD_LINK, make_bundle


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
    assert text.startswith("# Claim review: Cancer news")
    positions = [text.index(f"### Claim {n}") for n in (2, 3, 4)]
    assert positions == sorted(positions)
    assert "### Claim 1" not in text  # the heading is not a checkable claim
    assert "- **Reviewers:** alice, bob, carol" in text
    assert "- **Source:** <https://news.example.com/story?a=1&b=2>" in text
    assert "## Summary" in text and "## References" in text
    assert "Needs correction first" in text


def test_finding_details():
    text = markdown()
    claim2 = text[text.index("### Claim 2") : text.index("### Claim 3")]
    assert "> " in claim2  # the claim is a blockquote
    assert "**Verdict:** Misleading" in claim2
    assert "**Certainty:** Low" in claim2
    assert "**Sources:** \\[1\\]" in claim2
    claim3 = text[text.index("### Claim 3") : text.index("### Claim 4")]
    assert "provisional" in claim3
    assert "**Sources:** \\[2\\]\\[3\\]" in claim3
    claim4 = text[text.index("### Claim 4") : text.index("## References")]
    assert "reviewers disagree" in claim4
    refs = text[text.index("## References") :]
    assert refs.index("1. ") < refs.index("2. Okafor AN") < refs.index("3. ")


def test_user_text_is_escaped():
    text = markdown()
    for hostile in HOSTILE:
        assert hostile not in text
    assert MD_LINK not in text
    # no unescaped "](" and no unescaped "<" except our anchors and the http autolink
    assert not re.search(r"(?<!\\)\]\(", text)
    for match in re.finditer(r"(?<!\\)<", text):
        assert text.startswith(('<a id="claim-', "</a>", "<https://"), match.start())


def test_rendered_markdown_is_inert():
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").render(markdown())
    parser = Elements()
    parser.feed(rendered)
    tags = [tag for tag, _ in parser.tags]
    assert "script" not in tags and "img" not in tags
    hrefs = [attrs.get("href") or "" for tag, attrs in parser.tags if tag == "a"]
    assert all(not h.lower().startswith("javascript:") for h in hrefs)
    assert [h for h in hrefs if h] == ["https://news.example.com/story?a=1&b=2"]


def test_helpers():
    assert md_escape("*a* [b](c) <d>") == r"\*a\* \[b\]\(c\) \<d\>"
    assert md_escape("two\n\nlines") == "two lines"
    assert md_escape(None) == ""
    assert safe_url("https://example.org/x") == "https://example.org/x"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.org/<x>") is None
