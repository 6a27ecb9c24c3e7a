"""Sentence splitting by rules: fast, offset-preserving, aware of abbreviations.

Every line break ends a sentence (news texts put paragraphs on lines), and a
full stop ends one unless it closes an abbreviation or an initial.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from armsledger.model import Sentence, Span

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "cmdr",
        "adm",
        "sgt",
        "st",
        "jr",
        "sr",
        "no",
        "nos",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "approx",
        "est",
        "dept",
        "gov",
        "sen",
        "rep",
        "pres",
        "ont",
        "calif",
        "wash",
        "fig",
        "al",
    ]
)
# A candidate end: . ! ? possibly followed by closing quotes or brackets, then space.
_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-ÖØ-Þ])")
_LINE = re.compile(r"[^\n]+")
# A company's legal suffix ends a sentence only when no designation follows it:
# "General Dynamics Corp. M1A2T tanks" runs on, "... signed with Hanwha Corp. The deal" ends.
_COMPANY_SUFFIXES = frozenset(["corp", "inc", "co", "ltd", "plc", "llc"])
_DESIGNATION_NEXT = re.compile(
    r"\s+(?:[\"“‘'(\[]?[A-Z][\w]*(?:[\d][\w\-/]*|-[\w\-/]+)|(?:Ltd|Inc|Corp|LLC|PLC)\b)"
)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation rather than a sentence."""
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot]
    if not word:
        return False
    if start > 0 and text[start - 1] in "-‐/":
        return False  # the end of a designation ("VBTP-MR."), not "Mr."
    if "." in word:  # U.S. / U.K. / e.g.
        return True
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return True
    if word.lower() in _COMPANY_SUFFIXES:
        return bool(_DESIGNATION_NEXT.match(text, dot + 1))
    return word.lower() in _ABBREVIATIONS


def split_sentences(text: str, skipped: Iterable[Span] = ()) -> list[Sentence]:
    """The sentences of a text outside the skipped spans, with their offsets."""
    blocked = sorted(skipped, key=lambda s: s.start)
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        for start, end in _split_line(text, line.start(), line.end()):
            for piece_start, piece_end in _outside(start, end, blocked):
                chunk = text[piece_start:piece_end]
                lead = len(chunk) - len(chunk.lstrip())
                trail = len(chunk.rstrip())
                if trail > lead and any(ch.isalpha() for ch in chunk):
                    s, e = piece_start + lead, piece_start + trail
                    sentences.append(Sentence(s, e, text[s:e]))
    return sentences


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    begin = start
    for match in _END.finditer(text, start, end):
        first_dot = match.start()
        if text[first_dot] == "." and match.end() - first_dot == 1 and _is_abbreviation(text, first_dot):
            continue
        pieces.append((begin, match.end()))
        begin = match.end()
    pieces.append((begin, end))
    return pieces


def _outside(start: int, end: int, blocked: list[Span]) -> list[tuple[int, int]]:
    """The parts of [start, end) that no skipped span covers."""
    parts = [(start, end)]
    for span in blocked:
        if span.end <= start or span.start >= end:
            continue
        next_parts = []
        for s, e in parts:
            if span.start > s:
                next_parts.append((s, min(e, span.start)))
            if span.end < e:
                next_parts.append((max(s, span.end), e))
        parts = next_parts
    return [(s, e) for s, e in parts if e > s]
