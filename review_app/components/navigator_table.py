"""The review page's navigator: my progress, a table of claims with my status and verdict
beside each, one click (or Enter on its number) to open one, and the table's pages. The table is
one Tab stop; the arrow keys move between its rows.

Drawn by a small component (``st.components.v2``), not ``st.dataframe``, ``st.progress`` and
``st.number_input``: a save redraws the navigator, and the data grid cost the browser 13–17 ms
each time, whatever its rows; without the progress bar and the page field a Submit & next took
4–6% less (A/B; README, "Felt speed"). This component changes only what changed: a save, one row
and the progress line. A pick is sent at once, where the grid waited 150 ms. Its rows are
text, so the browser's find (Ctrl+F) reaches them and a screen reader reads a table.
Every value is set as text (``textContent``), never parsed as HTML: a claim's words cannot
become markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

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

    def values(self) -> list[object]:
        """In the order the table's script reads them (``dataclasses.astuple`` deep-copies:
        about 0.3 ms for 50 rows, on every save)."""
        return [self.claim_id, self.ordinal, self.mine, self.claim, self.cues, self.section]


@dataclass(frozen=True)
class ProgressLine:
    """The line above the table, and its bar: "You have submitted **3 of 24** checkable
    claims · 2 drafts · 24 listed" is ``("You have submitted ", "3 of 24", " checkable…")``."""

    done: float  # 0 to 1
    before: str
    strong: str
    after: str
    label: str = "Checkable claims you have submitted"


