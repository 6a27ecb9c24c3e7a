"""Alliances, partnerships, rivalries and armed conflicts with their dates, read from data files.

The CSV files live in ``knowledge/data/relations/``; an analyst can add rows in files
of the same names under ``$ARMSLEDGER_KNOWLEDGE/relations/``. Every row is checked:
codes must be known states or non-state actors, dates must parse and run forwards, the
same alliance member, pair or conflict party may not have overlapping periods, an alliance
has one lead whose period covers its members', two states may not guarantee each other,
and a pair may not be partners and rivals at once. An error names the file and row that
caused it: the analyst's row when an added row clashes with a shipped one.

Relations are asked about a year (a transfer dated by year: active if the period covers
any day of it) or a day (an undated transfer judged at its documents' date).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from armsledger.errors import InputError
from armsledger.knowledge import DATA_DIR, Knowledge, default_knowledge, read_table

RELATIONS_DIR = DATA_DIR / "relations"
FILES: dict[str, tuple[str, ...]] = {
    "alliances.csv": ("alliance", "member", "role", "guarantee", "start", "end", "source_note"),
    "partnerships.csv": ("a", "b", "name", "start", "end", "source_note"),
    "rivalries.csv": ("a", "b", "start", "end", "source_note"),
    "conflicts.csv": ("conflict", "actor", "side", "role", "start", "end", "source_note"),
}
# Optional columns: conflicts.csv's `against` lists the parties of the other side a party
# fights directly, beyond the default (see ``fight_directly``).
OPTIONAL: dict[str, tuple[str, ...]] = {"conflicts.csv": ("against",)}
ROLES_IN_CONFLICT = ("principal", "belligerent", "backer")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of time from start to end (None: still going), both inclusive."""

    start: date
    end: date | None

    def active(self, when: int | date) -> bool:
        """Whether the period covers the day, or any day of the year."""
        if isinstance(when, date):
            return self.start <= when and (self.end is None or self.end >= when)
        return self.start.year <= when and (self.end is None or self.end.year >= when)

    def overlaps(self, other: Period) -> bool:
        """Whether two periods share a day."""
        end_a = self.end or date.max
        end_b = other.end or date.max
        return self.start <= end_b and other.start <= end_a

    def label(self) -> str:
        """The period as 'YYYY-' or 'YYYY-YYYY'."""
        return f"{self.start.year}-{'' if self.end is None else self.end.year}"


@dataclass(frozen=True, slots=True)
class Membership:
    """A state's place in an alliance: the lead (guarantor) or a member."""

    alliance: str
    member: str
    role: str  # lead or member
    guarantee: bool  # whether the lead is bound to defend the members
    period: Period
    note: str
    where: str


@dataclass(frozen=True, slots=True)
class Pair:
    """A dated relation between two actors: a partnership or a rivalry."""

    a: str
    b: str
    name: str
    period: Period
    note: str
    where: str


@dataclass(frozen=True, slots=True)
class ConflictParty:
    """An actor on one side of an armed conflict."""

    conflict: str
    actor: str
    side: str
    role: str  # principal, belligerent or backer
    period: Period
    note: str
    where: str
    against: tuple[str, ...] = ()  # parties of the other side it fights directly, beyond the default


def fight_directly(a: ConflictParty, b: ConflictParty) -> bool:
    """Whether two parties on opposite sides of a conflict fight each other, not only the same war.

    Principals fight the other side's principals; a belligerent fights the other side's
    principals unless its ``against`` names whom it fights instead; either party's
    ``against`` can name a further opponent. A backer fights no one. In a civil war with
    many parties (Syria) this keeps Turkey and Russia on opposite sides without being at war.
    """
    if a.side == b.side or "backer" in (a.role, b.role):
        return False
    if b.actor in a.against or a.actor in b.against:
        return True
    return (
        (a.role == "principal" or not a.against)
        and (b.role == "principal" or not b.against)
        and ("principal" in (a.role, b.role))
    )


@dataclass(frozen=True, slots=True)
class Hostility:
    """Why two actors count as opposed at a time: a rivalry or opposite sides of a conflict."""

    kind: str  # "conflict" or "rivalry"
    name: str  # the conflict's name, or "rivalry"
    roles: tuple[str, str] = ("", "")  # for conflicts: the two actors' roles
    direct: bool = False  # for conflicts: whether the two fight each other (see fight_directly)


