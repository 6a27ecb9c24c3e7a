"""Opening a store and bringing its schema to this version's head with Alembic."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from armsledger.store.engine import Store, StoreError, as_given, check_sqlite_file, make_engine, resolve_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Alembic's configuration for the shipped migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def known_revisions() -> tuple[str, frozenset[str]]:
    """The head revision and every revision this version of armsledger knows."""
    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head() or "", frozenset(r.revision for r in script.walk_revisions())


def schema_state(store: Store) -> str | None:
    """The store's schema revision, None when it is empty; errors for a foreign or newer database."""
    with store.errors(), store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if "alembic_version" not in tables:
            if tables:
                listed = ", ".join(sorted(tables)[:6])
                raise StoreError(
                    f"{store.where}: a database, but not an armsledger store (it has tables {listed}); "
                    "nothing was written. Use --db to point at another database."
                )
            return None
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head, known = known_revisions()
    if revision and revision not in known:
        raise StoreError(
            f"{store.where}: the store's schema ({revision}) is newer than this armsledger knows "
            f"(up to {head}); upgrade armsledger to use it. Nothing was written."
        )
    return revision


def upgrade(store: Store) -> None:
    """Migrate the store to the head revision, holding the write lock while doing it."""
    config = alembic_config()
    with store.write_connection() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def open_store(db: str | os.PathLike[str] | None = None, create: bool = True) -> Store:
    """Open (and, when ``create``, create or migrate) the store at a path or URL."""
    url = resolve_url(db)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        check_sqlite_file(path)
        if not path.exists():
            if not create:
                raise StoreError(
                    f"{path}: no armsledger store here; run `armsledger build PATH...` first or give --db"
                )
            if not path.parent.is_dir():
                raise StoreError(f"{path}: folder {path.parent} does not exist")
    store = Store(url, make_engine(url), as_given(db))
    try:
        revision = schema_state(store)
        if revision != known_revisions()[0]:
            if revision is None and not create:
                raise StoreError(
                    f"{store.where}: the database is empty; run `armsledger build PATH...` first"
                )
            upgrade(store)
    except BaseException:
        store.close()
        raise
    return store
