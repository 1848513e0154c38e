"""GRADE certainty of the evidence for one claim, rated by its domains (see the review standards).

A body of evidence starts High when it rests on randomised trials and Low when it rests on
observational studies (GRADE Handbook 2013; GRADE guidelines 3, J Clin Epidemiol 2011). Five
domains rate it down one level (serious) or two (very serious): risk of bias, inconsistency,
indirectness, imprecision, publication bias. Three rate observational evidence up: a large effect
(+1, or +2 when very large), a dose-response gradient (+1), and plausible confounding that would
have reduced the effect or suggests a spurious one when none was seen (+1) (GRADE guidelines 9).
The certainty follows from the domains, floored at Very low and capped at High; a reviewer may
still override it, with a stated reason. Every judgement that moves the rating carries a reason,
written as a Summary of Findings footnote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claims.errors import ClaimreviewError
from claims.scales import default_scales, grade_symbols


class GradeError(ClaimreviewError):
    """A GRADE assessment that cannot stand: a missing reason, a level out of range, bad JSON."""


# Where a body of evidence starts, as a rating on the certainty scale (High = 4, Low = 2).
START_LEVELS = {"randomised": 4, "observational": 2}
STARTS = {"randomised": "Randomised trials", "observational": "Observational studies"}

# The reasons to rate down, in the order a Summary of Findings table gives its columns.
DOWN_DOMAINS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
# The reasons to rate up (observational evidence only).
UP_DOMAINS = {
    "large_effect": "Large effect",
    "dose_response": "Dose-response gradient",
    "plausible_confounding": "Plausible confounding",
}

# How far a reason to rate down moves the rating, and how a reviewer reads it.
SERIOUSNESS = {0: "Not serious", -1: "Serious", -2: "Very serious"}
# How far a reason to rate up moves the rating; only a large effect may count twice (very large).
UP_LEVELS = {0: "No", 1: "Yes", 2: "Very large"}
_UP_MAXIMUM = {"large_effect": 2, "dose_response": 1, "plausible_confounding": 1}

# Long enough for a footnote with a citation or two; refuses pasted documents in imported JSON.
REASON_MAX_CHARS = 1000

# Study designs (claims/data/scales.json) that set where the evidence starts.
_RANDOMISED_DESIGNS = frozenset({"rct", "systematic_review"})
_OBSERVATIONAL_DESIGNS = frozenset({"cohort", "case_series"})

_LEVEL_WORDS = {1: "one level", 2: "two levels"}
_JSON_FIELDS = ("start", "down", "up", "override", "override_reason")


def suggest_start(designs: Iterable[str | None]) -> str | None:
    """Where the evidence starts, from the study designs of the sources cited for a claim.

    "randomised" when any source is a randomised trial or a systematic review of them,
    "observational" when any is a cohort study or a case series, else None: nothing to start
    from, which is the evidence gap "No evidence found" rather than a GRADE rating.

    The other designs set no start. A retracted paper is not evidence at all. A preprint's code
    says it is not peer reviewed but not what kind of study it is, so it cannot say where to
    start (the reviewer chooses). Preclinical work (animals, cells) is indirect evidence about
    people, however it was randomised. Mechanism-based reasoning, guidelines and narrative reviews
    are not studies of the effect in people: rate the studies they rest on instead.
    """
    present = {design for design in designs if design}
    if present & _RANDOMISED_DESIGNS:
        return "randomised"
    if present & _OBSERVATIONAL_DESIGNS:
        return "observational"
    return None


def level_label(domain: str, levels: int) -> str:
    """How a reviewer reads a domain's rating: "Serious", "Very serious", "Yes", "Very large"."""
    labels = SERIOUSNESS if domain in DOWN_DOMAINS else UP_LEVELS
    return labels.get(levels, str(levels))


