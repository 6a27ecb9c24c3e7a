"""Builders for small registers used by the analysis tests."""

from __future__ import annotations

from typing import Any

import pandas as pd

from armsledger.analysis.frames import CLAIM_COLUMNS, register_from_claims, row_key


def claim(
    n: int,
    supplier: str,
    recipient: str,
    status: str,
    *,
    system: str | None = None,
    category: str = "aircraft",
    quantity: int | None = None,
    year: int | None = None,
    evidence: str = "",
    doc: str = "d1",
    start: int = 0,
    published: str | None = None,
) -> dict[str, Any]:
    """One claims-table record."""
    return {
        "claim_id": f"{doc}#{n}",
        "doc": doc,
        "supplier": supplier,
        "recipient": recipient,
        "system": system,
        "category": category,
        "quantity": quantity,
        "deal": "sale",
        "status": status,
        "year": year,
        "evidence": evidence or f"{supplier} and {recipient} claim {n}.",
        "start": start,
        "end": start + len(evidence or f"{supplier} and {recipient} claim {n}."),
        "row_key": row_key(supplier, recipient, system, category),
        "published": published,
    }


def frames(*records: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Register rows (reconciled by the ledger's rules) and claims from claim records."""
    claims = pd.DataFrame.from_records(list(records), columns=list(CLAIM_COLUMNS))
    return register_from_claims(claims)
