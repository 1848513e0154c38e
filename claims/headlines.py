"""Whether a heading asserts something ("5G Caused the Coronavirus Outbreak") or only labels what
follows ("Targeted Treatment").

Headlines are among the most checked sentences in health news, and they are written without a
closing full stop: a heading that states a finding is a checkable claim (it still sets the
section). A heading asserts when it has a subject and a finite verb:

- an auxiliary, modal or copula after its first word ("Hydroxychloroquine is an Effective
  Treatment", "Vitamin D Does Not Cure Covid-19", "Statins can prevent ...");
- or, after its first word, a verb of health headlines in a finite form: a third-person "-s"
  ("Obesity Raises Risk"), a past ("5G caused the outbreak", "Coffee Linked to ..."), or a base
  form after a plural subject ("Vaccines Cause Autism"). An "-s" or base form that ends the
  heading counts only for verbs that need no object ("Vitamin D Works").

A first word is never the verb: it is an imperative ("Reduce Your Risk") or a participle used as
an adjective ("Improved Effectiveness", "Reduced Risk of Relapse"). A word right after an
article or a preposition is a noun ("A Cure for Cancer"). A heading that asks ("What Is
Myeloma?", "How It Works") or ends in a colon is a label. No part-of-speech model: the rules and
their word lists are plain, fast and testable, and a reviewer can still mark a heading
checkable by hand.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["heading_asserts"]

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Finite auxiliaries, modals and copulas (contractions as written in headlines).
_AUXILIARIES = _words(
    """is are was were isn't aren't wasn't weren't has have had hasn't haven't hadn't does do did
    doesn't don't didn't can can't cannot could couldn't will won't would wouldn't may might
    must mustn't should shouldn't shall"""
)
_QUESTION_WORDS = _words("how what why when where who whom whose which")
# After these a word is a noun or an adjective, not the verb ("a cure", "for treating", "the
# improved").
_NOT_BEFORE_VERB = _words(
    """a an the this that these those its their our your his her my of for to in on at by with
    from into about against without than as and or nor but new more most less least best worst
    very"""
)
# Verbs of health headlines, in their base form.
_VERBS = _words(
    """cause cure prevent treat raise lower reduce increase boost kill protect link tie connect
    help improve harm damage contain lead make show find reverse double triple halve slow stop
    block fight beat trigger spread destroy weaken strengthen worsen cut extend shorten save
    heal work fail outperform shrink eliminate eradicate target attack alter change affect
    control regulate burn melt detox cleanse poison infect transmit carry give bring hurt
    ease relieve lessen delay speed accelerate predict drive fuel promote suppress
    inhibit stimulate restore repair replace rival match beat top cross enter invade cross
    protect strip starve feed flush dissolve clear lift drop lose gain prolong halt cure
    outlive survive matter last spread rise fall soar plunge climb triple quadruple
    increase decrease decline surge spike"""
)
# Verbs that often end a headline with nothing after them ("Vitamin D Works").
_INTRANSITIVE = _words(
    "work works fail fails matter matters last lasts spread spreads rise rises fall falls soar "
    "soars plunge plunges climb climbs surge surges spike spikes decline declines heal heals "
    "help helps"
)
_IRREGULAR_PAST = {
    "led": "lead",
    "made": "make",
    "found": "find",
    "shown": "show",
    "fought": "fight",
    "spread": "spread",
    "cut": "cut",
    "beat": "beat",
    "gave": "give",
    "given": "give",
    "brought": "bring",
    "hurt": "hurt",
    "lost": "lose",
    "fell": "fall",
    "rose": "rise",
    "drove": "drive",
    "fed": "feed",
    "shrank": "shrink",
    "shrunk": "shrink",
    "tied": "tie",
}


@lru_cache(maxsize=4096)
def _form(word: str) -> str | None:
    """ "s" (third person), "ed" (past or participle), "base", or None: not a verb we know."""
    if word in _IRREGULAR_PAST:
        return "ed"
    if word in _VERBS:
        return "base"
    for suffix, replacement in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in _VERBS:
            return "s"
    for suffix, replacements in (("ied", ("y",)), ("ed", ("", "e")), ("d", ("",))):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            for replacement in replacements:
                if stem + replacement in _VERBS:
                    return "ed"
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in _VERBS:  # stopped
                return "ed"
    return None


def heading_asserts(heading: str) -> bool:
    """Whether the heading states something a reviewer can check (see the module docstring)."""
    stripped = heading.strip()
    if not stripped or stripped.endswith(("?", ":")):
        return False
    words = [w.lower().replace("’", "'") for w in _WORD.findall(stripped)]
    if len(words) < 2 or words[0] in _QUESTION_WORDS:
        return False
    if words[0] in _AUXILIARIES:
        return False  # a question without its question mark ("Is Coffee Good for You")
    for i in range(1, len(words)):
        word, before = words[i], words[i - 1]
        if word in _AUXILIARIES:
            return True
        if before in _NOT_BEFORE_VERB:
            continue
        form = _form(word)
        if form is None:
            continue
        last = i == len(words) - 1
        if form == "ed":
            return True
        if last and word not in _INTRANSITIVE:
            continue  # "Cancer Cure", "Long Term Benefits": a noun at the end
        if form == "s":
            return True
        # A base form is a verb after a plural subject ("Vaccines Cause Autism").
        if before.endswith("s") and not before.endswith(("ss", "us", "is")):
            return True
    return False
