"""Reading quantities: digits, number words, dozens, and "four sets of six".

``read_number`` turns a phrase into an integer; ``quantity_before`` finds the count
that governs an item from the words just before it, telling exact counts from
increments ("24 more") and vague ones ("dozens").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "single": 1,
    "pair": 2,
    "couple": 2,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "dozen": 12, "score": 20}
_VAGUE = frozenset(
    [
        "dozens",
        "hundreds",
        "thousands",
        "scores",
        "several",
        "some",
        "many",
        "numerous",
        "various",
        "few",
        "multiple",
        "unspecified",
        "undisclosed",
        "unknown",
        "additional",
        "more",
    ]
)

NUMBER_WORD = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+|(?:a|an|A|An|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Eleven|Twelve|Thirteen|Fourteen|Fifteen|Sixteen|Seventeen|Eighteen|Nineteen"
    r"|Twenty|Thirty|Forty|Fifty|Sixty|Seventy|Eighty|Ninety|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|dozen|single|pair|couple)(?:[\s-]+(?:and[\s-]+)?(?:one|two|three|four|five|"
    r"six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen))*)"
)


def read_number(phrase: str) -> int | None:
    """The integer a number phrase names ("24", "1,200", "two dozen", "forty-eight"), or None."""
    text = phrase.strip().lower().replace(",", "")
    if text.isdigit():
        return int(text)
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words:
        return None
    total = current = 0
    seen = False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total += current
                current = 0
        elif word.isdigit():
            current += int(word)
        else:
            return None
        seen = True
    return total + current if seen else None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A count governing an item: its value (None when vague), and what kind of count it is."""

    value: int | None
    start: int  # offsets within the text searched
    end: int
    incremental: bool = False
    vague: bool = False


# Words that may stand between a number and the item it counts.
_FILLER = (
    r"(?:more|additional|further|extra|new|used|second-hand|secondhand|upgraded|modernised|modernized|"
    r"refurbished|armed|advanced|unmanned|military|combat|attack|multirole|multi-role|heavy|light|"
    r"modern|naval|main|retired|aging|ageing|older|old|existing|own|surplus|units|decommissioned|"
    r"[a-z]+(?:-[a-z]+)+|"  # hyphenated adjectives: "cutting-edge", "self-propelled", "twin-seat"
    r"of|the|its|their|these|those|such|and|previously|brand-new|latest|so-called|[A-Z][\w.\-’']*)"
)
_BEFORE = re.compile(
    rf"(?P<lead>\b(?:at least|up to|nearly|almost|about|around|some|over|more than|a total of|all|another|"
    rf"cumulative|a cumulative|total of)\s+)?(?<![\w.])(?P<num>{NUMBER_WORD})\s+(?P<fill>(?:{_FILLER}\s+){{0,5}})$"
)
_VAGUE_BEFORE = re.compile(
    r"\b(?P<word>dozens|hundreds|thousands|scores|several|numerous|many|multiple|a number|an unknown number"
    r"|an undisclosed number|a batch|batches|a fleet|more)\s+(?:of\s+)?(?:\S+\s+){0,3}$",
    re.IGNORECASE,
)
_NOT_A_COUNT = re.compile(
    r"^[\s\-]*(?:million|billion|bn|m\b|percent|per cent|%|km|kilomet|mile|mm\b|year|month|day)"
)
_INCREMENT = re.compile(r"\b(?:more|additional|further|extra|another)\b", re.IGNORECASE)
# "three batteries, each of which include four launchers": sets times units.
_SETS = re.compile(
    rf"(?P<sets>{NUMBER_WORD})\s+(?:sets|systems|batteries|units|packages|squadrons|batches)\b[^.;]{{0,40}}?"
    rf"\beach(?:\s+of\s+which)?\s+(?:include|includes|including|with|comprising|consisting of|of)\s+"
    rf"(?P<each>{NUMBER_WORD})\s+$",
    re.IGNORECASE,
)


