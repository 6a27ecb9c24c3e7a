"""The two tables every analysis reads: register rows and claims, as pandas DataFrames.

The ledger gives them from a database; ``claims_frame`` and ``register_from_claims`` make
the same tables straight from extraction output, so the analysis runs without a store.
Both ways go through the ledger's own ``reconcile``: the same claims give the same row
keys, claim keys, figures and statuses whether they were stored first or not (analysts'
edits exist only in the ledger, so a curated ledger can differ where an analyst changed it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from armsledger.errors import InputError
from armsledger.ingest.dedupe import mark_duplicates
from armsledger.model import Claim, Document
from armsledger.reconcile import LedgerClaim, claim_key, group_key, reconcile

ROW_COLUMNS: tuple[str, ...] = (
    "row_key",
    "supplier",
    "recipient",
    "system",
    "category",
    "deal",
    "status",
    "number_ordered",
    "number_delivered",
    "year_of_order",
    "years_of_delivery",
    "confidence",
    "claim_ids",
)
CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "doc",
    "supplier",
    "recipient",
    "system",
    "category",
    "quantity",
    "deal",
    "status",
    "year",
    "evidence",
    "start",
    "end",
    "row_key",
    "published",
)
DOCUMENT_COLUMNS: tuple[str, ...] = ("doc", "text", "published", "title", "url")
# Columns a claims table may add; the ledger's reconcile reads them when they are there.
EXTRA_CLAIM_COLUMNS: tuple[str, ...] = ("content_hash", "incremental", "vague_quantity", "source")
_UNDATED = "9999-99-99"  # an undated document is never a story's first while a dated one is
# Stages that report something as having happened: a document is at least as recent as them.
PAST_STAGES: tuple[str, ...] = ("ordered", "delivered", "cancelled")


def row_key(supplier: str, recipient: str, system: str | None, category: str) -> str:
    """The register key of a transfer's first row, as the ledger writes it (``SUPPLIER/RECIPIENT/system``)."""
    return group_key(supplier, recipient, system, category)


