"""The ``claimreview`` command line. Thin: it calls claims/ and db/ and reports.

Results go to standard output (an article id alone, JSON), messages and progress to standard
error, so ``id=$(claimreview import FILE)`` works. A user's mistake is one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from claims.errors import ClaimreviewError
from claims.exports import to_json
from claims.extraction import extract_claims
from claims.readers import read_document

EXIT_USER_ERROR = 2
EXIT_DATABASE_ERROR = 3


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _read_input(path: str) -> tuple[bytes, str | None]:
    """The bytes of PATH, or of standard input for '-'; with the file name (None for stdin)."""
    if path == "-":
        return sys.stdin.buffer.read(), None
    file = Path(path)
    if not file.exists():
        raise ClaimreviewError(f"{path}: no such file; check the path.")
    if file.is_dir():
        raise ClaimreviewError(f"{path} is a folder; give the path of one article file.")
    try:
        return file.read_bytes(), file.name
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
    result = save_article(_database(), document, claims, channel="cli", filename=filename)
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
        rows = list_articles(session, search=args.search, include_archived=args.all)
    if not rows:
        _say("No articles yet: import one with `claimreview import FILE`.")
        return 0
    print("id\ttitle\tclaims\tcheckable\treviewed")
    for row in rows:
        title = " ".join(row.title.split())
        print(f"{row.id}\t{title}\t{row.claims}\t{row.checkable}\t{row.reviewed}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from db.queries import article_bundle

    database = _database()
    with database.read() as session:
        bundle = article_bundle(session, args.article_id)
    if bundle is None:
        raise ClaimreviewError(
            f"There is no article {args.article_id}; `claimreview articles` lists them."
        )
    output = to_json(bundle)
    if args.output:
        try:
            Path(args.output).write_text(output, encoding="utf-8")
        except OSError as error:
            raise ClaimreviewError(f"{args.output}: cannot write ({error.strerror}).") from error
        _say(f"Wrote {args.output}")
    else:
        sys.stdout.write(output)
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    from db.migrate import current_revision

    database = _database()
    _say(f"Database {database.engine.url!r} is at revision {current_revision(database)}.")
    return 0


def streamlit_command(port: int, address: str) -> list[str]:
    app = resources.files("review_app").joinpath("app.py")
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", "20",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--global.developmentMode", "false",
    ]  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    from db.articles import import_demo_if_empty

    database = _database()
    demo = import_demo_if_empty(database)
    if demo is not None:
        _say(f"Imported the demo article {demo.title!r} ({demo.claim_count} claims).")
    database.dispose()
    command = streamlit_command(args.port, args.address)
    _say(f"Serving claimreview on http://{args.address}:{args.port}")
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
    export.add_argument("article_id", type=int, metavar="ARTICLE_ID")
    export.add_argument("--format", choices=["json"], default="json", help="export format")
    export.add_argument("-o", "--output", metavar="FILE", help="write here, not to stdout")
    export.set_defaults(handler=cmd_export)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=cmd_migrate)

    serve = commands.add_parser("serve", help="start the app (what `make run` ends with)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("CLAIMREVIEW_PORT", "8501")))
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
        return args.handler(args)
    except ClaimreviewError as error:
        _say(f"claimreview: error: {error}")
        return EXIT_USER_ERROR
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        _say(
            f"claimreview: database error: {reason} "
            "(check CLAIMREVIEW_DATABASE_URL and that the database is reachable)"
        )
        return EXIT_DATABASE_ERROR
    except KeyboardInterrupt:
        _say("claimreview: interrupted")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
