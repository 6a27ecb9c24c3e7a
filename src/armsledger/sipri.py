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
from armsledger.reconcile import DEAL_GAP_YEARS, Row

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
# Secessionist states SIPRI lists without its non-state star; they are sub-state parties here.
SIPRI_SUBSTATES: dict[str, str] = {"Katanga": "NSA:katanga", "Biafra": "NSA:biafra"}
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
    # Party names neither states.csv nor SIPRI_SUBSTATES knows -> the lines of the rows skipped for them.
    unknown_names: dict[str, list[int]] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        """One counted note per unknown party name: how many rows were skipped for it, and where."""
        notes = []
        for name, lines in sorted(self.unknown_names.items()):
            shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
            notes.append(
                f"{self.source}: {len(lines)} row(s) skipped: party name {name!r} is not in states.csv "
                f"(line(s) {shown})"
            )
        return notes


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
    if base in SIPRI_SUBSTATES:
        return SIPRI_SUBSTATES[base]
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
        codes = [party_code(cells[0], kb), party_code(cells[1], kb)]
        if None in codes:
            for name, code in zip(cells[:2], codes, strict=True):
                if code is None:
                    result.unknown_names.setdefault(name.strip(), []).append(line)
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


@dataclass(slots=True)
class SipriComparison:
    """How a register row compares with SIPRI: the lines compared, what agrees, what differs, what could not be."""

    matches: list[SipriRecord]  # every SIPRI line about the same supplier, recipient and system
    compared: list[SipriRecord]  # the line, or lines taken together, the row was compared with
    agree: list[str] = field(default_factory=list)
    differ: list[str] = field(default_factory=list)
    differ_fields: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def lines(self) -> str:
        """The compared lines in words: ``line 12`` or ``lines 12, 13, 14 together``."""
        numbers = [str(r.line) for r in self.compared]
        if len(numbers) == 1:
            return f"line {numbers[0]}"
        return f"lines {', '.join(numbers)} together"

    def note(self) -> str:
        """The verdict in one phrase: 'not in SIPRI', 'also in SIPRI (...)' or 'differs from SIPRI (...) on: ...'."""
        if not self.matches:
            return "not in SIPRI"
        if self.differ_fields:
            return f"differs from SIPRI ({self.lines}) on: {', '.join(self.differ_fields)}"
        if not self.agree:
            return f"also in SIPRI ({self.lines}); nothing compared: " + (
                "the row has no number or year"
                if not self.unchecked
                else "SIPRI gives none of the row's figures"
            )
        return f"also in SIPRI ({self.lines})"


def _sum(values: Sequence[int | None]) -> int | None:
    """The sum of SIPRI figures, or None when any line gives none (a partial sum would mislead)."""
    return None if not values or any(v is None for v in values) else sum(v for v in values if v is not None)


def _plus(values: Sequence[int | None]) -> str:
    return " + ".join(str(v) for v in values)


def _years(years: Iterable[int]) -> str:
    return "; ".join(str(y) for y in sorted(years)) or "none"


def compare_lines(row: Row, lines: Sequence[SipriRecord], matches: Sequence[SipriRecord]) -> SipriComparison:
    """Compare a row's figures with SIPRI lines taken together (their numbers summed, their years pooled)."""
    result = SipriComparison(list(matches), list(lines))
    sipri = "SIPRI " if len(lines) == 1 else "SIPRI lines together: "
    ordered = _sum([r.number_ordered for r in lines])
    delivered = _sum([r.number_delivered for r in lines])
    order_years = [r.year_of_order for r in lines if r.year_of_order is not None]
    first_year = min(order_years) if order_years else None
    delivery_years = {y for r in lines for y in r.years_of_delivery}
    detail_ordered = "" if len(lines) == 1 else f" ({_plus([r.number_ordered for r in lines])})"
    detail_delivered = "" if len(lines) == 1 else f" ({_plus([r.number_delivered for r in lines])})"
    checks: list[tuple[str, object, object, bool, str]] = [
        ("number ordered", row.number_ordered, ordered, row.number_ordered == ordered, detail_ordered),
        ("year of order", row.year_of_order, first_year, row.year_of_order == first_year, ""),
        (
            "number delivered",
            row.number_delivered,
            delivered,
            row.number_delivered == delivered,
            detail_delivered,
        ),
    ]
    for name, ours, theirs, same, detail in checks:
        if ours is None:
            continue
        if theirs is None:
            result.unchecked.append(f"{name}: ours {ours}, SIPRI gives none")
        elif same:
            result.agree.append(f"{name} {ours}" + (f" = {sipri}{theirs}{detail}" if detail else ""))
        else:
            result.differ.append(f"{name}: ours {ours}, {sipri}{theirs}{detail}")
            result.differ_fields.append(name)
    if row.years_of_delivery:
        if not delivery_years:
            result.unchecked.append(
                f"years of delivery: ours {_years(row.years_of_delivery)}, SIPRI gives none"
            )
        elif set(row.years_of_delivery) <= delivery_years:
            result.agree.append(
                f"years of delivery {_years(row.years_of_delivery)}, among SIPRI's {_years(delivery_years)}"
            )
        else:
            extra = sorted(set(row.years_of_delivery) - delivery_years)
            result.differ.append(
                f"years of delivery: ours {_years(row.years_of_delivery)}, SIPRI {_years(delivery_years)} "
                f"(not in SIPRI: {_years(extra)})"
            )
            result.differ_fields.append("years of delivery")
    return result


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

    def comparison(self, row: Row) -> SipriComparison | None:
        """The row against SIPRI: each matching line alone, the lines of its order years together, all
        lines together (SIPRI splits one deal into lines: Greece's 24 Rafale are 12 + 6 + 6); the one
        that agrees on most figures, then differs on fewest. None without a SIPRI import."""
        if not self.count:
            return None
        found = sorted(self.matches(row), key=lambda r: r.line)
        if not found:
            return SipriComparison([], [])
        sets: list[list[SipriRecord]] = [[r] for r in found]
        if row.year_of_order is not None:
            # SIPRI may date an order a year before the news reports it, and lists later batches apart.
            window = [
                r
                for r in found
                if r.year_of_order is not None
                and row.year_of_order - 1 <= r.year_of_order <= row.year_of_order + DEAL_GAP_YEARS
            ]
            if len(window) > 1:
                sets.append(window)
        if len(found) > 1 and found not in sets:
            sets.append(found)

        def closeness(lines: list[SipriRecord]) -> tuple[int, int, int, int, int]:
            result = compare_lines(row, lines, found)
            gap = min(abs((r.year_of_order or 0) - (row.year_of_order or 0)) for r in lines)
            # A figure SIPRI does not give counts against a choice as a difference does: it tells nothing.
            return (
                -len(result.agree),
                len(result.differ) + len(result.unchecked),
                gap if row.year_of_order else 0,
                len(lines),
                lines[0].line,
            )

        return compare_lines(row, min(sets, key=closeness), found)

    def compare(self, row: Row) -> str:
        """'also in SIPRI', 'not in SIPRI' or 'differs from SIPRI on: ...'; empty with no SIPRI import."""
        result = self.comparison(row)
        return "" if result is None else result.note()
