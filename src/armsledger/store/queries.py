"""Reading the store: machine rows, claims, documents, edits, the curated register, search."""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from armsledger.curation import Curated, Edit, apply_edits, needed_rows
from armsledger.errors import InputError
from armsledger.export import RegisterView
from armsledger.knowledge import Knowledge, default_knowledge
from armsledger.reconcile import LedgerClaim, Row
from armsledger.sipri import SipriIndex, SipriRecord, imported_names
from armsledger.store.schema import ClaimRow, DocumentRow, EditRow, SipriRow, TransferClaim, TransferRow

# Bound parameters per IN list: well under SQLite's limit.
CHUNK = 500


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """Values in lists of at most ``size``."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _claims_select() -> Select[Any]:
    """Claims joined to their documents, as plain columns (no ORM objects: reconcile reads thousands)."""
    return select(
        ClaimRow.key,
        DocumentRow.doc_id,
        DocumentRow.content_hash,
        DocumentRow.published,
        DocumentRow.id.label("seq"),
        DocumentRow.source_key,
        ClaimRow.supplier,
        ClaimRow.recipient,
        ClaimRow.system,
        ClaimRow.category,
        ClaimRow.quantity,
        ClaimRow.deal,
        ClaimRow.status,
        ClaimRow.year,
        ClaimRow.evidence,
        ClaimRow.start_offset,
        ClaimRow.end_offset,
        ClaimRow.incremental,
        ClaimRow.vague_quantity,
    ).join(DocumentRow, ClaimRow.document_id == DocumentRow.id)


def _ledger_claim(row: Any) -> LedgerClaim:
    """A claim from a row of ``_claims_select``."""
    return LedgerClaim(
        key=row.key,
        doc=row.doc_id,
        doc_hash=row.content_hash,
        published=row.published,
        seq=row.seq,
        supplier=row.supplier,
        recipient=row.recipient,
        system=row.system,
        category=row.category,
        quantity=row.quantity,
        deal=row.deal,
        status=row.status,
        year=row.year,
        evidence=row.evidence,
        start=row.start_offset,
        end=row.end_offset,
        incremental=bool(row.incremental),
        vague_quantity=bool(row.vague_quantity),
        source=row.source_key or row.content_hash,
    )


def claims_in_groups(session: Session, groups: Iterable[str]) -> list[LedgerClaim]:
    """Every stored claim about the given supplier/recipient/system groups."""
    found: list[LedgerClaim] = []
    with gc_paused():
        for batch in chunks(sorted(set(groups))):
            for row in session.execute(_claims_select().where(ClaimRow.group_key.in_(batch))):
                found.append(_ledger_claim(row))
    return found


def claims_by_key(session: Session, keys: Iterable[str]) -> dict[str, LedgerClaim]:
    """Stored claims by their keys; unknown keys are left out."""
    found: dict[str, LedgerClaim] = {}
    for batch in chunks(sorted(set(keys))):
        for row in session.execute(_claims_select().where(ClaimRow.key.in_(batch))):
            claim = _ledger_claim(row)
            found[claim.key] = claim
    return found


def claims_of_rows(session: Session, row_keys: Iterable[str]) -> dict[str, list[LedgerClaim]]:
    """The claims behind each of the given machine rows."""
    result: dict[str, list[LedgerClaim]] = defaultdict(list)
    for batch in chunks(sorted(set(row_keys))):
        stmt = (
            _claims_select()
            .add_columns(TransferRow.key.label("row_key"))
            .join(TransferClaim, TransferClaim.claim_id == ClaimRow.id)
            .join(TransferRow, TransferRow.id == TransferClaim.transfer_id)
            .where(TransferRow.key.in_(batch))
        )
        for row in session.execute(stmt):
            result[row.row_key].append(_ledger_claim(row))
    return dict(result)


def row_from_table(t: Any) -> Row:
    """A machine row as reconcile made it, from a TransferRow or a row of the transfers table."""
    return Row.from_json(
        {
            "key": t.key,
            "group": t.group_key,
            "supplier": t.supplier,
            "recipient": t.recipient,
            "system": t.system,
            "category": t.category,
            "number_ordered": t.number_ordered,
            "year_of_order": t.year_of_order,
            "number_delivered": t.number_delivered,
            "years_of_delivery": t.years_of_delivery or [],
            "status": t.status,
            "deal": t.deal,
            "confidence": t.confidence,
            "claims": t.claim_keys or [],
            "documents": t.documents or [],
            "independent_sources": t.independent_sources or 0,
            "provenance": t.provenance or {},
        }
    )


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while building many small objects that hold no cycles.

    Reading 67,000 rows makes half a million Provenance objects; the collector, run again and again
    as they pile up, took more than half of the time (reference counting still frees everything).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def machine_rows(session: Session) -> list[Row]:
    """Every register row as the machine reconciled it, in key order."""
    # Plain table rows, not ORM objects: the register is read whole, and often.
    table = TransferRow.__table__
    with gc_paused():
        return [row_from_table(t) for t in session.execute(select(table).order_by(table.c.key))]


def edit_from_table(e: EditRow) -> Edit:
    """A stored edit."""
    return Edit(
        uid=e.uid,
        target_kind=e.target_kind,
        target=e.target,
        action=e.action,
        field=e.field,
        old_value=e.old_value,
        new_value=e.new_value,
        who=e.who,
        at=e.at,
        why=e.why or "",
        status=e.status,
        note=e.note or "",
    )


def load_edits(session: Session) -> list[Edit]:
    """Every edit in the order it was made."""
    return [edit_from_table(e) for e in session.scalars(select(EditRow).order_by(EditRow.at, EditRow.uid))]


def curated_register(session: Session) -> Curated:
    """The register: machine rows with every analyst's edit applied on top."""
    rows = machine_rows(session)
    edits = load_edits(session)
    if not edits:
        return Curated(rows=rows, rejected=[], outcomes={})
    needed = needed_rows(rows, edits)
    return apply_edits(rows, edits, claims_of_rows(session, needed))


