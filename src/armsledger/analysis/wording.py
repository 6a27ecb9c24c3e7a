"""How the analysis writes states and lists inside its sentences."""

from __future__ import annotations

import re

from armsledger.knowledge import Knowledge

# Armed groups whose names take "the" ("the Taliban", "the Polisario Front"; but "Hamas").
_THE_GROUP_NAMES = frozenset({"Taliban", "Houthis", "Contras", "Peshmerga"})
_THE_GROUP_WORDS = frozenset(
    {
        "Front",
        "Group",
        "Army",
        "Forces",
        "Force",
        "Party",
        "opposition",
        "separatists",
        "State",
        "Movement",
        "Eelam",
    }
)
_THE = re.compile(
    r"^(?:United |Netherlands|Philippines|Bahamas|Gambia|Czech Republic|Central African|Dominican"
    r"|Maldives|Comoros|Marshall|Solomon|Seychelles|DR Congo|Republic of)"
)


def state_phrase(code: str, kb: Knowledge) -> str:
    """A state's name as it reads inside a sentence ("the United States", "Turkey", "the Houthis")."""
    name = kb.state_name(code)
    if code.startswith("NSA:"):
        # The non-state file's own name is the first surface form stored for the code.
        name = next(
            (surface for surface, e in kb.exact.items() if e.value == code and e.form == "nonstate"), name
        )
        last = re.sub(r"\s*\(.*\)$", "", name).split()[-1]
        return f"the {name}" if name in _THE_GROUP_NAMES or last in _THE_GROUP_WORDS else name
    return f"the {name}" if _THE.match(name) else name


def joined(items: list[str]) -> str:
    """Items as 'a', 'a and b' or 'a, b and c'."""
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capitalised(sentence: str) -> str:
    """The sentence with its first letter in capitals ("the United States ..." -> "The United States ...")."""
    return sentence[:1].upper() + sentence[1:]


def possessive(phrase: str) -> str:
    """ "Russia's", "the United States'"."""
    return phrase + ("'" if phrase.endswith("s") else "'s")
