"""Showing user-supplied text safely: never as HTML, never as live Markdown."""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally (no links, emphasis or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def highlighted(text: str, spans: list[tuple[int, int]]) -> str:
    """Text shown literally, with the spans marked (a search's matching words)."""
    shown, at = "", 0
    for start, end in spans:
        shown += (
            escape_markdown(text[at:start])
            + f"**:orange-background[{escape_markdown(text[start:end])}]**"
        )
        at = end
    return shown + escape_markdown(text[at:])
