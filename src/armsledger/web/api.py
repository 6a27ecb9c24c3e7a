"""The JSON API under /api: the register, rows, claims, documents, states, findings, edits, search, ingest.

The same permissions as the pages: reading is open or needs a viewer (ARMSLEDGER_PUBLIC_READ);
edits and ingest need an editor, a rebuild an admin. Scripts authenticate with
``Authorization: Bearer TOKEN``; a browser session must send its CSRF token in X-CSRF-Token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from armsledger.curation import UNSET
from armsledger.store.accounts import get_job
from armsledger.web.auth import User, may_admin, may_edit
from armsledger.web.curate import Curation, curate
from armsledger.web.deps import QueryDep, ReaderDep, settings_of, snapshot_of, store_of
from armsledger.web.filters import page_of, select_rows
from armsledger.web.ingest import Upload, begin_ingest, job_total
from armsledger.web.inputs import whole_number
from armsledger.web.schemas import (
    DocumentsOut,
    EditOut,
    EditsOut,
    JobOut,
    MeOut,
    RegisterOut,
    StatesOut,
    errors,
)
from armsledger.web.security import CSRF_HEADER, check_csrf
from armsledger.web.views import (
    NotFound,
    claim_detail,
    claims_page,
    document_detail,
    documents_page,
    edits_page,
    findings,
    network_tables,
    parse_years,
    row_detail,
    row_json,
    search_results,
    state_detail,
    states_list,
    timeline_tables,
)

router = APIRouter(prefix="/api", tags=["api"])


def reply(data: Any) -> JSONResponse:
    """The answer as JSON, made here in the worker thread.

    Returned as a dict, FastAPI would encode it on the event loop, where under load it waits for
    the interpreter lock behind every busy request thread and each API answer takes seconds.
    The response models still describe these answers in the OpenAPI document.
    """
    return JSONResponse(data)


def _page(raw: str | None, name: str, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    return whole_number(raw, name, 1, high)


def _writer(request: Request, role: str = "editor") -> User:
    """The editor (or admin) making a change; a browser session must also pass the CSRF check."""
    user = may_admin(request) if role == "admin" else may_edit(request)
    if request.state.via == "session":
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return user


@router.get("/me", summary="Who the request is signed in as", response_model=MeOut, responses=errors(401))
def me(request: Request, user: ReaderDep) -> JSONResponse:
    """The account behind the request, or nulls for an anonymous reader."""
    return reply(
        {
            "name": user.name if user else None,
            "role": user.role if user else None,
            "via": request.state.via,
        }
    )


@router.get(
    "/register",
    summary="The register, filtered, sorted and paged",
    response_model=RegisterOut,
    responses=errors(400, 401),
)
def register(request: Request, _: ReaderDep, q: QueryDep) -> JSONResponse:
    """Rows after analysts' edits, with the same filters as the register page."""
    snap = snapshot_of(request)
    page = page_of(select_rows(snap, q), q)
    return reply(
        {
            "rows": [row_json(snap, r) for r in page.rows],
            "total": page.total,
            "page": page.page,
            "pages": page.pages,
            "per_page": page.per_page,
            "query": q.params(),
        }
    )


@router.get(
    "/rows/{key:path}",
    summary="One register row with provenance, sources and history",
    responses=errors(400, 401, 404),
)
def row(request: Request, _: ReaderDep, key: str) -> JSONResponse:
    """Every field with the rule and claims behind it, each source sentence with its document, the edits."""
    data = row_detail(store_of(request), snapshot_of(request), key)
    for source in data["sources"]:
        source.pop("runs")
    return reply(data)


@router.get(
    "/claims",
    summary="Stored claims: all, a document's or a row's, a page at a time",
    responses=errors(400, 401, 404),
)
def claims(
    request: Request,
    _: ReaderDep,
    doc: str | None = Query(None, description="a document id"),
    row: str | None = Query(None, description="a register row key"),
    page: str | None = Query(None, description="page number, from 1"),
    per_page: str | None = Query(None, description="claims per page, 1 to 1000 (default 100)"),
) -> JSONResponse:
    """Claims with their evidence offsets and the row each belongs to."""
    return reply(
        claims_page(
            store_of(request),
            snapshot_of(request),
            _page(page, "page", 1, 10**9),
            _page(per_page, "per_page", 100, 1000),
            doc=doc,
            row=row,
        )
    )


