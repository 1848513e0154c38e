"""The review form's three save buttons (Save draft, Submit, Submit & next), one element.

Drawn by a small component (``st.components.v2``) in the page's own document, not three
``st.button`` in a row: every save redraws them, and four Streamlit elements cost the browser
more than this one (A/B, README "Felt speed"). A click is sent as an event; the save's callback
first takes whatever the rating picker and the paste box sent with it (their values are state,
which Streamlit applies before any callback). Their keys (D, S, Enter) are pressed by the
page's keyboard script, which never acts while the reviewer types in a field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from review_app.components.key_hint import WITH_KEY_JS, button_css

_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
  let bar = parentElement.querySelector(".cr-saves");
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "cr-saves";
    bar.setAttribute("role", "group");
    parentElement.appendChild(bar);
  }
  bar.setAttribute("aria-label", data.label);
  bar.send = (action, button) => {
    // "Saving…" until the server draws the bar again: if it never does (the connection is
    // down), the reviewer sees that the save did not go through.
    button.setAttribute("aria-busy", "true");
    button.querySelector("span").textContent = data.busy;
    setTriggerValue("save", action);
  };
  if (bar.dataset.drawn !== String(data.drawn)) {
    bar.dataset.drawn = String(data.drawn);
    bar.dataset.shape = "";  // drawn again by the server: every button as it should be
  }
  if (bar.dataset.shape !== JSON.stringify(data.buttons)) {
    bar.dataset.shape = JSON.stringify(data.buttons);
    bar.replaceChildren(...data.buttons.map(([action, label, key, primary]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.action = action;
      button.className = primary ? "primary" : "";
      withKey(button, label, key);
      button.addEventListener("click", (event) => {
        if (button.getAttribute("aria-busy") === "true") return;  // sent once already
        // A mouse click gives the keys back to the page, so that Enter next is Submit & next,
        // not this button again.
        if (event.detail > 0) button.blur();
        bar.send(action, button);
      });
      return button;
    }));
  }
}
"""

_CSS = (
    ".cr-saves { display: flex; flex-wrap: wrap; gap: 0.5rem; }\n"
    + button_css(".cr-saves")
    + '.cr-saves button[aria-busy="true"] { opacity: 0.6; cursor: progress; }\n'
)

_COMPONENT = st.components.v2.component(
    "claimreview_saves", js=_JS + WITH_KEY_JS, css=_CSS, isolate_styles=False
)


def save_bar(
    key: str,
    buttons: Sequence[tuple[str, str, str, bool]],
    on_save: Callable[[str], None],
    *,
    redraw: Callable[[], None] = lambda: None,
    label: str = "Save my review",
) -> None:
    """Draw the buttons, each ``(action, label, keyboard key, primary)``; ``on_save(action)``
    runs in the callback of a click on one (an action not drawn is ignored). ``redraw()``
    ends that callback when the run it precedes would not draw the bar again: the browser
    sent the click with another fragment's (a verdict key pressed just before), whose run
    alone would leave the bar saying "Saving…" and the page around it as before the save."""
    actions = {button[0] for button in buttons}
    data = {
        "label": label,
        "busy": "Saving…",
        "buttons": [list(button) for button in buttons],
        "drawn": st.session_state.get(f"{key}_clicks", 0),
    }
    _COMPONENT(key=key, data=data, on_save_change=lambda: _clicked(key, actions, on_save, redraw))


def _clicked(
    key: str, actions: set[str], on_save: Callable[[str], None], redraw: Callable[[], None]
) -> None:
    # Counted, so that the bar is drawn anew after every click (its "Saving…" cleared) even
    # when nothing else in it changed.
    st.session_state[f"{key}_clicks"] = st.session_state.get(f"{key}_clicks", 0) + 1
    action = (st.session_state.get(key) or {}).get("save")
    if isinstance(action, str) and action in actions:
        on_save(action)
    if not _drawn_by_this_run():
        redraw()


def _drawn_by_this_run() -> bool:
    """Whether the run this callback precedes draws the fragment the bar is in: a whole-page
    run, or one of the fragments that include it. (Streamlit's run context and thread state:
    if they change shape, assume it does, as before this check.)"""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            ThreadState,
            get_script_run_ctx,
        )

        ctx = get_script_run_ctx()
        ids = ctx.fragment_ids_this_run if ctx else None
        own = ThreadState.get().fragment_id
        if not ids or own is None:
            return True
        return own in ids or ctx.fragment_storage.has_ancestor_in(own, set(ids))
    except (AttributeError, ImportError, KeyError):
        return True
