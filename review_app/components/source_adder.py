"""The review form's way to add sources: a box to paste identifiers into, and the switch that
opens the library finder. One element, drawn by a small component (``st.components.v2``).

Streamlit's text box and expander here cost about a tenth of every Next, Previous and save in
the browser (README, "Felt speed"); this component, in the page's own document, costs next to
nothing. The box behaves as Streamlit's did: what is pasted or typed is sent when the box loses
focus or on Ctrl+Enter (Cmd+Enter), and the server then sets what the box holds (emptied, or
only the pieces it refused), keeping anything typed after what was sent. The text is sent as
the component's state (with the form it was typed on and a running count), which Streamlit
applies before any callback, so a Save that took the focus from the box saves what was pasted
(``take_paste``). Every text is set as text, never parsed as HTML.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from review_app.components.sent_state import newer_sent, seen

_JS = r"""
export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
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
    // The box's text is sent whole, with the form it was typed on and a running count: the
    // server takes it once, before any save that comes with it.
    const send = () => {
      if (field.value === box.sent) return;
      box.sent = field.value;
      box.count += 1;
      box.sendText({ form: box.form, count: box.count, text: field.value });
    };
    field.addEventListener("change", send);
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        send();
      }
    });
    finder.addEventListener("click", (event) => {
      if (event.detail > 0) finder.blur();  // a mouse click gives the keys back to the page
      const open = finder.getAttribute("aria-expanded") !== "true";
      finder.setAttribute("aria-expanded", String(open));
      box.sendFinder(open);
    });
    box.append(title, label, field, hint, finder);
    parentElement.appendChild(box);
    box.form = null;
  }
  box.sendText = (value) => setStateValue("box", value);
  box.sendFinder = (open) => setTriggerValue("finder", open);
  const [title, label, field, hint, finder] = box.children;
  title.hidden = !data.none_yet;
  title.lastChild.textContent = data.none_yet ? " · " + data.none_yet : "";
  label.textContent = data.label;
  field.placeholder = data.placeholder;
  hint.textContent = data.hint;
  finder.textContent = data.finder;
  finder.setAttribute("aria-expanded", String(data.finder_open));
  if (box.form !== data.form) {  // another claim, or a version saved: what the server holds
    box.form = data.form;
    box.count = Math.max(box.count || 0, data.seen);
    box.token = data.token;
    field.value = data.text;
    box.sent = data.text;
  } else if (box.token !== data.token) {
    // The server took what was sent and left only what it refused: that replaces the text
    // sent, and anything typed after it stays.
    box.token = data.token;
    const typed = field.value;
    field.value = typed.startsWith(box.sent) ? data.text + typed.slice(box.sent.length) : typed;
    box.sent = data.text;
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
/* A chevron like the expanders' around it: right when closed, down when open. */
.cr-adder-finder::before {
  content: "";
  display: inline-block;
  width: 0.4rem;
  height: 0.4rem;
  margin: 0 0.9rem 0.1rem 0.15rem;
  border-right: 1.5px solid currentColor;
  border-bottom: 1.5px solid currentColor;
  transform: rotate(-45deg);
}
.cr-adder-finder[aria-expanded="true"]::before { transform: rotate(45deg); }
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
    form: str,
    *,
    text: str,
    taken: int,
    none_yet: str | None,
    finder_open: bool,
    on_paste: Callable[[str], None],
    on_finder: Callable[[bool], None],
) -> None:
    """Draw the box for the form ``form`` (a name that changes whenever another claim or
    version is opened), holding ``text``, which the server last set when ``taken`` changed,
    and the finder's switch. ``none_yet``, when given, heads it as the form's "Cited sources"
    line. A text sent reaches ``on_paste(text)`` through ``take_paste``, which the page calls
    before it reads the form (and the box's own callback calls too); ``on_finder(open)`` runs
    in the switch's callback."""
    data = {
        "none_yet": none_yet,
        "label": LABEL,
        "placeholder": "PMID 27557302, doi:10.1056/NEJMoa1606038, NCT01234567",
        "hint": "Added when you leave the box, or press Ctrl+Enter.",
        "finder": FINDER,
        "finder_open": finder_open,
        "form": form,
        "seen": seen(key, form),
        "text": text,
        "token": f"{form}|{taken}",
    }
    _COMPONENT(
        key=key,
        data=data,
        on_box_change=lambda: take_paste(key, form, on_paste),
        on_finder_change=lambda: _finder(key, on_finder),
    )


def take_paste(key: str, form: str, on_paste: Callable[[str], None]) -> None:
    """Hand the box's latest text to ``on_paste``, if it was typed on ``form`` and not handed
    over yet. Safe to call any number of times, in any callback: a save's callback calls it
    before reading the form, so a paste sent with the click is never lost, whichever of the
    merged requests' callbacks Streamlit runs first."""
    sent = newer_sent(key, "box", form)
    if sent is not None and isinstance(sent.get("text"), str):
        on_paste(sent["text"])


def _finder(key: str, on_finder: Callable[[bool], None]) -> None:
    value = (st.session_state.get(key) or {}).get("finder")
    if isinstance(value, bool):
        on_finder(value)