@router.get("/claims/{key}", summary="One claim", responses=errors(400, 401, 404))
def claim(request: Request, _: ReaderDep, key: str) -> JSONResponse:
    """A claim by key."""
    return reply(claim_detail(store_of(request), snapshot_of(request), key))


@router.get(
    "/documents/{doc_id:path}", summary="One stored document with its claims", responses=errors(400, 401, 404)
)
def document(
    request: Request,
    _: ReaderDep,
    doc_id: str,
    hash: str | None = Query(None, description="the content hash, when several documents share an id"),
) -> JSONResponse:
    """The text, the skipped spans (comments, boilerplate) and every claim found in it."""
    data = document_detail(store_of(request), snapshot_of(request), doc_id, hash)
    data.pop("runs")
    return reply(data)


@router.get(
    "/documents",
    summary="Stored documents, a page at a time, by words, site and date",
    response_model=DocumentsOut,
    responses=errors(400, 401),
)
def documents(
    request: Request,
    _: ReaderDep,
    q: str | None = Query(None, description="words that must all be in the title or text (case ignored)"),
    site: str | None = Query(None, description="the publication's name, or its web address's host"),
    since: str | None = Query(None, description="published on or after: 2021, 2021-06 or 2021-06-30"),
    until: str | None = Query(None, description="published on or before (2021 means to its end)"),
    page: str | None = Query(None, description="page number, from 1"),
    per_page: str | None = Query(None, description="documents per page, 1 to 500 (default 50)"),
) -> JSONResponse:
    """Documents in the order they were stored, with how many claims each holds."""
    return reply(documents_page(store_of(request), q, site, since, until, page, per_page))


@router.get(
    "/states",
    summary="Every state and group in the register, with its rows",
    response_model=StatesOut,
    responses=errors(401),
)
def states(request: Request, _: ReaderDep) -> JSONResponse:
    """Codes with their names and how many register rows each supplies and receives, most rows first."""
    found = states_list(snapshot_of(request))
    return reply({"states": found, "total": len(found)})


@router.get(
    "/states/{code}",
    summary="A state: suppliers, clients, relations, findings",
    responses=errors(400, 401, 404),
)
def state(request: Request, _: ReaderDep, code: str) -> JSONResponse:
    """Who arms the state and whom it arms, its alliances and conflicts, and entrapment findings naming it."""
    return reply(state_detail(snapshot_of(request), code))


@router.get("/findings", summary="Alliance-entrapment findings, best first", responses=errors(400, 401))
def entrapment(
    request: Request,
    _: ReaderDep,
    state: str | None = Query(None, description="only findings naming this state (ISO3)"),
) -> JSONResponse:
    """Findings with their score, explanation, transfers and evidence sentences."""
    found = findings(snapshot_of(request), state)
    return reply({"findings": found, "total": len(found)})


@router.get("/network", summary="The supply network's tables for a year range", responses=errors(400, 401))
def network(
    request: Request,
    _: ReaderDep,
    start: str | None = Query(None, alias="from", description="first year, e.g. 2015"),
    end: str | None = Query(None, alias="to", description="last year"),
) -> JSONResponse:
    """Pair volumes, categories, dependence, centrality, new pairs, shared clients."""
    return reply(network_tables(snapshot_of(request), *parse_years(start, end)))


@router.get(
    "/timeline", summary="Claims by status per year, and each pair's years", responses=errors(400, 401)
)
def timeline(request: Request, _: ReaderDep) -> JSONResponse:
    """The timeline tables."""
    return reply(timeline_tables(snapshot_of(request)))


@router.get("/search", summary="Full-text search over documents and evidence", responses=errors(400, 401))
def search(
    request: Request,
    _: ReaderDep,
    q: str = Query(..., min_length=1, description='words, "a phrase", OR, NOT, prefix*'),
    limit: str | None = Query(None, description="most results, 1 to 200 (default 50)"),
) -> JSONResponse:
    """Matches, best first, each with its snippet."""
    hits = search_results(store_of(request), snapshot_of(request), q, _page(limit, "limit", 50, 200))
    for hit in hits:
        hit.pop("pieces")
    return reply({"results": hits, "total": len(hits)})