def refresh_edit_status(session: Session) -> list[str]:
    """Record, on every edit, whether it applies to the register as it now stands; the edits just orphaned."""
    stored = list(session.scalars(select(EditRow).order_by(EditRow.at, EditRow.uid)))
    if not stored:
        return []
    outcomes = curated_register(session).outcomes
    orphaned: list[str] = []
    for edit in stored:
        status, note = outcomes.get(edit.uid, ("applied", ""))
        if status == "orphaned" and edit.status != "orphaned":
            orphaned.append(f"edit {edit.uid[:8]} ({edit.action} {edit.target} by {edit.who}): {note}")
        if (edit.status, edit.note) != (status, note):
            edit.status, edit.note = status, note
    return orphaned


def find_row(curated: Curated, key: str) -> Row:
    """A row by key, or an error that suggests close keys."""
    row = curated.row(key)
    if row is not None:
        return row
    import difflib

    keys = [r.key for r in (*curated.rows, *curated.rejected)]
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `armsledger register` lists the row keys"
    raise InputError(f"no register row {key!r}{hint}")


def documents(session: Session) -> list[DocumentRow]:
    """Every stored document in the order it was stored."""
    return list(session.scalars(select(DocumentRow).order_by(DocumentRow.id)))


def documents_by_id(session: Session, ids: Sequence[str]) -> dict[str, DocumentRow]:
    """Stored documents by their document id (the first stored, when ids repeat)."""
    found: dict[str, DocumentRow] = {}
    for batch in chunks(sorted(set(ids))):
        for doc in session.scalars(
            select(DocumentRow).where(DocumentRow.doc_id.in_(batch)).order_by(DocumentRow.id)
        ):
            found.setdefault(doc.doc_id, doc)
    return found


