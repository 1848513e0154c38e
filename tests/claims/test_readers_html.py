"""HTML reader: main content only, structure, metadata, hostile input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claims.document import Document
from claims.errors import DocumentRefused
from claims.readers import read_document, read_text
from claims.readers.common import block_problems


def read_html(tmp_path: Path, page: str, name: str = "page.html") -> Document:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    doc = read_document(path.read_bytes(), path.name)
    assert doc.source_format == "html"
    assert block_problems(doc.text, doc.blocks) == []
    assert "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks) == doc.text
    return doc


def blocks(doc: Document) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, doc.text[b.start : b.end]) for b in doc.blocks]


PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Do statins harm memory? | Health News</title>
<meta property="og:site_name" content="Health News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
<link rel="canonical" href="https://example.org/statins">
<style>p { color: red }</style>
<script>var secret = "tracking script text";</script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a href="/">Health News home</a>
  <nav><ul><li><a href="/news">News menu</a></li><li>About us</li></ul></nav></header>
<div class="cookie-banner">We use cookies. Accept all?</div>
<div class="layout">
<article>
  <header><h1>Do statins harm memory?</h1><p class="byline">By Jane Doe</p></header>
  <p>Statins lower <a href="https://example.org/ldl">LDL cholesterol</a> by about
     a third.</p>
  <div class="social-share">Share on Facebook Tweet this</div>
  <h2>What the <em>trials</em> found</h2>
  <ol start="3">
    <li>Trials enrolled <b>20,000</b> people.
      <ul><li>Mostly over 60.</li></ul>
    </li>
    <li value="9">Few reported problems.</li>
  </ol>
  <ul><li><p>A bullet with a paragraph.</p></li></ul>
  <table>
    <caption>Doses</caption>
    <tr><th>Drug</th><th>Dose</th></tr>
    <tr><td>Atorvastatin</td><td>10&nbsp;mg</td></tr>
  </table>
  <blockquote><p>Statins are safe for most people.</p></blockquote>
  <figure><img src="x.png" alt="a chart"><figcaption>Photo: Getty</figcaption></figure>
  <div class="newsletter-signup"><p>Sign up for our newsletter!</p><form><input></form></div>
  <aside><p>Pull quote in an aside.</p></aside>
  <p>Line one<br>line two &amp; more.</p>
  <pre><code>console.log("code")</code></pre>
  <p hidden>Hidden text.</p>
  <p style="display: none">Invisible text.</p>
  <div class="ad-slot">Buy now advertisement</div>
  <section class="related-articles"><h3>Related</h3><p>Another story teaser.</p></section>
  <section id="comments"><h3>Comments</h3><p>Great article!</p></section>
  <footer>Tags: health, statins</footer>
</article>
<aside class="sidebar"><p>Most read</p></aside>
</div>
<footer><p>Copyright 2024 Health News</p></footer>
<iframe src="https://ads.example.org">Iframe text</iframe>
</body></html>
"""


def test_main_content_only(tmp_path):
    doc = read_html(tmp_path, PAGE)
    assert blocks(doc) == [
        ("heading", 1, "Do statins harm memory?"),
        ("paragraph", 0, "Statins lower LDL cholesterol by about a third."),
        ("heading", 2, "What the trials found"),
        ("list_item", 0, "3. Trials enrolled 20,000 people."),
        ("list_item", 0, "- Mostly over 60."),
        ("list_item", 0, "9. Few reported problems."),
        ("list_item", 0, "- A bullet with a paragraph."),
        ("paragraph", 0, "Doses"),
        ("paragraph", 0, "Drug"),
        ("paragraph", 0, "Dose"),
        ("paragraph", 0, "Atorvastatin"),
        ("paragraph", 0, "10 mg"),
        ("paragraph", 0, "Statins are safe for most people."),
        ("paragraph", 0, "Line one\nline two & more."),
    ]
    for junk in (
        "Skip",
        "menu",
        "About us",
        "cookies",
        "Share",
        "Facebook",
        "newsletter",
        "Pull quote",
        "Getty",
        "console",
        "Hidden",
        "Invisible",
        "advertisement",
        "teaser",
        "Great article",
        "Tags",
        "Most read",
        "Copyright",
        "Iframe",
        "tracking",
        "color",
        "http",
        "By Jane",
    ):
        assert junk not in doc.text, junk


def test_page_metadata(tmp_path):
    doc = read_html(tmp_path, PAGE)
    assert doc.title == "Do statins harm memory?"
    assert doc.author == "Jane Doe"
    assert doc.published == date(2024, 3, 5)
    assert doc.source_url == "https://example.org/statins"
    assert doc.source_text == PAGE


