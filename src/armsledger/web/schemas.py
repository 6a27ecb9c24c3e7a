"""The API's answers as models, for the OpenAPI document: the error body and the smaller replies.

Rows, claims and documents keep their plain JSON (``Row.to_json`` and friends, documented in
docs/web.md); the models here are the replies whose shape the API itself decides.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# What each error status means, as the OpenAPI document says it.
ERROR_MEANINGS: dict[int, str] = {
    400: "a bad value: the message names it and says what was expected",
    401: "no account: reading is closed, or the route needs an editor (send `Authorization: Bearer TOKEN`)",
    403: "the account's role is too low, or a browser session sent no CSRF token",
    404: "no such row, claim, document, state or job",
    409: "a conflict: what you read has changed since; nothing was recorded",
    413: "the request is too large",
    422: "a malformed JSON body",
}


class ErrorOut(BaseModel):
    """Every error: what went wrong in words, and the HTTP status again."""

    error: str = Field(description="what went wrong, naming the input")
    status: int = Field(description="the HTTP status")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route that may answer these error statuses."""
    return {code: {"model": ErrorOut, "description": ERROR_MEANINGS[code]} for code in codes}


class MeOut(BaseModel):
    """Who the request is signed in as."""

    name: str | None = Field(description="the account, or null for an anonymous reader")
    role: str | None = Field(description="viewer, editor or admin")
    via: str = Field(description="token, session or anonymous")


class EditOut(BaseModel):
    """An analyst's edit, with whether it applies to the register now."""

    uid: str
    target_kind: str = Field(description="row or claim")
    target: str
    action: str = Field(description="accept, reject, correct, merge or split")
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    who: str
    at: str = Field(description="when, ISO 8601 UTC")
    why: str
    status: str = Field(description="applied or orphaned")
    note: str = Field(description="why an edit is orphaned or superseded, or how the value moved")


class EditsOut(BaseModel):
    """A page of edits."""

    edits: list[EditOut]
    total: int
    page: int
    pages: int
    per_page: int


class JobOut(BaseModel):
    """An ingest job and its progress."""

    id: str
    who: str
    state: str = Field(description="queued, running, done or failed")
    rebuild: bool
    inputs: list[str]
    read: int = Field(description="documents read so far")
    total: int | None = Field(None, description="documents the inputs hold, when known before reading")
    new: int
    new_claims: int
    rows: int
    failures: list[str]
    message: str
    created_at: str
    finished_at: str | None


class DocumentOut(BaseModel):
    """A stored document in a list (GET /api/documents/{id} gives its text)."""

    doc: str
    content_hash: str
    title: str | None
    url: str | None
    published: str | None
    source: str | None
    site: str | None
    chars: int
    claims: int = Field(description="claims found in it")


class DocumentsOut(BaseModel):
    """A page of stored documents."""

    documents: list[DocumentOut]
    total: int
    page: int
    pages: int
    per_page: int


class StateOut(BaseModel):
    """A state or group in the register, with its rows."""

    code: str
    name: str
    as_supplier: int
    as_recipient: int
    rows: int


class StatesOut(BaseModel):
    """Every state and group in the register, most rows first."""

    states: list[StateOut]
    total: int


class RegisterOut(BaseModel):
    """A page of the register."""

    rows: list[dict[str, Any]] = Field(description="rows with every field, provenance and `version`")
    total: int
    page: int
    pages: int
    per_page: int
    query: dict[str, str] = Field(description="the filters as understood, defaults left out")
