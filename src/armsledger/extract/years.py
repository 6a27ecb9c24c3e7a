"""The year a claim's event happened, from the sentence and the publication date."""

from __future__ import annotations

import re

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_YEAR = re.compile(
    # The preposition in any case ("In 2021, ..." opens many sentences); the month capitalised.
    r"\b(?P<prep>(?i:in|by|on|of|since|from|between|during|until|and))?\s*(?:(?P<month>[A-Z][a-z]+)\.?\s+"
    r"(?:\d{1,2},?\s+)?)?(?P<year>(?:19[5-9]\d|20[0-4]\d))\b(?!\s*(?:-|–)?\s*(?:km|mm))"
)
_RELATIVE = [
    (re.compile(r"\b(?:last|past) year\b", re.I), -1),
    (re.compile(r"\b(?:this|earlier this|later this) (?:year|month|week)\b", re.I), 0),
    (re.compile(r"\b(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I), 0),
    (re.compile(r"\b(?:today|yesterday|this morning)\b", re.I), 0),
]
_YEARS_AGO = re.compile(r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) years ago\b", re.I)
_MONTH_ONLY = re.compile(
    r"\bin (?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b(?!\s*,?\s*\d{4})"
)
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def event_year(sentence: str, published: str | None) -> int | None:
    """The year the sentence dates its event to, or None when it does not say."""
    for match in _YEAR.finditer(sentence):
        prep = (match.group("prep") or "").lower()
        if prep in ("since", "from", "between", "until"):
            continue  # a range, not the year of one event
        month = (match.group("month") or "").lower()
        if month and month not in _MONTHS and prep == "":
            continue  # "PzH 2000", "Mirage 2000": a designation, not a date
        if not prep and not month:
            before = sentence[: match.start("year")].rstrip()
            if re.search(r"[A-Z][\w-]*$", before) or re.match(r"-\d", sentence[match.end("year") :]):
                continue
        return int(match.group("year"))
    pub_year = int(published[:4]) if published and published[:4].isdigit() else None
    if pub_year is None:
        return None
    for pattern, shift in _RELATIVE:
        if pattern.search(sentence):
            return pub_year + shift
    ago = _YEARS_AGO.search(sentence)
    if ago:
        n = ago.group("n").lower()
        return pub_year - (_WORDS[n] if n in _WORDS else int(n))
    month = _MONTH_ONLY.search(sentence)
    if month and published and len(published) >= 7 and published[5:7].isdigit():
        mentioned = _MONTHS[month.group("month").lower()]
        return pub_year if mentioned <= int(published[5:7]) else pub_year - 1
    return None
