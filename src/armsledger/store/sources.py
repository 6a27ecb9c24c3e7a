"""Independent sources in the store: copies and near-copies of one story share a source key.

A wire story reprinted by twenty sites is one confirmation, not twenty. Each stored document
keeps its MinHash signature (``armsledger.ingest.dedupe``) and its band keys. A new document is
compared, for every band key it shares, with the stored member of each story that has the
smallest content hash among those sharing that key, and joins every story it is similar enough
to (``NEAR_DUPLICATE``); stories it joins become one. So a story of a thousand reprints costs a
few comparisons, not a thousand, and the representative is chosen by content, not by the order
documents were stored. A story's key is the content hash of its first document by publication
date, then content hash, and its label (``source_group``) that document's id: a build that reads
the same documents in another order gives the same stories, except in chains of documents each
similar to the next but not to the one before, where a representative may miss a link.

A document of a batch (``build --from-parquet``) that arrives with ``source_group`` set joins
the document of that id in the same call, as the batch decided.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from armsledger.ingest.dedupe import NEAR_DUPLICATE, band_keys, reporting_text, signature, similarity
from armsledger.model import Document, Span
from armsledger.store.queries import chunks
from armsledger.store.schema import ClaimRow, DocumentBand, DocumentRow, StoreSetting

# Our own sentences: their signature identifies the MinHash function that signed a store's documents.
_PROBE = (
    "A register of arms transfers keeps every source behind every figure. Each row names a supplier, a "
    "recipient and a weapon system, the number ordered and delivered, the years of order and delivery, "
    "and the sentences of the reports that state them, so that an analyst can check each figure, correct "
    "it, and keep the correction when the register is built again from the same reports and new ones."
)
SIGNATURE_SETTING = "minhash_function"
# Publication dates sort before this, so an undated document is never a story's first while a dated one is.
_UNDATED = "9999-99-99"


@lru_cache(maxsize=1)
def signature_function() -> str:
    """A fingerprint of the MinHash function in use: signatures made by another one cannot be compared."""
    probe = signature(_PROBE)
    body = b"" if probe is None else probe.astype("<u4").tobytes()
    return hashlib.sha256(
        body + repr((NEAR_DUPLICATE, len(band_keys(probe)) if probe is not None else 0)).encode()
    ).hexdigest()[:16]


def check_signature_function(session: Session) -> bool:
    """Record the MinHash function; when the store's documents were signed by another, unsign them all.

    Unsigned documents are signed and grouped again by the caller (as for a store of schema 0002).
    True when the store had to be unsigned.
    """
    current = signature_function()
    setting = session.get(StoreSetting, SIGNATURE_SETTING)
    if setting is not None and setting.value == current:
        return False
    if setting is None:
        session.add(StoreSetting(name=SIGNATURE_SETTING, value=current))
        session.flush()
        return False
    setting.value = current
    session.execute(delete(DocumentBand))
    session.execute(
        update(DocumentRow)
        .values(source_key=None, source_group=None, minhash=None)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return True


def _signed(key: int) -> int:
    """An unsigned 64-bit band key as the signed integer a BIGINT column holds."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _pack(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def _unpack(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def signed_text(doc: Document) -> tuple[bytes | None, list[tuple[int, int]]]:
    """A document's MinHash signature as stored, and its (band, key) pairs; (None, []) for a short text."""
    sig = signature(reporting_text(doc))
    if sig is None:
        return None, []
    return _pack(sig), [(band, _signed(int(key))) for band, key in enumerate(band_keys(sig))]


@dataclass(slots=True)
class Fresh:
    """A document being grouped: its stored id, the document, its signature and band keys, and its story."""

    id: int
    doc: Document
    minhash: bytes | None
    bands: list[tuple[int, int]]
    source_key: str | None = None
    source_group: str | None = None
    repeats: bool = False  # it joined a story already stored, or a document of its batch read before it


def record_signatures(session: Session, fresh: Sequence[Fresh], update_documents: bool = False) -> None:
    """Insert the documents' band keys; with ``update_documents``, also store their signatures and make each
    a story of its own (for documents stored without them)."""
    if update_documents and fresh:
        session.execute(
            update(DocumentRow.__table__)
            .where(DocumentRow.__table__.c.id == bindparam("doc_row"))
            .values(minhash=bindparam("blob"), source_key=bindparam("key"), source_group=None),
            [{"doc_row": f.id, "blob": f.minhash, "key": f.doc.content_hash} for f in fresh],
        )
    rows = [{"document_id": f.id, "band": band, "band_key": key} for f in fresh for band, key in f.bands]
    if rows:
        session.execute(DocumentBand.__table__.insert(), rows)


