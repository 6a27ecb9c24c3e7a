"""What a whole document is about: the systems it names, by maker and kind.

Reporting names a system once ("Bayraktar TB2") and then says "the drones"; the
document's context resolves such generic words to the system the document is about.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from armsledger.extract.items import Item
from armsledger.knowledge import Knowledge
from armsledger.model import Claim

_DRONE = re.compile(r"drone|uav|ucav|uas|unmanned|u\.a\.v|loitering", re.I)
_HELICOPTER = re.compile(r"helicopter", re.I)
_SUBMARINE = re.compile(r"submarine|\bsubs?\b|u-boat", re.I)
_SURFACE_SHIP = re.compile(
    r"frigate|corvette|destroyer|cruiser|carrier|patrol|landing|minehunter|vessel|ship|craft|cutter", re.I
)
_TANK = re.compile(r"\btanks?\b(?!\s+destroyer)|main battle", re.I)
_OTHER_VEHICLE = re.compile(
    r"\bifvs?\b|\bapcs?\b|\bapvs?\b|infantry|personnel|carrier|recovery|recce|reconnaissance|armou?red cars?",
    re.I,
)


def kind_of(text: str | None, category: str = "aircraft") -> str:
    """A coarse kind within a category, from a noun or a catalog description; "" for any.

    Aircraft are drones, helicopters or planes; ships are submarines or surface ships;
    armoured vehicles are tanks or other vehicles. "The frigates" in a text about
    submarines, or "the tanks" in one about infantry fighting vehicles, are other systems.
    """
    if not text:
        return ""
    if category == "aircraft":
        if text.strip().lower() == "aircraft":
            return ""  # "six aircraft" may be drones as well as jets
        if _DRONE.search(text):
            return "drone"
        if _HELICOPTER.search(text):
            return "helicopter"
        return "plane"
    if category == "ships":
        if _SUBMARINE.search(text):
            return "submarine"
        if re.search(r"carrier", text, re.I):
            return "carrier"
        return "surface" if _SURFACE_SHIP.search(text) else ""
    if category == "armoured-vehicles":
        if _TANK.search(text):
            return "tank"
        return "vehicle" if _OTHER_VEHICLE.search(text) else ""
    return ""


@dataclass(slots=True)
class DocumentContext:
    """Counts of the catalog systems a document names."""

    by_maker: dict[tuple[str, str, str], Counter[str]] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    makers: dict[str, str] = field(default_factory=dict)  # designation -> maker state
    total: Counter[str] = field(default_factory=Counter)
    # The recipients of the claims found so far, in reading order of the document.
    takers: set[str] = field(default_factory=set)
    # Who the document said supplies a system to a recipient, when a text names the supplier:
    # (recipient, designation) -> supplier.
    suppliers: dict[tuple[str, str], str] = field(default_factory=dict)
    # The state the article is mostly about, when one stands out (see pipeline._topic_state).
    topic: str | None = None
    # The state the latest clause with a transfer word named first, for a later "the country".
    subject: str | None = None
    # The state the latest clause with a transfer word named as taker, for a later "that country"
    # ("Belarus has sold weapons to Sudan ... it supplied that country with ...").
    taker: str | None = None
    taker_end: int = -1  # where the sentence that named it ends
    # The latest claim found in the document.
    last: Claim | None = None
    by_supplier: dict[str, Claim] = field(default_factory=dict)  # the latest claim of each supplier
    # The catalog system of each category named last so far, with its maker: category -> (designation, state).
    latest: dict[str, tuple[str, str]] = field(default_factory=dict)
    sentences_seen: int = 0
    latest_at: dict[str, int] = field(default_factory=dict)  # category -> sentences seen when named
    # Categories of the systems the sentence being read names itself.
    named_now: set[str] = field(default_factory=set)

    def see(self, items: list[Item]) -> None:
        """Note the systems a sentence named, in reading order."""
        self.sentences_seen += 1
        for item in items:
            if item.system and not item.pattern and item.catalog_state:
                self.latest[item.category] = (item.system, item.catalog_state)
                self.latest_at[item.category] = self.sentences_seen

    def add(self, item: Item, kb: Knowledge) -> None:
        """Count one named system."""
        if not item.system or item.pattern:
            return
        system = kb.systems.get(item.system)
        state = system.state if system else item.catalog_state
        if not state:
            return
        kind = kind_of(system.description if system else item.noun, item.category)
        self.by_maker.setdefault((state, item.category, kind), Counter())[item.system] += 1
        self.by_kind.setdefault((item.category, kind), Counter())[item.system] += 1
        self.makers[item.system] = state
        self.total[item.system] += 1

    def resolve(self, category: str, noun: str | None, supplier: str | None) -> tuple[str | None, str | None]:
        """The document's system for a generic item, and its maker: (designation, state) or (None, None)."""
        kind = kind_of(noun, category)
        if supplier:
            counts = self._merged(
                self.by_maker,
                lambda key: key[0] == supplier and key[1] == category and (not kind or key[2] == kind),
            )
            if counts:
                return counts.most_common(1)[0][0], supplier
            if supplier in self.makers.values():
                return None, None  # it makes other things here; this item is not the document's system
            # A state that makes none of the document's systems passes one on second-hand
            # ("Spain will hand over 10 jets" in a text about F-16s given by Norway):
            # the one system of this kind the document already saw handed on by a non-maker.
            counts = self._merged(
                self.by_kind, lambda key: key[0] == category and (not kind or key[1] == kind)
            )
            handed_on = {
                name for (_, name), giver in self.suppliers.items() if giver != self.makers.get(name)
            }
            if len(counts) == 1 and next(iter(counts)) in handed_on:
                name = next(iter(counts))
                return name, self.makers[name]
            return None, None
        counts = self._merged(self.by_kind, lambda key: key[0] == category and (not kind or key[1] == kind))
        if not counts:
            return None, None
        if (
            category in self.latest
            and category not in self.named_now
            and self.sentences_seen - self.latest_at[category] == 0
        ):
            latest = self.latest[category]
            if latest[0] in counts:
                return latest  # "... 10 Super Mushshak aircraft. The aircraft are in service in Oman."
        top = self.focus()
        if top and top[0] in counts:
            return top  # the document's own subject, when it is of this kind
        makers = {self.makers[name] for name in counts}
        if len(makers) != 1:
            return None, None  # two suppliers' systems of this kind: do not guess
        name = counts.most_common(1)[0][0]
        return name, self.makers[name]

    @staticmethod
    def _merged(table: dict, wanted) -> Counter[str]:  # type: ignore[type-arg]
        merged: Counter[str] = Counter()
        for key, counts in table.items():
            if wanted(key):
                merged.update(counts)
        return merged

    def focus(self) -> tuple[str, str] | None:
        """The system the document is mostly about, and its maker, when one stands out."""
        if not self.total:
            return None
        (name, count), *rest = self.total.most_common(2)
        if rest and rest[0][1] == count:
            return None
        return name, self.makers[name]
