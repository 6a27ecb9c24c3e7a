"""The data model: the vocabulary every stage of armsledger speaks.

Offsets are the provenance: every Span, Mention and Claim points into
``Document.text`` with half-open character offsets ``[start, end)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# SIPRI's weapon categories, as the annotation guidelines spell them.
CATEGORIES: tuple[str, ...] = (
    "aircraft",
    "air-defence",
    "anti-submarine",
    "armoured-vehicles",
    "artillery",
    "engines",
    "missiles",
    "naval-weapons",
    "satellites",
    "sensors",
    "ships",
    "other",
)
DEALS: tuple[str, ...] = ("sale", "aid", "production", "lease", "unknown")
# Ordered from the earliest stage of a deal to the latest; cancelled stands apart.
STATUSES: tuple[str, ...] = ("interest", "planned", "ordered", "delivered", "cancelled")
CORE_STATUSES: frozenset[str] = frozenset({"ordered", "delivered", "cancelled"})

Category = str


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a document's text."""

    start: int
    end: int


@dataclass(slots=True)
class Document:
    """One article or report, as read from a source."""

    id: str
    text: str
    url: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD, or None
    title: str | None = None
    source: str | None = None  # the file (and line) it was read from
    # Stretches of text that are not reporting (reader comments, navigation,
    # captions, biographies); extraction skips them, the web app dims them.
    skipped: list[Span] = field(default_factory=list)
    site: str | None = None  # the publication's name, when the source states it (HTML, feeds)
    author: str | None = None
    # The id of the first document carrying the same story (an exact copy or a wire story
    # reprinted with small edits); None when no copy is known. Documents with the same
    # `source_group or id` are one source, not independent confirmations.
    source_group: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text: two documents with the same hash are one document."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def year(self) -> int | None:
        """The publication year, when the publication date is known."""
        if self.published and len(self.published) >= 4 and self.published[:4].isdigit():
            return int(self.published[:4])
        return None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: its span and its text."""

    start: int
    end: int
    text: str


MentionKind = Literal["state", "company", "system", "equipment", "quantity", "year", "group"]


@dataclass(frozen=True, slots=True)
class Mention:
    """Something named in a sentence: a state, a company, a weapon system, a quantity..."""

    kind: MentionKind
    start: int  # offsets into the document text
    end: int
    text: str
    # What the mention resolves to: an ISO3 code for a state or company, a
    # designation for a system, a category for equipment, a number for a quantity.
    value: Any
    category: str | None = None  # weapon category for system/equipment mentions
    # The state a system or company belongs to (maker's state), when known.
    state: str | None = None
    # For states: how it was written ("name", "capital", "demonym", "alias").
    form: str | None = None
    # For catalog systems: the maker's name ("BAE Systems Hägglunds" for the CV90).
    maker: str | None = None


@dataclass(slots=True)
class Claim:
    """One arms-transfer statement: who supplies what to whom, at what stage."""

    supplier: str
    recipient: str
    system: str | None
    category: Category
    quantity: int | None
    deal: str
    status: str
    year: int | None
    evidence: str
    start: int
    end: int
    doc: str = ""
    # True when the quantity is an increment ("24 more", "another batch"),
    # so the ledger adds it rather than reading it as a total.
    incremental: bool = False
    # True when the quantity was vague ("dozens"), so no number was kept.
    vague_quantity: bool = False
    # The designation as the text writes it when it names a variant of ``system``, the
    # catalog's designation ("Su-30MKI" of the Su-30). Claims files show it as "system",
    # as the guidelines ask ("the designation as commonly written"); the register groups
    # claims by the catalog's ``system``.
    variant: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The claim in the JSONL shape of the annotation guidelines, plus offsets."""
        return {
            "supplier": self.supplier,
            "recipient": self.recipient,
            "system": self.variant or self.system,
            "category": self.category,
            "quantity": self.quantity,
            "deal": self.deal,
            "status": self.status,
            "year": self.year,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
        }

    def key(self) -> tuple[str, str, str, str]:
        """Supplier, recipient, system (or category) and status: what makes a claim distinct."""
        return (self.supplier, self.recipient, self.system or f"category:{self.category}", self.status)

    def as_dict(self) -> dict[str, Any]:
        """Every field, for storage."""
        return asdict(self)
