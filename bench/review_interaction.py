"""Server time of the reviewer's two commonest interactions, at 20 and at 2,000 claims.

Run: .venv/bin/python bench/review_interaction.py [N ...]   (default 20 2000)
Measures AppTest's full script run (what the server spends per click) for "Submit and next
unreviewed" and for "Next →", as the median of repeated clicks on one article of N claims.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPEATS = 15


def article_text(claims: int) -> str:
    sentences = [
        f"Trial {i} found that drug {i % 7} lowered blood pressure by {i % 9 + 2} mmHg in adults."
        for i in range(claims)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, claims, 5)]
    return "\n\n".join(paragraphs) + "\n"


def measure(claims: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
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
    user, _ = create_user(database, operator, "bench", ["reviewer"], password="bench password")

    app = str(Path(__file__).resolve().parent.parent / "review_app" / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.session_state["auth_user_id"] = user.id
    at.query_params["article"] = str(result.article_id)
    at.switch_page("views/review.py")
    at.run()
    timings: dict[str, list[float]] = {"submit and next": [], "move to a claim": []}
    for _ in range(REPEATS):
        for box, value in (("_verdict", "accurate"), ("_certainty", "high")):
            next(w for w in at.selectbox if w.key and w.key.endswith(box)).set_value(value)
        at.run()
        button = next(b for b in at.button if b.label == "Submit and next unreviewed")
        button.click()
        start = time.perf_counter()
        at.run()
        timings["submit and next"].append(time.perf_counter() - start)
        forward = next(b for b in at.button if b.label == "Next →")
        (
            forward if not forward.disabled else next(b for b in at.button if "Previous" in b.label)
        ).click()
        start = time.perf_counter()
        at.run()
        timings["move to a claim"].append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def main(sizes: list[int]) -> None:
    print(f"{'claims':>7}  {'submit and next (ms)':>21}  {'move to a claim (ms)':>21}")
    for size in sizes:
        figures = measure(size)
        print(
            f"{size:>7}  {figures['submit and next']:>21.1f}  {figures['move to a claim']:>21.1f}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 2000])
