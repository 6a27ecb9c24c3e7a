"""Acronyms a document defines for itself: "Pakistan Air Force (PAF)", "Korea Aerospace Industries (KAI)".

Many acronyms stand for different things in different countries (PAF is Pakistan's air
force in one article and the Philippines' in another), so they cannot live in the shipped
tables. A document that spells one out once tells us what it means in that document.
"""

from __future__ import annotations

import re

from armsledger.knowledge import Entry, Knowledge

# A run of capitalised words (with "of", "the", "and", "&" inside) and the acronym after it.
_DEFINITION = re.compile(
    r"((?:[A-Z][\w'’.\-]*|of|the|and|for|&)(?:\s+(?:[A-Z][\w'’.\-]*|of|the|and|for|&)){0,7})"
    r"\s+\(([A-Z][A-Za-z&\-]{1,7})\)"
)


# The last word of a name that stands for a state: its armed services and its government.
_SERVICE = re.compile(
    r"\b(?:Force|Forces|Army|Navy|Guard|Corps|Marines|Command|Ministry|Agency|Administration|Directorate"
    r"|Government|Bureau|Department|Office)\s*$"
)


def local_acronyms(text: str, kb: Knowledge, find) -> dict[str, Entry]:  # type: ignore[no-untyped-def]
    """Acronyms defined in ``text`` for a state, an armed service or a company, with what they stand for.

    ``find`` is the mention finder (text, kb) -> mentions, passed in to keep this module
    free of a circular import.
    """
    found: dict[str, Entry] = {}
    for match in _DEFINITION.finditer(text):
        long_form, acronym = match.group(1), match.group(2)
        if acronym in found or kb.lookup(acronym) is not None:
            continue  # the shipped tables already know it
        initials = "".join(w[0] for w in re.findall(r"[A-Z][\w'’.\-]*", long_form)).upper()
        if not _abbreviates(acronym.upper().replace("-", "").replace("&", ""), initials):
            continue  # "(AP)" after a name is a wire agency, not its acronym
        mentions = [m for m in find(long_form, kb) if m.kind in ("state", "company")]
        if not mentions:
            continue
        head = mentions[-1] if mentions[-1].kind == "company" else mentions[0]
        if head.kind == "company":
            found[acronym] = Entry("company", head.value, state=head.state)
        elif _SERVICE.search(long_form):
            found[acronym] = Entry("state", head.value, "force")
        # Otherwise a state's name inside an institute's ("Stockholm International Peace
        # Research Institute (SIPRI)") does not make the institute stand for the state.
    return found


def _abbreviates(acronym: str, initials: str) -> bool:
    """Whether the acronym's letters are initials of the long form, in order (a few may be missing)."""
    if len(acronym) < 2:
        return False
    position = 0
    hits = 0
    for letter in acronym:
        at = initials.find(letter, position)
        if at < 0:
            continue
        hits += 1
        position = at + 1
    return hits >= max(2, len(acronym) - 1)
