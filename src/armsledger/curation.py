"""Analysts' edits, applied on top of the machine's register rows.

An edit is a record of its own (who, when, what, why; the value it replaced and the new
one), never a change to machine output. After every reconcile the edits are applied again,
in the order they were made: first merges and splits (which rows exist), then decisions on
single claims, then decisions on rows (accept, reject, correct a field). Of the accepts and
rejects of one target only the latest counts: an earlier one is kept, noted as superseded. An
edit whose target no longer exists is *orphaned*: reported, kept, and applied again should its
target return.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from armsledger.errors import ArmsledgerError, InputError
from armsledger.model import CATEGORIES, DEALS, STATUSES
from armsledger.reconcile import LedgerClaim, Provenance, Row, summarise

ACTIONS: tuple[str, ...] = ("accept", "reject", "correct", "merge", "split")
ROW_ACTIONS = frozenset({"accept", "reject", "correct", "merge", "split"})
CLAIM_ACTIONS = frozenset({"accept", "reject"})
# Fields an analyst may correct, and what their values look like.
EDITABLE: dict[str, str] = {
    "number_ordered": "a whole number, or 'none'",
    "number_delivered": "a whole number, or 'none'",
    "year_of_order": "a year such as 2019, or 'none'",
    "years_of_delivery": "years separated by ';' such as '2019;2021', or 'none'",
    "status": "one of " + ", ".join(STATUSES),
    "deal": "one of " + ", ".join(DEALS),
    "category": "one of " + ", ".join(CATEGORIES),
    "system": "a designation, or 'none'",
    "supplier": "an ISO3 code such as TUR, or NSA:<slug>",
    "recipient": "an ISO3 code such as UKR, or NSA:<slug>",
}
_NONE = {"", "none", "null", "-"}
_PARTY = re.compile(r"[A-Z]{3}|NSA:[a-z0-9][a-z0-9-]*")
# "No expectation given" for check_expected (None is a value a field can hold).
UNSET: Any = object()


class ConflictError(ArmsledgerError):
    """Someone changed the value since the editor read it."""


@dataclass(slots=True)
class Edit:
    """One analyst decision about a row or a claim."""

    uid: str
    target_kind: str  # row or claim
    target: str  # row key or claim key
    action: str
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    who: str = ""
    at: str = ""
    why: str = ""
    status: str = "applied"
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The edit as a plain dict, for export and storage."""
        return {
            "uid": self.uid,
            "target_kind": self.target_kind,
            "target": self.target,
            "action": self.action,
            "field": self.field,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "who": self.who,
            "at": self.at,
            "why": self.why,
            "status": self.status,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str = "edit") -> Edit:
        """An edit from a plain dict; a clear error names what is missing or wrong."""
        missing = [k for k in ("uid", "target_kind", "target", "action", "who", "at") if not data.get(k)]
        if missing:
            raise InputError(f"{where}: missing {', '.join(missing)}")
        edit = cls(
            **{
                k: data.get(k)
                for k in (
                    "uid",
                    "target_kind",
                    "target",
                    "action",
                    "field",
                    "old_value",
                    "new_value",
                    "who",
                    "at",
                )
            },
            why=str(data.get("why") or ""),
            status=str(data.get("status") or "applied"),
            note=str(data.get("note") or ""),
        )
        validate(edit, where)
        return edit


def now() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_edit(
    target_kind: str,
    target: str,
    action: str,
    who: str,
    why: str = "",
    field: str | None = None,
    old_value: Any = None,
    new_value: Any = None,
) -> Edit:
    """A fresh edit with its own id and time, checked for sense."""
    edit = Edit(uuid.uuid4().hex, target_kind, target, action, field, old_value, new_value, who, now(), why)
    validate(edit, "edit")
    return edit


def validate(edit: Edit, where: str) -> None:
    """Raise InputError when an edit cannot make sense whatever the register holds."""
    if edit.target_kind not in ("row", "claim"):
        raise InputError(f"{where}: target kind {edit.target_kind!r} is not 'row' or 'claim'")
    allowed = ROW_ACTIONS if edit.target_kind == "row" else CLAIM_ACTIONS
    if edit.action not in allowed:
        raise InputError(
            f"{where}: a {edit.target_kind} edit is one of {', '.join(sorted(allowed))}, not {edit.action!r}"
        )
    if not edit.who.strip():
        raise InputError(f"{where}: who made the edit is required (--who NAME)")
    if edit.action == "correct" and edit.field not in EDITABLE:
        raise InputError(
            f"{where}: field {edit.field!r} cannot be corrected; editable: {', '.join(EDITABLE)}"
        )
    if edit.action == "merge" and not isinstance(edit.new_value, str):
        raise InputError(f"{where}: a merge names the row merged in")
    if edit.action == "split" and not (isinstance(edit.new_value, list) and edit.new_value):
        raise InputError(f"{where}: a split lists the claims that leave the row")


