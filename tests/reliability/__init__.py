"""Reliability: hostile and random input for every entry point that reads what a user gives.

``test_hostile_inputs.py`` runs fixed hostile cases (empty, huge, binary, undecodable, deeply
nested, zip bombs, entity bombs, control characters, a 1 MB line) each in a child process with
a time bound and a memory cap; ``test_fuzz_inputs.py`` runs hypothesis properties. Both check
one contract: an input is read, or refused with a ClaimreviewError whose message is one line;
nothing else escapes, and a refused import writes nothing.

Shared here: that contract (:func:`attempt`, :func:`check_document`), the tally of inputs
tried per reader (written as JSON to the file named by CLAIMREVIEW_FUZZ_REPORT, for
``make reliability``), table row counts, and builders of Word files.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, inspect, select, table

from claims.cues import CUE_MAX_CHARS
from claims.document import Document
from claims.errors import ClaimreviewError
from claims.extraction import SECTION_MAX_CHARS, extract_claims
from claims.readers.common import block_problems
from db.engine import Database

REPORT_ENV = "CLAIMREVIEW_FUZZ_REPORT"
EXAMPLES_ENV = "CLAIMREVIEW_FUZZ_EXAMPLES"
DEFAULT_EXAMPLES = 50
MAX_REPORTED_FAILURES = 50

T = TypeVar("T")


def fuzz_examples() -> int:
    """Examples per hypothesis property: CLAIMREVIEW_FUZZ_EXAMPLES, else DEFAULT_EXAMPLES."""
    raw = os.environ.get(EXAMPLES_ENV, "").strip()
    if not raw:
        return DEFAULT_EXAMPLES
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{EXAMPLES_ENV} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ValueError(f"{EXAMPLES_ENV} must be at least 1, not {value}")
    return value


# --- The tally of inputs tried ------------------------------------------------------------------


class Tally:
    """Inputs tried per suite and reader: accepted, refused (a ClaimreviewError) or failed.

    A failure is any other exception, a hang or a broken invariant. Hypothesis runs a failing
    property again while it shrinks the input, so every failing input it tries is counted.
    """

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, Counter[str]]] = {}
        self.failures: list[dict[str, str]] = []

    def add(self, suite: str, reader: str, outcome: str) -> None:
        counter = self.counts.setdefault(suite, {}).setdefault(reader, Counter())
        counter["tried"] += 1
        counter[outcome] += 1

    def fail(self, suite: str, reader: str, error: str, given: object) -> None:
        self.add(suite, reader, "failures")
        if len(self.failures) < MAX_REPORTED_FAILURES:
            self.failures.append(
                {"suite": suite, "reader": reader, "error": error, "input": excerpt(given)}
            )

    def report(self) -> dict[str, Any]:
        suites = {
            suite: {
                reader: {key: counter[key] for key in ("tried", "accepted", "refused", "failures")}
                for reader, counter in sorted(readers.items())
            }
            for suite, readers in sorted(self.counts.items())
        }
        return {
            "examples_per_property": fuzz_examples(),
            "suites": suites,
            "failures": self.failures,
        }

    def write(self) -> Path | None:
        """Write the report to CLAIMREVIEW_FUZZ_REPORT, if set (whole, so the last writer of
        a session leaves every suite's counts)."""
        target = os.environ.get(REPORT_ENV, "").strip()
        if not target:
            return None
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.report(), indent=2, ensure_ascii=False) + "\n", "utf-8")
        return path

    def to_figures(self, figures: Any) -> None:
        """Copy the counts into the session's reliability figures (tests/reliability/conftest.py:
        one table at the end of the run, and the JSON of CLAIMREVIEW_RELIABILITY_REPORT)."""
        for suite, readers in sorted(self.counts.items()):
            section = f"{suite} inputs"
            for reader, counter in sorted(readers.items()):
                figures.record(section, f"{reader}: tried", counter["tried"])
                figures.record(section, f"{reader}: refused", counter["refused"])
                figures.record(section, f"{reader}: failures", counter["failures"], expected=0)


TALLY = Tally()


def tally_report(request: Any) -> Any:
    """The body of each module's autouse fixture: at the module's end, write the report and
    copy the counts into ``reliability_figures`` where that fixture exists."""
    try:
        figures = request.getfixturevalue("reliability_figures")
    except pytest.FixtureLookupError:  # no such fixture: the JSON report alone
        figures = None
    yield
    TALLY.write()
    if figures is not None:
        TALLY.to_figures(figures)


def excerpt(given: object, limit: int = 200) -> str:
    """A printable excerpt of an input for the report."""
    text = repr(given)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_refusal(error: ClaimreviewError) -> str:
    """A refusal's message: non-empty, one line, a sentence; returns it."""
    message = str(error)
    assert message.strip(), f"{type(error).__name__} without a message"
    assert "\n" not in message, f"message on several lines: {message!r}"
    assert message.rstrip().endswith("."), f"message is not a sentence: {message!r}"
    message.encode("utf-8")  # shown to the user as is: it must be printable text
    return message