def test_open_graph_and_other_metadata_sources(tmp_path):
    page = """<html><head>
    <title>Ignored title - Site</title>
    <meta property="og:title" content="The OG title">
    <meta property="og:url" content="https://example.org/og">
    <meta name="dc.date" content="not a date">
    </head><body><main>
    <p class="byline">By <a rel="author" href="/ann">Ann Lee</a></p>
    <p>Published <time datetime="2023-11-02">2 November</time>.</p>
    <p>Statins work.</p></main></body></html>"""
    doc = read_html(tmp_path, page)
    assert doc.title == "The OG title"
    assert doc.source_url == "https://example.org/og"
    assert doc.author == "Ann Lee"
    assert doc.published == date(2023, 11, 2)


def test_json_ld_metadata(tmp_path):
    page = """<html><head>
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Site"},
      {"@type": "NewsArticle", "headline": "LD headline",
       "author": [{"@type": "Person", "name": "Ann Lee"}, {"name": "Bo Chen"}],
       "datePublished": "2022-07-01T08:00:00Z"}]}</script>
    <script type="application/ld+json">{ broken json</script>
    </head><body><p>Statins work.</p></body></html>"""
    doc = read_html(tmp_path, page)
    assert doc.title == "LD headline"
    assert doc.author == "Ann Lee, Bo Chen"
    assert doc.published == date(2022, 7, 1)
    assert doc.text == "Statins work."


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Statins and memory | Health News", "Statins and memory"),
        ("Statins and memory - Health News", "Statins and memory"),
        ("Statins - a review of the evidence", "Statins - a review of the evidence"),
        ("Statins | memory", "Statins | memory"),
        ("Do statins harm memory? | MedSite", "Do statins harm memory?"),
    ],
)
def test_site_name_suffix_is_stripped_only_when_obvious(tmp_path, title, expected):
    site = '<meta property="og:site_name" content="Health News">' if "News" in title else ""
    page = f"<html><head><title>{title}</title>{site}</head><body><p>Text.</p></body></html>"
    assert read_html(tmp_path, page).title == expected


def test_title_falls_back_to_first_h1_then_filename(tmp_path):
    page = "<html><body><article><h2>Sub</h2><h1>Main heading</h1><p>T.</p></article></body>"
    assert read_html(tmp_path, page).title == "Main heading"
    page = "<html><body><p>Statins work.</p></body></html>"
    assert read_html(tmp_path, page, name="statins-work.html").title == "Statins work"


def test_main_and_role_main_are_preferred_over_body(tmp_path):
    page = (
        "<html><body><div class='top'>Site links</div>"
        "<main><p>Main text.</p></main><div>Outside main.</div></body></html>"
    )
    assert read_html(tmp_path, page).text == "Main text."
    page = (
        "<html><body><div>Outside.</div><div role='main'><p>Role main text.</p></div></body></html>"
    )
    assert read_html(tmp_path, page).text == "Role main text."


def test_largest_article_wins_and_teasers_are_ignored(tmp_path):
    page = (
        "<html><body><main>"
        "<article><h2>Teaser</h2><p>Short.</p></article>"
        "<article><h1>Real article</h1><p>" + "Long text about statins. " * 20 + "</p></article>"
        "</main></body></html>"
    )
    doc = read_html(tmp_path, page)
    assert doc.text.startswith("Real article") and "Teaser" not in doc.text
    # A small teaser <article> inside a much larger <main> is not the article.
    page = (
        "<html><body><main><h1>Main</h1><p>" + "Main text about statins. " * 20 + "</p>"
        "<article><p>Teaser card.</p></article></main></body></html>"
    )
    assert read_html(tmp_path, page).text.startswith("Main\n\nMain text")


def test_short_page_without_structure(tmp_path):
    doc = read_html(tmp_path, "<p>One short claim.</p>")
    assert blocks(doc) == [("paragraph", 0, "One short claim.")]
    doc = read_html(tmp_path, "<html><body>Bare body text<div>and a div</div></body></html>")
    assert doc.text == "Bare body text\n\nand a div"


def test_page_header_is_dropped_only_outside_the_article(tmp_path):
    page = (
        "<html><body><header><h1>Site name</h1></header>"
        "<p>Body text.</p><footer>Footer</footer></body></html>"
    )
    assert read_html(tmp_path, page).text == "Body text."


