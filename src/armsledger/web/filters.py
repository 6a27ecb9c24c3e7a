"""The register's filters, sort and pages: one parser and one selection for the page, its CSV and the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlencode

from armsledger.errors import InputError
from armsledger.knowledge import Knowledge
from armsledger.model import CATEGORIES, STATUSES
from armsledger.reconcile import Row
from armsledger.web.inputs import whole_number
from armsledger.web.snapshot import Snapshot

PER_PAGE = 50
MAX_PER_PAGE = 500
# Column -> how a row sorts on it.
SORTS: dict[str, Callable[[Row], Any]] = {
    "key": lambda r: r.key,
    "supplier": lambda r: r.supplier,
    "recipient": lambda r: r.recipient,
    "system": lambda r: (r.system or "").lower() or None,
    "category": lambda r: r.category,
    "number_ordered": lambda r: r.number_ordered,
    "year_of_order": lambda r: r.year_of_order,
    "number_delivered": lambda r: r.number_delivered,
    "years_of_delivery": lambda r: min(r.years_of_delivery) if r.years_of_delivery else None,
    "status": lambda r: STATUSES.index(r.status) if r.status in STATUSES else None,
    "deal": lambda r: r.deal,
    "confidence": lambda r: r.confidence,
    "documents": lambda r: len(r.documents),
}
_YEAR = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?")
_PARTY = re.compile(r"[A-Za-z]{3}|NSA:[a-z0-9][a-z0-9-]*")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
FILTER_NAMES = ("supplier", "recipient", "system", "category", "status", "year", "confidence", "not_in_sipri")


@dataclass(frozen=True, slots=True)
class RegisterQuery:
    """What the analyst asked of the register: filters, sort column and direction, page."""

    supplier: str | None = None
    recipient: str | None = None
    system: str | None = None
    category: str | None = None
    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    confidence: float | None = None  # the least confidence shown
    not_in_sipri: bool = False
    sort: str = "key"
    order: str = "asc"
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def year(self) -> str:
        """The year filter as typed: '2019' or '2018-2021'."""
        if self.year_from is None:
            return ""
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from}-{self.year_to}"

    def params(self, **changes: Any) -> dict[str, str]:
        """The query as URL parameters (defaults left out), with some values changed."""
        q = replace(self, **changes)
        raw = asdict(q)
        out = {
            "supplier": q.supplier or "",
            "recipient": q.recipient or "",
            "system": q.system or "",
            "category": q.category or "",
            "status": q.status or "",
            "year": q.year,
            "confidence": "" if q.confidence is None else f"{q.confidence:g}",
            "not_in_sipri": "1" if q.not_in_sipri else "",
            "sort": "" if q.sort == "key" else q.sort,
            "order": "" if q.order == "asc" else q.order,
            "page": "" if raw["page"] == 1 else str(raw["page"]),
            "per_page": "" if raw["per_page"] == PER_PAGE else str(raw["per_page"]),
        }
        return {k: v for k, v in out.items() if v}

    def url(self, path: str, **changes: Any) -> str:
        """A link to this query (with changes) at a path."""
        params = self.params(**changes)
        return f"{path}?{urlencode(params)}" if params else path

    @property
    def filtered(self) -> bool:
        """Whether any filter is set."""
        return any(
            (
                self.supplier,
                self.recipient,
                self.system,
                self.category,
                self.status,
                self.year_from is not None,
                self.confidence is not None,
                self.not_in_sipri,
            )
        )


# Knowledge base (by id) -> its states' names and other names in lower case -> code.
_NAMES: dict[int, tuple[Knowledge, dict[str, str]]] = {}


def _state_names(kb: Knowledge) -> dict[str, str]:
    """Every name the knowledge gives a state, in lower case, with the state's code (made once per kb)."""
    found = _NAMES.get(id(kb))
    if found is None or found[0] is not kb:
        names = {key.lower(): str(e.value) for key, e in kb.exact.items() if e.kind == "state"}
        names.update((s.name.lower(), code) for code, s in kb.states.items())
        found = _NAMES[id(kb)] = (kb, names)
    return found[1]


def _party(value: str, name: str, kb: Knowledge) -> str:
    """A supplier or recipient filter as a code: 'TUR', 'tur', 'Turkey', 'turkey' or 'NSA:houthis'."""
    if value[:4].upper() == "NSA:" and _PARTY.fullmatch("NSA:" + value[4:].lower()):
        return "NSA:" + value[4:].lower()
    if _PARTY.fullmatch(value):
        return value.upper()
    entry = kb.lookup(value)
    if entry is not None and entry.kind == "state":
        return str(entry.value)
    code = _state_names(kb).get(" ".join(value.split()).lower())
    if code is not None:
        return code
    raise InputError(
        f"{name} {value[:80]!r}: expected a state code such as TUR, a state's name, or NSA:<group>"
    )


