"""Alembic's entry point: runs migrations on the connection armsledger hands it.

armsledger opens the connection and the transaction itself (holding the write lock), so
two processes migrating one database at once take turns instead of racing.
"""

from __future__ import annotations

from alembic import context

from armsledger.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "armsledger migrations run through armsledger.store.migrate, which provides a connection"
    )


def _ours(name: str | None, kind: str, _parents: object) -> bool:
    # The FTS5 index and its shadow tables are made by hand in the migration, not from the ORM.
    return not (kind == "table" and (name or "").startswith("search_index"))


context.configure(
    connection=connection,
    include_name=_ours,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
