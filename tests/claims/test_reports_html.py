"""The report as HTML, and the annotated article (claims.reports.html)."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from claims.reports import annotated_article_html, build_report, to_html
from claims.reports.html import http_url
from tests.claims.test_reports_model import CLAIM_1, CLAIM_3, HOSTILE, make_bundle


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def assert_inert(page: str) -> Elements:
    parsed = parse(page)
    tags = [tag for tag, _ in parsed.tags]
    assert "script" not in tags
    assert "img" not in tags
    for _, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), name
            if name in ("href", "src"):
                assert value.lower().startswith(("http://", "https://", "#")), value
    # the hostile text is still there, as text
    data = "".join(parsed.text)
    for hostile in HOSTILE:
        assert hostile in data or html.unescape(hostile) in data
    return parsed


def test_report_is_standalone_and_inert():
    page = to_html(build_report(make_bundle()))
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page and "@media print" in page
    parsed = assert_inert(page)
    hrefs = [a.get("href") for tag, a in parsed.tags if tag == "a"]
    assert "https://news.example.com/story?a=1&b=2" in hrefs
    assert "https://example.org/vitd" in hrefs
    assert not any("javascript" in (h or "").lower() for h in hrefs)
    assert "javascript:alert(1)" in "".join(parsed.text)  # shown as text in the reference


def test_report_content():
    page = to_html(build_report(make_bundle()))
    data = " ".join(parse(page).text)
    for n in (2, 3, 4):
        assert f'id="claim-{n}"' in page
    assert 'id="claim-1"' not in page
    assert "Misleading" in data and "Provisional:" in data and "Reviewers disagree" in data
    assert page.index('id="ref-1"') < page.index('id="ref-2"') < page.index('id="ref-3"')
    assert "alice, bob, carol" in data


def test_annotated_article_marks_claims():
    page = annotated_article_html(make_bundle())
    parsed = assert_inert(page)
    marks = [a for tag, a in parsed.tags if tag == "mark"]
    assert len(marks) == 3  # checkable claims only
    assert [m["title"] for m in marks] == [
        "Misleading",
        "Accurate (provisional)",
        "Reviewers disagree",
    ]
    assert html.escape(CLAIM_1, quote=True) in page
    assert html.escape(CLAIM_3, quote=True) in page
    assert 'id="note-1"' in page and 'id="note-3"' in page
    # the article text round-trips through the parser (plus footnote markers)
    data = "".join(parse(page).text)
    assert CLAIM_1 in data


def test_http_url():
    assert http_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
        "https://",
        "java\tscript:x",
        "https://ex ample.org",
        None,
        "",
    ):
        assert http_url(bad) is None, bad


def test_cards_show_labelled_verdicts_symbols_cues_and_rendered_rationales():
    bundle = make_bundle()
    bundle["claims"][2]["reviews"][0]["rationale"] = (
        "**Overstated**: see [the trial](https://example.org/t). <b>raw</b>"
    )
    page = to_html(build_report(bundle))
    parsed = assert_inert(page)
    assert "<strong>Overstated</strong>" in page
    assert (
        '<a href="https://example.org/t" rel="noopener noreferrer nofollow">the trial</a>' in page
    )
    assert '<span class="link-address"> (https://example.org/t)</span>' in page
    assert "&lt;b&gt;raw&lt;/b&gt;" in page
    assert '<mark class="cue" title="Cure or breakthrough talk: overclaims">cure</mark>' in page
    labels = [a for tag, a in parsed.tags if tag == "span" and a.get("class") == "label"]
    assert labels and all("background:#" in a["style"] for a in labels)
    assert ">Misleading</span>" in page  # the colour's name, always written
    assert "Low ⊕⊕◯◯" in html.unescape(page).replace("</span>", "").replace(
        '<span class="symbols" aria-hidden="true">', ""
    )


def test_the_editor_chooses_the_parts_and_the_organisation_heads_the_report():
    from claims.reports.model import Organisation, ReportOptions
    from tests.report_world import logo_png

    bundle = make_bundle()
    plain = to_html(build_report(bundle, options=ReportOptions(method=False)))
    assert 'id="method"' not in plain and 'id="not-checked"' not in plain
    full = to_html(
        build_report(
            bundle,
            options=ReportOptions(non_checkable=True, annotated_article=True),
            organisation=Organisation("Desk <b>", "https://desk.example.org", logo_png(),
                                      "image/png"),
        )
    )  # fmt: skip
    assert 'id="method"' in full and 'id="not-checked"' in full and 'id="article"' in full
    parsed = parse(full)
    [image] = [a for tag, a in parsed.tags if tag == "img"]
    assert image["src"].startswith("data:image/png;base64,")
    assert "Desk &lt;b&gt;" in full
