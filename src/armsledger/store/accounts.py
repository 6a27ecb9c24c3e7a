"""The web app's own tables: user accounts, API tokens and ingest jobs, with the calls that read and write them.

They live beside the ledger's tables (migration 0002) and, like edits, are never touched by a
rebuild. Passwords and tokens arrive here already hashed: hashing is the web layer's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from armsledger.curation import now
from armsledger.errors import InputError
from armsledger.store.engine import Store
from armsledger.store.schema import Base

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")


class UserRow(Base):
    """A person who signs in to the web app."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    # Raised to sign the user out everywhere: sessions carry the epoch they were made in.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class TokenRow(Base):
    """An API token for scripts; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(Text, default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class JobRow(Base):
    """A build started from the browser, with its progress, so any server process can report it."""

    __tablename__ = "ingest_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    who: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10))
    rebuild: Mapped[bool] = mapped_column(Boolean, default=False)
    inputs: Mapped[list[str]] = mapped_column(JSON, default=list)  # what the editor gave (names, paths)
    read: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    new_claims: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[list[str]] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


@dataclass(frozen=True, slots=True)
class User:
    """A signed-in person as the web app sees them."""

    id: int
    name: str
    role: str
    session_epoch: int = 0
    disabled: bool = False

    def can(self, role: str) -> bool:
        """Whether the user's role is at least ``role`` (viewer < editor < admin)."""
        return not self.disabled and ROLES.index(self.role) >= ROLES.index(role)


def _user(row: UserRow) -> User:
    return User(row.id, row.name, row.role, row.session_epoch or 0, bool(row.disabled))


def check_role(role: str) -> str:
    """The role, or an error listing the roles there are."""
    if role not in ROLES:
        raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    """A user name: 1-80 characters of letters, digits, '.', '-', '_' or '@'."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 80 or not all(ch.isalnum() or ch in ".-_@" for ch in cleaned):
        raise InputError(f"user name {name!r}: expected 1-80 letters, digits, '.', '-', '_' or '@'")
    return cleaned


def add_user(store: Store, name: str, role: str, password_hash: str) -> User:
    """Create an account; an error if the name is taken."""
    name, role = check_name(name), check_role(role)
    with store.writing() as session:
        if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
            raise InputError(f"user {name!r} already exists; `armsledger user passwd` changes a password")
        row = UserRow(name=name, role=role, password_hash=password_hash, created_at=now(), session_epoch=0)
        session.add(row)
        session.flush()
        return _user(row)


def update_user(
    store: Store,
    name: str,
    role: str | None = None,
    password_hash: str | None = None,
    disabled: bool | None = None,
) -> User:
    """Change a user's role, password or standing; a new password or role signs them out everywhere."""
    with store.writing() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise InputError(f"no user {name!r}; `armsledger user list` shows the accounts")
        if role is not None:
            row.role = check_role(role)
        if password_hash is not None:
            row.password_hash = password_hash
        if disabled is not None:
            row.disabled = disabled
        row.session_epoch = (row.session_epoch or 0) + 1
        session.flush()
        return _user(row)


def end_sessions(store: Store, user_id: int) -> None:
    """Sign a user out of every browser: the epoch their session cookies carry no longer matches.

    Signing out uses it too: a cookie is signed, not stored, so the only way to make a copied
    cookie stop working, in every server process, is to change what it must match.
    """
    with store.writing() as session:
        session.execute(
            update(UserRow).where(UserRow.id == user_id).values(session_epoch=UserRow.session_epoch + 1)
        )


def find_user(store: Store, name: str) -> tuple[User, str] | None:
    """A user and their password hash, by name."""
    with store.reading() as session:
        row = session.scalar(select(UserRow).where(UserRow.name == name))
        return (_user(row), row.password_hash) if row is not None else None


def user_by_id(store: Store, user_id: int) -> User | None:
    """A user by id, None when gone."""
    with store.reading() as session:
        row = session.get(UserRow, user_id)
        return _user(row) if row is not None else None


def list_users(store: Store) -> list[User]:
    """Every account, by name."""
    with store.reading() as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]


def add_token(store: Store, name: str, token_hash: str, label: str = "") -> None:
    """Store the hash of a new API token for a user."""
    with store.writing() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.name == name))
        if user_id is None:
            raise InputError(f"no user {name!r}; add one with `armsledger user add {name} --role ROLE`")
        session.add(TokenRow(user_id=user_id, label=label, token_hash=token_hash, created_at=now()))


def user_by_token(store: Store, token_hash: str) -> User | None:
    """The user a live API token belongs to."""
    with store.reading() as session:
        row = session.scalar(
            select(UserRow)
            .join(TokenRow, TokenRow.user_id == UserRow.id)
            .where(TokenRow.token_hash == token_hash, TokenRow.revoked.is_(False))
        )
        return _user(row) if row is not None else None


def tokens_of(store: Store, name: str) -> list[dict[str, Any]]:
    """A user's tokens (label, when made, whether revoked); never the tokens themselves."""
    with store.reading() as session:
        stmt = (
            select(TokenRow)
            .join(UserRow, TokenRow.user_id == UserRow.id)
            .where(UserRow.name == name)
            .order_by(TokenRow.id)
        )
        return [
            {"id": t.id, "label": t.label, "created_at": t.created_at, "revoked": bool(t.revoked)}
            for t in session.scalars(stmt)
        ]


def revoke_tokens(store: Store, name: str) -> int:
    """Revoke every token of a user; how many were live."""
    with store.writing() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.name == name))
        if user_id is None:
            raise InputError(f"no user {name!r}")
        result = session.execute(
            update(TokenRow)
            .where(TokenRow.user_id == user_id, TokenRow.revoked.is_(False))
            .values(revoked=True)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def job_json(row: JobRow) -> dict[str, Any]:
    """A job as plain JSON."""
    return {
        "id": row.id,
        "who": row.who,
        "state": row.state,
        "rebuild": bool(row.rebuild),
        "inputs": list(row.inputs or []),
        "read": row.read,
        "new": row.new,
        "new_claims": row.new_claims,
        "rows": row.rows,
        "failures": list(row.failures or []),
        "message": row.message,
        "created_at": row.created_at,
        "finished_at": row.finished_at,
    }


def add_job(store: Store, job_id: str, who: str, inputs: list[str], rebuild: bool) -> dict[str, Any]:
    """Record a queued job."""
    with store.writing() as session:
        row = JobRow(
            id=job_id, who=who, state="queued", rebuild=rebuild, inputs=inputs, created_at=now(), failures=[]
        )
        session.add(row)
        session.flush()
        return job_json(row)


def update_job(store: Store, job_id: str, **values: Any) -> None:
    """Change a job's progress fields."""
    if "state" in values and values["state"] not in JOB_STATES:
        raise ValueError(f"unknown job state {values['state']!r}")
    if values.get("state") in ("done", "failed"):
        values.setdefault("finished_at", now())
    with store.writing() as session:
        session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))


def get_job(store: Store, job_id: str) -> dict[str, Any] | None:
    """A job by id."""
    with store.reading() as session:
        row = session.get(JobRow, job_id)
        return job_json(row) if row is not None else None


def recent_jobs(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """The latest jobs, newest first."""
    with store.reading() as session:
        stmt = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        return [job_json(r) for r in session.scalars(stmt)]
