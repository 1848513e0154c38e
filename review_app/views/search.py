"""Search everything the desk has reviewed: claims, rationales, sources and decisions.

The query lives in the address (?q=...), so a search can be shared, reloaded and reached from
the sidebar's box on every page. Who may find what is decided in db/search.py.
"""

from datetime import date

import streamlit as st

from claims.errors import ClaimreviewError
from claims.permissions import ASSIGN_REVIEWS
from claims.scales import default_scales
from claims.search import excerpt, marks, parse_query
from db.assignments import active_reviewers
from db.queries import article_titles
from db.search import CANDIDATES, SearchFilters, search_claims
from review_app.auth import current_actor
from review_app.components.text import escape_markdown, highlighted, plural
from review_app.resources import database

LIMIT = 50
FOUND_IN = {"claim": "claim text", "review": "a review", "decision": "the decision"}

actor = current_actor()
st.title("Search")

# A query in the address that this page did not write came from elsewhere (the sidebar's box,
# a shared link): it replaces what the box holds.
addressed = st.query_params.get("q", "")
if addressed != st.session_state.get("search_q_written"):
    st.session_state["search_q"] = addressed
typed = st.text_input(
    "Search claims, rationales, sources and decisions",
    key="search_q",
    placeholder='vitamin D covid   ·   "common cold"   ·   statins -muscle',
    help='Every word must match, in any form ("cure" finds "cures"), within one place: the '
    "claim itself, one of its reviews, or its decision. Put a phrase in quotes; put - before "
    "a word or a quoted phrase to leave out what has it.",
)
if typed.strip():
    st.query_params["q"] = typed.strip()
else:
    st.query_params.pop("q", None)
st.session_state["search_q_written"] = st.query_params.get("q", "")

scales = default_scales()
verdicts, certainties = scales["verdict"].labels(), scales["certainty"].labels()
with database().read() as session:
    articles = dict(article_titles(session, actor))
    reviewers = dict(active_reviewers(session, actor)) if actor.can(ASSIGN_REVIEWS) else {}
with st.expander("Filters"):
    left, right = st.columns(2)
    chosen_verdicts = left.multiselect(
        "Verdict", list(verdicts), format_func=verdicts.get, key="search_verdicts",
        help="An editor's decision, or a review you may read, with this verdict.",
    )  # fmt: skip
    chosen_certainties = right.multiselect(
        "Certainty", list(certainties), format_func=certainties.get, key="search_certainties"
    )
    article_id = left.selectbox(
        "Article", list(articles), format_func=articles.get, index=None,
        placeholder="All articles", key="search_article",
    )  # fmt: skip
    if reviewers:
        reviewer_id = right.selectbox(
            "Reviewed by", list(reviewers), format_func=reviewers.get, index=None,
            placeholder="Anyone", key="search_reviewer",
        )  # fmt: skip
    else:
        mine = right.toggle("Only claims I reviewed", key="search_mine")
        reviewer_id = actor.user_id if mine else None
    since = left.date_input("Published from", value=None, key="search_since")
    until = right.date_input("Published until", value=None, key="search_until")

if not typed.strip():
    st.info("Type words to search for: a claim's words, a section, a rationale, a source's "
            "title or authors, an editor's note.")  # fmt: skip
    st.stop()

query = parse_query(typed)
filters = SearchFilters(
    verdicts=tuple(chosen_verdicts),
    certainties=tuple(chosen_certainties),
    reviewer_id=reviewer_id,
    article_id=article_id,
    published_from=since if isinstance(since, date) else None,
    published_to=until if isinstance(until, date) else None,
)
try:
    with database().read() as session:
        found = search_claims(session, actor, query, filters, limit=LIMIT)
except ClaimreviewError as error:
    st.warning(str(error))
    st.stop()

if query.ignored:
    st.caption("Not searched, too common: " + ", ".join(query.ignored))
if not found.hits:
    st.info("No claim matches. Try fewer words, another form of a word, or fewer filters.")
    st.stop()
count = f"the best {len(found.hits)}" if found.more else plural(len(found.hits), "claim")
st.caption(f"Showing {count}, best match first.")
if not found.complete:
    st.info(
        f"So many entries match that only the newest {CANDIDATES:,} of them were ranked and "
        "filtered. Add words, a phrase or an article for a complete list."
    )

for hit in found.hits:
    with st.container(border=True):
        st.markdown(highlighted(hit.text, marks(hit.text, query)))
        details = [f"**{escape_markdown(hit.article_title)}**", f"claim {hit.ordinal}"]
        if hit.section:
            details.append(escape_markdown(hit.section))
        if hit.published_on:
            details.append(f"published {hit.published_on:%-d %B %Y}")
        if hit.decision_verdict:
            certainty = certainties.get(hit.decision_certainty or "", "not rated").lower()
            details.append(
                f"decision: {verdicts.get(hit.decision_verdict, hit.decision_verdict)}, "
                f"certainty {certainty}"
            )
        elif hit.my_verdict:
            details.append(f"my verdict: {verdicts.get(hit.my_verdict, hit.my_verdict)}")
        details.append("found in " + ", ".join(FOUND_IN[k] for k in hit.found_in))
        st.caption(" · ".join(details))
        for body in hit.matched[:2]:
            shown, spans = excerpt(body, marks(body, query))
            st.caption("↳ " + highlighted(shown, spans))
        st.page_link(
            "views/review.py",
            label=f"Open claim {hit.ordinal}",
            icon=":material/rate_review:",
            query_params={"article": str(hit.article_id), "claim": str(hit.claim_id)},
        )