def story_keys(documents: list[Document]) -> dict[str, str]:
    """Each document's story as the ledger keys it: copies and near-copies share the content hash of
    the story's first document (by publication date, then content hash); others keep their own."""
    copies = [replace(d, source_group=None) for d in documents]
    mark_duplicates(copies)
    parent = {d.id: d.id for d in documents}

    def find(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            doc_id = parent[doc_id]
        return doc_id

    # The near-copies found here, and any grouping a reader already gave (a batch's source_group).
    for doc, copy in zip(documents, copies, strict=True):
        for group in (copy.source_group, doc.source_group):
            if group and group in parent and find(group) != find(doc.id):
                parent[find(doc.id)] = find(group)
    stories: dict[str, list[Document]] = {}
    for doc in documents:
        stories.setdefault(find(doc.id), []).append(doc)
    keys: dict[str, str] = {}
    for members in stories.values():
        first = min((d.published or _UNDATED, d.content_hash) for d in members)[1]
        keys.update((d.content_hash, first) for d in members)
    return keys


def claims_frame(results: Iterable[tuple[Document, list[Claim]]]) -> pd.DataFrame:
    """Claims of extracted documents as a claims table, as the ledger would store them.

    A document is counted once by its text (the ledger skips a second copy), a claim once by
    its key, claim ids are the ledger's claim keys, and near-copies of one story share its
    source key (``story_keys``), as they do in the ledger.
    """
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    kept: list[tuple[Document, list[Claim]]] = []
    for doc, claims in results:
        if doc.id in seen or doc.content_hash in seen:
            continue
        seen.update((doc.id, doc.content_hash))
        kept.append((doc, claims))
    stories = story_keys([doc for doc, _ in kept])
    for doc, claims in kept:
        keys: set[str] = set()
        for c in claims:
            key = claim_key(doc.content_hash, c)
            if key in keys:
                continue
            keys.add(key)
            records.append(
                {
                    "claim_id": key,
                    "doc": doc.id,
                    "supplier": c.supplier,
                    "recipient": c.recipient,
                    "system": c.system,
                    "category": c.category,
                    "quantity": c.quantity,
                    "deal": c.deal,
                    "status": c.status,
                    "year": c.year,
                    "evidence": c.evidence,
                    "start": c.start,
                    "end": c.end,
                    "row_key": row_key(c.supplier, c.recipient, c.system, c.category),
                    "published": doc.published,
                    "content_hash": doc.content_hash,
                    "incremental": c.incremental,
                    "vague_quantity": c.vague_quantity,
                    "source": stories[doc.content_hash],
                }
            )
    return pd.DataFrame.from_records(records, columns=[*CLAIM_COLUMNS, *EXTRA_CLAIM_COLUMNS])


def documents_frame(documents: Iterable[Document]) -> pd.DataFrame:
    """Documents as a table of id, text and publication data, one document counted once."""
    records = {
        d.id: {"doc": d.id, "text": d.text, "published": d.published, "title": d.title, "url": d.url}
        for d in documents
    }
    return pd.DataFrame.from_records(list(records.values()), columns=list(DOCUMENT_COLUMNS))


def present(value: Any) -> bool:
    """Whether a cell holds a value (not None, NaN or NA)."""
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _int(value: Any) -> int | None:
    return int(value) if present(value) else None


def _ledger_claims(claims: pd.DataFrame) -> list[LedgerClaim]:
    """The claims table as the ledger's claims: documents in the order they first appear."""
    order: dict[str, int] = {}
    found = []
    for c in claims.to_dict("records"):
        seq = order.setdefault(c["doc"], len(order) + 1)
        published = c["published"] if present(c["published"]) else None
        found.append(
            LedgerClaim(
                key=str(c["claim_id"]),
                doc=str(c["doc"]),
                doc_hash=str(c["content_hash"]) if present(c.get("content_hash")) else str(c["doc"]),
                published=str(published)[:10] if published is not None else None,
                seq=seq,
                supplier=c["supplier"],
                recipient=c["recipient"],
                system=c["system"] if present(c["system"]) else None,
                category=c["category"],
                quantity=_int(c["quantity"]),
                deal=c["deal"] if present(c["deal"]) else "unknown",
                status=c["status"],
                year=_int(c["year"]),
                evidence=c["evidence"] or "",
                start=int(c["start"]),
                end=int(c["end"]),
                incremental=bool(c.get("incremental")) if present(c.get("incremental")) else False,
                vague_quantity=bool(c.get("vague_quantity")) if present(c.get("vague_quantity")) else False,
                source=str(c["source"]) if present(c.get("source")) else "",
            )
        )
    return found


def register_from_claims(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Register rows reconciled from a claims table by the ledger's rules, and the claims with their row keys."""
    require_columns(claims, CLAIM_COLUMNS, "claims")
    if claims.empty:
        return pd.DataFrame(columns=list(ROW_COLUMNS)), claims.copy()
    rows = reconcile(_ledger_claims(claims))
    row_of = {key: r.key for r in rows for key in r.claims}
    records = [
        {
            "row_key": r.key,
            "supplier": r.supplier,
            "recipient": r.recipient,
            "system": r.system,
            "category": r.category,
            "deal": r.deal,
            "status": r.status,
            "number_ordered": r.number_ordered,
            "number_delivered": r.number_delivered,
            "year_of_order": r.year_of_order,
            "years_of_delivery": list(r.years_of_delivery) or None,
            "confidence": r.confidence,
            "claim_ids": list(r.claims),
        }
        for r in rows
    ]
    keyed = claims.assign(row_key=[row_of.get(str(k)) for k in claims["claim_id"]])
    table = pd.DataFrame.from_records(records, columns=list(ROW_COLUMNS))
    # Whole numbers with gaps, as the ledger's register has them (not 2021.0 and NaN).
    for column in ("number_ordered", "number_delivered", "year_of_order"):
        table[column] = table[column].astype("Int64")
    return table, keyed


def rows_from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The register rows a claims table reconciles to (see ``register_from_claims``)."""
    return register_from_claims(claims)[0]


# The ledger's own column names -> the names the analysis uses.
_LEDGER_ROWS = {"key": "row_key", "claims": "claim_ids"}
_LEDGER_CLAIMS = {"key": "claim_id", "row": "row_key"}


def from_ledger(register: pd.DataFrame, claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger's register and claims tables renamed to the analysis's columns (unknown ones kept)."""
    rows = register.rename(columns={k: v for k, v in _LEDGER_ROWS.items() if v not in register.columns})
    claims = claims.rename(columns={k: v for k, v in _LEDGER_CLAIMS.items() if v not in claims.columns})
    if "years_of_delivery" in rows:
        rows["years_of_delivery"] = [
            list(y) if isinstance(y, list | tuple) and len(y) else None for y in rows["years_of_delivery"]
        ]
    if "deal" not in rows:
        rows["deal"] = "unknown"
    require_columns(rows, ROW_COLUMNS, "register")
    require_columns(claims, CLAIM_COLUMNS, "claims")
    return rows, claims


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise InputError when a table lacks columns the analysis needs."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"the {what} table lacks column(s) {', '.join(missing)}")


def row_years(rows: pd.DataFrame, claims: pd.DataFrame) -> dict[str, int | None]:
    """The year of each register row: its order year, first delivery, claims' years, or first publication."""
    by_id = claims.set_index("claim_id") if not claims.empty else None
    years: dict[str, int | None] = {}
    for row in rows.itertuples(index=False):
        year: int | None = int(row.year_of_order) if present(row.year_of_order) else None
        if year is None and isinstance(row.years_of_delivery, list | tuple) and row.years_of_delivery:
            year = int(min(row.years_of_delivery))
        if year is None and by_id is not None:
            ids = [i for i in (row.claim_ids or []) if i in by_id.index]
            found = [int(y) for y in by_id.loc[ids, "year"] if present(y)] if ids else []
            if not found and ids:
                found = [
                    int(str(p)[:4])
                    for p in by_id.loc[ids, "published"]
                    if present(p) and str(p)[:4].isdigit()
                ]
            year = min(found) if found else None
        years[row.row_key] = year
    return years


def claim_year(claim: Any) -> int | None:
    """A claim's year, or the year its document was published."""
    if present(claim["year"]):
        return int(claim["year"])
    published = claim["published"]
    if present(published) and str(published)[:4].isdigit():
        return int(str(published)[:4])
    return None
