"""Values as a person reads them: dates, and what an audit event changed, one line per field.

Plain Python for the app's pages (the audit trail, users): an audit event keeps the values of
what it touched before and after as JSON-like dicts (``db/audit.py``); ``change_lines`` turns
them into lines such as ``"roles: reviewer → editor, reviewer"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from claims.scales import DECISION_REASONS, default_scales

__all__ = [
    "EMPTY",
    "change_lines",
    "changes_text",
    "format_date",
    "format_datetime",
    "format_value",
    "scale_labels",
    "shorten",
]

Labels = Mapping[str, Mapping[str, str]]  # field name -> stored code -> what people read

EMPTY = "—"  # a missing or empty value
VALUE_MAX_CHARS = 80  # a longer value is shortened with "…"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LONG_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_WHITESPACE = re.compile(r"\s+")


def format_date(day: date, *, long: bool = False) -> str:
    """``"6 Dec 2026"``, or with ``long`` ``"6 December 2026"`` as a published report writes it
    (English month names, whatever the locale)."""
    months = _LONG_MONTHS if long else _MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year}"


def format_datetime(
    moment: datetime | None,
    *,
    missing: str = EMPTY,
    zone: str = "UTC",
    relative_to: datetime | None = None,
    long: bool = False,
) -> str:
    """``"6 Dec 2026, 14:03 UTC"``; a naive datetime is taken to be UTC (as stored).

    ``zone``: an IANA time zone to show it in ("Europe/London"; an unknown name shows UTC).
    ``relative_to``: now; a moment on the same day (in that zone) reads "today, 14:03 …"."""
    if moment is None:
        return missing
    try:
        place = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        place, zone = ZoneInfo("UTC"), "UTC"
    local = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(place)
    day = format_date(local, long=long)
    if relative_to is not None and relative_to.astimezone(place).date() == local.date():
        day = "today"
    return f"{day}, {local.hour:02d}:{local.minute:02d} {zone}"


def shorten(text: str, max_chars: int = VALUE_MAX_CHARS) -> str:
    """``text`` on one line (runs of whitespace as one space), cut with "…" when longer."""
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)].rstrip() + "…"


def _is_empty(value: Any) -> bool:
    return (
        value is None or value in ("", [], {}, ()) or (isinstance(value, str) and not value.strip())
    )


def _label(field: Any) -> str:
    return str(field).replace("_", " ").strip() or "value"


@cache
def scale_labels() -> dict[str, dict[str, str]]:
    """The labels of the codes audit events store: verdicts, certainty, study designs,
    stances (scale fields by name) and decisions' reasons."""
    labels = {name: scale.labels() for name, scale in default_scales().items()}
    labels["reason"] = dict(DECISION_REASONS)
    return labels


def _words(value: Any, labels: Labels, field: Any = None) -> str:
    """``value`` (of ``field``) in words, not yet shortened."""
    if _is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        label = labels.get(field, {}).get(value) if isinstance(field, str) else None
        return label or _date_string(value.strip()) or value
    if isinstance(value, Mapping):
        shown = [(k, v) for k, v in value.items() if not _is_empty(v)]
        return ", ".join(f"{_label(k)} {_words(v, labels, k)}" for k, v in shown) or EMPTY
    if isinstance(value, list | tuple | set | frozenset):
        items = [_words(v, labels, field) for v in value if not _is_empty(v)]
        if len(items) > 1 and any(isinstance(v, Mapping) for v in value):
            return "; ".join(f"({item})" for item in items)  # several records: each in brackets
        return ", ".join(items) or EMPTY
    return str(value)


def _date_string(text: str) -> str | None:
    """An ISO date or datetime string as ``format_date`` or ``format_datetime`` writes it."""
    try:
        if _ISO_DATETIME.fullmatch(text):
            return format_datetime(datetime.fromisoformat(text.replace("Z", "+00:00")))
        if _ISO_DATE.fullmatch(text):
            return format_date(date.fromisoformat(text))
    except ValueError:
        return None
    return None


def format_value(
    value: Any,
    max_chars: int = VALUE_MAX_CHARS,
    *,
    field: str | None = None,
    labels: Labels | None = None,
) -> str:
    """A stored value in words, on one line: None or empty as "—", booleans as "yes"/"no",
    dates as people write them, lists joined with commas, long text cut with "…", and a
    scale's code (the value of a ``field`` such as "verdict") as its label."""
    return shorten(_words(value, scale_labels() if labels is None else labels, field), max_chars)


def change_lines(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    max_chars: int = VALUE_MAX_CHARS,
    labels: Labels | None = None,
) -> list[str]:
    """What changed from ``before`` to ``after``, one line per field whose value changed.

    - a changed value: ``"field: before → after"`` (an emptied one ``"field: before → —"``)
    - a field only in ``after``: ``"field: value (new)"``
    - a field only in ``before``: ``"field: value (removed)"``
    - something created (no ``before``): every field it has, ``"field: value"``
    - something deleted (no ``after``): every field it had, ``"field: value (removed)"``

    Field names are shown with spaces for underscores, codes with their ``labels`` (by
    default ``scale_labels()``); empty fields of a created or deleted thing are left out;
    equal values give no line.
    """
    labels = scale_labels() if labels is None else labels

    def shown(field: str, value: Any) -> str:
        return format_value(value, max_chars, field=field, labels=labels)

    if before is None and after is None:
        return []
    if before is None:
        return [f"{_label(k)}: {shown(k, v)}" for k, v in after.items() if not _is_empty(v)]
    if after is None:
        return [
            f"{_label(k)}: {shown(k, v)} (removed)" for k, v in before.items() if not _is_empty(v)
        ]
    lines = []
    for field in [*after, *(k for k in before if k not in after)]:
        label = _label(field)
        if field not in before:
            if not _is_empty(after[field]):
                lines.append(f"{label}: {shown(field, after[field])} (new)")
        elif field not in after:
            if not _is_empty(before[field]):
                lines.append(f"{label}: {shown(field, before[field])} (removed)")
        elif before[field] != after[field] and not (
            _is_empty(before[field]) and _is_empty(after[field])
        ):
            old = _words(before[field], labels, field)
            new = _words(after[field], labels, field)
            lines.append(f"{label}: {' → '.join(_differing(old, new, max_chars))}")
    return lines


def changes_text(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    max_chars: int = VALUE_MAX_CHARS,
    labels: Labels | None = None,
    separator: str = "\n",
) -> str:
    """``change_lines`` as one text, a line each (or joined by ``separator``); "no change"
    when both sides are given and no value differs; empty when the event kept no values (a
    login)."""
    lines = change_lines(before, after, max_chars=max_chars, labels=labels)
    if not lines and before is not None and after is not None:
        return "no change"
    return separator.join(lines)


def _differing(old: str, new: str, max_chars: int) -> tuple[str, str]:
    """Two values in words, shortened; two long texts that would look the same once shortened
    are both shown from a little before where they first differ."""
    shown_old, shown_new = shorten(old, max_chars), shorten(new, max_chars)
    if shown_old != shown_new:
        return shown_old, shown_new
    full_old, full_new = shorten(old, len(old)), shorten(new, len(new))
    same = 0
    while same < min(len(full_old), len(full_new)) and full_old[same] == full_new[same]:
        same += 1
    start = max(same - 20, 0)
    if start == 0:
        return shown_old, shown_new
    return shorten("…" + full_old[start:], max_chars), shorten("…" + full_new[start:], max_chars)
