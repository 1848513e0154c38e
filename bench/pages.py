"""Reading web pages: the article text kept, and the page furniture let in, against Mozilla
Readability's expected output for its public test pages, with trafilatura and readability-lxml
run on the same pages as baselines.

The pages are not copied into this project (they are other sites' articles): point
``CLAIMREVIEW_READABILITY_PAGES`` at a copy of Readability's ``test/test-pages`` folder (each
page a folder with ``source.html``, ``expected.html`` and ``expected-metadata.json``). Without it
the rows say how to get them.

For each page the reference is the words of ``expected.html`` and of the title in
``expected-metadata.json`` (the byline, which Readability moves to the metadata, is not
article text). Words are runs of letters and digits, lowercased, counted with repeats:
- kept: the share of the reference's words that the reader's text has;
- furniture: the share of the reader's words that are not in the reference.

Also the share of the reference's headings each reader keeps as headings (trafilatura's own
Markdown output marks its headings).

Steps: ``product`` (``claims.readers.read_document``, the text a reviewer's claims come from),
``trafilatura`` and ``readability_lxml``, each timed over every page (the least of three runs).

Run alone: CLAIMREVIEW_READABILITY_PAGES=DIR .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import SCALES, Scale, get, row

PAGES_ENVIRONMENT = "CLAIMREVIEW_READABILITY_PAGES"
# Health pages among Readability's test pages: a health portal's news (WebMD), a health news
# site (Medical News Today) and a journal's news page (Nature).
HEALTH_PAGES = ("webmd-1", "webmd-2", "medicalnewstoday", "nature")
TARGET_KEPT = 0.98
TARGET_FURNITURE = 0.05
_WORD = re.compile(r"\w+")


NOT_MEASURED = (
    f"not measured: set {PAGES_ENVIRONMENT} to a copy of Mozilla Readability's "
    "test/test-pages folder (https://github.com/mozilla/readability)"
)


@dataclass(frozen=True)
class Reading:
    """What a reader made of a page: its text and its headings."""

    text: str
    headings: list[str]


def pages() -> dict[str, tuple[str, str, list[str]]]:
    """Each page's name, source HTML and reference text (expected content and title); none
    when ``CLAIMREVIEW_READABILITY_PAGES`` is not set."""
    folder = os.environ.get(PAGES_ENVIRONMENT)
    if not folder:
        return {}
    found = {}
    for page in sorted(Path(folder).iterdir()):
        source, expected = page / "source.html", page / "expected.html"
        if not (source.is_file() and expected.is_file()):
            continue
        title = ""
        metadata = page / "expected-metadata.json"
        if metadata.is_file():
            title = json.loads(metadata.read_text("utf-8")).get("title") or ""
        markup = expected.read_text("utf-8")
        reference = f"{title}\n{html_text(markup)}"
        headings = [h for h in html_headings(markup) if h]
        found[page.name] = (source.read_text("utf-8"), reference, headings)
    if not found:
        raise FileNotFoundError(f"no page folders with source.html and expected.html in {folder}")
    return found


def html_headings(markup: str) -> list[str]:
    """The headings of an HTML fragment, each as its words."""
    from lxml import html as lxml_html

    if not markup.strip():
        return []
    root = lxml_html.fromstring(markup)
    return [_heading(h.text_content()) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]


def _heading(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


# Elements that end a run of text: between them words are apart, within inline markup not
# ("change<sup>41</sup>" reads "change41", as every reader here gives it).
_BLOCK_TAGS = (
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul"
)
_BLOCKS = frozenset(_BLOCK_TAGS.split())


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment, blocks apart."""
    from lxml import html as lxml_html

    if not markup.strip():
        return ""
    root = lxml_html.fromstring(markup)
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript") or not tag:
            parts.append(el.tail or "")
            return
        block = tag in _BLOCKS
        parts.append(" " if block else "")
        parts.append(el.text or "")
        for child in el:
            walk(child)
        parts.append(" " if block else "")
        parts.append(el.tail or "")

    walk(root)
    return "".join(parts)


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def compare(reference: str, text: str) -> dict[str, int]:
    """Word counts: the reference's, the reader's, those of the reference kept, and the
    reader's words that are not the reference's (furniture)."""
    expected, got = words(reference), words(text)
    return {
        "reference_words": sum(expected.values()),
        "words": sum(got.values()),
        "kept_words": sum((expected & got).values()),
        "furniture_words": sum((got - expected).values()),
    }


def _measure(read: Callable[[str], Reading], plain: Callable[[str], object]) -> dict[str, Any]:
    """Score ``read`` on every page; time ``plain``, the tool's one ordinary extraction."""
    found = pages()
    if not found:
        return {"skipped": NOT_MEASURED}
    per_page: dict[str, Any] = {}
    for name, (source, reference, headings) in found.items():
        try:
            reading = read(source)
        except Exception as error:  # a reader that fails on a page keeps nothing of it
            reading = Reading("", [])
            per_page[name] = {"error": f"{type(error).__name__}: {error}"}
        per_page.setdefault(name, {}).update(compare(reference, reading.text))
        own = Counter(_heading(h) for h in reading.headings)
        per_page[name]["headings"] = len(headings)
        per_page[name]["headings_kept"] = sum((Counter(headings) & own).values())
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for source, _reference, _headings in found.values():
            with contextlib.suppress(Exception):
                plain(source)
        best = min(best, time.perf_counter() - started)
    return {"pages": per_page, "seconds": best}


def _product(source: str) -> Reading:
    from claims.readers import read_document

    document = read_document(source.encode("utf-8"), "source.html")
    headings = [document.text[b.start : b.end] for b in document.blocks if b.kind == "heading"]
    return Reading(document.text, headings)


