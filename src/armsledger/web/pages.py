"""The HTML pages: server-rendered, readable without JavaScript; forms for sign-in, curation and ingest."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from armsledger.analysis.report import map_figure, network_figure, timeline_figure
from armsledger.curation import UNSET, ConflictError
from armsledger.errors import InputError
from armsledger.export import RegisterView, render_csv
from armsledger.model import CATEGORIES, STATUSES
from armsledger.store.accounts import add_token, end_sessions, get_job, recent_jobs, tokens_of
from armsledger.web.app import render
from armsledger.web.auth import (
    authenticate,
    current_user,
    may_admin,
    may_edit,
    new_token,
    require,
    sign_in,
)
from armsledger.web.curate import Curation, curate, target_kind
from armsledger.web.deps import QueryDep, ReaderDep, settings_of, snapshot_of, store_of
from armsledger.web.figure_svg import network_svg
from armsledger.web.filters import SORTS, page_of, select_rows
from armsledger.web.ingest import Upload, accepted_suffixes, begin_ingest, job_total
from armsledger.web.inputs import bad_characters, check_text
from armsledger.web.plots import PLOTLY_PATH, figure_json
from armsledger.web.security import check_csrf
from armsledger.web.views import (
    MergedAway,
    NotFound,
    document_detail,
    edits_page,
    findings,
    flows,
    network_tables,
    parse_years,
    row_detail,
    search_results,
    state_detail,
    timeline_tables,
)

router = APIRouter(include_in_schema=False)
# Register columns: (sort key, header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("key", "row"),
    ("supplier", "supplier"),
    ("recipient", "recipient"),
    ("system", "system"),
    ("category", "category"),
    ("number_ordered", "ordered"),
    ("year_of_order", "order year"),
    ("number_delivered", "delivered"),
    ("years_of_delivery", "delivery years"),
    ("status", "status"),
    ("deal", "deal"),
    ("confidence", "conf."),
    ("documents", "docs"),
)
assert all(c in SORTS for c, _ in COLUMNS)


def flash(request: Request, message: str) -> None:
    """A message for the next page this browser sees."""
    request.session["flash"] = [*request.session.get("flash", []), message][-5:]


def _flashes(request: Request) -> list[str]:
    return list(request.session.pop("flash", []) or []) if "flash" in request.session else []


def _local(target: str | None, default: str = "/register") -> str:
    """A redirect target on this site only (no scheme, no host, no '//')."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _with_flashes(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    return {"flashes": _flashes(request), **context}


@router.get("/")
def home() -> RedirectResponse:
    """The register is the front page."""
    return RedirectResponse("/register", status_code=303)


@router.get("/register")
def register(request: Request, _: ReaderDep, q: QueryDep) -> Response:
    """The register: filter form, sortable table, pages, CSV link."""
    snap = snapshot_of(request)
    page = page_of(select_rows(snap, q), q)
    return render(
        request,
        "register.html",
        _with_flashes(
            request,
            {
                "q": q,
                "page": page,
                "columns": COLUMNS,
                "choices": snap.choices,
                "categories": CATEGORIES,
                "statuses": STATUSES,
                "sipri": snap.view.sipri.count > 0,
                "notes": snap.sipri_notes,
                "edited": snap.view.curated.notes,
                "kb": snap.kb,
            },
        ),
    )


@router.get("/register.csv")
def register_csv(request: Request, _: ReaderDep, q: QueryDep) -> Response:
    """Every row the filters select (all pages), in the shown order, as the register's CSV."""
    snap = snapshot_of(request)
    rows = select_rows(snap, q)
    view = snap.view
    shown = RegisterView(
        replace(view.curated, rows=list(rows), rejected=[]), view.edits, view.kb, view.sipri, view.sipri_names
    )
    return Response(
        render_csv(shown),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="armsledger-register.csv"'},
    )


def _row_page(request: Request, key: str, error: str = "", status: int = 200) -> Response:
    data = row_detail(store_of(request), snapshot_of(request), key)
    return render(request, "row.html", _with_flashes(request, {"row": data, "error": error}), status=status)


@router.get("/rows/{key:path}")
def row(request: Request, _: ReaderDep, key: str) -> Response:
    """One row: fields with provenance, sources highlighted in their documents, curation, history.

    A row merged into another sends the reader on to that row, saying so.
    """
    try:
        return _row_page(request, key)
    except MergedAway as gone:
        flash(request, str(gone))
        return RedirectResponse(f"/rows/{quote(gone.into)}", status_code=303)