_JS = r"""
export default function ({ data, parentElement, setTriggerValue }) {
  showProgress(parentElement, data.progress);
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
  box.hidden = data.rows.length === 0;  // the claim panel says no claim matches
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
  showPages(parentElement, data.page, data.pages, setTriggerValue);
}

// "You have submitted 3 of 24 checkable claims · …", and a bar of the same.
function showProgress(parent, progress) {
  let line = parent.querySelector(".progress");
  if (!line) {
    line = document.createElement("div");
    line.className = "progress";
    const text = document.createElement("div");
    text.className = "progress-text";
    text.append(document.createTextNode(""), document.createElement("strong"),
      document.createTextNode(""));
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    bar.appendChild(document.createElement("div"));
    line.append(text, bar);
    parent.prepend(line);
  }
  const [before, strong, after] = line.querySelector(".progress-text").childNodes;
  before.textContent = progress.before;
  strong.textContent = progress.strong;
  after.textContent = progress.after;
  const bar = line.querySelector(".bar");
  const percent = Math.round(Math.min(1, Math.max(0, progress.done)) * 100);
  bar.setAttribute("aria-label", progress.label);
  bar.setAttribute("aria-valuenow", String(percent));
  bar.setAttribute("aria-valuetext", progress.strong);
  bar.firstChild.style.width = percent + "%";
}

// Under a table of more than one page: the page shown, and the ones either side.
function showPages(parent, page, pages, setTriggerValue) {
  let pager = parent.querySelector(".pager");
  if (pages <= 1) {
    if (pager) pager.remove();
    return;
  }
  if (!pager) {
    pager = document.createElement("div");
    pager.className = "pager";
    pager.setAttribute("role", "group");
    pager.setAttribute("aria-label", "Pages of claims");
    const field = document.createElement("input");
    field.type = "number";
    field.min = "1";
    field.setAttribute("aria-label", "Page");
    // To the page asked for, or the nearest there is; the field then shows it.
    const turn = (to) => {
      const [now, last] = [Number(pager.dataset.page), Number(pager.dataset.pages)];
      const target = Number.isFinite(to) ? Math.min(last, Math.max(1, Math.round(to))) : now;
      field.value = String(target);
      if (target !== now) {
        pager.dataset.page = String(target);  // a › right after typing counts from here
        setTriggerValue("page", target);
      }
    };
    const button = (text, name, step) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", name);
      b.addEventListener("click", (event) => {
        // A mouse click gives the keys back to the page (1, H, S… review the claim); Enter or
        // Space on the button (a click of detail 0) keeps it, to page on.
        if (event.detail > 0) b.blur();
        turn(Number(pager.dataset.page) + step);
      });
      return b;
    };
    // Typed and then Enter or Tab (a field left empty shows the page again).
    field.addEventListener("change", () => turn(field.value === "" ? NaN : Number(field.value)));
    const of = document.createElement("span");
    const label = document.createElement("span");
    label.textContent = "Page";
    label.setAttribute("aria-hidden", "true");
    pager.append(button("‹", "Previous page", -1), label, field, of, button("›", "Next page", 1));
    // Keys typed in the field are its own, and Enter or Space on a button is the button's:
    // never the page's shortcuts too (a digit is a verdict there, Enter is Submit and next).
    pager.addEventListener("keydown", (event) => {
      if (event.target === field || event.key === "Enter" || event.key === " ") {
        event.stopPropagation();
      }
    });
    parent.appendChild(pager);
  }
  pager.dataset.page = String(page);
  pager.dataset.pages = String(pages);
  const [previous, , field, of, next] = pager.children;
  const focused = pager.getRootNode().activeElement;  // inside this shadow root
  field.max = String(pages);
  if (focused !== field || field.value === "") field.value = page;
  of.textContent = `of ${pages}`;
  // A button paged with the keys that ends up disabled hands its focus to the field: dropped
  // to the page, the next Enter would be Submit and next.
  if ((focused === previous && page <= 1) || (focused === next && page >= pages)) field.focus();
  previous.disabled = page <= 1;
  next.disabled = page >= pages;
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

_CSS += """
.progress { margin-bottom: 0.6rem; font-size: 0.875rem; }
.progress-text { margin-bottom: 0.35rem; }
.progress .bar {
  height: 0.5rem;
  border-radius: 0.25rem;
  background: var(--st-secondary-background-color, #f0f2f6);
  overflow: hidden;
}
.progress .bar > div {
  height: 100%;
  background: var(--st-primary-color, #1c4e80);
  transition: width 0.2s;
}
.pager {
  display: flex;
  align-items: center;
  gap: 0.5rem;
  margin-top: 0.5rem;
  font-size: 0.875rem;
}
.pager button, .pager input {
  font: inherit;
  color: inherit;
  background: var(--st-background-color, #fff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 0.5rem;
  padding: 0.2rem 0.6rem;
}
.pager button { cursor: pointer; min-width: 2.25rem; }
.pager button:disabled { opacity: 0.4; cursor: default; }
.pager input { width: 4.5rem; }
.pager :focus-visible { outline: 2px solid var(--st-primary-color, #1c4e80); outline-offset: 1px; }
"""

_COMPONENT = st.components.v2.component("claimreview_navigator", js=_JS, css=_CSS)


def navigator_table(
    key: str,
    rows: Sequence[TableRow],
    on_pick: Callable[[int], None],
    *,
    progress: ProgressLine,
    page: int = 1,
    pages: int = 1,
    on_page: Callable[[int], None] = lambda _page: None,
    view: str = "",
    label: str = "Claims of this article",
    mine_help: str = "",
) -> None:
    """Draw the navigator; ``on_pick(claim_id)`` runs in the callback of a row's click, and
    ``on_page(page)`` in that of another page chosen (1 to ``pages``). ``view`` names what the
    rows are (a page, filters): a new one scrolls the table back to the top."""
    data = {
        "view": view,
        "label": label,
        "columns": [[name, mine_help if name == "Mine" else ""] for name in COLUMNS],
        "rows": [row.values() for row in rows],
        "progress": asdict(progress),
        "page": page,
        "pages": pages,
    }
    _COMPONENT(
        key=key,
        data=data,
        on_pick_change=lambda: _triggered(key, "pick", on_pick),
        on_page_change=lambda: _triggered(key, "page", on_page),
    )


def _triggered(key: str, trigger: str, action: Callable[[int], None]) -> None:
    value = (st.session_state.get(key) or {}).get(trigger)
    if isinstance(value, int) and not isinstance(value, bool):
        action(value)
