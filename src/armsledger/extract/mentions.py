"""Finding what a sentence names: states, companies, weapon systems and kinds of equipment.

A gazetteer lookup over word n-grams, longest first and left to right, plus a pattern
for designations the catalog lacks ("a new X-200 drone"), typed by the noun beside them.
"""

from __future__ import annotations

import re

from armsledger.knowledge import Entry, Knowledge
from armsledger.model import Mention

_TOKEN = re.compile(r"\w+", re.UNICODE)
# A designation-shaped word: letters then digits ("X-200", "TB3", "Su-57E", "AN/TPQ-53").
_DESIGNATION = re.compile(
    r"^(?:[A-Z]{1,4}/)?[A-Z][A-Za-z]{0,6}[- ]?\d{1,4}[A-Za-z]{0,3}(?:[-/]\d{1,3}[A-Z]?)?$"
)
# Designations that start with digits: Chinese ship types ("053H2", "054A"), Soviet indices ("2S19").
_DIGIT_LED = re.compile(r"^\d{2,4}[A-Z][A-Z0-9]{0,3}$")
_DESIGNATION_AT_END = re.compile(
    r"(?<![\w\-/])((?:[A-Z]{1,4}/)?[A-Z][A-Za-z]{0,6}[- ]?\d{1,4}[A-Za-z]{0,3}(?:[-/]\d{1,3}[A-Z]?)?|\d{2,4}[A-Z][A-Z0-9]{0,3})$"
)
# "the Mogami class frigates", "Ada-class corvettes": a ship class named after its first ship.
_CLASS_NAME = re.compile(r"\b((?:[A-Z][a-z]+[- ])?[A-Z][a-z]{2,}[- ]class)$")
_DESCRIBING_WORDS = re.compile(
    r"(?:\s+(?:attack|and|reconnaissance|combat|multirole|multi-role|light|heavy|new|advanced))+$"
)
_NOT_DESIGNATION = re.compile(
    r"^(?:COVID|G|Covid|Article|Section|Room|Flight|Route|Highway|Chapter|Phase|Mod|Block|Batch|Lot|Tranche"
    r"|Increment|Version|Step|Stage|Tier|Level|Gen|Generation|No|Nr|Vol)\b"
)


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _entry_mention(entry: Entry, start: int, end: int, text: str) -> Mention:
    if entry.kind == "group":
        return Mention("group", start, end, text, entry.members, form="group")
    if entry.kind == "company":
        return Mention("company", start, end, text, entry.value, state=entry.state, form="company")
    if entry.kind == "system":
        return Mention(
            "system",
            start,
            end,
            text,
            entry.value,
            category=entry.category,
            state=entry.state,
            maker=entry.maker,
        )
    if entry.kind == "equipment":
        return Mention("equipment", start, end, text, entry.category, category=entry.category)
    return Mention("state", start, end, text, entry.value, form=entry.form)


def find_mentions(
    text: str, kb: Knowledge, offset: int = 0, local: dict[str, Entry] | None = None
) -> list[Mention]:
    """Gazetteer mentions in ``text``; offsets are shifted by ``offset`` into the document.

    ``local`` holds the acronyms the document defines for itself ("PAF" for the Pakistan Air Force).
    """
    tokens = _tokens(text)
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        hit = _longest_at(text, tokens, i, kb)
        if hit is None and local:
            word = text[tokens[i][0] : tokens[i][1]]
            entry = local.get(word)
            if entry is not None:
                hit = (entry, tokens[i][1], 1)
        if hit is None:
            i += 1
            continue
        entry, end_char, used = hit
        start_char = tokens[i][0]
        if entry.kind == "equipment" and re.search(r"\b(?:anti|counter)-$", text[:start_char]):
            i += used  # "anti-aircraft guns" are not aircraft
            continue
        if entry.kind == "state" and text[end_char : end_char + 1] == "$":
            i += used  # "US$155 million", "A$2 billion": a currency, not the state
            continue
        found.append(_entry_mention(entry, start_char + offset, end_char + offset, text[start_char:end_char]))
        i += used
    found = _drop_person_names(text, found, offset)
    found = _drop_foreign_forces(text, found, offset)
    return _add_unknown_designations(text, tokens, found, offset)