def test_layout_table_is_read_as_blocks(tmp_path):
    page = (
        "<html><body><table><tr><td><h1>Title</h1><p>First.</p><p>Second.</p></td>"
        "</tr></table></body></html>"
    )
    assert blocks(read_html(tmp_path, page)) == [
        ("heading", 1, "Title"),
        ("paragraph", 0, "First."),
        ("paragraph", 0, "Second."),
    ]


def test_xhtml_with_xml_declaration(tmp_path):
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        "<body><p>Caf\u00e9 text.</p></body></html>"
    )
    doc = read_html(tmp_path, page)
    assert doc.text == "Café text."
    assert read_document(page.encode()).source_format == "html"


def test_whitespace_and_entities(tmp_path):
    doc = read_html(tmp_path, "<p>  A\n\t b &nbsp; c &mdash; d&shy;e\u200b </p>")
    assert doc.text == "A b c — de"


def test_deeply_nested_html_is_refused(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000)
    with pytest.raises(DocumentRefused) as caught:
        read_document(path.read_bytes(), path.name)
    assert "nested too deeply" in str(caught.value)


def test_nesting_below_the_limit_is_read(tmp_path):
    page = "<html><body>" + "<div><span>" * 120 + "deep text" + "</span></div>" * 120
    assert read_html(tmp_path, page).text == "deep text"
    nested_lists = "<html><body>" + "<ul><li>item" * 120
    assert len(read_html(tmp_path, nested_lists).blocks) == 120


def test_page_without_text_is_refused(tmp_path):
    for page in (
        "<html><head><title>T</title></head><body><nav>Menu</nav><script>x()</script></body>",
        "<!-- only a comment -->",
        "</p>",
    ):
        with pytest.raises(DocumentRefused, match="No article text"):
            read_text(page, "html")


def test_malformed_html_is_read_as_well_as_possible(tmp_path):
    doc = read_html(tmp_path, "<p>unclosed <b>bold <i>it</p><div>next<p>para</div></span>")
    assert blocks(doc) == [
        ("paragraph", 0, "unclosed bold it"),
        ("paragraph", 0, "next"),
        ("paragraph", 0, "para"),
    ]


def test_text_after_a_nested_list_is_its_own_paragraph_after_the_nested_items(tmp_path):
    page = (
        "<ul><li>One: item is good.<ul><li>Nested.</li></ul>tail text</li>"
        "<li><ul><li>Only nested.</li></ul>Then text.</li></ul>"
    )
    assert blocks(read_html(tmp_path, page)) == [
        ("list_item", 0, "- One: item is good."),
        ("list_item", 0, "- Nested."),
        ("paragraph", 0, "tail text"),
        ("list_item", 0, "- Only nested."),
        ("list_item", 0, "- Then text."),
    ]


def test_a_typed_bullet_in_a_list_item_is_not_doubled(tmp_path):
    page = "<ul><li>\u2022 Typed bullet.</li><li>(a) Typed letter.</li><li>Plain.</li></ul>"
    assert [text for _k, _l, text in blocks(read_html(tmp_path, page))] == [
        "\u2022 Typed bullet.",
        "(a) Typed letter.",
        "- Plain.",
    ]


def test_table_cells_are_paragraphs_of_their_own(tmp_path):
    page = (
        "<table><tr><th>Claim</th><th>Note</th></tr>"
        "<tr><td>Aspirin cures headaches.</td><td>Always works.</td><td> </td></tr></table>"
    )
    assert [text for _k, _l, text in blocks(read_html(tmp_path, page))] == [
        "Claim",
        "Note",
        "Aspirin cures headaches.",
        "Always works.",
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            "<body><div class='intro'><p>Intro text.</p></div>"
            "<div class='content-skip-ad'><p>Main content here.</p></div></body>",
            "Intro text.\n\nMain content here.",
        ),
        (
            "<body><div class='article-share-wrapper'><p>The only article text.</p></div></body>",
            "The only article text.",
        ),
        (
            "<body><div class='layout-has-sidebar'><h2>Statins</h2>"
            "<p>Statins lower LDL cholesterol in most adults.</p>"
            "<div class='sidebar'><a href='/a'>Most read</a></div></div></body>",
            "Statins\n\nStatins lower LDL cholesterol in most adults.",
        ),
        (
            "<body><form id='aspnetForm'><p>Statins lower LDL cholesterol.</p>"
            "<div class='newsletter'>Sign up</div></form></body>",
            "Statins lower LDL cholesterol.",
        ),
    ],
    ids=["content-skip-ad", "share wrapper", "sidebar layout", "page-wide form"],
)
def test_a_furniture_class_never_drops_most_of_the_article(tmp_path, page, expected):
    assert read_html(tmp_path, page).text == expected


