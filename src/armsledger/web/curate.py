"""Curation from the browser or the API: one request becomes one analyst's edit, checked and stored.

Every action carries what the editor saw, and is recorded only if the register still shows it,
in the same write transaction as the edit, so two editors never silently overwrite each other:

- a correction carries the field's value as read (``expected``);
- accept, reject, merge and split carry the target's ``version``: for a row, a fingerprint of
  the row as shown (every field, its claims, rejected or accepted) and of the latest edit about
  it; for a claim, the id of the latest edit of that claim ("0" for none). Any change since (another editor's decision, a
  correction, a build that touched the row) makes the version stale, and the answer is a 409
  that says what changed.

The ledger's rules stay the ledger's (``curation.parse_value``, ``new_edit``, ``apply_edits``);
this module turns form or JSON values into their arguments, checks what the editor saw, and
stores the edit as ``store.ledger.record_edit`` does, reading only the rows the edit can touch.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from armsledger.curation import ACTIONS, UNSET, ConflictError, Curated, Edit, new_edit, parse_value, split_key
from armsledger.errors import InputError
from armsledger.reconcile import Row
from armsledger.store import Store
from armsledger.store.queries import load_edits
from armsledger.store.schema import EditRow
from armsledger.web.inputs import MAX_KEY, MAX_REASON, check_json, check_text
from armsledger.web.neighbourhood import around, check_target, store_outcomes

# The version of a claim no edit has touched yet.
NO_EDIT = "0"
# Most claims one split may move.
MAX_SPLIT = 1000


def as_text(value: Any) -> str:
    """A field value as an analyst types it: 'none' for nothing, years joined by ';'."""
    if value is None:
        return "none"
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "none"
    return str(value)


@dataclass(slots=True)
class Curation:
    """What an editor asked for: an action on a row or claim, with a reason and what they saw."""

    action: str
    target: str
    why: str
    field: str | None = None
    value: Any = None  # the new value: text from a form, any JSON value from the API
    expected: Any = UNSET  # correct: the value the editor saw; UNSET when not given
    other: str | None = None  # merge: the row merged in
    claims: list[str] = dataclasses.field(default_factory=list)  # split: the claims that leave the row
    version: str | None = None  # accept, reject, merge, split: the target's version as read


def target_kind(target: str) -> str:
    """'row' for a row key (it has a '/'), else 'claim'."""
    return "row" if "/" in target else "claim"


def row_version(row: Row, rejected: bool, accepted: bool, latest_edit: str) -> str:
    """A fingerprint of a row as an editor sees it, and of the latest edit about it.

    Any change to a field, its claims or its standing changes it, and so does every edit recorded
    about the row, even one that leaves it as it was (a second accept): a decision made from an
    older view is then refused rather than recorded beside the newer one.
    """
    payload = json.dumps([row.to_json(), rejected, accepted, latest_edit], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def rows_concerned(edit: Edit, row_of_claim: Mapping[str, str]) -> list[str]:
    """The rows an edit is about: its target (a claim's row), the row merged in, the row a split makes."""
    if edit.target_kind == "claim":
        row = row_of_claim.get(edit.target)
        return [row] if row else []
    keys = [edit.target]
    if edit.action == "merge":
        keys.append(str(edit.new_value))
    elif edit.action == "split" and isinstance(edit.new_value, list):
        keys.append(split_key(edit.target, edit.new_value))
    return keys


def latest_edits(edits: Iterable[Edit], row_of_claim: Mapping[str, str]) -> dict[str, Edit]:
    """The latest edit about each row (edits in the order they were made)."""
    latest: dict[str, Edit] = {}
    for edit in edits:
        for key in rows_concerned(edit, row_of_claim):
            latest[key] = edit
    return latest


def concerns(edit: Edit, row_key: str, claims: Collection[str]) -> bool:
    """Whether an edit is about a row: the row itself, one of its claims, a merge into it or the split that made it."""
    return (
        edit.target == row_key
        or edit.target in claims
        or (edit.action == "merge" and edit.new_value == row_key)
        or (edit.action == "split" and row_key.startswith(edit.target + "/split-"))
    )


def _row_of_claim(curated: Curated) -> dict[str, str]:
    return {c: r.key for r in (*curated.rows, *curated.rejected) for c in r.claims}


def target_version(curated: Curated, edits: Sequence[Edit], target: str) -> str:
    """The version of a row or claim now (see the module's docstring); InputError when there is no such row.

    ``curated`` may be the whole register or only the rows around the target (``neighbourhood``):
    the answer is the same, and the snapshot's (``Snapshot.version``) too.
    """
    if target_kind(target) == "claim":
        mine = [e.uid for e in edits if e.target == target]
        return mine[-1] if mine else NO_EDIT
    row = curated.row(target)
    if row is None:
        raise InputError(f"no register row {target!r}")
    rejected = any(r.key == target for r in curated.rejected)
    latest = latest_edits(edits, _row_of_claim(curated)).get(target)
    return row_version(row, rejected, target in curated.accepted, latest.uid if latest else NO_EDIT)


def _latest_about(edits: Sequence[Edit], target: str, curated: Curated) -> Edit | None:
    if target_kind(target) == "claim":
        mine = [e for e in edits if e.target == target]
        return mine[-1] if mine else None
    return latest_edits(edits, _row_of_claim(curated)).get(target)


def _what(edit: Edit) -> str:
    done = {"accept": "accepted", "reject": "rejected", "merge": "merged", "split": "split"}
    if edit.action == "correct":
        change = f"set {edit.field} to {_show(edit.new_value)}"
    elif edit.action == "merge":
        change = f"merged {edit.new_value} into {edit.target}"
    else:
        change = f"{done.get(edit.action, edit.action)} {edit.target}"
    when = edit.at[:16].replace("T", " ")
    return f"{edit.who} {change} at {when} UTC" + (f", saying \u201c{edit.why}\u201d" if edit.why else "")


def stale_message(target: str, latest: Edit | None) -> str:
    """What an editor whose view of a target is out of date is told (the same words for pages and scripts)."""
    cause = _what(latest) if latest else "new documents changed its claims"
    return f"{target} changed since you read it: {cause}. Nothing was recorded; look at it again and decide again."


def _check_length(value: str, name: str, limit: int) -> str:
    return check_text(value, name, limit).strip()


def _claims(values: Iterable[str]) -> list[str]:
    found = sorted({c.strip() for v in values for c in str(v).split(",") if c.strip()})
    if len(found) > MAX_SPLIT:
        raise InputError(f"claims: {len(found)} given; a split moves at most {MAX_SPLIT}")
    for key in found:
        check_text(key, "claims", MAX_KEY)
    return found


def to_edit(request: Curation, who: str) -> tuple[Edit, Any]:
    """The edit and the expected old value, checked for sense; InputError names what is wrong."""
    action = _check_length(request.action, "action", MAX_KEY)
    target = _check_length(request.target, "target", MAX_KEY)
    if action not in ACTIONS:
        raise InputError(f"action {action!r}: expected one of {', '.join(ACTIONS)}")
    if not target:
        raise InputError("target: a row key or claim key is required")
    why = check_text(request.why, "why").strip()
    if not why:
        raise InputError("why: give a reason for the edit; it is kept with it")
    if len(why) > MAX_REASON:
        raise InputError(f"why: the reason is {len(why):,} characters; keep it to {MAX_REASON:,}")
    if request.version is not None:
        check_text(request.version, "version", MAX_KEY)
    kind = target_kind(target)
    expected: Any = UNSET
    if action == "correct":
        if kind != "row":
            raise InputError(
                f"{target}: only a row's fields can be corrected; claims are accepted or rejected"
            )
        name = _check_length(request.field or "", "field", MAX_KEY)
        value = parse_value(name, check_text(as_text(check_json(request.value, "value")), "value", MAX_KEY))
        if request.expected is UNSET:
            raise InputError(
                f"expected: a correction carries the value of {name} you saw (the row's current value), "
                "so that nobody's change is silently replaced"
            )
        expected = parse_value(
            name, check_text(as_text(check_json(request.expected, "expected")), "expected")
        )
        edit = new_edit(kind, target, action, who, why, field=name, new_value=value)
    else:
        if action == "merge":
            other = _check_length(request.other or "", "other", MAX_KEY)
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


def _check_value(curated: Curated, edits: Sequence[Edit], edit: Edit, expected: Any) -> Any:
    """The field's value now; ConflictError when it is not what the editor saw, InputError for a no-op."""
    row = curated.row(edit.target)
    assert row is not None and edit.field is not None  # the target was checked first
    current = getattr(row, edit.field)
    if current != expected:
        changed = [e for e in edits if e.target == edit.target and e.field == edit.field]
        who = f": {_what(changed[-1])}" if changed else ""
        raise ConflictError(
            f"{edit.target}: {edit.field} is now {_show(current)}, not {_show(expected)} as you saw{who}. "
            "Nothing was recorded; look at the row again and correct it from its value now."
        )
    if edit.new_value == current:
        raise InputError(
            f"{edit.target}: {edit.field} is already {_show(current)}; a correction must change it"
        )
    return current


def curate(store: Store, request: Curation, who: str) -> Edit:
    """Record the edit; InputError for bad values, ConflictError when the editor's view is out of date."""
    edit, expected = to_edit(request, who)
    targets = [edit.target, *([str(edit.new_value)] if edit.action == "merge" else [])]
    # One write transaction: the checks see the register as the edit will land on it. Only the rows
    # linked to the target are read (``neighbourhood``), so the write lock is held for milliseconds.
    with store.writing() as session:
        edits = load_edits(session)
        part = around(session, edits, targets)
        check_target(session, part.curated, edit)
        version = (request.version or "").strip()
        if not version and edit.action != "correct":
            raise InputError(
                f"version: {edit.action} carries the version of {edit.target} you saw (`version` in the "
                "row's or claim's JSON; the page's forms send it for you)"
            )
        if version and target_version(part.curated, edits, edit.target) != version:
            raise ConflictError(stale_message(edit.target, _latest_about(edits, edit.target, part.curated)))
        if edit.action == "correct":
            edit.old_value = _check_value(part.curated, edits, edit, expected)
        session.add(EditRow(**edit.to_json()))
        session.flush()
        after = [*edits, edit]
        store_outcomes(session, around(session, after, targets), after)
    return edit
