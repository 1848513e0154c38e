"""What a reviewer must know about a source before weighing it: retracted, under an expression
of concern, corrected, itself a retraction notice, a preprint, or a finished trial whose results
were never posted. Each flag has a label a reviewer reads and a detail naming the evidence."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from claims.sources.errors import SERVICE_NAMES
from claims.sources.records import (
    CORRECTION,
    EXPRESSION_OF_CONCERN,
    RETRACTION,
    Notice,
    SourceRecord,
)

__all__ = ["FLAG_LABELS", "Flag", "flags"]

RETRACTED = "retracted"
EXPRESSION_OF_CONCERN_FLAG = "expression_of_concern"
CORRECTED = "corrected"
RETRACTION_NOTICE = "retraction_notice"
PREPRINT = "preprint"
NO_RESULTS_POSTED = "no_results_posted"

# Flag code → its label, in the order flags are listed (the gravest first).
FLAG_LABELS = {
    RETRACTED: "Retracted",
    EXPRESSION_OF_CONCERN_FLAG: "Expression of concern",
    CORRECTED: "Corrected",
    RETRACTION_NOTICE: "Retraction notice (not a study)",
    PREPRINT: "Preprint (not peer reviewed)",
    NO_RESULTS_POSTED: "No results posted",
}
# The notice kinds, each with its flag and what the detail calls the notices.
_NOTICE_FLAGS = (
    (RETRACTION, RETRACTED, "Retraction notice", "retracted"),
    (EXPRESSION_OF_CONCERN, EXPRESSION_OF_CONCERN_FLAG, "Expression of concern", "under concern"),
    (CORRECTION, CORRECTED, "Correction", "corrected"),
)
# FDAAA 801 (42 U.S.C. 282(j)) and its Final Rule (42 CFR 11.44) require an applicable clinical
# trial's results within 12 months of its primary completion date. A record's completion date is
# the study's completion when given, which comes on or after primary completion, so a trial
# flagged is past that deadline; one not flagged may still be (a reviewer can check).
RESULTS_DEADLINE_MONTHS = 12


@dataclass(frozen=True)
class Flag:
    """A fact about a source a reviewer must see: a stable code, a label, what shows it."""

    code: str  # one of FLAG_LABELS
    label: str
    detail: str = ""


def flags(record: SourceRecord, *, today: date | None = None) -> tuple[Flag, ...]:
    """The flags that apply to the record, gravest first. ``today`` (default: the current date)
    decides whether a completed trial's results are overdue."""
    today = today or date.today()
    found: list[Flag] = []
    for kind, code, noun, state in _NOTICE_FLAGS:
        notices = [notice for notice in record.notices if notice.kind == kind]
        if notices:
            found.append(_flag(code, _notice_detail(record, notices, noun, state)))
    if record.is_retraction_notice:
        found.append(_flag(RETRACTION_NOTICE, _retraction_notice_detail(record)))
    if record.is_preprint:
        found.append(_flag(PREPRINT, _preprint_detail(record)))
    if _results_overdue(record, today):
        found.append(_flag(NO_RESULTS_POSTED, _no_results_detail(record)))
    return tuple(found)


def _flag(code: str, detail: str) -> Flag:
    return Flag(code=code, label=FLAG_LABELS[code], detail=detail)


def _notice_detail(record: SourceRecord, notices: list[Notice], noun: str, state: str) -> str:
    """ "Retraction notice: PMID 20137807." or, where the service names none, who says so."""
    named = [_cited(notice) for notice in notices if notice.reference]
    if not named:
        service = SERVICE_NAMES.get(record.service, record.service)
        return f"{service} marks it {state} without naming the notice."
    plural = "s" if len(named) > 1 else ""
    return f"{noun}{plural}: {'; '.join(named)}."


def _cited(notice: Notice) -> str:
    return f"{notice.reference} ({notice.date})" if notice.date else notice.reference


def _retraction_notice_detail(record: SourceRecord) -> str:
    retracted = record.extra.get("retraction_of") or []
    if retracted:
        return f"This record retracts {', '.join(retracted)}; it reports no findings of its own."
    return "This record is a retraction notice; it reports no findings of its own."


def _preprint_detail(record: SourceRecord) -> str:
    server = record.extra.get("preprint_server") or record.journal
    detail = f"Posted on {server}; not peer reviewed." if server else "Not peer reviewed."
    published = record.extra.get("published_version")
    if published:
        detail += f" A published version exists: {published}."
    return detail


def _no_results_detail(record: SourceRecord) -> str:
    detail = (
        f"Completed {record.completion_date}; no results posted on ClinicalTrials.gov more "
        f"than {RESULTS_DEADLINE_MONTHS} months later. FDAAA 801 requires results within "
        f"{RESULTS_DEADLINE_MONTHS} months of primary completion for applicable clinical trials."
    )
    if record.extra.get("fda_regulated") is False:
        detail += " The record names no FDA-regulated drug or device, so that rule may not bind it."
    return detail


def _results_overdue(record: SourceRecord, today: date) -> bool:
    """A completed trial, more than 12 months past its completion date, without results."""
    if record.overall_status.upper() != "COMPLETED" or record.has_results is not False:
        return False
    completed = _latest_day(record.completion_date)
    if completed is None:
        return False
    try:
        return today > _months_after(completed, RESULTS_DEADLINE_MONTHS)
    except ValueError:  # a completion date in year 9999
        return False


def _latest_day(text: str) -> date | None:
    """The last day a ClinicalTrials.gov date can mean: "2023-11-24", or the month's last day
    for "2023-11" (so a month-only date never flags a trial early)."""
    parts = text.strip().split("-")
    if not parts or not all(part.isdigit() for part in parts) or len(parts) > 3:
        return None
    year, month = int(parts[0]), int(parts[1]) if len(parts) > 1 else 12
    try:
        day = int(parts[2]) if len(parts) > 2 else calendar.monthrange(year, month)[1]
        return date(year, month, day)
    except (ValueError, calendar.IllegalMonthError):
        return None


def _months_after(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day where it is shorter (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