def all_claims(session: Session) -> list[LedgerClaim]:
    """Every stored claim, in document order then offset."""
    stmt = _claims_select().order_by(DocumentRow.id, ClaimRow.start_offset, ClaimRow.end_offset, ClaimRow.key)
    return [_ledger_claim(row) for row in session.execute(stmt)]


def counts(session: Session) -> dict[str, int]:
    """How many documents, claims, rows, edits and SIPRI rows the store holds."""
    return {
        name: session.scalar(select(func.count()).select_from(table)) or 0
        for name, table in (
            ("documents", DocumentRow),
            ("claims", ClaimRow),
            ("rows", TransferRow),
            ("edits", EditRow),
            ("sipri_rows", SipriRow),
        )
    }


def sipri_rows(session: Session) -> list[SipriRow]:
    """Every imported SIPRI row in file order."""
    return list(session.scalars(select(SipriRow).order_by(SipriRow.id)))


def fts_query(query: str) -> str:
    """An FTS5 query from what a user typed: plain words become quoted terms, all required.

    Hyphens and slashes are FTS5 syntax ("S-400" would read as a column filter), so each
    plain word is quoted; a query that already uses quotes, AND, OR, NOT or * is passed as is.
    """
    if '"' in query or re.search(r"\b(?:AND|OR|NOT|NEAR)\b|\*", query):
        return query
    terms = [t.replace('"', "") for t in query.split() if t.strip()]
    return " ".join(f'"{t}"' for t in terms)


