"""Evidence gaps: where evidence is missing, weak or disputed, across all articles or one.

``/dashboard?article=3`` opens one article's dashboard. Every figure is computed in SQL from the
facts tables (db/dashboard.py); this page only lays them out.
"""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from claims.permissions import READ_ALL_REVIEWS
from claims.scales import default_scales
from db.claim_matches import RECURRING_ARTICLES
from db.dashboard import GAPS, THROUGHPUT_WEEKS, DashboardFilter
from review_app.auth import current_actor, fragment_actor
from review_app.components.article_picker import PICKER_LIMIT, offered
from review_app.components.claim_map import (
    CLAIM_MAP_HEIGHT,
    claim_map_chart,
    claim_map_frame,
    finding_labels,
    review_link,
)
from review_app.components.table_download import csv_download
from review_app.components.text import escape_markdown
from review_app.resources import (
    dashboard_article_choices,
    dashboard_articles,
    dashboard_claim_map,
    dashboard_filter_choices,
    dashboard_gap_claims,
    dashboard_overview,
    dashboard_recurring,
    dashboard_recurring_occurrences,
    dashboard_throughput,
    read_source,
)

actor = current_actor()
st.title("Evidence gaps")
source = read_source()
if source.problem:
    st.caption(source.problem)
elif source.behind_seconds >= 1:
    st.caption(
        f"From the read replica, which may be up to {source.behind_seconds:.0f} s behind: "
        "reviews saved since then show at a later visit."
    )

articles = dict(dashboard_article_choices(actor))
if "dashboard_article" not in st.session_state:
    wanted = st.query_params.get("article", "")
    st.session_state["dashboard_article"] = (
        int(wanted) if wanted.isdigit() and int(wanted) in articles else None
    )
labels = finding_labels()
scales = default_scales()


def _article_changed() -> None:
    chosen = st.session_state["dashboard_article"]
    if chosen is None:
        st.query_params.pop("article", None)
    else:
        st.query_params["article"] = str(chosen)
    st.session_state["dashboard_section"] = None  # sections belong to one article


with st.container(border=True):
    top = st.columns([3, 2])
    article_id = top[0].selectbox(
        "Article",
        [None, *offered(articles, st.session_state["dashboard_article"])],
        format_func=lambda i: "All articles" if i is None else f"{i} · {articles[i]}",
        placeholder="All articles",  # what a None value shows (not "Choose an option")
        help=f"All articles, or one of the {PICKER_LIMIT} newest; an older article opens from "
        "its link in the ranking below.",
        key="dashboard_article",
        on_change=_article_changed,
    )
    period = top[1].date_input(
        "Articles dated between",
        value=(),
        min_value=date(1900, 1, 1),
        max_value=date.today() + timedelta(days=1),
        key="dashboard_dates",
        help="The article's published date when it states one, else the day it was imported.",
    )
    choices = dashboard_filter_choices(actor, article_id)
    reviewers = dict(choices["reviewers"])
    verdict_states = [*scales["verdict"].codes(), "disagreement", "unreviewed"]
    certainty_states = [*scales["certainty"].codes(), "not_rated"]
    row = st.columns(5)
    section = row[0].selectbox(
        "Section", [None, *choices["sections"]], format_func=lambda s: s or "Any",
        key="dashboard_section",
    )  # fmt: skip
    reviewer_id = row[1].selectbox(
        "Reviewed by", [None, *reviewers], format_func=lambda r: "Anyone" if r is None else
        reviewers[r], key="dashboard_reviewer",
    )  # fmt: skip
    verdict = row[2].selectbox(
        "Current verdict", [None, *verdict_states], key="dashboard_verdict",
        format_func=lambda v: "Any" if v is None else labels.get(v, v),
    )  # fmt: skip
    certainty = row[3].selectbox(
        "Certainty", [None, *certainty_states], key="dashboard_certainty",
        format_func=lambda v: "Any" if v is None else labels.get(v, v),
    )  # fmt: skip
    cue_kind = row[4].selectbox(
        "Cue", [None, *choices["cue_kinds"]], key="dashboard_cue",
        format_func=lambda k: "Any" if k is None else k.replace("_", " ").capitalize(),
    )  # fmt: skip

filters = DashboardFilter(
    article_id=article_id,
    date_from=period[0] if len(period) >= 1 else None,
    date_to=period[1] if len(period) == 2 else None,
    section=section,
    reviewer_id=reviewer_id,
    verdict=verdict,
    certainty=certainty,
    cue_kind=cue_kind,
)
figures = dashboard_overview(actor, filters)

totals = st.columns(6)
totals[0].metric("Claims", figures["claims"])
totals[1].metric("Checkable", figures["checkable"])
totals[2].metric("Reviewed", figures["reviewed"])
totals[3].metric("Decided", figures["decided"])
totals[4].metric("In an open gap", figures["open_gap"], help="Checkable claims in any gap below")
totals[5].metric(
    "Awaiting adjudication",
    figures["gaps"]["disagreement"],
    help="Reviewers disagree and no editor has decided yet: the Adjudication page lists them.",
)