def quantity_before(text: str, item_start: int, floor: int = 0) -> Quantity | None:
    """The count that the words just before ``item_start`` give the item, if any."""
    window_start = max(floor, item_start - 120)
    window = text[window_start:item_start]
    sets = _SETS.search(window)
    if sets:
        a, b = read_number(sets.group("sets")), read_number(sets.group("each"))
        if a and b:
            return Quantity(a * b, window_start + sets.start(), item_start)
    match = _BEFORE.search(window)
    if match:
        num_text = match.group("num")
        if match.start("num") > 0 and window[match.start("num") - 1] in "$€£¥#":
            return None
        if re.search(
            r"\b(?:Block|Type|Model|Mk|Mark|Batch|Tranche|Lot|Flight|No\.|Project|Series)\s*$",
            window[: match.start("num")],
        ):
            return None  # "Block 70 F-16s": a version, not a count
        value = read_number(num_text)
        lead = (match.group("lead") or "").lower()
        fill = match.group("fill") or ""
        if value is not None and not (1900 <= value <= 2100 and num_text.isdigit() and "," not in num_text):
            if num_text.lower() in ("a", "an") and not re.search(r"\b(?:dozen|pair|couple)\b", fill, re.I):
                value = None  # "a drone" counts nothing worth recording
            if value is not None and value > 0:
                incremental = bool(_INCREMENT.search(fill)) or "another" in lead
                return Quantity(value, window_start + match.start(), item_start, incremental=incremental)
    vague = _VAGUE_BEFORE.search(window)
    if vague:
        return Quantity(
            None,
            window_start + vague.start(),
            item_start,
            vague=True,
            incremental=vague.group("word").lower() == "more",
        )
    return None


def is_not_a_count(text_after_number: str) -> bool:
    """Whether the words after a number make it money, a share, a range or a time span."""
    return bool(_NOT_A_COUNT.match(text_after_number))


# A count standing alone after a transfer verb, its noun left out because the sentence
# named the equipment already: "jets for Kyiv, with Oslo promising 6",
# "Germany will order four more", "three more are due next year".
_BARE_AFTER_VERB = re.compile(
    r"\b(?:pledg\w*|promis\w*|send(?:s|ing)?|sent|giv(?:e|es|ing)|gave|donat\w*|order(?:s|ed|ing)?|bought|buy(?:s|ing)?"
    r"|provid\w*|suppl(?:y|ies|ied|ying)|deliver(?:s|ed|ing)?|receiv\w*|acquir\w*|purchas\w*|transferr?\w*)"
    rf"\s+(?:(?P<lead>another|a further|up to|at least|some|about|around|over)\s+)?(?P<num>{NUMBER_WORD})"
    r"(?P<more>\s+(?:more|additional|further|others?))?"
    r"(?=\s*(?:[,.;:)]|$|\s+(?:of them|to|in|by|next|this|last|later|over|from|and|as|under|each)\b))"
)
_BARE_MORE_SUBJECT = re.compile(
    rf"\b(?P<num>{NUMBER_WORD})(?P<more>\s+more)\s+(?:are|is|will|were|would|to|should|could)\b"
)


def bare_quantities(text: str) -> list[Quantity]:
    """Counts in ``text`` that stand without their noun, in order of position."""
    found: list[Quantity] = []
    for pattern in (_BARE_AFTER_VERB, _BARE_MORE_SUBJECT):
        for match in pattern.finditer(text):
            num_text = match.group("num")
            if num_text.lower() in ("a", "an", "single", "pair", "couple"):
                continue
            value = read_number(num_text)
            if value is None or value <= 0 or (num_text.isdigit() and 1900 <= value <= 2100):
                continue
            if match.start("num") > 0 and text[match.start("num") - 1] in "$€£¥#":
                continue
            lead = match.groupdict().get("lead") or ""
            incremental = bool(match.group("more")) or lead.lower() in ("another", "a further")
            found.append(Quantity(value, match.start("num"), match.end("num"), incremental=incremental))
    return sorted(found, key=lambda q: q.start)
