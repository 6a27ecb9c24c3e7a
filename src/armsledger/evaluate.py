"""Scoring predicted arms-transfer claims against gold claims, by the rules of the annotation guidelines.

The figures agree exactly with the shared ``eval/score.py``: claims are compared inside each
document at the pair, triple and claim levels (and again for core statuses only), after both
sides are reduced to distinct keys, and counts are micro-averaged over all documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from armsledger.errors import InputError
from armsledger.model import CORE_STATUSES

Claims = dict[str, list[dict[str, Any]]]

BASE_LEVELS: tuple[str, ...] = ("pair", "triple", "claim")
# Each level followed by its core variant: the order score.py reports them in.
LEVELS: tuple[str, ...] = tuple(name for base in BASE_LEVELS for name in (base, f"{base}-core"))
EVIDENCE_WIDTH = 160


def load_claim_file(path: Path) -> Claims:
    """Read a gold or predictions JSONL file into the claims of each document id."""
    path = Path(path)
    try:
        # Split on newlines only, as reading the file line by line does: str.splitlines() would
        # also split inside JSON strings holding U+2028 and the like, and shift line numbers.
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the claims file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    docs: Claims = {}
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(row, dict):
            raise InputError(
                f'{where}: expected a JSON object like {{"doc": ..., "transfers": [...]}}, '
                f"got {_json_type(row)}"
            )
        if "doc" not in row:
            raise InputError(f"{where}: the object has no 'doc' field naming its document")
        transfers = row.get("transfers")
        # A missing or empty 'transfers' means the document has no claim, as score.py reads it.
        if not transfers:
            transfers = []
        if not isinstance(transfers, list):
            raise InputError(f"{where}: 'transfers' must be a list of claims, got {_json_type(transfers)}")
        # Entries that are not objects are skipped, as score.py does, so the figures agree.
        docs.setdefault(str(row["doc"]), []).extend(c for c in transfers if isinstance(c, dict))
    return docs


def _json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


@dataclass(slots=True)
class LevelScore:
    """Counts of one level of comparison and the figures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    # Only the claim levels check quantities; elsewhere both stay 0.
    quantity_right: int = 0
    quantity_total: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted items that match gold; 0.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of gold items that were predicted; 0.0 when gold is empty."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0.0 when both are 0."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def quantity_accuracy(self) -> float | None:
        """Share of matched claims whose quantity is right; None when no claim matched."""
        return self.quantity_right / self.quantity_total if self.quantity_total else None


@dataclass(frozen=True, slots=True)
class _System:
    """What a claim's system compares by: a normalised name and aliases, or its category."""

    by_category: bool
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Item:
    """A claim as seen at one level: the parts of its key that level uses, and the claim itself."""

    supplier: str
    recipient: str
    system: _System | None
    status: str | None
    claim: dict[str, Any]


def _norm(name: Any) -> str:
    """A system or category name lower-cased with everything but letters and digits dropped."""
    return re.sub(r"[^0-9a-z]", "", str(name or "").lower())


def _code(value: Any) -> str:
    """A supplier or recipient code as compared: trimmed and upper-cased."""
    return str(value or "").strip().upper()


def _status(claim: dict[str, Any]) -> str:
    """A claim's status as compared: lower-cased."""
    return str(claim.get("status") or "").lower()


def _system(claim: dict[str, Any]) -> _System:
    """The system a claim compares by; a claim without one stands as its category."""
    if not claim.get("system"):
        return _System(True, _norm(claim.get("category") or "unknown"))
    aliases = claim.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return _System(False, _norm(claim["system"]), tuple(_norm(a) for a in aliases))


def _same_system(reference: _System, other: _System) -> bool:
    """Whether other names reference's system; only reference's aliases count."""
    if reference.by_category != other.by_category:
        return False
    if reference.by_category:
        return other.name == reference.name
    if other.name == reference.name or other.name in reference.aliases:
        return True
    for name in (reference.name, *reference.aliases):
        shorter, longer = sorted((name, other.name), key=len)
        # Very short names ("tb", "f") would match far too much by containment.
        if len(shorter) >= 3 and shorter in longer:
            return True
    return False


