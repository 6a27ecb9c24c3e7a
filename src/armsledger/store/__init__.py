"""The store: documents, claims, register rows and analysts' edits in SQLite or PostgreSQL."""

from armsledger.store.engine import Store, StoreError, resolve_url
from armsledger.store.migrate import open_store

__all__ = ["Store", "StoreError", "open_store", "resolve_url"]
