"""SIPRI trade-register exports: reading them, mapping their names to codes, comparing rows.

SIPRI's CSV export has preamble lines before the header, unnamed columns holding a ``?``
flag for the value before them, ``; ``-separated delivery years, Windows-1252 text, and a
``*`` after non-state parties (``**`` after international organisations). Names map to
codes through the shipped knowledge (states.csv aliases): states to ISO3, non-state parties
to ``NSA:<slug>`` (a known armed group keeps its code), organisations to ``ORG:<slug>``,
"unknown supplier(s)"/"unknown recipient(s)" to ``unknown``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from armsledger.errors import InputError
from armsledger.knowledge import Knowledge, System
from armsledger.reconcile import Row

HEADER: tuple[str, ...] = (
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
# Where SIPRI's name for a state differs from the knowledge's short name; an import adds more.
SIPRI_NAMES: dict[str, str] = {
    "TUR": "Turkiye",
    "BIH": "Bosnia-Herzegovina",
    "CPV": "Cabo Verde",
    "COG": "Congo",
    "CIV": "Cote d'Ivoire",
    "CZE": "Czechia",
    "DDR": "East Germany (GDR)",
    "VNM": "Viet Nam",
}
UNKNOWN = "unknown"
# Lines searched for the header before giving up.
MAX_PREAMBLE = 40


@dataclass(slots=True)
class SipriRecord:
    """One SIPRI trade-register row with its parties mapped to codes."""

    line: int
    recipient_name: str
    supplier_name: str
    recipient: str
    supplier: str
    year_of_order: int | None
    year_of_order_uncertain: bool
    number_ordered: int | None
    number_ordered_uncertain: bool
    designation: str
    description: str
    number_delivered: int | None
    number_delivered_uncertain: bool
    years_of_delivery: list[int]
    condition: str
    comments: str
    tiv_per_unit: float | None
    tiv_total: float | None
    tiv_delivered: float | None


@dataclass(slots=True)
class SipriImport:
    """What reading a SIPRI export found: the rows, and a warning for each row left out."""

    source: str
    records: list[SipriRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0


def decode(data: bytes) -> str:
    """SIPRI exports are Windows-1252; a file re-saved as UTF-8 is read as UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise InputError(f"byte {err.start}: neither UTF-8 nor Windows-1252 text") from None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def party_code(name: str, kb: Knowledge) -> str | None:
    """The code of a SIPRI party name, or None when the name is unknown."""
    raw = name.strip()
    base = raw.rstrip("*").strip()
    stars = len(raw) - len(raw.rstrip("*"))
    if base.lower().startswith("unknown "):
        return UNKNOWN
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", base).strip()
    inside = re.findall(r"\(([^)]*)\)", base)
    candidates = [(base, True), (bare, stars == 0)]
    if stars == 0:
        candidates += [(part, True) for part in inside]
    for candidate, any_state in candidates:
        entry = kb.lookup(candidate) if candidate else None
        if entry is not None and entry.kind == "state" and (any_state or entry.value.startswith("NSA:")):
            return entry.value
    if stars == 1:
        return f"NSA:{_slug(base)}"
    if stars >= 2:
        return f"ORG:{_slug(base)}"
    return None


def _int(cell: str, what: str, where: str, warnings: list[str]) -> int | None:
    cell = cell.strip()
    if not cell:
        return None
    try:
        return int(cell)
    except ValueError:
        warnings.append(f"{where}: {what} {cell!r} is not a whole number; left empty")
        return None


def _float(cell: str) -> float | None:
    try:
        return float(cell) if cell.strip() else None
    except ValueError:
        return None


def parse_sipri(text: str, source: str, kb: Knowledge) -> SipriImport:
    """Rows of a SIPRI trade-register export; unknown party names are warned about and skipped."""
    lines = text.splitlines(keepends=True)
    header_at = None
    for index, line in enumerate(lines[:MAX_PREAMBLE]):
        cells = next(csv.reader([line]), [])
        if cells[:2] == ["Recipient", "Supplier"]:
            header_at = index
            break
    if header_at is None:
        raise InputError(
            f"{source}: no SIPRI trade-register header (a line starting 'Recipient,Supplier,Year of "
            f"order') in the first {MAX_PREAMBLE} lines; is this a SIPRI trade-register CSV export?"
        )
    header = next(csv.reader([lines[header_at]]))
    if tuple(h.strip() for h in header[:13]) != tuple(h.strip() for h in HEADER[:13]):
        raise InputError(f"{source}:{header_at + 1}: unexpected columns; expected {','.join(HEADER[:13])}...")
    result = SipriImport(source)
    reader = csv.reader(io.StringIO("".join(lines[header_at + 1 :])))
    previous_end = header_at + 1
    for cells in reader:
        line = previous_end + 1
        previous_end = header_at + 1 + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        where = f"{source}:{line}"
        result.rows_read += 1
        if len(cells) < 13:
            result.warnings.append(f"{where}: {len(cells)} columns, expected at least 13; row skipped")
            continue
        cells = cells + [""] * (len(HEADER) - len(cells))
        codes = []
        for name, role in ((cells[0], "recipient"), (cells[1], "supplier")):
            code = party_code(name, kb)
            if code is None:
                result.warnings.append(
                    f"{where}: unknown {role} name {name!r} (not in states.csv); row skipped"
                )
            codes.append(code)
        if None in codes:
            continue
        years = [y.strip() for y in cells[10].split(";") if y.strip()]
        delivery_years = [int(y) for y in years if y.isdigit()]
        if len(delivery_years) != len(years):
            result.warnings.append(
                f"{where}: year(s) of delivery {cells[10]!r} are not all years; kept "
                f"{'; '.join(map(str, delivery_years)) or 'none'}"
            )
        result.records.append(
            SipriRecord(
                line=line,
                recipient_name=cells[0].strip(),
                supplier_name=cells[1].strip(),
                recipient=str(codes[0]),
                supplier=str(codes[1]),
                year_of_order=_int(cells[2], "year of order", where, result.warnings),
                year_of_order_uncertain=cells[3].strip() == "?",
                number_ordered=_int(cells[4], "number ordered", where, result.warnings),
                number_ordered_uncertain=cells[5].strip() == "?",
                designation=cells[6].strip(),
                description=cells[7].strip(),
                number_delivered=_int(cells[8], "number delivered", where, result.warnings),
                number_delivered_uncertain=cells[9].strip() == "?",
                years_of_delivery=delivery_years,
                condition=cells[11].strip(),
                comments=cells[12].strip(),
                tiv_per_unit=_float(cells[13]),
                tiv_total=_float(cells[14]),
                tiv_delivered=_float(cells[15]),
            )
        )
    return result


