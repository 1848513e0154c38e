"""Seen before: how well ``claims.matching`` finds an earlier claim that says the same, and how
fast it re-ranks the database's candidates.

The data: tests/data/seen_before_pairs.jsonl, 275 pairs of an earlier and a later claim, each a
paraphrase (the same claim in other words), a negation (the opposite claim) or unrelated (a
claim sharing words but not its point). Every earlier claim goes into one in-memory SQLite
FTS5 table (tokenize='porter unicode61', as the product's database); for each later claim the
candidates are the top 30 by bm25 for an OR of ``search_terms(later)`` (each term quoted), as
the database's query gives them, and ``rank()`` re-ranks them. Measured, for all pairs and for
the held-out pairs (even ids: the matcher's rules and thresholds were tuned on the odd ids only):

- precision at 1: of the later claims whose top match is offered as SAME, the share whose top
  is their own pair and a paraphrase (a wrong "seen before" misleads a reviewer; ``rank``
  puts SAME matches before OPPOSITE and RELATED ones, so the top is SAME whenever any is);
- paraphrases found (recall): the share of paraphrases whose first SAME match is their pair;
- negations offered as the same claim: the share of negations whose own pair is among the
  matches with relation SAME (the opposite claim shown as the same);
- negations shown as opposite: the share whose own pair is among the matches as OPPOSITE;
- unrelated offered as the same claim: the share of unrelated pairs whose own pair is SAME;
- speed: the median time of one ``rank()`` of 30 candidates, each claim analysed afresh
  (the matcher's cache emptied before each call), and with the candidates already analysed.

Baseline, on the same candidates: plain word overlap (Jaccard of lower-cased words without stop
words and plural s), SAME at or above the matcher's threshold, no notion of negation.

Step (in its own process when run by bench/run.py): ``quality``.

Run alone: .venv/bin/python bench/seen_before.py
"""

from __future__ import annotations

import json
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import ROOT, SCALES, Scale, get, row

PAIRS = ROOT / "tests" / "data" / "seen_before_pairs.jsonl"
CANDIDATES = 30
TARGET_PRECISION = 0.9
TARGET_NEGATION_AS_SAME = 0.05
TARGET_RANK_MS = 5.0
SUBSETS = {
    "all": lambda pair: True,
    "held_out": lambda pair: int(pair["id"][1:]) % 2 == 0,
    "tuned": lambda pair: int(pair["id"][1:]) % 2 == 1,
}
_NAIVE_WORD = re.compile(r"[a-z0-9]+")
_NAIVE_STOP = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "have", "in"}
    | {"is", "it", "its", "of", "on", "or", "than", "that", "the", "their", "this", "to", "was"}
    | {"were", "which", "who", "will", "with"}
)


