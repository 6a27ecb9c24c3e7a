"""Independent sources in the store: copies and near-copies of one story share a source key.

A wire story reprinted by twenty sites is one confirmation, not twenty. Each stored document
keeps its MinHash signature (``armsledger.ingest.dedupe``) and its band keys; a new document is
compared with every stored or new document that shares a band key with it, and the ones similar
enough (``NEAR_DUPLICATE``) join its story. Every candidate pair is checked, not only pairs with
a group's first member, so the groups (connected components) do not depend on the order in
which documents were built. A story's key is the content hash of its first document by
publication date, then content hash: also independent of build order.

A document of a batch (``build --from-parquet``) that arrives with ``source_group`` set joins
the document of that id in the same call, as the batch decided.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, select, update
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


@dataclass(slots=True)
class Member:
    """What grouping needs to know about one document."""

    id: int
    doc_id: str
    content_hash: str
    published: str | None
    source_key: str | None
    source_group: str | None

    @property
    def precedence(self) -> tuple[str, str]:
        """Which document of a story comes first: earliest published, then smallest content hash."""
        return (self.published or _UNDATED, self.content_hash)


def signature_function() -> str:
    """A fingerprint of the MinHash function in use: signatures made by another one cannot be compared."""
    probe = signature(_PROBE)
    body = b"" if probe is None else probe.astype("<u4").tobytes()
    return hashlib.sha256(
        body + repr((NEAR_DUPLICATE, len(band_keys(probe)) if probe is not None else 0)).encode()
    ).hexdigest()[:16]


def check_signature_function(session: Session) -> bool:
    """Record the MinHash function; when the store's documents were signed by another, unsign them all.

    Unsigned documents are signed and grouped again by the next batch (as for a store of schema 0002).
    True when the store had to be unsigned.
    """
    current = signature_function()
    setting = session.get(StoreSetting, SIGNATURE_SETTING)
    if setting is not None and setting.value == current:
        return False
    changed = setting is not None
    if setting is None:
        session.add(StoreSetting(name=SIGNATURE_SETTING, value=current))
    else:
        setting.value = current
        session.execute(delete(DocumentBand))
        session.execute(update(DocumentRow).values(source_key=None, source_group=None, minhash=None))
    session.flush()
    return changed


def _signed(key: int) -> int:
    """An unsigned 64-bit band key as the signed integer a BIGINT column holds."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _pack(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def _unpack(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def sign(session: Session, pairs: Sequence[tuple[DocumentRow, Document]]) -> dict[int, list[tuple[int, int]]]:
    """Store the signature and band keys of newly stored documents (flushed, so with ids); their (band, key)s."""
    bands: dict[int, list[tuple[int, int]]] = {}
    rows: list[dict[str, int]] = []
    for stored, doc in pairs:
        sig = signature(reporting_text(doc))
        if sig is None:
            stored.minhash = None
            continue
        stored.minhash = _pack(sig)
        bands[stored.id] = [(band, _signed(int(key))) for band, key in enumerate(band_keys(sig))]
        rows.extend(
            {"document_id": stored.id, "band": band, "band_key": key} for band, key in bands[stored.id]
        )
    if rows:
        session.execute(DocumentBand.__table__.insert(), rows)
    return bands


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


def _members(session: Session, where: object) -> list[Member]:
    return [
        Member(*row)
        for row in session.execute(
            select(
                DocumentRow.id,
                DocumentRow.doc_id,
                DocumentRow.content_hash,
                DocumentRow.published,
                DocumentRow.source_key,
                DocumentRow.source_group,
            ).where(where)  # type: ignore[arg-type]
        )
    ]