def _matches(reference: _Item, other: _Item) -> bool:
    """Whether other matches reference at the level both items were keyed for."""
    if (reference.supplier, reference.recipient) != (other.supplier, other.recipient):
        return False
    if reference.system is None or other.system is None:
        return True
    return _same_system(reference.system, other.system) and reference.status == other.status


def _check_level(level: str) -> None:
    """Refuse a level name that is not one of LEVELS."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def _items(claims: list[dict[str, Any]], level: str) -> list[_Item]:
    """Key claims for a level (``pair``, ``triple``, ``claim``, or one of them with ``-core``)."""
    _check_level(level)
    base, _, core = level.partition("-")
    items = []
    for claim in claims:
        if core and _status(claim) not in CORE_STATUSES:
            continue
        items.append(
            _Item(
                _code(claim.get("supplier")),
                _code(claim.get("recipient")),
                _system(claim) if base != "pair" else None,
                _status(claim) if base == "claim" else None,
                claim,
            )
        )
    return _distinct(items)


def _distinct(items: list[_Item]) -> list[_Item]:
    """Keep the first of each group of items that match each other both ways."""
    kept: list[_Item] = []
    for item in items:
        if not any(_matches(k, item) and _matches(item, k) for k in kept):
            kept.append(item)
    return kept


@dataclass(slots=True)
class _Alignment:
    """One document's gold and predicted items paired up at one level."""

    matched: list[tuple[_Item, _Item]] = field(default_factory=list)
    misses: list[_Item] = field(default_factory=list)
    false_positives: list[_Item] = field(default_factory=list)


def _align(gold: list[dict[str, Any]], pred: list[dict[str, Any]], level: str) -> _Alignment:
    """Pair each gold item, in gold order, with the first unused predicted item it matches."""
    gold_items, pred_items = _items(gold, level), _items(pred, level)
    out = _Alignment()
    free = list(range(len(pred_items)))
    for g in gold_items:
        hit = next((i for i in free if _matches(g, pred_items[i])), None)
        if hit is None:
            out.misses.append(g)
        else:
            free.remove(hit)
            out.matched.append((g, pred_items[hit]))
    out.false_positives = [pred_items[i] for i in free]
    return out


def _checks_quantity(level: str) -> bool:
    """Whether a level checks the quantities of matched claims."""
    return level.partition("-")[0] == "claim"


def score(gold: Claims, pred: Claims) -> dict[str, LevelScore]:
    """Score predictions against gold at every level, micro-averaged over all documents."""
    result: dict[str, LevelScore] = {}
    docs = sorted(set(gold) | set(pred))
    for level in LEVELS:
        s = LevelScore()
        for doc in docs:
            a = _align(gold.get(doc, []), pred.get(doc, []), level)
            s.tp += len(a.matched)
            s.fn += len(a.misses)
            s.fp += len(a.false_positives)
            if _checks_quantity(level):
                s.quantity_total += len(a.matched)
                s.quantity_right += sum(
                    g.claim.get("quantity") == p.claim.get("quantity") for g, p in a.matched
                )
        result[level] = s
    return result


@dataclass(slots=True)
class DocDiagnosis:
    """What went right and wrong in one document: matched, spurious and missed claims."""

    doc: str
    matched: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # (gold, predicted)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)
    quantity_mismatches: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    in_gold: bool = True

    @property
    def has_errors(self) -> bool:
        """Whether anything in this document was spurious, missed or miscounted."""
        return bool(self.false_positives or self.misses or self.quantity_mismatches)


