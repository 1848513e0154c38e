"""The `claimreview` command line, run through the installed console script as users run it."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from claims.exports import ZIP_CONTENTS
from db.engine import Database
from tests.samples import SENTENCES, WRITERS

SCRIPT = shutil.which("claimreview", path=str(Path(sys.executable).parent))


def run(
    *args: str, db_url: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the claimreview console script is not installed in this environment"
    env = {**os.environ, "CLAIMREVIEW_DATABASE_URL": db_url}
    return subprocess.run(
        [SCRIPT, *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_split_prints_claims_as_json_without_a_database(
    fmt: str, tmp_path: Path, sqlite_url: str
) -> None:
    path = WRITERS[fmt](tmp_path)
    done = run("split", str(path), "--json", db_url=sqlite_url)
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)
    texts = [c["text"] for c in claims]
    for sentence in SENTENCES:
        assert sentence in texts, (fmt, texts)
    for claim in claims:
        assert {"start", "end", "text", "section", "checkable", "cues"} <= set(claim)
    only = claims[texts.index(SENTENCES[2])]
    assert any(c["kind"] == "absolute" for c in only["cues"])
    assert not (tmp_path / "cli.db").exists()  # split never touches the database


def test_split_offsets_point_into_a_plain_text_file(tmp_path: Path, sqlite_url: str) -> None:
    path = WRITERS["txt"](tmp_path)
    done = run("split", str(path), "--json", db_url=sqlite_url)
    text = path.read_text(encoding="utf-8")
    for claim in json.loads(done.stdout):
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_split_reads_standard_input(sqlite_url: str) -> None:
    done = run("split", "-", "--json", db_url=sqlite_url, stdin=b"One claim. And another one.")
    assert [c["text"] for c in json.loads(done.stdout)] == ["One claim.", "And another one."]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_import_articles_export_round(fmt: str, tmp_path: Path, database: Database) -> None:
    url = database.url
    path = WRITERS[fmt](tmp_path)
    done = run("import", str(path), "--url", "https://example.org/exercise", db_url=url)
    assert done.returncode == 0, done.stderr
    article_id = done.stdout.strip()
    assert article_id.isdigit()  # the id alone on stdout
    again = run("import", str(path), db_url=url)
    assert again.stdout.strip() == article_id and "Already imported" in again.stderr

    listing = run("articles", db_url=url)
    line = next(x for x in listing.stdout.splitlines() if x.startswith(f"{article_id}\t"))
    _, title, claims, checkable, reviewed = line.split("\t")
    assert title == "Exercise and blood pressure"
    assert int(claims) >= 3 and int(checkable) >= 3 and reviewed == "0"

    out = tmp_path / "export.json"
    exported = run("export", article_id, "--format", "json", "-o", str(out), db_url=url)
    assert exported.returncode == 0, exported.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["article"]["id"] == int(article_id)
    assert bundle["article"]["source_url"] == "https://example.org/exercise"
    text = bundle["article"]["text"]
    assert "do not import me" not in text and "footer" not in text.lower()
    assert len(bundle["claims"]) == int(claims)
    for claim in bundle["claims"]:
        assert text[claim["start"] : claim["end"]] == claim["text"]
        assert {"id", "ordinal", "section", "checkable", "cues"} <= set(claim)
    to_stdout = run("export", article_id, "--format", "json", db_url=url)
    assert json.loads(to_stdout.stdout)["claims"] == bundle["claims"]


def test_import_from_standard_input_with_title(sqlite_url: str) -> None:
    done = run(
        "import", "-", "--title", "Pasted piece", db_url=sqlite_url, stdin=b"Aspirin cures all."
    )
    assert done.returncode == 0, done.stderr
    listing = run("articles", db_url=sqlite_url)
    assert f"{done.stdout.strip()}\tPasted piece\t1\t1\t0" in listing.stdout


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["import", "{dir}/missing.txt"], None, "no such file"),
        (["import", "{dir}/empty.txt"], b"", "empty"),
        (["import", "{dir}/binary.txt"], b"\x00\x01\x02binary\x00" * 50, "binary"),
        (["import", "{dir}/old.doc"], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
        (["import", "{dir}/broken.docx"], b"PK\x03\x04 not really a zip", "docx"),
        (["import", "{dir}/ok.txt", "--url", "javascript:alert(1)"], b"A claim.", "http"),
        (["export", "999", "--format", "json"], None, "no article 999"),
    ],
)
def test_mistakes_get_one_line_and_change_nothing(
    args: list[str], content: bytes | None, message: str, tmp_path: Path, sqlite_url: str
) -> None:
    if content is not None:
        (tmp_path / Path(args[1]).name).write_bytes(content)
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    done = run(*argv, db_url=sqlite_url)
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimreview: error:"), done.stderr
    assert message.lower() in lines[0].lower()
    assert "Traceback" not in done.stderr
    if argv[0] == "import":
        listing = run("articles", db_url=sqlite_url)
        assert "No articles yet" in listing.stderr


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    path = WRITERS["txt"](tmp_path)
    done = run("import", str(path), db_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert done.returncode != 0
    assert "database error" in done.stderr.lower() and "Traceback" not in done.stderr


def test_default_database_is_data_claimreview_db(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CLAIMREVIEW_DATABASE_URL"}
    path = WRITERS["txt"](tmp_path)
    done = subprocess.run(
        [SCRIPT, "import", str(path)], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "claimreview.db").exists()


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"CLAIMREVIEW_DATABASE_URL": "sqlite:////proc/no/such/place.db"}, ["articles"], "opened"),
        ({"CLAIMREVIEW_DATABASE_URL": "mysql://u@h/x"}, ["articles"], "cannot be opened"),
        ({"CLAIMREVIEW_DATABASE_URL": "not a url"}, ["articles"], "not a database URL"),
        ({"CLAIMREVIEW_PORT": "abc"}, ["serve"], "not a port number"),
        ({}, ["serve", "--port", "99999"], "not a port number"),
        ({"CLAIMREVIEW_MAX_IMPORT_MB": "1"}, ["split", "/dev/zero"], "larger than"),
    ],
)
def test_configuration_mistakes_are_one_line(
    env: dict[str, str], args: list[str], message: str, sqlite_url: str
) -> None:
    done = subprocess.run(
        [SCRIPT, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CLAIMREVIEW_DATABASE_URL": sqlite_url, **env},
        timeout=120,
    )
    assert done.returncode != 0
    assert message.lower() in done.stderr.lower(), done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_bad_port_setting_does_not_break_other_commands(tmp_path: Path, sqlite_url: str) -> None:
    path = WRITERS["txt"](tmp_path)
    done = subprocess.run(
        [SCRIPT, "split", str(path), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "CLAIMREVIEW_PORT": "abc"},
    )
    assert done.returncode == 0, done.stderr


def test_user_commands_and_the_audit_trail(sqlite_url: str) -> None:
    added = run(
        "user", "add", "rita", "--role", "reviewer", "--role", "editor", "--password-stdin",
        db_url=sqlite_url, stdin=b"a long enough password\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    generated = run("user", "add", "sam", "--role", "reviewer", db_url=sqlite_url)
    assert "Generated password" in generated.stderr
    listing = run("user", "list", db_url=sqlite_url).stdout.splitlines()
    assert listing[1:] == ["rita\teditor,reviewer\tyes\t-", "sam\treviewer\tyes\t-"]
    assert run("user", "disable", "sam", db_url=sqlite_url).returncode == 0
    assert "sam\treviewer\tno\t-" in run("user", "list", db_url=sqlite_url).stdout
    reset = run(
        "user", "set-password", "rita", "--password-stdin",
        db_url=sqlite_url, stdin=b"a different password\n",
    )  # fmt: skip
    assert reset.returncode == 0, reset.stderr
    bad = run("user", "add", "rita", "--role", "reviewer", db_url=sqlite_url)
    assert bad.returncode != 0 and "already exists" in bad.stderr

    audit = run("audit", "--user", "rita", db_url=sqlite_url).stdout
    assert "a long enough password" not in audit and "a different password" not in audit
    rows = [line.split("\t") for line in audit.splitlines()[1:]]
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("(cli)", f"user:{rows[0][3].split(':')[1]}", "create"),
        ("(cli)", rows[0][3], "reset_password"),
    ]
    unknown = run("audit", "--user", "nobody", db_url=sqlite_url)
    assert unknown.returncode != 0 and "no user" in unknown.stderr


def test_audit_of_an_article_lists_its_import(tmp_path: Path, sqlite_url: str) -> None:
    article_id = run("import", str(WRITERS["md"](tmp_path)), db_url=sqlite_url).stdout.strip()
    lines = run("audit", "--article", article_id, db_url=sqlite_url).stdout.splitlines()
    assert len(lines) == 2 and f"article:{article_id}\timport" in lines[1]


@pytest.fixture
def reviewed_demo(sqlite_url: str) -> tuple[str, int]:
    """The demo article with one decided claim and one provisional (submitted) review."""
    from claims.permissions import Actor
    from db.accounts import actor_for, create_user
    from db.articles import import_demo_if_empty
    from db.decisions import record_decision
    from db.queries import claim_page
    from db.reviews import save_review
    from db.setup import prepare_database

    database = prepare_database(Database(sqlite_url))
    operator = Actor.operator("test")
    demo = import_demo_if_empty(database)
    rita = actor_for(create_user(database, operator, "rita", ["reviewer"], password="p" * 12)[0])
    with database.read() as session:
        claims = {c.ordinal: c.id for c in claim_page(session, operator, demo.article_id)}
    review = save_review(
        database, rita, claims[9], verdict="misleading", certainty="low",
        rationale='=HYPERLINK("http://x") overstated', submit=True,
    )  # fmt: skip
    record_decision(database, operator, claims[9], verdict="misleading", certainty="low",
                    reason="other", based_on=[review.id])  # fmt: skip
    save_review(database, rita, claims[10], verdict="needs_context", certainty="moderate",
                submit=True)  # fmt: skip
    database.dispose()
    return sqlite_url, demo.article_id


def test_every_text_export_format_opens_with_its_reader(
    reviewed_demo: tuple[str, int], tmp_path: Path
) -> None:
    import csv
    import io
    from html.parser import HTMLParser

    url, article_id = reviewed_demo
    outputs = {}
    for fmt in ("json", "md", "html", "annotated", "csv", "claimreview", "annotations"):
        done = run("export", str(article_id), "--format", fmt, db_url=url)
        assert done.returncode == 0, (fmt, done.stderr)
        outputs[fmt] = done.stdout
    assert "Misleading" in outputs["md"] and "Targeted Treatment" in outputs["md"]

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            self.tags.append(tag)

    for fmt in ("html", "annotated"):
        parser = Tags()
        parser.feed(outputs[fmt])
        assert "script" not in parser.tags and "Misleading" in outputs[fmt]
    table = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert len(table) == 30
    decided = next(r for r in table if r["claim"].startswith("One of the significant"))
    assert decided["verdict"] == "Misleading" and "=HYPERLINK" in decided["rationale"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row.values())
    reviews = json.loads(outputs["claimreview"])  # the decided claim and the provisional one
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Misleading", "Needs context"]
    assert reviews[0]["claimReviewed"].startswith("One of the significant")
    assert all(r["@context"] == "https://schema.org" and r["url"] for r in reviews)
    annotations = json.loads(outputs["annotations"])
    text = json.loads(outputs["json"])["article"]["text"]
    for item in annotations["items"]:
        quote, position = (
            next(s for s in item["target"]["selector"] if s["type"] == kind)
            for kind in ("TextQuoteSelector", "TextPositionSelector")
        )
        assert text[position["start"] : position["end"]] == quote["exact"]


def test_export_all_writes_one_file_per_article(
    reviewed_demo: tuple[str, int], tmp_path: Path
) -> None:
    url, article_id = reviewed_demo
    done = run("export", "--all", "--format", "md", "-o", str(tmp_path / "out"), db_url=url)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [
        f"article-{article_id}-multiple-myeloma-immunotherapy.md"
    ]
    missing = run("export", "--all", "--format", "md", db_url=url)
    assert missing.returncode != 0 and "-o DIR" in missing.stderr


def test_export_zip_holds_every_format_each_readable(
    reviewed_demo: tuple[str, int], tmp_path: Path
) -> None:
    url, article_id = reviewed_demo
    target = tmp_path / "everything.zip"
    done = run("export", str(article_id), "--format", "zip", "-o", str(target), db_url=url)
    assert done.returncode == 0, done.stderr
    folder = f"article-{article_id}-multiple-myeloma-immunotherapy"
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert names == [f"{folder}/{name}" for name, _fmt in ZIP_CONTENTS]
        pdf = PdfReader(io.BytesIO(archive.read(f"{folder}/report.pdf")))
        assert "Multiple myeloma immunotherapy" in pdf.pages[0].extract_text()
        document = docx.Document(io.BytesIO(archive.read(f"{folder}/report.docx")))
        assert any(p.style.name == "Title" for p in document.paragraphs)
        assert json.loads(archive.read(f"{folder}/article.json"))["article"]["id"] == article_id
        assert archive.read(f"{folder}/report.html").startswith(b"<!DOCTYPE html>")
        openpyxl.load_workbook(io.BytesIO(archive.read(f"{folder}/claims.xlsx")))


def test_import_json_round_trip_through_the_command_line(
    reviewed_demo: tuple[str, int], tmp_path: Path
) -> None:
    url, article_id = reviewed_demo
    exported = tmp_path / "demo.json"
    assert run("export", str(article_id), "-o", str(exported), db_url=url).returncode == 0
    target = f"sqlite:///{tmp_path / 'target.db'}"
    done = run("import-json", str(exported), db_url=target)
    assert done.returncode == 0, done.stderr
    again = run("export", done.stdout.strip(), db_url=target)
    copy, original = json.loads(again.stdout), json.loads(exported.read_text(encoding="utf-8"))
    assert [c["text"] for c in copy["claims"]] == [c["text"] for c in original["claims"]]
    assert [c["decision"] and c["decision"]["verdict"] for c in copy["claims"]] == [
        c["decision"] and c["decision"]["verdict"] for c in original["claims"]
    ]
    refused = run("import-json", str(exported), db_url=target)
    assert refused.returncode != 0 and "already here" in refused.stderr


def test_pdf_word_and_excel_exports_open_with_their_readers(
    reviewed_demo: tuple[str, int], tmp_path: Path
) -> None:
    import docx
    import openpyxl
    import pypdf

    url, article_id = reviewed_demo
    files = {}
    for fmt in ("pdf", "docx", "xlsx"):
        files[fmt] = tmp_path / f"report.{fmt}"
        done = run("export", str(article_id), "--format", fmt, "-o", str(files[fmt]), db_url=url)
        assert done.returncode == 0, (fmt, done.stderr)
    pdf_text = "".join(page.extract_text() for page in pypdf.PdfReader(files["pdf"]).pages)
    assert "Misleading" in " ".join(pdf_text.split()) and "One of the significant" in pdf_text
    word = "\n".join(p.text for p in docx.Document(str(files["docx"])).paragraphs)
    assert "Misleading" in word and "One of the significant" in word
    sheet = openpyxl.load_workbook(files["xlsx"])["Claims"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 31  # a header and one row per claim
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_migrate_enable_and_the_readable_split(tmp_path: Path, sqlite_url: str) -> None:
    migrated = run("migrate", db_url=sqlite_url)
    assert migrated.returncode == 0 and "is at revision" in migrated.stderr
    run("user", "add", "sam", "--role", "reviewer", db_url=sqlite_url)
    run("user", "disable", "sam", db_url=sqlite_url)
    assert run("user", "enable", "sam", db_url=sqlite_url).returncode == 0
    assert "sam\treviewer\tyes\t-" in run("user", "list", db_url=sqlite_url).stdout
    readable = run("split", str(WRITERS["md"](tmp_path)), db_url=sqlite_url)
    lines = readable.stdout.splitlines()
    assert any("[What the trials show]" in line and "<absolute>" in line for line in lines)
    assert "claims," in readable.stderr and "checkable" in readable.stderr


def test_team_commands_and_blind_review_on_the_command_line(database: Database) -> None:
    from claims.permissions import Actor
    from db.accounts import actor_for, create_user
    from db.articles import import_file
    from db.queries import claim_page
    from db.reviews import save_review

    url, operator = database.url, Actor.operator("test")
    article = import_file(database, b"Drug A lowers pressure. Drug B lowers sugar.", "t.txt",
                          actor=operator).article_id  # fmt: skip
    rita, raj = (actor_for(create_user(database, operator, n, ["reviewer"], password=n * 6)[0])
                 for n in ("rita", "raj"))  # fmt: skip
    done = run("assign", str(article), "--reviewer", "rita", "--reviewer", "raj", db_url=url)
    assert done.returncode == 0 and "2 new assignment" in done.stderr, done.stderr
    refused = run("assign", str(article), "--reviewer", "nobody", db_url=url)
    assert refused.returncode == 2 and "no user 'nobody'" in refused.stderr
    with database.read() as session:
        first = claim_page(session, operator, article)[0].id
    save_review(database, raj, first, verdict="accurate", certainty="high", submit=True)
    save_review(database, rita, first, verdict="misleading", certainty="low")  # a draft

    as_rita = run("reviews", str(first), "--as", "rita", db_url=url)
    assert [line.split("\t")[1] for line in as_rita.stdout.splitlines()] == ["rita"]
    assert "1 other review(s) hidden by blind review" in as_rita.stderr
    everyone = run("reviews", str(first), db_url=url)  # the operator reads everything
    assert sorted(line.split("\t")[1] for line in everyone.stdout.splitlines()) == ["raj", "rita"]
    export = run("export", str(article), "--as", "rita", db_url=url)
    assert export.returncode == 2 and export.stdout == ""
    assert "export" in export.stderr.lower()

    save_review(database, rita, first, verdict="misleading", certainty="low", submit=True,
                expected_version=1)  # fmt: skip
    as_rita = run("reviews", str(first), "--as", "rita", db_url=url)
    assert sorted(line.split("\t")[1] for line in as_rita.stdout.splitlines()) == ["raj", "rita"]
    figures = run("agreement", "--article", str(article), db_url=url)
    rows = {line.split("\t")[0]: line.split("\t") for line in figures.stdout.splitlines()}
    assert rows["verdict"][1:4] == ["1", "2", "0.000"]


def test_assign_some_claims_then_unassign_and_bad_claim_numbers(database: Database) -> None:
    from claims.permissions import Actor
    from db.accounts import create_user
    from db.articles import import_file
    from db.assignments import article_assignments

    url, operator = database.url, Actor.operator("test")
    article = import_file(database, b"Drug A lowers pressure. Drug B lowers sugar.", "t.txt",
                          actor=operator).article_id  # fmt: skip
    create_user(database, operator, "rita", ["reviewer"], password="rita" * 4)
    bad = run("assign", str(article), "--reviewer", "rita", "--claims", "1,two", db_url=url)
    assert bad.returncode == 2 and "claim numbers separated by commas" in bad.stderr
    missing = run("assign", str(article), "--reviewer", "rita", "--claims", "9", db_url=url)
    assert missing.returncode == 2 and f"Article {article} has no claim 9" in missing.stderr
    done = run("assign", str(article), "--reviewer", "rita", "--claims", "2", db_url=url)
    assert done.returncode == 0 and "1 new assignment" in done.stderr
    with database.read() as session:
        (row,) = article_assignments(session, operator, article)
    assert (row.reviewer, row.whole_article, row.claims) == ("rita", False, 1)
    assert run("unassign", str(article), "--reviewer", "rita", db_url=url).returncode == 0
    again = run("unassign", str(article), "--reviewer", "rita", db_url=url)
    assert again.returncode == 2 and "no assignment in this article" in again.stderr


def test_search_prints_ranked_claims_as_text_and_json_and_refuses_bad_input(
    database: Database,
) -> None:
    from claims.permissions import Actor
    from db.accounts import create_user
    from db.articles import demo_article_bytes, import_file
    from db.assignments import assign
    from db.reviews import save_review

    url = database.url
    article = import_file(database, demo_article_bytes(), "demo.txt", actor=Actor.operator("t"))
    people = {}
    for name in ("rita", "raj"):
        user, _ = create_user(database, Actor.operator("t"), name, ["reviewer"],
                              password="a long password")  # fmt: skip
        people[name] = user
    assign(database, Actor.operator("t"), article.article_id, [u.id for u in people.values()])
    found = json.loads(run("search", "bone", "marrow", "--json", db_url=url).stdout)
    first = found["results"][0]
    assert "bone marrow" in first["text"] and found["complete"]
    assert [first["text"][a:b] for a, b in first["marks"]][:2] == ["bone", "marrow"]
    assert first["review_path"] == f"/review?article={article.article_id}&claim={first['claim_id']}"
    text = run("search", "bone", "marrow", db_url=url).stdout.splitlines()
    assert text and "[bone] [marrow]" in text[0]
    # Blind review: Rita's submitted rationale is found by her, not by Raj before he submits.
    from db.accounts import actor_for

    save_review(
        database, actor_for(people["rita"]), first["claim_id"], verdict="accurate",
        certainty="high", rationale="Haematology atlas agrees.", submit=True,
    )  # fmt: skip
    assert (
        run("search", "haematology", "--as", "rita", "--json", db_url=url).stdout.count(
            '"claim_id"'
        )
        == 1
    )
    hidden = run("search", "haematology", "--as", "raj", db_url=url)
    assert hidden.returncode == 0 and hidden.stdout == "" and "No claim matches" in hidden.stderr
    for bad, says in (
        (["the"], "at least one word"),
        (["bone", "--verdict", "bogus"], "not on the verdict scale"),
        (["bone", "--since", "2025-13-01"], "not a date"),
        (["bone", "--since", "2025-02-01", "--until", "2025-01-01"], "after the"),
        (["bone", "--limit", "0"], "at least 1"),
    ):
        refused = run("search", *bad, db_url=url)
        assert refused.returncode != 0 and says in refused.stderr, (bad, refused.stderr)


def test_match_stores_the_waiting_claims_and_recurring_lists_a_claim_in_three_articles(
    database: Database,
) -> None:
    from claims.permissions import Actor
    from db.accounts import create_user

    url = database.url
    myth = "Vitamin D supplements cure COVID-19 in most patients."
    for n, text in enumerate((myth, myth.replace("cure", "can cure"), f"Doctors say {myth}")):
        run("import", "-", "--title", f"Myths {n}", db_url=url, stdin=f"{text}\n".encode())
    create_user(database, Actor.operator("t"), "rita", ["reviewer"], password="a long password")
    nothing = run("recurring", db_url=url)  # nothing matched yet: the claims wait
    assert nothing.returncode == 0 and "No claim was seen in 3 or more articles" in nothing.stdout
    first = run("match", "--limit", "1", db_url=url)
    assert first.returncode == 0 and "Matched 1 claim in" in first.stdout
    assert "2 still wait" in first.stdout
    rest = run("match", db_url=url)
    assert "Matched 2 claims" in rest.stdout and "none wait" in rest.stdout
    found = json.loads(run("recurring", "--json", db_url=url).stdout)
    assert [(r["articles"], len(r["occurrences"])) for r in found] == [(3, 3)]
    assert {o["verdict_state"] for o in found[0]["occurrences"]} == {"unreviewed"}
    assert "3 articles: Vitamin D supplements cure COVID-19" in run("recurring", db_url=url).stdout
    assert run("recurring", "--articles", "4", db_url=url).stdout.startswith("No claim")
    refused = run("recurring", "--as", "rita", db_url=url)  # an editor's view
    assert refused.returncode != 0 and "may not see every review" in refused.stderr
    bad = run("recurring", "--articles", "1", db_url=url)
    assert bad.returncode != 0 and "at least 2" in bad.stderr