@dataclass(slots=True)
class Relations:
    """Every dated relation, with the questions the analysis asks of them."""

    memberships: list[Membership] = field(default_factory=list)
    partnerships: list[Pair] = field(default_factory=list)
    rivalries: list[Pair] = field(default_factory=list)
    conflicts: list[ConflictParty] = field(default_factory=list)

    def guarantors_of(self, state: str, year: int | date) -> dict[str, str]:
        """Guarantor -> alliance, for the alliances with a guarantee that cover the state in the year."""
        found: dict[str, str] = {}
        members = [
            m
            for m in self.memberships
            if m.member == state and m.role == "member" and m.guarantee and m.period.active(year)
        ]
        for member in members:
            for lead in self.memberships:
                if (
                    lead.alliance == member.alliance
                    and lead.role == "lead"
                    and lead.member != state
                    and lead.period.active(year)
                ):
                    found.setdefault(lead.member, member.alliance)
        return found

    def allies_of(self, guarantor: str, year: int | date) -> dict[str, str]:
        """Member -> alliance, for every state the guarantor is bound to defend in the year."""
        found: dict[str, str] = {}
        alliances = {
            m.alliance
            for m in self.memberships
            if m.member == guarantor and m.role == "lead" and m.guarantee and m.period.active(year)
        }
        for m in self.memberships:
            if (
                m.alliance in alliances
                and m.role == "member"
                and m.member != guarantor
                and m.period.active(year)
            ):
                found.setdefault(m.member, m.alliance)
        return found

    def partners_of(self, state: str, year: int | date) -> dict[str, str]:
        """Partner -> name of the partnership, active in the year."""
        found: dict[str, str] = {}
        for p in self.partnerships:
            if p.period.active(year) and state in (p.a, p.b):
                found.setdefault(p.b if p.a == state else p.a, p.name)
        return found

    def hostilities(self, actor: str, year: int | date) -> dict[str, list[Hostility]]:
        """Opponent -> how the actor is opposed to it at the time (rivalries and conflicts)."""
        found: dict[str, list[Hostility]] = {}
        for r in self.rivalries:
            if r.period.active(year) and actor in (r.a, r.b):
                found.setdefault(r.b if r.a == actor else r.a, []).append(Hostility("rivalry", "rivalry"))
        mine = [p for p in self.conflicts if p.actor == actor and p.period.active(year)]
        for own in mine:
            for other in self.conflicts:
                if (
                    other.conflict == own.conflict
                    and other.side != own.side
                    and other.actor != actor
                    and other.period.active(year)
                ):
                    found.setdefault(other.actor, []).append(
                        Hostility(
                            "conflict", own.conflict, (own.role, other.role), fight_directly(own, other)
                        )
                    )
        return found

    def side_in(self, actor: str, conflict: str, year: int | date) -> str | None:
        """The side the actor is on in the conflict at the time, or None when it is no party then."""
        for p in self.conflicts:
            if p.actor == actor and p.conflict == conflict and p.period.active(year):
                return p.side
        return None

    def rivals_of(self, actor: str, year: int | date) -> dict[str, list[Hostility]]:
        """The actor's adversaries at the time: its rivals and the parties it fights in a war.

        A war opponent counts only when the two fight each other (``fight_directly``): not
        when the actor only backs a side, nor when both merely stand on opposite sides.
        """
        return {
            other: kept
            for other, hs in self.hostilities(actor, year).items()
            if (kept := [h for h in hs if h.kind == "rivalry" or h.direct])
        }


def parse_date(text: str, where: str, column: str, end: bool = False) -> date:
    """An ISO date, year-month or year; a bare year or month means its first (or last) day."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise InputError(f"{where}: {column} must be a date (YYYY, YYYY-MM or YYYY-MM-DD), got {text!r}")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        if day is None:
            if not end:
                return date(year, int(month), 1)
            following = date(year + (int(month) == 12), int(month) % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, int(month), int(day))
    except ValueError:
        raise InputError(f"{where}: {column} is not a real date: {text!r}") from None


def _period(row: dict[str, str]) -> Period:
    where = row["_where"]
    if not row["start"]:
        raise InputError(f"{where}: start is empty; expected a date or a year")
    start = parse_date(row["start"], where, "start")
    end = parse_date(row["end"], where, "end", end=True) if row["end"] else None
    if end is not None and end < start:
        raise InputError(f"{where}: the period runs backwards (start {row['start']}, end {row['end']})")
    return Period(start, end)


def _read(name: str, extra_dir: Path | None) -> list[dict[str, str]]:
    """Rows of a shipped relation file plus the analyst's file of the same name, if any."""
    paths = [RELATIONS_DIR / name]
    if extra_dir is not None:
        paths.append(extra_dir / "relations" / name)
    return read_table(paths, FILES[name])


def _check_code(code: str, known: frozenset[str], where: str, column: str) -> str:
    if code not in known:
        raise InputError(
            f"{where}: {column} {code!r} is not a known state (ISO3 in states.csv) "
            f"or non-state actor (NSA: code in nonstate.csv)"
        )
    return code


