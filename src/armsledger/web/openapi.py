"""The OpenAPI document: FastAPI's, with the ways to sign in and the error body every route answers.

Routes marked ``openapi_extra={"x-role": "editor"}`` need an account; the others need one only
when reading is closed (ARMSLEDGER_PUBLIC_READ=0), which the document states as an optional
requirement. FastAPI's own 422 body is replaced by the one the app sends.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from armsledger.web.schemas import ERROR_MEANINGS
from armsledger.web.security import CSRF_HEADER, SESSION_COOKIE

SCHEMES: dict[str, dict[str, Any]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "an API token (`armsledger user token NAME`, or the account page); it acts with the "
        "account's role",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": f"a signed-in browser; a request that changes something must also send {CSRF_HEADER}",
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def describe(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of the app (made once, then kept by the app)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = spec.setdefault("components", {})
    components["securitySchemes"] = SCHEMES
    for path, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            editors = operation.pop("x-role", None) == "editor"
            if path.startswith("/api/"):
                signed_in = [{"bearer": []}, {"session": []}]
                operation["security"] = signed_in if editors else [{}, *signed_in]
            responses = operation.get("responses", {})
            if "422" in responses:
                if operation.get("requestBody"):
                    responses["422"] = {
                        "description": ERROR_MEANINGS[422],
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    }
                else:  # a bad value in the URL is answered 400, declared with the route
                    del responses["422"]
    schemas = components.get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = spec
    return spec
