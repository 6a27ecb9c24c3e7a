"""Claims -> register rows: group the claims that describe one deal and choose each figure.

Pure functions over ``LedgerClaim`` records; nothing here reads files or opens a database.
Every figure of a ``Row`` carries its provenance: the rule that chose it, the claims and
documents behind it, and the claims that disagree.

The rules, in one place:

- **Grouping.** Claims with the same supplier, recipient and system (compared after folding:
  no case, no spaces or hyphens) form one group; a claim with no system stands for
  ``category:<category>``. Inside a group, ``ordered`` claims with an exact, non-incremental
  quantity and a year start a new row (a separate deal) when their year is more than
  ``DEAL_GAP_YEARS`` after the first year of the current row *and* their quantity differs from
  every quantity already in it. Every other claim joins the last row whose first year is not
  after the claim's year (claims without a year join the first row).
- **Numbers** (``number_ordered`` from ``ordered`` claims, ``number_delivered`` from
  ``delivered`` claims). Vague counts ("dozens") never set a figure. With totals only: the
  largest exact total. With increments only ("24 more"): the sum of the distinct increments
  (the same number in the same year counts once, however many documents repeat it). With both:
  the largest of each stated total plus the increments reported after it (by publication date,
  then the claims' years; an increment with nothing to tell it from the total counts as after,
  and inside one document only an increment of a later year adds). With no order figure at all,
  the number ordered is at least the number delivered. In a row that is not a production deal,
  units of a ``production`` claim (a joint venture or licence building them locally) are not
  units transferred and set no figure. Each figure's provenance spells out its arithmetic
  (``working``) and lists the figures it did not use, with the reason (``unused``).
- **Status.** The furthest stage reported (interest < planned < ordered < delivered), unless a
  cancellation is reported at least as late as every other stage (by publication date, then the
  claims' years; with nothing to tell them apart, the cancellation stands).
- **Confidence** in [0, 1]: ``(1 - 0.5 ** sources) * (0.5 + 0.5 * agreeing share)``, where
  sources are independent stories (a wire story and its reprints or lightly edited copies are
  one: ``LedgerClaim.source``) and the agreeing share is the part of the row's claims that
  neither contradict its status nor state a different number.
- **Ties** are broken by content (publication date, then content hash, then offsets), never by
  the order documents were stored, so the same documents give the same rows in any build order.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from armsledger.knowledge import fold_key
from armsledger.model import DEALS, Claim, Document

# Ordered claims this many years apart (or more) may be separate deals.
DEAL_GAP_YEARS = 3
LADDER: tuple[str, ...] = ("interest", "planned", "ordered", "delivered")
# The figures a row carries, in the order `show` prints them.
FIELDS: tuple[str, ...] = (
    "number_ordered",
    "year_of_order",
    "number_delivered",
    "years_of_delivery",
    "status",
    "deal",
)


@dataclass(frozen=True, slots=True)
class LedgerClaim:
    """A claim with what the ledger needs to know about its document."""

    key: str
    doc: str  # the document's id as read ("d010")
    doc_hash: str  # its content hash: documents with one hash are one document
    published: str | None  # YYYY-MM-DD or None
    seq: int  # the order documents were first stored (kept for callers; no rule uses it)
    supplier: str
    recipient: str
    system: str | None
    category: str
    quantity: int | None
    deal: str
    status: str
    year: int | None
    evidence: str
    start: int
    end: int
    incremental: bool = False
    vague_quantity: bool = False
    # The story the document carries: copies and near-copies share it (default: the document itself).
    source: str = ""

    @property
    def independent_source(self) -> str:
        """The source this claim confirms: its story, else its document."""
        return self.source or self.doc_hash

    @property
    def group(self) -> str:
        """The supplier/recipient/system (or category) key of the deal this claim is about."""
        return group_key(self.supplier, self.recipient, self.system, self.category)

    @property
    def order(self) -> tuple[str, str]:
        """When its source spoke: publication date (undated sources first), then content hash for ties."""
        return (self.published or "", self.doc_hash)

    @property
    def exact_quantity(self) -> int | None:
        """The quantity when it is exact; vague counts are no figure."""
        return None if self.vague_quantity else self.quantity


def system_key(system: str | None, category: str) -> str:
    """How a claim's system is compared: folded designation, or ``category:<category>``."""
    folded = fold_key(system) if system else ""
    return folded or f"category:{category}"


