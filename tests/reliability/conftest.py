"""Reliability runs: their size, and one table of the figures they measured.

Size. ``CLAIMREVIEW_RELIABILITY=full`` selects the full counts (``make reliability``); anything
else, or nothing, the quick counts that run inside ``make test``. Tests read the counts from
the ``reliability_scale`` fixture (a :class:`Scale`), never from the environment themselves.

Figures. Any test in this folder may record what it measured through the session-wide
``reliability_figures`` fixture (a :class:`Figures`)::

    def test_something(reliability_figures, database):
        section = f"backup ({database.dialect})"   # one section per suite and database
        reliability_figures.record(section, "backups taken", 12)
        reliability_figures.add(section, "restores verified")          # a counter: +1
        reliability_figures.record(section, "rows lost", 0, expected=0)  # must be 0

``record`` sets a value (a number or a short text), ``add`` adds to a counter (starting at 0),
and ``expected=`` states the value a figure must have: the table marks a figure that differs
with ``FAIL``, and the JSON lists it under ``violations``. Marking is for the reader; the test
itself must still assert, so that the run exits non-zero. Sections and names appear in the
order they were first recorded.

At the end of the session the figures are printed as one table (``pytest_terminal_summary``),
and written as JSON to the path in ``CLAIMREVIEW_RELIABILITY_REPORT`` when that is set::

    {"mode": "quick" | "full", "scale": {...}, "figures": {section: {name: value}},
     "expected": {section: {name: value}}, "violations": ["section: name = value, expected x"]}
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

MODE_ENV = "CLAIMREVIEW_RELIABILITY"
REPORT_ENV = "CLAIMREVIEW_RELIABILITY_REPORT"


@dataclass(frozen=True)
class Scale:
    """How much each reliability suite does."""

    mode: str  # "quick" or "full"
    reviewers: int  # concurrent reviewer processes
    saves_per_reviewer: int
    crash_trials: int  # per database
    crash_max_delay: float  # seconds a crash child works at most before it is killed


QUICK = Scale("quick", reviewers=4, saves_per_reviewer=25, crash_trials=10, crash_max_delay=0.8)
FULL = Scale("full", reviewers=32, saves_per_reviewer=500, crash_trials=100, crash_max_delay=1.5)


def current_scale() -> Scale:
    return FULL if os.environ.get(MODE_ENV, "").strip().lower() == "full" else QUICK


Value = int | float | str


class Figures:
    """Figures by section and name, in the order first recorded."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, Value]] = {}
        self.expected: dict[str, dict[str, Value]] = {}

    def record(self, section: str, name: str, value: Value, *, expected: Value | None = None):
        self.values.setdefault(section, {})[name] = value
        if expected is not None:
            self.expected.setdefault(section, {})[name] = expected

    def add(
        self, section: str, name: str, amount: int | float = 1, *, expected: Value | None = None
    ) -> None:
        current = self.values.get(section, {}).get(name, 0)
        if not isinstance(current, int | float):
            raise TypeError(f"{section}: {name} holds {current!r}, not a number")
        self.record(section, name, current + amount, expected=expected)

    def get(self, section: str, name: str) -> Value | None:
        return self.values.get(section, {}).get(name)

    def violations(self) -> list[str]:
        return [
            f"{section}: {name} = {self.values.get(section, {}).get(name)!r}, expected {want!r}"
            for section, wanted in self.expected.items()
            for name, want in wanted.items()
            if self.values.get(section, {}).get(name) != want
        ]

    def table(self) -> list[str]:
        rows = [
            (section, name, _show(value), self._mark(section, name))
            for section, named in self.values.items()
            for name, value in named.items()
        ]
        if not rows:
            return []
        widths = [
            max(len(r[i]) for r in [("section", "figure", "value", ""), *rows]) for i in (0, 1, 2)
        ]
        lines = []
        previous = None
        for section, name, value, mark in rows:
            shown = section if section != previous else ""
            previous = section
            line = f"{shown:<{widths[0]}}  {name:<{widths[1]}}  {value:>{widths[2]}}  {mark}"
            lines.append(line.rstrip())
        header = f"{'section':<{widths[0]}}  {'figure':<{widths[1]}}  {'value':>{widths[2]}}"
        return [header, "-" * len(header), *lines]

    def _mark(self, section: str, name: str) -> str:
        wanted = self.expected.get(section, {})
        if name not in wanted:
            return ""
        if self.values[section][name] == wanted[name]:
            return f"(must be {_show(wanted[name])}: ok)"
        return f"FAIL (must be {_show(wanted[name])})"

    def report(self) -> dict[str, Any]:
        scale = current_scale()
        return {
            "mode": scale.mode,
            "scale": asdict(scale),
            "figures": self.values,
            "expected": self.expected,
            "violations": self.violations(),
        }


def _show(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


_FIGURES = pytest.StashKey[Figures]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_FIGURES] = Figures()


@pytest.fixture(scope="session")
def reliability_figures(pytestconfig: pytest.Config) -> Figures:
    """The session's figures: ``record(section, name, value, expected=...)`` and ``add``."""
    return pytestconfig.stash[_FIGURES]


@pytest.fixture(scope="session")
def reliability_scale() -> Scale:
    """The counts for this run: quick (default) or full (CLAIMREVIEW_RELIABILITY=full)."""
    return current_scale()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    figures = config.stash.get(_FIGURES, None)
    if figures is None:
        return
    if figures.values:
        terminalreporter.section(f"reliability figures ({current_scale().mode})")
        for line in figures.table():
            terminalreporter.write_line(line)
    target = os.environ.get(REPORT_ENV, "").strip()
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures.report(), indent=2) + "\n", encoding="utf-8")
        terminalreporter.write_line(f"figures written to {path}")