def search(session: Session, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Documents and evidence sentences matching a full-text query, best first.

    Several claims read from one sentence are one hit (``ref`` the first claim, ``claims`` all of
    them, ``doc`` their document), so a sentence naming five buyers is listed once, not five times.
    Plain words mean the same on both databases: every word must occur, in any case (SQLite FTS5;
    PostgreSQL ``plainto_tsquery`` over the 'simple' configuration, no stemming).
    """
    if not query.strip():
        raise InputError("search: give at least one word")
    # Enough raw hits that merging claims of one sentence still fills the page.
    found = (
        _sqlite_hits(session, query, limit * 5)
        if session.get_bind().dialect.name == "sqlite"
        else (_postgres_hits(session, query, limit * 5))
    )
    claim_keys = [ref for kind, ref, _ in found if kind == "claim"]
    where: dict[str, tuple[str, int, int]] = {}
    for batch in chunks(sorted(set(claim_keys))):
        stmt = (
            select(ClaimRow.key, DocumentRow.doc_id, ClaimRow.start_offset, ClaimRow.end_offset)
            .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
            .where(ClaimRow.key.in_(batch))
        )
        where.update((key, (doc, start, end)) for key, doc, start, end in session.execute(stmt))
    hits: list[dict[str, Any]] = []
    by_sentence: dict[tuple[str, int, int], dict[str, Any]] = {}
    for kind, ref, snippet in found:
        if kind == "claim" and ref in where:
            sentence = where[ref]
            if sentence in by_sentence:
                by_sentence[sentence]["claims"].append(ref)
                continue
            hit = {"kind": kind, "ref": ref, "snippet": snippet, "doc": sentence[0], "claims": [ref]}
            by_sentence[sentence] = hit
        else:
            hit = {
                "kind": kind,
                "ref": ref,
                "snippet": snippet,
                "doc": ref if kind == "document" else None,
                "claims": [],
            }
        hits.append(hit)
    for hit in hits:
        hit["claims"].sort()
    return hits[:limit]


def _sqlite_hits(session: Session, query: str, limit: int) -> list[tuple[str, str, str]]:
    stmt = text(
        "SELECT kind, ref, snippet(search_index, 2, '[', ']', '…', 12) AS snip, bm25(search_index) "
        "AS score FROM search_index WHERE search_index MATCH :q ORDER BY score, kind, ref LIMIT :n"
    )
    try:
        rows = session.execute(stmt, {"q": fts_query(query), "n": limit}).all()
    except Exception as err:  # FTS5 reports a bad query as an OperationalError
        message = str(err).lower()
        if any(word in message for word in ("fts5", "syntax", "unterminated", "no such column", "malformed")):
            raise InputError(
                f"search {query!r}: not a valid full-text query ({err.__cause__ or err})"
            ) from None
        raise
    return [(k, r, s) for k, r, s, _ in rows]


def pg_query(query: str) -> tuple[str, str]:
    """The PostgreSQL function and text for what a user typed: plain words for plainto_tsquery; quotes,
    OR and NOT (FTS5's syntax) for websearch_to_tsquery. Prefix search (word*) is SQLite's alone."""
    if "*" in query:
        raise InputError(f"search {query!r}: prefix search (word*) works on SQLite stores; give whole words")
    if '"' in query or re.search(r"\b(?:AND|OR|NOT)\b", query):
        return "websearch_to_tsquery", re.sub(r"\bNOT\s+", "-", re.sub(r"\bAND\b", " ", query))
    return "plainto_tsquery", query


def _postgres_hits(session: Session, query: str, limit: int) -> list[tuple[str, str, str]]:
    function, words = pg_query(query)
    options = (
        "StartSel=[, StopSel=], MaxWords=18, MinWords=8, ShortWord=1, MaxFragments=1, FragmentDelimiter=…"
    )
    stmt = text(
        f"""
        WITH q AS (SELECT {function}('simple', :q) AS query),
        hits AS (
            SELECT 'document' AS kind, d.doc_id AS ref, d.text AS body,
                   ts_rank(to_tsvector('simple', coalesce(d.title, '') || ' ' || d.text), q.query) AS score
            FROM documents d, q
            WHERE to_tsvector('simple', coalesce(d.title, '') || ' ' || d.text) @@ q.query
            UNION ALL
            SELECT 'claim', c.key, c.evidence, ts_rank(to_tsvector('simple', c.evidence), q.query)
            FROM claims c, q
            WHERE to_tsvector('simple', c.evidence) @@ q.query
            ORDER BY score DESC, kind, ref
            LIMIT :n
        )
        SELECT hits.kind, hits.ref, ts_headline('simple', hits.body, q.query, :options), hits.score
        FROM hits, q ORDER BY hits.score DESC, hits.kind, hits.ref
        """
    )
    rows = session.execute(stmt, {"q": words, "n": limit, "options": options}).all()
    return [(k, r, s) for k, r, s, _ in rows]


def sipri_records(session: Session) -> list[SipriRecord]:
    """The imported SIPRI rows as records."""
    return [
        SipriRecord(
            line=r.line,
            recipient_name=r.recipient_name,
            supplier_name=r.supplier_name,
            recipient=r.recipient,
            supplier=r.supplier,
            year_of_order=r.year_of_order,
            year_of_order_uncertain=bool(r.year_of_order_uncertain),
            number_ordered=r.number_ordered,
            number_ordered_uncertain=bool(r.number_ordered_uncertain),
            designation=r.designation,
            description=r.description,
            number_delivered=r.number_delivered,
            number_delivered_uncertain=bool(r.number_delivered_uncertain),
            years_of_delivery=list(r.years_of_delivery or []),
            condition=r.condition,
            comments=r.comments,
            tiv_per_unit=r.tiv_per_unit,
            tiv_total=r.tiv_total,
            tiv_delivered=r.tiv_delivered,
        )
        for r in sipri_rows(session)
    ]


def register_view(session: Session, kb: Knowledge | None = None) -> RegisterView:
    """Everything the register's outputs need, read in one snapshot."""
    kb = kb or default_knowledge()
    records = sipri_records(session)
    return RegisterView(
        curated=curated_register(session),
        edits=load_edits(session),
        kb=kb,
        sipri=SipriIndex(records, kb),
        sipri_names=imported_names(records),
    )