def load_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def earlier_index(pairs: list[dict[str, str]]) -> sqlite3.Connection:
    """Every earlier claim in an in-memory FTS5 table, its rowid the pair's position."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE earlier USING fts5(text, tokenize='porter unicode61')")
    db.executemany(
        "INSERT INTO earlier (rowid, text) VALUES (?, ?)",
        [(n, pair["earlier"]) for n, pair in enumerate(pairs)],
    )
    return db


def candidates(db: sqlite3.Connection, text: str) -> list[tuple[int, str]]:
    """The database's candidates: top 30 by bm25 for an OR of the claim's search terms."""
    from claims.matching import search_terms

    terms = search_terms(text)
    if not terms:
        return []
    expression = " OR ".join(f'"{term}"' for term in terms)
    return db.execute(
        "SELECT rowid, text FROM earlier WHERE earlier MATCH ? ORDER BY bm25(earlier) LIMIT ?",
        (expression, CANDIDATES),
    ).fetchall()


def _naive_words(text: str) -> frozenset[str]:
    words = _NAIVE_WORD.findall(text.lower())
    return frozenset(w.removesuffix("s") for w in words if w not in _NAIVE_STOP)


def naive_rank(claim: str, found: list[tuple[int, str]]) -> list[tuple[int, float, str]]:
    """(key, similarity, relation) by plain word overlap, best first: what the rules improve on."""
    from claims.matching import RELATED, RELATED_FLOOR, SAME, SAME_THRESHOLD

    words = _naive_words(claim)
    scored = []
    for key, text in found:
        other = _naive_words(text)
        similarity = len(words & other) / len(words | other) if words | other else 0.0
        if similarity >= RELATED_FLOOR:
            scored.append((key, similarity, SAME if similarity >= SAME_THRESHOLD else RELATED))
    return sorted(scored, key=lambda match: -match[1])[:5]


def score(
    pairs: list[dict[str, str]],
    ranked: dict[int, list[tuple[int, float, str]]],
    include: Callable[[dict[str, str]], bool],
) -> dict[str, int]:
    """The counts behind each figure, over the pairs ``include`` keeps."""
    from claims.matching import OPPOSITE, SAME

    counts = dict.fromkeys(
        (
            "pairs",
            "top_same",
            "top_same_right",
            "paraphrases",
            "paraphrases_found",
            "negations",
            "negations_as_same",
            "negations_as_opposite",
            "unrelated",
            "unrelated_as_same",
        ),
        0,
    )
    for n, pair in enumerate(pairs):
        if not include(pair):
            continue
        matches = ranked[n]
        counts["pairs"] += 1
        if matches and matches[0][2] == SAME:
            counts["top_same"] += 1
            counts["top_same_right"] += matches[0][0] == n and pair["kind"] == "paraphrase"
        own = {relation for key, _, relation in matches if key == n}
        if pair["kind"] == "paraphrase":
            counts["paraphrases"] += 1
            first_same = next((key for key, _, relation in matches if relation == SAME), None)
            counts["paraphrases_found"] += first_same == n
        elif pair["kind"] == "negation":
            counts["negations"] += 1
            counts["negations_as_same"] += SAME in own
            counts["negations_as_opposite"] += OPPOSITE in own
        else:
            counts["unrelated"] += 1
            counts["unrelated_as_same"] += SAME in own
    return counts


def step_quality(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from claims import matching

    pairs = load_pairs()
    db = earlier_index(pairs)
    found = {n: candidates(db, pair["later"]) for n, pair in enumerate(pairs)}
    ranked = {
        n: [(m.key, m.similarity, m.relation) for m in matching.rank(pair["later"], found[n])]
        for n, pair in enumerate(pairs)
    }
    naive = {n: naive_rank(pair["later"], found[n]) for n, pair in enumerate(pairs)}
    cold, warm = [], []
    for n, pair in enumerate(pairs):
        # Afresh: the matcher caches each claim's analysis (earlier claims recur as candidates
        # of many claims); emptying the cache times the analysis of all 30 too.
        matching._analyse.cache_clear()
        started = time.perf_counter()
        matching.rank(pair["later"], found[n])
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        matching.rank(pair["later"], found[n])
        warm.append(time.perf_counter() - started)
    own_found = sum(any(key == n for key, _ in found[n]) for n in range(len(pairs)))
    return {
        "pairs": len(pairs),
        "candidates_per_claim": statistics.median(len(c) for c in found.values()),
        "own_pair_among_candidates": own_found,
        "same_threshold": matching.SAME_THRESHOLD,
        "related_floor": matching.RELATED_FLOOR,
        "product": {name: score(pairs, ranked, keep) for name, keep in SUBSETS.items()},
        "baseline": {name: score(pairs, naive, keep) for name, keep in SUBSETS.items()},
        "rank_ms_median": 1000 * statistics.median(cold),
        "rank_ms_p90": 1000 * statistics.quantiles(cold, n=10)[-1],
        "rank_ms_median_warm": 1000 * statistics.median(warm),
    }


STEPS = {"quality": step_quality}

# (row name, numerator, denominator, target, whether meeting it is required)
FIGURES = (
    ("precision at 1 of seen before", "top_same_right", "top_same", "≥", TARGET_PRECISION),
    ("paraphrases found (recall)", "paraphrases_found", "paraphrases", "", None),
    ("negations offered as the same claim", "negations_as_same", "negations", "≤", 0.05),
    ("negations shown as opposite", "negations_as_opposite", "negations", "", None),
    ("unrelated offered as the same claim", "unrelated_as_same", "unrelated", "", None),
)
LABELS = {"all": "all {} pairs", "held_out": "{} held-out pairs (even ids)"}


def _share(counts: dict[str, int], numerator: str, denominator: str) -> float | None:
    return counts[numerator] / counts[denominator] if counts[denominator] else None


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    quality = get(measurements, "seen_before.quality")
    if quality is None:
        return []  # the step's failure is its own row
    result = []
    for subset, label in LABELS.items():
        product, baseline = quality["product"][subset], quality["baseline"][subset]
        for name, numerator, denominator, sign, target in FIGURES:
            share = _share(product, numerator, denominator)
            naive = _share(baseline, numerator, denominator)
            met = None
            if target is not None and share is not None:
                met = share >= target if sign == "≥" else share <= target
            result.append(
                row(
                    f"seen before, {label.format(product['pairs'])}: {name}",
                    None if share is None else 100 * share,
                    "%",
                    baseline=None if naive is None else 100 * naive,
                    baseline_name="plain word overlap",
                    ratio=None,
                    target=f"{sign}{100 * target:g}%" if target is not None else "",
                    met=met,
                    peak_mb=quality["peak_mb"],
                    counts=f"{product[numerator]} of {product[denominator]}",
                    baseline_counts=f"{baseline[numerator]} of {baseline[denominator]}",
                    tuned_on_odd_ids=_share(quality["product"]["tuned"], numerator, denominator),
                )
            )
    result.append(
        row(
            f"seen before: rank() of {CANDIDATES} candidates, analysed afresh",
            quality["rank_ms_median"],
            "ms",
            target=f"<{TARGET_RANK_MS:g} ms (median)",
            met=quality["rank_ms_median"] < TARGET_RANK_MS,
            peak_mb=quality["peak_mb"],
            p90_ms=quality["rank_ms_p90"],
            median_ms_candidates_analysed_before=quality["rank_ms_median_warm"],
            candidates_per_claim=quality["candidates_per_claim"],
            own_pair_among_candidates=f"{quality['own_pair_among_candidates']} of "
            f"{quality['pairs']}",
        )
    )
    return result


def main() -> None:
    from run import table

    scale = SCALES["small"]
    measurements = {
        f"seen_before.{name}": {**step(scale, {}), "peak_mb": None} for name, step in STEPS.items()
    }
    print(table(rows(scale, measurements)))


if __name__ == "__main__":
    main()
