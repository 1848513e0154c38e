"""Public sentence-boundary cases, read where they are published, never copied into this project.

- The English Golden Rules as pySBD lists them (48 cases, ``benchmarks/english_golden_rules.py``
  in pySBD's source distribution). ``make bench`` downloads that source distribution from PyPI
  into ``.venv/bench-data/`` (``pip download --no-binary``); nothing here fetches anything.
- pragmatic_segmenter's English spec (``spec/pragmatic_segmenter/languages/english_spec.rb``),
  which no package registry carries: give its path in ``CLAIMREVIEW_SBD_SPEC`` (a checkout of
  the public repository) to score it too.

A case is ``(text, expected sentences)``; a splitter scores a case when its sentences, each
stripped and with runs of whitespace read as one space, equal the expected ones. The spec's
own cases that join a line broken inside a sentence expect a space there; splitters that keep
exact offsets keep the line break, which is the same sentence.
"""

from __future__ import annotations

import ast
import os
import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import ROOT

BENCH_DATA = ROOT / ".venv" / "bench-data"
PYSBD_SDIST = "pysbd-0.3.3.tar.gz"
GOLDEN_RULES_MEMBER = "pysbd-0.3.3/benchmarks/english_golden_rules.py"
SPEC_ENVIRONMENT = "CLAIMREVIEW_SBD_SPEC"

Case = tuple[str, list[str]]


@dataclass(frozen=True)
class CaseSet:
    name: str
    source: str
    cases: list[Case]


def golden_rules(data: Path = BENCH_DATA) -> CaseSet:
    """pySBD's English Golden Rules, from its source distribution in ``data``."""
    archive = data / PYSBD_SDIST
    if not archive.exists():
        raise FileNotFoundError(
            f"{archive} is missing: `make bench` downloads it (pip download pysbd==0.3.3 "
            f"--no-binary :all: --no-deps -d {data})"
        )
    with tarfile.open(archive) as tar:
        member = tar.extractfile(GOLDEN_RULES_MEMBER)
        if member is None:
            raise FileNotFoundError(f"{GOLDEN_RULES_MEMBER} is not in {archive}")
        source = member.read().decode("utf-8")
    return CaseSet("Golden Rules", f"{PYSBD_SDIST}: {GOLDEN_RULES_MEMBER}", python_cases(source))


def python_cases(source: str) -> list[Case]:
    """The cases of a Python module that assigns one list of ``(text, [sentences])`` tuples.

    Read with ``ast.literal_eval``: the module is data, never run.
    """
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List):
            return [(text, list(expected)) for text, expected in ast.literal_eval(node.value)]
    raise ValueError("no list of cases in the module")


def pragmatic_spec() -> list[CaseSet]:
    """pragmatic_segmenter's English spec, when ``CLAIMREVIEW_SBD_SPEC`` names a copy of it:
    its Golden Rules (all 52, pySBD lists 48 of them) and the whole spec."""
    path = os.environ.get(SPEC_ENVIRONMENT)
    if not path:
        return []
    source = Path(path).read_text("utf-8")
    golden = source.split(_SPEC_AFTER_GOLDEN_RULES, 1)[0]
    return [
        CaseSet("Golden Rules, all", path, ruby_spec_cases(golden)),
        CaseSet("pragmatic_segmenter English spec", path, ruby_spec_cases(source)),
    ]


# The Golden Rules come first in the spec, in their own context; the general cases follow.
_SPEC_AFTER_GOLDEN_RULES = "describe '#segment'"
# One example of the spec: a segmenter made from a text, then the sentences expected of it.
_RUBY_STRING = r"""(?:"(?:[^"\\]|\\.)*+"|'(?:[^'\\]|\\.)*+')"""
_SPEC_TEXT = re.compile(r"Segmenter\.new\(\s*text:\s*(" + _RUBY_STRING + r"|text\b)", re.S)
# A text given beforehand: ``text = "..."``, or a heredoc ``text = <<-EOF`` ... ``EOF``.
_SPEC_VARIABLE = re.compile(r"\btext\s*=\s*(" + _RUBY_STRING + ")", re.S)
_SPEC_HEREDOC = re.compile(r"\btext\s*=\s*<<-(\w+)\n(.*?)\n[ \t]*\1\b", re.S)
_SPEC_EXPECT = re.compile(
    r"expect\(\s*ps\.segment\s*\)\.to\s+eq\(\s*\["
    r"(?P<items>(?:\s*" + _RUBY_STRING + r"\s*,?)*)\s*\]",
    re.S,
)
_SPEC_ITEM = re.compile(_RUBY_STRING, re.S)
_RUBY_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "0": "\0", "e": "\x1b"}


def ruby_spec_cases(source: str) -> list[Case]:
    """Each ``it`` example of an RSpec file that builds a segmenter from a literal text (given
    in the call, or beforehand as a string or a heredoc) and expects a literal list of
    sentences. Examples written otherwise are left out; the count says how many were read."""
    cases: list[Case] = []
    for example in re.split(r"\n\s*it ['\"]", source)[1:]:
        text = _SPEC_TEXT.search(example)
        expected = _SPEC_EXPECT.search(example)
        if text is None or expected is None:
            continue
        items = [ruby_string(item) for item in _SPEC_ITEM.findall(expected.group("items"))]
        value = _spec_text(example) if text.group(1) == "text" else ruby_string(text.group(1))
        if value is not None:
            cases.append((value, items))
    return cases


def _spec_text(example: str) -> str | None:
    heredoc = _SPEC_HEREDOC.search(example)
    if heredoc is not None:  # "<<-" keeps the lines as written; escapes work as in "..."
        return ruby_string('"' + heredoc.group(2) + "\n" + '"')
    variable = _SPEC_VARIABLE.search(example)
    return ruby_string(variable.group(1)) if variable else None


def ruby_string(literal: str) -> str:
    """The value of a Ruby string literal: double-quoted with escapes, or single-quoted."""
    body, quote = literal[1:-1], literal[0]
    if quote == "'":
        return re.sub(r"\\([\\'])", r"\1", body)

    def escape(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u{"):
            return "".join(chr(int(part, 16)) for part in code[2:-1].split())
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return _RUBY_ESCAPES.get(code, code)

    return re.sub(r"\\(u\{[0-9a-fA-F ]+\}|u[0-9a-fA-F]{4}|.)", escape, body, flags=re.S)


def normalised(sentences: list[str]) -> list[str]:
    return [" ".join(sentence.split()) for sentence in sentences if sentence.strip()]


def score(split: Callable[[str], list[str]], cases: list[Case]) -> tuple[int, list[int]]:
    """How many cases ``split`` gets right, and the 1-based numbers of those it gets wrong."""
    wrong = [
        number
        for number, (text, expected) in enumerate(cases, 1)
        if normalised(split(text)) != normalised(expected)
    ]
    return len(cases) - len(wrong), wrong
