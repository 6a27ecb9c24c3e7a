"""Alliance entrapment: a guarantor's ally arms a state that is fighting or facing the guarantor's rival.

For every guarantor G, a finding (G, S, R, A) gathers the register rows S -> R where, in the
year of the transfer (its order or delivery year, else its claims' or documents' year, else
the analysis date):

- G guarantees S: S is a member of an alliance with a defence guarantee that G leads
  (NATO members are guaranteed by the United States, and so on: ``alliances.csv``);
- R is opposed to A: they are rivals, or on opposite sides of an armed conflict;
- A is G's adversary: G's rival, or G's opponent in a war G itself fights.

Score of a finding = sum over its rows of

    capability × status × quantity × relation

- capability: 1.0 armed drones and long-range strike missiles; 0.6 combat aircraft, air
  defence, other missiles and naval weapons; 0.4 armoured vehicles, artillery, ships and
  other armed equipment; 0.2 transport and trainer aircraft, unarmed drones, sensors,
  engines, satellites and other unarmed items. The catalog's ``armed`` and ``description``
  decide for a named system; for a category the words of the evidence sentences do.
- status: delivered 1.0, ordered 0.8, planned 0.5, interest 0.3, cancelled 0.
- quantity: 1 + log10(number), the number delivered (or ordered); unknown counts as 1.
- relation: how directly R is opposed to A: in a conflict, the weaker of the two roles
  (principal 1.0, belligerent 0.8, backer 0.5); a rivalry without a war 0.6.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from armsledger.analysis.frames import CLAIM_COLUMNS, ROW_COLUMNS, present, require_columns, row_years
from armsledger.analysis.relations import Hostility, Relations
from armsledger.knowledge import Knowledge

CAPABILITY_WEIGHTS: dict[str, float] = {"strike": 1.0, "combat": 0.6, "ground": 0.4, "support": 0.2}
STATUS_WEIGHTS: dict[str, float] = {
    "delivered": 1.0,
    "ordered": 0.8,
    "planned": 0.5,
    "interest": 0.3,
    "cancelled": 0.0,
}
ROLE_WEIGHTS: dict[str, float] = {"principal": 1.0, "belligerent": 0.8, "backer": 0.5}
RIVALRY_WEIGHT = 0.6

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
_VERB = {
    "delivered": "delivered",
    "ordered": "has orders for",
    "planned": "plans to supply",
    "interest": "is discussing",
}


@dataclass(frozen=True, slots=True)
class Capability:
    """What a transfer's equipment can do, as a class and a readable label."""

    kind: str  # strike, combat, ground, support
    label: str

    @property
    def weight(self) -> float:
        """The capability weight of the class."""
        return CAPABILITY_WEIGHTS[self.kind]


@dataclass(slots=True)
class Contribution:
    """One register row's part in a finding."""

    row_key: str
    system: str
    capability: Capability
    status: str
    quantity: int | None
    year: int
    score: float


@dataclass(slots=True)
class Finding:
    """A guarantor exposed through its ally's transfer to a state opposed to the guarantor's rival."""

    guarantor: str
    supplier: str
    recipient: str
    adversary: str
    alliance: str
    relation: Hostility | None
    score: float
    strength: float = 0.0  # the relation's weight
    explanation: str = ""
    contributions: list[Contribution] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def systems(self) -> list[str]:
        """The systems (or kinds of equipment) transferred, best-scoring first, each once."""
        ordered = sorted(self.contributions, key=lambda c: -c.score)
        return list(dict.fromkeys(c.system for c in ordered))

    def to_json(self) -> dict[str, Any]:
        """The finding in the shape `analyze entrapment --format json` prints."""
        return {
            "guarantor": self.guarantor,
            "supplier": self.supplier,
            "recipient": self.recipient,
            "adversary": self.adversary,
            "alliance": self.alliance,
            "relation": describe(self.relation),
            "systems": self.systems,
            "score": self.score,
            "explanation": self.explanation,
            "evidence": self.evidence,
            "transfers": [
                {
                    "row_key": c.row_key,
                    "system": c.system,
                    "capability": c.capability.kind,
                    "status": c.status,
                    "quantity": c.quantity,
                    "year": c.year,
                    "score": c.score,
                }
                for c in self.contributions
            ],
        }


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
    if category == "other" and (
        armed
        or (armed is None and re.search(r"ammunition|rifles|shells|small arms|grenades|mortars", text, re.I))
    ):
        return Capability("ground", name or "arms and ammunition")
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


def quantity_factor(quantity: int | None) -> float:
    """1 + log10(quantity); an unknown (or zero) quantity counts as 1."""
    return 1.0 + math.log10(quantity) if quantity and quantity >= 1 else 1.0