def attempt(suite: str, reader: str, given: object, call: Callable[[], T]) -> T | None:
    """Run ``call``: its result, or None when it refuses with the project's own error.

    Any other exception (and a failed invariant check inside ``call``) is tallied as a failure
    and raised again, so the test fails with it.
    """
    try:
        result = call()
    except ClaimreviewError as error:
        try:
            check_refusal(error)
        except AssertionError as problem:
            TALLY.fail(suite, reader, f"bad refusal: {problem}", given)
            raise
        TALLY.add(suite, reader, "refused")
        return None
    except BaseException as error:
        if type(error).__module__.startswith("hypothesis"):
            raise  # hypothesis's own control flow, not the code under test
        TALLY.fail(suite, reader, f"{type(error).__name__}: {error}"[:300], given)
        raise
    TALLY.add(suite, reader, "accepted")
    return result


class TookTooLong(Exception):
    """Raised by :func:`time_bound` in code that runs past its bound."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise TookTooLong in the code under test after ``seconds`` (main thread, POSIX; a no-op
    elsewhere). Code stuck inside one C call is interrupted when the call returns."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise TookTooLong(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- What every reader's result must satisfy ----------------------------------------------------


def check_document(doc: Document) -> int:
    """The reader contract and what the database needs; returns the number of claims."""
    assert isinstance(doc, Document)
    assert doc.source_format in ("txt", "md", "html", "docx")
    assert block_problems(doc.text, doc.blocks) == []
    assert doc.text.strip(), "an accepted document has text"
    assert "\x00" not in doc.text, "PostgreSQL cannot store NUL characters"
    doc.text.encode("utf-8")
    for value in (doc.title, doc.author, doc.source_url):
        assert value is None or isinstance(value, str)
        if value is not None:
            value.encode("utf-8")
    claims = extract_claims(doc)
    check_claims(doc.text, claims)
    return len(claims)


def check_claims(text: str, claims: list) -> None:
    """Exact spans in order, sections and cues that fit their database columns."""
    previous_end = 0
    for claim in claims:
        assert previous_end <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end] == claim.text
        assert claim.section is None or len(claim.section) <= SECTION_MAX_CHARS
        for cue in claim.cues:
            assert 0 <= cue.start < cue.end <= len(claim.text)
            assert claim.text[cue.start : cue.end] == cue.text
            assert len(cue.text) <= CUE_MAX_CHARS
        previous_end = claim.end


# --- The database -------------------------------------------------------------------------------


def table_counts(database: Database) -> dict[str, int]:
    """Rows in every table of the database (as it is, whatever the models say)."""
    names = sorted(inspect(database.engine).get_table_names())
    with database.read() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table(name))) or 0
            for name in names
            if name != "alembic_version"
        }


# --- Word files ---------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

BILLION_LAUGHS_DTD = (
    "<!DOCTYPE lolz [\n"
    '<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
    "]>\n"
)


@cache
def base_docx() -> bytes:
    """A small valid .docx: a heading, paragraphs, a numbered list and a table."""
    import docx

    word = docx.Document()
    word.add_heading("Aspirin and headaches", level=1)
    word.add_paragraph("Aspirin cures headaches in most adults. It always works.")
    word.add_paragraph("Take it with water.", style="List Number")
    word.add_paragraph("Ask a pharmacist first.", style="List Number")
    cells = word.add_table(rows=1, cols=2).rows[0].cells
    cells[0].text = "Dose"
    cells[1].text = "500 mg"
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def document_xml(body: str, doctype: str = "") -> bytes:
    """A word/document.xml with ``body`` inside <w:body>."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'{doctype}<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
    ).encode("utf-8", "surrogatepass")


def docx_with(
    parts: dict[str, bytes | None],
    *,
    base: bytes | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """The base .docx with parts replaced, added, or (None) removed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base or base_docx())) as source,
        zipfile.ZipFile(out, "w", compression) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


# --- A JSON export to damage --------------------------------------------------------------------


def build_export(path: Path) -> dict[str, Any]:
    """The claimreview JSON export (parsed) of the demo article with a submitted review that
    cites a source and an editor's decision, made in a new SQLite database at ``path``."""
    from claims.exports import to_json
    from claims.identifiers import parse_identifiers
    from claims.permissions import Actor
    from db.accounts import actor_for, create_user
    from db.articles import import_demo_if_empty
    from db.citations import add_citations
    from db.decisions import record_decision
    from db.queries import article_bundle, claim_page
    from db.reviews import CitedSource, save_review
    from db.setup import prepare_database

    operator = Actor.operator("test")
    source = prepare_database(Database(f"sqlite:///{path}"))
    try:
        demo = import_demo_if_empty(source)
        assert demo is not None
        user = create_user(source, operator, "rita", ["reviewer"], password="p" * 12)[0]
        rita = actor_for(user)
        with source.read() as session:
            claims = [c.id for c in claim_page(session, operator, demo.article_id)]
        cited = add_citations(source, rita, parse_identifiers("PMID 27557302 NCT01234567")[0])
        review = save_review(
            source, rita, claims[8], verdict="misleading", certainty="low", rationale="µ ≥ 2",
            submit=True, citations=[CitedSource(cited[0].id, "contradicts", "no", "p. 3")],
        )  # fmt: skip
        record_decision(
            source, operator, claims[8], verdict="misleading", certainty="low",
            reason=None, note="Agreed.", based_on=[review.id],
        )  # fmt: skip
        with source.read() as session:
            bundle = article_bundle(session, operator, demo.article_id)
        return json.loads(to_json(bundle))
    finally:
        source.dispose()
