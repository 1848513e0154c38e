"""What every benchmark module shares: the scales, timing helpers and the row format.

Importing this module stays cheap (standard library only), so the runner's own process, which
imports every measure module to list its steps, stays small.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
if str(ROOT) not in sys.path:  # measures share the test suite's helpers (tests/browser/chromium.py)
    sys.path.append(str(ROOT))


@dataclass(frozen=True)
class Scale:
    name: str
    split_bytes: int  # the health-style text split by the product and by pysbd
    linear_bytes: int  # the paragraph-free text (and its first half, for the doubling check)
    ingest_articles: int
    article_chars: int  # mean size of a generated article
    database_claims: int  # the database the reviewer and dashboard pages run on
    interaction_claims: tuple[int, int]  # the small and the large article of the review page
    export_claims: int
    interaction_repeats: int
    page_repeats: int
    export_repeats: int
    felt_repeats: int  # timed clicks per button in a real browser (bench/felt.py)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SCALES = {
    "small": Scale(
        name="small",
        split_bytes=1_000_000,
        linear_bytes=1_000_000,
        ingest_articles=200,
        article_chars=6000,
        database_claims=20_000,
        interaction_claims=(20, 2000),
        export_claims=200,
        interaction_repeats=10,
        page_repeats=5,
        export_repeats=3,
        felt_repeats=7,
    ),
    "full": Scale(
        name="full",
        split_bytes=5_000_000,
        linear_bytes=1_000_000,
        ingest_articles=10_000,
        article_chars=6000,
        database_claims=1_000_000,
        interaction_claims=(20, 2000),
        export_claims=2000,
        interaction_repeats=15,
        page_repeats=5,
        export_repeats=3,
        felt_repeats=15,
    ),
}


def peak_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux, VmHWM of /proc/self/status: ``ru_maxrss`` would also count the parent's memory
    at the time it started this process (Linux carries it over across exec).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    return statistics.median(seconds(action) for _ in range(repeats))


def cpu_seconds(action: Callable[[], object]) -> float:
    """This process's CPU time for ``action``: less disturbed than wall time on a busy machine."""
    started = time.process_time()
    action()
    return time.process_time() - started


def best_cpu_seconds(action: Callable[[], object], repeats: int) -> float:
    return min(cpu_seconds(action) for _ in range(repeats))


def quiet_streamlit() -> None:
    """Silence the warnings Streamlit repeats on every AppTest run outside a server ("missing
    ScriptRunContext", "No runtime found"); a page's own errors still fail its step."""
    import logging

    for name in (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).disabled = True


def row(
    name: str,
    figure: float | None,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_name: str | None = None,
    ratio: float | None = None,
    target: str = "",
    met: bool | None = None,
    peak_mb: float | None = None,
    **details: Any,
) -> dict[str, Any]:
    """One line of the table. ``ratio`` defaults to figure / baseline."""
    if ratio is None and figure is not None and baseline:
        ratio = figure / baseline
    result = {
        "name": name,
        "figure": figure,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "ratio": ratio,
        "target": target,
        "met": met,
        "peak_mb": peak_mb,
    }
    if details:
        result["details"] = details
    return result


def failed_row(name: str, error: str) -> dict[str, Any]:
    short = error if len(error) <= 60 else error[:59] + "…"
    return row(name, None, "", target=f"step failed: {short}", met=False, error=error)


def get(measurements: dict[str, dict[str, Any]], step: str) -> dict[str, Any] | None:
    """A step's measurement, or None when the step failed (its error is reported elsewhere)."""
    found = measurements.get(step)
    return found if found and "error" not in found else None
