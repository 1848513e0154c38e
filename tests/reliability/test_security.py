"""Security: nothing without a login, no write without its permission, hostile text stays inert
in every export and page, and passwords never leave the password check.

1. **Login.** Every page of ``review_app/navigation.py`` (switched to directly, with a claim link
   in the address) shows only the login form to a visitor, and only the new-password form to a
   user who must replace a generated password. ``tests/app/test_auth.py`` checks which pages each
   role opens once logged in; this file does not repeat that.
2. **Permissions.** Every public function in ``db/`` that writes is found by reading the source
   (``ast``): it opens ``database.write()`` (or a ``write_*`` variant), directly or through the
   helpers it calls. Each one that takes an ``Actor`` is called as every role that lacks its
   permission, and as a visitor with no role: each call is refused with ``PermissionDenied`` and
   leaves every row of every table, the audit trail included, as it was. A positive control runs
   each call once for a role that holds the permission (it must write an audit event), so the
   refusals are not refusals of a malformed call. A new write function, a changed permission, a
   write without an ``Actor`` not explained in ``ACTORLESS_WRITES``, or a function that takes an
   ``Actor`` and checks nothing fails ``test_every_db_write_function_is_covered``. Role-dependent
   reads are found the same way and called as every role. (``tests/db/test_permissions.py`` holds
   the smaller hand-written matrix this extends.)
3. **Hostile text.** The corpus in ``tests/reliability/payloads.py`` (OWASP XSS filter evasion and
   CSV injection) goes into article titles, claim text, section headings, review rationales,
   cited quotes and locators, citation titles, authors and journals, decision notes and usernames;
   every export format of ``claims/exports.py`` is rendered and parsed: HTML with lxml (only the
   renderer's own tags and attributes, no event handlers, no script URLs, the payload shown as
   text), Markdown through a CommonMark parser with raw HTML on (no HTML, images or script links
   from user text), CSV and XLSX cell by cell (no cell starts a formula, no formula cells), DOCX
   and PDF (the text is plain text; no fields, hyperlinks, scripts or launch actions), JSON and
   JSON-LD (valid, payloads unchanged strings, URL fields only http(s) or urn). A JSON transfer
   (``db.transfer.import_bundle``) carrying script URLs and hostile usernames is exported the same
   way. The app's pages are drawn with that data in AppTest, and every Markdown-rendering element
   is parsed for live markup.
4. **Passwords.** Known passwords go through user creation, login (right and wrong), an
   administrator's reset, a user's own change and refused changes, with every logger at DEBUG and
   SQL echo on (statements, parameters and result rows); they appear in no log line, no table of
   the database (audit trail included), no export and no output of the ``claimreview user``
   commands.

Figures (counts of payloads, formats, operations and roles) go to ``reliability_figures``.
Weaknesses found outside the files this suite may change are strict ``xfail`` tests whose
reason starts with FINDING: each passes (and so fails the run) once fixed, to be unmarked.
"""

from __future__ import annotations

import ast
import copy
import csv
import html
import importlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import count
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import docx
import lxml.etree
import lxml.html
import openpyxl
import pypdf
import pytest
from markdown_it import MarkdownIt
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import db
import review_app
from claims import permissions
from claims.errors import ClaimreviewError
from claims.exports import EXPORTS, JSON_FORMAT, ZIP_CONTENTS, export, export_name
from claims.identifiers import parse_identifier, parse_identifiers
from claims.permissions import (
    ADD_CITATIONS,
    ARCHIVE_ARTICLES,
    ASSIGN_REVIEWS,
    EDIT_CLAIMS,
    IMPORT_ARTICLES,
    MANAGE_SETTINGS,
    MANAGE_USERS,
    RECORD_DECISIONS,
    REVIEW_CLAIMS,
    ROLE_PERMISSIONS,
    ROLES,
    Actor,
    PermissionDenied,
)
from claims.reports import html as html_report
from claims.reports.model import ReportOptions
from claims.reports.tabular import formula_safe
from claims.search import parse_query
from claims.sources.records import SourceRecord
from db.accounts import (
    LoginRefused,
    PasswordIdentity,
    actor_for,
    check_username,
    create_user,
    end_session,
    resume_session,
    set_active,
    set_password,
    set_roles,
    start_session,
)
from db.articles import (
    import_demo_if_empty,
    import_file,
    read_and_split,
    save_article,
    set_archived,
)
from db.assignments import assign, set_review_rules, unassign
from db.audit import list_events
from db.citations import add_citations, import_reference_file, set_study_design
from db.claim_edits import change_span, merge_with_next, set_checkable, split_claim
from db.decisions import record_decision
from db.demo_data import generate
from db.engine import Database, make_engine
from db.models import Base, Claim, User, UserRole
from db.queries import article_bundle
from db.reports import set_key_takeaways, set_organisation, set_report_options
from db.reviews import CitedSource, reuse_sources, save_review
from db.source_lookups import refresh_sources, store_lookup
from db.transfer import import_bundle
from review_app.components.table_download import safe_csv
from review_app.components.text import escape_markdown
from review_app.navigation import PAGES
from tests.app.conftest import component_data
from tests.reliability.payloads import FORMULA_START, PAYLOADS, XSS

APP = str(Path(review_app.__file__).parent / "app.py")
DB_DIR = Path(db.__file__).parent
OPERATOR = Actor.operator("test")
ANONYMOUS = Actor(user_id=None, username="(not logged in)", roles=frozenset(), channel="app")
PASSWORD = "a long password"
SECTION = "security"
_names = count()


# --- Shared helpers -------------------------------------------------------------------------------


def _record(request: pytest.FixtureRequest, name: str, amount: int, *, add: bool = True) -> None:
    """Add to (or set) a figure of the reliability table, when tests/reliability/conftest.py
    provides it."""
    try:
        figures = request.getfixturevalue("reliability_figures")
    except pytest.FixtureLookupError:
        return
    if add:
        figures.add(SECTION, name, amount)
    else:
        figures.record(SECTION, name, amount)


@contextmanager
def _module_database(request: pytest.FixtureRequest, kind: str) -> Iterator[Database]:
    """A fresh migrated database for a module-scoped fixture (the ``database`` fixture of
    tests/conftest.py is per test): a copy of the SQLite template, or a PostgreSQL database
    made from the session's template."""
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        folder = request.getfixturevalue("tmp_path_factory").mktemp("security")
        path = folder / "claimreview.db"
        shutil.copyfile(template, path)
        database = Database(f"sqlite:///{path}")
        try:
            yield database
        finally:
            database.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    name = f"{server.prefix}_security_{next(_names)}"
    server.create(name, template=server.template)
    database = Database(server.url_for(name))
    try:
        yield database
    finally:
        database.dispose()
        server.drop(name)


def _add_user(
    database: Database, username: str, *roles: str, display_name: str = ""
) -> tuple[int, Actor]:
    """A user written straight to the table (no password hash: fast, and never logs in)."""
    with database.write() as session:
        user = User(
            username=username,
            display_name=display_name,
            roles=[UserRole(role=r) for r in roles],
            is_active=True,
        )
        session.add(user)
        session.flush()
        user_id = user.id
    return user_id, Actor(user_id=user_id, username=username, roles=frozenset(roles))


def _checkable_claims(database: Database, article_id: int) -> list[int]:
    with database.read() as session:
        return list(
            session.scalars(
                select(Claim.id)
                .where(Claim.article_id == article_id, Claim.checkable.is_(True))
                .order_by(Claim.ordinal)
            )
        )


def _snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (audit trail and derived facts included), in key order."""
    tables = {}
    with database.read() as session:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in session.execute(select(table).order_by(*order))]
    return tables


def _changes(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [
        f"{name}: {len(before[name])} rows before, {len(after[name])} after"
        + ("" if len(before[name]) != len(after[name]) else " (contents changed)")
        for name in before
        if before[name] != after[name]
    ]


def _squash(text: str) -> str:
    """Text without whitespace (renderers wrap lines and split paragraphs differently)."""
    return "".join(str(text).split())


def _ascii_core(text: str) -> str:
    """Printable ASCII without whitespace: what any PDF text extraction keeps of a string."""
    return "".join(ch for ch in str(text) if 32 < ord(ch) < 127)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", text) is not None


def _url_problem(value: object) -> str | None:
    """None for a link a browser cannot run: an in-page anchor or an http(s) address."""
    cleaned = "".join(ch for ch in str(value) if not (ch.isspace() or ord(ch) < 32)).lower()
    if cleaned.startswith("#"):
        return None
    if re.match(r"https?://[^/]", cleaned):
        return None
    return f"a link to {str(value)[:80]!r}"


# --- 1. Every page asks for a login first ---------------------------------------------------------


@pytest.fixture
def app_database(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The demo article, an editor, and a user who must choose a new password; the app's
    cached resources point at this database."""
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    import_demo_if_empty(sqlite_database)
    create_user(sqlite_database, OPERATOR, "editor", ["editor"], password=PASSWORD)
    create_user(sqlite_database, OPERATOR, "admin", ["admin"], password=PASSWORD)
    create_user(
        sqlite_database,
        OPERATOR,
        "newbie",
        ["editor", "admin"],
        password=PASSWORD,
        must_change_password=True,
    )
    return sqlite_database


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def _elements(at: AppTest) -> list[Any]:
    return [n for n in _nodes(at._tree) if not isinstance(getattr(n, "children", None), dict)]


