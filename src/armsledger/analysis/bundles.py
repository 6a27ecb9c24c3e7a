"""Bundled deals and drone diplomacy: arms sold as part of a wider package, and suppliers collecting clients.

A deal is *bundled* when the claim's sentence, or the sentence before or after it, counts other
agreements, accords or memoranda signed between the same two states ("a deal for 24 drones,
and three more agreements in other fields"). Both states must be named in those sentences, or
referred to together ("the two countries", "both sides"), in the sentence that counts the
agreements, or around the claim when that sentence is the claim's own.

*Drone diplomacy*: for each supplier of drones, the clients (recipients of planned, ordered or
delivered drone transfers) it gains each year, and the rate at which it gains them. Rows the
analysis does not believe are left out (``assess``): a drone made in the recipient itself, or
in a third state with no re-export stated, is no client for the supplier, and components for a
drone are no drone. A client whose every drone deal with the supplier was cancelled is listed
apart, as ``cancelled``, never as a client.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import pandas as pd

from armsledger.analysis.assess import assess_row
from armsledger.analysis.frames import CLAIM_COLUMNS, ROW_COLUMNS, present, require_columns, row_years
from armsledger.extract.quantities import read_number
from armsledger.extract.sentences import split_sentences
from armsledger.knowledge import Knowledge

_AGREEMENTS = re.compile(
    r"\b(?P<count>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|a pair of"
    r"|several|a number of|a series of|a raft of|a package of|a set of|multiple|various|other|new)"
    r"\s+(?:(?:more|other|additional|further|new|separate|bilateral|cooperation|economic|trade|energy)\s+)*"
    r"(?P<kind>agreements?|accords?|memorand(?:a|ums?)(?:\s+of\s+understanding)?|MoUs?|protocols?)\b",
    re.I,
)
_TOGETHER = re.compile(
    r"\b(?:the two (?:countries|states|sides|governments|leaders|presidents|nations)"
    r"|both (?:countries|sides|governments|nations)|bilateral)\b",
    re.I,
)
DRONE_STATUSES = ("planned", "ordered", "delivered")


def _state_pattern(code: str, kb: Knowledge) -> re.Pattern[str] | None:
    state = kb.states.get(code)
    if state is None:
        return None
    forms = sorted(
        {f for f in (state.name, *state.aliases, *state.capitals, *state.demonyms) if len(f) > 2},
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b") if forms else None


def names_both(text: str, supplier: str, recipient: str, kb: Knowledge) -> bool:
    """Whether a stretch of text names both states, or refers to them together."""
    if _TOGETHER.search(text):
        return True
    patterns = [_state_pattern(supplier, kb), _state_pattern(recipient, kb)]
    return all(p is not None and p.search(text) for p in patterns)


def _count(phrase: str) -> int | None:
    # "a pair of" and "a dozen" read as numbers once the "of" is dropped.
    return read_number(re.sub(r"\s+of$", "", phrase.strip(), flags=re.I))


def bundled_deals(claims: pd.DataFrame, documents: pd.DataFrame, kb: Knowledge) -> pd.DataFrame:
    """Claims announced together with other agreements between the same two states."""
    require_columns(claims, CLAIM_COLUMNS, "claims")
    require_columns(documents, ("doc", "text"), "documents")
    columns = [
        "claim_id",
        "doc",
        "supplier",
        "recipient",
        "system",
        "category",
        "status",
        "agreements",
        "phrase",
        "sentence",
        "start",
        "end",
    ]
    texts = dict(zip(documents["doc"], documents["text"], strict=True))
    sentences_of: dict[str, list[Any]] = {}
    records = []
    for claim in claims.to_dict("records"):
        text = texts.get(claim["doc"])
        if not text or claim["status"] == "cancelled" or not present(claim["start"]):
            continue
        sentences = sentences_of.setdefault(claim["doc"], split_sentences(text))
        if not sentences:
            continue
        starts = [s.start for s in sentences]
        at = max(0, bisect_right(starts, int(claim["start"])) - 1)
        window = sentences[max(0, at - 1) : at + 2]
        window_text = " ".join(s.text for s in window)
        for sentence in window:
            match = _AGREEMENTS.search(sentence.text)
            # The agreements must be between the same two states: named in that sentence, or in the
            # claim's own sentence and its neighbours when the agreements sit in the claim's sentence.
            if match is None or not (
                names_both(sentence.text, claim["supplier"], claim["recipient"], kb)
                or (
                    sentence is sentences[at]
                    and names_both(window_text, claim["supplier"], claim["recipient"], kb)
                )
            ):
                continue
            records.append(
                {
                    "claim_id": claim["claim_id"],
                    "doc": claim["doc"],
                    "supplier": claim["supplier"],
                    "recipient": claim["recipient"],
                    "system": claim["system"],
                    "category": claim["category"],
                    "status": claim["status"],
                    "agreements": _count(match["count"]),
                    "phrase": match.group(0),
                    "sentence": sentence.text,
                    "start": sentence.start,
                    "end": sentence.end,
                }
            )
            break
    table = pd.DataFrame.from_records(records, columns=columns)
    table["agreements"] = table["agreements"].astype("Int64")  # a count, not 4.0
    return table


def drone_diplomacy(rows: pd.DataFrame, claims: pd.DataFrame, kb: Knowledge) -> pd.DataFrame:
    """Drone suppliers ranked by how fast they gain clients: new clients per year over their active years."""
    require_columns(rows, ROW_COLUMNS, "register")
    columns = [
        "supplier",
        "clients",
        "dated_clients",
        "first_year",
        "last_year",
        "clients_per_year",
        "new_by_year",
        "client_list",
        "cancelled",
    ]
    evidence: dict[str, tuple[str, str]] = {
        c["claim_id"]: (c["status"], c["evidence"]) for c in claims.to_dict("records") if c["evidence"]
    }
    years = row_years(rows, claims)
    first_seen: dict[str, dict[str, int | None]] = {}
    cancelled: dict[str, set[str]] = {}
    for row in rows.itertuples(index=False):
        if row.status not in (*DRONE_STATUSES, "cancelled"):
            continue
        # A live row's cancelled claims are no evidence for it; a cancelled row has only those.
        texts = [
            text
            for i in (row.claim_ids or [])
            if i in evidence
            for status, text in [evidence[i]]
            if row.status == "cancelled" or status != "cancelled"
        ]
        system = row.system if present(row.system) else None
        assessment = assess_row(row.supplier, row.recipient, system, row.category, texts, kb)
        if not assessment.drone or assessment.factor < 1.0:
            continue
        if row.status == "cancelled":
            cancelled.setdefault(row.supplier, set()).add(row.recipient)
            continue
        year = years.get(row.row_key)
        clients = first_seen.setdefault(row.supplier, {})
        old = clients.get(row.recipient, "absent")
        if old == "absent" or (year is not None and (old is None or year < old)):
            clients[row.recipient] = year
    records = []
    for supplier in set(cancelled) - set(first_seen):
        first_seen[supplier] = {}
    for supplier, clients in first_seen.items():
        dated = {c: y for c, y in clients.items() if y is not None}
        first = min(dated.values()) if dated else None
        last = max(dated.values()) if dated else None
        new_by_year: dict[int, int] = {}
        for y in dated.values():
            new_by_year[y] = new_by_year.get(y, 0) + 1
        rate = (
            round(len(dated) / (last - first + 1), 4)
            if dated and first is not None and last is not None
            else 0.0
        )
        records.append(
            {
                "supplier": supplier,
                "clients": len(clients),
                "dated_clients": len(dated),
                "first_year": first,
                "last_year": last,
                "clients_per_year": rate,
                "new_by_year": dict(sorted(new_by_year.items())),
                "client_list": sorted(clients),
                "cancelled": sorted(cancelled.get(supplier, set()) - set(clients)),
            }
        )
    table = pd.DataFrame.from_records(records, columns=columns)
    table[["first_year", "last_year"]] = table[["first_year", "last_year"]].astype("Int64")
    return table.sort_values(
        ["clients_per_year", "clients", "supplier"], ascending=[False, False, True], ignore_index=True
    )