@router.post("/edits")
def add_edit(
    request: Request,
    action: str = Form(""),
    target: str = Form(""),
    why: str = Form(""),
    field: str | None = Form(None),
    value: str | None = Form(None),
    expected: str | None = Form(None),
    other: str | None = Form(None),
    claims: Annotated[list[str] | None, Form()] = None,
    version: str | None = Form(None),
    csrf_token: str = Form(""),
) -> Response:
    """Record a curation from a row page's forms; a conflict or a bad value comes back on the row's page."""
    user = may_edit(request)
    check_csrf(request, csrf_token)
    snap = snapshot_of(request)
    row_key = target if target_kind(target) == "row" else snap.row_of_claim.get(target, "")
    request_ = Curation(
        action,
        target,
        why,
        field,
        value,
        UNSET if expected is None else expected,
        other,
        claims or [],
        version,
    )
    try:
        edit = curate(store_of(request), request_, user.name)
    except (ConflictError, InputError) as err:
        if not row_key or (isinstance(err, InputError) and row_key not in snap.by_key):
            raise
        status = 409 if isinstance(err, ConflictError) else 400
        return _row_page(request, row_key, str(err), status)
    done = f"{edit.action} {edit.field} = {edit.new_value}" if edit.field else f"{edit.action} {edit.target}"
    flash(request, f"Recorded: {done} ({edit.uid[:8]})")
    return RedirectResponse(
        f"/rows/{quote(row_key)}" if row_key in snap.by_key else "/edits", status_code=303
    )


@router.get("/edits")
def edits(
    request: Request,
    _: ReaderDep,
    page: str | None = Query(None),
    per_page: str | None = Query(None),
) -> Response:
    """Every edit, newest first, a page at a time, with whether it applies now."""
    snap = snapshot_of(request)
    shown = edits_page(snap, None, page, per_page, newest_first=True)
    return render(request, "edits.html", _with_flashes(request, {"listing": shown}))


@router.get("/documents/{doc_id:path}")
def document(request: Request, _: ReaderDep, doc_id: str, hash: str | None = Query(None)) -> Response:
    """A document with every claim highlighted and skipped text dimmed."""
    data = document_detail(store_of(request), snapshot_of(request), doc_id, hash)
    return render(request, "document.html", {"doc": data})


@router.get("/states/{code}")
def state(request: Request, _: ReaderDep, code: str) -> Response:
    """A state's suppliers, clients, relations and findings."""
    return render(request, "state.html", {"state": state_detail(snapshot_of(request), code)})


def _plot(request: Request, name: str, start: int | None = None, end: int | None = None) -> Any:
    """The analysis module's figure for a page, made once per snapshot."""
    snap = snapshot_of(request)

    def make() -> Any:
        kb = snap.kb
        if name == "timeline":
            return timeline_figure(snap.frames[1])
        shown = flows(snap, start, end)
        return network_figure(shown, kb) if name == "network" else map_figure(shown, kb)

    return snap.memo(("plot", name, start, end), make)


def _figure(request: Request, name: str, start: int | None = None, end: int | None = None) -> str:
    """The figure as the JSON the page's script draws."""
    key = ("figure", name, start, end)
    return snapshot_of(request).memo(key, lambda: figure_json(_plot(request, name, start, end)))  # type: ignore[no-any-return]


def _network_svg(request: Request, start: int | None, end: int | None) -> str:
    """The network graph as SVG, for readers without JavaScript."""
    key = ("network-svg", start, end)
    return snapshot_of(request).memo(key, lambda: network_svg(_plot(request, "network", start, end)))  # type: ignore[no-any-return]


def _empty(request: Request) -> bool:
    return snapshot_of(request).frames[0].empty


@router.get("/network")
def network(
    request: Request,
    _: ReaderDep,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
) -> Response:
    """The supply network: a graph (with JavaScript) and its tables (without)."""
    low, high = parse_years(start, end)
    empty = _empty(request)
    return render(
        request,
        "network.html",
        {
            "start": low,
            "end": high,
            "empty": empty,
            "tables": {} if empty else network_tables(snapshot_of(request), low, high),
            "figure": None if empty else _figure(request, "network", low, high),
            "fallback": "" if empty else _network_svg(request, low, high),
            "plotly": PLOTLY_PATH,
        },
    )


@router.get("/map")
def world(request: Request, _: ReaderDep) -> Response:
    """Flows between states drawn on the world map."""
    empty = _empty(request)
    tables = {} if empty else network_tables(snapshot_of(request), None, None)
    return render(
        request,
        "map.html",
        {
            "empty": empty,
            "pairs": tables.get("pairs", []),
            "figure": None if empty else _figure(request, "map"),
            "plotly": PLOTLY_PATH,
        },
    )


