"""Claims over time: how many claims of each status each year, by the claim's year or its document's."""

from __future__ import annotations

import pandas as pd

from armsledger.analysis.frames import CLAIM_COLUMNS, claim_year, require_columns
from armsledger.model import STATUSES

UNKNOWN = "unknown"


def claims_by_status(claims: pd.DataFrame) -> pd.DataFrame:
    """A table with one row per year (unknown years last) and a count column per status."""
    require_columns(claims, CLAIM_COLUMNS, "claims")
    columns = ["year", *STATUSES, "total"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    years = [claim_year(c) for c in claims.to_dict("records")]
    labelled = claims.assign(year_label=[str(y) if y is not None else UNKNOWN for y in years])
    table = pd.crosstab(labelled["year_label"], labelled["status"])
    table = table.reindex(columns=list(STATUSES), fill_value=0)
    order = sorted((y for y in table.index if y != UNKNOWN), key=int) + (
        [UNKNOWN] if UNKNOWN in table.index else []
    )
    table = table.loc[order]
    table["total"] = table.sum(axis=1)
    return table.rename_axis(None, axis=1).reset_index(names="year")[columns]


def pair_timeline(claims: pd.DataFrame) -> pd.DataFrame:
    """Per supplier-recipient pair: first and last known year and the furthest status reached."""
    require_columns(claims, CLAIM_COLUMNS, "claims")
    columns = ["supplier", "recipient", "first_year", "last_year", "claims", "statuses"]
    if claims.empty:
        return pd.DataFrame(columns=columns)
    records = []
    for (supplier, recipient), group in claims.groupby(["supplier", "recipient"], sort=True):
        years = [y for y in (claim_year(c) for c in group.to_dict("records")) if y is not None]
        present = [s for s in STATUSES if s in set(group["status"])]
        records.append(
            {
                "supplier": supplier,
                "recipient": recipient,
                "first_year": min(years) if years else None,
                "last_year": max(years) if years else None,
                "claims": len(group),
                "statuses": present,
            }
        )
    table = pd.DataFrame.from_records(records, columns=columns)
    # Whole years, with gaps where a pair has no dated claim (not 2020.0 and NaN).
    table[["first_year", "last_year"]] = table[["first_year", "last_year"]].astype("Int64")
    return table
