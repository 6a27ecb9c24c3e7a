"""Cookie-session secret, CSRF tokens, request-size limits and the headers every response carries."""

from __future__ import annotations

import hmac
import json
import os
import secrets
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from armsledger.errors import ArmsledgerError
from armsledger.web.settings import Settings

SESSION_COOKIE = "armsledger_session"
SESSION_DAYS = 14
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# Scripts and styles only from this server; Plotly sets inline styles and the map is a data: image.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
# Bodies larger than this are refused on every route except uploads.
FORM_LIMIT = 1024 * 1024
UPLOAD_PATHS = ("/ingest", "/api/ingest")


class CsrfError(ArmsledgerError):
    """A form or script came without the token its session was given."""


def session_secret(settings: Settings) -> str:
    """ARMSLEDGER_SECRET, else a random key kept in DATA_DIR/web-secret (made once, readable by us only)."""
    if settings.secret:
        return settings.secret
    path = Path(settings.data_dir) / "web-secret"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: when several server processes start at once, one writes and the others read.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as err:
        raise ArmsledgerError(
            f"{path}: cannot create the session secret ({err.strerror}); set ARMSLEDGER_SECRET "
            "or ARMSLEDGER_DATA_DIR"
        ) from None
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
        import time

        time.sleep(0.02)  # another process is still writing it
    raise ArmsledgerError(f"{path}: the session secret file is empty; delete it and start again")


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing request whose token is not the session's."""
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(str(expected), str(submitted)):
        raise CsrfError(
            "the form's security token is missing or out of date (CSRF check); reload the page and try again"
        )


class Guard:
    """ASGI middleware: security headers on every response, and a cap on request bodies."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in UPLOAD_PATHS else FORM_LIMIT
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or len(length) > 15 or int(length) > limit):
            await _too_large(scope, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {k.lower() for k, _ in message["headers"]}
                message["headers"] = [*message["headers"], *((k, v) for k, v in HEADERS if k not in names)]
            await send(message)

        await self.app(scope, counted, with_headers)


class BodyTooLarge(HTTPException):
    """A streamed body (no Content-Length) went past the limit; the app's handlers answer 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    """What a client is told when its request is too large."""
    return f"the request is too large: at most {limit / (1024 * 1024):g} MB (ARMSLEDGER_MAX_UPLOAD_MB for uploads)"


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    text = too_large_message(limit)
    is_api = scope["path"].startswith("/api/")
    body = (json.dumps({"error": text, "status": 413}) if is_api else text).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json" if is_api else b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
