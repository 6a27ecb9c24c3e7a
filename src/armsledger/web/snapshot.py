"""The register as the web app serves it: read once per change of the store, shared by every request.

Reading the curated register means applying every edit to every machine row, which takes
seconds on a large store; pages and the API ask for it hundreds of times a second. A snapshot
is rebuilt only when the store has changed since it was read: on SQLite, ``PRAGMA
data_version`` on a connection kept for the purpose changes whenever any other connection (in
any process) commits; on PostgreSQL, a fingerprint of the tables' sizes and newest ids does
(ids come from sequences and never return).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd
from sqlalchemy import text
from sqlalchemy.orm import Session

from armsledger.analysis.entrapment import Finding, find_entrapment
from armsledger.analysis.frames import from_ledger
from armsledger.analysis.relations import default_relations
from armsledger.api import Ledger
from armsledger.curation import Curated, Edit, apply_edits, needed_rows
from armsledger.errors import InputError
from armsledger.export import RegisterView, to_dataframe
from armsledger.knowledge import default_knowledge
from armsledger.reconcile import Row
from armsledger.sipri import SipriIndex, imported_names
from armsledger.store import Store
from armsledger.store.queries import claims_of_rows, load_edits, machine_rows, sipri_records
from armsledger.web.curate import NO_EDIT, latest_edits, row_version, target_kind

# Machine output as it stands (rows, claims, documents, SIPRI rows): when it is unchanged since the
# last read, only edits (or accounts, jobs) changed and the machine rows read then still hold.
_MACHINE = text(
    "SELECT (SELECT count(*) FROM transfers), (SELECT max(id) FROM transfers), (SELECT sum(id) FROM transfers), "
    "(SELECT count(*) FROM claims), (SELECT max(id) FROM claims), (SELECT count(*) FROM documents), "
    "(SELECT max(id) FROM documents), (SELECT count(*) FROM sipri_rows), (SELECT max(id) FROM sipri_rows)"
)
_FINGERPRINT = text(
    "SELECT (SELECT count(*) FROM transfers), (SELECT max(id) FROM transfers), "
    "(SELECT count(*) FROM edits), (SELECT max(id) FROM edits), (SELECT count(*) FROM claims), "
    "(SELECT max(id) FROM claims), (SELECT count(*) FROM sipri_rows), (SELECT max(id) FROM sipri_rows)"
)


class Snapshot:
    """One consistent reading of the register, with the orders and lookups pages need, made on demand."""

    def __init__(self, view: RegisterView, store: Store) -> None:
        self.view = view
        self.store = store
        self.rows: list[Row] = view.rows
        self.rejected: set[str] = {r.key for r in view.curated.rejected}
        self.by_key: dict[str, Row] = {r.key: r for r in (*view.curated.rows, *view.curated.rejected)}
        self.row_of_claim: dict[str, str] = {c: r.key for r in self.by_key.values() for c in r.claims}
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, bool], tuple[list[int], list[int]]] = {}
        self._indexes: dict[str, dict[Any, set[int]]] = {}
        self._sort_keys: dict[str, Callable[[Row], Any]] = {}
        self._analysis_lock = threading.RLock()
        self._frames: tuple[pd.DataFrame, pd.DataFrame] | None = None
        self._findings: list[Finding] | None = None
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._versions: dict[str, str] = {}

    @property
    def kb(self) -> Any:
        """The knowledge base the view names things with."""
        return self.view.kb

    def version(self, target: str) -> str:
        """A row's or claim's version as this snapshot shows it; curation actions send it back (``curate``)."""
        with self._lock:
            found = self._versions.get(target)
        if found is None:
            if target_kind(target) == "claim":
                found = self._claim_versions.get(target, NO_EDIT)
            else:
                # target_version's answer, through this snapshot's lookups (Curated.row scans every row).
                row = self.by_key.get(target)
                if row is None:
                    raise InputError(f"no register row {target!r}")
                latest = self._latest.get(target)
                accepted = target in self.view.curated.accepted
                found = row_version(row, target in self.rejected, accepted, latest.uid if latest else NO_EDIT)
            with self._lock:
                self._versions[target] = found
        return found

    @cached_property
    def _latest(self) -> dict[str, Edit]:
        return latest_edits(self.view.edits, self.row_of_claim)

    @cached_property
    def _claim_versions(self) -> dict[str, str]:
        # The latest edit of each claim (edits are in the order they were made).
        return {e.target: e.uid for e in self.view.edits if e.target_kind == "claim"}

    def keys_between(self, parties: str) -> list[str]:
        """The keys of the rows (visible or rejected) whose key starts with 'SUPPLIER/RECIPIENT'."""
        return self._keys_by_parties.get(parties, [])

    @cached_property
    def _keys_by_parties(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for key in self.by_key:
            found["/".join(key.split("/", 2)[:2])].append(key)
        return dict(found)

    @cached_property
    def sipri_notes(self) -> dict[str, str]:
        """How each visible row compares with the imported SIPRI rows ('' without an import)."""
        return {r.key: self.view.sipri_note(r) for r in self.rows}

    @cached_property
    def choices(self) -> dict[str, list[str]]:
        """The suppliers, recipients and categories present, for the filter form."""
        return {
            "supplier": sorted({r.supplier for r in self.rows}),
            "recipient": sorted({r.recipient for r in self.rows}),
            "category": sorted({r.category for r in self.rows}),
        }

    def order(self, column: str, descending: bool, key: Callable[[Row], Any]) -> tuple[list[int], list[int]]:
        """Positions (in ``rows``) sorted by a column, empty values last either way, and each position's rank.

        Worked out once per column and direction, then kept for the next request.
        """
        with self._lock:
            found = self._orders.get((column, descending))
            if found is None:
                values = [key(r) for r in self.rows]
                full = [i for i, v in enumerate(values) if v is not None]
                empty = [i for i, v in enumerate(values) if v is None]
                # Ties stay in row-key order either way: the sort is stable, even reversed.
                full.sort(key=lambda i: self.rows[i].key)
                full.sort(key=values.__getitem__, reverse=descending)
                positions = full + empty
                rank = [0] * len(positions)
                for n, i in enumerate(positions):
                    rank[i] = n
                found = self._orders[(column, descending)] = (positions, rank)
                self._sort_keys[column] = key
            return found

    def inherit(self, previous: Snapshot) -> None:
        """Take over the previous snapshot's sorts, indexes and notes wherever no edit since changed them.

        Only edits changed since ``previous`` (its machine rows are this one's), and most touch a
        row or two: sorting 67,000 rows again for every column after each accept would keep every
        reader waiting. Rows unchanged are the same objects; a sort or index is kept when every
        changed row has the same value for it, and worked out afresh otherwise.
        """
        if len(previous.rows) != len(self.rows):
            return
        changed = [i for i, (a, b) in enumerate(zip(previous.rows, self.rows, strict=True)) if a is not b]
        if any(previous.rows[i].key != self.rows[i].key for i in changed):
            return  # a row came or went: every position moved
        with previous._lock:
            orders, indexes = dict(previous._orders), dict(previous._indexes)
            sort_keys = dict(previous._sort_keys)
        with self._lock:
            for (column, descending), found in orders.items():
                key = sort_keys.get(column)
                if key is not None and all(key(previous.rows[i]) == key(self.rows[i]) for i in changed):
                    self._orders[(column, descending)] = found
                    self._sort_keys[column] = key
            for name, found_index in indexes.items():
                if all(_indexed(previous.rows[i], name) == _indexed(self.rows[i], name) for i in changed):
                    self._indexes[name] = found_index
        if "choices" in previous.__dict__ and all(
            (a.supplier, a.recipient, a.category) == (b.supplier, b.recipient, b.category)
            for a, b in ((previous.rows[i], self.rows[i]) for i in changed)
        ):
            self.__dict__["choices"] = previous.choices
        if "sipri_notes" in previous.__dict__:
            notes = dict(previous.sipri_notes)
            notes.update((self.rows[i].key, self.view.sipri_note(self.rows[i])) for i in changed)
            self.__dict__["sipri_notes"] = notes

    def index(self, name: str) -> dict[Any, set[int]]:
        """Positions of the visible rows by a field's value ('year': order and delivery years)."""
        with self._lock:
            found = self._indexes.get(name)
            if found is None:
                found = defaultdict(set)
                for i, r in enumerate(self.rows):
                    for value in _indexed(r, name):
                        found[value].add(i)
                self._indexes[name] = found = dict(found)
            return found

    @property
    def frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Register rows and claims as the analysis module reads them (read once, by one request)."""
        with self._analysis_lock:
            if self._frames is None:
                ledger = Ledger(self.store)  # a view over our store; closing it is the app's business
                self._frames = from_ledger(to_dataframe(self.view), ledger.claims())
            return self._frames

    def memo(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A value worked out once per snapshot (figures, tables), by whichever request asks first."""
        with self._analysis_lock:
            if key not in self._memo:
                self._memo[key] = make()
            return self._memo[key]

    @property
    def findings(self) -> list[Finding]:
        """Every entrapment finding, best first."""
        rows, claims = self.frames
        with self._analysis_lock:
            if self._findings is None:
                self._findings = (
                    [] if rows.empty else find_entrapment(rows, claims, default_relations(), self.kb)
                )
            return self._findings


def _indexed(row: Row, name: str) -> set[Any]:
    """The values a row is found under in an index: its order and delivery years for 'year'."""
    if name == "year":
        return {row.year_of_order, *row.years_of_delivery} - {None}
    return {getattr(row, name)}


def _with_edits(session: Session, rows: list[Row], previous: RegisterView | None) -> RegisterView:
    """The register view over machine rows already read: the steps of ``queries.register_view``, with
    the machine rows (and SIPRI index) kept from the last read when only edits changed since."""
    edits = load_edits(session)
    curated = (
        apply_edits(rows, edits, claims_of_rows(session, needed_rows(rows, edits)))
        if edits
        else Curated(rows=list(rows), rejected=[], outcomes={})
    )
    if previous is not None:
        return RegisterView(curated, edits, previous.kb, previous.sipri, previous.sipri_names)
    records = sipri_records(session)
    kb = default_knowledge()
    return RegisterView(curated, edits, kb, SipriIndex(records, kb), imported_names(records))


class Snapshots:
    """Hands out the current snapshot, reading the store again only after it changed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._version: Any = None
        self._machine: tuple[Any, ...] | None = None
        self._rows: list[Row] = []
        self._watch: sqlite3.Connection | None = None
        if store.dialect == "sqlite" and store.url.database:
            self._watch = sqlite3.connect(store.url.database, check_same_thread=False, isolation_level=None)
        self._watch_lock = threading.Lock()

    def version(self) -> Any:
        """A value that changes whenever the store's contents change."""
        if self._watch is not None:
            with self._watch_lock:
                return self._watch.execute("PRAGMA data_version").fetchone()[0]
        with self.store.reading() as session:
            return tuple(session.execute(_FINGERPRINT).one())

    def get(self) -> Snapshot:
        """The snapshot for the store as it is now."""
        version = self.version()
        current = self._current
        if current is not None and version == self._version:
            return current
        with self._lock:
            # Another request may have read it while this one waited.
            if self._current is not None and self._version == version:
                return self._current
            with self.store.reading() as session:
                machine = tuple(session.execute(_MACHINE).one())
                previous = self._current
                if previous is not None and machine == self._machine:
                    view = _with_edits(session, self._rows, previous.view)
                else:
                    self._rows = machine_rows(session)
                    view = _with_edits(session, self._rows, None)
            snapshot = Snapshot(view, self.store)
            if previous is not None and machine == self._machine:
                snapshot.inherit(previous)
            self._current, self._version, self._machine = snapshot, version, machine
            return self._current

    def close(self) -> None:
        """Close the watching connection."""
        if self._watch is not None:
            self._watch.close()
            self._watch = None
