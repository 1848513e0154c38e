"""The review page's table of claims: my status and verdict beside each claim, one click (or
Enter on its number) to open one; one Tab stop, the arrow keys moving between its rows.

Drawn as an HTML table by a small component (``st.components.v2``), not ``st.dataframe``: the
data grid cost the browser 13–17 ms each time it was redrawn, whatever its rows, and a save
redraws the navigator; this table costs about 7 ms, and a pick is sent at once, where the grid
waited 150 ms (README, "Felt speed"). Its rows are text, so the browser's find (Ctrl+F)
reaches them and a screen reader reads a table.
Every value is set as text (``textContent``), never parsed as HTML: a claim's words cannot
become markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass

import streamlit as st

COLUMNS = ("#", "Mine", "Claim", "Cues")


@dataclass(frozen=True)
class TableRow:
    """One claim as the table shows it."""

    claim_id: int
    ordinal: int
    mine: str  # "✓ Misleading", "✎ Draft", "○ To do"
    claim: str
    cues: int
    section: str  # in the claim's tooltip: a column of it would squeeze the claim out


_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
  let box = parentElement.querySelector(".navigator");
  if (!box) {
    box = document.createElement("div");
    box.className = "navigator";
    box.dataset.testid = "claim-navigator";
    const table = document.createElement("table");
    table.setAttribute("aria-label", data.label);
    const head = table.createTHead().insertRow();
    data.columns.forEach(([name, help]) => {
      const cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = name;
      if (help) cell.title = help;
      head.appendChild(cell);
    });
    table.createTBody();
    box.appendChild(table);
    parentElement.appendChild(box);
    // A click anywhere on a row opens its claim; its number is a button for the keyboard.
    const pick = (event) => {
      const row = event.target.closest("tr[data-claim]");
      if (!row) return;
      box.dataset.active = row.dataset.claim;
      tabStop(box);  // the table may not be drawn again: its rows have not changed
      // The keys go back to the page: Enter is then Submit and next again, not this row.
      if (event.target.blur) event.target.blur();
      setTriggerValue("pick", Number(row.dataset.claim));
    };
    box.addEventListener("click", pick);
    box.addEventListener("keydown", (event) => {
      if (event.target.tagName !== "BUTTON") return;
      // One Tab stop for the whole table: the arrows move between its rows' numbers (with a
      // modifier they keep the browser's meaning: top of the page, a page down...).
      const modified = event.altKey || event.ctrlKey || event.metaKey || event.shiftKey;
      if (!modified && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        const row = event.target.closest("tr");
        const to = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
        event.preventDefault();
        event.stopPropagation();
        if (to) {
          box.dataset.active = to.dataset.claim;
          tabStop(box);
          to.querySelector("button").focus();
        }
        return;
      }
      // Enter on a row's number opens its claim, and is not also the page's Enter (Submit and
      // next), whose listener hears a key only after the table has.
      if (event.key !== "Enter") return;
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat) pick(event);
    });
  }
  // Rows are changed in place: a save changes one row, and the scroll position stays; another
  // page of rows, or other filters, start at the top.
  if (box.dataset.view !== data.view) {
    box.dataset.view = data.view;
    box.scrollTop = 0;
  }
  const body = box.querySelector("tbody");
  while (body.rows.length > data.rows.length) body.deleteRow(-1);
  data.rows.forEach((values, index) => {
    const row = body.rows[index] || body.insertRow();
    const [claim, ordinal, mine, text, cues, section] = values;
    const shown = JSON.stringify(values);
    if (row.dataset.values === shown) return;  // unchanged: left as it is
    row.dataset.claim = String(claim);
    row.dataset.values = shown;
    row.replaceChildren();
    const number = document.createElement("button");
    number.type = "button";
    number.textContent = String(ordinal);
    number.setAttribute("aria-label", `Open claim ${ordinal}`);
    row.insertCell().appendChild(number);
    // The cell's whole text in a tooltip, where the cell cuts it short.
    const status = row.insertCell();
    status.textContent = status.title = mine;
    const words = row.insertCell();
    words.textContent = text;
    words.title = section ? `${text}\n(section: ${section})` : text;
    row.insertCell().textContent = String(cues);
  });
  tabStop(box);
}

// The row last moved to or opened (else the first) is the table's one Tab stop.
function tabStop(box) {
  const numbers = [...box.querySelectorAll("tbody button")];
  const active = numbers.find((b) => b.closest("tr").dataset.claim === box.dataset.active);
  numbers.forEach((b) => { b.tabIndex = b === (active || numbers[0]) ? 0 : -1; });
}
"""

_CSS = """
.navigator {
  max-height: 28rem;
  overflow-y: auto;
  scroll-padding-top: 2.25rem;  /* a row moved to by the keys is never under the header */
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.15));
  border-radius: 0.5rem;
  font-size: 0.875rem;
}
.navigator table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.navigator th, .navigator td {
  box-sizing: border-box;
  padding: 0.35rem 0.4rem;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
  text-align: left;
  border-bottom: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.1));
}
.navigator th {
  position: sticky;
  top: 0;
  z-index: 1;
  font-weight: 400;
  color: color-mix(in srgb, var(--st-text-color, #31333f) 60%, transparent);
  background: var(--st-secondary-background-color, #f0f2f6);
}
.navigator th:nth-child(1) { width: 2.75rem; }
.navigator th:nth-child(2) { width: 7.75rem; }
.navigator th:nth-child(4) { width: 3rem; }
.navigator td:nth-child(1), .navigator td:nth-child(4),
.navigator th:nth-child(1), .navigator th:nth-child(4) { text-align: right; }
.navigator tbody tr { cursor: pointer; }
.navigator tbody tr:hover { background: var(--st-secondary-background-color, #f0f2f6); }
.navigator td button {
  font: inherit;
  color: inherit;
  background: none;
  border: none;
  padding: 0;
  cursor: pointer;
}
.navigator td button:focus-visible {
  outline: 2px solid var(--st-primary-color, #1c4e80);
  outline-offset: 2px;
}
"""

_COMPONENT = st.components.v2.component("claimreview_navigator", js=_JS, css=_CSS)


def navigator_table(
    key: str,
    rows: Sequence[TableRow],
    on_pick: Callable[[int], None],
    *,
    view: str = "",
    label: str = "Claims of this article",
    mine_help: str = "",
) -> None:
    """Draw the table; ``on_pick(claim_id)`` runs in the callback of a row's click. ``view``
    names what the rows are (a page, filters): a new one scrolls the table back to the top."""
    data = {
        "view": view,
        "label": label,
        "columns": [[name, mine_help if name == "Mine" else ""] for name in COLUMNS],
        "rows": [list(astuple(row)) for row in rows],
    }
    _COMPONENT(key=key, data=data, on_pick_change=lambda: _picked(key, on_pick))


def _picked(key: str, on_pick: Callable[[int], None]) -> None:
    picked = (st.session_state.get(key) or {}).get("pick")
    if isinstance(picked, int) and not isinstance(picked, bool):
        on_pick(picked)
