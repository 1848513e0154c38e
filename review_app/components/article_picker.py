"""Choosing the article a page shows; the URL's ``article`` parameter always names it."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import streamlit as st

from claims.permissions import Actor
from review_app.components.text import escape_markdown
from review_app.resources import article_titles_of

# A picker of thousands of titles would cost every run of the page that shows it; older
# articles open from the Articles page (which searches) or from a link.
PICKER_LIMIT = 200


def offered(ids: Iterable[int], chosen: int | None) -> list[int]:
    """The first ``PICKER_LIMIT`` of ``ids`` (newest first), and ``chosen`` if it is older."""
    newest = list(islice(ids, PICKER_LIMIT))
    return newest if chosen is None or chosen in newest else [*newest, chosen]


def _picked(key: str) -> None:
    """Another article chosen: the address names it, and no longer a claim of the last one."""
    st.query_params["article"] = str(st.session_state[key])
    st.query_params.pop("claim", None)


def pick_article(actor: Actor, *, key: str) -> int | None:
    """The article chosen (from the URL, else the newest), or None when there is none."""
    titles = dict(article_titles_of(actor))
    if not titles:
        st.info("No articles yet: an editor imports them on the Articles page.")
        return None
    newest = next(iter(titles))
    requested = st.query_params.get("article")
    try:
        current = int(requested) if requested else newest
    except ValueError:
        current = newest
    if current not in titles:
        st.warning(f"There is no article {escape_markdown(str(requested))}; showing the latest.")
        current = newest
    ids = offered(titles, current)
    if len(titles) > len(ids):
        st.caption(
            f"The list holds the {PICKER_LIMIT} newest of {len(titles):,} articles: open an "
            "older one from the Articles page."
        )
    st.session_state[key] = current  # the address decides (a link, Back, a pick's callback)
    chosen = st.selectbox(
        "Article",
        ids,
        format_func=lambda i: f"{i} · {titles[i]}",
        key=key,
        on_change=_picked,
        args=(key,),
    )
    if requested != str(chosen):  # the address named none, or one that is not there
        st.query_params["article"] = str(chosen)
    return chosen
