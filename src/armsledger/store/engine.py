"""Opening a store: where it is, how to connect, and what to say when that fails.

A bare path means a SQLite file; anything with ``://`` is a SQLAlchemy URL
(``postgresql://user@host/db`` uses psycopg 3). SQLite runs in WAL mode with a busy
timeout, and every write transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers
queue for the lock instead of failing halfway. On PostgreSQL a transaction-scoped advisory
lock plays the same part.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, exc, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session

from armsledger.errors import ArmsledgerError

DEFAULT_DB = "armsledger.db"
# Seconds a writer waits for another writer's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 60.0
# Any constant: every armsledger writer on one PostgreSQL database takes this lock.
PG_WRITE_LOCK = 0x41524D53
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(ArmsledgerError):
    """The store cannot be opened, read or written; nothing was changed."""


def resolve_url(db: str | os.PathLike[str] | None = None) -> URL:
    """The database URL from ``--db``, else ``ARMSLEDGER_DB``, else ./armsledger.db."""
    raw = str(db) if db else os.environ.get("ARMSLEDGER_DB") or DEFAULT_DB
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        url = make_url(raw)
    except exc.ArgumentError:
        raise StoreError(
            f"{raw}: not a database URL (expected a file path, sqlite:///PATH or postgresql://USER@HOST/DB)"
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername.startswith("sqlite") or url.drivername.startswith("postgresql")):
        raise StoreError(
            f"{raw}: unsupported database {url.drivername!r}; armsledger uses SQLite or PostgreSQL"
        )
    return url


def as_given(db: str | os.PathLike[str] | None = None) -> str | None:
    """The database URL as the user gave it (--db or ARMSLEDGER_DB), password hidden; None for a file path."""
    raw = str(db) if db else os.environ.get("ARMSLEDGER_DB") or DEFAULT_DB
    if "://" not in raw:
        return None
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return None


def describe(url: URL) -> str:
    """How to name the store in messages: the file, or the server without a password."""
    if url.drivername.startswith("sqlite"):
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def busy_timeout() -> float:
    """Seconds to wait for a lock: ARMSLEDGER_BUSY_TIMEOUT or the default."""
    raw = os.environ.get("ARMSLEDGER_BUSY_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        raise StoreError(f"ARMSLEDGER_BUSY_TIMEOUT={raw!r}: expected a number of seconds") from None


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a SQLite database before SQLite touches it."""
    if not path.exists():
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, expected a SQLite database file")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as err:
        raise StoreError(f"{path}: cannot be read ({err.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise StoreError(
            f"{path}: not a SQLite database (a foreign or corrupt file); nothing was written. "
            "Use --db to point at another file."
        )


def _sqlite_engine(url: URL, timeout: float) -> Engine:
    engine = create_engine(url, connect_args={"timeout": timeout, "isolation_level": None})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        dbapi.execute("PRAGMA journal_mode = WAL")
        dbapi.execute("PRAGMA foreign_keys = ON")
        dbapi.execute("PRAGMA synchronous = NORMAL")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # The driver's own transaction handling is off (isolation_level=None); start ours.
        immediate = conn.get_execution_options().get("armsledger_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engine(url: URL) -> Engine:
    """An engine for the URL, with SQLite's locking set up for several processes."""
    timeout = busy_timeout()
    if url.drivername.startswith("sqlite"):
        return _sqlite_engine(url, timeout)
    return create_engine(url, connect_args={"connect_timeout": max(1, int(timeout))}, pool_pre_ping=True)


def explain(error: BaseException, where: str, timeout: float | None = None) -> str:
    """A database error in plain words, naming the store."""
    orig = getattr(error, "orig", None) or error
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = message.lower()
    if "database is locked" in low or "database table is locked" in low:
        waited = f" (waited {timeout:g} s)" if timeout is not None else ""
        return (
            f"{where}: the database is locked by another process{waited}; nothing was written. "
            "Try again when it finishes, or raise ARMSLEDGER_BUSY_TIMEOUT."
        )
    if "file is not a database" in low or "malformed" in low or "not a database" in low:
        return f"{where}: not a readable SQLite database (corrupt or a foreign file); nothing was written."
    if "disk is full" in low or "no space left" in low:
        return f"{where}: the disk is full; the last batch was rolled back and nothing of it was written."
    if "unable to open database file" in low:
        return f"{where}: cannot open the database file (does its folder exist and is it writable?)"
    if "readonly" in low or "read-only" in low:
        return f"{where}: the database is read-only; nothing was written."
    if (
        "server closed the connection" in low
        or "terminating connection" in low
        or "connection is closed" in low
        or "connection is lost" in low
        or "consuming input failed" in low
        or "server conn crashed" in low
        or "the database system is shutting down" in low
    ):
        return (
            f"lost the connection to the database server at {where} ({message}); "
            "the transaction in progress was rolled back and nothing of it was written."
        )
    if (
        "connection refused" in low
        or "could not connect" in low
        or "connection failed" in low
        or "timeout expired" in low
        or "no such host" in low
        or "name or service not known" in low
    ):
        return f"cannot connect to the database server at {where}: {message}"
    if "does not exist" in low and "database" in low:
        return f"{where}: {message} (create it first, e.g. with createdb)"
    if "password authentication failed" in low:
        return f"{where}: {message}"
    return f"{where}: database error: {message}"


@dataclass
class Store:
    """An open armsledger store: an engine plus read and write transactions with clear errors."""

    url: URL
    engine: Engine
    # The store as the user named it (a URL without its password), for messages; else the resolved URL.
    given: str | None = None

    @property
    def where(self) -> str:
        """The store's name for messages: the file, or the URL the user gave, without a password."""
        return self.given or describe(self.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn database errors into StoreError messages."""
        try:
            yield
        except StoreError:
            raise
        except (exc.DBAPIError, exc.OperationalError, sqlite3.Error) as err:
            raise StoreError(explain(err, self.where, busy_timeout())) from None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session over one consistent snapshot."""
        with self.errors(), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One write transaction: all of it is stored, or (on any error or Ctrl-C) none of it."""
        engine = self.engine.execution_options(armsledger_write=True)
        with self.errors(), Session(engine, expire_on_commit=False) as session, session.begin():
            if self.dialect == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection inside a write transaction (for migrations)."""
        engine = self.engine.execution_options(armsledger_write=True)
        with self.errors(), engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
            yield conn

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()