# What the login page and the new-password page may draw: a title, a line of text, the notice,
# the form's inputs and its button. Nothing else (no table, no chart, no link, no download).
GATE_ELEMENTS = {"title", "markdown", "info", "text_input", "button", "empty"}
COOKIE_SCRIPT = "<script>document.cookie = 'claimreview_session="


def _gate_problems(at: AppTest, title: str, keys: set[str], page: str) -> list[str]:
    problems = []
    titles = [t.value for t in at.title]
    if titles != [title]:
        problems.append(f"{page}: titles {titles}, expected only {title!r}")
    for element in _elements(at):
        kind = getattr(element, "type", "?")
        if kind == "html" and getattr(element.proto, "body", "").startswith(COOKIE_SCRIPT):
            continue  # the login cookie being set (review_app/auth.py apply_cookie)
        if kind not in GATE_ELEMENTS:
            problems.append(f"{page}: a {kind} element is shown")
        key = getattr(element, "key", None)
        if kind == "text_input" and key not in keys:
            problems.append(f"{page}: an input {key!r} is shown")
        for text in (getattr(element, "value", None), getattr(element, "label", None)):
            if isinstance(text, str) and any(
                spec.title in text for spec in PAGES if spec.title not in title
            ):
                problems.append(f"{page}: {kind} mentions a page: {text[:80]!r}")
    return problems


LOGIN_KEYS = {"auth_username", "auth_password"}
NEW_PASSWORD_KEYS = {"auth_new", "auth_again"}


def test_every_page_shows_only_the_login_form_without_a_login(
    app_database: Database, request: pytest.FixtureRequest
) -> None:
    problems = []
    for spec in PAGES:
        for query in ({}, {"article": "1", "claim": "8"}):
            at = AppTest.from_file(APP, default_timeout=30)
            at.query_params.update(query)
            try:
                at.switch_page(f"views/{spec.file}")
            except ValueError:  # not in this visitor's navigation at all: refused
                continue
            _run(at)
            problems += _gate_problems(at, "Log in to claimreview", LOGIN_KEYS, spec.file)
            if "auth_user_id" in at.session_state:
                problems.append(f"{spec.file}: a visitor has a user id")
    _record(request, "pages tried without a login (each also with a claim link)", len(PAGES))
    assert not problems, "\n".join(problems)


def test_a_user_who_must_change_the_password_reaches_no_page(app_database: Database) -> None:
    at = _run(AppTest.from_file(APP, default_timeout=30))
    at.text_input(key="auth_username").set_value("newbie")
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button[0].click()
    _run(at)
    problems = _gate_problems(at, "Choose a new password", NEW_PASSWORD_KEYS, "after login")
    for spec in PAGES:
        try:
            at.switch_page(f"views/{spec.file}")
        except ValueError:
            continue
        _run(at)
        problems += _gate_problems(at, "Choose a new password", NEW_PASSWORD_KEYS, spec.file)
    assert not problems, "\n".join(problems)


# --- 2. Every write refused without its permission ------------------------------------------------

# Permissions that only let a person read (everything else lets them change something).
READ_ONLY_PERMISSIONS = frozenset(
    {
        permissions.READ_ARTICLES,
        permissions.READ_ALL_REVIEWS,
        permissions.READ_AUDIT,
        permissions.EXPORT_REPORTS,
    }
)


# Public db/ functions that write without an Actor, and why that is right.
def _found(kind: str, value: str, title: str) -> SimpleNamespace:
    """A lookup that found this identifier, its record titled ``title``."""
    record = SourceRecord(kind=kind, identifier=value, service="pubmed", title=title)
    when = datetime(2026, 12, 6, tzinfo=UTC)
    return SimpleNamespace(
        kind=kind, value=value, status="found", service="pubmed", reason="", fetched_at=when,
        record=record,
    )  # fmt: skip


# A found lookup of a source the world's library holds (added by citations.add_citations).
_LOOKED_UP = _found("pmid", "31000001", "Looked up on paste")


class _AnswersEverything:
    """A source lookup that finds every identifier (a refused refresh never reaches it)."""

    def lookup_many(self, identifiers):
        return {key: _found(*key, "Looked up by a refresh") for key in identifiers}


ACTORLESS_WRITES = {
    "accounts.ensure_first_admin": "start-up: creates the first administrator as the system",
    "accounts.PasswordIdentity.authenticate": "the login itself: counts failures, records logins",
    "accounts.start_session": "after a successful login: stores the token's hash",
    "accounts.resume_session": "notes a live session's last activity, ends an idle one",
    "accounts.end_session": "logout",
    "articles.import_demo_if_empty": "start-up: the demo article, as the demo operator",
    "setup.prepare_database": "start-up: migrations and scale tables",
    "engine.Database.write_retrying": "the write session itself, which the functions above use",
    "backup.restore": "the operator's restore at the server's command line (whole database)",
    "claim_matches.match_queued": "derived data: stores which claims say the same, as a "
    "claim's facts are; what a reader is then offered is checked when read (seen_before)",
    "claim_matches.match_article": "the same, for an article just imported on the page",
}


@dataclass(frozen=True)
class DbFunction:
    name: str  # "module.function" (or "module.Class.method") in db/
    takes_actor: bool
    writes: bool  # opens database.write() (or a write_* variant), itself or through a helper
    permissions: frozenset[str]  # every permission it requires of the actor (transitively)
    required: tuple[str, ...]  # parameters without a default


def _scan_db() -> dict[str, DbFunction]:
    """Every function and method in db/*.py, with what it requires and whether it writes.

    Calls are followed into functions of the same module and into names imported from other
    db modules, so ``set_checkable`` (which checks through ``_load``) and ``import_file`` (which
    writes through ``save_article``) are classified by what they do."""
    nodes: dict[tuple[str, str], ast.FunctionDef] = {}
    imported: dict[str, dict[str, tuple[str, str]]] = {}
    for path in sorted(DB_DIR.glob("*.py")):
        module = path.stem
        imported[module] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # imports at the top and inside functions alike
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("db."):
                for alias in node.names:
                    imported[module][alias.asname or alias.name] = (node.module[3:], alias.name)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                nodes[(module, node.name)] = node
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        nodes[(module, f"{node.name}.{item.name}")] = item

    def target(module: str, name: str) -> tuple[str, str] | None:
        if (module, name) in nodes:
            return module, name
        found = imported[module].get(name)
        return found if found in nodes else None

    def facts(key: tuple[str, str], seen: set[tuple[str, str]]) -> tuple[set[str], bool]:
        if key in seen:
            return set(), False
        seen.add(key)
        required: set[str] = set()
        writes = False
        for call in ast.walk(nodes[key]):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "require"
                and isinstance(func.value, ast.Name)
                and func.value.id == "actor"
            ):
                permission = call.args[0]
                assert isinstance(permission, ast.Name), ast.unparse(call)
                required.add(getattr(permissions, permission.id))
            elif isinstance(func, ast.Attribute) and re.fullmatch(r"write(_\w+)?", func.attr):
                writes = True  # database.write(), database.write_retrying(work), ...
            elif isinstance(func, ast.Name) and (callee := target(key[0], func.id)):
                more, also = facts(callee, seen)
                required |= more
                writes |= also
        return required, writes

    found = {}
    for (module, name), node in nodes.items():
        if name.split(".")[-1].startswith("_"):
            continue
        arguments = node.args.args + node.args.kwonlyargs
        defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + list(
            node.args.defaults
        )
        defaults += list(node.args.kw_defaults)
        required_args = tuple(
            a.arg for a, d in zip(arguments, defaults, strict=True) if d is None and a.arg != "self"
        )
        needed, writes = facts((module, name), set())
        found[f"{module}.{name}"] = DbFunction(
            name=f"{module}.{name}",
            takes_actor=any(a.arg == "actor" for a in arguments),
            writes=writes,
            permissions=frozenset(needed),
            required=required_args,
        )
    return found


DB_FUNCTIONS = _scan_db()


@dataclass
class World:
    """A small article with users of every role, a citation, a review and an assignment."""

    article_id: int
    claims: list[int]  # checkable claim ids in article order
    citation_id: int
    review_id: int
    user_ids: dict[str, int]
    actors: dict[str, Actor]  # role (or "anonymous") -> actor
    bundle: dict[str, Any]  # an export of another text, for import_bundle
    echo_claim: int  # another article's claim saying what claims[0] says (seen before)
    span: tuple[int, int]  # a valid new span for claims[2]
    split_at: int  # a valid split offset inside claims[3]


WORLD_TEXT = (
    "Vitamin C cures every cold within a day. Vitamin D always prevents fractures in older "
    "adults. Zinc shortens colds by two days in children. Fish oil protects the heart of "
    "everyone who takes it. Green tea burns fat faster than exercise does. Garlic lowers blood "
    "pressure in most adults.\n"
)
ECHO_TEXT = "A cold is cured within a day by vitamin C, every time.\n"  # claims[0], seen before
RIS = (
    b"TY  - JOUR\nTI  - Zinc for the common cold\nAU  - Hemila, H\nJO  - Cochrane Database Syst "
    b"Rev\nPY  - 2017\nDO  - 10.5555/zinc.2017\nER  - \n"
)