def group_key(supplier: str, recipient: str, system: str | None, category: str) -> str:
    """The row key of a deal's first (or only) row: ``SUPPLIER/RECIPIENT/system``."""
    return f"{supplier}/{recipient}/{system_key(system, category)}"


def claim_key(content_hash: str, claim: Claim) -> str:
    """A claim's stable key: the same document, offsets and reading give the same key on every rebuild."""
    parts = (
        content_hash,
        str(claim.start),
        str(claim.end),
        claim.supplier,
        claim.recipient,
        claim.system or f"category:{claim.category}",
        claim.status,
    )
    return "c-" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def ledger_claim(claim: Claim, doc: Document, seq: int, source: str = "") -> LedgerClaim:
    """A claim extracted from a document, ready for the ledger."""
    return LedgerClaim(
        key=claim_key(doc.content_hash, claim),
        doc=doc.id,
        doc_hash=doc.content_hash,
        published=doc.published,
        seq=seq,
        supplier=claim.supplier,
        recipient=claim.recipient,
        system=claim.system,
        category=claim.category,
        quantity=claim.quantity,
        deal=claim.deal,
        status=claim.status,
        year=claim.year,
        evidence=claim.evidence,
        start=claim.start,
        end=claim.end,
        incremental=claim.incremental,
        vague_quantity=claim.vague_quantity,
        source=source,
    )


@dataclass(slots=True)
class Provenance:
    """Why a field has its value: the rule, the claims and documents behind it, and dissent.

    ``working`` is the rule applied to this row in words and numbers ("12 (2019, doc a) + 24 more
    (year not stated, doc b) = 36"); ``unused`` lists the figures the rule did not use, each as
    ``{"claim", "doc", "value", "why"}``.
    """

    rule: str
    claims: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    disagree: list[str] = field(default_factory=list)
    working: str = ""
    unused: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A plain dict for storage and export."""
        return {
            "rule": self.rule,
            "claims": self.claims,
            "documents": self.documents,
            "disagree": self.disagree,
            "working": self.working,
            "unused": self.unused,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Provenance:
        """The inverse of to_json (rows stored before ``working`` and ``unused`` existed read as empty)."""
        # Lists as they come: from_json reads freshly decoded JSON, hundreds of thousands of times.
        return cls(
            data["rule"],
            data.get("claims") or [],
            data.get("documents") or [],
            data.get("disagree") or [],
            data.get("working") or "",
            data.get("unused") or [],
        )


@dataclass(slots=True)
class Row:
    """One register row: a deal with its figures, each traced to claims."""

    key: str
    group: str
    supplier: str
    recipient: str
    system: str | None
    category: str
    number_ordered: int | None
    year_of_order: int | None
    number_delivered: int | None
    years_of_delivery: list[int]
    status: str
    deal: str
    confidence: float
    claims: list[str]
    documents: list[str]
    provenance: dict[str, Provenance]
    # Independent stories among the documents (copies of one wire story count once).
    independent_sources: int = 0

    def to_json(self) -> dict[str, Any]:
        """Every field as plain JSON values."""
        return {
            "key": self.key,
            "group": self.group,
            "supplier": self.supplier,
            "recipient": self.recipient,
            "system": self.system,
            "category": self.category,
            "number_ordered": self.number_ordered,
            "year_of_order": self.year_of_order,
            "number_delivered": self.number_delivered,
            "years_of_delivery": self.years_of_delivery,
            "status": self.status,
            "deal": self.deal,
            "confidence": self.confidence,
            "claims": self.claims,
            "documents": self.documents,
            "independent_sources": self.independent_sources,
            "provenance": {k: v.to_json() for k, v in self.provenance.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        """The inverse of to_json."""
        values = dict(data)
        values["years_of_delivery"] = list(values.get("years_of_delivery") or [])
        values["provenance"] = {k: Provenance.from_json(v) for k, v in (data.get("provenance") or {}).items()}
        return cls(**values)


def _sorted(claims: Iterable[LedgerClaim]) -> list[LedgerClaim]:
    return sorted(claims, key=lambda c: (c.order, c.start, c.end, c.key))


def _docs(claims: Iterable[LedgerClaim]) -> list[str]:
    seen: dict[str, None] = {}
    for c in _sorted(claims):
        seen.setdefault(c.doc, None)
    return list(seen)


def _doc_list(claims: Iterable[LedgerClaim]) -> str:
    docs = _docs(claims)
    return f"{'docs' if len(docs) > 1 else 'doc'} {', '.join(docs)}"


def _keys(claims: Iterable[LedgerClaim]) -> list[str]:
    return [c.key for c in _sorted(claims)]


def _split_deals(claims: list[LedgerClaim]) -> list[tuple[int | None, list[LedgerClaim]]]:
    """One group's claims cut into deals by the grouping rule; each with its first order year."""
    anchors = sorted(
        (
            c
            for c in claims
            if c.status == "ordered"
            and c.year is not None
            and c.exact_quantity is not None
            and not c.incremental
        ),
        key=lambda c: (c.year, c.order, c.key),
    )
    deals: list[tuple[int, set[int]]] = []  # (first year, quantities)
    for c in anchors:
        assert c.year is not None and c.exact_quantity is not None
        if deals and (c.year - deals[-1][0] <= DEAL_GAP_YEARS or c.exact_quantity in deals[-1][1]):
            deals[-1][1].add(c.exact_quantity)
        else:
            deals.append((c.year, {c.exact_quantity}))
    if len(deals) <= 1:
        return [(deals[0][0] if deals else None, list(claims))]
    members: list[list[LedgerClaim]] = [[] for _ in deals]
    for c in claims:
        index = 0
        if c.year is not None:
            for i, (first, _) in enumerate(deals):
                if first <= c.year:
                    index = i
        members[index].append(c)
    return [(deals[i][0], members[i]) for i in range(len(deals))]