def test_furniture_by_class_is_dropped_when_small_or_mostly_links(tmp_path):
    sentence = "Statins lower LDL cholesterol in most adults."
    article = "<p>" + " ".join([sentence] * 4) + "</p>"
    # About 40% of the text: dropped because it is links, kept when it is prose.
    links = "".join(f"<a href='/{n}'>Another story number {n}</a> " for n in range(6))
    prose = "<p>" + " ".join(["Statins are cheap."] * 7) + "</p>"
    share = "<div class='share-box'>Share this story</div>"
    page = f"<body><main>{article}<div class='related'>{links}</div>{share}</main></body>"
    assert read_html(tmp_path, page).text == " ".join([sentence] * 4)
    page = f"<body><main>{article}<div class='promo'>{prose}</div>{share}</main></body>"
    assert read_html(tmp_path, page).text.split("\n\n") == [
        " ".join([sentence] * 4),
        " ".join(["Statins are cheap."] * 7),
    ]


def test_zero_width_space_between_words_keeps_them_apart(tmp_path):
    doc = read_html(tmp_path, "<p>Statins\u200bwork. They\u200b\u200bhelp.</p>")
    assert doc.text == "Statins work. They help."


def test_a_health_pages_bylines_become_metadata_and_its_controls_go(tmp_path):
    page = """<html><head><title>Peanuts early may prevent allergy</title></head><body>
    <article>
      <h1>Babies Who Eat Peanuts Early May Avoid Allergy</h1>
      <p>By Maria Lopez, MA</p>
      <p>WebMD Health News</p>
      <div><span>Published</span> <time datetime="2015-02-23">Monday 23 February 2015</time></div>
      <p>Feeding babies peanut snacks before their first birthday cut allergies by 80%.</p>
      <p>Loading ...</p>
      <p>This feature is temporarily unavailable</p>
      <p>The study is published in the New England Journal of Medicine.</p>
      <p>Reviewed by Hans D. Berg, MD on February 20, 2015</p>
      <p><a href="/next">Next Page &gt;</a></p>
      <p>Next, the researchers will study older children.</p>
    </article></body></html>"""
    doc = read_html(tmp_path, page)
    assert doc.author == "Maria Lopez, MA"
    assert doc.reviewer == "Hans D. Berg, MD"
    assert [text for _, _, text in blocks(doc)] == [
        "Babies Who Eat Peanuts Early May Avoid Allergy",
        "Feeding babies peanut snacks before their first birthday cut allergies by 80%.",
        "The study is published in the New England Journal of Medicine.",
        "Next, the researchers will study older children.",
    ]


def test_the_reviewer_in_linked_data_is_the_medical_reviewer(tmp_path):
    page = """<html><head><script type="application/ld+json">
    {"@type": "MedicalWebPage", "headline": "Statins and memory",
     "author": {"@type": "Person", "name": "Jane Doe"},
     "reviewedBy": {"@type": "Person", "name": "John Roe, MD"}}
    </script></head><body><main><p>Statins do not harm memory, a review found.</p></main>
    </body></html>"""
    doc = read_html(tmp_path, page)
    assert (doc.author, doc.reviewer) == ("Jane Doe", "John Roe, MD")


def test_related_stories_and_topic_tags_are_left_out(tmp_path):
    page = """<html><body><article>
      <h1>Statins do not harm memory</h1>
      <p>A review of 40 trials found no effect of statins on memory in older adults.</p>
      <p>The authors looked at 23,000 people followed for up to five years.</p>
      <div class="article_category_container"><a href="/c/heart">Heart Health</a>
        <a href="/c/brain">Neurology / Neuroscience</a></div>
      <div class="suggested_reading"><h2>Related coverage</h2>
        <a href="/a/1">Pets benefit our mental health</a>
        <p>A systematic review lists the many ways pets help.</p></div>
    </article></body></html>"""
    doc = read_html(tmp_path, page)
    assert [text for _, _, text in blocks(doc)] == [
        "Statins do not harm memory",
        "A review of 40 trials found no effect of statins on memory in older adults.",
        "The authors looked at 23,000 people followed for up to five years.",
    ]


