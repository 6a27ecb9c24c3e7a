"""Alliance entrapment: a guarantor's ally arms a state that is fighting or facing the guarantor's rival.

For every guarantor G, a finding (G, S, R) gathers the register rows S -> R where, at the
time of the transfer (see ``dating``: its order or delivery year, else its claims' year,
else its documents' date, else the register's reference date, never the clock):

- G guarantees S: S is a member of an alliance with a defence guarantee that G leads
  (NATO members are guaranteed by the United States, and so on: ``alliances.csv``);
- R is opposed to A: they are rivals, or on opposite sides of an armed conflict;
- A is G's adversary: G's rival, or a party G itself fights in a war; a war in which G
  already stands on R's side does not count (G is in it already, not drawn in).

A finding names its main adversary (the one scoring highest) and lists in ``also_against``
the others the same transfers face, such as the co-belligerents and backers of the main
adversary's side: one finding per (G, S, R), not one per party of the enemy side.

Score against an adversary = sum over the rows of

    capability × status × quantity × relation × maker

- capability: 1.0 armed drones and long-range strike missiles; 0.6 combat aircraft, air
  defence, other missiles and naval weapons; 0.4 armoured vehicles, artillery, ships and
  munitions; 0.2 transport and trainer aircraft, unarmed drones, sensors, engines,
  satellites, components and other unarmed items (``assess``).
- status: delivered 1.0, ordered 0.8, planned 0.5, interest 0.3; cancelled rows do not count.
- quantity: 1 + log10(number), the number delivered (or ordered); unknown counts as 1.
- relation: how directly R is opposed to A. Two parties that fight each other in a conflict
  (``relations.fight_directly``): the weaker of their roles (principal 1.0, belligerent 0.8);
  a backer on either side 0.5; opposite sides of a war without fighting each other (Turkey
  and Russia in Syria) 0.4; a rivalry without a war 0.6.
- maker: 1.0; ``UNCONFIRMED_MAKER_WEIGHT`` for a named system made in a third state with no
  re-export stated; rows naming a system made by the recipient itself are left out (``assess``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from armsledger.analysis.assess import Capability, assess_row
from armsledger.analysis.dating import Reference, document_dates, reference_date, row_times
from armsledger.analysis.evidence import rank_evidence
from armsledger.analysis.frames import CLAIM_COLUMNS, ROW_COLUMNS, present, require_columns
from armsledger.analysis.relations import Hostility, Relations
from armsledger.analysis.wording import capitalised, joined, possessive, state_phrase
from armsledger.knowledge import Knowledge

__all__ = ["Contribution", "Finding", "find_entrapment", "state_phrase"]

STATUS_WEIGHTS: dict[str, float] = {
    "delivered": 1.0,
    "ordered": 0.8,
    "planned": 0.5,
    "interest": 0.3,
    "cancelled": 0.0,
}
ROLE_WEIGHTS: dict[str, float] = {"principal": 1.0, "belligerent": 0.8, "backer": 0.5}
RIVALRY_WEIGHT = 0.6
BACKER_WEIGHT = 0.5
OPPOSITE_SIDES_WEIGHT = 0.4
# How each stage reads in "Turkey ... to Ukraine", furthest stage first.
_VERBS: tuple[tuple[str, str], ...] = (
    ("delivered", "delivered"),
    ("ordered", "has agreed to sell"),
    ("planned", "plans to supply"),
    ("interest", "is in talks to supply"),
)
_SHOWN_SYSTEMS = 4


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
    judged_at: str = ""  # the year or day the relations were checked at
    basis: str = ""  # where that time comes from (order year, first reported, reference date, ...)
    note: str = ""  # how the row is counted differently from what it says, if it is


@dataclass(slots=True)
class Opposition:
    """The transfers of one (G, S, R) against one adversary."""

    adversary: str
    relation: Hostility | None = None
    strength: float = 0.0
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The sum of the contributions."""
        return round(sum(c.score for c in self.contributions), 4)


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
    also_against: list[str] = field(default_factory=list)  # further adversaries, best first
    others: list[Opposition] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # rows of the pair not counted, and why

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
            "also_against": self.also_against,
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
                    "judged_at": c.judged_at,
                    "basis": c.basis,
                    "score": c.score,
                    "note": c.note,
                }
                for c in self.contributions
            ],
            "other_adversaries": [
                {"adversary": o.adversary, "relation": describe(o.relation), "score": o.score}
                for o in self.others
            ],
            "left_out": self.left_out,
        }


def quantity_factor(quantity: int | None) -> float:
    """1 + log10(quantity); an unknown (or zero) quantity counts as 1."""
    return 1.0 + math.log10(quantity) if quantity and quantity >= 1 else 1.0


def hostility_weight(h: Hostility) -> float:
    """How directly one relation opposes two actors (see the module's docstring)."""
    if h.kind == "rivalry":
        return RIVALRY_WEIGHT
    if h.direct:
        return min(ROLE_WEIGHTS[h.roles[0]], ROLE_WEIGHTS[h.roles[1]])
    return BACKER_WEIGHT if "backer" in h.roles else OPPOSITE_SIDES_WEIGHT