def diagnose(gold: Claims, pred: Claims, level: str = "claim") -> dict[str, DocDiagnosis]:
    """List, per document, the claims matched, predicted wrongly and missed at one level."""
    _check_level(level)
    out: dict[str, DocDiagnosis] = {}
    for doc in sorted(set(gold) | set(pred)):
        a = _align(gold.get(doc, []), pred.get(doc, []), level)
        d = DocDiagnosis(doc, in_gold=doc in gold)
        d.matched = [(g.claim, p.claim) for g, p in a.matched]
        d.false_positives = [p.claim for p in a.false_positives]
        d.misses = [g.claim for g in a.misses]
        if _checks_quantity(level):
            d.quantity_mismatches = [(g, p) for g, p in d.matched if g.get("quantity") != p.get("quantity")]
        out[doc] = d
    return out


def document_counts(gold: Claims, pred: Claims) -> dict[str, int]:
    """How many documents gold and predictions hold, and how many predicted ones gold lacks."""
    return {"gold": len(gold), "predicted": len(pred), "not_in_gold": len(set(pred) - set(gold))}


def scores_to_json(
    scores: dict[str, LevelScore], *, documents: dict[str, int] | None = None
) -> dict[str, Any]:
    """The scores in the shape of ``score.py --json``; pass document_counts() to add its 'documents'."""
    out: dict[str, Any] = {}
    for level, s in scores.items():
        row: dict[str, Any] = {
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
            "precision": s.precision,
            "recall": s.recall,
            "f1": s.f1,
        }
        if _checks_quantity(level):
            row["quantity_accuracy"] = s.quantity_accuracy
        out[level] = row
    if documents is not None:
        out["documents"] = dict(documents)
    return out


def _evidence(claim: dict[str, Any]) -> str:
    """A claim's evidence on one line, cut to a readable width."""
    text = " ".join(str(claim.get("evidence") or "").split())
    return text if len(text) <= EVIDENCE_WIDTH else text[: EVIDENCE_WIDTH - 1] + "…"


def _describe(claim: dict[str, Any]) -> str:
    """A claim in one short line: supplier->recipient system [status] q=quantity."""
    system = claim.get("system") or f"category:{claim.get('category') or 'unknown'}"
    return (
        f"{claim.get('supplier') or '?'}->{claim.get('recipient') or '?'} {system} "
        f"[{claim.get('status') or '?'}] q={_quantity(claim)}"
    )


def _quantity(claim: dict[str, Any]) -> str:
    """A claim's quantity for display; '-' when it has none."""
    quantity = claim.get("quantity")
    return "-" if quantity is None else str(quantity)


def _figure(value: float | None) -> str:
    """A rate with three decimals, or n/a when undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def format_report(
    scores: dict[str, LevelScore],
    diagnoses: dict[str, DocDiagnosis],
    *,
    show_errors: bool = True,
    headline: str = "triple",
) -> str:
    """A plain-text report: the score table as score.py prints it, then each document's errors."""
    lines = [f"{'level':12} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for level, s in scores.items():
        lines.append(f"{level:12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5} {s.fp:5} {s.fn:5}")
    claim = scores.get("claim")
    lines.append(
        f"quantity accuracy on matched claims: {_figure(claim.quantity_accuracy if claim else None)}"
    )
    unknown = sum(not d.in_gold for d in diagnoses.values())
    if unknown:
        lines.append(f"note: {unknown} predicted documents are not in gold")
    head = scores[headline]
    lines.append(f"{headline} F1 {head.f1:.3f} (P {head.precision:.3f} R {head.recall:.3f})")
    if show_errors:
        for d in diagnoses.values():
            if not d.has_errors:
                continue
            lines.append("")
            lines.append(f"== {d.doc}" + ("" if d.in_gold else " (not in gold)"))
            lines.extend(f"  FP  {_describe(c)} | {_evidence(c)}" for c in d.false_positives)
            lines.extend(f"  MISS {_describe(c)} | {_evidence(c)}" for c in d.misses)
            for g, p in d.quantity_mismatches:
                lines.append(
                    f"  QTY gold={_quantity(g)} pred={_quantity(p)} | {_evidence(g) or _evidence(p)}"
                )
    return "\n".join(lines)
