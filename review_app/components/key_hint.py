"""What the review page's small components share: a button's words with its keyboard key, and
the buttons' look (Streamlit's secondary and primary buttons, in the theme's colours)."""

# A function the components' scripts include: ``withKey(button, words, key)`` writes the words
# and, after them, the key in a <kbd> that screen readers skip (``aria-keyshortcuts`` says it).
WITH_KEY_JS = r"""
function withKey(button, words, key) {
  button.setAttribute("aria-keyshortcuts", key);
  const name = document.createElement("span");
  name.textContent = words;
  const hint = document.createElement("kbd");
  hint.textContent = key;
  hint.setAttribute("aria-hidden", "true");
  button.replaceChildren(name, hint);
}
"""


def button_css(within: str) -> str:
    """The look of the buttons inside ``within`` (a CSS selector)."""
    return _BUTTON_CSS.replace("WITHIN", within)


_BUTTON_CSS = """
WITHIN button {
  font: inherit;
  font-size: 0.875rem;
  line-height: 1.6;
  color: inherit;
  background: var(--st-background-color, #fff);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: 0.5rem;
  padding: 0.25rem 0.75rem;
  min-height: 2.25rem;
  cursor: pointer;
}
WITHIN button:hover:not(:disabled) {
  border-color: var(--st-primary-color, #1c4e80);
  color: var(--st-primary-color, #1c4e80);
}
WITHIN button.primary {
  background: var(--st-primary-color, #1c4e80);
  border-color: var(--st-primary-color, #1c4e80);
  color: #fff;
}
WITHIN button.primary:hover { filter: brightness(1.1); color: #fff; }
WITHIN button:focus-visible {
  outline: 2px solid var(--st-primary-color, #1c4e80);
  outline-offset: 2px;
}
WITHIN button:disabled { opacity: 0.45; cursor: not-allowed; }
WITHIN kbd { margin-left: 0.5rem; font: inherit; font-size: 0.8rem; opacity: 0.6; }
"""