def group_claims(claims: Iterable[LedgerClaim]) -> dict[str, list[LedgerClaim]]:
    """Claims by the key of the row they belong to, keys sorted."""
    by_group: dict[str, list[LedgerClaim]] = defaultdict(list)
    for c in claims:
        by_group[c.group].append(c)
    rows: dict[str, list[LedgerClaim]] = {}
    for group in sorted(by_group):
        for i, (first_year, members) in enumerate(_split_deals(_sorted(by_group[group]))):
            # The first deal keeps the plain group key, so an edit on it survives a later split.
            rows[group if i == 0 else f"{group}/{first_year}"] = members
    return dict(sorted(rows.items()))


def reconcile(claims: Iterable[LedgerClaim]) -> list[Row]:
    """Every register row the claims support, in row-key order."""
    return [summarise(key, members) for key, members in group_claims(claims).items()]


def _distinct_increments(increments: list[LedgerClaim]) -> list[LedgerClaim]:
    """Increments with the same number and year counted once, however many sources repeat them."""
    seen: set[tuple[int | None, int | None]] = set()
    distinct = []
    for c in _sorted(increments):
        if (c.exact_quantity, c.year) not in seen:
            seen.add((c.exact_quantity, c.year))
            distinct.append(c)
    return distinct


def _before(total: LedgerClaim, increment: LedgerClaim) -> bool:
    """Whether a stated total came before an increment, so the increment adds to it."""
    if total.doc_hash == increment.doc_hash:
        # One document: "12 in 2019, and 24 more this year" adds; "24 more, 36 in all" does not.
        return total.year is not None and increment.year is not None and total.year < increment.year
    if total.published and increment.published and total.published != increment.published:
        return total.published < increment.published
    if total.year is not None and increment.year is not None and total.year != increment.year:
        return total.year < increment.year
    # An increment presupposes an earlier figure: with nothing to tell them apart, it counts as after.
    return True


def _year(c: LedgerClaim) -> str:
    return str(c.year) if c.year is not None else "no year"