@dataclass(frozen=True)
class DomainRating:
    """One GRADE domain's judgement: how many levels it moves the rating, and why.

    Levels are 0, -1 (serious) or -2 (very serious) for a reason to rate down; 0, +1 or, for a
    large effect only, +2 for a reason to rate up. A rating that moves the certainty needs a
    reason, since a reader of the Summary of Findings table is owed one.
    """

    domain: str
    levels: int
    reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.domain, str) or self.domain not in DOWN_DOMAINS | UP_DOMAINS:
            raise GradeError(
                f"{self.domain!r} is not a GRADE domain. Rate down for one of "
                f"{', '.join(DOWN_DOMAINS)}; rate up for one of {', '.join(UP_DOMAINS)}."
            )
        label = _domain_label(self.domain)
        if not isinstance(self.levels, int) or isinstance(self.levels, bool):
            raise GradeError(
                f"{label}: the levels must be a whole number, {_allowed(self.domain)}, "
                f"not {_json_kind(self.levels)}."
            )
        if self.levels not in _allowed_levels(self.domain):
            raise GradeError(
                f"{label} cannot move the rating by {self.levels:+d}; "
                f"choose {_allowed(self.domain)}."
            )
        if not isinstance(self.reason, str):
            raise GradeError(f"{label}: the reason must be text, not {_json_kind(self.reason)}.")
        reason = self.reason.strip()
        if len(reason) > REASON_MAX_CHARS:
            raise GradeError(
                f"{label}: the reason has {len(reason)} characters; keep it to "
                f"{REASON_MAX_CHARS}, as a footnote would."
            )
        if self.levels and not reason:
            example = f"for example {_EXAMPLE_REASONS[self.domain]!r}"
            if self.domain in DOWN_DOMAINS:
                raise GradeError(
                    f"{label} is rated {level_label(self.domain, self.levels).lower()} "
                    f"({self.levels:+d}) without a reason. Say why ({example}), "
                    "or rate it not serious."
                )
            raise GradeError(
                f"{label} rates the evidence up ({self.levels:+d}) without a reason. "
                f"Say why ({example}), or set it to 'No'."
            )
        object.__setattr__(self, "reason", reason)

    @property
    def label(self) -> str:
        """The domain as a reader sees it, e.g. "Risk of bias"."""
        return _domain_label(self.domain)


