"""The review form's verdict and certainty: two rows of options, one element.

Drawn by a small component (``st.components.v2``), not two ``st.pills``: Next, Previous and a
save redraw the form, and the two pill rows cost about a tenth of every such click in the
browser; this component, in the page's own document (no shadow root), cost nothing measurable
(A/B, README "Felt speed"). The options behave as the pills did: one click chooses, a click on
the chosen one clears it, and the chosen value lives in session state under the row's key, so
the form reads and sets it as any other value. Each row is a radio group for screen readers,
with its keyboard key shown beside each option (the page's keyboard script presses them).
Every text is set as text (``textContent``), never parsed as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class RatingRow:
    """One row of options: ``state_key`` holds its value (a code, or None)."""

    name: str  # the row's class, ``cr-rating-<name>``, where the page's keys find it
    state_key: str
    label: str
    help: str
    options: Sequence[tuple[str, str, str]]  # (code, label, keyboard key)


_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
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
      help.setAttribute("aria-label", row.help);
      help.setAttribute("role", "img");
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
        option.setAttribute("aria-keyshortcuts", key);
        const name = document.createElement("span");
        name.textContent = text;
        const hint = document.createElement("kbd");
        hint.textContent = key;
        hint.setAttribute("aria-hidden", "true");
        option.append(name, hint);
        option.addEventListener("click", () => {
          const chosen = option.getAttribute("aria-checked") === "true";
          // Shown at once; the run that follows draws what the server holds.
          options.querySelectorAll("[role=radio]").forEach((other) =>
            other.setAttribute("aria-checked", String(other === option && !chosen)));
          box.sendPick([row.name, chosen ? null : code]);
        });
        // Arrow keys move between a row's options, as in any radio group.
        option.addEventListener("keydown", (event) => {
          const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
          if (!step) return;
          event.preventDefault();
          const all = [...options.querySelectorAll("[role=radio]")];
          const next = all[(all.indexOf(option) + step + all.length) % all.length];
          next.focus();
        });
        options.appendChild(option);
      });
      group.append(label, options);
      box.appendChild(group);
    });
    parentElement.appendChild(box);
  }
  box.sendPick = (pick) => setTriggerValue("pick", pick);
  data.rows.forEach((row) => {
    const all = box.querySelectorAll(".cr-rating-" + row.name + " [role=radio]");
    all.forEach((option, n) => {
      const checked = option.dataset.code === row.chosen;
      option.setAttribute("aria-checked", String(checked));
      // One Tab stop per row: the chosen option, or the first.
      option.tabIndex = checked || (row.chosen === null && n === 0) ? 0 : -1;
    });
  });
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
    "claimreview_rating", js=_JS, css=_CSS, isolate_styles=False
)


def rating_picker(key: str, rows: Sequence[RatingRow]) -> None:
    """Draw the rows; a click sets ``st.session_state[row.state_key]`` (None when cleared) in
    its callback, and reruns the fragment the picker is in."""
    data = {
        # The options drawn: the component rebuilds its buttons only when these change.
        "shape": json.dumps([[r.name, r.label, r.help, r.options] for r in rows]),
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
    _COMPONENT(key=key, data=data, on_pick_change=lambda: _picked(key, rows))


def _picked(key: str, rows: Sequence[RatingRow]) -> None:
    """What the browser sent is checked against the options drawn: anything else is ignored."""
    value = (st.session_state.get(key) or {}).get("pick")
    if not isinstance(value, list) or len(value) != 2:
        return
    name, code = value
    for row in rows:
        if row.name == name and (code is None or code in {o[0] for o in row.options}):
            st.session_state[row.state_key] = code
