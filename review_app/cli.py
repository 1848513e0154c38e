"""The ``claimreview`` command line. Thin: it calls claims/ and db/ and reports.

Results go to standard output (an article id alone, JSON), messages and progress to standard
error, so ``id=$(claimreview import FILE)`` works. A user's mistake is one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from claims.errors import ClaimreviewError
from claims.exports import EXPORTS, export, export_name
from claims.extraction import extract_claims
from claims.permissions import Actor
from claims.readers import read_document
from claims.readers.common import MIB, resolve_max_bytes

# Whoever runs the command line on the server owns the database: they act as an operator.
OPERATOR = Actor.operator("cli")
EXIT_USER_ERROR = 2
EXIT_DATABASE_ERROR = 3


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _read_input(path: str, limit: int | None = None) -> tuple[bytes, str | None]:
    """The bytes of PATH, or of standard input for '-'; with the file name (None for stdin).

    Reads at most one byte past ``limit`` (default: the article import limit), so an oversized
    input is refused without this process first swallowing all of it (``/dev/zero`` included).
    """
    limit = (limit if limit is not None else resolve_max_bytes(None)) + 1
    if path == "-":
        return sys.stdin.buffer.read(limit), None
    file = Path(path)
    if not file.exists():
        raise ClaimreviewError(f"{path}: no such file; check the path.")
    if file.is_dir():
        raise ClaimreviewError(f"{path} is a folder; give the path of one article file.")
    try:
        with file.open("rb") as handle:
            return handle.read(limit), file.name
    except OSError as error:
        raise ClaimreviewError(f"{path}: cannot be read ({error.strerror}).") from error


def _database():  # type: ignore[no-untyped-def]
    # Imported here so that `claimreview split` never touches a database.
    from db.engine import Database
    from db.setup import prepare_database

    return prepare_database(Database())


def cmd_split(args: argparse.Namespace) -> int:
    data, filename = _read_input(args.path)
    document = read_document(data, filename, source_format=args.source_format)
    claims = extract_claims(document)
    if args.json:
        json.dump([c.to_dict() for c in claims], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for number, claim in enumerate(claims, start=1):
        mark = " " if claim.checkable else "-"
        section = f"[{claim.section}] " if claim.section else ""
        cues = f"  <{', '.join(sorted({c.kind for c in claim.cues}))}>" if claim.cues else ""
        print(f"{number:4d} {mark} {claim.start}:{claim.end} {section}{claim.text}{cues}")
    _say(f"{len(claims)} claims, {sum(c.checkable for c in claims)} checkable")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from db.articles import read_and_split, save_article

    data, filename = _read_input(args.path)
    progress = (lambda step, _fraction: _say(f"{step}...")) if args.verbose else None
    # Read and split first: a refused file must not even create the database.
    document, claims = read_and_split(
        data,
        filename,
        title=args.title,
        source_url=args.url,
        source_format=args.source_format,
        progress=progress,
    )
    result = save_article(_database(), document, claims, actor=OPERATOR, filename=filename)
    if result.created:
        _say(
            f"Imported {result.title!r} as article {result.article_id} "
            f"with {result.claim_count} claims."
        )
    else:
        _say(
            f"Already imported as article {result.article_id} ({result.title!r}); nothing changed."
        )
    print(result.article_id)
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    from db.queries import list_articles

    database = _database()
    with database.read() as session:
        rows = list_articles(session, OPERATOR, search=args.search, include_archived=args.all)
    if not rows:
        _say("No articles yet: import one with `claimreview import FILE`.")
        return 0
    print("id\ttitle\tclaims\tcheckable\treviewed")
    for row in rows:
        title = " ".join(row.title.split())
        print(f"{row.id}\t{title}\t{row.claims}\t{row.checkable}\t{row.reviewed}")
    return 0


def _acting(database, username: str | None) -> Actor:  # type: ignore[no-untyped-def]
    """The operator, or with --as NAME that user with their own roles (for reading as them)."""
    if not username:
        return OPERATOR
    from db.accounts import actor_for, list_users

    for user in list_users(database, OPERATOR):
        if user.username == username:
            if not user.is_active:
                raise ClaimreviewError(f"{username}'s account is disabled.")
            return actor_for(user, channel="cli")
    raise ClaimreviewError(f"There is no user {username!r}; `claimreview user list` lists them.")


def cmd_export(args: argparse.Namespace) -> int:
    from db.queries import article_bundle, list_articles

    database = _database()
    actor = _acting(database, args.as_user)
    if args.all:
        if not args.output:
            raise ClaimreviewError("With --all, give a folder to write to: -o DIR.")
        folder = Path(args.output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ClaimreviewError(f"{folder}: cannot create ({error.strerror}).") from error
        with database.read() as session:
            ids = [row.id for row in list_articles(session, actor)]
    elif args.article_id is None:
        raise ClaimreviewError("Name the article to export (claimreview articles lists them).")
    else:
        ids = [args.article_id]
    for article_id in ids:
        with database.read() as session:
            bundle = article_bundle(session, actor, article_id)
        if bundle is None:
            raise ClaimreviewError(
                f"There is no article {article_id}; `claimreview articles` lists them."
            )
        output = export(bundle, args.format)
        target = (
            Path(args.output) / export_name(bundle, args.format)
            if args.all
            else (Path(args.output) if args.output else None)
        )
        data = output.encode("utf-8") if isinstance(output, str) else output
        if target is None:
            if isinstance(output, bytes) and sys.stdout.isatty():
                raise ClaimreviewError(f"A {args.format} file is binary: write it with -o FILE.")
            sys.stdout.buffer.write(data)
            continue
        try:
            target.write_bytes(data)
        except OSError as error:
            raise ClaimreviewError(f"{target}: cannot write ({error.strerror}).") from error
        _say(f"Wrote {target}")
    return 0


def cmd_reviews(args: argparse.Namespace) -> int:
    """The reviews of a claim, as the named user may read them (blind review applies)."""
    from db.reviews import readable_reviews

    database = _database()
    actor = _acting(database, args.as_user)
    with database.read() as session:
        readable = readable_reviews(session, actor, args.claim_id)
    for r in readable.reviews:
        print("\t".join([str(r.id), r.reviewer, r.status, r.verdict or "", r.certainty or "",
                         str(len(r.citations)), r.rationale.replace("\n", " ")]))  # fmt: skip
    if readable.hidden:
        _say(f"{readable.hidden} other review(s) hidden by blind review until {actor.username} "
             "submits their own.")  # fmt: skip
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def cmd_match(args: argparse.Namespace) -> int:
    """Find the matches ("seen before") of claims still waiting for them: a database upgraded
    from before stored matches, or articles imported here with no app server running."""
    import time

    from sqlalchemy import func, select

    from db.claim_matches import match_queued
    from db.models import ClaimMatchQueue

    database = _database()
    with database.read() as session:
        waiting = session.scalar(select(func.count()).select_from(ClaimMatchQueue)) or 0
    wanted = min(waiting, args.limit) if args.limit else waiting
    began, done = time.monotonic(), 0
    while done < wanted:
        step = match_queued(database, limit=min(50, wanted - done))
        if not step:
            break
        done += step
        print(f"\rmatched {done:,} of {wanted:,} claims", end="", file=sys.stderr, flush=True)
    if done:
        print(file=sys.stderr)
    left = waiting - done
    print(
        f"Matched {done:,} claim{'' if done == 1 else 's'} in {time.monotonic() - began:.1f} s; "
        + (f"{left:,} still wait." if left else "none wait.")
    )
    return 0


def cmd_recurring(args: argparse.Namespace) -> int:
    """Claims seen in N or more articles, with each occurrence's current verdict."""
    from dataclasses import asdict

    from db.claim_matches import occurrences, recurring_claims

    database = _database()
    actor = _acting(database, args.as_user)
    with database.read() as session:
        found = recurring_claims(session, actor, article_id=args.article, minimum=args.articles)
        places = {r.claim_id: occurrences(session, actor, r.claim_ids) for r in found}
    if args.json:
        rows = [
            {**asdict(r), "occurrences": [asdict(o) for o in places[r.claim_id]]} for r in found
        ]
        print(json.dumps(rows, indent=2))
        return 0
    if not found:
        print(f"No claim was seen in {args.articles} or more articles.")
        return 0
    for recurring in found:
        print(f"{recurring.articles} articles: {recurring.text}")
        for o in places[recurring.claim_id]:
            print(f"  claim {o.claim_id} ({o.article_title}, #{o.ordinal}): {o.verdict_state}")
    return 0


