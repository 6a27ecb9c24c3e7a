"""When a register row happened, for checking it against dated relations, without reading the clock.

A row's time is, in order: its order year, its first delivery year, the earliest year its
claims state, the earliest date of the documents that report it, and last the register's
reference date. A document's date is its publication date, else the end of the latest year
in which it reports an order, delivery or cancellation (it cannot be older than what it
reports as done). The reference date is the latest document date in the register, so the
same documents give the same findings on whatever day they are analysed; only a register
with no date at all falls back to today, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from armsledger.analysis.frames import PAST_STAGES, present


@dataclass(frozen=True, slots=True)
class Reference:
    """The day undated rows are judged at, and why that day."""

    day: date
    basis: str

    def describe(self) -> str:
        """One line for the output: 'Undated transfers are judged at DAY: BASIS.'"""
        return f"Undated transfers are judged at {self.day.isoformat()}: {self.basis}."


@dataclass(frozen=True, slots=True)
class RowTime:
    """When a row is judged: a year (relations active in any day of it) or a day, with its source."""

    when: int | date
    basis: str  # "order year", "delivery year", "claim year", "first reported", "reference date"

    @property
    def year(self) -> int:
        """The calendar year of the time."""
        return self.when.year if isinstance(self.when, date) else self.when

    def label(self) -> str:
        """The time as printed: '2019' or '2021-05-24'."""
        return self.when.isoformat() if isinstance(self.when, date) else str(self.when)


def _published(value: Any) -> date | None:
    if not present(value):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        text = str(value)
        return date(int(text[:4]), 1, 1) if text[:4].isdigit() else None


def document_dates(claims: pd.DataFrame) -> dict[str, tuple[date, bool]]:
    """Each document's date as far as the register tells, and whether it is a publication date."""
    found: dict[str, tuple[date, bool]] = {}
    reported: dict[str, int] = {}
    for doc, published, status, year in zip(
        claims["doc"], claims["published"], claims["status"], claims["year"], strict=True
    ):
        day = _published(published)
        if day is not None:
            found[doc] = (day, True)
        elif status in PAST_STAGES and present(year):
            reported[doc] = max(reported.get(doc, 0), int(year))
    for doc, latest in reported.items():
        found.setdefault(doc, (date(latest, 12, 31), False))
    return found


def reference_date(
    claims: pd.DataFrame, today: date | None = None, dates: dict[str, tuple[date, bool]] | None = None
) -> Reference:
    """The register's reference date: its latest document date, else today."""
    dates = document_dates(claims) if dates is None else dates
    if not dates:
        day = today or date.today()
        return Reference(
            day, "today, as no document has a publication date or reports a dated order or delivery"
        )
    day, published = max(dates.values())
    if published:
        return Reference(day, "the latest publication date among the documents")
    return Reference(
        day,
        "the end of the latest year in which the documents report an order, delivery or cancellation "
        "(no later document has a publication date)",
    )


def row_times(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    reference: Reference,
    doc_dates: dict[str, tuple[date, bool]] | None = None,
) -> dict[str, RowTime]:
    """The time each register row is judged at (see the module's docstring)."""
    by_id = {
        key: {"doc": doc, "year": year}
        for key, doc, year in zip(claims["claim_id"], claims["doc"], claims["year"], strict=True)
    }
    doc_dates = document_dates(claims) if doc_dates is None else doc_dates
    times: dict[str, RowTime] = {}
    for row in rows.itertuples(index=False):
        row_claims = [by_id[i] for i in (row.claim_ids or []) if i in by_id]
        if present(row.year_of_order):
            times[row.row_key] = RowTime(int(row.year_of_order), "order year")
            continue
        if isinstance(row.years_of_delivery, list | tuple) and row.years_of_delivery:
            times[row.row_key] = RowTime(int(min(row.years_of_delivery)), "delivery year")
            continue
        years = [int(c["year"]) for c in row_claims if present(c["year"])]
        if years:
            times[row.row_key] = RowTime(min(years), "claim year")
            continue
        days = [doc_dates[c["doc"]][0] for c in row_claims if c["doc"] in doc_dates]
        if days:
            times[row.row_key] = RowTime(min(days), "first reported")
            continue
        times[row.row_key] = RowTime(reference.day, "reference date")
    return times