@dataclass(frozen=True)
class GradeAssessment:
    """The GRADE rating of the evidence for one claim, from its start and its domains.

    ``start`` is "randomised" or "observational" (see ``suggest_start``). Domains left out of
    ``down`` count as not serious and those left out of ``up`` as not used; both are kept in the
    handbook's order, all domains present, so that equal assessments compare equal. An override
    equal to the computed certainty is not an override and is dropped. An invalid assessment
    cannot be built: ``validate`` runs on construction.
    """

    start: str
    down: tuple[DomainRating, ...]
    up: tuple[DomainRating, ...] = ()
    override: str | None = None
    override_reason: str = ""

    def __post_init__(self) -> None:
        self.validate()
        object.__setattr__(self, "down", _complete(self.down, DOWN_DOMAINS))
        object.__setattr__(self, "up", _complete(self.up, UP_DOMAINS))
        if self.override is None or self.override == self.computed():
            object.__setattr__(self, "override", None)
            object.__setattr__(self, "override_reason", "")
        else:
            object.__setattr__(self, "override_reason", self.override_reason.strip())

    def validate(self) -> None:
        """Raise GradeError unless this is an assessment GRADE allows."""
        if self.start is None:
            raise GradeError(_NO_START)
        if not isinstance(self.start, str) or self.start not in START_LEVELS:
            raise GradeError(
                f"{self.start!r} is not where GRADE starts: choose 'randomised' (randomised "
                "trials, starting High) or 'observational' (observational studies, starting Low)."
            )
        _check_ratings(self.down, "down", DOWN_DOMAINS)
        _check_ratings(self.up, "up", UP_DOMAINS)
        used_up = [rating for rating in self.up if rating.levels]
        if self.start == "randomised" and used_up:
            raise GradeError(
                f"Randomised evidence cannot be rated up (here for "
                f"{_join_labels(used_up)}): it already starts at High, the top of the scale, "
                "and GRADE reserves rating up for observational studies, which start at Low "
                "because of their design (its authors have yet to find a compelling case for "
                "rating up randomised trials). Set the reasons to rate up to 'No', or start "
                "from observational evidence if that is what the claim rests on."
            )
        self._validate_override()

    def _validate_override(self) -> None:
        if not isinstance(self.override_reason, str):
            raise GradeError(
                f"The override's reason must be text, not {_json_kind(self.override_reason)}."
            )
        if self.override is None:
            return
        codes = _rated_codes()
        if self.override == "no_evidence":
            raise GradeError(
                "'No evidence found' cannot override a GRADE assessment: it is the evidence "
                "gap, when no study was found, and this assessment rates studies that exist. "
                "Remove the assessment and record the certainty as 'No evidence found' instead."
            )
        if not isinstance(self.override, str) or self.override not in codes.values():
            raise GradeError(
                f"{self.override!r} is not a certainty to override with; choose one of "
                f"{', '.join(codes.values())}, or leave the override empty."
            )
        if self.override != self.computed() and not self.override_reason.strip():
            raise GradeError(
                f"Overriding the certainty the domains give ({_certainty_label(self.computed())}) "
                f"with {_certainty_label(self.override)} needs a reason. Say why the domains do "
                "not capture the judgement, or leave the override empty."
            )
        if len(self.override_reason.strip()) > REASON_MAX_CHARS:
            raise GradeError(
                f"The override's reason has {len(self.override_reason.strip())} characters; "
                f"keep it to {REASON_MAX_CHARS}."
            )

    def levels(self) -> int:
        """The rating the domains give before the floor and cap: start + ups + downs."""
        moved = sum(rating.levels for rating in (*self.down, *self.up))
        return START_LEVELS[self.start] + moved

    def computed(self) -> str:
        """The certainty code the domains give: "high", "moderate", "low" or "very_low".

        Downgrading may add up to more than three levels; the rating then stays at Very low.
        """
        return _rated_codes()[min(4, max(1, self.levels()))]

    def certainty(self) -> str:
        """The certainty code that stands: the reviewer's override if any, else the computed."""
        return self.override or self.computed()

    def certainty_label(self) -> str:
        """The certainty that stands as a reader sees it, e.g. "Moderate"."""
        return _certainty_label(self.certainty())

    def symbols(self) -> str:
        """GRADE's symbols for the certainty that stands, e.g. ⊕⊕⊕◯ for moderate."""
        scale = default_scales()["certainty"]
        return grade_symbols(scale.get(self.certainty()).rating)

    def moving(self) -> tuple[DomainRating, ...]:
        """The domains that move the rating, downs then ups, in the handbook's order."""
        return tuple(rating for rating in (*self.down, *self.up) if rating.levels)

    def footnote_letters(self) -> dict[str, str]:
        """Each moving domain's footnote letter ("a", "b", …), for marking a table's cells."""
        return {rating.domain: chr(ord("a") + i) for i, rating in enumerate(self.moving())}

    def summary(self) -> str:
        """The assessment in a line, each domain that moved the rating with its footnote letter:
        "Randomised trials; risk of bias: serious (a); imprecision: very serious (b) → Very low
        ⊕◯◯◯" ("overridden" when the reviewer's certainty is not the domains')."""
        letters = self.footnote_letters()
        moved = [
            f"{r.label.lower()}: {level_label(r.domain, r.levels).lower()} ({letters[r.domain]})"
            for r in self.moving()
        ]
        overridden = " (overridden)" if self.override else ""
        return (
            "; ".join([STARTS[self.start], *moved])
            + f" → {self.certainty_label()} {self.symbols()}{overridden}"
        )

    PROFILE_COLUMNS = (
        "Study design",
        *DOWN_DOMAINS.values(),
        "Rated up",
        "Certainty",
    )

    def profile_cells(self) -> tuple[str, ...]:
        """The assessment as a row of GRADE's evidence profile: the study design it starts from,
        each reason to rate down ("Serious (a)"), what rated it up, and the certainty."""
        letters = self.footnote_letters()

        def cell(rating: DomainRating) -> str:
            label = level_label(rating.domain, rating.levels)
            return f"{label} ({letters[rating.domain]})" if rating.domain in letters else label

        ups = [f"{r.label} ({letters[r.domain]})" for r in self.up if r.levels]
        # The override's footnote comes after the domains' (see footnotes()).
        overridden = f" ({chr(ord('a') + len(letters))})" if self.override else ""
        return (
            STARTS[self.start],
            *(cell(r) for r in self.down),
            "; ".join(ups) or "None",
            f"{self.certainty_label()} {self.symbols()}{overridden}",
        )

    def footnotes(self) -> list[str]:
        """Footnotes as a Summary of Findings table writes them, lettered a, b, c….

        One per domain that moved the rating ("a. Rated down one level for risk of bias: …"),
        then one for an override, so a reader sees why the certainty is what it is.
        """
        notes = []
        for rating in self.moving():
            direction = "down" if rating.levels < 0 else "up"
            what = rating.label[0].lower() + rating.label[1:]
            if rating.domain == "large_effect" and rating.levels == 2:
                what = "very large effect"
            notes.append(
                f"Rated {direction} {_LEVEL_WORDS[abs(rating.levels)]} for {what}: "
                f"{_sentence(rating.reason)}"
            )
        if self.override:
            notes.append(
                f"Certainty judged {_certainty_label(self.override).lower()} rather than the "
                f"{_certainty_label(self.computed()).lower()} the domains give: "
                f"{_sentence(self.override_reason)}"
            )
        return [f"{chr(ord('a') + i)}. {note}" for i, note in enumerate(notes)]

    def warnings(self) -> list[str]:
        """Judgements GRADE advises against but allows, for the reviewer to look at again."""
        warnings = []
        used_up = [rating for rating in self.up if rating.levels]
        used_down = [rating for rating in self.down if rating.levels]
        if used_up and used_down:
            warnings.append(
                f"Rated up for {_join_labels(used_up)} although rated down for "
                f"{_join_labels(used_down)}: GRADE usually rates up only evidence with no "
                "serious reason to rate down. Check that the rating up still holds."
            )
        return warnings

    def to_json(self) -> dict[str, Any]:
        """Plain data for the database or an export; ``from_json`` reads it back."""
        return {
            "start": self.start,
            "down": {r.domain: {"levels": r.levels, "reason": r.reason} for r in self.down},
            "up": {r.domain: {"levels": r.levels, "reason": r.reason} for r in self.up},
            "override": self.override,
            "override_reason": self.override_reason,
        }

    @classmethod
    def from_json(cls, data: Any) -> GradeAssessment:
        """An assessment from ``to_json``'s data, checked: it may come from an imported file.

        Anything unexpected (an unknown field or domain, a level out of range, a string where a
        number belongs) raises GradeError naming what was wrong.
        """
        if not isinstance(data, dict):
            raise GradeError(
                f"A GRADE assessment must be a JSON object with {', '.join(_JSON_FIELDS)}; "
                f"got {_json_kind(data)}."
            )
        unknown = sorted(str(key) for key in data if key not in _JSON_FIELDS)
        if unknown:
            raise GradeError(
                f"Unknown field(s) {', '.join(map(repr, unknown))} in a GRADE assessment; "
                f"expected only {', '.join(_JSON_FIELDS)}."
            )
        for required in ("start", "down"):
            if required not in data:
                raise GradeError(
                    f"The GRADE assessment has no {required!r}; "
                    + (
                        "give 'randomised' or 'observational'."
                        if required == "start"
                        else "give the reasons to rate down, as an object keyed by domain."
                    )
                )
        return cls(
            start=data["start"],
            down=_ratings_from_json(data["down"], "down", DOWN_DOMAINS),
            up=_ratings_from_json(data.get("up", {}), "up", UP_DOMAINS),
            override=data.get("override"),
            override_reason=data.get("override_reason", ""),
        )


