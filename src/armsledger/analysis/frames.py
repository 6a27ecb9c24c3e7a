"""The two tables every analysis reads: register rows and claims, as pandas DataFrames.

The ledger gives them from a database; ``claims_frame`` and ``rows_from_claims`` make the
same tables straight from extraction output, so the analysis runs without a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from armsledger.errors import InputError
from armsledger.model import STATUSES, Claim, Document

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
# Stages a deal goes through, earliest first; a register row takes the latest one reached.
_STAGE = {status: rank for rank, status in enumerate(STATUSES) if status != "cancelled"}


def row_key(supplier: str, recipient: str, system: str | None, category: str) -> str:
    """The register key of a transfer: supplier, recipient and system (or its category)."""
    return f"{supplier}>{recipient}>{system or 'category:' + category}"


def claims_frame(results: Iterable[tuple[Document, list[Claim]]]) -> pd.DataFrame:
    """Claims of extracted documents as a claims table, one document counted once."""
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc, claims in results:
        if doc.id in seen:
            continue
        seen.add(doc.id)
        for number, c in enumerate(claims):
            records.append(
                {
                    "claim_id": f"{doc.id}#{number}",
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
                }
            )
    return pd.DataFrame.from_records(records, columns=list(CLAIM_COLUMNS))


def documents_frame(documents: Iterable[Document]) -> pd.DataFrame:
    """Documents as a table of id, text and publication data, one document counted once."""
    records = {
        d.id: {"doc": d.id, "text": d.text, "published": d.published, "title": d.title, "url": d.url}
        for d in documents
    }
    return pd.DataFrame.from_records(list(records.values()), columns=list(DOCUMENT_COLUMNS))


def _number(values: Iterable[Any]) -> int | None:
    numbers = [int(v) for v in values if present(v)]
    return max(numbers) if numbers else None


def present(value: Any) -> bool:
    """Whether a cell holds a value (not None, NaN or NA)."""
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _status(statuses: list[str]) -> str:
    """The latest stage the claims reach; cancelled unless something was delivered."""
    live = [s for s in statuses if s in _STAGE]
    if "cancelled" in statuses and "delivered" not in statuses:
        return "cancelled"
    return max(live, key=_STAGE.__getitem__) if live else "interest"


def rows_from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """A simple register from claims: one row per supplier, recipient and system (or category)."""
    require_columns(claims, CLAIM_COLUMNS, "claims")
    records: list[dict[str, Any]] = []
    if claims.empty:
        return pd.DataFrame(columns=list(ROW_COLUMNS))
    keyed = claims.assign(
        row_key=[
            row_key(s, r, y if present(y) else None, c)
            for s, r, y, c in zip(
                claims["supplier"], claims["recipient"], claims["system"], claims["category"], strict=True
            )
        ]
    )
    for key, group in keyed.groupby("row_key", sort=True):
        first = group.iloc[0]
        statuses = list(group["status"])
        firm = group[group["status"].isin(["ordered", "delivered"])]
        delivered = group[group["status"] == "delivered"]
        order_years = [int(y) for y in firm["year"] if present(y)]
        delivery_years = sorted({int(y) for y in delivered["year"] if present(y)})
        deals = [d for d in group["deal"] if d and d != "unknown"]
        documents = group["doc"].nunique()
        records.append(
            {
                "row_key": key,
                "supplier": first["supplier"],
                "recipient": first["recipient"],
                "system": first["system"] if present(first["system"]) else None,
                "category": first["category"],
                "deal": deals[0] if deals else "unknown",
                "status": _status(statuses),
                "number_ordered": _number(firm["quantity"]),
                "number_delivered": _number(delivered["quantity"]),
                "year_of_order": min(order_years) if order_years else None,
                "years_of_delivery": delivery_years or None,
                # More independent documents, more confidence: 0.5 for one, 0.75 for two, ...
                "confidence": round(1 - 0.5**documents, 4),
                "claim_ids": list(group["claim_id"]),
            }
        )
    return pd.DataFrame.from_records(records, columns=list(ROW_COLUMNS))


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
