"""What a register row transfers, as the analysis counts it: its capability, and whether the row is believable.

Three checks keep wrong rows from driving findings:

- **Capability.** The catalog's ``armed`` and ``description`` decide for a named system; for
  a category the words of the evidence sentences do (see ``capability``).
- **Components.** A row about a platform (a named system or a kind of equipment) whose every
  evidence sentence speaks of parts tied to it (engines, sensors, optics or components that it
  features, is fitted or powered with, or that are made for it) is a transfer of components
  for that platform and scores as support equipment, not as the platform.
- **Maker.** A named system made in another state than the row's supplier (by the catalog's
  ``state``, or a maker company of the supplier's state) counts only when the evidence says
  it is second-hand, surplus, re-exported or built under licence. Otherwise: made in the
  recipient itself, the row is left out (nobody sells a state its own platform; at most
  parts for it); made in a third state, it counts at ``UNCONFIRMED_MAKER_WEIGHT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from armsledger.analysis.wording import state_phrase
from armsledger.knowledge import Knowledge

CAPABILITY_WEIGHTS: dict[str, float] = {"strike": 1.0, "combat": 0.6, "ground": 0.4, "support": 0.2}
# A named system from a third state's maker with no re-export stated: probably a wrong supplier.
UNCONFIRMED_MAKER_WEIGHT = 0.25
# Historical codes whose designs are catalogued under their successor.
_SUCCESSOR = {"SUN": "RUS", "CSK": "CZE", "YUG": "SRB"}

_DRONE = re.compile(r"\b(?:drones?|UAVs?|UCAVs?|UAS|unmanned|loitering)\b", re.I)
_UNARMED_DRONE = re.compile(r"\b(?:reconnaissance|surveillance|observation|target)\b", re.I)
_STRIKE_MISSILE = re.compile(
    r"\b(?:cruise|ballistic|stand-?off|long-range|land-attack|strike|precision)\b"
    r"|\d+\s*-?\s*(?:kilometer|kilometre|km)",
    re.I,
)
_COMBAT_AIRCRAFT = re.compile(
    r"\b(?:fighters?|combat|attack|strike|warplanes?|jets?|bombers?|multirole)\b", re.I
)
_MUNITIONS = re.compile(r"ammunition|munitions|rifles|shells|small arms|grenades|mortars", re.I)
_COMPONENTS = re.compile(
    r"\b(?:engines?|sensors?|optics|optical|cameras?|components?|parts|spares|subsystems?|avionics"
    r"|electronics|targeting (?:pods?|systems?)|designation systems?|turrets?|radars?)\b",
    re.I,
)
# The component is tied to the platform ("TB2 drones feature optical sensors produced by ...").
_PART_OF = re.compile(
    r"\b(?:feature[sd]?|featuring|equipped with|powered by|fitted (?:with|to|on)|installed (?:on|in)"
    r"|integrat\w+|for (?:the|its|their)|(?:produced|made|built|manufactured|supplied) by|used (?:in|on))\b",
    re.I,
)
_REEXPORT = re.compile(
    r"\b(?:second-?hand|surplus|ex-[A-Z]\w*|former|refurbished|re-?export\w*|re-?transfer\w*|re-?sold"
    r"|decommissioned|retired|excess|from (?:its|their) (?:own )?(?:stocks?|inventory|inventories|fleet|arsenal)"
    r"|licen[cs]ed?|under licen[cs]e|licen[cs]e-built|Soviet-(?:era|made|designed|built))\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Capability:
    """What a transfer's equipment can do, as a class and a readable label."""

    kind: str  # strike, combat, ground, support
    label: str

    @property
    def weight(self) -> float:
        """The capability weight of the class."""
        return CAPABILITY_WEIGHTS[self.kind]


@dataclass(frozen=True, slots=True)
class Assessment:
    """How the analysis counts one register row."""

    capability: Capability
    factor: float  # 1.0, UNCONFIRMED_MAKER_WEIGHT, or 0.0 when the row is left out
    note: str = ""  # why it is counted differently from what the row says, if it is
    drone: bool = False  # whether it is a transfer of drones (components for drones are not)

    @property
    def counted(self) -> bool:
        """Whether the row counts at all."""
        return self.factor > 0