def _label(c: LedgerClaim) -> str:
    """A claim's figure as the working shows it: ``24 more (2021, doc b)``."""
    more = " more" if c.incremental else ""
    return f"{c.exact_quantity}{more} ({_year(c)}, doc {c.doc})"


def _unused(c: LedgerClaim, why: str) -> dict[str, str]:
    if c.vague_quantity:
        value = "vague" if c.quantity is None else f"vague ({c.quantity})"
    elif c.quantity is None:
        value = "no number"
    else:
        value = f"{c.quantity}{' more' if c.incremental else ''}"
    return {"claim": c.key, "doc": c.doc, "value": value, "why": why}


def _figure(claims: list[LedgerClaim], stage: str) -> tuple[int | None, Provenance]:
    """A number of units from claims of one stage, by the totals/increments rules, with its working."""
    vague = [c for c in claims if c.vague_quantity]
    exact = [c for c in claims if c.exact_quantity is not None]
    totals = [c for c in exact if not c.incremental]
    increments = [c for c in exact if c.incremental]
    distinct = _distinct_increments(increments)
    note = f" ({len(vague)} vague count(s) ignored)" if vague else ""
    unused = [_unused(c, "a vague count, never a figure") for c in _sorted(vague)]
    if not exact:
        return None, Provenance(f"no exact figure among {stage} claims{note}", unused=unused)
    added: LedgerClaim | None = None  # the total the increments were added to, if they were
    if not increments:
        value = max(c.exact_quantity or 0 for c in totals)
        basis = [c for c in totals if c.exact_quantity == value]
        rule = f"largest exact total among {stage} claims{note}"
        working = " and ".join(_label(c) for c in _sorted(basis))
    elif not totals:
        basis = distinct
        value = sum(c.exact_quantity or 0 for c in basis)
        rule = f"sum of increments among {stage} claims (each number and year counted once){note}"
        working = " + ".join(_label(c) for c in basis) + f" = {value}"
    else:
        value = max(c.exact_quantity or 0 for c in totals)
        basis = [c for c in totals if c.exact_quantity == value]
        # Each stated total, plus the increments reported after it; the largest wins.
        for total in _sorted(totals):
            later = [c for c in distinct if _before(total, c)]
            candidate = (total.exact_quantity or 0) + sum(c.exact_quantity or 0 for c in later)
            if later and candidate > value:
                value, basis, added = candidate, [total, *later], total
        if sum(c.exact_quantity or 0 for c in distinct) > value:
            value, basis, added = sum(c.exact_quantity or 0 for c in distinct), distinct, None
        rule = (
            f"largest of: each exact total among {stage} claims plus the increments reported after it "
            f"(by date; an undated increment counts as after), or the increments alone when larger{note}"
        )
        if len(basis) > 1 and any(c.incremental for c in basis):
            working = " + ".join(_label(c) for c in basis) + f" = {value}"
        else:
            working = " and ".join(_label(c) for c in _sorted(basis))
            working += ", more than any earlier total plus the increments after it"
    used = {c.key for c in basis}
    counted = {(c.exact_quantity, c.year): c for c in basis if c.incremental}
    for c in _sorted(exact):
        if c.key in used or (not c.incremental and c.exact_quantity == value):
            continue  # behind the figure, or stating the same total
        if not c.incremental:
            why = f"a {'smaller' if (c.exact_quantity or 0) < value else 'different'} total than the {value} chosen"
        elif (c.exact_quantity, c.year) in counted:
            why = f"the same increment as {counted[(c.exact_quantity, c.year)].key}, counted once"
        elif added is not None and not _before(added, c):
            why = f"reported before the total of {added.exact_quantity} it adds to, so counted in it"
        else:
            why = f"not added: the {value} chosen is larger with it left out"
        unused.append(_unused(c, why))
    disagree = [c for c in totals if c.exact_quantity != value and c.key not in used]
    return value, Provenance(rule, _keys(basis), _docs(basis), _keys(disagree), working, unused)


