"""Request dependencies shared by the pages and the API: the store, the snapshot, the register query."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from armsledger.knowledge import default_knowledge
from armsledger.store import Store
from armsledger.store.accounts import User
from armsledger.web.auth import may_read
from armsledger.web.filters import RegisterQuery, parse_query
from armsledger.web.settings import Settings
from armsledger.web.snapshot import Snapshot


def store_of(request: Request) -> Store:
    """The app's store."""
    return request.app.state.ctx.store  # type: ignore[no-any-return]


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.ctx.settings  # type: ignore[no-any-return]


def snapshot_of(request: Request) -> Snapshot:
    """The register as the store holds it now."""
    return request.app.state.ctx.snapshots.get()  # type: ignore[no-any-return]


def register_query(
    request: Request,
    supplier: str | None = Query(
        None, description="supplier: ISO3 code (TUR), a state's name, or NSA:<group>"
    ),
    recipient: str | None = Query(None, description="recipient, as for supplier"),
    system: str | None = Query(None, description="words of the system's designation (case ignored)"),
    category: str | None = Query(None, description="weapon category, e.g. aircraft"),
    status: str | None = Query(None, description="interest, planned, ordered, delivered or cancelled"),
    year: str | None = Query(None, description="order or delivery year: 2019, or a range 2018-2021"),
    confidence: str | None = Query(None, description="the least confidence, 0 to 1"),
    not_in_sipri: str | None = Query(None, description="1: only rows the imported SIPRI rows lack"),
    sort: str | None = Query(None, description="column to sort by (key, supplier, confidence, ...)"),
    order: str | None = Query(None, description="asc or desc"),
    page: str | None = Query(None, description="page number, from 1"),
    per_page: str | None = Query(None, description="rows per page, 1 to 500 (default 50)"),
) -> RegisterQuery:
    """The register's filters from the URL; bad values are a 400 with the reason."""
    raw = {
        "supplier": supplier,
        "recipient": recipient,
        "system": system,
        "category": category,
        "status": status,
        "year": year,
        "confidence": confidence,
        "not_in_sipri": not_in_sipri,
        "sort": sort,
        "order": order,
        "page": page,
        "per_page": per_page,
    }
    return parse_query({k: v for k, v in raw.items() if v is not None}, default_knowledge())


# Route parameters: the register query, and the reader (anyone when reading is open, else a viewer).
QueryDep = Annotated[RegisterQuery, Depends(register_query)]
ReaderDep = Annotated[User | None, Depends(may_read)]
