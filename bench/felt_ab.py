"""Two builds of claimreview side by side: the same clicks on both, alternated, in one browser.

A full run of ``bench/felt.py`` swings by ±0.3 of the trivial click between runs on this
machine, so a change is judged by this instead: two servers, each from its own source tree
(``git worktree add /tmp/a <commit>``), each with its own copy of one article, and one browser
that clicks on A, then on B, then on A again, so that whatever the machine is doing falls on
both alike. Timed as ``bench/felt.py`` times a click (in the page, until the new claim is
painted and the script has finished).

    .venv/bin/python bench/felt_ab.py /tmp/a /tmp/b --clicks 30 --claims 2000 --what next submit

Prints each build's median and mean per click kind, and B against A in percent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import felt


def _server(stack: ExitStack, tree: Path, claims: int, clicks: int, context: dict) -> dict:
    folder = stack.enter_context(felt.work_folder(context))
    setup = felt.prepare(folder, claims, clicks + felt.WARMUPS + 2)
    env = {"CLAIMREVIEW_DATABASE_URL": setup["url"], "PYTHONPATH": str(tree)}
    base = stack.enter_context(felt.served(felt.serve_command(), folder, env))
    return {"setup": setup, "base": base, "tree": str(tree)}


class _Next:
    """Next → from the first claim on, back to the first at the last one (untimed)."""

    def __init__(self, browser: Any, server: dict) -> None:
        self.server, self.setup = server, server["setup"]
        self.page = felt.log_in(browser, server["base"], self.setup["reviewers"][0])
        self._first()

    def _first(self) -> None:
        first_id, first_ordinal, _ = self.setup["claims"][0]
        felt.open_claim(self.page, self.server["base"], self.setup["article"], first_id,
                        first_ordinal)  # fmt: skip

    def click(self) -> float:
        button = self.page.get_by_role("button", name=felt.NEXT)
        if button.is_disabled():
            self._first()
        return felt.timed_click(self.page, button, felt.CLAIM_HEADER)["ms"]


class _Submit:
    """Submit & next with the first verdict and certainty, reviewer after reviewer."""

    def __init__(self, browser: Any, server: dict) -> None:
        self.browser, self.server, self.setup = browser, server, server["setup"]
        self.checkable = [(i, o) for i, o, c in self.setup["claims"] if c]
        self.reviewers = iter(self.setup["reviewers"])
        self.page: Any = None
        self.submitted: set[str] = set()

    def _new_reviewer(self) -> None:
        if self.page is not None:
            self.page.context.close()
        self.page = felt.log_in(self.browser, self.server["base"], next(self.reviewers))
        self.submitted = set()
        felt.open_claim(self.page, self.server["base"], self.setup["article"], *self.checkable[0])

    def click(self) -> float:
        current = felt.shown(self.page, felt.CLAIM_HEADER) if self.page else None
        if self.page is None or not {str(o) for _, o in self.checkable} - self.submitted - {
            current
        }:
            self._new_reviewer()
            current = str(self.checkable[0][1])
        felt.choose(self.page, "verdict")
        felt.choose(self.page, "certainty")
        button = self.page.get_by_role("button", name=felt.SUBMIT_AND_NEXT)
        timing = felt.timed_click(self.page, button, felt.CLAIM_HEADER)
        self.submitted.add(current)
        return timing["ms"]


KINDS = {"next": _Next, "submit": _Submit}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="source tree of build A (the baseline)")
    parser.add_argument("b", type=Path, help="source tree of build B (the change)")
    parser.add_argument("--clicks", type=int, default=30, help="timed clicks per build and kind")
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--what", nargs="+", choices=sorted(KINDS), default=["next", "submit"])
    args = parser.parse_args(argv)
    times: dict[tuple[str, str], list[float]] = {}
    with ExitStack() as stack:
        servers = {
            name: _server(stack, tree.resolve(), args.claims, args.clicks, {})
            for name, tree in (("A", args.a), ("B", args.b))
        }
        browser = stack.enter_context(felt.chromium())
        for kind in args.what:
            clickers = {name: KINDS[kind](browser, server) for name, server in servers.items()}
            for _ in range(felt.WARMUPS):
                for clicker in clickers.values():
                    clicker.click()
            for _ in range(args.clicks):
                for name, clicker in clickers.items():
                    times.setdefault((kind, name), []).append(clicker.click())
    for kind in args.what:
        a, b = times[(kind, "A")], times[(kind, "B")]
        ma, mb = statistics.median(a), statistics.median(b)
        print(
            f"{kind:7} A median {ma:6.1f} mean {statistics.fmean(a):6.1f} · "
            f"B median {mb:6.1f} mean {statistics.fmean(b):6.1f} · "
            f"B/A {100 * (mb / ma - 1):+.1f}% by the median, "
            f"{100 * (statistics.fmean(b) / statistics.fmean(a) - 1):+.1f}% by the mean "
            f"({len(a)} clicks each)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