def relation_weight(hostilities: list[Hostility]) -> tuple[float, Hostility | None]:
    """The strongest opposition between two actors, with its weight."""
    best: tuple[float, Hostility | None] = (0.0, None)
    for h in hostilities:
        if h.kind == "rivalry":
            weight = RIVALRY_WEIGHT
        else:
            weight = min(ROLE_WEIGHTS[h.roles[0]], ROLE_WEIGHTS[h.roles[1]])
        if weight > best[0]:
            best = (weight, h)
    return best


def describe(h: Hostility | None) -> str:
    """A relation in a few words: 'rivalry' or 'conflict: NAME (role vs role)'."""
    if h is None or h.kind == "rivalry":
        return "rivalry"
    return f"conflict: {h.name} ({h.roles[0]} vs {h.roles[1]})"


def _row_quantity(row: Any) -> int | None:
    for value in (row.number_delivered, row.number_ordered):
        if present(value):
            return int(value)
    return None


def find_entrapment(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    relations: Relations,
    kb: Knowledge,
    as_of: date | None = None,
    guarantors: list[str] | None = None,
) -> list[Finding]:
    """Every entrapment finding in the register, best first."""
    require_columns(rows, ROW_COLUMNS, "register")
    require_columns(claims, CLAIM_COLUMNS, "claims")
    as_of = as_of or date.today()
    by_id = {c["claim_id"]: c for c in claims.to_dict("records")}
    years = row_years(rows, claims)
    findings: dict[tuple[str, str, str, str], Finding] = {}
    for row in rows.itertuples(index=False):
        status_weight = STATUS_WEIGHTS.get(row.status, 0.0)
        if status_weight == 0.0:
            continue
        row_claims = [by_id[i] for i in (row.claim_ids or []) if i in by_id]
        sentences = [c["evidence"] for c in row_claims if c["evidence"]]
        if not sentences:
            continue  # a finding must be able to cite its source
        supplier, recipient = row.supplier, row.recipient
        year = years.get(row.row_key) or as_of.year
        cap = capability(row.system if present(row.system) else None, row.category, sentences, kb)
        quantity = _row_quantity(row)
        base = cap.weight * status_weight * quantity_factor(quantity)
        opposed = relations.hostilities(recipient, year)
        for guarantor, alliance in relations.guarantors_of(supplier, year).items():
            if (guarantors and guarantor not in guarantors) or guarantor == recipient:
                continue
            rivals = relations.rivals_of(guarantor, year)
            for adversary, hostilities in opposed.items():
                if adversary not in rivals or adversary in (guarantor, supplier):
                    continue
                weight, relation = relation_weight(hostilities)
                key = (guarantor, supplier, recipient, adversary)
                finding = findings.setdefault(key, Finding(*key, alliance=alliance, relation=None, score=0.0))
                if weight > finding.strength:
                    finding.strength, finding.relation = weight, relation
                score = round(base * weight, 4)
                finding.contributions.append(
                    Contribution(row.row_key, cap.label, cap, row.status, quantity, year, score)
                )
                for claim in row_claims:
                    _add_evidence(finding, claim)
    result = []
    for finding in findings.values():
        finding.score = round(sum(c.score for c in finding.contributions), 4)
        finding.explanation = explain(finding, relations, kb)
        result.append(finding)
    result.sort(key=lambda f: (-f.score, f.guarantor, f.supplier, f.recipient, f.adversary))
    return result


def _add_evidence(finding: Finding, claim: dict[str, Any]) -> None:
    item = {
        "doc": claim["doc"],
        "sentence": claim["evidence"],
        "start": int(claim["start"]),
        "end": int(claim["end"]),
    }
    if item not in finding.evidence:
        finding.evidence.append(item)


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
        return f"the {name}" if " " in name or name.endswith("is") else name
    return f"the {name}" if _THE.match(name) else name


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def explain(finding: Finding, relations: Relations, kb: Knowledge) -> str:
    """One sentence saying who is exposed, through whom, with what, against whom."""
    g, s, r, a = (
        state_phrase(x, kb)
        for x in (finding.guarantor, finding.supplier, finding.recipient, finding.adversary)
    )
    best = max(finding.contributions, key=lambda c: (STATUS_WEIGHTS[c.status], c.score))
    verb = _VERB.get(best.status, "supplies")
    h = finding.relation
    if h is None or h.kind == "rivalry":
        opposition = f"itself a rival of {a}"
    elif "backer" in h.roles:
        opposition = f"which is on the opposite side from {a} in the {h.name}"
    else:
        opposition = f"which is at war with {a} ({h.name})"
    rival = relation_weight(relations.rivals_of(finding.guarantor, best.year).get(finding.adversary, []))[1]
    rival_phrase = (
        f"a rival of {g}"
        if rival is None or rival.kind == "rivalry"
        else f"whom {g} fights in the {rival.name}"
    )
    sentence = (
        f"{g} guarantees {s} through {finding.alliance}, and {s} {verb} {_joined(finding.systems[:3])} "
        f"to {r}, {opposition}, {rival_phrase}: {g} may be drawn in by a deal it did not make."
    )
    return sentence[0].upper() + sentence[1:]