@router.get("/timeline")
def timeline(request: Request, _: ReaderDep) -> Response:
    """Claims per year by status, and each pair's first and last years."""
    empty = _empty(request)
    return render(
        request,
        "timeline.html",
        {
            "empty": empty,
            "tables": {} if empty else timeline_tables(snapshot_of(request)),
            "figure": None if empty else _figure(request, "timeline"),
            "plotly": PLOTLY_PATH,
        },
    )


@router.get("/entrapment")
def entrapment(request: Request, _: ReaderDep, state: str | None = Query(None)) -> Response:
    """Alliance-entrapment findings, best first, each with its evidence."""
    found = findings(snapshot_of(request), state or None)
    return render(request, "entrapment.html", {"findings": found, "state": state or ""})


@router.get("/search")
def search(request: Request, _: ReaderDep, q: str = Query("")) -> Response:
    """Full-text search over documents and evidence sentences."""
    results = search_results(store_of(request), snapshot_of(request), q) if q.strip() else []
    return render(request, "search.html", {"q": q, "results": results})


@router.get("/login")
def login_form(request: Request, next: str | None = Query(None)) -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _local(next), "error": ""})


@router.post("/login")
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    next: str = Form("/register"),
    csrf_token: str = Form(""),
) -> Response:
    """Check the password and start a session."""
    check_csrf(request, csrf_token)
    user = authenticate(store_of(request), name, password)
    if user is None:
        context = {"next": _local(next), "error": "Wrong name or password.", "name": name}
        return render(request, "login.html", context, status=401)
    sign_in(request, user)
    flash(request, f"Signed in as {user.name} ({user.role}).")
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form("")) -> Response:
    """End the session: this cookie, and every other browser session of the user, stops working."""
    check_csrf(request, csrf_token)
    user = current_user(request)
    if user is not None and request.state.via == "session":
        end_sessions(store_of(request), user.id)
    request.session.clear()
    return RedirectResponse("/register", status_code=303)


def _ingest_page(request: Request, error: str = "", paths: str = "", status: int = 200) -> Response:
    context = {
        "jobs": recent_jobs(store_of(request)),
        "suffixes": accepted_suffixes(),
        "error": error,
        "paths": paths,
        "max_mb": settings_of(request).max_upload_bytes / (1024 * 1024),
    }
    return render(request, "ingest.html", _with_flashes(request, context), status=status)


@router.get("/ingest")
def ingest_form(request: Request) -> Response:
    """Upload files or list server paths to build from (editors)."""
    may_edit(request)
    return _ingest_page(request)


@router.post("/ingest")
def ingest(
    request: Request,
    files: Annotated[list[UploadFile] | None, File()] = None,
    paths: str = Form(""),
    rebuild: bool = Form(False),
    csrf_token: str = Form(""),
) -> Response:
    """Start a build and go to its progress page."""
    user = may_admin(request) if rebuild else may_edit(request)
    check_csrf(request, csrf_token)
    uploads = [Upload(f.filename or "", f.file) for f in files or [] if f.filename]
    try:
        job = begin_ingest(store_of(request), settings_of(request), user.name, uploads, paths, rebuild)
    except InputError as err:
        # Back to the form with the reason, and the paths as typed (clean ones only) to fix.
        kept = paths if bad_characters(paths) is None and len(paths) <= 100_000 else ""
        return _ingest_page(request, str(err), kept, status=400)
    return RedirectResponse(f"/jobs/{job['id']}", status_code=303)


@router.get("/jobs/{job_id}")
def job(request: Request, job_id: str) -> Response:
    """An ingest job's progress; the page polls while it runs (or refreshes itself without JavaScript)."""
    may_edit(request)
    found = get_job(store_of(request), job_id)
    if found is None:
        raise NotFound(f"no ingest job {job_id[:80]!r}")
    found["total"] = job_total(settings_of(request), found)
    return render(request, "job.html", {"job": found})


@router.get("/account")
def account(request: Request) -> Response:
    """The signed-in user's API tokens; a token just made is shown this once."""
    user = require(request, "viewer")
    new = request.session.pop("new_token", None)
    context = {"tokens": tokens_of(store_of(request), user.name), "new": new}
    return render(request, "account.html", context, headers={"Cache-Control": "no-store"})


@router.post("/account/tokens")
def mint(request: Request, label: str = Form(""), csrf_token: str = Form("")) -> Response:
    """Make an API token for the signed-in user, then show it once on the account page (POST-redirect-GET).

    The token waits in the session cookie until that page shows it: the cookie is the user's own
    and already lets its holder act as them, so it reveals nothing new; reloading the page or
    going back does not post the form again.
    """
    user = require(request, "viewer")
    check_csrf(request, csrf_token)
    token, digest = new_token()
    add_token(store_of(request), user.name, digest, check_text(label, "label", 100).strip())
    request.session["new_token"] = token
    return RedirectResponse("/account", status_code=303)