class _Groups:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, node: object) -> object:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def group_new(session: Session, fresh: Sequence[Fresh]) -> set[str]:
    """Give newly signed documents their story; the claim groups whose source counts changed.

    Each new document starts as a story of its own (``source_key`` its content hash, as stored).
    For each band key it shares, it is compared with the member of each story that has the
    smallest content hash among those sharing the key (a story of many reprints costs one
    comparison per band, not one per reprint); similar enough, the stories merge. A merged story
    takes the key and label of its first document. Rows holding claims of two stored stories that
    merged must be reconciled again; rows of the new documents' claims are reconciled by the caller.
    """
    if not fresh:
        return set()
    new_keys = {f.doc.content_hash: f for f in fresh}
    for f in fresh:
        f.source_key, f.source_group = f.doc.content_hash, None
    by_band: dict[tuple[int, int], list[str]] = defaultdict(list)
    for f in fresh:
        for band_key in f.bands:
            by_band[band_key].append(f.doc.content_hash)
    hits: dict[tuple[int, int], list[str]] = defaultdict(list)
    story_of: dict[str, str] = {}  # representative content hash -> its story key
    for batch in chunks(sorted({key for _, key in by_band})):
        stmt = (
            select(
                DocumentBand.band,
                DocumentBand.band_key,
                DocumentRow.source_key,
                func.min(DocumentRow.content_hash),
            )
            .join(DocumentRow, DocumentRow.id == DocumentBand.document_id)
            .where(DocumentBand.band_key.in_(batch))
            .group_by(DocumentBand.band, DocumentBand.band_key, DocumentRow.source_key)
        )
        for band, key, story, rep in session.execute(stmt):
            hits[(band, key)].append(rep)
            story_of[rep] = story
    shared: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # new key -> rep -> bands
    for band_key, doc_keys in by_band.items():
        for rep in hits.get(band_key, []):
            for doc_key in doc_keys:
                if rep != doc_key:
                    shared[doc_key][rep] += 1
    signatures = {f.doc.content_hash: _unpack(f.minhash) for f in fresh if f.minhash is not None}
    signatures.update(
        _signatures(session, {rep for reps in shared.values() for rep in reps} - set(signatures))
    )
    groups = _Groups()
    for doc_key, reps in sorted(shared.items()):
        joined: set[str] = set()
        # Most shared bands first: the likeliest copy; one similar member per story is enough.
        for rep, _ in sorted(reps.items(), key=lambda kv: (-kv[1], kv[0])):
            story = story_of[rep]
            if story in joined or rep not in signatures or doc_key not in signatures:
                continue
            if similarity(signatures[doc_key], signatures[rep]) >= NEAR_DUPLICATE:
                groups.union(doc_key, story)
                joined.add(story)
    # The batch's own grouping, for documents of this call.
    by_doc_id = {f.doc.id: f.doc.content_hash for f in fresh}
    for f in fresh:
        given = f.doc.source_group
        if given and given in by_doc_id and given != f.doc.id:
            groups.union(f.doc.content_hash, by_doc_id[given])
    components: dict[str, set[str]] = defaultdict(set)
    for node in list(groups.parent):
        components[str(groups.find(node))].add(str(node))
    heads = _heads(session, {k for keys in components.values() for k in keys} - set(new_keys))
    heads.update((k, (f.doc.published or _UNDATED, k, f.doc.id)) for k, f in new_keys.items())
    touched: set[str] = set()
    for keys in components.values():
        if len(keys) < 2:
            continue
        _, key, label = min(heads[k] for k in keys)
        for batch in chunks(sorted(keys)):
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.source_key.in_(batch))
                .values(source_key=key, source_group=label)
                .execution_options(synchronize_session=False)
            )
        joined = sorted(keys & set(new_keys), key=lambda k: heads[k])
        for k in joined:
            new_keys[k].source_key, new_keys[k].source_group = key, label
        # A story of new documents only has a first one that repeats nothing.
        for k in joined[0 if keys - set(new_keys) else 1 :]:
            new_keys[k].repeats = True
        if len(keys - set(new_keys)) > 1:
            # Two stored stories became one: rows citing both now count one source fewer.
            touched.update(
                session.scalars(
                    select(ClaimRow.group_key)
                    .join(DocumentRow, DocumentRow.id == ClaimRow.document_id)
                    .where(DocumentRow.source_key == key)
                    .distinct()
                )
            )
    return touched


def _heads(session: Session, keys: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """Each stored story's first document as (published or undated, content hash, id), by story key."""
    found: dict[str, tuple[str, str, str]] = {}
    for batch in chunks(sorted(keys)):
        for content_hash, published, doc_id in session.execute(
            select(DocumentRow.content_hash, DocumentRow.published, DocumentRow.doc_id).where(
                DocumentRow.content_hash.in_(batch)
            )
        ):
            found[content_hash] = (published or _UNDATED, content_hash, doc_id)
    return found


def _signatures(session: Session, hashes: Iterable[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for batch in chunks(sorted(hashes)):
        for content_hash, blob in session.execute(
            select(DocumentRow.content_hash, DocumentRow.minhash).where(DocumentRow.content_hash.in_(batch))
        ):
            if blob is not None:
                found[content_hash] = _unpack(blob)
    return found


def unsigned_documents(session: Session, limit: int) -> list[Fresh]:
    """Up to ``limit`` documents stored without a source key (schema 0002, or signed by another MinHash
    function), signed now and ready to group."""
    rows = session.execute(
        select(
            DocumentRow.id, DocumentRow.doc_id, DocumentRow.text, DocumentRow.published, DocumentRow.skipped
        )
        .where(DocumentRow.source_key.is_(None))
        .order_by(DocumentRow.id)
        .limit(limit)
    )
    found = []
    for document_id, doc_id, body, published, skipped in rows:
        doc = Document(
            id=doc_id, text=body, published=published, skipped=[Span(a, b) for a, b in skipped or []]
        )
        blob, bands = signed_text(doc)
        found.append(Fresh(document_id, doc, blob, bands))
    return found
