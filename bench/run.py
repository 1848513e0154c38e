"""The benchmark suite: every measure against its baseline from the same run, as one table.

    .venv/bin/python bench/run.py [--scale small|full] [--output bench/results.json]

Each step runs in its own Python process (this file again, with ``--step``), so its peak memory
is its own and no step's caches or warm imports help another. The measure modules (splitting,
pages, ingest, benchdb, interaction, felt, dashboards, exports) each list their steps in
``STEPS`` and turn the steps' measurements into table rows in ``rows``. Prints the table and
writes JSON with the date, the machine, the scale, the rows and every step's raw measurements.

``--scale small`` is a quick look (a few minutes); ``full`` uses the sizes of the issue and
builds the 1,000,000-claim database once (data/bench-full.db, reused by later runs).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import DATA, ROOT, SCALES, Scale, failed_row, peak_mb

# The table's order.
MODULES = [
    "splitting",
    "pages",
    "ingest",
    "benchdb",
    "interaction",
    "felt",
    "dashboards",
    "exports",
    "search",
    "seen_before",
]
# The order the steps run in: the database before the pages that use it, and the dashboards
# before the review steps add their articles to it. felt (clicks in a real browser) brings its
# own servers and databases.
RUN_ORDER = [
    "splitting",
    "pages",
    "ingest",
    "benchdb",
    "dashboards",
    "search",
    "interaction",
    "felt",
    "exports",
    "seen_before",
]


def run_child(step: str, scale: Scale, context_file: Path, result_file: Path) -> int:
    """Run one step in this process and write its measurement (with peak memory) as JSON."""
    module_name, name = step.split(".", 1)
    context = json.loads(context_file.read_text("utf-8"))
    try:
        measurement = importlib.import_module(module_name).STEPS[name](scale, context)
        status = 0
    except Exception as error:  # reported in the table; the other steps still run
        traceback.print_exc()
        measurement, status = {"error": f"{type(error).__name__}: {error}"}, 1
    measurement["peak_mb"] = peak_mb()
    result_file.write_text(json.dumps(measurement, indent=1, default=str), "utf-8")
    return status


def run_step(step: str, scale: Scale, context: dict[str, Any], run_dir: Path) -> dict[str, Any]:
    context_file = run_dir / "context.json"
    context_file.write_text(json.dumps(context), "utf-8")
    result_file = run_dir / f"{step}.json"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--step", step, "--scale", scale.name]
    command += ["--context", str(context_file), "--result", str(result_file)]
    print(f"» {step} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    # The child's output goes to stderr: stdout is the table's.
    done = subprocess.run(command, cwd=ROOT, stdout=sys.stderr, check=False)
    wall = time.perf_counter() - started
    if result_file.exists():
        measurement = json.loads(result_file.read_text("utf-8"))
    else:
        measurement = {"error": f"the step's process ended with status {done.returncode}"}
    measurement["wall_s"] = wall
    outcome = measurement.get("error") or f"{wall:.1f} s, peak {measurement['peak_mb']:.0f} MiB"
    print(f"  {step}: {outcome}", file=sys.stderr, flush=True)
    return measurement


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):  # a count: "47 right", not "47.0 right"
        return f"{value:,}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(rows: list[dict[str, Any]]) -> str:
    header = ["measure", "figure", "baseline", "ratio", "target", "met", "peak MiB"]
    lines = [header]
    for r in rows:
        unit = r["unit"]
        baseline = (
            f"{_number(r['baseline'])} {unit} ({r['baseline_name']})"
            if r["baseline"] is not None
            else "—"
        )
        met = {True: "yes", False: "NO", None: "—"}[r["met"]]
        lines.append(
            [
                r["name"],
                f"{_number(r['figure'])} {unit}".strip(),
                baseline,
                f"{r['ratio']:.2f}×" if r["ratio"] is not None else "—",
                r["target"],
                met,
                _number(r["peak_mb"]),
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {1, 3, 6}
    out = []
    for n, line in enumerate(lines):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def calibration_seconds() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine runs Python right now.

    Shared machines drift (the same code measured 1.4x slower an hour apart on the development
    machine); this figure, taken at the start and the end of a run, says how fast it was.
    """
    started = time.process_time()
    total = 0
    for number in range(5_000_000):
        total += number
    return time.process_time() - started


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument(
        "--only", help="comma-separated measure modules to run: " + ", ".join(MODULES)
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's working folder")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--context", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    if args.step:
        return run_child(args.step, scale, args.context, args.result)

    modules = MODULES
    if args.only:
        modules = [m.strip() for m in args.only.split(",")]
        unknown = set(modules) - set(MODULES)
        if unknown:
            parser.error(f"unknown measures: {', '.join(sorted(unknown))}")
        if {"interaction", "dashboards"} & set(modules) and "benchdb" not in modules:
            modules.insert(0, "benchdb")
        modules.sort(key=MODULES.index)
    DATA.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix=f"bench-run-{scale.name}-", dir=DATA))
    started_at, started, load = datetime.now(UTC), time.perf_counter(), machine()["load_average"]
    speed_before = calibration_seconds()
    context: dict[str, Any] = {"run_dir": str(run_dir)}
    measurements: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    try:
        for module_name in sorted(modules, key=RUN_ORDER.index):
            for name in importlib.import_module(module_name).STEPS:
                step = f"{module_name}.{name}"
                measurements[step] = run_step(step, scale, context, run_dir)
                context.update(measurements[step].get("context", {}))
        for module_name in modules:
            rows += importlib.import_module(module_name).rows(scale, measurements)
    finally:
        if args.keep:
            print(f"kept {run_dir}", file=sys.stderr)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    rows += [
        failed_row(step, found["error"]) for step, found in measurements.items() if "error" in found
    ]
    speed = {"start": round(speed_before, 3), "end": round(calibration_seconds(), 3)}
    result = {
        "date": started_at.isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_start": load, "calibration_cpu_s": speed},
        "scale": scale.to_dict(),
        "duration_s": round(time.perf_counter() - started, 1),
        "rows": rows,
        "steps": measurements,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, default=str) + "\n", "utf-8")
    print(table(rows))
    cpus, end = result["machine"]["cpus"], result["machine"]["load_average"]
    print(
        f"\nscale {scale.name}; {cpus} CPUs, {result['machine']['platform']}; "
        f"{result['duration_s']:.0f} s; written to {args.output}"
    )
    print(
        f"Machine speed: a fixed Python loop took {speed['start']:.2f} s of CPU at the start and "
        f"{speed['end']:.2f} s at the end (the less, the faster); compare runs by it."
    )
    if load and end and cpus and max(load[0], end[0]) > cpus:
        print(
            f"The machine was busy (load average {load[0]:.1f} at the start, {end[0]:.1f} at the "
            f"end, on {cpus} CPUs): times are longer than on an idle machine. The pages' CPU "
            "times are in the JSON rows' details."
        )
    return 1 if any("error" in found for found in measurements.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