def relation_weight(hostilities: list[Hostility]) -> tuple[float, Hostility | None]:
    """The strongest opposition between two actors, with its weight."""
    best: tuple[float, Hostility | None] = (0.0, None)
    for h in hostilities:
        weight = hostility_weight(h)
        if weight > best[0]:
            best = (weight, h)
    return best


def describe(h: Hostility | None) -> str:
    """A relation in a few words: 'rivalry' or 'conflict: NAME (role vs role[, not fighting each other])'."""
    if h is None or h.kind == "rivalry":
        return "rivalry"
    apart = "" if h.direct or "backer" in h.roles else ", not fighting each other"
    return f"conflict: {h.name} ({h.roles[0]} vs {h.roles[1]}{apart})"


def _row_quantity(row: Any) -> int | None:
    for value in (row.number_delivered, row.number_ordered):
        if present(value):
            return int(value)
    return None


def _evidence_item(claim: dict[str, Any]) -> dict[str, Any]:
    return {
        "doc": claim["doc"],
        "sentence": claim["evidence"],
        "start": int(claim["start"]),
        "end": int(claim["end"]),
    }


def find_entrapment(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    relations: Relations,
    kb: Knowledge,
    as_of: date | None = None,
    guarantors: list[str] | None = None,
) -> list[Finding]:
    """Every entrapment finding in the register, best first.

    ``as_of`` is the day rows with no date of their own are judged at; by default the
    register's reference date (``dating.reference_date``), so the result never depends on
    the day it is run.
    """
    require_columns(rows, ROW_COLUMNS, "register")
    require_columns(claims, CLAIM_COLUMNS, "claims")
    dates = document_dates(claims)
    reference = Reference(as_of, "given") if as_of is not None else reference_date(claims, dates=dates)
    times = row_times(rows, claims, reference, dates)
    columns = ("claim_id", "doc", "status", "evidence", "start", "end")
    by_id = {
        values[0]: dict(zip(columns, values, strict=True))
        for values in zip(*(claims[c] for c in columns), strict=True)
    }
    groups: dict[tuple[str, str, str], dict[str, Opposition]] = {}
    alliances: dict[tuple[str, str, str], str] = {}
    row_claims_of: dict[str, list[dict[str, Any]]] = {}
    equipment_of: dict[str, tuple[str | None, str]] = {}  # row key -> (system, category)
    left_out: dict[tuple[str, str], list[str]] = {}
    for row in rows.itertuples(index=False):
        status_weight = STATUS_WEIGHTS.get(row.status, 0.0)
        if status_weight == 0.0:
            continue
        # A live row's cancelled claims contradict it: they are no evidence for it.
        row_claims = [
            by_id[i] for i in (row.claim_ids or []) if i in by_id and by_id[i]["status"] != "cancelled"
        ]
        row_claims = [c for c in row_claims if c["evidence"]]
        if not row_claims:
            continue  # a finding must be able to cite its source
        sentences = [c["evidence"] for c in row_claims]
        system = row.system if present(row.system) else None
        supplier, recipient = row.supplier, row.recipient
        assessment = assess_row(supplier, recipient, system, row.category, sentences, kb)
        if not assessment.counted:
            left_out.setdefault((supplier, recipient), []).append(assessment.note)
            continue
        row_claims_of[row.row_key] = row_claims
        equipment_of[row.row_key] = (system, row.category)
        time = times[row.row_key]
        cap = assessment.capability
        quantity = _row_quantity(row)
        base = cap.weight * status_weight * quantity_factor(quantity) * assessment.factor
        opposed = relations.hostilities(recipient, time.when)
        for guarantor, alliance in relations.guarantors_of(supplier, time.when).items():
            if (guarantors and guarantor not in guarantors) or guarantor == recipient:
                continue
            rivals = relations.rivals_of(guarantor, time.when)
            for adversary, found in opposed.items():
                if adversary not in rivals or adversary in (guarantor, supplier):
                    continue
                # A war the guarantor already fights (or backs) on the recipient's side cannot draw it in.
                hostilities = [
                    h
                    for h in found
                    if h.kind == "rivalry"
                    or relations.side_in(guarantor, h.name, time.when)
                    != relations.side_in(recipient, h.name, time.when)
                ]
                if not hostilities:
                    continue
                weight, relation = relation_weight(hostilities)
                key = (guarantor, supplier, recipient)
                alliances.setdefault(key, alliance)
                against = groups.setdefault(key, {}).setdefault(adversary, Opposition(adversary))
                if weight > against.strength:
                    against.strength, against.relation = weight, relation
                against.contributions.append(
                    Contribution(
                        row.row_key,
                        cap.label,
                        cap,
                        row.status,
                        quantity,
                        time.year,
                        round(base * weight, 4),
                        time.label(),
                        time.basis,
                        assessment.note,
                    )
                )
    result = []
    for key, oppositions in groups.items():
        ranked = sorted(oppositions.values(), key=lambda o: (-o.score, -o.strength, o.adversary))
        main, others = ranked[0], ranked[1:]
        finding = Finding(
            *key,
            main.adversary,
            alliance=alliances[key],
            relation=main.relation,
            score=main.score,
            strength=main.strength,
            contributions=main.contributions,
            also_against=[o.adversary for o in others],
            others=others,
            left_out=list(dict.fromkeys(left_out.get((key[1], key[2]), []))),
        )
        items = list(
            {
                (i["doc"], i["start"], i["end"]): i
                for c in main.contributions
                for i in map(_evidence_item, row_claims_of[c.row_key])
            }.values()
        )
        equipment = [equipment_of[c.row_key] for c in main.contributions]
        finding.evidence = rank_evidence(
            items, key[1], key[2], [e[0] for e in equipment], [e[1] for e in equipment], kb
        )
        finding.explanation = explain(finding, relations, kb)
        result.append(finding)
    result.sort(key=lambda f: (-f.score, f.guarantor, f.supplier, f.recipient))
    return result