def _at_least_two(text: str) -> int:
    """An argparse type: a whole number of at least 2."""
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 2")
    return int(text)


def cmd_search(args: argparse.Namespace) -> int:
    """Claims, rationales, sources and decisions matching a query, best first, as --as USER
    may read them (blind review applies); JSON with --json."""
    from datetime import date

    from claims.scales import default_scales
    from claims.search import marks, parse_query
    from db.search import SearchFilters, search_claims

    database = _database()
    actor = _acting(database, args.as_user)
    scales = default_scales()
    for name, given in (("verdict", args.verdict), ("certainty", args.certainty)):
        codes = scales[name].codes()
        wrong = [code for code in given if code not in codes]
        if wrong:
            raise ClaimreviewError(
                f"{wrong[0]!r} is not on the {name} scale; use one of: {', '.join(codes)}."
            )
    dates = {}
    for name in ("since", "until"):
        value = getattr(args, name)
        if value:
            try:
                dates[name] = date.fromisoformat(value)
            except ValueError:
                raise ClaimreviewError(
                    f"--{name} {value!r} is not a date: write it as YYYY-MM-DD."
                ) from None
    filters = SearchFilters(
        verdicts=tuple(args.verdict),
        certainties=tuple(args.certainty),
        reviewer_id=_user_ids(database, [args.reviewer])[0] if args.reviewer else None,
        article_id=args.article,
        published_from=dates.get("since"),
        published_to=dates.get("until"),
    )
    query = parse_query(" ".join(args.query))
    with database.read() as session:
        found = search_claims(session, actor, query, filters, limit=args.limit)
    if args.json:
        rows = [
            {
                "claim_id": h.claim_id,
                "article_id": h.article_id,
                "article_title": h.article_title,
                "ordinal": h.ordinal,
                "text": h.text,
                "section": h.section,
                "published_on": h.published_on.isoformat() if h.published_on else None,
                "score": round(h.score, 6),
                "found_in": list(h.found_in),
                "decision": {"verdict": h.decision_verdict, "certainty": h.decision_certainty}
                if h.decision_verdict
                else None,
                "my_review": {"verdict": h.my_verdict, "certainty": h.my_certainty}
                if h.my_verdict or h.my_certainty
                else None,
                "marks": [list(span) for span in marks(h.text, query)],
                "review_path": f"/review?article={h.article_id}&claim={h.claim_id}",
            }
            for h in found.hits
        ]
        print(json.dumps({"query": " ".join(args.query), "results": rows, "more": found.more,
                          "complete": found.complete},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    for h in found.hits:
        text, at = h.text, 0
        shown = ""
        for start, end in marks(text, query):
            shown += text[at:start] + "[" + text[start:end] + "]"
            at = end
        shown += text[at:]
        finding = h.decision_verdict or h.my_verdict or "-"
        print("\t".join([str(h.claim_id), f"{h.article_id}#{h.ordinal}", ",".join(h.found_in),
                         finding, shown.replace("\n", " ")]))  # fmt: skip
    if not found.complete:
        _say("So many entries match that only the newest were ranked and filtered; add words, "
             "a phrase or --article for a complete list.")  # fmt: skip
    if not found.hits:
        _say("No claim matches; try fewer or other words.")
    elif found.more:
        _say(f"Showing the best {len(found.hits)}; add words or filters to narrow the search.")
    return 0


def _user_ids(database, names: Sequence[str]) -> list[int]:  # type: ignore[no-untyped-def]
    from db.accounts import list_users

    known = {u.username: u.id for u in list_users(database, OPERATOR)}
    missing = [n for n in names if n not in known]
    if missing:
        raise ClaimreviewError(f"There is no user {missing[0]!r}; `claimreview user list`.")
    return [known[n] for n in names]


def cmd_assign(args: argparse.Namespace) -> int:
    from db.assignments import assign
    from db.queries import claim_page

    database = _database()
    claim_ids = None
    if args.claims:
        with database.read() as session:
            claims = claim_page(session, OPERATOR, args.article_id, limit=100_000)
            by_ordinal = {c.ordinal: c.id for c in claims}
        try:
            wanted = [int(n) for n in args.claims.split(",") if n.strip()]
        except ValueError as error:
            raise ClaimreviewError("--claims takes claim numbers separated by commas.") from error
        unknown = [n for n in wanted if n not in by_ordinal]
        if unknown:
            raise ClaimreviewError(f"Article {args.article_id} has no claim {unknown[0]}.")
        claim_ids = [by_ordinal[n] for n in wanted]
    added = assign(database, OPERATOR, args.article_id, _user_ids(database, args.reviewer),
                   claim_ids)  # fmt: skip
    _say(f"{added} new assignment(s).")
    return 0


def cmd_unassign(args: argparse.Namespace) -> int:
    from db.assignments import unassign

    database = _database()
    (reviewer,) = _user_ids(database, [args.reviewer])
    unassign(database, OPERATOR, args.article_id, reviewer)
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from db.agreement import agreement_summary

    database = _database()
    with database.read() as session:
        summary = agreement_summary(session, OPERATOR, args.article)

    def figure(value: float | None) -> str:
        return "" if value is None else f"{value:.3f}"

    print("rating\tclaims\treviewers\tpercent\tkappa\talpha")
    for name, a in (("verdict", summary.verdict), ("certainty", summary.certainty)):
        print(f"{name}\t{a.items}\t{a.raters}\t{figure(a.percent)}\t{figure(a.kappa)}\t"
              f"{figure(a.alpha)}")  # fmt: skip
    for pair in summary.verdict_pairs:
        print(f"verdict:{pair.rater_a}+{pair.rater_b}\t{pair.items}\t2\t{figure(pair.percent)}"
              f"\t{figure(pair.kappa)}\t")  # fmt: skip
    return 0


def _new_password(args: argparse.Namespace, username: str) -> str | None:
    """The password from stdin (--password-stdin), typed twice at a terminal, or None."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ClaimreviewError("No password on standard input.")
        return password
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"New password for {username}: ")
    if first != getpass.getpass("Again: "):
        raise ClaimreviewError("The two passwords differ; nothing was changed.")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from db.accounts import create_user

    password = _new_password(args, args.name)
    user, used = create_user(
        _database(), OPERATOR, args.name, args.role, password=password, display_name=args.full_name
    )
    _say(f"Added {user.username} ({', '.join(user.roles)}).")
    if password is None:
        _say(f"Generated password (shown once; they choose their own at first login): {used}")
    return 0


def cmd_user_list(_args: argparse.Namespace) -> int:
    from db.accounts import list_users

    print("username\troles\tactive\tlast_login")
    for user in list_users(_database(), OPERATOR):
        last = user.last_login_at.isoformat(timespec="seconds") if user.last_login_at else "-"
        active = "yes" if user.is_active else "no"
        print(f"{user.username}\t{','.join(user.roles)}\t{active}\t{last}")
    return 0


def cmd_user_set_active(args: argparse.Namespace) -> int:
    from db.accounts import set_active

    set_active(_database(), OPERATOR, args.name, args.command == "enable")
    _say(f"{args.name} is now {'enabled' if args.command == 'enable' else 'disabled'}.")
    return 0


def cmd_user_set_password(args: argparse.Namespace) -> int:
    from claims.passwords import generate_password
    from db.accounts import set_password

    password = _new_password(args, args.name)
    used = password or generate_password()
    set_password(_database(), OPERATOR, args.name, used)
    if password is None:
        _say(f"Generated password for {args.name} (shown once): {used}")
    _say(f"Password of {args.name} set; they choose their own at their next login.")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from db.audit import list_events

    events = list_events(_database(), OPERATOR, article_id=args.article, username=args.user)
    print("id\ttime\tuser\tentity\taction\tbefore\tafter")
    for e in events:
        before = json.dumps(e.before, ensure_ascii=False) if e.before else "-"
        after = json.dumps(e.after, ensure_ascii=False) if e.after else "-"
        entity = f"{e.entity_type}:{e.entity_id}" if e.entity_id is not None else e.entity_type
        when = e.occurred_at.isoformat(timespec="seconds")
        print(f"{e.id}\t{when}\t{e.actor}\t{entity}\t{e.action}\t{before}\t{after}")
    return 0


def _progress_bar(done: int, total: int) -> None:
    """A one-line bar on stderr, redrawn in place at a terminal, a line per step otherwise."""
    width = 30
    filled = width * done // total if total else width
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} sources"
    if sys.stderr.isatty():
        print(f"\r{line}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    else:
        _say(line)


def cmd_sources_refresh(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from claims.sources.client import Settings, SourceLookup
    from db.source_lookups import refresh_sources

    if args.older_than is not None and args.older_than < 0:
        raise ClaimreviewError("--older-than takes a number of days, 0 or more (e.g. 30).")
    settings = Settings.from_env()
    if settings.offline:
        raise ClaimreviewError(
            "Lookups are off (CLAIMREVIEW_OFFLINE is set): nothing was looked up. "
            "Unset it to refresh the library."
        )
    older = timedelta(days=args.older_than) if args.older_than is not None else None
    report = refresh_sources(
        _database(), OPERATOR, SourceLookup(settings), older_than=older, progress=_progress_bar
    )
    _say(
        f"Looked up {report.looked_up:,} sources: {report.found:,} found, "
        f"{report.not_found:,} unknown to their service, {report.failed:,} failed; "
        f"{report.changed:,} changed."
    )
    for failure in report.failures:
        _say(f"  failed: {failure}")
    if report.failed:
        _say("Failed lookups are tried again by the next `claimreview sources refresh`.")
    return 0


def cmd_import_json(args: argparse.Namespace) -> int:
    from db.transfer import MAX_JSON_BYTES, import_bundle, read_bundle

    data, _ = _read_input(args.path, limit=MAX_JSON_BYTES)
    result = import_bundle(_database(), OPERATOR, read_bundle(data))
    _say(f"Imported {result.title!r} as article {result.article_id} ({result.claim_count} claims).")
    print(result.article_id)
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from db.demo_data import generate

    if args.claims < 1:
        raise ClaimreviewError("Give a positive number of claims, e.g. --claims 100000.")

    def progress(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} claims",
              end="", file=sys.stderr, flush=True)  # fmt: skip

    added = generate(_database(), OPERATOR, args.claims, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    _say(f"Added {added:,} synthetic claims.")
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    from db.migrate import current_revision

    database = _database()
    _say(f"Database {database.engine.url!r} is at revision {current_revision(database)}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from db.backup import backup
    from db.engine import Database

    # Not _database(): the backup is of the database as it is, before any migration.
    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and total > 1:
            print(f"\r{done:,}/{total:,} pages", end="", file=sys.stderr, flush=True)

    result = backup(Database(), args.path, overwrite=args.force, progress=progress)
    if sys.stderr.isatty() and result.pages > 1:
        print(file=sys.stderr)
    _say(
        f"Backed up {result.source} to {result.path} "
        f"({result.bytes / MIB:.1f} MiB, {result.seconds:.1f} s; integrity check passed)."
    )
    return 0


def _confirm(question: str) -> bool:
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_restore(args: argparse.Namespace) -> int:
    from db.backup import inspect_backup, restore
    from db.engine import Database

    database = Database()
    info = inspect_backup(database, args.path)  # refuses a bad file before asking anything
    _say(
        f"{info.path}: a claimreview backup at schema revision {info.revision} with "
        f"{info.articles} article(s), {info.claims} claim(s), {info.reviews} review(s), "
        f"{info.users} user(s)."
    )
    if not args.yes:
        if not sys.stdin.isatty():
            raise ClaimreviewError(
                "restore replaces everything in the database; confirm with --yes "
                "(standard input is not a terminal to ask at). Nothing was changed."
            )
        if not _confirm(
            f"Replace everything in {database.engine.url.database} with this backup "
            "(a safety copy of the database is kept first)?"
        ):
            _say("Nothing was changed.")
            return 1
    result = restore(database, args.path)
    if result.safety_copy is not None:
        _say(f"Kept the database as it was in {result.safety_copy}")
    _say(
        f"Restored {result.database} from {info.path} in {result.seconds:.1f} s "
        f"(schema revision {result.revision})."
    )
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ClaimreviewError(
            f"{text!r} is not a port number; give one from 1 to 65535 "
            "(with --port or CLAIMREVIEW_PORT)."
        )
    return port


PRIMARY_COLOUR = "#1f5fa6"


def streamlit_command(port: int, address: str) -> list[str]:
    app = resources.files("review_app").joinpath("app.py")
    upload_mb = max(1, -(-resolve_max_bytes(None) // MIB))  # the import limit, rounded up
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", str(upload_mb),
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--global.developmentMode", "false",
        # A calm blue, not Streamlit's red: red is kept for errors (a focused field would
        # otherwise wear an error's colour).
        "--theme.primaryColor", PRIMARY_COLOUR,
        # Streamlit collects all garbage after every run by default: about 70 ms in a process
        # holding pandas, SQLAlchemy and the report libraries, during which the reply to the
        # click waits (the collector holds the interpreter). Python's own collector still runs.
        "--runner.postScriptGC", "false",
    ]  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    from db.accounts import FIRST_ADMIN, ensure_first_admin
    from db.articles import import_demo_if_empty

    port = _port(args.port)  # before anything is created or printed
    database = _database()
    password = ensure_first_admin(database)
    if password is not None:
        # Printed once, to the terminal of whoever started the server; stored only as a hash.
        _say(
            f"\n  First start: created the administrator {FIRST_ADMIN!r}.\n"
            f"  Password (shown only now): {password}\n"
            "  Log in with it; you will be asked to choose a new password.\n"
        )
    demo = import_demo_if_empty(database)
    if demo is not None:
        _say(f"Imported the demo article {demo.title!r} ({demo.claim_count} claims).")
    database.dispose()
    command = streamlit_command(port, args.address)
    _say(f"Serving claimreview on http://{args.address}:{port}")
    sys.stdout.flush()
    os.execv(command[0], command)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimreview",
        description="Claim annotation and evidence review for health writing.",
        epilog="The database is CLAIMREVIEW_DATABASE_URL (default sqlite:///data/claimreview.db).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    formats = ["txt", "md", "html", "docx"]

    split = commands.add_parser("split", help="print the claims a file would give, store nothing")
    split.add_argument("path", metavar="PATH", help="article file, or - for standard input")
    split.add_argument("--json", action="store_true", help="print a JSON list of claims")
    split.add_argument("--format", dest="source_format", choices=formats, help="override")
    split.set_defaults(handler=cmd_split)

    imp = commands.add_parser("import", help="import an article; prints its id")
    imp.add_argument("path", metavar="PATH", help="article file, or - for standard input")
    imp.add_argument("--title", help="title to use instead of the document's own")
    imp.add_argument("--url", help="source URL of the article")
    imp.add_argument("--format", dest="source_format", choices=formats, help="override")
    imp.add_argument("-v", "--verbose", action="store_true", help="report progress on stderr")
    imp.set_defaults(handler=cmd_import)

    articles = commands.add_parser("articles", help="list articles with their claim counts")
    articles.add_argument("--search", help="only titles containing this text")
    articles.add_argument("--all", action="store_true", help="include archived articles")
    articles.set_defaults(handler=cmd_articles)

    export = commands.add_parser("export", help="export an article")
    export.add_argument("article_id", type=int, nargs="?", metavar="ARTICLE_ID")
    export.add_argument("--all", action="store_true", help="every article, one file each in -o DIR")
    export.add_argument("--format", choices=sorted(EXPORTS), default="json", help="export format")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (a folder with --all)")
    export.add_argument("--as", dest="as_user", metavar="USER", help="with USER's permissions")
    export.set_defaults(handler=cmd_export)

    reviews = commands.add_parser("reviews", help="print a claim's reviews (as --as USER sees)")
    reviews.add_argument("claim_id", type=int, metavar="CLAIM_ID")
    reviews.add_argument("--as", dest="as_user", metavar="USER", help="read as this user")
    reviews.set_defaults(handler=cmd_reviews)

    search = commands.add_parser(
        "search", help="search claims, rationales, sources and decisions (as --as USER may)"
    )
    search.add_argument("query", nargs="+", metavar="QUERY",
                        help='words, "a phrase", -excluded; every one must match')  # fmt: skip
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--verdict", action="append", default=[], metavar="CODE",
                        help="only claims with this verdict (repeatable)")  # fmt: skip
    search.add_argument("--certainty", action="append", default=[], metavar="CODE",
                        help="only claims with this certainty (repeatable)")  # fmt: skip
    search.add_argument("--reviewer", metavar="USER", help="only claims USER reviewed")
    search.add_argument("--article", type=int, metavar="ID", help="only this article's claims")
    search.add_argument("--since", metavar="YYYY-MM-DD", help="articles published from then")
    search.add_argument("--until", metavar="YYYY-MM-DD", help="articles published until then")
    search.add_argument("--limit", type=_positive, default=20, help="at most this many (20)")
    search.add_argument("--as", dest="as_user", metavar="USER", help="search as this user")
    search.set_defaults(handler=cmd_search)

    match = commands.add_parser(
        "match", help='find the "seen before" matches of claims still waiting for them'
    )
    match.add_argument("--limit", type=_positive, help="at most this many claims (default all)")
    match.set_defaults(handler=cmd_match)

    recurring = commands.add_parser(
        "recurring", help="claims seen in several articles, with their verdicts (editors)"
    )
    recurring.add_argument("--articles", type=_at_least_two, default=3, metavar="N",
                           help="seen in at least N articles (default 3)")  # fmt: skip
    recurring.add_argument("--article", type=int, metavar="ID", help="those of this article")
    recurring.add_argument("--json", action="store_true", help="print JSON")
    recurring.add_argument("--as", dest="as_user", metavar="USER", help="as this user")
    recurring.set_defaults(handler=cmd_recurring)

    assign_cmd = commands.add_parser("assign", help="assign an article (or claims) to reviewers")
    assign_cmd.add_argument("article_id", type=int, metavar="ARTICLE_ID")
    assign_cmd.add_argument("--reviewer", action="append", required=True, metavar="NAME")
    assign_cmd.add_argument("--claims", metavar="N,N,...", help="only these claim numbers")
    assign_cmd.set_defaults(handler=cmd_assign)
    unassign_cmd = commands.add_parser("unassign", help="take an article from a reviewer")
    unassign_cmd.add_argument("article_id", type=int, metavar="ARTICLE_ID")
    unassign_cmd.add_argument("--reviewer", required=True, metavar="NAME")
    unassign_cmd.set_defaults(handler=cmd_unassign)

    agree = commands.add_parser("agreement", help="print inter-rater agreement")
    agree.add_argument("--article", type=int, metavar="ID", help="one article (default: all)")
    agree.set_defaults(handler=cmd_agreement)

    import_json = commands.add_parser(
        "import-json", help="import an article exported with --format json; prints its id"
    )
    import_json.add_argument("path", metavar="FILE", help="the JSON export, or - for stdin")
    import_json.set_defaults(handler=cmd_import_json)

    demo = commands.add_parser(
        "demo-data", help="fill the database with synthetic articles, claims and reviews"
    )
    demo.add_argument("--claims", type=int, required=True, help="about how many claims")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.set_defaults(handler=cmd_demo_data)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=cmd_migrate)

    backup_cmd = commands.add_parser(
        "backup", help="copy the database to a new file while the app keeps running (SQLite)"
    )
    backup_cmd.add_argument("path", metavar="FILE", help="the backup file to create")
    backup_cmd.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup_cmd.set_defaults(handler=cmd_backup)
    restore_cmd = commands.add_parser(
        "restore", help="replace the database with a backup (a safety copy is kept first)"
    )
    restore_cmd.add_argument("path", metavar="FILE", help="a file made by claimreview backup")
    restore_cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore_cmd.set_defaults(handler=cmd_restore)

    user = commands.add_parser("user", help="manage user accounts")
    user_commands = user.add_subparsers(dest="command", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add a user")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--role", action="append", required=True, choices=["reviewer", "editor", "admin"],
        help="a role; repeat for several",
    )  # fmt: skip
    add.add_argument("--full-name", default="", help="the person's name, shown in reports")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(handler=cmd_user_add)
    user_commands.add_parser("list", help="list users").set_defaults(handler=cmd_user_list)
    for action in ("disable", "enable"):
        toggle = user_commands.add_parser(action, help=f"{action} a user's account")
        toggle.add_argument("name", metavar="NAME")
        toggle.set_defaults(handler=cmd_user_set_active)
    reset = user_commands.add_parser("set-password", help="set a user's password")
    reset.add_argument("name", metavar="NAME")
    reset.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    reset.set_defaults(handler=cmd_user_set_password)

    audit = commands.add_parser("audit", help="print the audit trail")
    audit.add_argument("--article", type=int, metavar="ID", help="only this article's events")
    audit.add_argument("--user", metavar="NAME", help="only events by or about this user")
    audit.set_defaults(handler=cmd_audit)

    sources = commands.add_parser("sources", help="the citation library's sources")
    source_commands = sources.add_subparsers(dest="command", required=True, metavar="ACTION")
    refresh = source_commands.add_parser(
        "refresh",
        help="look up every source not yet looked up, or failed, in PubMed, Crossref, "
        "ClinicalTrials.gov or Europe PMC (re-checks retractions with --older-than)",
    )
    refresh.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="also look up again sources fetched more than DAYS days ago (0: all of them)",
    )
    refresh.set_defaults(handler=cmd_sources_refresh)

    serve = commands.add_parser("serve", help="start the app (what `make run` ends with)")
    serve.add_argument(
        "--port", default=os.environ.get("CLAIMREVIEW_PORT") or "8501", help="default 8501"
    )
    serve.add_argument(
        "--address",
        default=os.environ.get("CLAIMREVIEW_SERVER_ADDRESS", "localhost"),
        help="interface to listen on (default localhost)",
    )
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.handler is cmd_split:  # never touches a database: skip loading its layer
            return args.handler(args)
        from db.engine import DatabaseUnavailable, database_errors

        try:
            with database_errors():
                return args.handler(args)
        except DatabaseUnavailable as error:
            _say(f"claimreview: error: {error}")
            return EXIT_DATABASE_ERROR
    except ClaimreviewError as error:
        _say(f"claimreview: error: {error}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _say("claimreview: interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