def parse_value(name: str, text: str) -> Any:
    """A field's new value from the command line, checked against what the field holds."""
    if name not in EDITABLE:
        raise InputError(f"field {name!r} cannot be corrected; editable: {', '.join(EDITABLE)}")
    raw = text.strip()
    expected = f"{name} must be {EDITABLE[name]}, got {text!r}"
    if raw.lower() in _NONE and name not in ("status", "deal", "category", "supplier", "recipient"):
        return [] if name == "years_of_delivery" else None
    if name in ("number_ordered", "number_delivered"):
        if not raw.isdecimal():
            raise InputError(expected)
        return int(raw)
    if name == "year_of_order":
        if not (raw.isdecimal() and 1900 <= int(raw) <= 2100):
            raise InputError(expected)
        return int(raw)
    if name == "years_of_delivery":
        parts = [p.strip() for p in re.split(r"[;,\s]+", raw) if p.strip()]
        if not all(p.isdecimal() and 1900 <= int(p) <= 2100 for p in parts):
            raise InputError(expected)
        return sorted({int(p) for p in parts})
    choices = {"status": STATUSES, "deal": DEALS, "category": CATEGORIES}.get(name)
    if choices is not None:
        if raw not in choices:
            raise InputError(expected)
        return raw
    if name in ("supplier", "recipient"):
        if not _PARTY.fullmatch(raw):
            raise InputError(expected)
        return raw
    return raw


def split_key(row: str, claims: Iterable[str]) -> str:
    """The key of the row a split makes: stable, because it comes from the row and the claims."""
    digest = hashlib.sha256("|".join(sorted(claims)).encode("utf-8")).hexdigest()[:8]
    return f"{row}/split-{digest}"


@dataclass(slots=True)
class Curated:
    """The register after edits: visible rows, rows analysts rejected, and what became of each edit."""

    rows: list[Row]
    rejected: list[Row]
    outcomes: dict[str, tuple[str, str]]  # edit uid -> (status, note)
    notes: dict[str, list[str]] = field(default_factory=dict)  # row key -> what analysts did to it
    accepted: set[str] = field(default_factory=set)

    def row(self, key: str) -> Row | None:
        """A row by key, visible or rejected."""
        for row in (*self.rows, *self.rejected):
            if row.key == key:
                return row
        return None

    @property
    def orphaned(self) -> list[str]:
        """The uids of edits whose target is gone."""
        return [uid for uid, (status, _) in self.outcomes.items() if status == "orphaned"]


def _ordered(edits: Iterable[Edit]) -> list[Edit]:
    return sorted(edits, key=lambda e: (e.at, e.uid))


def needed_rows(rows: Iterable[Row], edits: Iterable[Edit]) -> set[str]:
    """Keys of the rows whose claims must be loaded to apply these edits."""
    by_claim = {c: r.key for r in rows for c in r.claims}
    needed: set[str] = set()
    for e in edits:
        if e.target_kind == "claim" and e.target in by_claim:
            needed.add(by_claim[e.target])
        elif e.action in ("merge", "split"):
            needed.add(e.target)
            if e.action == "merge":
                needed.add(str(e.new_value))
            else:
                needed.update(by_claim[c] for c in e.new_value or [] if c in by_claim)
    return needed


def _day(edit: Edit) -> str:
    return edit.at[:10]