@router.get(
    "/edits",
    summary="Analysts' edits, oldest first, a page at a time",
    response_model=EditsOut,
    responses=errors(400, 401),
)
def list_edits(
    request: Request,
    _: ReaderDep,
    target: str | None = Query(None, description="only edits of this row or claim"),
    page: str | None = Query(None, description="page number, from 1"),
    per_page: str | None = Query(None, description="edits per page, 1 to 1000 (default 100)"),
) -> JSONResponse:
    """Edits with whether each applies to the register now, or is orphaned."""
    return reply(edits_page(snapshot_of(request), target, page, per_page))


class EditIn(BaseModel):
    """An edit to record."""

    action: str = Field(description="accept, reject, correct, merge or split")
    target: str = Field(description="a row key (has a '/') or a claim key")
    why: str = Field(description="the reason, kept with the edit")
    field: str | None = Field(None, description="correct: the field, e.g. number_ordered")
    value: Any = Field(None, description="correct: the new value (a number, text, a list of years, or null)")
    expected: Any = Field(
        None, description="correct: the value you saw; if the register now says otherwise the answer is 409"
    )
    other: str | None = Field(None, description="merge: the row merged into the target")
    claims: list[str] = Field(default_factory=list, description="split: the claims that leave the row")
    version: str | None = Field(
        None,
        description="accept, reject, merge, split (required): the target's `version` as you read it "
        "(GET /api/rows/{key} or /api/claims/{key}); if it changed since, the answer is 409",
    )


@router.post(
    "/edits",
    status_code=201,
    summary="Record an edit (editors)",
    response_model=EditOut,
    responses=errors(400, 401, 403, 409, 413, 422),
    openapi_extra={"x-role": "editor"},
)
def add_edit(request: Request, body: EditIn) -> JSONResponse:
    """Accept, reject, correct, merge or split; a correction whose field moved since you read it is a 409."""
    user = _writer(request)
    expected = body.expected if "expected" in body.model_fields_set else UNSET
    edit = curate(
        store_of(request),
        Curation(
            body.action,
            body.target,
            body.why,
            body.field,
            body.value,
            expected,
            body.other,
            body.claims,
            body.version,
        ),
        user.name,
    )
    return JSONResponse(edit.to_json(), status_code=201)


@router.post(
    "/ingest",
    status_code=202,
    summary="Build from uploaded files or server paths (editors)",
    response_model=JobOut,
    responses=errors(400, 401, 403, 413),
    openapi_extra={"x-role": "editor"},
)
def ingest(
    request: Request,
    files: Annotated[
        list[UploadFile] | None, File(description="documents (.txt, .jsonl, .html, ...)")
    ] = None,
    paths: str = Form("", description="absolute paths on the server, one per line"),
    rebuild: bool = Form(False, description="drop machine output first (admins; edits are kept)"),
) -> JSONResponse:
    """Start a build; poll /api/jobs/{id} for its progress."""
    user = _writer(request, "admin" if rebuild else "editor")
    uploads = [Upload(f.filename or "", f.file) for f in files or [] if f.filename]
    job = begin_ingest(store_of(request), settings_of(request), user.name, uploads, paths, rebuild)
    return JSONResponse(job, status_code=202, headers={"Location": f"/api/jobs/{job['id']}"})


@router.get(
    "/jobs/{job_id}",
    summary="An ingest job's progress (editors)",
    response_model=JobOut,
    responses=errors(401, 403, 404),
    openapi_extra={"x-role": "editor"},
)
def job(request: Request, job_id: str) -> JSONResponse:
    """State (queued, running, done, failed), documents read so far, and the build's summary."""
    may_edit(request)
    found = get_job(store_of(request), job_id)
    if found is None:
        raise NotFound(f"no ingest job {job_id[:80]!r}")
    found["total"] = job_total(settings_of(request), found)
    return reply(found)
