"""Curation from the browser or the API: one request becomes one analyst's edit, checked and stored.

The rules are the ledger's (``curation.parse_value``, ``new_edit``, ``store.ledger.record_edit``);
this module only turns form or JSON values into their arguments. A correction carries the value
the editor saw: when someone changed it meanwhile, ``record_edit`` raises ConflictError (409).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from armsledger.curation import ACTIONS, UNSET, Edit, new_edit, parse_value
from armsledger.errors import InputError
from armsledger.store import Store
from armsledger.store.ledger import record_edit


def as_text(value: Any) -> str:
    """A field value as an analyst types it: 'none' for nothing, years joined by ';'."""
    if value is None:
        return "none"
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@dataclass(slots=True)
class Curation:
    """What an editor asked for: an action on a row or claim, with a reason."""

    action: str
    target: str
    why: str
    field: str | None = None
    value: Any = None  # the new value: text from a form, any JSON value from the API
    expected: Any = UNSET  # the value the editor saw; UNSET when not given
    other: str | None = None  # merge: the row merged in
    claims: list[str] = dataclasses.field(default_factory=list)  # split: the claims that leave the row


def target_kind(target: str) -> str:
    """'row' for a row key (it has a '/'), else 'claim'."""
    return "row" if "/" in target else "claim"


def _claims(values: Iterable[str]) -> list[str]:
    return sorted({c.strip() for v in values for c in str(v).split(",") if c.strip()})


def to_edit(request: Curation, who: str) -> tuple[Edit, Any]:
    """The edit and the expected old value, checked for sense; InputError names what is wrong."""
    action, target = request.action.strip(), request.target.strip()
    if action not in ACTIONS:
        raise InputError(f"action {action!r}: expected one of {', '.join(ACTIONS)}")
    if not target:
        raise InputError("target: a row key or claim key is required")
    why = request.why.strip()
    if not why:
        raise InputError("why: give a reason for the edit; it is kept with it")
    kind = target_kind(target)
    expected: Any = UNSET
    if action == "correct":
        if kind != "row":
            raise InputError(
                f"{target}: only a row's fields can be corrected; claims are accepted or rejected"
            )
        name = (request.field or "").strip()
        value = parse_value(name, as_text(request.value))
        if request.expected is not UNSET:
            expected = parse_value(name, as_text(request.expected))
        edit = new_edit(kind, target, action, who, why, field=name, new_value=value)
    elif action == "merge":
        other = (request.other or "").strip()
        if kind != "row" or target_kind(other) != "row":
            raise InputError("merge: give two row keys (the row kept, and the row merged into it)")
        edit = new_edit(kind, target, action, who, why, new_value=other)
    elif action == "split":
        claims = _claims(request.claims)
        if kind != "row" or not claims:
            raise InputError("split: give a row key and the claims that leave it")
        edit = new_edit(kind, target, action, who, why, new_value=claims)
    else:
        edit = new_edit(kind, target, action, who, why)
    return edit, expected


def curate(store: Store, request: Curation, who: str) -> Edit:
    """Record the edit; InputError for bad values, ConflictError when the field moved since it was read."""
    edit, expected = to_edit(request, who)
    return record_edit(store, edit, expected=expected)
