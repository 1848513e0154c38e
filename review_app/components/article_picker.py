"""Choosing the article a page shows; the URL's ``article`` parameter always names it."""

from __future__ import annotations

import streamlit as st

from claims.permissions import Actor
from review_app.components.text import escape_markdown
from review_app.resources import article_rows


def pick_article(actor: Actor, *, key: str) -> int | None:
    """The article chosen (from the URL, else the newest), or None when there is none."""
    articles = article_rows(actor, "")
    if not articles:
        st.info("No articles yet: an editor imports them on the Articles page.")
        return None
    titles = {row["id"]: row["title"] for row in articles}
    requested = st.query_params.get("article")
    try:
        current = int(requested) if requested else articles[0]["id"]
    except ValueError:
        current = articles[0]["id"]
    if current not in titles:
        st.warning(f"There is no article {escape_markdown(str(requested))}; showing the latest.")
        current = articles[0]["id"]
    ids = list(titles)
    chosen = st.selectbox(
        "Article",
        ids,
        index=ids.index(current),
        format_func=lambda i: f"{i} · {titles[i]}",
        key=key,
    )
    if requested != str(chosen):
        st.query_params["article"] = str(chosen)
    return chosen
