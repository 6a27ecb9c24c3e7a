"""The Python API for notebooks: ``armsledger.open(db).register()`` and friends, as DataFrames."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from armsledger.export import to_dataframe
from armsledger.store import Store, open_store
from armsledger.store import queries as q

if TYPE_CHECKING:
    import pandas as pd


class Ledger:
    """An open armsledger store, read as pandas DataFrames."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"<armsledger.Ledger {self.store.where}>"

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    def register(self) -> pd.DataFrame:
        """The register after analysts' edits: one row per transfer, with provenance as JSON."""
        with self.store.reading() as session:
            return to_dataframe(q.register_view(session))

    def claims(self) -> pd.DataFrame:
        """Every stored claim with its document, offsets and the register row it belongs to."""
        import pandas as pd

        with self.store.reading() as session:
            claims = q.all_claims(session)
            curated = q.curated_register(session)
        row_of = {c: r.key for r in curated.rows for c in r.claims}
        records: list[dict[str, Any]] = [
            {
                "key": c.key,
                "doc": c.doc,
                "supplier": c.supplier,
                "recipient": c.recipient,
                "system": c.system,
                "category": c.category,
                "quantity": c.quantity,
                "deal": c.deal,
                "status": c.status,
                "year": c.year,
                "incremental": c.incremental,
                "vague_quantity": c.vague_quantity,
                "evidence": c.evidence,
                "start": c.start,
                "end": c.end,
                "published": c.published,
                "row": row_of.get(c.key),
            }
            for c in claims
        ]
        frame = pd.DataFrame.from_records(
            records,
            columns=[
                "key",
                "doc",
                "supplier",
                "recipient",
                "system",
                "category",
                "quantity",
                "deal",
                "status",
                "year",
                "incremental",
                "vague_quantity",
                "evidence",
                "start",
                "end",
                "published",
                "row",
            ],
        )
        for name in ("quantity", "year"):
            frame[name] = frame[name].astype("Int64")
        return frame

    def documents(self) -> pd.DataFrame:
        """Every stored document (one per content hash), in the order they were stored; ``source_group`` is
        the id of the first document of the story it repeats (None when no copy is known)."""
        import pandas as pd

        with self.store.reading() as session:
            docs = q.documents(session)
            records = [
                {
                    "doc": d.doc_id,
                    "content_hash": d.content_hash,
                    "url": d.url,
                    "published": d.published,
                    "title": d.title,
                    "source": d.source,
                    "site": d.site,
                    "author": d.author,
                    "source_group": d.source_group,
                    "chars": len(d.text),
                    "text": d.text,
                }
                for d in docs
            ]
        columns = [
            "doc",
            "content_hash",
            "url",
            "published",
            "title",
            "source",
            "site",
            "author",
            "source_group",
        ]
        return pd.DataFrame.from_records(records, columns=[*columns, "chars", "text"])

    def edits(self) -> pd.DataFrame:
        """Every analyst's edit, in the order made, with whether it applies now."""
        import pandas as pd

        with self.store.reading() as session:
            edits = q.load_edits(session)
            outcomes = q.curated_register(session).outcomes
        records = []
        for e in edits:
            data = e.to_json()
            data["status"], data["note"] = outcomes.get(e.uid, (e.status, e.note))
            records.append(data)
        return pd.DataFrame.from_records(
            records,
            columns=[
                "uid",
                "target_kind",
                "target",
                "action",
                "field",
                "old_value",
                "new_value",
                "who",
                "at",
                "why",
                "status",
                "note",
            ],
        )


def open_ledger(db: str | os.PathLike[str] | None = None) -> Ledger:
    """Open the store at a path or URL (default: ARMSLEDGER_DB, else ./armsledger.db) for reading."""
    return Ledger(open_store(db, create=False))