def _transfers_phrase(finding: Finding, r: str) -> str:
    """'delivered A and B to R and is in talks to supply C': the systems by the furthest stage each reached."""
    stage = {status: rank for rank, (status, _) in enumerate(_VERBS)}
    best: dict[str, tuple[int, float]] = {}
    for c in finding.contributions:
        rank = stage.get(c.status, len(stage))
        old = best.get(c.system)
        if old is None or (rank, -c.score) < (old[0], -old[1]):
            best[c.system] = (rank, c.score)
    shown = sorted(best, key=lambda s: (-max(c.score for c in finding.contributions if c.system == s), s))
    shown = shown[:_SHOWN_SYSTEMS]
    clauses = []
    for rank, (_, verb) in enumerate(_VERBS):
        systems = [s for s in shown if best[s][0] == rank]
        if systems:
            clauses.append(f"{verb} {joined(systems)}" + ("" if clauses else f" to {r}"))
    more = len(best) - len(shown)
    tail = f" (and {more} more)" if more else ""
    return " and ".join(clauses) + tail


def opposition_phrase(h: Hostility | None, r: str, a: str) -> str:
    """How the recipient stands against the adversary, as a true clause."""
    if h is None or h.kind == "rivalry":
        return f"{r} is a rival of {a}"
    own, other = h.roles
    if h.direct:
        return f"{r} is at war with {a} ({h.name})"
    if own == "backer" and other == "backer":
        return f"{r} and {a} back opposite sides in the {h.name}"
    if own == "backer":
        return f"{r} backs the side fighting {a} in the {h.name}"
    if other == "backer":
        return f"{r} fights the side {a} backs in the {h.name}"
    return f"{r} and {a} fight on opposite sides of the {h.name}, though not each other"


def _also_phrase(finding: Finding, r: str, a: str, kb: Knowledge) -> str:
    if not finding.others:
        return ""
    main = finding.relation
    same_war = [
        o
        for o in finding.others
        if main and main.kind == "conflict" and o.relation and o.relation.name == main.name
    ]
    rest = [o for o in finding.others if o not in same_war]
    parts = []
    if same_war and main is not None:
        names = joined([state_phrase(o.adversary, kb) for o in same_war])
        parts.append(f"{names}, on {possessive(a)} side of the {main.name}")
    for o in rest:
        what = "rivalry" if o.relation is None or o.relation.kind == "rivalry" else o.relation.name
        parts.append(f"{state_phrase(o.adversary, kb)} ({what})")
    return f" {capitalised(r)} is also opposed to {'; '.join(parts)}."


def explain(finding: Finding, relations: Relations, kb: Knowledge) -> str:
    """One sentence saying who is exposed, through whom, with what, against whom; then what else and what not."""
    g, s, r, a = (
        state_phrase(x, kb)
        for x in (finding.guarantor, finding.supplier, finding.recipient, finding.adversary)
    )
    best = max(finding.contributions, key=lambda c: (STATUS_WEIGHTS[c.status], c.score))
    rivals = relations.rivals_of(finding.guarantor, _when(best))
    rival = relation_weight(rivals.get(finding.adversary, []))[1]
    rival_phrase = (
        f"{a} is a rival of {g}"
        if rival is None or rival.kind == "rivalry"
        else f"{g} fights {a} in the {rival.name}"
    )
    sentence = (
        f"{g} guarantees {s} through {finding.alliance}, and {s} {_transfers_phrase(finding, r)}; "
        f"{opposition_phrase(finding.relation, r, a)}, and {rival_phrase}: "
        f"{g} may be drawn in by a deal it did not make."
    )
    notes = list(dict.fromkeys(c.note for c in finding.contributions if c.note)) + finding.left_out
    extra = "".join(f" {capitalised(n)}." for n in notes)
    return capitalised(sentence) + _also_phrase(finding, r, a, kb) + extra


def _when(c: Contribution) -> int | date:
    return date.fromisoformat(c.judged_at) if "-" in c.judged_at else c.year
