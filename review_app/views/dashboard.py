"""Evidence gaps: where evidence is missing, weak or disputed, across all articles or one."""

import altair as alt
import pandas as pd
import streamlit as st

from claims.scales import default_scales
from db.dashboard import GAPS
from review_app.auth import current_actor
from review_app.resources import article_rows, dashboard_gap_claims, dashboard_overview

actor = current_actor()
st.title("Evidence gaps")

articles = {row["id"]: row["title"] for row in article_rows(actor, "")}
article_id = st.selectbox(
    "Articles",
    [None, *articles],
    format_func=lambda i: "All articles" if i is None else f"{i} · {articles[i]}",
    key="dashboard_article",
)
figures = dashboard_overview(actor, article_id)

totals = st.columns(4)
totals[0].metric("Claims", figures["claims"])
totals[1].metric("Checkable", figures["checkable"])
totals[2].metric("Reviewed", figures["reviewed"])
totals[3].metric("Decided", figures["decided"])

st.subheader("Gaps")
gaps = pd.DataFrame(
    {"Gap": [GAPS[name] for name in GAPS], "Claims": [figures["gaps"][name] for name in GAPS]},
    index=list(GAPS),
)
picked = st.dataframe(
    gaps,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="dashboard_gaps",
    column_config={"Gap": st.column_config.TextColumn(width="large")},
)
chosen = picked.selection.rows if picked else []
if chosen:
    gap = list(GAPS)[chosen[0]]
    rows = dashboard_gap_claims(actor, gap, article_id)
    st.markdown(
        f"**{GAPS[gap]}**: {len(rows)} claims" + (" (first 200)" if len(rows) == 200 else "")
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Article": [r[1] for r in rows],
                "#": [r[2] for r in rows],
                "Claim": [r[3] for r in rows],
                "Open": [f"review?article={r[1]}&claim={r[0]}" for r in rows],
            }
        ),
        hide_index=True,
        column_config={
            "Claim": st.column_config.TextColumn(width="large"),
            "Open": st.column_config.LinkColumn("Open", display_text="Review →"),
        },
    )
else:
    st.caption("Select a gap to list its claims.")


def _distribution(title: str, counts: dict[str, int], labels: dict[str, str]) -> None:
    table = pd.DataFrame(
        {
            "Finding": [labels.get(code, code.replace("_", " ").capitalize()) for code in counts],
            "Claims": list(counts.values()),
        }
    )
    chart, numbers = st.columns([3, 2])
    chart.altair_chart(
        alt.Chart(table, title=title)
        .mark_bar()
        .encode(
            x=alt.X("Claims:Q"),
            y=alt.Y("Finding:N", sort="-x", title=None),
            tooltip=["Finding", "Claims"],
        ),
        use_container_width=True,
    )
    numbers.dataframe(table, hide_index=True)  # the same figures as text, not colour alone


scales = default_scales()
_distribution(
    "Current verdicts", figures["verdicts"], {v.code: v.label for v in scales["verdict"].values}
)
_distribution(
    "Evidence certainty",
    figures["certainties"],
    {v.code: v.label for v in scales["certainty"].values} | {"not_rated": "Not rated"},
)