st.subheader("Gaps")
gaps = pd.DataFrame({"Gap": list(GAPS.values()), "Claims": [figures["gaps"][g] for g in GAPS]})
picked = st.dataframe(
    gaps,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="dashboard_gaps",
    column_config={"Gap": st.column_config.TextColumn(width="large")},
)
csv_download(gaps, "evidence-gaps.csv", "dashboard_gaps_csv")
chosen = picked.selection.rows if picked else []
if chosen:
    gap = list(GAPS)[chosen[0]]
    rows = dashboard_gap_claims(actor, gap, filters)
    shown = f"the first {len(rows)} of {figures['gaps'][gap]}"
    st.markdown(f"**{GAPS[gap]}**: {shown if len(rows) < figures['gaps'][gap] else len(rows)}")
    gap_table = pd.DataFrame(
        {
            "Article": [r["article_id"] for r in rows],
            "#": [r["ordinal"] for r in rows],
            "Section": [r["section"] or "" for r in rows],
            "Claim": [r["text"] for r in rows],
            "Open": [review_link(r["article_id"], r["claim_id"]) for r in rows],
        }
    )
    st.dataframe(
        gap_table,
        hide_index=True,
        key="dashboard_gap_claims",
        column_config={
            "Claim": st.column_config.TextColumn(width="large"),
            "Open": st.column_config.LinkColumn("Open", display_text="Review →"),
        },
    )
    csv_download(gap_table, f"gap-{gap}.csv", "dashboard_gap_claims_csv")
else:
    st.caption("Select a gap to list its claims.")


def _distribution(title: str, counts: dict[str, int], key: str) -> None:
    table = pd.DataFrame(
        {"Finding": [labels.get(code, code) for code in counts], "Claims": list(counts.values())}
    )
    chart, numbers = st.columns([3, 2])
    chart.vega_lite_chart(
        table,
        {
            "title": title,
            "mark": "bar",
            "encoding": {
                "x": {"field": "Claims", "type": "quantitative"},
                "y": {"field": "Finding", "type": "nominal", "sort": "-x", "title": None},
                "tooltip": [
                    {"field": "Finding", "type": "nominal"},
                    {"field": "Claims", "type": "quantitative"},
                ],
            },
        },
        width="stretch",
    )
    numbers.dataframe(table, hide_index=True)  # the same figures as text, not colour alone
    with numbers:
        csv_download(table, f"{key}.csv", f"dashboard_{key}_csv")


_distribution("Current verdicts", figures["verdicts"], "verdicts")
_distribution("Evidence certainty", figures["certainties"], "certainty")

if article_id is not None:
    st.subheader("Claim map")
    claims = dashboard_claim_map(actor, article_id)
    colour_by = st.segmented_control(
        "Colour by", ["Verdict", "Certainty"], default="Verdict", key="dashboard_map_colour"
    )
    frame = claim_map_frame(article_id, claims)
    st.caption("Each cell is a claim in article order; click one to review it.")
    st.vega_lite_chart(
        frame,
        claim_map_chart(frame, colour_by or "Verdict"),
        width="stretch",
        height=CLAIM_MAP_HEIGHT,
        key="dashboard_claim_map",
    )
    table = frame.drop(columns=["verdict_code", "certainty_code"])
    st.dataframe(
        table,
        hide_index=True,
        height=250,
        key="dashboard_map_table",
        column_config={
            "Claim": st.column_config.TextColumn(width="large"),
            "Open": st.column_config.LinkColumn("Open", display_text="Review →"),
        },
    )
    csv_download(table, f"article-{article_id}-claims.csv", "dashboard_map_csv")
else:
    st.subheader("Articles with the most open gaps")
    ranked = dashboard_articles(actor, filters)
    ranking = pd.DataFrame(
        {
            "Article": [r["article_id"] for r in ranked],
            "Title": [r["title"] for r in ranked],
            "Claims": [r["claims"] for r in ranked],
            "Reviewed": [r["reviewed"] for r in ranked],
            "In an open gap": [r["open_gap"] for r in ranked],
            **{GAPS[g]: [r["gaps"][g] for r in ranked] for g in GAPS},
            "Dashboard": [f"dashboard?article={r['article_id']}" for r in ranked],
        }
    )
    st.dataframe(
        ranking,
        hide_index=True,
        key="dashboard_ranking",
        column_config={
            "Title": st.column_config.TextColumn(width="medium"),
            "Dashboard": st.column_config.LinkColumn("Dashboard", display_text="Open →"),
        },
    )
    csv_download(ranking, "articles-by-open-gaps.csv", "dashboard_ranking_csv")


def _verdicts(counted: list[tuple[str, int]]) -> str:
    """ "Inaccurate ×2 · Not reviewed ×3" (findings first, as db/claim_matches.py orders)."""
    return " · ".join(f"{labels.get(state, state)} ×{n}" for state, n in counted)


_OPENED_MYTHS = "dashboard_recurring_opened"  # the recurring claims opened, by claim id


def _remember_opened(claim_id: int) -> None:
    opened: set[int] = st.session_state.setdefault(_OPENED_MYTHS, set())
    if st.session_state.get(f"dashboard_recurring_{claim_id}"):
        opened.add(claim_id)
    else:
        opened.discard(claim_id)