def _check_overlaps(items: Iterable[tuple[tuple[str, ...], Period, str]], what: str) -> None:
    """Duplicate or overlapping periods for the same key are errors naming both rows."""
    seen: dict[tuple[str, ...], list[tuple[Period, str]]] = {}
    for key, period, where in items:
        for other, other_where in seen.get(key, []):
            if other == period:
                raise InputError(f"{where}: duplicate of {other_where} ({what} {' / '.join(key)})")
            if other.overlaps(period):
                raise InputError(
                    f"{where}: period {period.label()} overlaps {other_where} "
                    f"({what} {' / '.join(key)}, {other.label()})"
                )
        seen.setdefault(key, []).append((period, where))


def known_codes(kb: Knowledge) -> frozenset[str]:
    """Every code a relation may name: ISO3 state codes and NSA: codes."""
    return frozenset(kb.states) | frozenset(
        e.value for e in kb.exact.values() if e.kind == "state" and e.form == "nonstate"
    )


def _shipped(where: str) -> bool:
    return where.startswith(str(RELATIONS_DIR))


def _blame(first: str, second: str) -> tuple[str, str]:
    """Which of two clashing rows to name first: the analyst's row when only one is theirs."""
    if _shipped(second) and not _shipped(first):
        return first, second
    return second, first


def _check_leads(memberships: list[Membership]) -> None:
    """One lead per alliance, named at the row that adds a second one; a lead's guarantee is its members'."""
    leads: dict[str, Membership] = {}
    for m in memberships:
        if m.role != "lead":
            continue
        first = leads.setdefault(m.alliance, m)
        if first.member != m.member:
            already = next(
                (
                    x
                    for x in memberships
                    if x.alliance == m.alliance and x.member == m.member and x.role == "member"
                ),
                None,
            )
            also = f"; {m.member} is a member of it at {already.where}" if already else ""
            raise InputError(
                f"{m.where}: alliance {m.alliance!r} already has a lead, {first.member} ({first.where}); "
                f"an alliance has exactly one lead, its guarantor{also}"
            )
    for m in memberships:
        lead = leads.get(m.alliance)
        if lead is None:
            raise InputError(
                f"{m.where}: alliance {m.alliance!r} has no 'lead' row; add one row with role 'lead' "
                f"for its guarantor"
            )
        if m.guarantee != lead.guarantee:
            raise InputError(
                f"{m.where}: guarantee {'yes' if m.guarantee else 'no'} differs from the alliance's lead row "
                f"({lead.where}: {'yes' if lead.guarantee else 'no'}); a guarantee binds the whole alliance"
            )


def _check_member_periods(memberships: list[Membership]) -> None:
    """A member's period lies inside its alliance's lead's: nobody is covered before the alliance exists."""
    for m in memberships:
        if m.role != "member":
            continue
        leads = [x for x in memberships if x.alliance == m.alliance and x.role == "lead"]
        start = min(x.period.start for x in leads)
        end = (
            None if any(x.period.end is None for x in leads) else max(x.period.end or date.min for x in leads)
        )
        if m.period.start < start:
            raise InputError(
                f"{m.where}: {m.member}'s membership starts {m.period.start.isoformat()}, before the alliance's "
                f"lead {leads[0].member} ({leads[0].where}) from {start.isoformat()}"
            )
        if end is not None and (m.period.end is None or m.period.end > end):
            raise InputError(
                f"{m.where}: {m.member}'s membership runs past the end of the alliance's lead "
                f"{leads[0].member} ({leads[0].where}, until {end.isoformat()})"
            )


def _check_mutual_guarantees(memberships: list[Membership]) -> None:
    """Two states may not guarantee each other at the same time.

    The analysis asks who carries the risk of a deal its ally made; an alliance records its
    guarantor as the lead, so a mutual pact is one alliance led by its stronger party (NATO
    is led by the United States), not two alliances pointing at each other.
    """
    edges: list[tuple[str, str, Period, str]] = []  # guarantor, guaranteed, when, member row
    for m in memberships:
        if m.role != "member" or not m.guarantee:
            continue
        for lead in memberships:
            if lead.alliance == m.alliance and lead.role == "lead" and lead.period.overlaps(m.period):
                edges.append((lead.member, m.member, m.period, m.where))
    for i, (g, s, period, where) in enumerate(edges):
        for g2, s2, period2, where2 in edges[i + 1 :]:
            if (g2, s2) == (s, g) and period.overlaps(period2):
                named, other = _blame(where, where2)
                guarantor, guaranteed = (g, s) if named == where else (g2, s2)
                raise InputError(
                    f"{named}: {guarantor} would guarantee {guaranteed}, which guarantees {guarantor} already "
                    f"({other}); two states may not guarantee each other: write a mutual pact as one alliance "
                    f"whose lead is the guarantor"
                )


