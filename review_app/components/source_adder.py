"""The review form's way to add sources: a box to paste identifiers into, and the switch that
opens the library finder. One element, drawn by a small component (``st.components.v2``).

Streamlit's text box and expander here cost about a seventh of every Next, Previous and save
in the browser (README, "Felt speed"); this component, in the page's own document, costs next
to nothing. The box behaves as Streamlit's did: what is pasted or typed is sent when the box
loses focus or on Ctrl+Enter (Cmd+Enter), and the server then sets what the box holds (emptied,
or only the pieces it refused). Every text is set as text, never parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
  let box = parentElement.querySelector(".cr-adder");
  if (!box) {
    box = document.createElement("div");
    box.className = "cr-adder";
    const title = document.createElement("p");
    title.className = "cr-adder-title";
    const strong = document.createElement("strong");
    strong.textContent = "Cited sources";
    title.append(strong, document.createElement("span"));
    const label = document.createElement("label");
    label.className = "cr-adder-label";
    const field = document.createElement("textarea");
    field.id = "cr-adder-box-" + Math.random().toString(36).slice(2);
    label.htmlFor = field.id;
    field.rows = 2;
    field.spellcheck = false;
    const hint = document.createElement("p");
    hint.className = "cr-adder-hint";
    const finder = document.createElement("button");
    finder.type = "button";
    finder.className = "cr-adder-finder";
    const send = () => {
      if (field.value === box.dataset.sent) return;
      box.dataset.sent = field.value;
      box.send("paste", field.value);
    };
    field.addEventListener("change", send);
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        send();
      }
    });
    finder.addEventListener("click", () => {
      const open = finder.getAttribute("aria-expanded") !== "true";
      finder.setAttribute("aria-expanded", String(open));
      box.send("finder", open);
    });
    box.append(title, label, field, hint, finder);
    parentElement.appendChild(box);
  }
  box.send = (name, value) => setTriggerValue(name, value);
  const [title, label, field, hint, finder] = box.children;
  title.hidden = !data.none_yet;
  title.lastChild.textContent = data.none_yet ? " · " + data.none_yet : "";
  label.textContent = data.label;
  field.placeholder = data.placeholder;
  hint.textContent = data.hint;
  finder.textContent = data.finder;
  finder.setAttribute("aria-expanded", String(data.finder_open));
  // What the server holds replaces what the box shows only when the server changed it (a paste
  // taken, another claim opened): typing not yet sent is never overwritten by a redraw.
  if (box.dataset.token !== data.token) {
    box.dataset.token = data.token;
    field.value = data.text;
    box.dataset.sent = data.text;
  }
}
"""

_CSS = """
.cr-adder { font-size: 0.875rem; }
.cr-adder-title { font-size: 1rem; margin: 0 0 0.75rem 0; }
.cr-adder-label { display: block; margin-bottom: 0.35rem; }
.cr-adder textarea {
  box-sizing: border-box;
  width: 100%;
  min-height: 68px;
  resize: vertical;
  font: inherit;
  font-size: 1rem;
  line-height: 1.4;
  color: inherit;
  background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 0.5rem;
  padding: 0.5rem 0.75rem;
}
.cr-adder textarea:focus {
  outline: none;
  border-color: var(--st-primary-color, #1c4e80);
  box-shadow: 0 0 0 1px var(--st-primary-color, #1c4e80);
}
.cr-adder-hint { margin: 0.25rem 0 0.75rem 0; opacity: 0.6; font-size: 0.8rem; }
.cr-adder-finder {
  display: block;
  width: 100%;
  text-align: left;
  font: inherit;
  color: inherit;
  background: none;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 0.5rem;
  padding: 0.6rem 1rem;
  cursor: pointer;
}
.cr-adder-finder::before { content: "▸"; display: inline-block; width: 1.25rem; }
.cr-adder-finder[aria-expanded="true"]::before { content: "▾"; }
.cr-adder-finder[aria-expanded="true"] { border-radius: 0.5rem 0.5rem 0 0; }
.cr-adder-finder:focus-visible {
  outline: 2px solid var(--st-primary-color, #1c4e80);
  outline-offset: 2px;
}
"""

_COMPONENT = st.components.v2.component(
    "claimreview_source_adder", js=_JS, css=_CSS, isolate_styles=False
)

LABEL = "Add sources: paste PMIDs, DOIs, NCT numbers, PMCIDs or web addresses"
FINDER = "Find a source in the library"


def source_adder(
    key: str,
    *,
    text: str,
    token: str,
    none_yet: str | None,
    finder_open: bool,
    on_paste: Callable[[str], None],
    on_finder: Callable[[bool], None],
) -> None:
    """Draw the box holding ``text`` (put there when ``token`` last changed) and the finder's
    switch. ``none_yet``, when given, heads it as the form's "Cited sources" line.
    ``on_paste(text)`` and ``on_finder(open)`` run in the callbacks of a paste sent and of the
    switch, before the fragment the adder is in runs again."""
    data = {
        "none_yet": none_yet,
        "label": LABEL,
        "placeholder": "PMID 27557302, doi:10.1056/NEJMoa1606038, NCT01234567",
        "hint": "Added when you leave the box, or press Ctrl+Enter.",
        "finder": FINDER,
        "finder_open": finder_open,
        "text": text,
        "token": token,
    }
    _COMPONENT(
        key=key,
        data=data,
        on_paste_change=lambda: _sent(key, "paste", str, on_paste),
        on_finder_change=lambda: _sent(key, "finder", bool, on_finder),
    )


def _sent(key: str, trigger: str, kind: type, action: Callable) -> None:
    value = (st.session_state.get(key) or {}).get(trigger)
    if isinstance(value, kind):
        action(value)
