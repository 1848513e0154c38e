"""The review form's verdict and certainty: two rows of options, one element.

Drawn by a small component (``st.components.v2``), not two ``st.pills``: Next, Previous and a
save redraw the form, and the two pill rows cost about a tenth of every such click in the
browser; this component, in the page's own document (no shadow root), cost nothing measurable
(A/B, README "Felt speed"). The options behave as the pills did: one click chooses, a click on
the chosen one clears it, and the chosen value lives in session state under the row's key.
Each row is a radio group for screen readers, with its keyboard key shown beside each option
(the page's keyboard script presses them). Every text is set as text, never parsed as HTML.

A click is sent as the component's state (every row's value, the form it was made on, a running
count), not as an event: Streamlit applies state before any callback, so a save clicked in the
same instant reads it (``take_choices``), where an event's callback would run after the save's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from review_app.components.key_hint import WITH_KEY_JS
from review_app.components.sent_state import newer_sent, seen


@dataclass(frozen=True)
class RatingRow:
    """One row of options: ``state_key`` holds its value (a code, or None)."""

    name: str  # the row's class, ``cr-rating-<name>``, where the page's keys find it
    state_key: str
    label: str
    help: str
    options: Sequence[tuple[str, str, str]]  # (code, label, keyboard key)


_JS = r"""
export default function ({ data, parentElement, setStateValue }) {
  let box = parentElement.querySelector(".cr-rating");
  if (!box || box.dataset.shape !== data.shape) {
    if (box) box.remove();
    box = document.createElement("div");
    box.className = "cr-rating";
    box.dataset.shape = data.shape;
    data.rows.forEach((row) => {
      const group = document.createElement("div");
      group.className = "cr-rating-row cr-rating-" + row.name;
      const label = document.createElement("div");
      label.className = "cr-rating-label";
      label.id = "cr-rating-label-" + row.name;
      label.textContent = row.label;
      const help = document.createElement("span");
      help.className = "cr-rating-help";
      help.textContent = "?";
      help.title = row.help;
      help.tabIndex = 0;  // reachable by Tab, so its text is read or shown on focus
      help.setAttribute("role", "note");
      help.setAttribute("aria-label", row.help);
      label.appendChild(help);
      const options = document.createElement("div");
      options.className = "cr-rating-options";
      options.setAttribute("role", "radiogroup");
      options.setAttribute("aria-labelledby", label.id);
      row.options.forEach(([code, text, key]) => {
        const option = document.createElement("button");
        option.type = "button";
        option.setAttribute("role", "radio");
        option.dataset.code = code;
        withKey(option, text, key);
        option.addEventListener("click", () => box.choose(row.name, code));
        // Arrow keys move between a row's options, as in any radio group.
        option.addEventListener("keydown", (event) => {
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
          if (!step) return;
          event.preventDefault();
          const all = [...options.querySelectorAll("[role=radio]")];
          const next = all[(all.indexOf(option) + step + all.length) % all.length];
          all.forEach((other) => { other.tabIndex = other === next ? 0 : -1; });
          next.focus();
        });
        options.appendChild(option);
      });
      group.append(label, options);
      box.appendChild(group);
    });
    parentElement.appendChild(box);
    box.form = null;
  }
  // A choice is sent with every row clicked since the server last drew the picker, the form
  // it was made on and a running count: several choices made before the page is redrawn
  // arrive together, and the server applies only what is newer than what it holds, on the
  // form it was made on. Rows not clicked are left to the server (GRADE may set certainty).
  box.choose = (name, code) => {
    box.chosen[name] = box.chosen[name] === code ? null : code;  // a chosen one clicked clears
    box.changed.add(name);
    box.count += 1;
    box.show();
    const rows = Object.fromEntries([...box.changed].map((row) => [row, box.chosen[row]]));
    setStateValue("choice", { form: box.form, count: box.count, ...rows });
  };
  box.show = () => {
    data.rows.forEach((row) => {
      const chosen = box.chosen[row.name] ?? null;
      const all = box.querySelectorAll(".cr-rating-" + row.name + " [role=radio]");
      all.forEach((option, n) => {
        const checked = option.dataset.code === chosen;
        option.setAttribute("aria-checked", String(checked));
        // One Tab stop per row: the chosen option, or the first.
        option.tabIndex = checked || (chosen === null && n === 0) ? 0 : -1;
      });
    });
  };
  // What the server holds is drawn, unless a choice newer than the one it last saw is on its
  // way (then what was chosen stays shown until the run that saw it).
  if (box.form !== data.form) {
    box.form = data.form;
    box.count = data.seen;
  }
  if (data.seen >= box.count) {
    box.count = data.seen;
    box.chosen = Object.fromEntries(data.rows.map((row) => [row.name, row.chosen]));
    box.changed = new Set();  // only rows clicked since are sent: the server may set the others
  }
  box.show();
}
"""

_CSS = """
.cr-rating-row { margin-bottom: 0.75rem; }
.cr-rating-label { font-size: 0.875rem; margin-bottom: 0.35rem; }
.cr-rating-help {
  display: inline-block;
  margin-left: 0.35rem;
  width: 1rem;
  height: 1rem;
  line-height: 1rem;
  text-align: center;
  font-size: 0.7rem;
  border-radius: 50%;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.3));
  opacity: 0.7;
  cursor: help;
}
.cr-rating-options { display: flex; flex-wrap: wrap; gap: 0.4rem 0.5rem; }
.cr-rating-options button {
  font: inherit;
  font-size: 0.875rem;
  color: inherit;
  background: var(--st-background-color, #fff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 1rem;
  padding: 0.2rem 0.75rem;
  cursor: pointer;
  flex: 1 1 auto;
}
.cr-rating-options button:hover { border-color: var(--st-primary-color, #1c4e80); }
.cr-rating-options button[aria-checked="true"] {
  border-color: var(--st-primary-color, #1c4e80);
  background: color-mix(in srgb, var(--st-primary-color, #1c4e80) 12%, transparent);
  color: var(--st-primary-color, #1c4e80);
  font-weight: 600;
}
.cr-rating-options button:focus-visible {
  outline: 2px solid var(--st-primary-color, #1c4e80);
  outline-offset: 2px;
}
.cr-rating-options kbd {
  margin-left: 0.4rem;
  font: inherit;
  font-size: 0.75rem;
  opacity: 0.55;
}
"""

_COMPONENT = st.components.v2.component(
    "claimreview_rating", js=_JS + WITH_KEY_JS, css=_CSS, isolate_styles=False
)


def rating_picker(key: str, form: str, rows: Sequence[RatingRow]) -> None:
    """Draw the rows for the form ``form`` (a name that changes whenever another claim or
    version is opened). A click's choice reaches ``st.session_state[row.state_key]`` through
    ``take_choices``, which the page calls before it reads the form (and the picker's own
    callback calls too)."""
    data = {
        # The options drawn: the component rebuilds its buttons only when these change.
        "shape": json.dumps([[r.name, r.label, r.help, r.options] for r in rows]),
        "form": form,
        "seen": seen(key, form),
        "rows": [
            {
                "name": row.name,
                "label": row.label,
                "help": row.help,
                "options": [list(option) for option in row.options],
                "chosen": st.session_state.get(row.state_key),
            }
            for row in rows
        ],
    }
    _COMPONENT(key=key, data=data, on_choice_change=lambda: take_choices(key, form, rows))


def take_choices(key: str, form: str, rows: Sequence[RatingRow]) -> None:
    """Apply the browser's latest choice, if it was made on ``form`` and is newer than the
    last one applied. Safe to call any number of times, in any callback: a save's callback
    calls it before reading the form, so choices sent with the click are never lost, whichever
    of the merged requests' callbacks Streamlit runs first. What the browser sent is checked
    against the options drawn: anything else is ignored."""
    choice = newer_sent(key, "choice", form)
    if choice is None:
        return
    for row in rows:
        if row.name not in choice:
            continue
        code = choice[row.name]
        if code is None or (isinstance(code, str) and code in {o[0] for o in row.options}):
            st.session_state[row.state_key] = code