def _spoke_later(a: LedgerClaim, b: LedgerClaim) -> bool:
    """Whether claim a was reported after claim b: by publication date, then by the claims' years."""
    if (a.published or "") != (b.published or ""):
        return (a.published or "") > (b.published or "")
    return a.year is not None and b.year is not None and a.year > b.year


def _status(claims: list[LedgerClaim]) -> tuple[str, Provenance, list[LedgerClaim]]:
    """The furthest stage, or cancelled when the latest source says so; and the claims that contradict it."""
    cancelled = [c for c in claims if c.status == "cancelled"]
    live = [c for c in claims if c.status in LADDER]
    revived = [c for c in live if all(_spoke_later(c, x) for x in cancelled)]
    if cancelled and not revived:
        basis = [c for c in cancelled if not any(_spoke_later(x, c) for x in cancelled)]
        rule = (
            "cancelled: no later source reports the deal going ahead"
            if live
            else "cancelled: only cancellations reported"
        )
        working = f"cancelled ({_doc_list(basis)})"
        if live:
            working += f"; {len(live)} claim(s) of earlier stages are not reported later than it"
        return "cancelled", Provenance(rule, _keys(basis), _docs(basis), _keys(live), working), live
    if not live:
        return "interest", Provenance("no stage reported", [], [], []), []
    furthest = max(LADDER.index(c.status) for c in live)
    status = LADDER[furthest]
    basis = [c for c in live if c.status == status]
    rule = "furthest stage reported (interest < planned < ordered < delivered)"
    working = f"{status}, reported by {len(basis)} claim(s) in {len(_docs(basis))} document(s)"
    if cancelled:
        rule += "; a later source reports it after the cancellation"
        working += f"; the cancellation ({_doc_list(cancelled)}) came earlier"
    return status, Provenance(rule, _keys(basis), _docs(basis), _keys(cancelled), working), cancelled


def _deal(claims: list[LedgerClaim]) -> tuple[str, Provenance]:
    known = Counter(c.deal for c in claims if c.deal != "unknown")
    if not known:
        return "unknown", Provenance("no deal type reported", [], [], [])
    rank = {d: i for i, d in enumerate(DEALS)}
    deal = min(known, key=lambda d: (-known[d], rank.get(d, len(rank)), d))
    basis = [c for c in claims if c.deal == deal]
    others = [c for c in claims if c.deal not in (deal, "unknown")]
    working = f"{deal} in {known[deal]} claim(s)" + "".join(
        f", {d} in {n}" for d, n in sorted(known.items(), key=lambda kv: (-kv[1], kv[0])) if d != deal
    )
    unknown = len(claims) - sum(known.values())
    if unknown:
        working += f", not stated in {unknown}"
    return deal, Provenance(
        "most frequent deal type among claims (unknown ignored)",
        _keys(basis),
        _docs(basis),
        _keys(others),
        working,
    )


def _most_common(values: Sequence[str]) -> str:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v))


def confidence(documents: int, agreeing: int, total: int) -> float:
    """``(1 - 0.5 ** sources) * (0.5 + 0.5 * agreeing / total)``, rounded to 3 places."""
    if documents <= 0 or total <= 0:
        return 0.0
    return round((1 - 0.5**documents) * (0.5 + 0.5 * agreeing / total), 3)


def _production_apart(members: list[LedgerClaim], deal: str) -> tuple[list[LedgerClaim], list[LedgerClaim]]:
    """The claims whose figures count, and the production claims set apart in a row that is not production."""
    if deal == "production":
        return members, []
    apart = [c for c in members if c.deal == "production"]
    return [c for c in members if c.deal != "production"], apart


