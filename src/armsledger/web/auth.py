"""Who is asking: passwords (argon2), API tokens, signed-in sessions, and the role each route needs."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.requests import Request

from armsledger.errors import ArmsledgerError, InputError
from armsledger.store import Store
from armsledger.store.accounts import User, find_user, update_user, user_by_id, user_by_token

TOKEN_PREFIX = "alt_"
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash("armsledger-no-such-user")


class NotSignedIn(ArmsledgerError):
    """The route needs an account and the request has none (401)."""


class Forbidden(ArmsledgerError):
    """The account's role is too low for the route (403)."""


def hash_password(password: str) -> str:
    """An argon2id hash of a password; an error for one too short to keep."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when the name and password match, else None (the same time either way)."""
    found = find_user(store, name.strip())
    stored = found[1] if found else _DUMMY
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None or found[0].disabled:
        return None
    user = found[0]
    if _hasher.check_needs_rehash(stored):
        user = update_user(store, user.name, password_hash=_hasher.hash(password))
    return user


def new_token() -> tuple[str, str]:
    """A fresh API token and the SHA-256 the store keeps of it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token (tokens are long and random, so a plain hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for the user (a new CSRF token, so a planted one is useless)."""
    request.session.clear()
    request.session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": secrets.token_urlsafe(32)})


def current_user(request: Request) -> User | None:
    """The user behind a Bearer token or the session cookie; None for an anonymous visitor."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    store: Store = request.app.state.ctx.store
    user: User | None = None
    header = request.headers.get("authorization")
    request.state.via = "anonymous"
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn(
                "the Authorization header must be 'Bearer TOKEN' (make a token on your account page)"
            )
        user = user_by_token(store, token_hash(token.strip()))
        if user is None or user.disabled:
            raise NotSignedIn("the API token is unknown or revoked")
        request.state.via = "token"
    elif "uid" in request.session:
        user = user_by_id(store, int(request.session["uid"]))
        if user is None or user.disabled or user.session_epoch != request.session.get("epoch"):
            # Signed out elsewhere (password or role changed, account removed): forget the session.
            request.session.clear()
            user = None
        else:
            request.state.via = "session"
    request.state.user = user
    return user


def require(request: Request, role: str) -> User:
    """The user, when signed in with at least this role; else NotSignedIn or Forbidden."""
    user = current_user(request)
    if user is None:
        raise NotSignedIn(f"sign in as {'an' if role[0] in 'ae' else 'a'} {role} to do this")
    if not user.can(role):
        raise Forbidden(
            f"{user.name} is {'an' if user.role[0] in 'ae' else 'a'} {user.role}; this needs {role}"
        )
    return user


def may_read(request: Request) -> User | None:
    """Let the request read when reading is public or it comes from a viewer or above."""
    if request.app.state.ctx.settings.public_read:
        return current_user(request)
    return require(request, "viewer")


def may_edit(request: Request) -> User:
    """Editors and admins only."""
    return require(request, "editor")


def may_admin(request: Request) -> User:
    """Admins only."""
    return require(request, "admin")
