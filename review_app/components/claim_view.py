"""One claim in its paragraph (the claim highlighted, its section, its cues with their reasons)
under Previous and Next: one element, drawn by a small component in the page's own document.

Next and Previous redraw it on every click; as three Streamlit elements (a row and two buttons)
and an HTML block it cost the browser more. A click on Previous or Next, or the page's keyboard
script pressing P or N, is sent as an event; ``on_move(claim id)`` runs in its callback.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from claims.cues import CUE_LABELS
from db.workspace import ClaimContext
from review_app.components.key_hint import WITH_KEY_JS, button_css

_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
  let root = parentElement.querySelector(".cr-claim");
  if (!root) {
    root = document.createElement("div");
    root.className = "cr-claim";
    const moves = document.createElement("div");
    moves.className = "cr-moves";
    moves.setAttribute("role", "group");
    moves.setAttribute("aria-label", "Claims");
    const body = document.createElement("div");
    body.className = "cr-claim-body";
    root.append(moves, body);
    parentElement.appendChild(root);
  }
  const moves = root.querySelector(".cr-moves");
  if (moves.dataset.shape !== JSON.stringify(data.moves)) {
    moves.dataset.shape = JSON.stringify(data.moves);
    moves.replaceChildren(...data.moves.map(([move, label, key, enabled]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.move = move;
      button.disabled = !enabled;
      withKey(button, label, key);
      button.addEventListener("click", (event) => {
        // A mouse click gives the keys back to the page: Enter next is Submit & next.
        if (event.detail > 0) button.blur();
        setTriggerValue("move", move);
      });
      return button;
    }));
  }
  const body = root.querySelector(".cr-claim-body");
  if (body.dataset.html !== data.html) {
    body.dataset.html = data.html;
    body.innerHTML = data.html;  // built and escaped by the server (claim_html)
  }
}
"""

_CSS = (
    ".cr-moves { display: flex; justify-content: space-between; margin: 0 0 0.75rem 0; }\n"
    + button_css(".cr-moves")
)

_COMPONENT = st.components.v2.component(
    "claimreview_claim", js=_JS + WITH_KEY_JS, css=_CSS, isolate_styles=False
)

_WHERE = "font-size:0.875rem;opacity:0.7;margin:0 0 0.5rem 0"
_PARAGRAPH = "line-height:1.6;margin:0 0 0.5rem 0;white-space:pre-wrap"
_CLAIM = "background:#fdebd0;color:inherit;font-weight:600;padding:0.1em 0.2em;border-radius:0.2em"
_CUES = (
    "border:1px solid rgba(128,128,128,0.35);border-radius:0.5rem;padding:0.5rem 1rem;"
    "margin:0 0 0.5rem 0"
)
_CUE = "margin:0.25rem 0;line-height:1.5"


def claim_in_context(
    claim: ClaimContext, on_move: Callable[[int], None], keys: dict[str, str]
) -> None:
    """Previous and Next (``keys``: their keyboard keys, by "previous" and "next") above the
    claim in its paragraph; ``on_move(claim id)`` runs in the callback of a click on one."""
    data = {
        "html": claim_html(claim),
        "moves": [
            ["previous", "← Previous", keys["previous"], claim.previous_id is not None],
            ["next", "Next →", keys["next"], claim.next_id is not None],
        ],
    }
    targets = {"previous": claim.previous_id, "next": claim.next_id}
    _COMPONENT(key="review_claim", data=data, on_move_change=lambda: _moved(targets, on_move))


def _moved(targets: dict[str, int | None], on_move: Callable[[int], None]) -> None:
    move = (st.session_state.get("review_claim") or {}).get("move")
    target = targets.get(move) if isinstance(move, str) else None
    if target is not None:
        on_move(target)


def claim_html(claim: ClaimContext) -> str:
    """Where the claim is, its paragraph with the claim marked, and its cues, as HTML.

    HTML, not Markdown: the browser draws it at once, where Markdown's parser took a good part
    of a click's time. Every piece of text is escaped."""
    where = f"Claim {claim.ordinal} of {claim.claims_in_article}"
    if claim.section:
        where += f" · section: {claim.section}"
    if not claim.checkable:
        where += f" · not checkable ({claim.kind})"
    before = claim.paragraph[: claim.start - claim.paragraph_start]
    after = claim.paragraph[claim.end - claim.paragraph_start :]
    shown = [
        f"<p style='{_WHERE}'>{html.escape(where)}</p>",
        f"<p style='{_PARAGRAPH}'>{html.escape(before)}<mark style='{_CLAIM}'>"
        f"{html.escape(claim.text)}</mark>{html.escape(after)}</p>",
    ]
    if claim.cues:
        cues = "".join(
            f"<p style='{_CUE}'><strong>{html.escape(CUE_LABELS.get(cue.kind, cue.kind))}"
            f"</strong> “{html.escape(cue.text)}”: {html.escape(cue.reason)}</p>"
            for cue in claim.cues
        )
        shown.append(f"<div style='{_CUES}'>{cues}</div>")
    return "".join(shown)
