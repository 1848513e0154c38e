"""What the review page's small components share: a button's words with its keyboard key."""

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
