"""The register out: a terminal table, CSV (ours and SIPRI's column order), JSON, Parquet, graphs.

Every writer here is a function of a ``RegisterView`` (rows after edits, plus the SIPRI rows
and knowledge needed to name things), so the same store always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from armsledger.curation import Curated, Edit
from armsledger.errors import InputError
from armsledger.knowledge import Knowledge
from armsledger.reconcile import FIELDS, LedgerClaim, Row
from armsledger.render import text_table
from armsledger.sipri import HEADER as SIPRI_HEADER
from armsledger.sipri import SipriIndex, SipriRecord, sipri_name

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

FORMATS: tuple[str, ...] = ("csv", "json", "parquet", "graphml", "gexf")
REGISTER_COLUMNS: tuple[str, ...] = (
    "key",
    "supplier",
    "recipient",
    "system",
    "category",
    "number_ordered",
    "year_of_order",
    "number_delivered",
    "years_of_delivery",
    "status",
    "deal",
    "confidence",
    "documents",
    "claims",
    "edits",
    "sipri",
)
# Columns after SIPRI's own, so a diff against SIPRI's export lines up column by column.
EXTRA_COLUMNS: tuple[str, ...] = ("armsledger row", "Confidence", "Documents", "Edits")
_DEAL_COMMENT = {
    "aid": "Aid",
    "production": "Licensed production",
    "lease": "Lease",
    "sale": "",
    "unknown": "",
}


@dataclass(slots=True)
class RegisterView:
    """What every output needs: the curated register, the edits, SIPRI rows, and names."""

    curated: Curated
    edits: list[Edit]
    kb: Knowledge
    sipri: SipriIndex
    sipri_names: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        """The visible rows, in key order."""
        return self.curated.rows

    def sipri_note(self, row: Row) -> str:
        """How the row compares with the imported SIPRI rows ('' without an import)."""
        return self.sipri.compare(row)

    def notes(self, row: Row) -> list[str]:
        """What analysts did to the row."""
        return self.curated.notes.get(row.key, [])


def _years(years: Sequence[int]) -> str:
    return "; ".join(str(y) for y in years)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def register_records(view: RegisterView) -> list[dict[str, Any]]:
    """One flat dict per visible row, with the register's columns."""
    records = []
    for row in view.rows:
        records.append(
            {
                "key": row.key,
                "supplier": row.supplier,
                "recipient": row.recipient,
                "system": row.system,
                "category": row.category,
                "number_ordered": row.number_ordered,
                "year_of_order": row.year_of_order,
                "number_delivered": row.number_delivered,
                "years_of_delivery": list(row.years_of_delivery),
                "status": row.status,
                "deal": row.deal,
                "confidence": row.confidence,
                "documents": list(row.documents),
                "claims": list(row.claims),
                "edits": view.notes(row),
                "sipri": view.sipri_note(row),
            }
        )
    return records


def footer(view: RegisterView) -> list[str]:
    """The lines under the register: counts, orphaned edits, rejected rows."""
    lines = [f"{len(view.rows)} row(s)"]
    if view.edits:
        outcomes = view.curated.outcomes
        orphaned = [e for e in view.edits if outcomes.get(e.uid, ("applied", ""))[0] == "orphaned"]
        lines.append(
            f"{len(view.edits)} edit(s): {len(view.edits) - len(orphaned)} applied, {len(orphaned)} orphaned"
        )
        for e in orphaned:
            lines.append(
                f"  orphaned edit {e.uid[:8]} ({e.action} {e.target} by {e.who}): {outcomes[e.uid][1]}"
            )
    if view.curated.rejected:
        lines.append(
            f"{len(view.curated.rejected)} row(s) rejected by analysts: "
            + ", ".join(r.key for r in view.curated.rejected)
        )
    return lines


def render_table(view: RegisterView) -> str:
    """The register as a fixed-width table for a terminal."""
    with_sipri = bool(view.sipri.count)
    headers = [
        "row",
        "supplier",
        "recipient",
        "system",
        "ordered",
        "year",
        "delivered",
        "delivery years",
        "status",
        "deal",
        "conf",
        "docs",
        "edited",
    ] + (["sipri"] if with_sipri else [])
    body = []
    for row in view.rows:
        line = [
            row.key,
            row.supplier,
            row.recipient,
            row.system or f"({row.category})",
            _cell(row.number_ordered),
            _cell(row.year_of_order),
            _cell(row.number_delivered),
            _years(row.years_of_delivery),
            row.status,
            row.deal,
            f"{row.confidence:.3f}",
            str(len(row.documents)),
            "yes" if view.notes(row) else "",
        ]
        if with_sipri:
            line.append(view.sipri_note(row))
        body.append(line)
    return text_table(headers, body, {0: 48, 3: 28}) + "\n".join(footer(view)) + "\n"