def assessment_from_form(
    start: str | None,
    down: Mapping[str, tuple[int, str]],
    up: Mapping[str, tuple[int, str]],
    override: str | None = None,
    override_reason: str = "",
) -> GradeAssessment:
    """An assessment from a form's choices: each domain's (levels, reason), keyed by domain.

    ``start`` None (no source sets a start, see ``suggest_start``) is refused: without studies to
    rate, the certainty is the evidence gap "No evidence found", not a GRADE assessment.
    """
    if start is None:
        raise GradeError(_NO_START)
    return GradeAssessment(
        start=start,
        down=_ratings_from_form(down),
        up=_ratings_from_form(up),
        override=override or None,
        override_reason=override_reason,
    )


_NO_START = (
    "A GRADE assessment needs a starting level: 'randomised' or 'observational'. Cite a "
    "randomised trial, systematic review, cohort study or case series, or, if no study was "
    "found, record the certainty as 'No evidence found' without an assessment."
)

# Shown in the message for a missing reason, so that a reviewer sees what a reason looks like.
_EXAMPLE_REASONS = {
    "risk_of_bias": "unblinded outcome assessment in 2 of 3 trials",
    "inconsistency": "effects point in opposite directions, I² = 78%",
    "indirectness": "trials enrolled adults only; the claim is about children",
    "imprecision": "wide confidence interval crossing no effect",
    "publication_bias": "only small industry-funded trials; funnel plot asymmetric",
    "large_effect": "relative risk 0.3 across cohorts",
    "dose_response": "risk falls with each added serving",
    "plausible_confounding": "healthy-user bias would have reduced the effect seen",
}


