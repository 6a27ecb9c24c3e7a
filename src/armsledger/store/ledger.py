"""Writing the store: documents and claims in batches, rows reconciled, edits recorded.

Each batch is one transaction. A document whose content hash is already stored is skipped,
so building the same input twice stores it once; only the rows the new claims touch are
reconciled again. Edits live in their own table and are never dropped by a rebuild.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from armsledger.curation import UNSET, Curated, Edit, check_expected
from armsledger.errors import InputError
from armsledger.model import Claim, Document
from armsledger.reconcile import Row, ledger_claim, reconcile
from armsledger.sipri import SipriRecord
from armsledger.store.engine import Store
from armsledger.store.queries import (
    chunks,
    claims_by_key,
    claims_in_groups,
    curated_register,
    gc_paused,
    refresh_edit_status,
)
from armsledger.store.schema import (
    ClaimRow,
    DocumentBand,
    DocumentRow,
    EditRow,
    SipriRow,
    TransferClaim,
    TransferRow,
)
from armsledger.store.sources import (
    Fresh,
    check_signature_function,
    group_new,
    record_signatures,
    signed_text,
    unsigned_documents,
)

# Documents of an older store signed per step when a build first meets them.
BACKFILL_LIMIT = 1000


@dataclass(slots=True)
class BatchResult:
    """What one batch changed."""

    documents: int = 0
    new_documents: int = 0
    new_claims: int = 0
    touched: set[str] = field(default_factory=set)
    new_ids: list[str] = field(default_factory=list)
    near_copies: int = 0  # new documents that repeat a story already read (exactly or nearly)
    backfilled: int = 0  # documents of an older store given source keys in this batch
    orphaned: list[str] = field(default_factory=list)  # edits this batch left without a target, described


def stored_hashes(store: Store, hashes: Iterable[str]) -> set[str]:
    """Which of these content hashes the store already holds."""
    found: set[str] = set()
    with store.reading() as session:
        for batch in chunks(sorted(set(hashes))):
            found.update(
                session.scalars(select(DocumentRow.content_hash).where(DocumentRow.content_hash.in_(batch)))
            )
    return found


def clear_machine(session: Session) -> None:
    """Drop documents, claims and rows (machine output); edits and SIPRI rows stay."""
    session.execute(delete(TransferClaim))
    session.execute(delete(TransferRow))
    session.execute(delete(ClaimRow))
    session.execute(delete(DocumentBand))
    session.execute(delete(DocumentRow))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM search_index"))


def _index(session: Session, rows: list[dict[str, str]]) -> None:
    if rows and session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO search_index (kind, ref, body) VALUES (:kind, :ref, :body)"), rows)


def store_batch(
    store: Store, items: Sequence[tuple[Document, list[Claim]]], clear_first: bool = False
) -> BatchResult:
    """Store documents with their claims and reconcile the rows they touch, in one transaction."""
    result = BatchResult(documents=len(items))
    with store.writing() as session:
        if clear_first:
            clear_machine(session)
        hashes = {doc.content_hash for doc, _ in items}
        present: set[str] = set()
        for batch in chunks(sorted(hashes)):
            present.update(
                session.scalars(select(DocumentRow.content_hash).where(DocumentRow.content_hash.in_(batch)))
            )
        new = [(doc, claims) for doc, claims in _first_of_each_text(items) if doc.content_hash not in present]
        signed = [signed_text(doc) for doc, _ in new]
        ids = _insert_documents(session, new, signed)
        fresh = [
            Fresh(ids[doc.content_hash], doc, blob, bands)
            for (doc, _), (blob, bands) in zip(new, signed, strict=True)
        ]
        groups: set[str] = set()
        search_rows: list[dict[str, str]] = []
        claim_rows: list[dict[str, Any]] = []
        for doc, claims in new:
            document_id = ids[doc.content_hash]
            result.new_documents += 1
            result.new_ids.append(doc.id)
            search_rows.append({"kind": "document", "ref": doc.id, "body": f"{doc.title or ''}\n{doc.text}"})
            seen: set[str] = set()
            for claim in claims:
                lc = ledger_claim(claim, doc, document_id)
                if lc.key in seen:
                    continue
                seen.add(lc.key)
                claim_rows.append(
                    {
                        "key": lc.key,
                        "document_id": document_id,
                        "group_key": lc.group,
                        "supplier": lc.supplier,
                        "recipient": lc.recipient,
                        "system": lc.system,
                        "category": lc.category,
                        "quantity": lc.quantity,
                        "deal": lc.deal,
                        "status": lc.status,
                        "year": lc.year,
                        "evidence": lc.evidence,
                        "start_offset": lc.start,
                        "end_offset": lc.end,
                        "incremental": lc.incremental,
                        "vague_quantity": lc.vague_quantity,
                    }
                )
                search_rows.append({"kind": "claim", "ref": lc.key, "body": lc.evidence})
                groups.add(lc.group)
        if claim_rows:
            session.execute(insert(ClaimRow), claim_rows)
        result.new_claims = len(claim_rows)
        _index(session, search_rows)
        groups |= _group_sources(session, fresh, result)
        result.touched = reconcile_groups(session, groups)
        if result.touched or clear_first:
            result.orphaned = refresh_edit_status(session)
    return result


def _insert_documents(
    session: Session, new: Sequence[tuple[Document, list[Claim]]], signed: Sequence[tuple[bytes | None, Any]]
) -> dict[str, int]:
    """Insert new documents in one statement; their ids by content hash."""
    if not new:
        return {}
    rows = [
        {
            "doc_id": doc.id,
            "content_hash": doc.content_hash,
            "url": doc.url,
            "published": doc.published,
            "title": doc.title,
            "source": doc.source,
            "text": doc.text,
            "skipped": [[s.start, s.end] for s in doc.skipped],
            "site": doc.site,
            "author": doc.author,
            # Its own story until grouping says otherwise (NULL marks documents of an older store).
            "source_key": doc.content_hash,
            "minhash": blob,
        }
        for (doc, _), (blob, _) in zip(new, signed, strict=True)
    ]
    # Plain executemany, then the ids by content hash: faster than RETURNING for thousands of rows.
    session.execute(insert(DocumentRow), rows)
    ids: dict[str, int] = {}
    for batch in chunks(sorted(row["content_hash"] for row in rows)):
        ids.update(
            (content_hash, document_id)
            for content_hash, document_id in session.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(DocumentRow.content_hash.in_(batch))
            )
        )
    return ids


def _first_of_each_text(
    items: Sequence[tuple[Document, list[Claim]]],
) -> list[tuple[Document, list[Claim]]]:
    """The items in order, keeping for each text the copy that sorts first by content (date, then id).

    Which id and date a text is stored under must not depend on the order of the input.
    """
    best: dict[str, int] = {}
    for index, (doc, _) in enumerate(items):
        other = best.get(doc.content_hash)
        if other is None or _precedence(doc) < _precedence(items[other][0]):
            best[doc.content_hash] = index
    keep = set(best.values())
    return [item for index, item in enumerate(items) if index in keep]


def _precedence(doc: Document) -> tuple[str, str, str]:
    return (doc.published or "9999-99-99", doc.id, doc.url or "")


def _group_sources(session: Session, fresh: list[Fresh], result: BatchResult) -> set[str]:
    """Record the new documents' band keys and group them into stories; the claim groups to reconcile.

    Documents stored before source keys existed, or signed by another MinHash function, are signed first.
    """
    touched: set[str] = set()
    reset = check_signature_function(session)
    if reset:
        # Every document was unsigned; the new ones were signed by the current function: keep that.
        record_signatures(session, fresh, update_documents=True)
    legacy = unsigned_documents(session, limit=BACKFILL_LIMIT)
    while legacy:
        # Documents of a store from schema 0002 (or signed by another function) are signed and grouped first.
        record_signatures(session, legacy, update_documents=True)
        touched |= group_new(session, legacy)
        for batch in chunks(sorted(f.id for f in legacy)):
            touched.update(session.scalars(select(ClaimRow.group_key).where(ClaimRow.document_id.in_(batch))))
        result.backfilled += len(legacy)
        legacy = unsigned_documents(session, limit=BACKFILL_LIMIT)
    if not reset:
        record_signatures(session, fresh)
    touched |= group_new(session, fresh)
    result.near_copies += sum(1 for f in fresh if f.repeats)
    return touched


def reconcile_groups(session: Session, groups: Iterable[str]) -> set[str]:
    """Reconcile again the rows of these supplier/recipient/system groups; their row keys."""
    groups = sorted(set(groups))
    if not groups:
        return set()
    with gc_paused():
        rows = reconcile(claims_in_groups(session, groups))
    for batch in chunks(groups):
        session.execute(delete(TransferRow).where(TransferRow.group_key.in_(batch)))
    ids: dict[str, int] = {}
    for batch in chunks(sorted({k for r in rows for k in r.claims})):
        ids.update(
            (k, i)
            for k, i in session.execute(select(ClaimRow.key, ClaimRow.id).where(ClaimRow.key.in_(batch)))
        )
    if rows:
        session.execute(insert(TransferRow), [_transfer(row) for row in rows])
        row_ids: dict[str, int] = {}
        for batch in chunks(sorted(r.key for r in rows)):
            row_ids.update(
                (key, transfer_id)
                for key, transfer_id in session.execute(
                    select(TransferRow.key, TransferRow.id).where(TransferRow.key.in_(batch))
                )
            )
        session.execute(
            insert(TransferClaim),
            [{"transfer_id": row_ids[row.key], "claim_id": ids[k]} for row in rows for k in row.claims],
        )
    return {r.key for r in rows}


def _transfer(row: Row) -> dict[str, Any]:
    return {
        "key": row.key,
        "group_key": row.group,
        "supplier": row.supplier,
        "recipient": row.recipient,
        "system": row.system,
        "category": row.category,
        "number_ordered": row.number_ordered,
        "year_of_order": row.year_of_order,
        "number_delivered": row.number_delivered,
        "years_of_delivery": row.years_of_delivery,
        "status": row.status,
        "deal": row.deal,
        "confidence": row.confidence,
        "independent_sources": row.independent_sources,
        "claim_keys": row.claims,
        "documents": row.documents,
        "provenance": {k: v.to_json() for k, v in row.provenance.items()},
    }


def reconcile_all(store: Store) -> int:
    """Reconcile every row from the stored claims (after a change of rules); the number of rows."""
    with store.writing() as session:
        groups = set(session.scalars(select(ClaimRow.group_key).distinct()))
        session.execute(delete(TransferRow))
        touched = reconcile_groups(session, groups)
        refresh_edit_status(session)
    return len(touched)


def _check_target(session: Session, curated: Curated, edit: Edit) -> None:
    """Refuse a new edit whose target does not exist now (old edits may orphan; new ones may not)."""
    from armsledger.store.queries import find_row

    if edit.target_kind == "claim":
        if not claims_by_key(session, [edit.target]):
            raise InputError(f"no claim {edit.target!r}; `armsledger show ROW` lists a row's claims")
        return
    row = find_row(curated, edit.target)
    if edit.action == "merge":
        find_row(curated, str(edit.new_value))
        if edit.new_value == edit.target:
            raise InputError(f"cannot merge row {edit.target} with itself")
    if edit.action == "split":
        missing = sorted(set(edit.new_value) - set(row.claims))
        if missing:
            raise InputError(f"claim(s) {', '.join(missing)} are not in row {edit.target}")
        if set(edit.new_value) >= set(row.claims):
            raise InputError(f"a split must leave some claims in row {edit.target}")


def record_edit(store: Store, edit: Edit, expected: Any = UNSET) -> Edit:
    """Store a new edit after checking its target and, for a correction, the value it replaces."""
    with store.writing() as session:
        curated = curated_register(session)
        _check_target(session, curated, edit)
        if edit.action == "correct":
            edit.old_value = check_expected(curated, edit.target_kind, edit.target, edit.field, expected)
        session.add(_edit_row(edit))
        session.flush()
        refresh_edit_status(session)
    return edit


def _edit_row(edit: Edit) -> EditRow:
    return EditRow(
        uid=edit.uid,
        target_kind=edit.target_kind,
        target=edit.target,
        action=edit.action,
        field=edit.field,
        old_value=edit.old_value,
        new_value=edit.new_value,
        who=edit.who,
        at=edit.at,
        why=edit.why,
        status=edit.status,
        note=edit.note,
    )


def import_edits(store: Store, edits: Sequence[Edit]) -> tuple[int, int]:
    """Add edits carried from another store; (added, already present). Targets may be orphaned."""
    with store.writing() as session:
        have = set(session.scalars(select(EditRow.uid)))
        added = 0
        for edit in edits:
            if edit.uid in have:
                continue
            have.add(edit.uid)
            session.add(_edit_row(edit))
            added += 1
        session.flush()
        refresh_edit_status(session)
    return added, len(edits) - added


def edits_jsonl(edits: Iterable[Edit]) -> str:
    """Edits as JSON lines, the format `armsledger edit export` writes."""
    return "".join(json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for e in edits)


def parse_edits_jsonl(body: str, where: str) -> list[Edit]:
    """Edits from JSON lines; errors name the file and line."""
    edits: list[Edit] = []
    for number, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{where}:{number}: not JSON ({err.msg}); expected one edit per line") from None
        if not isinstance(data, dict):
            raise InputError(f"{where}:{number}: expected a JSON object")
        edits.append(Edit.from_json(data, f"{where}:{number}"))
    return edits


def replace_sipri(store: Store, source: str, records: Sequence[SipriRecord]) -> int:
    """Replace any earlier SIPRI import with these rows, in one transaction; how many were stored."""
    with store.writing() as session:
        session.execute(delete(SipriRow))
        session.add_all(
            SipriRow(
                source_file=source,
                line=r.line,
                recipient_name=r.recipient_name,
                supplier_name=r.supplier_name,
                recipient=r.recipient,
                supplier=r.supplier,
                year_of_order=r.year_of_order,
                year_of_order_uncertain=r.year_of_order_uncertain,
                number_ordered=r.number_ordered,
                number_ordered_uncertain=r.number_ordered_uncertain,
                designation=r.designation,
                description=r.description,
                number_delivered=r.number_delivered,
                number_delivered_uncertain=r.number_delivered_uncertain,
                years_of_delivery=r.years_of_delivery,
                condition=r.condition,
                comments=r.comments,
                tiv_per_unit=r.tiv_per_unit,
                tiv_total=r.tiv_total,
                tiv_delivered=r.tiv_delivered,
            )
            for r in records
        )
    return len(records)
