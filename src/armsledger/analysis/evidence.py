"""Which source sentences back a finding best: those that state the transfer most directly.

A sentence earns points for naming the supplier (its names, capital, demonyms, or one of
its companies), for naming the recipient, for naming the equipment (more for the system's
own name than for a word for its kind), for a verb of transfer
(sell, deliver, order, buy, supply, ...), and a little for a number. A sentence about how
the equipment was used, or about someone commenting on it, names the parties but no
transfer and falls behind (a point less when it speaks of using the equipment). A finding keeps at most ``KEEP`` sentences, best first, and
leaves out sentences with no transfer verb and no party when stronger ones exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from armsledger.knowledge import Knowledge

KEEP = 4
_TRANSFER = re.compile(
    r"\b(?:sells?|sold|selling|sales?|deliver\w*|suppl(?:y|ies|ied|ying)|exports?(?:ed|ing)?|bought|buy(?:s|ing)?"
    r"|purchas\w*|order(?:s|ed|ing)?|acquir\w*|acquisition|receiv\w*|procur\w*|contracts?|deals?|agreements?"
    r"|signed|transferr?\w*|provid\w*|shipp?(?:ed|ing|ments?)|handed over|gift\w*|co-?produc\w*)\b",
    re.I,
)
# Sentences about using the equipment, not transferring it.
_USE = re.compile(r"\b(?:used|using|uses|deployed|fired|flew|flown|struck|destroy\w*|headlines)\b", re.I)
_NUMBER = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?)\b", re.I
)
_CATEGORY_WORDS = {
    "aircraft": r"drones?|UAVs?|UCAVs?|aircraft|jets?|fighters?|warplanes?|helicopters?|planes?",
    "missiles": r"missiles?|munitions|rockets?|bombs?",
    "air-defence": r"air[- ]defen[cs]e|missile systems?|batter(?:y|ies)",
    "ships": r"ships?|boats?|vessels?|frigates?|corvettes?|submarines?",
    "armoured-vehicles": r"vehicles?|tanks?|APCs?|IFVs?",
    "artillery": r"artillery|howitzers?|guns?|launchers?",
    "engines": r"engines?",
    "sensors": r"sensors?|radars?|optics|cameras?",
    "other": r"ammunition|munitions|stations?|equipment",
}
_PATTERNS: dict[tuple[int, str], re.Pattern[str] | None] = {}


def party_pattern(code: str, kb: Knowledge) -> re.Pattern[str] | None:
    """A pattern for every way the text can name a state: its forms and its companies."""
    key = (id(kb), code)
    if key not in _PATTERNS:
        forms = {
            surface
            for surface, e in kb.exact.items()
            if len(surface) > 2
            and ((e.kind == "state" and e.value == code) or (e.kind == "company" and e.state == code))
        }
        ordered = sorted(forms, key=len, reverse=True)
        _PATTERNS[key] = (
            re.compile(r"\b(?:" + "|".join(re.escape(f) for f in ordered) + r")\b") if ordered else None
        )
    return _PATTERNS[key]


@dataclass(frozen=True, slots=True)
class Equipment:
    """Patterns for the equipment of a finding: its named systems, and the words for its categories."""

    names: re.Pattern[str] | None
    words: re.Pattern[str]


def equipment_patterns(systems: list[str | None], categories: list[str], kb: Knowledge) -> Equipment:
    """The patterns that find a finding's equipment in a sentence."""
    words = sorted({_CATEGORY_WORDS.get(c, "equipment") for c in categories})
    names = sorted(
        {
            re.escape(f)
            for system in systems
            if system and (entry := kb.systems.get(system)) is not None
            for f in (entry.designation, *entry.aliases)
            if len(f) > 1
        },
        key=len,
        reverse=True,
    )
    return Equipment(
        re.compile(r"\b(?:" + "|".join(names) + r")\b") if names else None,
        re.compile(r"\b(?:" + "|".join(words or ["equipment"]) + r")\b", re.I),
    )


@dataclass(frozen=True, slots=True)
class Ranked:
    """A source sentence with how directly it states the transfer."""

    item: dict[str, Any]  # {"doc", "sentence", "start", "end"}
    points: float


def directness(sentence: str, supplier: str, recipient: str, equipment: Equipment, kb: Knowledge) -> float:
    """Points for how directly a sentence states a transfer from supplier to recipient."""
    points = 0.0
    for code in (supplier, recipient):
        pattern = party_pattern(code, kb)
        if pattern is not None and pattern.search(sentence):
            points += 2
    if equipment.names is not None and equipment.names.search(sentence):
        points += 1.5  # the system by name says more than a word for its kind
    elif equipment.words.search(sentence):
        points += 1
    if _TRANSFER.search(sentence):
        points += 2
    elif _USE.search(sentence):
        points -= 1
    if _NUMBER.search(sentence):
        points += 0.5
    return points


def rank_evidence(
    items: list[dict[str, Any]],
    supplier: str,
    recipient: str,
    systems: list[str | None],
    categories: list[str],
    kb: Knowledge,
    keep: int = KEEP,
) -> list[dict[str, Any]]:
    """The sentences that state the transfer most directly, best first, at most ``keep`` of them."""
    equipment = equipment_patterns(systems, categories, kb)
    ranked = [Ranked(i, directness(i["sentence"], supplier, recipient, equipment, kb)) for i in items]
    # Ties go to the earlier sentence of the earlier document, whatever order the rows came in.
    order = sorted(
        range(len(ranked)),
        key=lambda n: (
            -ranked[n].points,
            ranked[n].item["doc"],
            ranked[n].item["start"],
            ranked[n].item["end"],
        ),
    )
    best = ranked[order[0]].points if order else 0.0
    # A sentence with neither a party nor a transfer verb only pads the list when better ones exist.
    kept = [ranked[n].item for n in order if ranked[n].points >= min(best, 3.0)]
    return kept[:keep]
