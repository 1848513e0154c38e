"""The reports an editor hands on, opened as a reader opens them: the demo article reviewed by two
reviewers and an editor, with real sources (tests/report_world.py), in PDF, Word, HTML and
Markdown. Each is read with its own reader; the PDF's pages are also drawn (poppler) and every
word's place on the page checked against the margins."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from claims.exports import export
from db.engine import Database
from tests.report_world import REGISTRY, WEB_PAGE, reviewed_demo

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Markdown a reader should never see: emphasis marks, link syntax, list or heading marks.
MARKDOWN_MARKS = re.compile(r"\*\*\w|\w\*\*|(?<![\w*])\*\w[^*\n]*\w\*(?![\w*])|\]\(|^#+ |^- ", re.M)
MUNSHI = (
    "Munshi NC, Anderson LD Jr, Shah N, Madduri D, Berdeja J, Lonial S, et al. Idecabtagene "
    "Vicleucel in Relapsed and Refractory Multiple Myeloma. N Engl J Med. 2021;384(8):705-16. "
    "doi:10.1056/nejmoa2024850. PMID: 33626253."
)
WAKEFIELD = "Wakefield AJ, Murch SH, Anthony A, Linnell J, Casson DM, Malik M, et al. Ileal-"
MM = 72 / 25.4  # points per millimetre


@pytest.fixture
def bundle(database: Database) -> dict:
    return reviewed_demo(database).bundle()


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _assert_reads_as_published(text: str) -> None:
    assert not ISO_MOMENT.search(text), ISO_MOMENT.search(text)
    assert not MARKDOWN_MARKS.search(text), MARKDOWN_MARKS.search(text)
    assert not re.search(r"(^|[.\]] )\[Internet\]", text)  # never "[Internet]" with no title
    assert "Health Desk Review" in text  # the organisation
    # the title block: reviewers, editor, when it was reviewed
    assert re.search(r"Reviewed:? \d{1,2} [A-Z][a-z]+ 20\d\d", text)
    assert "alice, bob" in text and "erin" in text
    # the summary: figures, what needs correcting, the editor's takeaways rendered
    assert "24 checkable claims; 4 with a verdict." in text
    assert "Needs correction first" in text
    assert "The article says immunotherapy targets only cancer cells; it does not." in text
    # a card: verdict, certainty in words and symbols, decided or provisional, rationale
    assert "Low ⊕⊕◯◯" in text and "Moderate ⊕⊕⊕◯" in text
    assert "Editor's decision (erin): New evidence." in text
    assert "Provisional: the reviewers agree" in text
    assert "The trials report cytokine release syndrome in most patients" in text
    assert "KarMMa results (https://www.nejm.org/doi/full/10.1056/NEJMoa2024850)" in text
    # references: full Vancouver metadata, flags, and plain identifiers
    assert MUNSHI in " ".join(text.split())
    assert WAKEFIELD in text and "[Retracted]" in text
    assert WEB_PAGE in text and f"ClinicalTrials.gov: {REGISTRY}" in text
    # the method appendix
    assert "Cohen's kappa" in text and "Krippendorff's alpha" in text
    assert "An editor decided 2 claims" in text


def test_the_pdf_reads_as_published(bundle: dict) -> None:
    data = export(bundle, "pdf")
    text = _pdf_text(data)
    _assert_reads_as_published(text)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["Multiple myeloma immunotherapy", "Summary", "Claims"]
    fonts = {
        font.get_object()["/BaseFont"]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    # Embedded (subset) fonts, in the styles the report uses.
    assert {"DejaVuSansBook", "DejaVuSansBold", "DejaVuSansOblique"} <= {
        str(f).split("+")[-1] for f in fonts
    }


def test_the_word_report_reads_as_published(bundle: dict) -> None:
    document = docx.Document(io.BytesIO(export(bundle, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = " ".join(" ".join(paragraphs + cells).split())
    _assert_reads_as_published(text.replace("\u00a0", " "))
    heading_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert heading_1 == ["Summary", "Claims", "References", "Method"]
    claims = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Claim 9: Inaccurate" in claims and "Claim 23: Reviewers disagree" in claims


def test_the_html_and_markdown_reports_read_as_published(bundle: dict) -> None:
    from lxml import html as lxml_html

    document = lxml_html.fromstring(export(bundle, "html"))
    for style in document.findall(".//style"):
        style.getparent().remove(style)
    for element in document.iter("dt", "dd", "p", "li", "h1", "h2", "h3", "div", "td", "th"):
        element.tail = " " + (element.tail or "")  # blocks apart, as a browser shows them
    text = " ".join(document.text_content().split())
    _assert_reads_as_published(text)
    markdown = export(bundle, "md")
    assert "Multiple myeloma" in markdown and "\\'" not in markdown and "\\-" not in markdown
    assert MUNSHI in markdown.replace("\n", " ")


def _words_on_pages(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word poppler finds, in points."""
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    words = []
    page = 0
    for line in done.stdout.splitlines():
        if line.lstrip().startswith("<page "):
            page += 1
        match = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if match:
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            words.append((page, x0, y0, x1, y1, match.group(5)))
    return words


def test_readme_screenshot_of_the_pdf_report_whose_text_stays_inside_the_margins(
    database: Database, tmp_path: Path
) -> None:
    """Every word of every page inside the 18 mm side margins (the running header and the page
    number inside 8 mm of the top and bottom edges); the first page drawn to a picture, which
    `make screenshots` writes to docs/."""
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils is not installed: apt-get install poppler-utils")
    if database.dialect != "sqlite":
        pytest.skip("the pictures are the same on PostgreSQL")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(export(reviewed_demo(database).bundle(), "pdf"))
    words = _words_on_pages(pdf)
    assert len(words) > 1000
    width, height = 210 * MM, 297 * MM
    outside = [
        w
        for w in words
        if w[1] < 18 * MM - 0.5
        or w[3] > width - 18 * MM + 0.5
        or w[2] < 8 * MM
        or w[4] > height - 8 * MM
    ]
    assert not outside, outside[:5]
    picture = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(pdf), str(picture)], check=True
    )
    [drawn] = tmp_path.glob("page*.png")
    assert drawn.stat().st_size > 60_000  # a page drawn, not a blank one
    from PIL import Image

    with Image.open(drawn) as image:
        grey = image.convert("L")
        margin = round(18 / 25.4 * 110) - 2  # pixels, less anti-aliasing
        for left in (0, grey.width - margin):  # nothing drawn in either side margin
            strip = grey.crop((left, 0, left + margin, grey.height))
            assert strip.getextrema()[0] > 240, f"ink in the margin at x={left}"
    folder = os.environ.get("CLAIMREVIEW_SCREENSHOTS")
    if folder:
        shutil.copyfile(drawn, Path(folder) / "report-pdf.png")
