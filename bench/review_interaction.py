"""Server time of the reviewer's two commonest interactions, at 20 and at 2,000 claims.

Run: .venv/bin/python bench/review_interaction.py [N ...]   (default 20 2000)
Measures AppTest's full script run (what the server spends per click) for "Submit and next
unreviewed" and for "Next →", as the median of repeated clicks on one article of N claims.
AppTest compiles the page scripts afresh on every run, which a server does once per script:
``compile_once`` gives AppTest one script cache for all its runs, as the server has.
Alone it uses a new database per size; bench/run.py (bench/interaction.py) calls ``measure``
on a copy of its large generated database, and ``empty_page_rerun`` for the floor.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit.testing.v1.app_test as app_test_module
import streamlit.testing.v1.local_script_runner as local_runner_module
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

REPEATS = 15
ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "review_app" / "app.py")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run alone: the tests' helpers that click in components


def compile_once() -> None:
    """Make every AppTest run share one script cache, like a server's runs (not the default)."""
    shared = ScriptCache()
    # AppTest makes new ones per run: one for the entry script, one for the pages.
    app_test_module.ScriptCache = local_runner_module.ScriptCache = lambda: shared


def article_text(claims: int) -> str:
    sentences = [
        f"Trial {i} found that drug {i % 7} lowered blood pressure by {i % 9 + 2} mmHg in adults."
        for i in range(claims)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, claims, 5)]
    return "\n\n".join(paragraphs) + "\n"


def measure(claims: int, url: str | None = None, repeats: int = REPEATS) -> dict[str, float]:
    """Median milliseconds per click on a new article of ``claims`` claims.

    ``url``: the database to add the article and its reviewer to (default: a new one).
    """
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    os.environ["CLAIMREVIEW_DATABASE_URL"] = url
    from claims.permissions import Actor
    from db.accounts import create_user
    from db.articles import import_file
    from db.engine import Database
    from db.setup import prepare_database
    from review_app import resources

    resources.database.clear()
    database = prepare_database(Database(url))
    operator = Actor.operator("bench")
    result = import_file(database, article_text(claims).encode(), "bench.txt", actor=operator)
    assert result.claim_count == claims, result
    user, _ = create_user(
        database, operator, f"bench-{claims}", ["reviewer"], password="bench password"
    )
    database.dispose()

    compile_once()
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["auth_user_id"] = user.id
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/review.py")
    at.run()
    timings: dict[str, list[float]] = {
        name: [] for name in ("submit and next", "move to a claim", "submit cpu", "move cpu")
    }

    def timed(name: str, cpu_name: str, click: Callable[[], object]) -> None:
        start, cpu = time.perf_counter(), time.process_time()  # the script runs in a thread
        click()
        timings[name].append(time.perf_counter() - start)
        timings[cpu_name].append(time.process_time() - cpu)
        assert not at.exception, at.exception

    from tests.app.conftest import save, send_choice

    for _ in range(repeats):
        # As the rating picker sends a click (AppTest cannot click in a component).
        send_choice(at, verdict="accurate", certainty="high")
        timed("submit and next", "submit cpu", lambda: save(at, "Submit & next"))
        forward = next(b for b in at.button if b.label == "Next →")
        (
            forward if not forward.disabled else next(b for b in at.button if "Previous" in b.label)
        ).click()
        timed("move to a claim", "move cpu", at.run)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def empty_page_rerun(repeats: int = 30) -> tuple[float, float]:
    """Median milliseconds (wall, CPU) of an empty Streamlit page's rerun: any click's floor."""
    compile_once()
    at = AppTest.from_string("import streamlit as st\n", default_timeout=60)
    at.run()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main(sizes: list[int]) -> None:
    print("empty page rerun: {:.1f} ms ({:.1f} ms CPU)".format(*empty_page_rerun()))
    print(f"{'claims':>7}  {'submit and next (ms)':>21}  {'move to a claim (ms)':>21}  (CPU ms)")
    for size in sizes:
        f = measure(size)
        print(
            f"{size:>7}  {f['submit and next']:>21.1f}  {f['move to a claim']:>21.1f}"
            f"  ({f['submit cpu']:.1f}, {f['move cpu']:.1f})"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 2000])