def summarise(key: str, claims: Iterable[LedgerClaim]) -> Row:
    """One register row from the claims about one deal."""
    members = _sorted(claims)
    if not members:
        raise ValueError(f"row {key} has no claims")
    first = members[0]
    systems = [c.system for c in members if c.system]
    category = _most_common([c.category for c in members])
    provenance: dict[str, Provenance] = {}
    deal, provenance["deal"] = _deal(members)
    counted, apart = _production_apart(members, deal)
    ordered = [c for c in counted if c.status == "ordered"]
    delivered = [c for c in counted if c.status == "delivered"]

    number_delivered, provenance["number_delivered"] = _figure(delivered, "delivered")
    number_ordered, provenance["number_ordered"] = _figure(ordered, "ordered")
    if number_ordered is None and number_delivered is not None:
        number_ordered = number_delivered
        source = provenance["number_delivered"]
        provenance["number_ordered"] = Provenance(
            "no order figure: at least the number delivered",
            list(source.claims),
            list(source.documents),
            [],
            f"at least the {number_delivered} delivered ({source.working})",
            provenance["number_ordered"].unused,
        )
    kind = f"this {deal}" if deal != "unknown" else "this row"
    produced = f"units built under a production deal (a joint venture or licence), not transferred in {kind}"
    for c in apart:
        if c.quantity is not None:
            name = "number_delivered" if c.status == "delivered" else "number_ordered"
            provenance[name].unused.append(_unused(c, produced))
    provenance["number_ordered"].unused += [
        _unused(c, f"a {c.status} claim: only ordered claims set the number ordered")
        for c in counted
        if c.status in ("interest", "planned", "cancelled") and c.quantity is not None
    ]

    dated = [c for c in ordered if c.year is not None]
    if dated:
        year_of_order = min(c.year for c in dated if c.year is not None)
        basis = [c for c in dated if c.year == year_of_order]
        disagree = [c for c in dated if c.year != year_of_order and not c.incremental]
        later = sorted({c.year for c in dated if c.year is not None and c.year != year_of_order})
        docs = _docs(basis)
        working = f"{year_of_order} ({'docs' if len(docs) > 1 else 'doc'} {', '.join(docs)})"
        if later:
            working += "; later years among ordered claims: " + ", ".join(map(str, later))
        provenance["year_of_order"] = Provenance(
            "earliest year among ordered claims", _keys(basis), _docs(basis), _keys(disagree), working
        )
    else:
        year_of_order = None
        provenance["year_of_order"] = Provenance("no year among ordered claims")

    delivered_dated = [c for c in delivered if c.year is not None]
    years_of_delivery = sorted({c.year for c in delivered_dated if c.year is not None})
    provenance["years_of_delivery"] = Provenance(
        "every year among delivered claims" if delivered_dated else "no year among delivered claims",
        _keys(delivered_dated),
        _docs(delivered_dated),
        [],
        "; ".join(f"{y} ({_doc_list(c for c in delivered_dated if c.year == y)})" for y in years_of_delivery),
    )

    status, provenance["status"], contradicting = _status(members)

    dissent = set(contradicting) | {
        c
        for c in members
        if c.key in provenance["number_ordered"].disagree or c.key in provenance["number_delivered"].disagree
    }
    sources = len({c.independent_source for c in members})
    documents = _docs(members)
    agreeing = len(members) - len(dissent)
    score = confidence(sources, agreeing, len(members))
    copies = len({c.doc_hash for c in members}) - sources
    provenance["confidence"] = Provenance(
        "(1 - 0.5^sources) x (0.5 + 0.5 x agreeing claims / claims); copies of one story are one source",
        _keys(c for c in members if c not in dissent),
        documents,
        _keys(dissent),
        f"(1 - 0.5^{sources}) x (0.5 + 0.5 x {agreeing}/{len(members)}) = {score:.3f}: "
        f"{sources} independent source(s) in {len(documents)} document(s)"
        + (f" ({copies} a copy or near-copy of another)" if copies else "")
        + f"; {agreeing} of {len(members)} claim(s) agree with the row",
    )
    return Row(
        key=key,
        group=first.group,
        supplier=first.supplier,
        recipient=first.recipient,
        system=_most_common(systems) if systems else None,
        category=category,
        number_ordered=number_ordered,
        year_of_order=year_of_order,
        number_delivered=number_delivered,
        years_of_delivery=years_of_delivery,
        status=status,
        deal=deal,
        confidence=score,
        claims=_keys(members),
        documents=documents,
        provenance={**{f: provenance[f] for f in FIELDS}, "confidence": provenance["confidence"]},
        independent_sources=sources,
    )