def render_csv(view: RegisterView) -> str:
    """The register as CSV with our columns; lists are '; '-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for rec in register_records(view):
        writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else _cell(v) for v in rec.values()])
    return out.getvalue()


def render_json(view: RegisterView) -> str:
    """The register as JSON: rows with provenance, then orphaned edits and rejected rows."""
    rows = []
    for row in view.rows:
        data = row.to_json()
        data["edits"] = view.notes(row)
        data["sipri"] = view.sipri_note(row)
        rows.append(data)
    outcomes = view.curated.outcomes
    body = {
        "rows": rows,
        "rejected": [r.key for r in view.curated.rejected],
        "orphaned_edits": [
            {"uid": e.uid, "action": e.action, "target": e.target, "who": e.who, "note": outcomes[e.uid][1]}
            for e in view.edits
            if outcomes.get(e.uid, ("applied", ""))[0] == "orphaned"
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _uncertain(row: Row, name: str) -> str:
    prov = row.provenance.get(name)
    return "?" if prov is not None and prov.disagree else ""


def _description(row: Row, kb: Knowledge) -> str:
    system = kb.systems.get(row.system or "")
    return system.description if system is not None and system.description else row.category


def sipri_records(view: RegisterView) -> list[list[str]]:
    """Rows in SIPRI trade-register column order, names spelled as SIPRI spells them."""
    out = []
    for row in sorted(
        view.rows,
        key=lambda r: (
            sipri_name(r.recipient, view.kb, view.sipri_names),
            sipri_name(r.supplier, view.kb, view.sipri_names),
            r.key,
        ),
    ):
        comments = [c for c in (_DEAL_COMMENT.get(row.deal, ""),) if c]
        comments.append("sources: " + ", ".join(row.documents))
        out.append(
            [
                *_sipri_columns(view, row, row.system or "", row.status, comments),
                row.key,
                f"{row.confidence:.3f}",
                "; ".join(row.documents),
                "; ".join(view.notes(row)),
            ]
        )
    return out


def _sipri_columns(
    view: RegisterView, row: Row, designation: str, status: str, comments: list[str]
) -> list[str]:
    """SIPRI's 16 trade-register columns for one row; TIV columns stay empty (SIPRI's own valuations)."""
    return [
        sipri_name(row.recipient, view.kb, view.sipri_names),
        sipri_name(row.supplier, view.kb, view.sipri_names),
        _cell(row.year_of_order),
        _uncertain(row, "year_of_order"),
        _cell(row.number_ordered),
        _uncertain(row, "number_ordered"),
        designation,
        _description(row, view.kb),
        _cell(row.number_delivered),
        _uncertain(row, "number_delivered"),
        _years(row.years_of_delivery),
        status,
        "; ".join(comments),
        "",
        "",
        "",
    ]


def render_sipri_csv(view: RegisterView) -> str:
    """CSV in SIPRI's trade-register column order, then armsledger's own columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*SIPRI_HEADER, *EXTRA_COLUMNS])
    writer.writerows(sipri_records(view))
    return out.getvalue()


