"""What each page shows, as plain data: the HTML pages and the JSON API both build on these.

Nothing here renders; everything reads through the store's queries and the analysis module.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, or_, select

from armsledger.analysis.network import network_summary, transfers
from armsledger.analysis.relations import default_relations
from armsledger.analysis.timeline import claims_by_status, pair_timeline
from armsledger.commands.analyze import records
from armsledger.curation import EDITABLE, Edit
from armsledger.errors import ArmsledgerError, InputError
from armsledger.reconcile import FIELDS, LedgerClaim, Row
from armsledger.store import Store, StoreError
from armsledger.store.queries import chunks, claims_by_key
from armsledger.store.queries import search as store_search
from armsledger.store.schema import ClaimRow, DocumentRow
from armsledger.web.curate import as_text, concerns
from armsledger.web.highlight import Mark, runs, skipped_marks
from armsledger.web.inputs import check_text, whole_number
from armsledger.web.snapshot import Snapshot

# Fields in the order a row page lists them: who and what first, then the figures.
ROW_FIELDS: tuple[str, ...] = ("supplier", "recipient", "system", "category", *FIELDS)
_MARKED = re.compile(r"\[([^\[\]]*)\]")


class NotFound(ArmsledgerError):
    """No such row, claim, document, state or job (404)."""


def claim_json(claim: LedgerClaim, row: str | None, snap: Snapshot) -> dict[str, Any]:
    """A stored claim as JSON, with the register row it belongs to and its version (for accept or reject)."""
    data = asdict(claim)
    data["row"] = row
    data["version"] = snap.version(claim.key)
    return data


def row_json(snap: Snapshot, row: Row) -> dict[str, Any]:
    """A register row as JSON, with what analysts did to it and how it compares with SIPRI."""
    data = row.to_json()
    data["edits"] = snap.view.notes(row)
    data["sipri"] = snap.view.sipri_note(row)
    data["rejected"] = row.key in snap.rejected
    data["accepted"] = row.key in snap.view.curated.accepted and row.key not in snap.rejected
    data["version"] = snap.version(row.key)
    return data


def edit_json(edit: Edit, snap: Snapshot) -> dict[str, Any]:
    """An edit as JSON, with whether it applies to the register now."""
    data = edit.to_json()
    data["status"], data["note"] = snap.view.curated.outcomes.get(edit.uid, (edit.status, edit.note))
    return data


class MergedAway(NotFound):
    """The row was merged into another (404, or a redirect for a page); ``into`` names that row."""

    def __init__(self, message: str, into: str) -> None:
        super().__init__(message)
        self.into = into


def merged_into(snap: Snapshot, key: str) -> Edit | None:
    """The applied merge that took the row into another, if that is where it went."""
    merges = [
        e
        for e in snap.view.edits
        if e.action == "merge"
        and e.new_value == key
        and snap.view.curated.outcomes.get(e.uid, ("applied", ""))[0] == "applied"
    ]
    return merges[-1] if merges else None


EDITS_PER_PAGE = 100
MAX_EDITS_PER_PAGE = 1000


def edits_page(
    snap: Snapshot, target: str | None, page: str | None, per_page: str | None, newest_first: bool = False
) -> dict[str, Any]:
    """The edits (of one target, or all) a page at a time, each with whether it applies now."""
    number = whole_number(page, "page", 1, 10**9) if page else 1
    size = whole_number(per_page, "per_page", 1, MAX_EDITS_PER_PAGE) if per_page else EDITS_PER_PAGE
    chosen = [e for e in snap.view.edits if target is None or e.target == target]
    if newest_first:
        chosen.reverse()
    start = (number - 1) * size
    return {
        "edits": [edit_json(e, snap) for e in chosen[start : start + size]],
        "total": len(chosen),
        "page": number,
        "pages": max(1, -(-len(chosen) // size)),
        "per_page": size,
    }


def _row(snap: Snapshot, key: str) -> Row:
    row = snap.by_key.get(key)
    if row is None:
        merge = merged_into(snap, key)
        if merge is not None:
            raise MergedAway(
                f"row {key} was merged into {merge.target} by {merge.who} on {merge.at[:10]}"
                + (f" (\u201c{merge.why}\u201d)" if merge.why else "")
                + f"; its claims are in {merge.target} now",
                merge.target,
            )
        # Close keys among the rows between the same two parties (a scan of every key is too slow).
        near = snap.keys_between("/".join(key.split("/", 2)[:2]))
        close = difflib.get_close_matches(key, near, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; the register lists the rows"
        raise NotFound(f"no register row {key[:200]!r}{hint}")
    return row


def _documents_by_hash(store: Store, hashes: set[str]) -> dict[str, DocumentRow]:
    found: dict[str, DocumentRow] = {}
    with store.reading() as session:
        for batch in chunks(sorted(hashes)):
            for doc in session.scalars(select(DocumentRow).where(DocumentRow.content_hash.in_(batch))):
                found[doc.content_hash] = doc
    return found


def _document_json(doc: DocumentRow) -> dict[str, Any]:
    return {
        "doc": doc.doc_id,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "url": doc.url,
        "published": doc.published,
        "source": doc.source,
        "chars": len(doc.text),
        "skipped": [list(s) for s in doc.skipped or []],
    }


def row_history(snap: Snapshot, row: Row) -> list[dict[str, Any]]:
    """Every edit about the row or its claims, oldest first, with its status now."""
    mine = set(row.claims)
    return [edit_json(e, snap) for e in snap.view.edits if concerns(e, row.key, mine)]


def row_detail(store: Store, snap: Snapshot, key: str) -> dict[str, Any]:
    """A row: every field with its provenance, its sources highlighted in their documents, its history."""
    row = _row(snap, key)
    wanted = set(row.claims)
    for prov in row.provenance.values():
        wanted.update(prov.disagree)
    with store.reading() as session:
        claims = claims_by_key(session, wanted)
    docs = _documents_by_hash(store, {c.doc_hash for c in claims.values()})
    fields = []
    for name in ROW_FIELDS:
        prov = row.provenance.get(name)
        value = getattr(row, name)
        fields.append(
            {
                "name": name,
                "value": value,
                "text": as_text(value),
                "editable": name in EDITABLE,
                "expects": EDITABLE.get(name, ""),
                "rule": prov.rule if prov else "the claims' own value (rows are grouped by it)",
                "claims": prov.claims if prov else [],
                "documents": prov.documents if prov else [],
                "disagree": prov.disagree if prov else [],
            }
        )
    by_doc: dict[str, list[LedgerClaim]] = defaultdict(list)
    for ckey in row.claims:
        if ckey in claims:
            by_doc[claims[ckey].doc_hash].append(claims[ckey])
    sources = []
    for doc_hash, members in by_doc.items():
        doc = docs.get(doc_hash)
        if doc is None:
            continue
        marks = [Mark(c.start, c.end, "focus", c.key) for c in members] + skipped_marks(doc.skipped)
        sources.append(
            {
                "document": _document_json(doc),
                "claims": [claim_json(c, row.key, snap) for c in sorted(members, key=lambda c: c.start)],
                "runs": runs(doc.text, marks),
            }
        )
    missing = [k for k in row.claims if k not in claims]
    data = row_json(snap, row)
    data.update(
        fields=fields,
        confidence=row.confidence,
        sources=sources,
        missing_claims=missing,
        disagreeing=[
            claim_json(claims[k], snap.row_of_claim.get(k), snap)
            for k in sorted(wanted - set(row.claims))
            if k in claims
        ],
        history=row_history(snap, row),
        supplier_name=snap.kb.state_name(row.supplier),
        recipient_name=snap.kb.state_name(row.recipient),
    )
    return data


def _document_row(store: Store, doc_id: str, content_hash: str | None) -> DocumentRow:
    with store.reading() as session:
        stmt = select(DocumentRow).where(DocumentRow.doc_id == doc_id).order_by(DocumentRow.id)
        if content_hash:
            stmt = stmt.where(DocumentRow.content_hash == content_hash)
        doc = session.scalars(stmt.limit(1)).first()
    if doc is None:
        raise NotFound(
            f"no stored document {doc_id[:200]!r}; search (/search, GET /api/documents?q=) finds documents "
            "by their words"
        )
    return doc


def document_claims(store: Store, snap: Snapshot, doc: DocumentRow) -> list[dict[str, Any]]:
    """The claims found in a stored document, in text order."""
    with store.reading() as session:
        keys = list(session.scalars(select(ClaimRow.key).where(ClaimRow.document_id == doc.id)))
        claims = claims_by_key(session, keys)
    ordered = sorted(claims.values(), key=lambda c: (c.start, c.end, c.key))
    return [claim_json(c, snap.row_of_claim.get(c.key), snap) for c in ordered]


def document_detail(
    store: Store, snap: Snapshot, doc_id: str, content_hash: str | None = None
) -> dict[str, Any]:
    """A document: its text with every claim highlighted and the skipped stretches marked."""
    doc = _document_row(store, doc_id, content_hash)
    claims = document_claims(store, snap, doc)
    marks = [Mark(c["start"], c["end"], "claim", c["key"]) for c in claims] + skipped_marks(doc.skipped)
    data = _document_json(doc)
    data.update(text=doc.text, claims=claims, runs=runs(doc.text, marks))
    return data


DOCUMENTS_PER_PAGE = 50
MAX_DOCUMENTS_PER_PAGE = 500
_DAY = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _day(raw: str | None, name: str) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not _DAY.fullmatch(text):
        raise InputError(f"{name} {text[:40]!r}: expected a date such as 2021, 2021-06 or 2021-06-30")
    return text


def _literal(text: str) -> str:
    """Text for a LIKE pattern, its wildcards escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def documents_page(
    store: Store,
    q: str | None = None,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    page: str | None = None,
    per_page: str | None = None,
) -> dict[str, Any]:
    """Stored documents in the order they were stored, a page at a time, filtered by words, site and date."""
    number = whole_number(page, "page", 1, 10**9) if page else 1
    size = whole_number(per_page, "per_page", 1, MAX_DOCUMENTS_PER_PAGE) if per_page else DOCUMENTS_PER_PAGE
    low, high = _day(since, "since"), _day(until, "until")
    if low and high and low > high:
        raise InputError(f"since {low} is after until {high}")
    stmt = select(DocumentRow)
    words = check_text(q or "", "q", 200).strip().lower()
    if words:
        # Every word in the title or the text, case ignored (no index: fine for a review list, not a search).
        body = func.lower(func.coalesce(DocumentRow.title, "") + " " + DocumentRow.text)
        for word in words.split():
            stmt = stmt.where(body.like(f"%{_literal(word)}%", escape="\\"))
    host = check_text(site or "", "site", 200).strip().lower()
    if host:
        # The publication's name as the source gives it, or the host of the document's address.
        url = func.lower(func.coalesce(DocumentRow.url, ""))
        stmt = stmt.where(
            or_(
                func.lower(DocumentRow.site) == host,
                url.like(f"%://{_literal(host)}/%", escape="\\"),
                url.like(f"%.{_literal(host)}/%", escape="\\"),
            )
        )
    if low:
        stmt = stmt.where(DocumentRow.published >= low)
    if high:
        # '2021' runs to the end of 2021: compare as many characters as were given.
        stmt = stmt.where(func.substr(DocumentRow.published, 1, len(high)) <= high)
    with store.reading() as session:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        docs = list(session.scalars(stmt.order_by(DocumentRow.id).offset((number - 1) * size).limit(size)))
        counts = dict(
            session.execute(
                select(ClaimRow.document_id, func.count())
                .where(ClaimRow.document_id.in_([d.id for d in docs]))
                .group_by(ClaimRow.document_id)
            ).all()
        )
    items = []
    for doc in docs:
        data = _document_json(doc)
        data.pop("skipped")
        data.update(site=doc.site, claims=counts.get(doc.id, 0))
        items.append(data)
    return {
        "documents": items,
        "total": total,
        "page": number,
        "pages": max(1, -(-total // size)),
        "per_page": size,
    }


def states_list(snap: Snapshot) -> list[dict[str, Any]]:
    """Every state or group in the register, with its rows as supplier and as recipient, most rows first."""
    supplies: dict[str, int] = defaultdict(int)
    receives: dict[str, int] = defaultdict(int)
    for r in snap.rows:
        supplies[r.supplier] += 1
        receives[r.recipient] += 1
    codes = set(supplies) | set(receives)
    found = [
        {
            "code": code,
            "name": snap.kb.state_name(code),
            "as_supplier": supplies.get(code, 0),
            "as_recipient": receives.get(code, 0),
            "rows": supplies.get(code, 0) + receives.get(code, 0),
        }
        for code in codes
    ]
    return sorted(found, key=lambda s: (-s["rows"], s["code"]))


def claims_page(
    store: Store, snap: Snapshot, page: int, per_page: int, doc: str | None = None, row: str | None = None
) -> dict[str, Any]:
    """Stored claims, a page at a time: all of them, a document's, or a row's."""
    if doc and row:
        raise InputError("give doc or row, not both")
    if doc:
        found = document_claims(store, snap, _document_row(store, doc, None))
    elif row:
        target = _row(snap, row)
        with store.reading() as session:
            claims = claims_by_key(session, target.claims)
        found = [claim_json(claims[k], target.key, snap) for k in target.claims if k in claims]
    else:
        with store.reading() as session:
            total = session.scalar(select(func.count()).select_from(ClaimRow)) or 0
            keys = list(
                session.scalars(
                    select(ClaimRow.key).order_by(ClaimRow.id).offset((page - 1) * per_page).limit(per_page)
                )
            )
            claims = claims_by_key(session, keys)
        items = [claim_json(claims[k], snap.row_of_claim.get(k), snap) for k in keys if k in claims]
        return {"claims": items, "total": total, "page": page, "per_page": per_page}
    start = (page - 1) * per_page
    return {
        "claims": found[start : start + per_page],
        "total": len(found),
        "page": page,
        "per_page": per_page,
    }


def claim_detail(store: Store, snap: Snapshot, key: str) -> dict[str, Any]:
    """One claim by key."""
    with store.reading() as session:
        found = claims_by_key(session, [key])
    if key not in found:
        raise NotFound(f"no claim {key!r}; a row's page lists its claims")
    return claim_json(found[key], snap.row_of_claim.get(key), snap)


def _counterparts(rows: list[Row], other: str, snap: Snapshot) -> list[dict[str, Any]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[getattr(r, other)].append(r)
    out = [
        {
            "state": code,
            "name": snap.kb.state_name(code),
            "rows": len(members),
            "systems": sorted({r.system or f"({r.category})" for r in members}),
            "statuses": sorted({r.status for r in members}),
            "keys": [r.key for r in members],
        }
        for code, members in grouped.items()
    ]
    return sorted(out, key=lambda x: (-x["rows"], x["state"]))


def state_code(raw: str) -> str:
    """A state code as written in URLs: 'tur' and 'TUR' are Turkey; 'NSA:houthis' stays as it is."""
    raw = raw.strip()
    return raw if raw.startswith("NSA:") else raw.upper()


def state_detail(snap: Snapshot, raw_code: str) -> dict[str, Any]:
    """A state's suppliers and clients, alliances, partnerships, rivalries, conflicts and findings."""
    code = state_code(raw_code)
    kb = snap.kb
    present = {r.supplier for r in snap.rows} | {r.recipient for r in snap.rows}
    if code not in present and not kb.is_known_code(code):
        raise NotFound(f"no state or group {raw_code!r}; use an ISO3 code such as TUR, or NSA:<group>")
    rel = default_relations()
    conflicts = []
    for party in (c for c in rel.conflicts if c.actor == code):
        opponents = sorted(
            {o.actor for o in rel.conflicts if o.conflict == party.conflict and o.side != party.side}
        )
        conflicts.append(
            {
                "conflict": party.conflict,
                "side": party.side,
                "role": party.role,
                "period": party.period.label(),
                "opponents": opponents,
            }
        )
    return {
        "code": code,
        "name": kb.state_name(code),
        "clients": _counterparts([r for r in snap.rows if r.supplier == code], "recipient", snap),
        "suppliers": _counterparts([r for r in snap.rows if r.recipient == code], "supplier", snap),
        "alliances": [
            {"alliance": m.alliance, "role": m.role, "guarantee": m.guarantee, "period": m.period.label()}
            for m in rel.memberships
            if m.member == code
        ],
        "partnerships": [
            {"with": p.b if p.a == code else p.a, "name": p.name, "period": p.period.label()}
            for p in rel.partnerships
            if code in (p.a, p.b)
        ],
        "rivalries": [
            {"with": p.b if p.a == code else p.a, "period": p.period.label()}
            for p in rel.rivalries
            if code in (p.a, p.b)
        ],
        "conflicts": conflicts,
        "findings": [f.to_json() for f in snap.findings if _names(f, code)],
    }


def _names(finding: Any, code: str | None) -> bool:
    """Whether a finding involves a state: as guarantor, ally, recipient, adversary or further adversary."""
    if code is None:
        return True
    return code in (finding.guarantor, finding.supplier, finding.recipient, finding.adversary) or code in (
        finding.also_against or []
    )


def findings(snap: Snapshot, state: str | None = None) -> list[dict[str, Any]]:
    """Entrapment findings as JSON, best first; only those naming the state, when one is given."""
    code = state_code(state) if state else None
    return [f.to_json() for f in snap.findings if _names(f, code)]


def parse_years(raw_from: str | None, raw_to: str | None) -> tuple[int | None, int | None]:
    """A year range from the URL (``from``, ``to``; either may be empty); InputError for a bad one."""
    values = []
    for name, raw in (("from", raw_from), ("to", raw_to)):
        text = (raw or "").strip()
        if text and not (text.isascii() and text.isdigit()):
            raise InputError(f"{name} {text[:40]!r}: expected a year such as 2019")
        values.append(int(text) if text else None)
    check_years(values[0], values[1])
    return values[0], values[1]


def check_years(start: int | None, end: int | None) -> None:
    """Refuse a year range that runs backwards or leaves the plausible years."""
    for name, year in (("from", start), ("to", end)):
        if year is not None and not 1900 <= year <= 2100:
            raise InputError(f"{name} {year}: expected a year from 1900 to 2100")
    if start is not None and end is not None and start > end:
        raise InputError(f"from {start} is after to {end}")


def network_tables(snap: Snapshot, start: int | None, end: int | None) -> dict[str, list[dict[str, Any]]]:
    """The network's tables (pairs, categories, dependence, centrality, new pairs, shared clients) as records."""
    check_years(start, end)

    def make() -> dict[str, list[dict[str, Any]]]:
        rows, claims = snap.frames
        if rows.empty:
            return {}
        return {name: records(frame) for name, frame in network_summary(rows, claims, start, end).items()}

    return snap.memo(("network", start, end), make)  # type: ignore[no-any-return]


def flows(snap: Snapshot, start: int | None = None, end: int | None = None) -> Any:
    """The transfers (planned, ordered, delivered rows) the network and the map draw."""
    check_years(start, end)
    rows, claims = snap.frames
    return transfers(rows, claims, start, end)


def timeline_tables(snap: Snapshot) -> dict[str, list[dict[str, Any]]]:
    """Claims by status per year, and each pair's first and last year."""

    def make() -> dict[str, list[dict[str, Any]]]:
        _, claims = snap.frames
        return {"by_status": records(claims_by_status(claims)), "pairs": records(pair_timeline(claims))}

    return snap.memo(("timeline",), make)  # type: ignore[no-any-return]


def search_results(store: Store, snap: Snapshot, query: str, limit: int = 50) -> list[dict[str, Any]]:
    """Full-text matches over documents and evidence, each with the matched words marked."""
    query = query.strip()
    if len(query) > 200:
        raise InputError("the search is too long: at most 200 characters")
    try:
        with store.reading() as session:
            hits = store_search(session, query, limit)
    except StoreError as err:
        # FTS5 reports some bad queries (an unclosed quote, 'word:') as plain database errors;
        # a locked or broken store has messages of its own and stays a 503.
        if ": database error: " not in str(err):
            raise
        reason = str(err).split(": database error: ", 1)[1]
        raise InputError(f"search {query!r}: not a valid full-text query ({reason})") from None
    out = []
    for hit in hits:
        snippet = " ".join(str(hit["snippet"]).split())
        pieces = []
        last = 0
        for match in _MARKED.finditer(snippet):
            pieces.append({"text": snippet[last : match.start()], "hit": False})
            pieces.append({"text": match[1], "hit": True})
            last = match.end()
        pieces.append({"text": snippet[last:], "hit": False})
        out.append(
            {
                "kind": hit["kind"],
                "ref": hit["ref"],
                "row": snap.row_of_claim.get(hit["ref"]) if hit["kind"] == "claim" else None,
                "snippet": snippet,
                "pieces": [p for p in pieces if p["text"]],
            }
        )
    return out