def _check_partners_not_rivals(rel: Relations) -> None:
    for p in rel.partnerships:
        for r in rel.rivalries:
            if {p.a, p.b} == {r.a, r.b} and p.period.overlaps(r.period):
                named, other = _blame(p.where, r.where)
                raise InputError(
                    f"{named}: {p.a} and {p.b} would be partners ({p.where}, {p.period.label()}) and rivals "
                    f"({r.where}, {r.period.label()}) over the same years; end one before the other starts "
                    f"(see {other})"
                )


def _against(row: dict[str, str], known: frozenset[str], where: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in row.get("against", "").split("|") if c.strip())
    for code in codes:
        _check_code(code, known, where, "against")
    if codes and row["role"] == "backer":
        raise InputError(
            f"{where}: a backer fights no one; make it a belligerent to list whom it fights (against)"
        )
    return codes


def _check_against(parties: list[ConflictParty]) -> None:
    """Every code in `against` is a party of the same conflict on the other side."""
    for c in parties:
        for code in c.against:
            other = [p for p in parties if p.conflict == c.conflict and p.actor == code]
            if not other:
                raise InputError(f"{c.where}: against {code!r} is not a party to {c.conflict!r}")
            if other[0].side == c.side:
                raise InputError(f"{c.where}: against {code!r} is on the same side of {c.conflict!r}")


def load_relations(kb: Knowledge | None = None, extra_dir: str | Path | None = None) -> Relations:
    """Read and check every relation file; errors name the file and row."""
    kb = kb or default_knowledge()
    if extra_dir is None and os.environ.get("ARMSLEDGER_KNOWLEDGE"):
        extra_dir = os.environ["ARMSLEDGER_KNOWLEDGE"]
    extra = Path(extra_dir) if extra_dir else None
    known = known_codes(kb)
    rel = Relations()
    for row in _read("alliances.csv", extra):
        where = row["_where"]
        if not row["alliance"]:
            raise InputError(f"{where}: alliance is empty")
        if row["role"] not in ("lead", "member"):
            raise InputError(f"{where}: role must be 'lead' or 'member', got {row['role']!r}")
        if row["guarantee"].lower() not in ("yes", "no"):
            raise InputError(f"{where}: guarantee must be 'yes' or 'no', got {row['guarantee']!r}")
        rel.memberships.append(
            Membership(
                row["alliance"],
                _check_code(row["member"], known, where, "member"),
                row["role"],
                row["guarantee"].lower() == "yes",
                _period(row),
                row["source_note"],
                where,
            )
        )
    # The lead check comes first: a second lead that is already a member is a lead problem.
    _check_leads(rel.memberships)
    _check_overlaps((((m.alliance, m.member), m.period, m.where) for m in rel.memberships), "alliance member")
    _check_member_periods(rel.memberships)
    _check_mutual_guarantees(rel.memberships)
    for name, target in (("partnerships.csv", rel.partnerships), ("rivalries.csv", rel.rivalries)):
        for row in _read(name, extra):
            where = row["_where"]
            a = _check_code(row["a"], known, where, "a")
            b = _check_code(row["b"], known, where, "b")
            if a == b:
                raise InputError(f"{where}: a and b are the same actor ({a})")
            target.append(Pair(a, b, row.get("name") or "rivalry", _period(row), row["source_note"], where))
        _check_overlaps(((tuple(sorted((p.a, p.b))), p.period, p.where) for p in target), "pair")
    _check_partners_not_rivals(rel)
    for row in _read("conflicts.csv", extra):
        where = row["_where"]
        if not row["conflict"]:
            raise InputError(f"{where}: conflict is empty")
        if row["side"] not in ("A", "B"):
            raise InputError(f"{where}: side must be 'A' or 'B', got {row['side']!r}")
        if row["role"] not in ROLES_IN_CONFLICT:
            raise InputError(
                f"{where}: role must be one of {', '.join(ROLES_IN_CONFLICT)}, got {row['role']!r}"
            )
        rel.conflicts.append(
            ConflictParty(
                row["conflict"],
                _check_code(row["actor"], known, where, "actor"),
                row["side"],
                row["role"],
                _period(row),
                row["source_note"],
                where,
                _against(row, known, where),
            )
        )
    _check_overlaps((((c.conflict, c.actor), c.period, c.where) for c in rel.conflicts), "conflict party")
    sides: dict[tuple[str, str], str] = {}
    for c in rel.conflicts:
        side = sides.setdefault((c.conflict, c.actor), c.side)
        if side != c.side:
            raise InputError(f"{c.where}: {c.actor} is on both sides of {c.conflict!r}")
    _check_against(rel.conflicts)
    return rel


@lru_cache(maxsize=4)
def _cached(extra_dir: str | None) -> Relations:
    return load_relations(default_knowledge(), extra_dir)


def default_relations() -> Relations:
    """The shipped relations plus the analyst's extra files, loaded once per process."""
    return _cached(os.environ.get("ARMSLEDGER_KNOWLEDGE") or None)