def _longest_at(
    text: str, tokens: list[tuple[int, int]], i: int, kb: Knowledge
) -> tuple[Entry, int, int] | None:
    start = tokens[i][0]
    first = text[start : tokens[i][1]]
    span = kb.first_words.get(first) or kb.first_words.get(first.lower())
    if not span and first.endswith("s"):
        span = kb.first_words.get(first[:-1]) or kb.first_words.get(first[:-1].lower())  # "TB2s", "Rafales"
    if not span:
        return None  # no name, system or company starts with this word
    last = min(len(tokens), i + max(span, 1) + 1)
    for j in range(last - 1, i - 1, -1):
        # Tokens must be joined by at most a few characters of space or punctuation.
        if j > i and tokens[j][0] - tokens[j - 1][1] > 3:
            continue
        end = tokens[j][1]
        surface = text[start:end]
        candidates = [surface]
        if end < len(text) and text[end] == ".":
            candidates.insert(0, surface + ".")  # "U.S.", "U.K."
        for candidate in candidates:
            entry = kb.lookup(candidate)
            if entry is not None:
                return entry, start + len(candidate), j - i + 1
        # Plurals and possessives of designations: "F-16s", "TB2s", "Rafales".
        if surface.endswith("s") and len(surface) > 3:
            entry = kb.lookup(surface[:-1])
            if entry is not None and entry.kind == "system":
                return entry, end, j - i + 1
    return None


def _drop_foreign_forces(text: str, mentions: list[Mention], offset: int) -> list[Mention]:
    """ "the Saudi Royal Navy": a state named right before an armed service's name owns it."""
    kept: list[Mention] = []
    for m in mentions:
        if (
            m.form == "force"
            and kept
            and kept[-1].kind == "state"
            and kept[-1].value != m.value
            and re.fullmatch(r"\s?", text[kept[-1].end - offset : m.start - offset])
        ):
            continue
        kept.append(m)
    return kept


def _drop_person_names(text: str, mentions: list[Mention], offset: int) -> list[Mention]:
    """Drop a company or system read out of a person's name ("Haluk Bayraktar", "Selcuk Bayraktar")."""
    starts = {m.end for m in mentions}
    kept = []
    for m in mentions:
        if m.kind in ("company", "system") and m.text.isalpha():
            before = text[: m.start - offset]
            prev = re.search(r"(\w+)\s+$", before)
            if (
                prev is not None
                and prev.group(1)[:1].isupper()
                and prev.group(1).isalpha()
                and len(prev.group(1)) > 2
                and prev.end(1) + offset not in starts  # the word before is no name of ours
                and not _NOT_A_FIRST_NAME.fullmatch(prev.group(1))
            ):
                continue
        kept.append(m)
    return kept


# Capitalised words that often stand before a company or system without being a first name.
_NOT_A_FIRST_NAME = re.compile(
    r"The|A|An|And|But|In|On|At|By|For|From|To|With|Of|As|Its|Their|His|Her|Our|Both|Drone|Drones|President"
    r"|Minister|CEO|Chief|Director|Company|Firm|Maker|Manufacturer|Group|Defense|Defence|New|Advanced|Modern"
    r"|Strategic|Armed|Combat|Attack|Ukrainian|Turkish|Russian|American|French|German|British|Chinese|Israeli"
)


def _add_unknown_designations(
    text: str, tokens: list[tuple[int, int]], found: list[Mention], offset: int
) -> list[Mention]:
    """Catch designation-shaped words the catalog lacks when an equipment noun follows them."""
    covered = [(m.start - offset, m.end - offset) for m in found]
    extra: list[Mention] = []
    for noun in (m for m in found if m.kind == "equipment"):
        # A few describing words may stand between the name and its noun ("CH-92A attack drones").
        head = _DESCRIBING_WORDS.sub("", text[: noun.start - offset].rstrip())
        named_class = _CLASS_NAME.search(head) if noun.category == "ships" else None
        match = named_class or _DESIGNATION_AT_END.search(head)
        if not match:
            continue
        word = match.group(1)
        start, end = match.start(1), match.end(1)
        if any(s < end and start < e for s, e in covered) or _NOT_DESIGNATION.match(word):
            continue
        if named_class is None and (
            not (_DESIGNATION.match(word) or _DIGIT_LED.match(word))
            or word.isdigit()
            or re.fullmatch(r"[A-Z]?\d{4}s?", word)
            or re.fullmatch(r"[A-Z]{4,}\s\d+", word)  # a headline in capitals: "WILL DONATE 13 warplanes"
        ):
            continue
        extra.append(
            Mention(
                "system", start + offset, end + offset, word, word, category=noun.category, form="pattern"
            )
        )
    return sorted(found + extra, key=lambda m: m.start)
