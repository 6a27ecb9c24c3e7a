"""The store's tables, as SQLAlchemy ORM classes.

Machine output (documents, claims, transfers and their links) can be dropped and rebuilt
at any time; analysts' edits and imported SIPRI rows live in tables of their own that a
rebuild never touches. Keys that must survive a rebuild are content-derived strings
(``documents.content_hash``, ``claims.key``, ``transfers.key``), never the integer ids.

Independence of sources: ``documents.source_key`` is the content hash of the first document
(earliest published, then smallest content hash) of the story a document carries, so a wire
story and its lightly edited reprints share one key; ``document_bands`` holds each document's
MinHash band keys so a later build finds near-copies among stored documents without comparing
every pair.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """The declarative base of every armsledger table."""


class DocumentRow(Base):
    """A stored document; one per content hash."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # also the document order
    doc_id: Mapped[str] = mapped_column(Text, index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    skipped: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    site: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    # The id of the story's first document when the document is one of several copies, else None
    # (Document.source_group); source_key is that document's content hash (its own when alone).
    source_group: Mapped[str | None] = mapped_column(Text)
    source_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # MinHash signature of the reporting text (128 little-endian uint32); None for a text without words.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)

    claims: Mapped[list[ClaimRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class DocumentBand(Base):
    """One MinHash band key of a stored document: documents sharing a key may be copies of one story."""

    __tablename__ = "document_bands"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    band_key: Mapped[int] = mapped_column(BigInteger, index=True)  # the unsigned 64-bit key, as signed


class StoreSetting(Base):
    """A named value the store keeps about itself (e.g. which MinHash function signed its documents)."""

    __tablename__ = "store_settings"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ClaimRow(Base):
    """A claim extracted from a stored document, with its evidence offsets."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    group_key: Mapped[str] = mapped_column(Text, index=True)
    supplier: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(80))
    system: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int | None] = mapped_column(Integer)
    deal: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    incremental: Mapped[bool] = mapped_column(Boolean, default=False)
    vague_quantity: Mapped[bool] = mapped_column(Boolean, default=False)

    document: Mapped[DocumentRow] = relationship(back_populates="claims")


class TransferRow(Base):
    """A register row as the machine reconciled it (before analysts' edits)."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    group_key: Mapped[str] = mapped_column(Text, index=True)
    supplier: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(80))
    system: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    number_ordered: Mapped[int | None] = mapped_column(Integer)
    year_of_order: Mapped[int | None] = mapped_column(Integer)
    number_delivered: Mapped[int | None] = mapped_column(Integer)
    years_of_delivery: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))
    deal: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    independent_sources: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claim_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TransferClaim(Base):
    """Which claims a register row was reconciled from."""

    __tablename__ = "transfer_claims"

    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"), primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EditRow(Base):
    """An analyst's decision, kept apart from machine output and applied on top of it."""

    __tablename__ = "edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    target_kind: Mapped[str] = mapped_column(String(10))  # row or claim
    target: Mapped[str] = mapped_column(Text, index=True)  # a row key or a claim key
    action: Mapped[str] = mapped_column(String(10))  # accept, reject, correct, merge, split
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC
    why: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="applied")  # applied or orphaned
    note: Mapped[str] = mapped_column(Text, default="")


class SipriRow(Base):
    """A row of an imported SIPRI trade-register export, with state names mapped to codes."""

    __tablename__ = "sipri_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    recipient_name: Mapped[str] = mapped_column(String(200))
    supplier_name: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(200), index=True)
    supplier: Mapped[str] = mapped_column(String(200), index=True)
    year_of_order: Mapped[int | None] = mapped_column(Integer)
    year_of_order_uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    number_ordered: Mapped[int | None] = mapped_column(Integer)
    number_ordered_uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    designation: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    number_delivered: Mapped[int | None] = mapped_column(Integer)
    number_delivered_uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    years_of_delivery: Mapped[list[int]] = mapped_column(JSON, default=list)
    condition: Mapped[str] = mapped_column(String(60))  # SIPRI's "status": New, Second hand, ...
    comments: Mapped[str] = mapped_column(Text)
    tiv_per_unit: Mapped[float | None] = mapped_column(Float)
    tiv_total: Mapped[float | None] = mapped_column(Float)
    tiv_delivered: Mapped[float | None] = mapped_column(Float)


Index("ix_sipri_pair", SipriRow.supplier, SipriRow.recipient)