def group_new(
    session: Session, pairs: Sequence[tuple[DocumentRow, Document]], bands: dict[int, list[tuple[int, int]]]
) -> set[str]:
    """Give newly stored (and signed) documents their source key; the claim groups whose sources changed.

    Stored documents that a new one joins to another story take the merged story's key too;
    the rows of their claims must be reconciled again, and their claim group keys are returned.
    """
    if not pairs:
        return set()
    new_ids = {stored.id for stored, _ in pairs}
    by_band: dict[tuple[int, int], set[int]] = defaultdict(set)
    for batch in chunks(sorted({key for keys in bands.values() for _, key in keys})):
        for document_id, band, key in session.execute(
            select(DocumentBand.document_id, DocumentBand.band, DocumentBand.band_key).where(
                DocumentBand.band_key.in_(batch)
            )
        ):
            by_band[(band, key)].add(document_id)
    candidates: set[tuple[int, int]] = set()
    for ids in by_band.values():
        if len(ids) > 1 and ids & new_ids:
            for a in ids & new_ids:
                candidates.update((min(a, b), max(a, b)) for b in ids if b != a)
    signatures = {stored.id: _unpack(stored.minhash) for stored, _ in pairs if stored.minhash is not None}
    signatures.update(_signatures(session, {i for pair in candidates for i in pair} - new_ids))
    groups = _Groups()
    for stored, _ in pairs:
        groups.find(("doc", stored.id))
    for a, b in sorted(candidates):
        if a in signatures and b in signatures and similarity(signatures[a], signatures[b]) >= NEAR_DUPLICATE:
            groups.union(("doc", a), ("doc", b))
    # The batch's own grouping, for documents of this call.
    by_doc_id = {doc.id: stored.id for stored, doc in pairs}
    for stored, doc in pairs:
        if doc.source_group and doc.source_group in by_doc_id and doc.source_group != doc.id:
            groups.union(("doc", stored.id), ("doc", by_doc_id[doc.source_group]))
    # Stored documents stand for their whole story: join through their source keys.
    linked = {i for pair in candidates for i in pair} - new_ids
    stored_members = {
        m.id: m for batch in chunks(sorted(linked)) for m in _members(session, DocumentRow.id.in_(batch))
    }
    for member in stored_members.values():
        groups.union(("doc", member.id), ("key", member.source_key or member.content_hash))
    keys = sorted({m.source_key or m.content_hash for m in stored_members.values()})
    story_members: dict[int, Member] = {}
    for batch in chunks(keys):
        story_members.update((m.id, m) for m in _members(session, DocumentRow.source_key.in_(batch)))
    story_members.update(stored_members)
    new_members = {
        stored.id: Member(stored.id, stored.doc_id, stored.content_hash, stored.published, None, None)
        for stored, _ in pairs
    }
    components: dict[object, list[Member]] = defaultdict(list)
    for member in (*new_members.values(), *story_members.values()):
        node = (
            ("doc", member.id)
            if member.id in new_members or member.id in stored_members
            else ("key", member.source_key or member.content_hash)
        )
        components[groups.find(node)].append(member)
    changed_docs: list[int] = []
    rows_by_id = {stored.id: stored for stored, _ in pairs}
    for members in components.values():
        first = min(members, key=lambda m: m.precedence)
        key = first.content_hash
        label = first.doc_id if len(members) > 1 else None
        for member in members:
            if member.id in rows_by_id:
                rows_by_id[member.id].source_key = key
                rows_by_id[member.id].source_group = label
            elif (member.source_key, member.source_group) != (key, label):
                changed_docs.append(member.id)
                session.execute(
                    update(DocumentRow)
                    .where(DocumentRow.id == member.id)
                    .values(source_key=key, source_group=label)
                )
    session.flush()
    touched: set[str] = set()
    for batch in chunks(sorted(changed_docs)):
        touched.update(
            session.scalars(select(ClaimRow.group_key).where(ClaimRow.document_id.in_(batch)).distinct())
        )
    return touched


def _signatures(session: Session, ids: Iterable[int]) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    for batch in chunks(sorted(ids)):
        for document_id, blob in session.execute(
            select(DocumentRow.id, DocumentRow.minhash).where(DocumentRow.id.in_(batch))
        ):
            if blob is not None:
                found[document_id] = _unpack(blob)
    return found


def unsigned_documents(session: Session, limit: int) -> list[tuple[DocumentRow, Document]]:
    """Documents stored before source keys existed (schema 0002), as pairs ready to sign and group."""
    rows = session.scalars(
        select(DocumentRow).where(DocumentRow.source_key.is_(None)).order_by(DocumentRow.id).limit(limit)
    )
    return [
        (row, Document(id=row.doc_id, text=row.text, skipped=[Span(s, e) for s, e in row.skipped or []]))
        for row in rows
    ]
