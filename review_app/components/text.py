"""Showing user-supplied text safely: never as HTML, never as live Markdown."""

import json
import re
from typing import Any

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally (no links, emphasis or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def compact_json(values: dict[str, Any] | None) -> str:
    """An audit event's values on one line, for a table cell (shown as text, never markup)."""
    return "" if not values else json.dumps(values, ensure_ascii=False, default=str)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