def read_sipri(path: str | Path, kb: Knowledge) -> SipriImport:
    """Read a SIPRI trade-register CSV export from a file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, expected a SIPRI CSV export") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror})") from None
    try:
        text = decode(data)
    except InputError as err:
        raise InputError(f"{path}: {err}") from None
    return parse_sipri(text, str(path), kb)


def sipri_name(code: str, kb: Knowledge, imported: Mapping[str, str] | None = None) -> str:
    """A party's name as SIPRI writes it: from an import when there is one, else known spellings."""
    if imported and code in imported:
        return imported[code]
    if code in SIPRI_NAMES:
        return SIPRI_NAMES[code]
    if code.startswith("NSA:"):
        return kb.state_name(code) + "*"
    return kb.state_name(code)


def imported_names(records: Iterable[SipriRecord]) -> dict[str, str]:
    """Code -> the name SIPRI used for it, first spelling seen."""
    names: dict[str, str] = {}
    for r in records:
        names.setdefault(r.recipient, r.recipient_name)
        names.setdefault(r.supplier, r.supplier_name)
    return names


def normalise(name: str) -> str:
    """A designation for matching: lower case, letters and digits only."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _catalog(name: str, kb: Knowledge) -> System | None:
    """The catalog's system for a designation or one of its aliases."""
    system = kb.systems.get(name)
    if system is None:
        entry = kb.lookup(name)
        system = kb.systems.get(entry.value) if entry is not None and entry.kind == "system" else None
    return system


def same_system(ours: str | None, theirs: str, kb: Knowledge) -> bool:
    """Whether our designation and SIPRI's name one system: one catalog entry, equal, or one containing the other.

    Two names the catalog knows as different systems never match, even when one contains the other
    ("Bayraktar Akinci" is not the "Bayraktar" TB2).
    """
    if not ours or not theirs:
        return False
    mine, other = _catalog(ours, kb), _catalog(theirs, kb)
    if mine is not None and other is not None:
        return mine.designation == other.designation
    a, b = normalise(ours), normalise(theirs)
    if not a or not b:
        return False
    known = mine or other
    if known is not None and {a, b} <= {normalise(n) for n in (known.designation, *known.aliases)}:
        return True
    return a == b or (min(len(a), len(b)) >= 3 and (a in b or b in a))


class SipriIndex:
    """SIPRI rows by supplier and recipient, for comparing register rows."""

    def __init__(self, records: Sequence[SipriRecord], kb: Knowledge) -> None:
        self.kb = kb
        self.count = len(records)
        self.by_pair: dict[tuple[str, str], list[SipriRecord]] = defaultdict(list)
        for r in records:
            self.by_pair[(r.supplier, r.recipient)].append(r)

    def matches(self, row: Row) -> list[SipriRecord]:
        """SIPRI rows about the same supplier, recipient and system."""
        return [
            r
            for r in self.by_pair.get((row.supplier, row.recipient), [])
            if same_system(row.system, r.designation, self.kb)
        ]

    def compare(self, row: Row) -> str:
        """'also in SIPRI', 'not in SIPRI' or 'differs from SIPRI on: ...'; empty with no SIPRI import."""
        if not self.count:
            return ""
        found = self.matches(row)
        if not found:
            return "not in SIPRI"

        def closeness(r: SipriRecord) -> tuple[int, int, int, int]:
            year_gap = abs((r.year_of_order or 0) - (row.year_of_order or 0)) if row.year_of_order else 0
            return (
                0 if r.year_of_order == row.year_of_order else 1,
                0 if r.number_ordered == row.number_ordered else 1,
                year_gap,
                r.line,
            )

        best = min(found, key=closeness)
        differs = [
            label
            for label, ours, theirs in (
                ("number ordered", row.number_ordered, best.number_ordered),
                ("year of order", row.year_of_order, best.year_of_order),
                ("number delivered", row.number_delivered, best.number_delivered),
            )
            if ours is not None and theirs is not None and ours != theirs
        ]
        if differs:
            return f"differs from SIPRI (line {best.line}) on: {', '.join(differs)}"
        return f"also in SIPRI (line {best.line})"