def parse_query(params: Mapping[str, str], kb: Knowledge) -> RegisterQuery:
    """The register query from URL parameters; InputError names the first bad value and what was expected."""

    def get(name: str) -> str:
        return (params.get(name) or "").strip()

    values: dict[str, Any] = {}
    for name in ("supplier", "recipient"):
        if get(name):
            values[name] = _party(get(name), name, kb)
    if get("system"):
        values["system"] = get("system")[:200]
    if get("category"):
        if get("category") not in CATEGORIES:
            raise InputError(f"category {get('category')!r}: expected one of {', '.join(CATEGORIES)}")
        values["category"] = get("category")
    if get("status"):
        if get("status") not in STATUSES:
            raise InputError(f"status {get('status')!r}: expected one of {', '.join(STATUSES)}")
        values["status"] = get("status")
    if get("year"):
        match = _YEAR.fullmatch(get("year"))
        if not match:
            raise InputError(
                f"year {get('year')!r}: expected a year such as 2019 or a range such as 2018-2021"
            )
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            raise InputError(f"year {get('year')!r}: the range runs backwards")
        values["year_from"], values["year_to"] = low, high
    if get("confidence"):
        try:
            confidence = float(get("confidence"))
        except ValueError:
            confidence = -1.0
        if not 0.0 <= confidence <= 1.0:
            raise InputError(f"confidence {get('confidence')!r}: expected the least confidence, from 0 to 1")
        values["confidence"] = confidence
    flag = get("not_in_sipri").lower()
    if flag not in _TRUE | _FALSE:
        raise InputError(f"not_in_sipri {get('not_in_sipri')!r}: expected 1 or 0")
    values["not_in_sipri"] = flag in _TRUE
    if get("sort"):
        if get("sort") not in SORTS:
            raise InputError(f"sort {get('sort')!r}: expected one of {', '.join(SORTS)}")
        values["sort"] = get("sort")
    if get("order"):
        if get("order") not in ("asc", "desc"):
            raise InputError(f"order {get('order')!r}: expected asc or desc")
        values["order"] = get("order")
    if get("page"):
        values["page"] = whole_number(get("page"), "page", 1, 10**9)
    if get("per_page"):
        values["per_page"] = whole_number(get("per_page"), "per_page", 1, MAX_PER_PAGE)
    return RegisterQuery(**values)


def _candidates(q: RegisterQuery, snapshot: Snapshot) -> set[int] | None:
    """Positions of the rows the indexed filters allow (None: no indexed filter is set)."""
    found: set[int] | None = None
    for name, value in (
        ("supplier", q.supplier),
        ("recipient", q.recipient),
        ("category", q.category),
        ("status", q.status),
    ):
        if value:
            these = snapshot.index(name).get(value, set())
            found = set(these) if found is None else found & these
    if q.year_from is not None:
        years = snapshot.index("year")
        these = set().union(
            *(years.get(y, set()) for y in range(q.year_from, (q.year_to or q.year_from) + 1))
        )
        found = these if found is None else found & these
    return found


def _matcher(q: RegisterQuery, snapshot: Snapshot) -> Callable[[Row], bool] | None:
    """A test for the filters no index serves: system words, least confidence, not in SIPRI."""
    tests: list[Callable[[Row], bool]] = []
    if q.system:
        needle = q.system.lower()
        tests.append(lambda r: needle in (r.system or "").lower())
    if q.confidence is not None:
        least = q.confidence
        tests.append(lambda r: r.confidence >= least - 1e-9)
    if q.not_in_sipri:
        notes = snapshot.sipri_notes
        tests.append(lambda r: notes.get(r.key) == "not in SIPRI")
    if not tests:
        return None
    return lambda r: all(t(r) for t in tests)


def select_rows(snapshot: Snapshot, q: RegisterQuery) -> list[Row]:
    """Every visible row that passes the filters, in the asked order."""
    positions, rank = snapshot.order(q.sort, q.order == "desc", SORTS[q.sort])
    allowed = _candidates(q, snapshot)
    if allowed is None:
        chosen: list[int] = positions
    elif len(allowed) * 8 < len(positions):
        chosen = sorted(allowed, key=rank.__getitem__)  # few rows: sort them rather than scan the order
    else:
        chosen = [i for i in positions if i in allowed]
    rows = snapshot.rows
    test = _matcher(q, snapshot)
    if test is None:
        return [rows[i] for i in chosen]
    return [rows[i] for i in chosen if test(rows[i])]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the selected rows."""

    rows: list[Row]
    total: int
    page: int
    pages: int
    per_page: int


def page_of(rows: list[Row], q: RegisterQuery) -> Page:
    """The asked page of the rows; past the end gives an empty page, not an error."""
    pages = max(1, -(-len(rows) // q.per_page))
    start = (q.page - 1) * q.per_page
    return Page(rows[start : start + q.per_page], len(rows), q.page, pages, q.per_page)
