"""The claim map: an article's claims in order as a strip coloured by their current finding.

Each cell links to the review page at that claim; the tooltip and the table beside it give the
finding as words, so the strip is readable without colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from claims.scales import default_scales

# Colour-blind-safe hues (Okabe-Ito), ordered from supported to unsupported; greys for no finding.
VERDICT_COLOURS = {
    "accurate": "#009E73",
    "mostly_accurate": "#56B4E9",
    "needs_context": "#F0E442",
    "misleading": "#E69F00",
    "inaccurate": "#D55E00",
    "unsupported": "#CC79A7",
    "not_checkable": "#999999",
    "disagreement": "#000000",
    "unreviewed": "#DDDDDD",
    "not_a_claim": "#FFFFFF",
}
CERTAINTY_COLOURS = {
    "high": "#08519C",
    "moderate": "#3182BD",
    "low": "#9ECAE1",
    "very_low": "#E69F00",
    "no_evidence": "#D55E00",
    "not_rated": "#DDDDDD",
    "not_a_claim": "#FFFFFF",
}
STATE_LABELS = {
    "disagreement": "Reviewers disagree",
    "unreviewed": "Not reviewed",
    "not_rated": "Not rated",
    "not_a_claim": "Not checkable (set aside)",
}


def finding_labels() -> dict[str, str]:
    """Every verdict and certainty code, and the states, as the words a reviewer reads."""
    scales = default_scales()
    return scales["verdict"].labels() | scales["certainty"].labels() | STATE_LABELS


def review_link(article_id: int, claim_id: int) -> str:
    return f"review?article={article_id}&claim={claim_id}"


def claim_map_frame(article_id: int, claims: Sequence[dict]) -> pd.DataFrame:
    labels = finding_labels()
    return pd.DataFrame(
        {
            "#": [c["ordinal"] for c in claims],
            "Section": [c["section"] or "" for c in claims],
            "Verdict": [labels.get(c["verdict_state"], c["verdict_state"]) for c in claims],
            "Certainty": [labels.get(c["certainty_state"], c["certainty_state"]) for c in claims],
            "verdict_code": [c["verdict_state"] for c in claims],
            "certainty_code": [c["certainty_state"] for c in claims],
            "Open gaps": [len(c["open_gaps"]) for c in claims],
            "Claim": [c["preview"] for c in claims],
            "Open": [review_link(article_id, c["claim_id"]) for c in claims],
        }
    )


# The chart element's whole height: Streamlit fits axis, legend and cells into it, so the cells
# get what the axis and a legend of up to three rows leave (about 45 px).
CLAIM_MAP_HEIGHT = 200


def claim_map_chart(frame: pd.DataFrame, colour_by: str) -> dict[str, Any]:
    """The Vega-Lite spec of the strip (the data is ``frame``, passed beside it); ``colour_by``
    is "Verdict" or "Certainty". A plain spec, not an Altair chart: Altair's validation cost
    more than the rest of the page's drawing. Draw it with ``height=CLAIM_MAP_HEIGHT``."""
    colours = VERDICT_COLOURS if colour_by == "Verdict" else CERTAINTY_COLOURS
    code = "verdict_code" if colour_by == "Verdict" else "certainty_code"
    labels = finding_labels()
    present = [c for c in colours if c in set(frame[code])]
    return {
        "description": f"Claim map: {len(frame)} claims in article order, coloured by "
        f"{colour_by.lower()}; the table below lists each claim's finding.",
        "mark": {"type": "rect", "stroke": "#444444", "strokeWidth": 0.6},
        "encoding": {
            "x": {
                "field": "#",
                "type": "ordinal",
                "title": "Claims in article order",
                "axis": {"labels": len(frame) <= 80},
            },
            # One band for every cell: without a y channel a rect is 0 px high.
            "y": {"datum": "Claims", "type": "nominal", "axis": None},
            "color": {
                "field": colour_by,
                "type": "nominal",
                "scale": {
                    "domain": [labels.get(c, c) for c in present],
                    "range": [colours[c] for c in present],
                },
                "legend": {"orient": "bottom", "title": colour_by, "columns": 4},
            },
            "href": {"field": "Open", "type": "nominal"},
            "tooltip": [
                {"field": name, "type": "nominal"}
                for name in ("#", "Section", "Verdict", "Certainty", "Open gaps", "Claim")
            ],
        },
    }