def capability(system: str | None, category: str, evidence: list[str], kb: Knowledge) -> Capability:
    """Classify what the equipment can do from the catalog, or from the evidence words for a category."""
    entry = kb.systems.get(system) if system else None
    if entry is not None:
        text = " ".join((entry.designation, *entry.aliases, entry.description))
        category, armed = entry.category, entry.armed
    else:
        text = " ".join(evidence)
        armed = None  # unknown: judged from the words
    name = system or ""
    if category == "aircraft":
        if _DRONE.search(text):
            if armed is False or (armed is None and _UNARMED_DRONE.search(text)):
                return Capability("support", name or "unarmed drones")
            return Capability("strike", name or "armed drones")
        if armed or (armed is None and _COMBAT_AIRCRAFT.search(text)):
            return Capability("combat", name or "combat aircraft")
        return Capability("support", name or "aircraft")
    if category == "missiles":
        if _STRIKE_MISSILE.search(text):
            return Capability("strike", name or "long-range strike missiles")
        return Capability("combat", name or "missiles")
    if category in ("air-defence", "naval-weapons", "anti-submarine"):
        return Capability("combat", name or category.replace("-", " "))
    if category in ("armoured-vehicles", "artillery", "ships"):
        return Capability("ground", name or category.replace("-", " "))
    if category == "other" and (armed or (armed is None and _MUNITIONS.search(text))):
        return Capability("ground", name or "munitions")
    return Capability(
        "support", name or ("other equipment" if category == "other" else category.replace("-", " "))
    )


def is_drone(system: str | None, category: str, evidence: list[str], kb: Knowledge) -> bool:
    """Whether a transfer is of drones: a catalog system described as one, or drone words in the evidence."""
    if category != "aircraft":
        return False
    entry = kb.systems.get(system) if system else None
    text = " ".join((entry.designation, *entry.aliases, entry.description)) if entry else " ".join(evidence)
    return bool(_DRONE.search(text))


def _is_about_parts(sentence: str) -> bool:
    return bool(_COMPONENTS.search(sentence) and _PART_OF.search(sentence))


def makes(state: str, system: str, kb: Knowledge) -> bool:
    """Whether the state makes the system: the catalog's maker state, or one of its maker companies."""
    entry = kb.systems.get(system)
    if entry is None:
        return True  # not in the catalog: nothing to check against
    state = _SUCCESSOR.get(state, state)
    if entry.state == state:
        return True
    return any(kb.companies.get(part.strip()) == state for part in entry.maker.split("/"))


def assess_row(
    supplier: str, recipient: str, system: str | None, category: str, evidence: list[str], kb: Knowledge
) -> Assessment:
    """How one register row counts: its capability, and the component and maker checks of the module."""
    cap = capability(system, category, evidence, kb)
    entry = kb.systems.get(system) if system else None
    kind = entry.category if entry is not None else category
    if kind not in ("engines", "sensors") and evidence and all(_is_about_parts(s) for s in evidence):
        what = f"the {entry.designation}" if entry is not None else cap.label
        return Assessment(
            Capability("support", f"components for {entry.designation if entry else cap.label}"),
            1.0,
            f"scored as components: every source sentence is about parts for {what}",
        )
    drone = is_drone(system, category, evidence, kb)
    if entry is None:
        return Assessment(cap, 1.0, drone=drone)
    name = entry.designation
    if makes(supplier, name, kb):
        return Assessment(cap, 1.0, drone=drone)
    maker = state_phrase(entry.state, kb)
    if any(_REEXPORT.search(s) for s in evidence):
        return Assessment(cap, 1.0, f"counted as a re-export: the {name} is made in {maker}", drone)
    if entry.state == recipient:
        return Assessment(
            cap, 0.0, f"left out: the {name} is made in {maker} itself, and no re-export to it is stated"
        )
    return Assessment(
        cap,
        UNCONFIRMED_MAKER_WEIGHT,
        f"counted at {UNCONFIRMED_MAKER_WEIGHT:g}: the {name} is made in {maker}, and no re-export by "
        f"{state_phrase(supplier, kb)} is stated",
        drone,
    )
