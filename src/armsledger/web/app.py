"""The web app's factory: settings, store, sessions, security headers, error pages, pages and API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from armsledger import __version__
from armsledger.curation import ConflictError
from armsledger.errors import ArmsledgerError, InputError
from armsledger.store import Store, StoreError, open_store
from armsledger.web.auth import Forbidden, NotSignedIn, current_user
from armsledger.web.security import SESSION_COOKIE, SESSION_DAYS, CsrfError, Guard, csrf_token, session_secret
from armsledger.web.settings import Settings, load_settings
from armsledger.web.snapshot import Snapshots
from armsledger.web.views import NotFound

HERE = Path(__file__).parent
log = logging.getLogger("armsledger.web")
# Error classes -> HTTP status.
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (NotSignedIn, 401),
    (Forbidden, 403),
    (CsrfError, 403),
    (NotFound, 404),
    (ConflictError, 409),
    (InputError, 400),
    (StoreError, 503),
)


@dataclass(slots=True)
class AppContext:
    """What every request handler reaches through ``request.app.state.ctx``."""

    settings: Settings
    store: Store
    snapshots: Snapshots
    templates: Jinja2Templates


def is_api(request: Request) -> bool:
    """Whether the request wants JSON (the API and the OpenAPI document) rather than a page."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page from its template, with the signed-in user and the navigation."""
    ctx: AppContext = request.app.state.ctx
    try:
        user = current_user(request)
    except NotSignedIn:
        user = None
    values = {
        "user": user,
        "can_edit": bool(user and user.can("editor")),
        "can_admin": bool(user and user.can("admin")),
        "public_read": ctx.settings.public_read,
        "version": __version__,
        "csrf": lambda: csrf_token(request),
        **(context or {}),
    }
    return ctx.templates.TemplateResponse(request, name, values, status_code=status, headers=headers)


def error_response(request: Request, status: int, message: str) -> Response:
    """The error as JSON for the API, as a page otherwise (sign-in asked of a page's reader redirects)."""
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    if status == 401 and request.method == "GET":
        from urllib.parse import urlencode

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for problem in err.errors():
        where = ".".join(str(x) for x in problem.get("loc", ()) if x not in ("body", "query", "path", "form"))
        parts.append(f"{where or 'request'}: {problem.get('msg', 'invalid value')}")
    return "; ".join(parts) or "the request is not valid"


def add_error_handlers(app: FastAPI) -> None:
    """Every error a user can cause becomes a 4xx with a message; nothing else leaks a traceback."""

    async def known(request: Request, exc: Exception) -> Response:
        status = next(code for kind, code in STATUS if isinstance(exc, kind))
        return error_response(request, status, str(exc))

    async def armsledger_error(request: Request, exc: Exception) -> Response:
        log.error("armsledger error on %s: %s", request.url.path, exc)
        return error_response(request, 500, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request, exc.status_code, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # A bad value in the URL is a 400 like every other bad value; only a malformed API body is a 422.
        in_body = any(problem.get("loc", ("",))[0] == "body" for problem in exc.errors())
        return error_response(request, 422 if is_api(request) and in_body else 400, _validation_message(exc))

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "an unexpected error; it was logged on the server")

    for kind, _ in STATUS:
        app.add_exception_handler(kind, known)
    app.add_exception_handler(ArmsledgerError, armsledger_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, unexpected)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The web app over a store (opened, created or migrated from the settings when not given)."""
    from armsledger.web import api, pages, plots
    from armsledger.web.openapi import describe

    settings = settings or load_settings()
    store = store or open_store(settings.db)
    snapshots = Snapshots(store)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        snapshots.close()

    app = FastAPI(
        title="armsledger",
        version=__version__,
        description="The register of arms transfers, every figure traced to its sentence.",
        # The interactive docs load scripts from a CDN; nothing here may, so only the document is served.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.openapi = lambda: describe(app)  # type: ignore[method-assign]
    app.state.ctx = AppContext(settings, store, snapshots, templates)
    add_error_handlers(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_DAYS * 24 * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(Guard, upload_limit=settings.max_upload_bytes)
    app.include_router(plots.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def app_from_environment() -> FastAPI:
    """The app as `armsledger serve` and uvicorn workers make it: everything from ARMSLEDGER_* variables."""
    return create_app(load_settings())