def _trafilatura(source: str) -> Reading:
    import trafilatura

    text = trafilatura.extract(source, include_comments=False, include_tables=True) or ""
    metadata = trafilatura.extract_metadata(source)
    title = metadata.title if metadata is not None and metadata.title else ""
    # Its Markdown output marks the headings it kept.
    marked = trafilatura.extract(source, output_format="markdown", include_formatting=True) or ""
    headings = [line.lstrip("#") for line in marked.splitlines() if line.startswith("#")]
    return Reading(f"{title}\n{text}", headings)


def _readability_lxml(source: str) -> Reading:
    from readability import Document

    document = Document(source)
    summary = document.summary(html_partial=True)
    return Reading(f"{document.short_title()}\n{html_text(summary)}", html_headings(summary))


def step_product(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from claims.readers import read_document

    return _measure(_product, lambda source: read_document(source.encode("utf-8"), "page.html"))


def step_trafilatura(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from importlib import metadata

    import trafilatura

    return {
        **_measure(_trafilatura, trafilatura.extract),
        "version": metadata.version("trafilatura"),
    }


def step_readability_lxml(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from importlib import metadata

    from readability import Document

    return {
        **_measure(_readability_lxml, lambda source: Document(source).summary()),
        "version": metadata.version("readability-lxml"),
    }


STEPS = {
    "product": step_product,
    "trafilatura": step_trafilatura,
    "readability_lxml": step_readability_lxml,
}


def shares(measured: dict[str, Any], names: list[str]) -> tuple[float, float] | None:
    """(kept, furniture) over the named pages, word counts summed."""
    chosen = [measured["pages"][name] for name in names if name in measured["pages"]]
    if not chosen:
        return None
    reference = sum(page["reference_words"] for page in chosen)
    got = sum(page["words"] for page in chosen)
    kept = sum(page["kept_words"] for page in chosen) / reference if reference else 0.0
    furniture = sum(page["furniture_words"] for page in chosen) / got if got else 0.0
    return kept, furniture


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    product = get(measurements, "pages.product")
    if product is None:
        return []  # the step's failure is its own row
    if "skipped" in product:
        return [row("web pages: article words kept, furniture", None, "", target=NOT_MEASURED)]
    baselines = {
        name: found
        for name in ("trafilatura", "readability_lxml")
        if (found := get(measurements, f"pages.{name}")) is not None and "pages" in found
    }
    all_pages = sorted(product["pages"])
    health = [name for name in HEALTH_PAGES if name in product["pages"]]
    result = []
    for label, names in (
        (f"{len(health)} health pages", health),
        (f"all {len(all_pages)} pages", all_pages),
    ):
        if not names:
            continue
        kept, furniture = shares(product, names)
        others = {
            name: shares(measured, names)
            for name, measured in baselines.items()
            if measured is not None
        }
        best_kept = max((value[0] for value in others.values() if value), default=None)
        best_furniture = min((value[1] for value in others.values() if value), default=None)
        detail = {
            name: {"kept": value[0], "furniture": value[1]}
            for name, value in others.items()
            if value
        }
        result.append(
            row(
                f"web pages, {label}: article words kept",
                100 * kept,
                "%",
                baseline=None if best_kept is None else 100 * best_kept,
                baseline_name="best of trafilatura, readability-lxml",
                target=f"≥{100 * TARGET_KEPT:g}%",
                met=kept >= TARGET_KEPT,
                baselines=detail,
                pages=names,
            )
        )
        result.append(
            row(
                f"web pages, {label}: furniture in the text",
                100 * furniture,
                "%",
                baseline=None if best_furniture is None else 100 * best_furniture,
                baseline_name="best of trafilatura, readability-lxml",
                target=f"≤{100 * TARGET_FURNITURE:g}%",
                met=furniture <= TARGET_FURNITURE,
                per_page={
                    name: {
                        "kept": product["pages"][name]["kept_words"]
                        / max(1, product["pages"][name]["reference_words"]),
                        "furniture": product["pages"][name]["furniture_words"]
                        / max(1, product["pages"][name]["words"]),
                    }
                    for name in names
                },
            )
        )

    def headings_kept(measured: dict[str, Any]) -> float | None:
        total = sum(page["headings"] for page in measured["pages"].values())
        kept = sum(page["headings_kept"] for page in measured["pages"].values())
        return 100 * kept / total if total else None

    others = {name: headings_kept(measured) for name, measured in baselines.items()}
    result.append(
        row(
            f"web pages, all {len(all_pages)} pages: headings kept as headings",
            headings_kept(product),
            "%",
            baseline=max((v for v in others.values() if v is not None), default=None),
            baseline_name="best of trafilatura, readability-lxml",
            target="(kept, not lost)",
            baselines=others,
        )
    )
    seconds = {"product": product["seconds"]}
    seconds.update({name: measured["seconds"] for name, measured in baselines.items() if measured})
    fastest = min((v for k, v in seconds.items() if k != "product"), default=None)
    result.append(
        row(
            f"web pages, all {len(all_pages)} pages: time to read",
            product["seconds"],
            "s",
            baseline=fastest,
            baseline_name="fastest of trafilatura, readability-lxml",
            target="(no target)",
            seconds=seconds,
        )
    )
    return result


def main() -> None:
    scale = SCALES["small"]
    measurements = {
        f"pages.{name}": {**step(scale, {}), "peak_mb": None} for name, step in STEPS.items()
    }
    for line in rows(scale, measurements):
        print(json.dumps(line, indent=1, default=str))


if __name__ == "__main__":
    main()