def _cell(text: str) -> str:
    """Text for one cell of a Markdown table: on one line, shown literally."""
    return escape_markdown(" ".join(text.split()))


def _occurrence_table(occurrences: list[dict]) -> str:
    """Each article's claim, its verdict and a link to review it, as a Markdown table: claims
    wrap whole (a grid cuts them off), and the browser draws it faster than a grid."""
    rows = ["| Article | # | Claim | Verdict | Certainty | |", "|---|--:|---|---|---|---|"]
    rows += [
        f"| {_cell(o['article_title'])} | {o['ordinal']} | {_cell(o['text'])} "
        f"| {labels.get(o['verdict_state'], '')} | {labels.get(o['certainty_state'], '')} "
        f"| [Review\u00a0→]({review_link(o['article_id'], o['claim_id'])}) |"
        for o in occurrences
    ]
    return "\n".join(rows)


@st.fragment
def recurring_claims_section(article_id: int | None) -> None:
    """The recurring claims, each opening onto every article's claim and its verdict.

    One expander per claim, not a table with a row to select: Streamlit's data grid sends a
    selection only after a 150 ms pause, which an editor feels on every click. An expander
    reruns at once, and only this fragment: its occurrences are read when it is opened."""
    actor = fragment_actor(READ_ALL_REVIEWS)  # app.py's login check does not run for a fragment
    st.subheader("Recurring claims")
    recurring = dashboard_recurring(actor, article_id)
    if not recurring:
        st.caption(
            f"No claim {'of this article ' if article_id is not None else ''}was seen in "
            f"{RECURRING_ARTICLES} or more articles. A claim recurs when other articles say the "
            'same thing in their own words ("seen before" on the review page).'
        )
        return
    st.caption(
        f"Claims seen in {RECURRING_ARTICLES} or more articles, most articles first, with their "
        "current verdicts: the desk's list of myths to watch. Open one to see each article's "
        "claim."
    )
    opened: set[int] = st.session_state.setdefault(_OPENED_MYTHS, set())
    for myth in recurring:
        # The label carries the verdicts, which change with any review; a new label is a new
        # expander to Streamlit, so whether it is open is kept here, by the claim.
        found = st.expander(
            f"**{myth['articles']} articles** · {_verdicts(myth['verdicts'])} — "
            f"{_cell(myth['text'])}",
            expanded=myth["claim_id"] in opened,
            key=f"dashboard_recurring_{myth['claim_id']}",
            on_change=_remember_opened,
            args=(myth["claim_id"],),
        )
        if not found.open:
            continue
        occurrences = dashboard_recurring_occurrences(actor, tuple(myth["claim_ids"]))
        found.markdown(_occurrence_table(occurrences))
    myths = pd.DataFrame(
        {
            "Claim": [r["text"] for r in recurring],
            "Articles": [r["articles"] for r in recurring],
            "Current verdicts": [_verdicts(r["verdicts"]) for r in recurring],
        }
    )
    csv_download(myths, "recurring-claims.csv", "dashboard_recurring_csv")


recurring_claims_section(article_id)

st.subheader("Reviewer throughput")
activity = pd.DataFrame(
    dashboard_throughput(actor, filters), columns=["Day", "Reviewer", "Reviews"]
)
st.caption(
    "Throughput follows the article, date, section and reviewer filters; a review counts in the "
    "week it was (last) submitted."
)
if activity.empty:
    st.caption(f"No reviews submitted in the last {THROUGHPUT_WEEKS} weeks for these filters.")
else:
    activity["Week"] = pd.to_datetime(activity["Day"]).dt.to_period("W-SUN").dt.start_time
    weekly = activity.groupby(["Week", "Reviewer"], as_index=False)["Reviews"].sum()
    st.vega_lite_chart(
        weekly,
        {
            "title": f"Reviews submitted per week, last {THROUGHPUT_WEEKS} weeks",
            "mark": "bar",
            "encoding": {
                # One band per week (a temporal axis drew a week as a hairline).
                "x": {
                    "field": "Week",
                    "type": "ordinal",
                    "timeUnit": "yearmonthdate",
                    "title": "Week starting",
                    "axis": {"format": "%-d %b %Y", "labelAngle": 0},
                },
                "y": {"field": "Reviews", "type": "quantitative"},
                "color": {"field": "Reviewer", "type": "nominal"},
                "tooltip": [
                    {"field": "Week", "type": "temporal", "format": "%-d %B %Y"},
                    {"field": "Reviewer", "type": "nominal"},
                    {"field": "Reviews", "type": "quantitative"},
                ],
            },
        },
        width="stretch",
    )
    # One row per week and reviewer: usernames never become column headers.
    weekly["Week"] = weekly["Week"].dt.date
    weekly = weekly.sort_values(["Week", "Reviewer"], ascending=[False, True])
    st.dataframe(weekly, hide_index=True, key="dashboard_throughput")
    csv_download(weekly, "reviewer-throughput.csv", "dashboard_throughput_csv")
