"""Who gives and who gets: roles of the states a sentence names.

A state is the supplier when it comes after "from", is the subject of a giving verb
("Turkey sold"), or makes the item ("Turkish drones"); it is the recipient after
"to"/"for", as the subject of a taking verb ("Poland bought"), or as the bare object
of a giving verb ("sold Ukraine"). States in one list ("Azerbaijan, Ukraine and
Qatar") share a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armsledger.extract.cues import Cue
from armsledger.model import Mention

SUPPLIER, RECIPIENT, PARTNER, IGNORE = "supplier", "recipient", "partner", "ignore"

_MARKER = re.compile(
    r"(?P<word>from|by|to|for|into|with|in|against|between|near|across|over|including|include|includes|like"
    r"|such as|among them|namely|of|and|on|at|than|versus|vs|toward|towards|onto)\s+(?:the\s+|its\s+|their\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and|,?\s*or|,?\s*as well as|/|&)\s*(?:the\s+)?$", re.IGNORECASE)
# After a demonym, the nouns that make it stand for the state as a party.
_DEMONYM_PARTY = re.compile(
    r"^\s+(?:armed forces|forces|army|armies|military|militaries|air force|navy|government|troops|defen[cs]e ministry"
    r"|ministry of defen[cs]e|defen[cs]e forces|side)\b"
)
_ARRIVAL = re.compile(r"arriv|appeared|service|deploy|landed|reached|operat|used|use|fleet|delivered", re.I)
_CONFLICT_AFTER = re.compile(r"^\s*(?:-|–)?\s*(?:backed|based|led|controlled|held|allied|aligned)\b", re.I)


@dataclass(slots=True)
class Party:
    """A state (or company standing for its state) named in a sentence, with its role."""

    code: str
    start: int
    end: int
    text: str
    role: str | None = None
    company: bool = False


def parties_from(sentence: str, offset: int, mentions: list[Mention], used_as_origin: set[int]) -> list[Party]:
    """The states a sentence names as actors, groups expanded, origins and titles left out."""
    parties: list[Party] = []
    for m in mentions:
        if m.start in used_as_origin:
            continue
        after = sentence[m.end - offset: m.end - offset + 40]
        if _CONFLICT_AFTER.match(after):
            continue  # "Russian-backed", "Istanbul-based": not an actor in the deal
        if m.kind == "state":
            if m.form == "made":
                continue
            if m.form == "demonym" and not _DEMONYM_PARTY.match(after):
                continue
            parties.append(Party(m.value, m.start, m.end, m.text))
        elif m.kind == "group":
            for code in m.value:
                parties.append(Party(code, m.start, m.end, m.text))
        elif m.kind == "company" and m.state:
            parties.append(Party(m.state, m.start, m.end, m.text, company=True))
    return parties


def assign_roles(sentence: str, offset: int, parties: list[Party], cues: list[Cue]) -> None:
    """Give each party a role from its preposition, its place around the verb, and its list."""
    for party in parties:
        before = sentence[max(0, party.start - offset - 30): party.start - offset]
        marker = _MARKER.search(before)
        word = marker.group("word").lower() if marker else ""
        cue_before = next((c for c in reversed(cues) if c.end <= party.start), None)
        cue_after = next((c for c in cues if c.start >= party.end), None)
        if word == "from":
            party.role = SUPPLIER
        elif word == "by":
            if party.company or (cue_before and cue_before.direction == "supply"):
                party.role = SUPPLIER
            elif cue_before and cue_before.direction == "receive":
                party.role = RECIPIENT
        elif word in ("to", "for", "into", "toward", "towards", "onto"):
            party.role = RECIPIENT
        elif word == "with":
            party.role = PARTNER
        elif word == "in":
            between = sentence[cue_before.start - offset: party.start - offset] if cue_before else ""
            party.role = RECIPIENT if cue_before and _ARRIVAL.search(cue_before.text) and len(between) < 60 \
                else IGNORE
        elif word in ("against", "between", "near", "across", "over", "versus", "vs", "than", "on", "at"):
            party.role = IGNORE
        elif word in ("including", "include", "includes", "like", "such as", "among them", "namely"):
            party.role = RECIPIENT if cue_before is not None else None
        elif word in ("and",) or not word or word == "of":
            if cue_after is not None and (cue_before is None or _closer(party, cue_after, cue_before)):
                party.role = {"supply": SUPPLIER, "receive": RECIPIENT}.get(cue_after.direction, PARTNER)
            elif cue_before is not None:
                gap = sentence[cue_before.end - offset: party.start - offset]
                if cue_before.direction == "supply" and len(gap) < 25:
                    party.role = RECIPIENT  # "sold Ukraine", "supplying Ethiopia's army with"
    _share_list_roles(sentence, offset, parties)


def _closer(party: Party, after: Cue, before: Cue) -> bool:
    return after.start - party.end <= party.start - before.end + 40


def _share_list_roles(sentence: str, offset: int, parties: list[Party]) -> None:
    """Members of one coordinated list take the role of the member that has one."""
    groups: list[list[Party]] = []
    for party in parties:
        if groups:
            prev = groups[-1][-1]
            gap = sentence[prev.end - offset: party.start - offset]
            if prev.end == party.end or _LIST_GAP.match(gap):
                groups[-1].append(party)
                continue
        groups.append([party])
    for group in groups:
        roles = [p.role for p in group if p.role not in (None,)]
        if not roles:
            continue
        role = roles[0]
        for p in group:
            if p.role is None:
                p.role = role