def to_dataframe(view: RegisterView) -> pd.DataFrame:
    """The register as a pandas DataFrame; provenance as a JSON string column."""
    import pandas as pd

    records = register_records(view)
    by_key = {r.key: r for r in view.rows}
    for rec in records:
        rec["provenance"] = json.dumps(
            {k: v.to_json() for k, v in by_key[rec["key"]].provenance.items()}, ensure_ascii=False
        )
    columns = [*REGISTER_COLUMNS, "provenance"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for name in ("number_ordered", "year_of_order", "number_delivered"):
        frame[name] = frame[name].astype("Int64")
    return frame


def to_graph(view: RegisterView) -> nx.MultiDiGraph:
    """States (and armed groups) as nodes, one edge per register row from supplier to recipient."""
    import networkx as nx

    graph = nx.MultiDiGraph(name="armsledger register")
    for row in view.rows:
        for code in (row.supplier, row.recipient):
            if code not in graph:
                graph.add_node(
                    code,
                    label=view.kb.state_name(code),
                    kind="non-state" if code.startswith("NSA:") else "state",
                )
        attrs: dict[str, Any] = {
            "row": row.key,
            "system": row.system or "",
            "category": row.category,
            "status": row.status,
            "deal": row.deal,
            "confidence": row.confidence,
            "years_of_delivery": _years(row.years_of_delivery),
            "documents": "; ".join(row.documents),
            "sipri": view.sipri_note(row),
        }
        # GraphML and GEXF have no null: a figure nobody reported is left off the edge.
        for name in ("number_ordered", "year_of_order", "number_delivered"):
            value = getattr(row, name)
            if value is not None:
                attrs[name] = int(value)
        graph.add_edge(row.supplier, row.recipient, key=row.key, **attrs)
    return graph


# Stages SIPRI's register holds: deals ordered, delivered or cancelled, not interest or plans.
SIPRI_STAGES: tuple[str, ...] = ("ordered", "delivered", "cancelled")


def _sipri_designation(view: RegisterView, row: Row) -> str:
    """SIPRI's spelling of the row's system when an imported SIPRI line names the same system, else ours."""
    found = view.sipri.matches(row) if view.sipri.count else []
    spellings = sorted({r.designation for r in found})
    return spellings[0] if spellings else row.system or ""


def sipri_layout_records(view: RegisterView, stages: Sequence[str] | None = SIPRI_STAGES) -> list[list[str]]:
    """Rows in SIPRI's own layout and meaning, for diffing against a SIPRI export.

    The 16 columns of SIPRI's header and nothing after them. SIPRI's ``status`` column says whether
    the weapons were new or second hand; the register does not know, so it is left empty, and the
    register's stage goes to Comments with the deal type, our designation when SIPRI spells it
    otherwise, the sources and the row key. TIV columns are SIPRI's own valuations: left empty.
    """
    out = []
    rows = [r for r in view.rows if stages is None or r.status in stages]
    for row in sorted(
        rows,
        key=lambda r: (
            sipri_name(r.recipient, view.kb, view.sipri_names),
            sipri_name(r.supplier, view.kb, view.sipri_names),
            r.year_of_order or 0,
            r.key,
        ),
    ):
        designation = _sipri_designation(view, row)
        comments = [f"armsledger: {row.status}"]
        if _DEAL_COMMENT.get(row.deal):
            comments.append(_DEAL_COMMENT[row.deal])
        if row.system and designation != row.system:
            comments.append(f"armsledger designation {row.system}")
        comments.append("sources " + ", ".join(row.documents))
        comments.append(f"row {row.key}")
        # SIPRI's status column says new or second hand: not known from news reports.
        out.append(_sipri_columns(view, row, designation, "", comments))
    return out


def render_sipri_layout(view: RegisterView, stages: Sequence[str] | None = SIPRI_STAGES) -> str:
    """CSV in SIPRI's layout (its header, no preamble, CRLF line ends as SIPRI's export has)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SIPRI_HEADER)
    writer.writerows(sipri_layout_records(view, stages))
    return out.getvalue()


def encode_text(body: str, encoding: str) -> tuple[bytes, int]:
    """The text in an encoding; characters it cannot hold become '?'. The bytes and how many were replaced."""
    try:
        return body.encode(encoding), 0
    except UnicodeEncodeError:
        replaced = sum(1 for ch in body if not _encodable(ch, encoding))
        return body.encode(encoding, errors="replace"), replaced
    except LookupError:
        raise InputError(
            f"--encoding {encoding!r}: not an encoding Python knows (e.g. utf-8, cp1252)"
        ) from None


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF without the day it was written (the same register gives the same bytes) and without
    networkx's ``networkx_key`` attribute: each edge's id is its row key already."""
    from networkx.readwrite.gexf import GEXFWriter

    class _Writer(GEXFWriter):  # type: ignore[misc]
        def add_attributes(self, node_or_edge: str, xml_obj: Any, data: dict[str, Any], default: Any) -> Any:
            return super().add_attributes(
                node_or_edge, xml_obj, {k: v for k, v in data.items() if k != "key"}, default
            )

    writer = _Writer(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    for _u, _v, key, data in graph.edges(keys=True, data=True):
        data.setdefault("id", key)
    writer.add_graph(graph)
    writer.write(path)


def write(
    view: RegisterView,
    fmt: str,
    path: Path,
    layout: str = "armsledger",
    stages: Sequence[str] | None = SIPRI_STAGES,
    encoding: str = "utf-8",
) -> int:
    """Write the register to a file in one of FORMATS; how many characters the encoding could not hold.

    CSV comes in two layouts: ``armsledger`` (SIPRI's columns in SIPRI's order, our stage in the
    status column, then armsledger's own columns; every row) and ``sipri`` (SIPRI's layout and
    meaning only, see ``sipri_layout_records``; by default only ordered, delivered and cancelled rows).
    """
    replaced = 0
    if fmt == "csv":
        body = render_sipri_layout(view, stages) if layout == "sipri" else render_sipri_csv(view)
        data, replaced = encode_text(body, encoding)
        path.write_bytes(data)
    elif fmt == "json":
        path.write_text(render_json(view), encoding="utf-8")
    elif fmt == "parquet":
        to_dataframe(view).to_parquet(path, index=False)
    elif fmt == "graphml":
        import networkx as nx

        nx.write_graphml(to_graph(view), path)
    elif fmt == "gexf":
        _write_gexf(to_graph(view), path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return replaced


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return _years(value) or "—"
    return str(value)


def _dissent(name: str, c: LedgerClaim | None) -> str:
    """What a disagreeing claim says about the field it disagrees on."""
    if c is None:
        return " (no longer stored)"
    if name == "deal":
        said = c.deal
    elif name == "status":
        said = c.status
    elif name in ("year_of_order", "years_of_delivery"):
        said = f"{c.status}, {c.year if c.year is not None else 'no year'}"
    elif name == "confidence":
        said = c.status + (f", {c.quantity}" if c.quantity is not None else "")
    else:
        said = (
            f"{c.quantity if c.quantity is not None else 'no number'}"
            + (" more" if c.incremental else "")
            + f", {c.year if c.year is not None else 'no year'}"
        )
    return f" ({said}, doc {c.doc})"


def _sipri_line(r: SipriRecord) -> str:
    def flag(uncertain: bool) -> str:
        return "?" if uncertain else ""

    ordered = "ordered " + (
        f"{r.number_ordered}{flag(r.number_ordered_uncertain)}"
        if r.number_ordered is not None
        else "(no number)"
    )
    if r.year_of_order is not None:
        ordered += f" in {r.year_of_order}{flag(r.year_of_order_uncertain)}"
    delivered = (
        f"delivered {r.number_delivered}{flag(r.number_delivered_uncertain)}"
        if r.number_delivered is not None
        else "no delivery figure"
    )
    if r.years_of_delivery:
        delivered += f" in {_years(r.years_of_delivery)}"
    parts = [
        f"{r.supplier_name} -> {r.recipient_name}: {r.designation} ({r.description})",
        ordered,
        delivered,
    ]
    if r.condition:
        parts.append(r.condition)
    text = "; ".join(parts)
    if r.comments:
        text += f'; "{r.comments}"'
    return text


_WORD_COUNTS = frozenset({"pair", "couple"})


@lru_cache(maxsize=1)
def _number_pattern() -> re.Pattern[str]:
    """A number in running text: not inside a designation ("S-400", "TB2") nor after a currency sign."""
    # Imported here: the extraction package is heavy, and only `show` needs its number reader.
    from armsledger.extract.quantities import NUMBER_WORD

    return re.compile(rf"(?<![\w$€£-]){NUMBER_WORD}(?![\w-])", re.IGNORECASE)


def unread_numbers(row: Row, claims: Mapping[str, LedgerClaim]) -> list[tuple[LedgerClaim, int, str]]:
    """Numbers in the row's source sentences that no claim of the row reads as its count, with their context.

    Not a reading of the text (extraction does that): a pointer for the analyst to figures the
    row does not use, such as "a joint venture to build 30 of them" beside "to deliver 6 drones".
    """
    counted: dict[tuple[str, int, int], set[int]] = {}
    first: dict[tuple[str, int, int], LedgerClaim] = {}
    for key in row.claims:
        c = claims.get(key)
        if c is None:
            continue
        span = (c.doc_hash, c.start, c.end)
        counted.setdefault(span, set())
        first.setdefault(span, c)
        if c.quantity is not None:
            counted[span].add(c.quantity)
    from armsledger.extract.quantities import is_not_a_count, read_number

    found = []
    for span, c in first.items():
        for match in _number_pattern().finditer(c.evidence):
            phrase = match.group(0)
            value = read_number(phrase)
            if value is None or value < 2 or value > 9999 or phrase.lower() in _WORD_COUNTS:
                continue
            if phrase.isdigit() and 1900 <= value <= 2100:
                continue  # a year
            if value in counted[span] or is_not_a_count(c.evidence[match.end() :]):
                continue
            # About fifty characters before and twenty-five after, cut at spaces.
            start = c.evidence.rfind(" ", 0, max(0, match.start() - 50)) + 1
            end = c.evidence.find(" ", min(len(c.evidence), match.end() + 25))
            end = len(c.evidence) if end < 0 else end
            context = (
                ("…" if start else "")
                + " ".join(c.evidence[start:end].split())
                + ("…" if end < len(c.evidence) else "")
            )
            found.append((c, value, context))
    return found


def render_row(view: RegisterView, row: Row, claims: Mapping[str, LedgerClaim]) -> str:
    """One row, each field with the rule and arithmetic behind it, SIPRI's lines, then every source sentence."""
    kb = view.kb
    copies = len(row.documents) - row.independent_sources
    counted = f"  {len(row.claims)} claim(s) in {len(row.documents)} document(s)"
    if row.independent_sources:  # 0 on a row stored before sources were counted
        counted += f", {row.independent_sources} independent source(s)"
        if copies > 0:
            counted += f" ({copies} document(s) repeat another's story)"
    out = [
        f"{row.key}",
        f"  {kb.state_name(row.supplier)} ({row.supplier}) -> {kb.state_name(row.recipient)} "
        f"({row.recipient}): {row.system or '(no system named)'}, {row.category}",
        counted,
    ]
    if row.key in {r.key for r in view.curated.rejected}:
        out.append("  REJECTED by an analyst: not in the register")
    out.append("")
    for name in (*FIELDS, "confidence"):
        prov = row.provenance.get(name)
        value = f"{row.confidence:.3f}" if name == "confidence" else _value(getattr(row, name))
        out.append(f"  {name:<18} {value}")
        if prov is None:
            continue
        out.append(f"      rule: {prov.rule}")
        if prov.working:
            out.append(f"      here: {prov.working}")
        if prov.claims and name != "confidence":
            out.append(f"      from: {', '.join(prov.claims)} (documents {', '.join(prov.documents)})")
        for i, unused in enumerate(prov.unused):
            lead = "not used:" if i == 0 else "         "
            out.append(
                f"      {lead} {unused['value']} ({unused['claim']}, doc {unused['doc']}): {unused['why']}"
            )
        listed = {u["claim"] for u in prov.unused}
        if prov.disagree and not set(prov.disagree) <= listed:  # else each is under "not used", with why
            parts = [key + _dissent(name, claims.get(key)) for key in prov.disagree]
            out.append(f"      disagree: {', '.join(parts)}")
    loose = unread_numbers(row, claims)
    if loose:
        out.append(
            f"  {'numbers not read':<18} in the cited sentences, but no claim of this row counts them:"
        )
        for c, value, context in loose:
            out.append(f'      {value} ({c.key}, doc {c.doc}): "{context}"')
    comparison = view.sipri.comparison(row)
    if comparison is not None:
        out.append(f"  {'SIPRI':<18} {comparison.note()}")
        for text in comparison.agree:
            out.append(f"      agrees: {text}")
        for text in comparison.differ:
            out.append(f"      differs: {text}")
        for text in comparison.unchecked:
            out.append(f"      not compared: {text}")
        compared = {r.line for r in comparison.compared}
        for r in comparison.matches:
            used = "" if r.line in compared else " (not in the comparison)"
            out.append(f"      SIPRI line {r.line}{used}: {_sipri_line(r)}")
    for text in view.notes(row):
        out.append(f"  edit: {text}")
    out.append("")
    out.append(f"  sources ({len(row.claims)} claim(s) in {len(row.documents)} document(s)):")
    for key in row.claims:
        c = claims.get(key)
        if c is None:
            out.append(f"    {key}  (no longer stored)")
            continue
        facts = [c.status, c.deal]
        if c.quantity is not None:
            facts.append(f"qty {c.quantity}")
        facts.append(f"claim year {c.year}" if c.year is not None else "claim gives no year")
        facts += [flag for flag, on in (("incremental", c.incremental), ("vague", c.vague_quantity)) if on]
        when = f"published {c.published}" if c.published else "document undated"
        out.append(f"    {key}  doc {c.doc} [{c.start}:{c.end}] {when}  {', '.join(facts)}")
        out.append(f'        "{" ".join(c.evidence.split())}"')
    return "\n".join(out) + "\n"