def _build_world(database: Database) -> World:
    article = import_file(database, WORLD_TEXT.encode(), "world.txt", actor=OPERATOR)
    user_ids, actors = {}, {"anonymous": ANONYMOUS}
    for username, role in (
        ("reviewer", "reviewer"),
        ("reviewer2", "reviewer"),
        ("editor", "editor"),
        ("admin", "admin"),
    ):
        user_ids[username], actor = _add_user(database, username, role)
        actors.setdefault(role, actor)
    claims = _checkable_claims(database, article.article_id)
    assert len(claims) >= 6, claims
    [citation] = add_citations(database, OPERATOR, [parse_identifier("PMID 27557302")])
    review = save_review(
        database,
        actors["reviewer"],
        claims[0],
        verdict="misleading",
        certainty="low",
        rationale="Trials show no such effect.",
        submit=True,
        citations=[CitedSource(citation.id, "contradicts")],
    )
    assign(database, OPERATOR, article.article_id, [user_ids["reviewer2"]])
    echo = import_file(database, ECHO_TEXT.encode(), "echo.txt", actor=OPERATOR)
    [echo_claim] = _checkable_claims(database, echo.article_id)
    with database.read() as session:
        bundle = article_bundle(session, OPERATOR, article.article_id)
        spans = {
            c.id: (c.start, c.end)
            for c in session.scalars(select(Claim).where(Claim.id.in_(claims[2:4])))
        }
    bundle["article"]["text"] += "\nA line only the transferred copy has.\n"  # new content
    start, end = spans[claims[2]]
    split_start, split_end = spans[claims[3]]
    split_at = WORLD_TEXT.index(" ", split_start + (split_end - split_start) // 2)
    return World(
        article_id=article.article_id,
        claims=claims,
        echo_claim=echo_claim,
        citation_id=citation.id,
        review_id=review.id,
        user_ids=user_ids,
        actors=actors,
        bundle=bundle,
        span=(start, end - 1),
        split_at=split_at,
    )


NEW_PASSWORD = "a brand new passphrase"
WriteCall = Callable[[Database, Actor, World], object]

# Every write function in db/ that takes an Actor: its permission, and a call that would write.
WRITE_OPERATIONS: dict[str, tuple[str, WriteCall]] = {
    "accounts.create_user": (
        MANAGE_USERS,
        lambda db, a, w: create_user(db, a, "newbie", ["reviewer"], password=NEW_PASSWORD),
    ),
    "accounts.set_active": (MANAGE_USERS, lambda db, a, w: set_active(db, a, "reviewer2", False)),
    "accounts.set_roles": (
        MANAGE_USERS,
        lambda db, a, w: set_roles(db, a, "reviewer2", ["reviewer", "editor"]),
    ),
    "accounts.set_password": (  # someone else's password: an administrator's reset
        MANAGE_USERS,
        lambda db, a, w: set_password(db, a, "reviewer2", NEW_PASSWORD),
    ),
    "articles.save_article": (
        IMPORT_ARTICLES,
        lambda db, a, w: save_article(
            db, *read_and_split(b"Sugar causes diabetes in everyone.", "sugar.txt"), actor=a
        ),
    ),
    "articles.import_file": (
        IMPORT_ARTICLES,
        lambda db, a, w: import_file(db, b"Salt raises blood pressure in all.", "s.txt", actor=a),
    ),
    "articles.set_archived": (
        ARCHIVE_ARTICLES,
        lambda db, a, w: set_archived(db, a, w.article_id, True),
    ),
    "assignments.assign": (
        ASSIGN_REVIEWS,
        lambda db, a, w: assign(db, a, w.article_id, [w.user_ids["reviewer"]]),
    ),
    "assignments.unassign": (
        ASSIGN_REVIEWS,
        lambda db, a, w: unassign(db, a, w.article_id, w.user_ids["reviewer2"]),
    ),
    "assignments.set_review_rules": (
        ASSIGN_REVIEWS,
        lambda db, a, w: set_review_rules(
            db, a, w.article_id, blind_review="on", auto_accept_unanimous=True
        ),
    ),
    "citations.add_citations": (
        ADD_CITATIONS,
        lambda db, a, w: add_citations(db, a, [parse_identifier("PMID 31000001")]),
    ),
    "citations.import_reference_file": (
        ADD_CITATIONS,
        lambda db, a, w: import_reference_file(db, a, RIS, "refs.ris"),
    ),
    "citations.set_study_design": (
        ADD_CITATIONS,
        lambda db, a, w: set_study_design(db, a, w.citation_id, "rct"),
    ),
    "source_lookups.refresh_sources": (
        ADD_CITATIONS,
        lambda db, a, w: refresh_sources(db, a, _AnswersEverything()),
    ),
    "source_lookups.store_lookup": (
        ADD_CITATIONS,
        lambda db, a, w: store_lookup(db, a, _LOOKED_UP),
    ),
    "claim_edits.set_checkable": (
        EDIT_CLAIMS,
        lambda db, a, w: set_checkable(db, a, w.claims[1], False),
    ),
    "claim_edits.change_span": (
        EDIT_CLAIMS,
        lambda db, a, w: change_span(db, a, w.claims[2], *w.span),
    ),
    "claim_edits.split_claim": (
        EDIT_CLAIMS,
        lambda db, a, w: split_claim(db, a, w.claims[3], w.split_at),
    ),
    "claim_edits.merge_with_next": (
        EDIT_CLAIMS,
        lambda db, a, w: merge_with_next(db, a, w.claims[4]),
    ),
    "decisions.record_decision": (
        RECORD_DECISIONS,
        lambda db, a, w: record_decision(
            db,
            a,
            w.claims[0],
            verdict="misleading",
            certainty="low",
            reason="other",
            note="Agreed.",
            based_on=[w.review_id],
        ),
    ),
    "demo_data.generate": (IMPORT_ARTICLES, lambda db, a, w: generate(db, a, 1)),
    "reviews.save_review": (
        REVIEW_CLAIMS,
        lambda db, a, w: save_review(
            db, a, w.claims[1], verdict="accurate", certainty="high", rationale="r", submit=True
        ),
    ),
    "reviews.reuse_sources": (
        REVIEW_CLAIMS,
        lambda db, a, w: reuse_sources(db, a, w.echo_claim, w.claims[0]),
    ),
    "transfer.import_bundle": (IMPORT_ARTICLES, lambda db, a, w: import_bundle(db, a, w.bundle)),
    "reports.set_key_takeaways": (
        RECORD_DECISIONS,
        lambda db, a, w: set_key_takeaways(db, a, w.article_id, "- Correct claim 1 first."),
    ),
    "reports.set_report_options": (
        RECORD_DECISIONS,
        lambda db, a, w: set_report_options(db, a, w.article_id, ReportOptions(method=False)),
    ),
    "reports.set_organisation": (
        MANAGE_SETTINGS,
        lambda db, a, w: set_organisation(db, a, name="Desk", url="https://desk.example.org"),
    ),
}

REFUSALS = [
    (operation, role)
    for operation, (permission, _) in sorted(WRITE_OPERATIONS.items())
    for role in (*ROLES, "anonymous")
    if role == "anonymous" or permission not in ROLE_PERMISSIONS[role]
]


def test_every_db_write_function_is_covered() -> None:
    """The refusal matrix covers exactly the write functions db/ has, with their permission;
    everything else that takes an Actor checks a permission too."""
    writers = {f.name for f in DB_FUNCTIONS.values() if f.writes and f.takes_actor}
    missing = sorted(writers - set(WRITE_OPERATIONS))
    stale = sorted(set(WRITE_OPERATIONS) - writers)
    assert not missing, f"db write functions with no refusal check here: {missing}"
    assert not stale, f"checked here but no longer db write functions: {stale}"
    for name, (permission, _) in WRITE_OPERATIONS.items():
        found = DB_FUNCTIONS[name].permissions
        # Besides its own permission a write may read what every holder of it may read (reusing
        # an earlier claim's sources reads that claim): such a check refuses no one more.
        holders = [ROLE_PERMISSIONS[r] for r in ROLES if permission in ROLE_PERMISSIONS[r]]
        implied = frozenset.intersection(*holders)
        assert permission in found and found <= implied, (
            f"{name} requires {sorted(found)}, the matrix {permission!r}"
        )
        assert permission not in READ_ONLY_PERMISSIONS, name
    actorless = {f.name for f in DB_FUNCTIONS.values() if f.writes and not f.takes_actor}
    assert actorless == set(ACTORLESS_WRITES), (
        "db functions that write with no Actor (add a permission check, or explain them in "
        f"ACTORLESS_WRITES): {sorted(actorless ^ set(ACTORLESS_WRITES))}"
    )
    unchecked = sorted(f.name for f in DB_FUNCTIONS.values() if f.takes_actor and not f.permissions)
    assert not unchecked, f"db functions that take an Actor and check no permission: {unchecked}"
    assert READ_ONLY_PERMISSIONS < permissions.ALL_PERMISSIONS


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def refusal_world(request: pytest.FixtureRequest) -> Iterator[tuple[Database, World]]:
    """One world per database for every refusal: a refusal changes nothing (that is checked),
    so the world stays as it was for the next."""
    with _module_database(request, request.param) as database:
        yield database, _build_world(database)


@pytest.mark.parametrize(("operation", "role"), REFUSALS, ids=[f"{o}-{r}" for o, r in REFUSALS])
def test_a_write_without_its_permission_is_refused_and_changes_nothing(
    refusal_world: tuple[Database, World], operation: str, role: str, request
) -> None:
    database, world = refusal_world
    _, call = WRITE_OPERATIONS[operation]
    before = _snapshot(database)
    with pytest.raises(PermissionDenied, match="may not"):
        call(database, world.actors[role], world)
    assert not _changes(before, _snapshot(database))
    _record(request, f"write refusals checked ({database.dialect})", 1)


def test_each_write_operation_works_for_a_role_that_holds_its_permission(
    database: Database,
) -> None:
    """The positive control: each call of the matrix writes, and audits, for a permitted role
    (one after another on one world: the review before the claim edits, archiving last)."""
    world = _build_world(database)
    last = {"reviews.save_review": 0, "articles.set_archived": 2}
    problems = []
    for operation in sorted(WRITE_OPERATIONS, key=lambda o: (last.get(o, 1), o)):
        permission, call = WRITE_OPERATIONS[operation]
        role = next(r for r in ROLES if permission in ROLE_PERMISSIONS[r])
        before = _snapshot(database)
        try:
            call(database, world.actors[role], world)
        except ClaimreviewError as error:
            problems.append(f"{operation} as {role}: {error}")
            continue
        after = _snapshot(database)
        if len(after["audit_events"]) <= len(before["audit_events"]):
            problems.append(
                f"{operation} as {role} wrote no audit event: {_changes(before, after)}"
            )
    assert not problems, "\n".join(problems)


def _read_arguments(database: Database, session: Any, world: World) -> dict[str, Any]:
    """Values for the required parameters of role-dependent reads, by parameter name."""
    return {
        "database": database,
        "session": session,
        "article_id": world.article_id,
        "claim_id": world.claims[0],
        "claim_ids": [world.claims[0]],
        "gap": "no_review",
        "text": "vitamin",
        "search": "vitamin",
        "after_ordinal": 0,
        "ids": [1],
        "identifiers": parse_identifiers("PMID 27557302")[0],
        "query": parse_query("vitamin"),
        "verdict": "accurate",
        "certainty": "high",
        "submit": True,
    }


READS = sorted(
    (f for f in DB_FUNCTIONS.values() if f.takes_actor and not f.writes), key=lambda f: f.name
)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_a_read_without_its_permission_is_refused(
    refusal_world: tuple[Database, World], role: str, request
) -> None:
    """Every role-dependent read in db/: refused to a role lacking a permission it needs,
    answered for a role that holds them all."""
    database, world = refusal_world
    actor = world.actors[role]
    problems = []
    for function in READS:
        module, name = function.name.split(".", 1)
        call = getattr(importlib.import_module(f"db.{module}"), name)
        with database.read() as session:
            values = _read_arguments(database, session, world) | {"actor": actor}
            unknown = [p for p in function.required if p not in values]
            if unknown:
                problems.append(f"{function.name}: give _read_arguments a value for {unknown}")
                continue
            arguments = {p: values[p] for p in function.required}
            allowed = function.permissions <= actor.permissions
            try:
                call(**arguments)
            except PermissionDenied:
                if allowed:
                    problems.append(f"{function.name}: refused to {role}")
            else:
                if not allowed:
                    problems.append(f"{function.name}: answered {role}")
    assert READS and not problems, "\n".join(problems)
    _record(request, f"read refusals checked ({database.dialect})", len(READS))


# --- 3. Hostile text through every export and page ------------------------------------------------


@dataclass(frozen=True)
class Specimen:
    """One article's export bundle, and the payloads its rationales carry whole."""

    key: str
    bundle: dict[str, Any]
    payloads: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.bundle["article"]["title"]


def _payload_text(payload: str, number: int) -> str:
    return (
        f"## {payload}\n\n{payload} cures every cold within a day.\n\n"
        f"Vitamin D always prevents fractures in {number} older adults.\n"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ris(records: list[tuple[str, str]]) -> bytes:
    """A RIS file: one journal article per (text, DOI), the text as title, author and journal."""
    lines = []
    for text, doi in records:
        line = _one_line(text)
        lines += ["TY  - JOUR", f"TI  - {line}", f"AU  - {line}", f"JO  - {line}"]
        lines += ["PY  - 2020", f"DO  - {doi}", "ER  - "]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _merged(bundles: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """One bundle holding the articles of several, end to end (offsets and ordinals shifted):
    what article_bundle gives for an article that carries every payload at once."""
    text, claims, citations = "", [], {}
    for bundle in bundles:
        shift = len(text)
        for claim in bundle["claims"]:
            moved = copy.deepcopy(claim)
            moved.update(
                start=claim["start"] + shift, end=claim["end"] + shift, ordinal=len(claims) + 1
            )
            claims.append(moved)
        citations.update({c["id"]: c for c in bundle["citations"]})
        text += bundle["article"]["text"] + "\n"
    article = dict(bundles[0]["article"], id=1_000_000, title=title, text=text)
    article["content_hash"] = "merged"
    return {
        "article": article,
        "claims": claims,
        "citations": sorted(citations.values(), key=lambda c: c["id"]),
        "audit": bundles[0]["audit"],
    }


HOSTILE_NAMES = [p for p in PAYLOADS.values() if len(p) <= 80 and "\n" not in p]
SCRIPT_URLS = ("javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>")


@dataclass
class PayloadWorld:
    database: Database
    specimens: list[Specimen]  # one article per payload
    combined: Specimen  # every payload in one article
    transferred: Specimen  # a hostile JSON transfer, imported and exported again


def _build_payload_world(database: Database) -> PayloadWorld:
    _, editor = _add_user(database, "sec-editor", "editor")
    # Usernames may hold "-" and "@": a rationale cell "-rev: ..." starts like a formula.
    _, first = _add_user(database, "-rev", "reviewer", display_name=XSS["script"])
    _, second = _add_user(database, "@rev", "reviewer", display_name=XSS["md-link"])
    import_reference_file(
        database,
        first,
        _ris([(p, f"10.5555/security.{n}") for n, p in enumerate(PAYLOADS.values())]),
        "hostile.ris",
    )
    citations = add_citations(
        database,
        first,
        [parse_identifier(f"10.5555/security.{n}") for n in range(len(PAYLOADS))],
    )
    specimens = []
    for number, (key, payload) in enumerate(PAYLOADS.items()):
        article = import_file(
            database,
            _payload_text(payload, number).encode("utf-8"),
            f"payload-{number}.txt",
            title=payload,
            actor=editor,
        )
        assert article.created, key
        claims = _checkable_claims(database, article.article_id)
        citation = citations[number].id
        review = save_review(
            database,
            first,
            claims[0],
            verdict="misleading",
            certainty="low",
            rationale=payload,
            submit=True,
            citations=[CitedSource(citation, "supports", payload, payload)],
        )
        record_decision(
            database,
            editor,
            claims[0],
            verdict="misleading",
            certainty="low",
            reason="other",
            note=payload,
            based_on=[review.id],
        )
        if len(claims) > 1:  # a provisional finding: a submitted review, no decision
            save_review(
                database,
                second,
                claims[-1],
                verdict="inaccurate",
                certainty="very_low",
                rationale=payload,
                submit=True,
                citations=[CitedSource(citation, "contradicts", payload, payload)],
            )
        with database.read() as session:
            bundle = article_bundle(session, editor, article.article_id)
        specimens.append(Specimen(key, bundle, (payload,)))
    everything = tuple(PAYLOADS.values())
    combined = Specimen(
        "combined",
        _merged([s.bundle for s in specimens], " | ".join(_one_line(p) for p in everything)),
        everything,
    )
    # A JSON transfer from "another instance": script URLs and hostile usernames in it.
    hostile = copy.deepcopy(combined.bundle)
    hostile["article"].update(
        title=XSS["svg-onload"], author=XSS["img-onerror"], source_url=SCRIPT_URLS[0]
    )
    hostile["article"]["text"] += "Transferred.\n"
    for number, citation in enumerate(hostile["citations"]):
        url = SCRIPT_URLS[number % 2]
        citation.update(kind="url", identifier=f"{url}#{number}", url=url)
    names = iter(HOSTILE_NAMES * 4)
    for claim in hostile["claims"]:
        for review in claim["reviews"]:
            review["reviewer"] = next(names)
    result = import_bundle(database, editor, hostile)
    with database.read() as session:
        transferred = Specimen(
            "transferred", article_bundle(session, editor, result.article_id), everything
        )
    return PayloadWorld(database, specimens, combined, transferred)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def payload_world(request: pytest.FixtureRequest) -> Iterator[PayloadWorld]:
    with _module_database(request, request.param) as database:
        yield _build_payload_world(database)


# -- What each format must look like ---------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The tags and attributes the HTML renderers write themselves; a payload must add none.
REPORT_TAGS = _words(
    "html head meta title style body main header footer article h1 h2 h3 h4 dl dt dd p "
    "blockquote section span strong em code pre table caption tbody tr td th ol ul li a mark sup "
    "div br img"
)
REPORT_ATTRIBUTES = _words(
    "lang charset name content id class href rel title value style role aria-label aria-hidden "
    "src alt"
)
# The only inline styles the renderer writes: a verdict's colours, a bar's length, an indent.
_STYLE = re.compile(
    r"(?:(?:background|color):#[0-9a-f]{6}|width:\d{1,3}%|margin-left:\d+(?:\.\d+)?em)"
    r"(?:;(?:(?:background|color):#[0-9a-f]{6}|width:\d{1,3}%|margin-left:\d+(?:\.\d+)?em))*"
)
# The only image: the organisation's checked logo, embedded.
_LOGO = re.compile(r"data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=]+")
URL_ATTRIBUTES = _words("href src action formaction data background poster srcset xlink:href cite")
_RAW_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:_-]*)")


def _html_problems(markup: str, tags: frozenset[str], attributes: frozenset[str]) -> list[str]:
    """Live markup in an HTML text: unknown tags (raw or parsed), event handlers, script URLs,
    style attributes, comments."""
    problems = [f"raw <{t}>" for t in sorted({m.lower() for m in _RAW_TAG.findall(markup)} - tags)]
    root = (
        lxml.html.fromstring(markup)
        if markup.lstrip().startswith("<!")
        else (lxml.html.fragment_fromstring(markup, create_parent="div"))
    )
    for element in root.iter():
        if not isinstance(element.tag, str):
            problems.append(f"a comment or instruction: {lxml.etree.tostring(element)[:60]!r}")
            continue
        if element.tag not in tags and element is not root:
            problems.append(f"<{element.tag}> element")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                problems.append(f"event handler {name}={value[:60]!r} on <{element.tag}>")
            elif lowered not in attributes:
                problems.append(f"attribute {name}={value[:60]!r} on <{element.tag}>")
            if lowered == "style" and not _STYLE.fullmatch(value):
                problems.append(f"a style {value[:60]!r} on <{element.tag}>")
            if element.tag == "img" and lowered == "src" and _LOGO.fullmatch(value):
                continue
            if lowered in URL_ATTRIBUTES and (problem := _url_problem(value)):
                problems.append(f"{problem} in {name} of <{element.tag}>")
        if element.tag == "meta" and "url=" in element.get("content", "").lower():
            problems.append("a meta refresh")
    return problems


def _check_report_html(output: str, specimen: Specimen, *, heading: str) -> list[str]:
    problems = _html_problems(output, REPORT_TAGS, REPORT_ATTRIBUTES)
    document = lxml.html.fromstring(output)
    styles = document.findall(".//style")
    if [s.text.strip() for s in styles] != [html_report._CSS]:
        problems.append("the style sheet differs from the renderer's")
    h1 = [_one_line(h.text_content()) for h in document.findall(".//h1")]
    if h1 != [_one_line(heading + specimen.title)]:
        problems.append(f"the heading is {h1!r}, not the title as text")
    text = _squash(document.text_content())
    for payload in specimen.payloads:
        if _squash(payload) not in text:
            problems.append(f"{payload!r} is not shown as text")
        if any(c in payload for c in "<>\"'") and payload in output:
            problems.append(f"{payload!r} appears unescaped")
    return problems


def check_html(output: str, specimen: Specimen) -> list[str]:
    return _check_report_html(output, specimen, heading="")


def check_annotated(output: str, specimen: Specimen) -> list[str]:
    return _check_report_html(output, specimen, heading="")


def _commonmark() -> MarkdownIt:
    """CommonMark with raw HTML on, GitHub's tables and strikethrough, and every link target
    kept (the default validator would hide a javascript: link this test must see)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    return md


MD = _commonmark()
MD_TAGS = _words("h1 h2 h3 p ul ol li strong em blockquote a br table thead tbody tr th td hr")
APP_LINK = re.compile(r"[a-z_]+\?[a-z_]+=\d+(&[a-z_]+=\d+)*")  # e.g. review?article=1&claim=2
_ANCHOR = re.compile(r'<a id="(?:claim|ref)-\d+">|</a>')  # the report's own anchors


def _markdown_problems(
    text: str, allowed_html: re.Pattern[str] | None = None, *, app_links: bool = False
) -> list[str]:
    """Live Markdown in a text: raw HTML, images, links that are not http(s), code spans.

    An indented line still reads as a code block (escape_markdown keeps leading whitespace):
    a matter of looks, not of safety, so it is not counted here."""
    problems = []

    def walk(tokens: list[Any]) -> None:
        for token in tokens:
            if token.type in ("html_inline", "html_block"):
                if not (allowed_html and allowed_html.fullmatch(token.content.strip())):
                    problems.append(f"raw HTML {token.content.strip()[:60]!r}")
            elif token.type == "image":
                problems.append(f"an image of {token.attrGet('src')!r}")
            elif token.type == "link_open":
                href = token.attrGet("href")
                if not (app_links and APP_LINK.fullmatch(href)) and (problem := _url_problem(href)):
                    problems.append(problem)
            elif token.type in ("code_inline", "fence"):  # backticks or tildes left live
                problems.append(f"code {token.content[:60]!r}")
            walk(token.children or [])

    walk(MD.parse(text))
    return problems


def check_md(output: str, specimen: Specimen) -> list[str]:
    problems = _markdown_problems(output, _ANCHOR)
    rendered = MD.render(output)
    problems += _html_problems(rendered, MD_TAGS, frozenset({"id", "href"}))
    page = lxml.html.fragment_fromstring(rendered, create_parent="div")
    h1 = [_one_line(h.text_content()) for h in page.findall(".//h1")]
    if h1 != [_one_line(specimen.title)]:
        problems.append(f"the heading reads {h1!r}, not the title as text")
    text = _squash(page.text_content())
    problems += [f"{p!r} is not shown as text" for p in specimen.payloads if _squash(p) not in text]
    return problems


def _formula_cells(cells: list[tuple[str, Any]]) -> list[str]:
    return [
        f"{where} starts a formula: {value[:60]!r}"
        for where, value in cells
        if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value)
    ]


def check_csv(output: str, specimen: Specimen) -> list[str]:
    rows = list(csv.reader(io.StringIO(output, newline="")))
    cells = [(f"row {r} column {c}", v) for r, row in enumerate(rows) for c, v in enumerate(row)]
    problems = _formula_cells(cells)
    text = _squash("".join(v for _, v in cells))
    problems += [f"{p!r} is missing" for p in specimen.payloads if _squash(p) not in text]
    return problems


def check_xlsx(output: bytes, specimen: Specimen) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        for name in archive.namelist():
            if any(s in name for s in ("externalLink", "vbaProject", "embeddings", "activeX")):
                problems.append(f"part {name}")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml:
                    problems.append(f"a formula in {name}")
            if name.endswith(".rels") and b'TargetMode="External"' in archive.read(name):
                problems.append(f"an external link in {name}")
    workbook = openpyxl.load_workbook(io.BytesIO(output))
    if workbook.sheetnames != ["Claims", "Summary", "Bibliography"]:
        problems.append(f"sheets {workbook.sheetnames}")
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where} is a formula")
                if cell.hyperlink is not None:
                    problems.append(f"{where} is a hyperlink to {cell.hyperlink.target!r}")
                cells.append((where, cell.value))
    problems += _formula_cells(cells)
    if workbook["Summary"]["B1"].value != formula_safe(specimen.title):
        problems.append(f"Summary!B1 is {workbook['Summary']['B1'].value!r}, not the title")
    text = _squash("".join(str(v) for _, v in cells if v is not None))
    problems += [f"{p!r} is missing" for p in specimen.payloads if _squash(p) not in text]
    return problems


# Word parts and markup that run or fetch something: fields (DDE, HYPERLINK, INCLUDETEXT),
# hyperlinks, embedded objects, alternative chunks, macros.
DOCX_ACTIVE = tuple(
    f"<{name}".encode()
    for name in _words(
        "w:instrText w:fldChar w:hyperlink w:altChunk w:object o:OLEObject "
        "w:control w:attachedTemplate"
    )
)
# Fields run when Word opens a file (INCLUDETEXT, DDE...); page numbers are the only ones written.
_FIELD = re.compile(rb'<w:fldSimple\b[^>]*w:instr="([^"]*)"')
PAGE_FIELDS = frozenset({b"PAGE", b"NUMPAGES"})


def check_docx(output: bytes, specimen: Specimen) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if any(s in name for s in ("vbaProject", "embeddings", "activeX")):
                problems.append(f"part {name}")
            if name.endswith(".xml"):
                problems += [f"{m.decode()} in {name}" for m in DOCX_ACTIVE if m in data]
                fields = _FIELD.findall(data)
                if data.count(b"<w:fldSimple") != len(fields):
                    problems.append(f"a field with no plain instruction in {name}")
                problems += [
                    f"a {f.decode()[:40]!r} field in {name}"
                    for f in fields
                    if f.strip() not in PAGE_FIELDS
                ]
            if name.endswith(".rels") and b'TargetMode="External"' in data:
                problems.append(f"an external relationship in {name}")
    document = docx.Document(io.BytesIO(output))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    if [_one_line(t) for t in titles] != [_one_line(specimen.title)]:
        problems.append(f"the title is {titles[:1]!r}, not the article's title as text")
    if document.core_properties.title != ("Claim review: " + specimen.title)[:255]:
        problems.append("the document title property differs from the title")
    text = _squash("".join(texts))
    problems += [f"{p!r} is missing" for p in specimen.payloads if _squash(p) not in text]
    return problems


PDF_ACTIONS = ("/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE")


def _pdf_action_problems(action: Any, where: str) -> list[str]:
    action = action.get_object() if hasattr(action, "get_object") else action
    if not isinstance(action, dict):
        return []  # a destination (fpdf2's /OpenAction shows the first page), not an action
    kind = action.get("/S")
    if kind in PDF_ACTIONS or "/JS" in action:
        return [f"a {kind} action in {where}"]
    if kind == "/URI" and (problem := _url_problem(action.get("/URI"))):
        return [f"{problem} in {where}"]
    return []


def check_pdf(output: bytes, specimen: Specimen) -> list[str]:
    problems = [
        f"{marker.decode()} in the file"
        for marker in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
        if marker in output
    ]
    reader = pypdf.PdfReader(io.BytesIO(output))
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            problems += _pdf_action_problems(root[key], f"the catalog's {key}")
    if "/AcroForm" in root:
        problems.append("a form")
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            problems.append(f"page {number} has actions")
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/A" in annotation:
                problems += _pdf_action_problems(annotation["/A"], f"a link on page {number}")
    if reader.metadata.title != "Claim review: " + specimen.title:
        problems.append(f"the title property is {reader.metadata.title!r}")
    text = _ascii_core("".join(page.extract_text() for page in reader.pages))
    problems += [
        f"{p!r} is not in the text" for p in specimen.payloads if _ascii_core(p) not in text
    ]
    return problems


URL_KEYS = frozenset({"url", "source_url", "source", "id", "@id", "sameAs"})


def _json_url_problems(data: Any, path: str = "") -> list[str]:
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            linked = key in URL_KEYS and isinstance(value, str) and not value.startswith("urn:")
            if linked and (problem := _url_problem(value)):
                problems.append(f"{path}/{key}: {problem}")
            problems += _json_url_problems(value, f"{path}/{key}")
    elif isinstance(data, list):
        for number, value in enumerate(data):
            problems += _json_url_problems(value, f"{path}/{number}")
    return problems


def check_json(output: str, specimen: Specimen) -> list[str]:
    data = json.loads(output)
    problems = [] if data.pop("format") == JSON_FORMAT else ["not a claimreview export"]
    data.pop("format_version")
    data.pop("exported_at")
    article = {k: v for k, v in specimen.bundle.items() if k != "organisation"}  # the instance's
    if data != article:
        problems.append("the export differs from the article's data")
    if specimen.key != "transferred":  # see test_a_transfer_cannot_bring_script_links_or_names
        problems += _json_url_problems(data)
    return problems


def _decided_claims(specimen: Specimen) -> dict[str, dict[str, Any]]:
    return {
        " ".join(c["text"].split()): c
        for c in specimen.bundle["claims"]
        if c["decision"] or [r for r in c["reviews"] if r["status"] == "submitted"]
    }


def check_claimreview(output: str, specimen: Specimen) -> list[str]:
    reviews = json.loads(output)
    problems = _json_url_problems(reviews)
    reviewed = {r["claimReviewed"] for r in reviews}
    decided = {text for text, c in _decided_claims(specimen).items() if c["decision"]}
    if not decided <= reviewed:
        problems.append(f"decided claims missing: {sorted(decided - reviewed)[:3]}")
    names = {r["itemReviewed"]["appearance"]["name"] for r in reviews}
    if names != {specimen.title}:
        problems.append(f"the article is named {sorted(names)[:2]}, not by its title")
    return problems


def check_annotations(output: str, specimen: Specimen) -> list[str]:
    collection = json.loads(output)
    problems = _json_url_problems(collection)
    text = specimen.bundle["article"]["text"]
    if collection["label"] != specimen.title:
        problems.append("the collection's label is not the title")
    exact = [item["target"]["selector"][0]["exact"] for item in collection["items"]]
    if exact != [text[c["start"] : c["end"]] for c in specimen.bundle["claims"]]:
        problems.append("the quoted claims differ from the article text")
    return problems


def check_zip(output: bytes, specimen: Specimen) -> list[str]:
    """Everything at once: each file passes its own format's check."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        names = archive.namelist()
        wanted = [name for name, _fmt in ZIP_CONTENTS]
        if [n.split("/", 1)[-1] for n in names] != wanted:
            problems.append(f"the zip holds {names}")
        for name, fmt in ZIP_CONTENTS:
            path = next((n for n in names if n.endswith("/" + name)), None)
            if path is None or ".." in path or path.startswith("/"):
                problems.append(f"{name}: missing or outside the folder")
                continue
            data = archive.read(path)
            if not isinstance(export(specimen.bundle, fmt), bytes):
                data = data.decode("utf-8")
            if fmt == "json":  # exported at another moment: compare the data only
                continue
            problems += [f"{name}: {p}" for p in CHECKS[fmt](data, specimen)]
    return problems


CHECKS: dict[str, Callable[[Any, Specimen], list[str]]] = {
    "json": check_json,
    "md": check_md,
    "html": check_html,
    "annotated": check_annotated,
    "csv": check_csv,
    "claimreview": check_claimreview,
    "annotations": check_annotations,
    "pdf": check_pdf,
    "docx": check_docx,
    "xlsx": check_xlsx,
    "zip": check_zip,
}
# Formats slow to render (an embedded font; a zipped document): drawn for the article that carries
# every payload at once rather than once per payload.
WHOLE_CORPUS_ONLY = frozenset({"pdf", "docx", "zip"})


def test_every_export_format_has_an_inertness_check() -> None:
    assert set(CHECKS) == set(EXPORTS), "a new export format needs its check here"


@pytest.mark.parametrize("fmt", sorted(EXPORTS))
def test_hostile_text_comes_out_inert_in_every_export(
    payload_world: PayloadWorld, fmt: str, request
) -> None:
    specimens = [payload_world.combined, payload_world.transferred]
    if fmt not in WHOLE_CORPUS_ONLY:
        specimens = payload_world.specimens + specimens
    problems = []
    for specimen in specimens:
        try:
            found = CHECKS[fmt](export(specimen.bundle, fmt), specimen)
        except Exception as error:  # a renderer or parser that fails is a finding too
            found = [f"{type(error).__name__}: {error}"]
        problems += [f"{specimen.key}: {p}" for p in found]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    checked = sum(len(s.payloads) for s in specimens)
    _record(request, f"payloads x formats checked ({payload_world.database.dialect})", checked)


def _rezip(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(item, change(content) if item.filename == part else content)
    return out.getvalue()


def _pdf_with_script_link() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="click", link="javascript:alert(1)")
    return bytes(pdf.output())


def _xlsx_with_formula(data: bytes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook["Claims"]["A2"] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_checks_catch_live_markup(payload_world: PayloadWorld) -> None:
    """Each check, given an export with live markup slipped in, reports it (so a check that
    passes is not a check that cannot fail)."""
    specimen = payload_world.specimens[0]
    bundle = specimen.bundle
    page = export(bundle, "html")
    tampered = {
        "html": page.replace("</h1>", "<img src=x onerror=alert(1)></h1>", 1),
        "annotated": export(bundle, "annotated").replace(
            "</h1>", '<a href="javascript:alert(1)">x</a></h1>', 1
        ),
        "md": export(bundle, "md") + "\n[click](javascript:alert(1)) <b onclick=x>b</b>\n",
        "csv": export(bundle, "csv") + '=1+1,"@SUM(1)"\r\n',
        "xlsx": _xlsx_with_formula(export(bundle, "xlsx")),
        "docx": _rezip(
            export(bundle, "docx"),
            "word/document.xml",
            lambda xml: xml.replace(
                b"</w:body>", b'<w:p><w:fldSimple w:instr="DDEAUTO cmd"/></w:p></w:body>'
            ),
        ),
        "pdf": _pdf_with_script_link(),
        "json": export(bundle, "json").replace(
            '"source_url": null', '"source_url": "javascript:alert(1)"', 1
        ),
        "claimreview": export(bundle, "claimreview").replace(
            '"url": "https://', '"url": "javascript:alert(1)//', 1
        ),
        "annotations": json.dumps(
            json.loads(export(bundle, "annotations")) | {"id": "javascript:alert(1)"}
        ),
        "zip": _rezip(
            export(bundle, "zip"),
            export_name(bundle, "zip").removesuffix(".zip") + "/report.html",
            lambda html: html.replace(b"</h1>", b"<img src=x onerror=alert(1)></h1>", 1),
        ),
    }
    assert set(tampered) == set(CHECKS)
    missed = [fmt for fmt, output in tampered.items() if not CHECKS[fmt](output, specimen)]
    assert not missed, f"these checks found nothing wrong in tampered output: {missed}"
    # The app's check, on the raw (unescaped) payloads it looks for.
    for key in ("script", "img-onerror", "md-link", "md-image", "md-autolink", "href-javascript"):
        assert _markdown_problems(XSS[key], app_links=True), key
    assert _DIRECTIVE.search(XSS["streamlit-directives"])


def test_the_corpus_reached_every_field(payload_world: PayloadWorld, request) -> None:
    """The hostile text really is where the exports read it from (so the checks above test
    something): title, section, claim text, rationale, quote, locator, note, citation."""
    problems = []
    for specimen in payload_world.specimens:
        payload = specimen.payloads[0]
        bundle = specimen.bundle
        claims = bundle["claims"]
        decided = next(c for c in claims if c["decision"])
        review = decided["reviews"][0]
        citation = bundle["citations"][0]
        fields = {
            "title": bundle["article"]["title"] == _one_line(payload),
            "section": "\n" in payload.replace("\r", "\n")  # a heading holds one line
            or any(_squash(payload) in _squash(c["section"] or "") for c in claims),
            "claim": _squash(payload) in _squash(bundle["article"]["text"]),
            "rationale": review["rationale"] == payload,
            "quote": review["citations"][0]["quote"] == payload,
            "locator": review["citations"][0]["locator"] == payload,
            "note": decided["decision"]["note"] == payload,
            "citation": _one_line(payload)
            in (citation["title"] or "") + (citation["journal"] or ""),
        }
        problems += [f"{specimen.key}: {field}" for field, ok in fields.items() if not ok]
    assert not problems, problems
    _record(request, "payloads in the corpus", len(PAYLOADS), add=False)
    _record(request, "export formats", len(EXPORTS), add=False)


def test_claimreview_json_ld_can_be_embedded_in_a_script_element(
    payload_world: PayloadWorld,
) -> None:
    output = export(payload_world.combined.bundle, "claimreview")
    assert "</script" not in output.lower() and "<!--" not in output


def test_a_transfer_cannot_bring_script_links_or_names(payload_world: PayloadWorld) -> None:
    bundle = payload_world.transferred.bundle
    assert _json_url_problems(bundle) == []
    for name in {r["reviewer"] for c in bundle["claims"] for r in c["reviews"]}:
        check_username(name)


def test_usernames_refuse_markup() -> None:
    """Usernames are the one user string shown in every report's header; they admit no markup."""
    accepted = []
    for payload in XSS.values():
        try:
            check_username(payload)
        except ClaimreviewError:
            continue
        accepted.append(payload)
    assert not accepted


def test_the_apps_markdown_escape_keeps_every_payload_literal(request) -> None:
    """review_app/components/text.py escape_markdown, on every payload: no live markup, no
    Streamlit directive, and the text shown is the text given (HTML entities aside: Markdown
    shows "&lt;" as "<", as text)."""
    problems = []
    for key, payload in PAYLOADS.items():
        escaped = escape_markdown(payload)
        problems += [f"{key}: {p}" for p in _markdown_problems(escaped)]
        if _DIRECTIVE.search(escaped):
            problems.append(f"{key}: a live Streamlit directive")
        if re.search(r"(^|\n)[ \t]", payload):
            continue  # an indented line reads as code, backslashes and all (see above)
        page = lxml.html.fragment_fromstring(MD.render(escaped), create_parent="div")
        if _squash(page.text_content()) not in (_squash(payload), _squash(html.unescape(payload))):
            problems.append(f"{key}: shown as {page.text_content()[:80]!r}")
    assert not problems, "\n".join(problems)
    _record(request, "payloads through escape_markdown", len(PAYLOADS), add=False)


def test_table_downloads_keep_every_cell_whole_and_formula_safe() -> None:
    import pandas as pd

    table = pd.DataFrame(
        {f"{p[:20]}{n}": [p, 1] for n, p in enumerate(PAYLOADS.values())} | {"Claims": [3, 4]}
    )
    text = safe_csv(table).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    cells = [(f"row {r} column {c}", v) for r, row in enumerate(rows) for c, v in enumerate(row)]
    assert len(rows) == 3 and not _formula_cells(cells), _formula_cells(cells)


# -- The app's pages with hostile data -------------------------------------------------------------

# Elements whose text Streamlit renders as Markdown, and elements whose label it renders so.
MARKDOWN_ELEMENTS = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "latex",
    "error",
    "warning",
    "info",
    "success",
    "toast",
}
APP_DIRECTIVES = re.compile(r":gray\[[0-9A-Z]\]")  # the keyboard keys in the form's options
# The app's own HTML elements: their text must be escaped HTML (tags only the app's own).
APP_HTML_TAGS = re.compile(r"</?(p|mark|div|strong)( style='[^'<>]*')?>")
_DIRECTIVE = re.compile(r"(?<!\\):(?:[a-z]+(?:-background)?\[|material/)")


@dataclass
class AppWorld:
    article_id: int
    claim_id: int
    user_ids: dict[str, int]
    rationale: str


@pytest.fixture
def payload_app(sqlite_database: Database, monkeypatch: pytest.MonkeyPatch) -> AppWorld:
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", sqlite_database.url)
    from review_app import resources

    resources.database.clear()
    resources.clear_cached_reads()
    database = sqlite_database
    users = {}
    for username, roles in (("editor", ["editor"]), ("admin", ["admin"])):
        users[username] = create_user(database, OPERATOR, username, roles, password=PASSWORD)[0].id
    users["-rev"], first = _add_user(database, "-rev", "reviewer", display_name=XSS["script"])
    users["@rev"], second = _add_user(database, "@rev", "reviewer", display_name=XSS["md-link"])
    for number, payload in enumerate(PAYLOADS.values()):  # the Users page lists display names
        _add_user(database, f"user{number}", "reviewer", display_name=_one_line(payload)[:200])
    section = f"{XSS['md-link']} {XSS['img-onerror']} {XSS['streamlit-directives']}"
    paragraph = " ".join(f"{_one_line(p)} cures colds." for p in PAYLOADS.values())
    article = import_file(
        database,
        f"## {section}\n\n{paragraph}\n".encode(),
        "hostile.txt",
        title=f"{XSS['md-image']} {XSS['script']}",
        actor=OPERATOR,
    )
    claim = _checkable_claims(database, article.article_id)[0]
    records = [(p, f"10.5555/app.{n}") for n, p in enumerate(PAYLOADS.values())]
    import_reference_file(database, first, _ris(records), "hostile.ris")
    cited = add_citations(database, first, [parse_identifier(doi) for _, doi in records])
    rationale = "\n\n".join(PAYLOADS.values())
    sources = [
        CitedSource(c.id, "supports", p, p) for c, p in zip(cited, PAYLOADS.values(), strict=True)
    ]
    reviews = [
        save_review(
            database,
            reviewer,
            claim,
            verdict=verdict,
            certainty="low",
            rationale=rationale,
            submit=True,
            citations=sources,
        )
        for reviewer, verdict in ((first, "misleading"), (second, "accurate"))
    ]
    record_decision(
        database,
        OPERATOR,
        claim,
        verdict="misleading",
        certainty="low",
        reason="other",
        note=rationale,
        based_on=[r.id for r in reviews],
    )
    return AppWorld(article.article_id, claim, users, rationale)


@cache
def _app_scripts() -> frozenset[str]:
    """The scripts the app itself puts in pages, exactly as drawn (data-free: no user text)."""
    from review_app.components import importer, review_form

    drawn = []
    for draw in (importer._refuse_long_pastes, review_form.keyboard_script):
        with patch("streamlit.html", side_effect=lambda body, **_: drawn.append(body)):
            draw()
    return frozenset(drawn)


def _live_markup(at: AppTest, skip: Callable[[Any], bool] = lambda node: False) -> list[str]:
    """Every Markdown-rendering text and label on the page that holds live markup."""
    problems = []
    for node in _nodes(at._tree):
        if skip(node):
            continue
        kind = getattr(node, "type", "")
        texts = []
        body = getattr(getattr(node, "proto", None), "body", "") if kind == "html" else ""
        if body and body not in _app_scripts():  # the app's own scripts, to the letter
            if getattr(node.proto, "unsafe_allow_javascript", False):
                problems.append(f"html runs scripts: {body[:80]!r}")
            if "<" in APP_HTML_TAGS.sub("", body):
                problems.append(f"html with tags of its own: {body[:80]!r}")
        if kind in MARKDOWN_ELEMENTS and isinstance(getattr(node, "value", None), str):
            texts.append(node.value)
            if getattr(getattr(node, "proto", None), "allow_html", False):
                problems.append(f"{kind} allows HTML: {node.value[:80]!r}")
        label = getattr(node, "label", None)
        if isinstance(label, str):
            texts.append(label)
        if kind == "radio":
            texts += [str(o) for o in node.options]
        for text in texts:
            found = _markdown_problems(text, app_links=True)
            if _DIRECTIVE.search(APP_DIRECTIVES.sub("", text)):
                found.append("a Streamlit directive")
            found += [
                f"the raw payload {p[:40]!r}"
                for p in PAYLOADS.values()
                if _one_line(p) in text and escape_markdown(_one_line(p)) != _one_line(p)
            ]
            problems += [f"{kind} {text[:70]!r}: {p}" for p in found]
    return problems


def _open(world: AppWorld, user: str, page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["auth_user_id"] = world.user_ids[user]  # logged in (see review_app/auth.py)
    at.session_state["auth_last_seen"] = time.monotonic()
    at.query_params.update(query)
    at.switch_page(f"views/{page}")
    return _run(at)


APP_PAGES = [
    ("editor", "articles.py", {}),
    ("editor", "review.py", {"article": "{article}", "claim": "{claim}"}),
    ("editor", "claims.py", {"article": "{article}"}),
    ("editor", "dashboard.py", {}),
    ("editor", "dashboard.py", {"article": "{article}"}),
    ("editor", "assignments.py", {"article": "{article}"}),
    ("editor", "library.py", {}),
    ("editor", "audit.py", {}),
    ("admin", "users.py", {}),
]


@pytest.mark.parametrize(
    ("user", "page", "query"),
    APP_PAGES,
    ids=[p.removesuffix(".py") + ("-" + "-".join(q) if q else "") for _, p, q in APP_PAGES],
)
def test_pages_show_hostile_text_inert(
    payload_app: AppWorld, user: str, page: str, query: dict[str, str], request
) -> None:
    values = {"article": str(payload_app.article_id), "claim": str(payload_app.claim_id)}
    at = _open(payload_app, user, page, {k: v.format(**values) for k, v in query.items()})
    problems = _live_markup(at)
    assert not problems, "\n".join(problems[:30])
    if page == "review.py":  # the other reviewers' rationale is there, whole and escaped
        at.session_state["review_others_open"] = True  # the editor opens "Other reviews"
        _run(at)
        problems = _live_markup(at)
        assert not problems, "\n".join(problems[:30])
        captions = [c.value for c in at.caption]
        assert escape_markdown(payload_app.rationale) in captions
        # The claim itself, in its paragraph: the hostile text escaped, inside the app's tags
        # (HTML the claim's component sets as its content).
        paragraph = component_data(at, "claimreview_claim")["html"]
        assert "<mark" in paragraph
        assert "&lt;" in paragraph and "<script" not in paragraph.lower()
    _record(request, "app pages drawn with hostile data", 1)


def test_the_adjudication_page_shows_hostile_text_inert(payload_app: AppWorld, request) -> None:
    """Every reviewed claim (the toggle): the claim's reviews side by side, their sources and
    quotes, the decision's note, the section heading."""
    at = _open(payload_app, "editor", "adjudication.py", {"article": str(payload_app.article_id)})
    at.toggle(key="adjudicate_every").set_value(True)
    _run(at)
    assert escape_markdown(payload_app.rationale) in [m.value for m in at.markdown]
    problems = _live_markup(at)
    assert not problems, "\n".join(problems[:30])
    _record(request, "app pages drawn with hostile data", 1)


def test_a_reviewers_own_rationale_preview_renders_no_html(payload_app: AppWorld) -> None:
    """The review form previews one's own rationale as Markdown, on purpose: the one place the
    app renders user text live. It is only ever the author's own text, and never as HTML."""
    query = {"article": str(payload_app.article_id), "claim": str(payload_app.claim_id)}
    at = _open(payload_app, "-rev", "review.py", query)
    previews = [m for m in at.markdown if m.value == payload_app.rationale]
    assert len(previews) == 1 and not previews[0].proto.allow_html
    problems = _live_markup(at, skip=lambda node: node is previews[0])
    assert not problems, "\n".join(problems[:30])


# --- 4. Passwords never leave the password check --------------------------------------------------

SECRETS = {
    "created": "Correct-Horse-7-created",
    "reset": "Battery-Staple-9-reset",
    "own": "Tr0ub4dor-own-choice",
    "wrong": "Wrong-Guess-42-typed",
    "refused": "Refused-New-5-password",
    "short": "Sh0rt-pw",
    "typed": "Typed-As-Username-3",
}


def _dump(database: Database) -> str:
    return json.dumps(_snapshot(database), default=str, ensure_ascii=False)


def _export_texts(bundle: dict[str, Any]) -> dict[str, str]:
    """Each export as searchable text: text formats as they are; PDF, Word and Excel as the text
    a reader extracts, plus every part of the file, decompressed."""
    texts = {}
    for fmt in EXPORTS:
        output = export(bundle, fmt)
        if isinstance(output, str):
            texts[fmt] = output
            continue
        parts = [output.decode("latin-1")]
        if output.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(output)) as archive:
                parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        else:
            reader = pypdf.PdfReader(io.BytesIO(output))
            parts += [page.extract_text() for page in reader.pages]
        texts[fmt] = "\n".join(parts)
    return texts


def test_passwords_never_reach_logs_the_database_the_audit_trail_or_exports(
    database: Database, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # A password typed into the username field is looked up as a username: with SQL debug logging
    # on (never in the app) SQLAlchemy would log it as a query parameter, so this try comes first;
    # it must still leave no trace in the database or the audit trail.
    with pytest.raises(LoginRefused):
        PasswordIdentity(database).authenticate(SECRETS["typed"], "x" * 12)
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm"):
        caplog.set_level(logging.DEBUG, logger=name)
    # SQL echo at its most talkative: every statement, its parameters and every row read.
    echo = Database(database.url, engine=make_engine(database.url, echo="debug"))
    try:
        user, _ = create_user(
            echo,
            OPERATOR,
            "pat",
            ["reviewer", "editor"],
            password=SECRETS["created"],
            display_name="Pat",
        )
        identity = PasswordIdentity(echo)
        identity.authenticate("pat", SECRETS["created"])
        with pytest.raises(LoginRefused):
            identity.authenticate("pat", SECRETS["wrong"])
        set_password(echo, OPERATOR, "pat", SECRETS["reset"])  # an administrator's reset
        pat = actor_for(identity.authenticate("pat", SECRETS["reset"]))
        set_password(echo, pat, "pat", SECRETS["own"], current_password=SECRETS["reset"])
        for password, current in ((SECRETS["refused"], SECRETS["wrong"]), (SECRETS["short"], None)):
            with pytest.raises(ClaimreviewError) as refused:  # wrong current password; too short
                set_password(echo, pat, "pat", password, current_password=current)
            assert not [s for s in SECRETS.values() if s in str(refused.value)]
        token = start_session(echo, user.id)
        assert resume_session(echo, token) is not None
        end_session(echo, token)
        # Work that ends up in every export: an article, a review, a decision.
        article = import_file(echo, WORLD_TEXT.encode(), "world.txt", actor=pat)
        claim = _checkable_claims(echo, article.article_id)[0]
        review = save_review(
            echo,
            pat,
            claim,
            verdict="misleading",
            certainty="low",
            rationale="Not so.",
            submit=True,
        )
        record_decision(
            echo, pat, claim, verdict="misleading", certainty="low", based_on=[review.id]
        )
        with echo.read() as session:
            bundle = article_bundle(session, pat, article.article_id)
        events = list_events(echo, OPERATOR)
    finally:
        echo.dispose()
    logs = caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    printed = capsys.readouterr()
    assert "INSERT INTO users" in logs and "$argon2id$" in logs  # parameters were logged
    places = {
        "logs": logs,
        "echo output": printed.out + printed.err,
        "database": _dump(database),
        "audit trail": json.dumps([(e.action, e.before, e.after) for e in events], default=str),
        "JSON bundle": json.dumps(bundle, ensure_ascii=False),
        **{f"{fmt} export": text for fmt, text in _export_texts(bundle).items()},
    }
    secrets = {**SECRETS, "session token": token}
    leaks = [
        f"{what} in {where}"
        for where, text in places.items()
        for what, secret in secrets.items()
        if secret in text
    ]
    assert not leaks, leaks
    assert {"create", "reset_password", "change_password", "login"} <= {e.action for e in events}


CLI = shutil.which("claimreview", path=str(Path(sys.executable).parent))


def _cli(
    args: tuple[str, ...], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> tuple[int, str]:
    """``claimreview ARGS`` in this process (review_app.cli.main, what the console script
    runs): its exit status and everything it printed."""
    from review_app.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    status = main(list(args))
    printed = capsys.readouterr()
    return status, printed.out + printed.err


def test_the_command_line_never_prints_a_password(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys, caplog, request
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", database.url)
    # Once through the installed console script, as an administrator types it.
    assert CLI, "the claimreview console script is not installed in this environment"
    done = subprocess.run(
        [CLI, "user", "add", "carol", "--role", "reviewer", "--password-stdin"],
        input=SECRETS["created"] + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "CLAIMREVIEW_DATABASE_URL": database.url},
        timeout=120,
    )
    # (expected exit status, command, exit status, what it printed)
    runs = [(0, "user add carol (console script)", done.returncode, done.stdout + done.stderr)]
    for want, command, stdin in (
        (0, "user set-password carol --password-stdin", SECRETS["reset"]),
        (2, "user add dave --role editor --password-stdin", SECRETS["short"]),  # too short
        (2, "user set-password nobody --password-stdin", SECRETS["refused"]),  # no such user
        (0, "user add erin --role editor", ""),  # a generated password, shown once
        (0, "user list", ""),
        (0, "audit", ""),
    ):
        status, printed = _cli(tuple(command.split()), stdin + "\n", monkeypatch, capsys)
        runs.append((want, command, status, printed))
    problems = [f"{c}: exit {got}, expected {want}" for want, c, got, _ in runs if got != want]
    output = "\n".join(r[-1] for r in runs) + caplog.text
    problems += [
        f"the {what} password was printed" for what, secret in SECRETS.items() if secret in output
    ]
    assert not problems, problems
    assert "Generated password" in output  # the one password the command line must show
    assert PasswordIdentity(database).authenticate("carol", SECRETS["reset"])
    assert not [s for s in SECRETS.values() if s in _dump(database)]
    _record(request, f"claimreview commands checked for passwords ({database.dialect})", len(runs))


def test_a_malformed_database_url_does_not_print_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    secret = "Db-Pa55word-in-url"
    problems = []
    for url in (
        f"postgresql+psycopg//claimreview:{secret}@127.0.0.1/claimreview",
        f"postgresql+psycopg://claimreview:{secret}@127.0.0.1:notaport/claimreview",
    ):
        monkeypatch.setenv("CLAIMREVIEW_DATABASE_URL", url)
        try:
            status, output = _cli(("articles",), "", monkeypatch, capsys)
        except Exception as error:  # a crash, not a message
            problems.append(f"{url}: {type(error).__name__}: {error}")
            continue
        if secret in output or status == 0:
            problems.append(f"{url}: exit {status}: {output.strip()[-200:]}")
    assert not problems, problems