def apply_edits(
    rows: Iterable[Row], edits: Iterable[Edit], claims_by_row: Mapping[str, list[LedgerClaim]]
) -> Curated:
    """The register with every edit applied, in order; claims_by_row covers ``needed_rows``."""
    table: dict[str, Row] = {r.key: r for r in rows}
    members: dict[str, list[LedgerClaim]] = {k: list(v) for k, v in claims_by_row.items()}
    outcomes: dict[str, tuple[str, str]] = {}
    notes: dict[str, list[str]] = {}
    changed: set[str] = set()
    ordered = _ordered(edits)

    def orphan(edit: Edit, why: str) -> None:
        outcomes[edit.uid] = ("orphaned", why)

    def done(edit: Edit, row: str, text: str, note: str = "") -> None:
        outcomes[edit.uid] = ("applied", note)
        notes.setdefault(row, []).append(f"{text} by {edit.who} on {_day(edit)}")

    # Accept and reject contradict each other: the latest decision on a target is the one that acts.
    latest = {(e.target_kind, e.target): e for e in ordered if e.action in ("accept", "reject")}

    def superseded(edit: Edit) -> bool:
        later = latest.get((edit.target_kind, edit.target), edit)
        if later is edit:
            return False
        outcomes[edit.uid] = (
            "applied",
            f"superseded by the later {later.action} by {later.who} on {_day(later)}",
        )
        return True

    for e in ordered:
        if e.target_kind != "row" or e.action not in ("merge", "split"):
            continue
        if e.target not in table:
            orphan(e, f"row {e.target} no longer exists")
        elif e.action == "merge":
            other = str(e.new_value)
            if other not in table or other == e.target:
                orphan(e, f"row {other} no longer exists")
                continue
            members[e.target] = members.get(e.target, []) + members.pop(other, [])
            del table[other]
            changed.add(e.target)
            done(e, e.target, f"merged with {other}")
        else:
            wanted = set(e.new_value or [])
            present = {c.key for c in members.get(e.target, [])}
            missing = sorted(wanted - present)
            if missing:
                orphan(e, f"claim(s) {', '.join(missing)} no longer in row {e.target}")
                continue
            if wanted == present:
                orphan(e, f"the split would take every claim of row {e.target}")
                continue
            new_key = split_key(e.target, wanted)
            members[new_key] = [c for c in members[e.target] if c.key in wanted]
            members[e.target] = [c for c in members[e.target] if c.key not in wanted]
            # Its figures are summarised from its claims below; until then it is the parent under its own key.
            table[new_key] = replace(table[e.target], key=new_key)
            changed.update((e.target, new_key))
            done(e, e.target, f"split into {new_key}")
            notes.setdefault(new_key, []).append(f"split from {e.target} by {e.who} on {_day(e)}")

    by_claim = {c.key: key for key, cs in members.items() if key in table for c in cs}
    for e in ordered:
        if e.target_kind != "claim":
            continue
        row = by_claim.get(e.target)
        if row is None:
            orphan(e, f"claim {e.target} no longer exists")
        elif superseded(e):
            continue
        elif e.action == "accept":
            done(e, row, f"claim {e.target} accepted")
        else:
            members[row] = [c for c in members[row] if c.key != e.target]
            changed.add(row)
            done(e, row, f"claim {e.target} rejected")

    rejected: dict[str, Row] = {}
    for key in sorted(changed):
        if key not in table:
            continue
        if members.get(key):
            table[key] = summarise(key, members[key])
        else:
            # Every claim behind it was rejected: the row goes with them.
            rejected[key] = table.pop(key)

    accepted: set[str] = set()
    for e in ordered:
        if e.target_kind != "row" or e.action in ("merge", "split"):
            continue
        row = table.get(e.target) or rejected.get(e.target)
        if row is None:
            orphan(e, f"row {e.target} no longer exists")
        elif e.action in ("accept", "reject") and superseded(e):
            continue
        elif e.action == "accept":
            if row.key in rejected:
                done(e, row.key, "accepted", "every claim behind the row was rejected; it stays out")
                continue
            accepted.add(row.key)
            done(e, row.key, "accepted")
        elif e.action == "reject":
            if row.key in table:
                rejected[row.key] = table.pop(row.key)
            done(e, row.key, "rejected")
        else:
            assert e.field is not None
            # A copy, so the caller's machine rows are never changed.
            row = replace(row, provenance=dict(row.provenance))
            (table if row.key in table else rejected)[row.key] = row
            current = getattr(row, e.field)
            note = (
                ""
                if current == e.old_value
                else f"{e.field} was {_show(e.old_value)} when edited, the register now says {_show(current)}"
            )
            setattr(row, e.field, e.new_value)
            machine = row.provenance.get(e.field)
            rule = f"set to {_show(e.new_value)} by {e.who} on {_day(e)}" + (f": {e.why}" if e.why else "")
            rule += f" (was {_show(current)})"
            row.provenance[e.field] = Provenance(
                rule,
                list(machine.claims) if machine else [],
                list(machine.documents) if machine else [],
                list(machine.disagree) if machine else [],
            )
            done(e, row.key, f"{e.field} set to {_show(e.new_value)}", note)

    return Curated(
        rows=[table[k] for k in sorted(table)],
        rejected=[rejected[k] for k in sorted(rejected)],
        outcomes=outcomes,
        notes={k: notes[k] for k in sorted(notes)},
        accepted=accepted,
    )


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


def check_expected(curated: Curated, kind: str, target: str, name: str | None, expected: Any) -> Any:
    """The current value of a field, or ConflictError when it is not what the editor saw."""
    if kind != "row" or name is None:
        return None
    row = curated.row(target)
    if row is None:
        raise InputError(f"no register row {target!r}")
    current = getattr(row, name)
    if expected is not UNSET and current != expected:
        raise ConflictError(
            f"{target}: {name} is now {_show(current)}, not {_show(expected)} as expected; "
            "someone changed it since you read it. Look again (armsledger show) and retry."
        )
    return current
