"""Rationales as rich text (claims.reports.richtext): Markdown read once, for every format."""

from __future__ import annotations

from claims.reports.richtext import Block, Span, link_address, parse_markdown, plain_text


def test_emphasis_lists_and_links_keep_their_meaning_and_their_address():
    blocks = parse_markdown(
        "Per **the trial**, *CRAB* features; see [NEJM](https://www.nejm.org/x).\n\n"
        "- first\n- second\n  1. nested"
    )
    first = blocks[0]
    assert Span("the trial", bold=True) in first.spans
    assert Span("CRAB", italic=True) in first.spans
    assert Span("NEJM", href="https://www.nejm.org/x") in first.spans
    assert Span(" (https://www.nejm.org/x)", href="https://www.nejm.org/x", address=True) in (
        first.spans
    )
    assert [(b.kind, b.depth, b.marker) for b in blocks[1:]] == [
        ("item", 1, "•"),
        ("item", 1, "•"),
        ("item", 2, "1."),
    ]
    assert plain_text(blocks).splitlines() == [
        "Per the trial, CRAB features; see NEJM (https://www.nejm.org/x).",
        "• first",
        "• second",
        "  1. nested",
    ]


def test_raw_html_and_script_links_stay_text():
    blocks = parse_markdown(
        "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) "
        "[y](data:text/html,hi) ![pic](http://tracker.example/p.png)"
    )
    text = "".join(span.text for block in blocks for span in block.spans)
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "[x](javascript:alert(3))" in text  # not a link: shown as written
    links = [span.href for block in blocks for span in block.spans if span.href]
    assert links == ["http://tracker.example/p.png"]  # an image is its description and address
    assert "[pic] (http://tracker.example/p.png)" in text


def test_a_link_whose_text_is_its_address_shows_it_once():
    [block] = parse_markdown("[https://example.org/a](https://example.org/a)")
    assert block.spans == (Span("https://example.org/a", href="https://example.org/a"),)


def test_headings_and_quotes_do_not_become_report_headings():
    blocks = parse_markdown("# Verdict\n\n> quoted words\n\n```\ncode line\n```")
    assert blocks[0] == Block("heading", (Span("Verdict", bold=True),))
    assert blocks[1].kind == "quote" and blocks[2].kind == "code"


def test_link_address():
    assert link_address("https://example.org/x?a=1") == "https://example.org/x?a=1"
    assert link_address("mailto:desk@example.org") == "mailto:desk@example.org"
    for bad in ("javascript:alert(1)", "data:text/html,x", "https://", "https://a b", "", None):
        assert link_address(bad) is None, bad