def _ratings_from_form(choices: Mapping[str, tuple[int, str]]) -> tuple[DomainRating, ...]:
    ratings = []
    for domain, choice in choices.items():
        if not isinstance(choice, tuple | list) or len(choice) != 2:
            raise GradeError(f"{domain!r}: give the form's choice as (levels, reason).")
        levels, reason = choice
        ratings.append(DomainRating(domain, levels, reason))
    return tuple(ratings)


def _domain_label(domain: str) -> str:
    return DOWN_DOMAINS.get(domain) or UP_DOMAINS[domain]


def _allowed_levels(domain: str) -> range:
    if domain in DOWN_DOMAINS:
        return range(-2, 1)
    return range(_UP_MAXIMUM[domain] + 1)


def _allowed(domain: str) -> str:
    choices = [f"{level} ({level_label(domain, level)})" for level in _allowed_levels(domain)]
    if domain in DOWN_DOMAINS:
        choices.reverse()  # 0 first: not serious is the usual judgement
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def _check_ratings(ratings: Any, side: str, domains: Mapping[str, str]) -> None:
    """Raise unless ``ratings`` is a sequence of DomainRatings of this side, each domain once."""
    if not isinstance(ratings, tuple | list):
        raise GradeError(
            f"The reasons to rate {side} must be a sequence of domain ratings, "
            f"not {_json_kind(ratings)}."
        )
    seen = set()
    other = UP_DOMAINS if side == "down" else DOWN_DOMAINS
    for rating in ratings:
        if not isinstance(rating, DomainRating):
            raise GradeError(f"{rating!r} is not a domain rating (DomainRating).")
        if rating.domain not in domains:
            if rating.domain in other:
                raise GradeError(
                    f"{rating.label} is a reason to rate {'up' if side == 'down' else 'down'}, "
                    f"not {side}; move it to the other list."
                )
            raise GradeError(f"{rating.domain!r} is not a reason to rate {side}.")
        if rating.domain in seen:
            raise GradeError(
                f"{rating.label} is rated twice; give each domain one rating, with one reason."
            )
        seen.add(rating.domain)


def _complete(
    ratings: Iterable[DomainRating], domains: Mapping[str, str]
) -> tuple[DomainRating, ...]:
    """Every domain of this side, in the handbook's order; those left out rated 0."""
    given = {rating.domain: rating for rating in ratings}
    return tuple(given.get(domain, DomainRating(domain, 0)) for domain in domains)


def _ratings_from_json(raw: Any, side: str, domains: Mapping[str, str]) -> tuple[DomainRating, ...]:
    if not isinstance(raw, dict):
        raise GradeError(
            f"'{side}' must be an object keyed by domain ({', '.join(domains)}), "
            f"not {_json_kind(raw)}."
        )
    ratings = []
    for domain, entry in raw.items():
        where = f"{side}.{domain}"
        if domain not in domains:
            raise GradeError(
                f"{domain!r} is not a reason to rate {side}; expected one of {', '.join(domains)}."
            )
        if not isinstance(entry, dict):
            raise GradeError(
                f"'{where}' must be an object with 'levels' and 'reason', not {_json_kind(entry)}."
            )
        extra = sorted(str(key) for key in entry if key not in ("levels", "reason"))
        if extra:
            raise GradeError(
                f"Unknown field(s) {', '.join(map(repr, extra))} in '{where}'; "
                "expected only 'levels' and 'reason'."
            )
        if "levels" not in entry:
            raise GradeError(f"'{where}' has no 'levels'; give {_allowed(domain)}.")
        ratings.append(DomainRating(domain, entry["levels"], entry.get("reason", "")))
    return tuple(ratings)


def _json_kind(value: Any) -> str:
    """How JSON would name what was given, for messages ("a list", "the text '-1'")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _rated_codes() -> dict[int, str]:
    """Certainty codes by rating, from the certainty scale: 4 "high" … 1 "very_low"."""
    scale = default_scales()["certainty"]
    return {value.rating: value.code for value in scale.values if value.rating is not None}


def _certainty_label(code: str) -> str:
    return default_scales()["certainty"].get(code).label


def _join_labels(ratings: Iterable[DomainRating]) -> str:
    labels = [rating.label.lower() for rating in ratings]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _sentence(text: str) -> str:
    """The reason as the end of a footnote: ends with a full stop unless it has its own."""
    return text if text.endswith((".", "!", "?")) else text + "."