def test_a_portal_page_without_article_markup_is_read_from_its_prose_column(tmp_path):
    page = """<html><body>
    <div id="top"><a href="/">Portal</a> <a href="/a-z">Health A-Z</a></div>
    <div class="titlebar"><h1>Information and Resources</h1></div>
    <div id="col">
      <div id="textArea">
        <h2>Superbugs: What They Are and How You Get Them</h2>
        <p>Every year, about 2 million people get sick from a superbug, according to the CDC.</p>
        <p>Misusing antibiotics is the single leading factor in antibiotic resistance.</p>
        <div><p><a href="/ss/mrsa">A Closer Look at MRSA</a></p></div>
        <p>Any species of bacteria can turn into a superbug, experts say.</p>
        <div class="pages"><a href="?p=1">1</a> | <a href="?p=2">2</a> | <a href="?p=3">3</a></div>
      </div>
    </div>
    <div id="thirdCol"><h3>Video: Now Playing</h3>
      <p>Which sex is the worst about washing up? We have the dirty truth on how to wash.</p>
    </div></body></html>"""
    doc = read_html(tmp_path, page)
    assert [text for _, _, text in blocks(doc)] == [
        "Superbugs: What They Are and How You Get Them",
        "Every year, about 2 million people get sick from a superbug, according to the CDC.",
        "Misusing antibiotics is the single leading factor in antibiotic resistance.",
        "Any species of bacteria can turn into a superbug, experts say.",
    ]


def test_a_news_pages_tags_dateline_most_read_box_and_photo_credits_are_left_out(tmp_path):
    page = """<html><body><article>
      <header>
        <ul class="article-slug"><li><a href="/b" rel="tag">Business</a></li>
          <li><a href="/h" rel="tag">Health</a></li><li><a href="/n" rel="tag">Nation</a></li></ul>
        <h1>Flu shots cut hospital stays for older adults</h1>
        <div class="article-dateline"><time>April 28, 2019 at 6:01 am</time>
          <time>Updated April 29, 2019 at 3:33 pm</time></div>
      </header>
      <p>Adults over 65 who had a flu shot spent fewer days in hospital, a study of 8,000 found.</p>
      <figure><img src="x.jpg"><figcaption>A nurse gives a flu shot at a clinic in Queens.
        <span class="credit">Credit Jane Roe for The Daily</span></figcaption></figure>
      <div class="most-read-container module"><h2>Most Read Health Stories</h2>
        <ul><li><a href="/1">Coffee and the heart: what a new study says</a></li></ul></div>
      <p>The effect held after adjusting for age and chronic illness.</p>
      <figure><img src="y.jpg"><figcaption>Photo: Getty Images</figcaption></figure>
    </article></body></html>"""
    doc = read_html(tmp_path, page)
    assert [text for _, _, text in blocks(doc)] == [
        "Flu shots cut hospital stays for older adults",
        "Adults over 65 who had a flu shot spent fewer days in hospital, a study of 8,000 found.",
        "A nurse gives a flu shot at a clinic in Queens.",
        "The effect held after adjusting for age and chronic illness.",
    ]


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (  # a list the article introduces is the article's, links or not
            '<p>Symptoms include:</p><ul><li><a href="/f">Fever</a></li>'
            '<li><a href="/c">Cough</a></li></ul>',
            ["Symptoms include:", "- Fever", "- Cough"],
        ),
        (  # a paragraph that is one linked sentence states something
            '<p><a href="/s">Vitamin D does not prevent COVID-19, trial finds</a></p>',
            ["Vitamin D does not prevent COVID-19, trial finds"],
        ),
        (  # a caption that states a finding is no credit line
            "<figure><figcaption>Image: Tumours shrank by half after six weeks</figcaption>"
            "</figure>",
            ["Image: Tumours shrank by half after six weeks"],
        ),
    ],
)
def test_article_text_that_looks_like_furniture_is_kept(tmp_path, body, kept):
    page = f"<html><body><article><h1>Trial news</h1>{body}</article></body></html>"
    assert [text for _, _, text in blocks(read_html(tmp_path, page))] == ["Trial news", *kept]


def test_an_article_split_over_sibling_boxes_is_read_whole(tmp_path):
    first = "<p>The trial enrolled 4,000 patients in nine countries over five years.</p>"
    second = "<p>The second study followed 1,200 patients with heart failure for a year.</p>"
    page = (
        '<html><body><div id="top"><a href="/">Home</a></div><div id="wrap">'
        f'<div id="a">{first * 7}</div><div class="promo"><a href="/x">Subscribe</a></div>'
        f'<div id="b">{second * 3}</div></div></body></html>'
    )
    texts = [text for _, _, text in blocks(read_html(tmp_path, page))]
    assert texts.count(second[3:-4]) == 3 and texts.count(first[3:-4]) == 7
    assert "Home" not in texts and "Subscribe" not in texts
