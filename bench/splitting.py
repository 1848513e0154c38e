"""Claim splitting: throughput on generated health-style text, against pysbd.

Steps (each in its own process when run by bench/run.py):
- ``product``: ``claims.extraction.split_text`` (claims: sentences, headings, labels, kinds and
  cues) and ``claims.sentences.sentence_spans`` (boundaries only) on the whole text.
- ``pysbd``: pysbd's ``Segmenter(language="en", clean=False, char_span=True)`` on the same text,
  paragraph by paragraph (blank-line chunks, as the product splits a text without blocks):
  in one call pysbd is superlinear (engineering notes).
- ``linear``: ``split_text`` on one paragraph-free text and on its first half (CPU time, the
  least of five runs each): linear time means the whole takes twice as long as the half.
- ``syntok``: syntok's segmenter on the same paragraphs, a second baseline.
- ``accuracy``: the project's sentence-boundary tests (tests/claims/test_sentences.py) by pytest.
- ``cases``: the product's splitter, pysbd and syntok scored on the same public cases (the
  English Golden Rules from pysbd's source distribution, and pragmatic_segmenter's English
  spec when ``CLAIMREVIEW_SBD_SPEC`` names a copy): bench/sentence_cases.py.

Run alone: .venv/bin/python bench/splitting.py [MB]   (default 1)
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import replace
from importlib import metadata
from typing import Any

import textgen
from common import (
    ROOT,
    SCALES,
    Scale,
    best_cpu_seconds,
    cpu_seconds,
    get,
    median_seconds,
    row,
    seconds,
)

# Blank-line chunks, as claims.extraction splits a document without blocks.
PARAGRAPHS = re.compile(r"\n[^\S\n]*+\n\s*+")
TARGET_SPEEDUP = 10.0
LINEAR_TOLERANCE = 1.25  # the whole text may take this much more than twice its first half
SENTENCE_TESTS = "tests/claims/test_sentences.py"


def _warm_up(split: Any) -> None:
    split(textgen.corpus(20_000, seed=99))  # loads the abbreviation, cue and signpost data


def step_product(scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from claims.extraction import split_text
    from claims.sentences import sentence_spans

    text = textgen.corpus(scale.split_bytes)
    _warm_up(split_text)
    claims = split_text(text)
    spans = sentence_spans(text)
    return {
        "bytes": len(text.encode("utf-8")),
        "split_text_s": median_seconds(lambda: split_text(text), 3),
        "split_text_cpu_s": cpu_seconds(lambda: split_text(text)),
        "claims": len(claims),
        "sentence_spans_s": median_seconds(lambda: sentence_spans(text), 3),
        "sentence_spans_cpu_s": cpu_seconds(lambda: sentence_spans(text)),
        "sentences": len(spans),
    }


def step_pysbd(scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    try:
        import pysbd
    except ImportError as error:
        raise RuntimeError("pysbd is not installed: pip install -e '.[bench]'") from error

    text = textgen.corpus(scale.split_bytes)
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    paragraphs = [p for p in PARAGRAPHS.split(text) if p.strip()]

    _warm_up(lambda t: [segmenter.segment(p) for p in PARAGRAPHS.split(t) if p.strip()])
    found: list[int] = []
    # One run: pysbd is slow (the product's figure is the median of three).
    started = time.process_time()
    elapsed = seconds(lambda: found.extend(len(segmenter.segment(p)) for p in paragraphs))
    cpu = time.process_time() - started
    return {
        "bytes": len(text.encode("utf-8")),
        "paragraphs": len(paragraphs),
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "sentences": sum(found),
        "version": getattr(pysbd, "__version__", "?"),
    }


def _syntok_split() -> Any:
    try:
        from syntok import segmenter
    except ImportError as error:
        raise RuntimeError("syntok is not installed: pip install -e '.[bench]'") from error

    def split(text: str) -> list[str]:
        sentences = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                tokens = list(sentence)
                if tokens:
                    last = tokens[-1]
                    sentences.append(text[tokens[0].offset : last.offset + len(last.value)])
        return sentences

    return split


def step_syntok(scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:

    split = _syntok_split()
    text = textgen.corpus(scale.split_bytes)
    paragraphs = [p for p in PARAGRAPHS.split(text) if p.strip()]
    _warm_up(lambda t: [split(p) for p in PARAGRAPHS.split(t) if p.strip()])
    found: list[int] = []
    started = time.process_time()
    elapsed = seconds(lambda: found.extend(len(split(p)) for p in paragraphs))
    return {
        "bytes": len(text.encode("utf-8")),
        "seconds": elapsed,
        "cpu_seconds": time.process_time() - started,
        "sentences": sum(found),
        "version": metadata.version("syntok"),
    }


def step_cases(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    import pysbd
    import sentence_cases

    from claims.sentences import sentence_spans

    splitters = {
        "product": lambda text: [text[s:e] for s, e in sentence_spans(text)],
        # pysbd's default, which like the product keeps the text as written...
        "pysbd": pysbd.Segmenter(language="en", clean=False).segment,
        # ...and with its cleaner, which rewrites it (joins lines, drops markup and dots).
        "pysbd_clean": pysbd.Segmenter(language="en", clean=True).segment,
        "syntok": _syntok_split(),
    }
    sets = [sentence_cases.golden_rules(), *sentence_cases.pragmatic_spec()]
    result: dict[str, Any] = {"spec_environment": sentence_cases.SPEC_ENVIRONMENT}
    for case_set in sets:
        scores = {}
        for name, split in splitters.items():
            right, wrong = sentence_cases.score(split, case_set.cases)
            scores[name] = {"right": right, "wrong": wrong}
        result[case_set.name] = {
            "source": case_set.source,
            "cases": len(case_set.cases),
            "scores": scores,
        }
    return result


def step_linear(scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from claims.extraction import split_text

    text = textgen.paragraph_free(scale.linear_bytes)
    half = text[: text.rfind(" ", 0, len(text) // 2)]  # the first half, cut between words
    _warm_up(split_text)
    return {
        "bytes": len(text.encode("utf-8")),
        "half_bytes": len(half.encode("utf-8")),
        # CPU time, the least of five: a ratio of two short wall times is easily skewed by
        # other work on the machine.
        "cpu_seconds": best_cpu_seconds(lambda: split_text(text), 5),
        "half_cpu_seconds": best_cpu_seconds(lambda: split_text(half), 5),
        "claims": len(split_text(text)),
    }


def step_accuracy(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", SENTENCE_TESTS]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    counts = {
        word: int(number)
        for number, word in re.findall(r"(\d+) (passed|failed|errors?|skipped)", summary)
    }
    return {
        "ok": done.returncode == 0,
        "passed": counts.get("passed", 0),
        "failed": counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0),
        "summary": summary,
    }


STEPS = {
    "product": step_product,
    "pysbd": step_pysbd,
    "syntok": step_syntok,
    "linear": step_linear,
    "accuracy": step_accuracy,
    "cases": step_cases,
}
# The public case sets; the product must score at least what pysbd does (issue 17).
CASE_SETS = ("Golden Rules", "Golden Rules, all", "pragmatic_segmenter English spec")


def rows(scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    product = get(measurements, "splitting.product")
    baseline = get(measurements, "splitting.pysbd")
    linear = get(measurements, "splitting.linear")
    syntok = get(measurements, "splitting.syntok")
    cases = get(measurements, "splitting.cases")
    accuracy = get(measurements, "splitting.accuracy")
    tests_ok = accuracy["ok"] if accuracy else None
    tests = f"{accuracy['passed']} passed, {accuracy['failed']} failed" if accuracy else "not run"
    pysbd_mbs = baseline["bytes"] / 1e6 / baseline["seconds"] if baseline else None
    mb = f"{scale.split_bytes / 1e6:g} MB"
    result = []
    if product:
        for name, key, count in (
            (f"splitting {mb}: split_text (claims)", "split_text", "claims"),
            (f"splitting {mb}: sentence_spans only", "sentence_spans", "sentences"),
        ):
            cpu_ratio = baseline["cpu_seconds"] / product[f"{key}_cpu_s"] if baseline else None
            figure = product["bytes"] / 1e6 / product[f"{key}_s"]
            ratio = figure / pysbd_mbs if pysbd_mbs else None
            result.append(
                row(
                    name,
                    figure,
                    "MB/s",
                    baseline=pysbd_mbs,
                    baseline_name="pysbd per paragraph",
                    target=f"≥{TARGET_SPEEDUP:g}× pysbd; sentence tests pass",
                    met=None if ratio is None else ratio >= TARGET_SPEEDUP and bool(tests_ok),
                    peak_mb=product["peak_mb"],
                    baseline_peak_mb=baseline["peak_mb"] if baseline else None,
                    seconds=product[f"{key}_s"],
                    speedup_in_cpu_time=cpu_ratio,
                    **{count: product[count]},
                    pysbd_sentences=baseline["sentences"] if baseline else None,
                    sentence_tests=tests,
                )
            )
    if product and syntok:
        figure = product["bytes"] / 1e6 / product["sentence_spans_s"]
        baseline_mbs = syntok["bytes"] / 1e6 / syntok["seconds"]
        result.append(
            row(
                f"splitting {mb}: sentence_spans against syntok",
                figure,
                "MB/s",
                baseline=baseline_mbs,
                baseline_name=f"syntok {syntok['version']} per paragraph",
                target="(a second baseline)",
                syntok_sentences=syntok["sentences"],
            )
        )
    for case_set in CASE_SETS:
        measured = cases.get(case_set) if cases else None
        if measured is None:
            if cases and case_set == CASE_SETS[-1]:
                result.append(
                    row(
                        f"sentence cases: {case_set}",
                        None,
                        "right",
                        target="≥ pysbd",
                        note=f"not scored: set {cases['spec_environment']} to a copy of "
                        "spec/pragmatic_segmenter/languages/english_spec.rb",
                    )
                )
            continue
        scores = measured["scores"]
        ours, theirs = scores["product"]["right"], scores["pysbd"]["right"]
        result.append(
            row(
                f"sentence cases: {case_set} ({measured['cases']})",
                ours,
                "right",
                baseline=theirs,
                baseline_name="pysbd",
                target="≥ pysbd",
                met=ours >= theirs,
                syntok=scores["syntok"]["right"],
                pysbd_with_its_cleaner=scores["pysbd_clean"]["right"],
                wrong={name: score["wrong"] for name, score in scores.items()},
                source=measured["source"],
            )
        )
    if linear:
        # Linear time: the whole text takes about twice as long as its first half.
        expected = linear["half_cpu_seconds"] * linear["bytes"] / linear["half_bytes"]
        ratio = linear["cpu_seconds"] / expected
        result.append(
            row(
                f"splitting {scale.linear_bytes / 1e6:g} MB paragraph-free",
                linear["cpu_seconds"],
                "s CPU",
                baseline=expected,
                baseline_name="2× its first half",
                ratio=ratio,
                target=f"≤{LINEAR_TOLERANCE:g}× (linear)",
                met=ratio <= LINEAR_TOLERANCE,
                peak_mb=linear["peak_mb"],
                half_cpu_seconds=linear["half_cpu_seconds"],
                claims=linear["claims"],
                paragraphed_cpu_seconds_per_mb=(
                    product["split_text_cpu_s"] / (product["bytes"] / 1e6) if product else None
                ),
            )
        )
    return result


def main(megabytes: float) -> None:
    scale = replace(SCALES["small"], split_bytes=int(megabytes * 1e6))
    measurements = {
        f"splitting.{n}": {**step(scale, {}), "peak_mb": None} for n, step in STEPS.items()
    }
    for line in rows(scale, measurements):
        print(line)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
