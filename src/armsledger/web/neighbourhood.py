"""The register around one target, read inside a write transaction: the rows an edit can touch, curated.

Recording an edit must check it against the register as it stands, in the transaction that stores
it. Reading and curating the whole register for that (``queries.curated_register``) takes many
seconds on a large store and holds the write lock all the while, so every other editor queues
behind it. An edit only ever concerns the rows linked to its target by merges and splits; this
module reads those machine rows and their claims, applies every edit to them, and gets the same
rows, versions and edit outcomes the whole register would give for them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from armsledger.curation import Curated, Edit, apply_edits, needed_rows, split_key
from armsledger.errors import InputError
from armsledger.reconcile import Row
from armsledger.store.queries import chunks, claims_by_key, claims_of_rows, row_from_table
from armsledger.store.schema import ClaimRow, EditRow, TransferClaim, TransferRow


@dataclass(slots=True)
class Neighbourhood:
    """Rows linked to a target, with every edit applied to them."""

    keys: set[str]  # row keys: machine rows and the rows splits make of them
    rows: list[Row]  # the machine rows among them
    curated: Curated

    def concerns(self, edit: Edit) -> bool:
        """Whether the edit's outcome is decided inside the neighbourhood."""
        if edit.target_kind == "row":
            return edit.target in self.keys
        return any(edit.target in r.claims for r in self.rows)


def linked(edits: Sequence[Edit], keys: Iterable[str]) -> set[str]:
    """The row keys joined to these by merges and splits, at any remove."""
    found = set(keys)
    links = []
    for e in edits:
        if e.target_kind == "row" and e.action == "merge":
            links.append({e.target, str(e.new_value)})
        elif e.target_kind == "row" and e.action == "split" and isinstance(e.new_value, list):
            links.append({e.target, split_key(e.target, e.new_value)})
    grew = True
    while grew:
        grew = False
        for pair in links:
            if pair & found and not pair <= found:
                found |= pair
                grew = True
    return found


def _machine_rows(session: Session, keys: Iterable[str]) -> list[Row]:
    table = TransferRow.__table__
    rows: list[Row] = []
    for batch in chunks(sorted(set(keys))):
        rows.extend(row_from_table(t) for t in session.execute(select(table).where(table.c.key.in_(batch))))
    return sorted(rows, key=lambda r: r.key)


def rows_of_claims(session: Session, claims: Iterable[str]) -> set[str]:
    """The machine rows the claims belong to."""
    found: set[str] = set()
    for batch in chunks(sorted(set(claims))):
        found.update(
            session.scalars(
                select(TransferRow.key)
                .join(TransferClaim, TransferClaim.transfer_id == TransferRow.id)
                .join(ClaimRow, ClaimRow.id == TransferClaim.claim_id)
                .where(ClaimRow.key.in_(batch))
            )
        )
    return found


def around(session: Session, edits: Sequence[Edit], targets: Iterable[str]) -> Neighbourhood:
    """The neighbourhood of some row keys and claim keys, with ``edits`` applied."""
    targets = list(targets)
    rows_named = {t for t in targets if "/" in t}
    claims_named = [t for t in targets if "/" not in t]
    # A claim's own row, and every claim an edit names in those rows, may sit in rows linked further.
    keys = linked(edits, rows_named | rows_of_claims(session, claims_named))
    rows = _machine_rows(session, keys)
    claims = claims_of_rows(session, needed_rows(rows, edits) & keys)
    return Neighbourhood(keys, rows, apply_edits(rows, edits, claims))


def check_target(session: Session, curated: Curated, edit: Edit) -> None:
    """Refuse a new edit whose target (or merged row, or split claims) does not exist now."""
    if edit.target_kind == "claim":
        if not claims_by_key(session, [edit.target]):
            raise InputError(f"no claim {edit.target!r}; a row's page lists its claims")
        return
    row = _existing(session, curated, edit.target)
    if edit.action == "merge":
        if edit.new_value == edit.target:
            raise InputError(f"cannot merge row {edit.target} with itself")
        _existing(session, curated, str(edit.new_value))
    if edit.action == "split":
        missing = sorted(set(edit.new_value) - set(row.claims))
        if missing:
            raise InputError(f"claim(s) {', '.join(missing)} are not in row {edit.target}")
        if set(edit.new_value) >= set(row.claims):
            raise InputError(f"a split must leave some claims in row {edit.target}")


def _existing(session: Session, curated: Curated, key: str) -> Row:
    row = curated.row(key)
    if row is not None:
        return row
    # Close keys among the rows between the same two parties: cheap to read, and where typos land.
    parties = key.rsplit("/", 1)[0] + "/"
    near = session.scalars(
        select(TransferRow.key).where(TransferRow.key.startswith(parties, autoescape=True))
    )
    close = difflib.get_close_matches(key, list(near), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"no register row {key!r}{hint}")


def store_outcomes(session: Session, part: Neighbourhood, edits: Sequence[Edit]) -> None:
    """Record on each edit the neighbourhood decides whether it applies now (as ``refresh_edit_status`` would)."""
    mine = {e.uid: part.curated.outcomes.get(e.uid, ("applied", "")) for e in edits if part.concerns(e)}
    for batch in chunks(sorted(mine)):
        for stored in session.scalars(select(EditRow).where(EditRow.uid.in_(batch))):
            status, note = mine[stored.uid]
            if (stored.status, stored.note) != (status, note):
                stored.status, stored.note = status, note
