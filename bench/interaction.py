"""Reviewer interaction: server time of "Submit and next unreviewed" on the review page.

Steps (each in its own process; the article steps on the run's copy of the generated database):
- ``floor``: an empty Streamlit page's rerun (AppTest), the baseline of every page.
- ``small`` and ``large``: bench/review_interaction.py's ``measure`` on a new article of 20
  and of 2,000 claims added to that database (median of repeated clicks).
"""

from __future__ import annotations

from typing import Any

from common import Scale, get, quiet_streamlit, row

TARGET_MS = 25.0
TARGET_GROWTH = 1.2


def step_floor(_scale: Scale, _context: dict[str, Any]) -> dict[str, Any]:
    from review_interaction import empty_page_rerun

    quiet_streamlit()

    wall, cpu = empty_page_rerun()
    return {"ms": wall, "cpu_ms": cpu}


def _article(claims: int, scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    from review_interaction import measure

    quiet_streamlit()

    figures = measure(claims, context["database_url"], repeats=scale.interaction_repeats)
    return {
        "claims": claims,
        "database_claims": context.get("database_claims"),
        "ms": figures["submit and next"],
        "cpu_ms": figures["submit cpu"],
        "move_ms": figures["move to a claim"],
        "move_cpu_ms": figures["move cpu"],
    }


def step_small(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _article(scale.interaction_claims[0], scale, context)


def step_large(scale: Scale, context: dict[str, Any]) -> dict[str, Any]:
    return _article(scale.interaction_claims[1], scale, context)


STEPS = {"floor": step_floor, "small": step_small, "large": step_large}


def rows(_scale: Scale, measurements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    floor = get(measurements, "interaction.floor")
    small = get(measurements, "interaction.small")
    large = get(measurements, "interaction.large")
    floor_ms = floor["ms"] if floor else None
    result = []
    if floor:
        result.append(
            row(
                "streamlit: empty page rerun",
                floor_ms,
                "ms",
                target="(the baseline of pages)",
                peak_mb=floor["peak_mb"],
                cpu_ms=floor["cpu_ms"],
            )
        )
    if small:
        result.append(
            row(
                f"review: submit and next, {small['claims']:,} claims",
                small["ms"],
                "ms",
                baseline=floor_ms,
                baseline_name="empty page rerun",
                target=f"<{TARGET_MS:g} ms",
                met=small["ms"] < TARGET_MS,
                peak_mb=small["peak_mb"],
                database_claims=small["database_claims"],
                cpu_ms=small["cpu_ms"],
                move_to_a_claim_ms=small["move_ms"],
                move_to_a_claim_cpu_ms=small["move_cpu_ms"],
            )
        )
    if large:
        growth = large["ms"] / small["ms"] if small else None
        result.append(
            row(
                f"review: submit and next, {large['claims']:,} claims",
                large["ms"],
                "ms",
                baseline=small["ms"] if small else None,
                baseline_name=f"same at {small['claims']:,} claims" if small else None,
                target=f"≤{TARGET_GROWTH:g}× and <{TARGET_MS:g} ms",
                met=None if growth is None else growth <= TARGET_GROWTH and large["ms"] < TARGET_MS,
                peak_mb=large["peak_mb"],
                database_claims=large["database_claims"],
                cpu_ms=large["cpu_ms"],
                move_to_a_claim_ms=large["move_ms"],
                move_to_a_claim_cpu_ms=large["move_cpu_ms"],
                cpu_growth=large["cpu_ms"] / small["cpu_ms"] if small else None,
                times_empty_page=large["ms"] / floor_ms if floor_ms else None,
            )
        )
    return result
