"""Agreement figures as tables: percent agreement, Cohen's kappa and Krippendorff's alpha for
verdicts (nominal) and certainty (ordinal), each with the claims it rests on, and the pairs."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from review_app.components.table_download import csv_download


def _figure(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(name: str, figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "Rating": name,
        "Claims rated twice or more": figures["items"],
        "Reviewers": figures["raters"],
        "Percent agreement": _figure(figures["percent"], 1),
        "Cohen's kappa": _figure(figures["kappa"]),
        "Krippendorff's alpha": _figure(figures["alpha"]),
        "Why a figure is blank": " ".join(
            dict.fromkeys(r for r in (figures["kappa_reason"], figures["alpha_reason"]) if r)
        ),
    }


def agreement_tables(summary: dict[str, Any], key: str) -> None:
    """``summary`` is ``asdict(db.agreement.AgreementSummary)``."""
    table = pd.DataFrame(
        [
            _row("Verdict (nominal)", summary["verdict"]),
            _row("Certainty (ordinal)", summary["certainty"]),
        ]
    )
    st.dataframe(table, hide_index=True)
    csv_download(table, "agreement.csv", f"{key}_csv")
    pairs = pd.DataFrame(
        {
            "Reviewer": [p["rater_a"] for p in summary["verdict_pairs"]],
            "With": [p["rater_b"] for p in summary["verdict_pairs"]],
            "Claims both rated": [p["items"] for p in summary["verdict_pairs"]],
            "Verdict agreement %": [_figure(p["percent"], 1) for p in summary["verdict_pairs"]],
            "Verdict kappa": [_figure(p["kappa"]) for p in summary["verdict_pairs"]],
            "Certainty agreement %": [_figure(p["percent"], 1) for p in summary["certainty_pairs"]],
            "Certainty kappa": [_figure(p["kappa"]) for p in summary["certainty_pairs"]],
        }
    )
    if not pairs.empty:
        st.markdown("**Reviewer pairs**")
        st.dataframe(pairs, hide_index=True)
        csv_download(pairs, "agreement-pairs.csv", f"{key}_pairs_csv")
    if summary["articles"]:
        st.markdown("**By article**")
        by_article = pd.DataFrame(
            {
                "Article": [a["article_id"] for a in summary["articles"]],
                "Title": [a["title"] for a in summary["articles"]],
                "Claims": [a["verdict"]["items"] for a in summary["articles"]],
                "Verdict %": [_figure(a["verdict"]["percent"], 1) for a in summary["articles"]],
                "Verdict alpha": [_figure(a["verdict"]["alpha"]) for a in summary["articles"]],
                "Certainty %": [_figure(a["certainty"]["percent"], 1) for a in summary["articles"]],
                "Certainty alpha": [_figure(a["certainty"]["alpha"]) for a in summary["articles"]],
            }
        )
        st.dataframe(by_article, hide_index=True)
        csv_download(by_article, "agreement-by-article.csv", f"{key}_articles_csv")
