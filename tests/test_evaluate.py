"""Tests for evaluate: agreement with the shared score.py, exact counts on tiny cases, bad input."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from armsledger.errors import InputError
from armsledger.evaluate import (
    LEVELS,
    LevelScore,
    diagnose,
    document_counts,
    format_report,
    load_claim_file,
    score,
    scores_to_json,
)

Claims = dict[str, list[dict[str, Any]]]
STATUS_CYCLE = ["interest", "planned", "ordered", "delivered", "cancelled"]


# --- prediction files built from the real gold files -------------------------------------------


def _all_claims(gold: Claims) -> list[dict[str, Any]]:
    """Every claim of a copy of gold, in file order, for variants that edit claims in place."""
    return [c for claims in gold.values() for c in claims]


def same_as_gold(gold: Claims) -> Claims:
    """The gold itself."""
    return gold


def nothing(gold: Claims) -> Claims:
    """An empty predictions file."""
    return {}


def every_third_dropped(gold: Claims) -> Claims:
    """Gold with every third claim (counted across documents) left out."""
    n = 0
    out: Claims = {}
    for doc, claims in gold.items():
        out[doc] = []
        for c in claims:
            n += 1
            if n % 3:
                out[doc].append(c)
    return out


def systems_as_aliases(gold: Claims) -> Claims:
    """Gold with each system written as its first alias, aliases removed from every other claim."""
    for i, c in enumerate(_all_claims(gold)):
        aliases = c.get("aliases") or []
        if aliases:
            c["system"] = aliases[0]
        if i % 2:
            c.pop("aliases", None)
    return gold


def systems_shortened(gold: Claims) -> Claims:
    """Gold with systems cut to their first or last word ("Bayraktar", "TB2"), or to two characters."""
    for i, c in enumerate(_all_claims(gold)):
        words = str(c.get("system") or "").split()
        if not words:
            continue
        c["system"] = [words[-1], words[0], "".join(words)[:2]][i % 3]
    return gold


def systems_null(gold: Claims) -> Claims:
    """Gold with every other system set to null, and a category changed now and then."""
    for i, c in enumerate(_all_claims(gold)):
        if i % 2 == 0:
            c["system"] = None
        if i % 5 == 0:
            c["category"] = "other"
    return gold


def statuses_shifted(gold: Claims) -> Claims:
    """Gold with two claims in three moved to the next status (cancelled wraps to interest)."""
    for i, c in enumerate(_all_claims(gold)):
        if i % 3:
            c["status"] = STATUS_CYCLE[(STATUS_CYCLE.index(c["status"]) + 1) % len(STATUS_CYCLE)]
    return gold


def quantities_changed(gold: Claims) -> Claims:
    """Gold with quantities bumped, dropped, invented, or written as floats."""
    for i, c in enumerate(_all_claims(gold)):
        q = c.get("quantity")
        c["quantity"] = [None if q is None else q + 1, None, 5, None if q is None else float(q)][i % 4]
    return gold


def extra_claims(gold: Claims) -> Claims:
    """Gold plus invented claims, duplicates and upper/lower-case variants of real ones."""
    for claims in gold.values():
        extra = []
        for i, c in enumerate(claims):
            if i % 2 == 0:
                extra.append({**c, "recipient": "XYZ", "system": "Invented-9000"})
            if i % 3 == 0:
                extra.append(dict(c))
                extra.append({**c, "supplier": f" {c['supplier'].lower()} ", "status": c["status"].upper()})
        extra.append(
            {"supplier": "FRA", "recipient": "IND", "system": None, "category": "ships", "status": "ordered"}
        )
        claims.extend(extra)
    return gold


def unknown_document(gold: Claims) -> Claims:
    """Gold with one document lost and one invented document id added."""
    first = next(iter(gold))
    gold["not-a-gold-doc"] = copy.deepcopy(gold[first])
    del gold[first]
    return gold


def _shuffled(seed: int) -> Callable[[Claims], Claims]:
    """A variant mixing every perturbation at random, with claims reordered inside documents."""

    def variant(gold: Claims) -> Claims:
        rng = random.Random(seed)
        out: Claims = {}
        for doc, claims in gold.items():
            if rng.random() < 0.1:
                continue
            kept = []
            for c in claims:
                c = dict(c)
                roll = rng.random()
                if roll < 0.15:
                    continue
                if roll < 0.25 and c.get("aliases"):
                    c["system"] = rng.choice(c["aliases"])
                elif roll < 0.35 and c.get("system"):
                    c["system"] = rng.choice(str(c["system"]).split())
                elif roll < 0.4:
                    c["system"] = None
                if rng.random() < 0.2:
                    c["status"] = rng.choice(STATUS_CYCLE)
                if rng.random() < 0.2:
                    c["quantity"] = rng.choice([None, 1, 12, 24])
                if rng.random() < 0.3:
                    c.pop("aliases", None)
                kept.append(c)
                if rng.random() < 0.1:
                    kept.append(dict(c))
            rng.shuffle(kept)
            out[doc] = kept
        out[f"extra-{seed}"] = [
            {"supplier": "USA", "recipient": "TWN", "system": "HIMARS", "status": "ordered"}
        ]
        return out

    variant.__name__ = f"shuffled_{seed}"
    return variant


VARIANTS: list[Callable[[Claims], Claims]] = [
    same_as_gold,
    nothing,
    every_third_dropped,
    systems_as_aliases,
    systems_shortened,
    systems_null,
    statuses_shifted,
    quantities_changed,
    extra_claims,
    unknown_document,
    *(_shuffled(seed) for seed in range(4)),
]


def _write(path: Path, claims: Claims) -> Path:
    """Write claims as a JSONL file, splitting each document over two lines to test concatenation."""
    with path.open("w", encoding="utf-8") as f:
        for doc, items in claims.items():
            half = len(items) // 2
            f.write(json.dumps({"doc": doc, "transfers": items[:half]}, ensure_ascii=False) + "\n\n")
            f.write(json.dumps({"doc": doc, "transfers": items[half:]}, ensure_ascii=False) + "\n")
    return path


def _run_score_py(shared_dir: Path, gold: Path, pred: Path, *args: str) -> str:
    """Run the shared reference scorer and return what it prints."""
    done = subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score.py"), str(gold), str(pred), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("corpus", ["seeds", "dev"])
def test_agrees_with_score_py(shared_dir: Path, tmp_path: Path, corpus: str, variant: Callable) -> None:
    gold_path = shared_dir / "corpus" / corpus / "gold.jsonl"
    pred_path = _write(tmp_path / "pred.jsonl", variant(copy.deepcopy(load_claim_file(gold_path))))

    theirs, _ = json.JSONDecoder().raw_decode(_run_score_py(shared_dir, gold_path, pred_path, "--json"))
    gold, pred = load_claim_file(gold_path), load_claim_file(pred_path)
    scores = score(gold, pred)
    ours = scores_to_json(scores, documents=document_counts(gold, pred))

    assert list(ours) == list(theirs)
    assert ours["documents"] == theirs["documents"]
    for level in LEVELS:
        mine, ref = ours[level], theirs[level]
        assert set(mine) == set(ref), level
        assert (mine["tp"], mine["fp"], mine["fn"]) == (ref["tp"], ref["fp"], ref["fn"]), level
        for figure in ("precision", "recall", "f1"):
            assert mine[figure] == pytest.approx(ref[figure], abs=1e-9), (level, figure)
        if "quantity_accuracy" in ref:
            if ref["quantity_accuracy"] is None:
                assert mine["quantity_accuracy"] is None, level
            else:
                assert mine["quantity_accuracy"] == pytest.approx(ref["quantity_accuracy"], abs=1e-9), level

    # The table block reads exactly as score.py prints it, headline last.
    table = format_report(scores, diagnose(gold, pred), show_errors=False)
    assert table == _run_score_py(shared_dir, gold_path, pred_path).rstrip("\n")


def test_gold_against_itself_is_perfect(shared_dir: Path) -> None:
    gold = load_claim_file(shared_dir / "corpus" / "dev" / "gold.jsonl")
    scores = score(gold, gold)
    for level in LEVELS:
        assert scores[level].fp == scores[level].fn == 0
        assert scores[level].f1 == 1.0
    assert scores["claim"].quantity_accuracy == 1.0
    assert not any(d.has_errors for d in diagnose(gold, gold).values())


# --- exact counts on hand-written claims --------------------------------------------------------


def claim(
    system: str | None = "Bayraktar TB2",
    status: str = "ordered",
    supplier: str = "TUR",
    recipient: str = "POL",
    **more: Any,
) -> dict[str, Any]:
    """A claim with sensible defaults, for tiny hand-written cases."""
    return {"supplier": supplier, "recipient": recipient, "system": system, "category": "aircraft",
            "quantity": None, "status": status, "evidence": "", **more}  # fmt: skip


def counts(s: LevelScore) -> tuple[int, int, int]:
    """A level's tp, fp and fn."""
    return (s.tp, s.fp, s.fn)


def test_gold_alias_matches_and_only_gold_aliases_count() -> None:
    gold = {"d": [claim("S-400", aliases=["SA-21"])]}
    assert counts(score(gold, {"d": [claim("SA-21")]})["triple"]) == (1, 0, 0)
    assert counts(score(gold, {"d": [claim("SA 21")]})["claim"]) == (1, 0, 0)
    # An alias on the predicted side does not make it match.
    assert counts(score({"d": [claim("S-400")]}, {"d": [claim("SA-21", aliases=["S-400"])]})["triple"]) == (
        0,
        1,
        1,
    )


def test_containment_needs_the_shorter_name_to_have_three_characters() -> None:
    gold = {"d": [claim("Bayraktar TB2")]}
    assert counts(score(gold, {"d": [claim("TB2")]})["triple"]) == (1, 0, 0)
    assert counts(score(gold, {"d": [claim("Bayraktar")]})["triple"]) == (1, 0, 0)
    assert counts(score(gold, {"d": [claim("TB")]})["triple"]) == (0, 1, 1)
    assert counts(score({"d": [claim("F-16")]}, {"d": [claim("F-1")]})["triple"]) == (0, 1, 1)
    assert counts(score({"d": [claim("F-35")]}, {"d": [claim("F-35A")]})["triple"]) == (1, 0, 0)
    # Containment also runs through gold aliases.
    gold = {"d": [claim("S-400", aliases=["SA-21"])]}
    assert counts(score(gold, {"d": [claim("SA-21 Growler")]})["triple"]) == (1, 0, 0)


def test_a_claim_without_system_stands_as_its_category() -> None:
    gold = {"d": [claim(None, category="missiles")]}
    assert counts(score(gold, {"d": [claim(None, category="Missiles")]})["triple"]) == (1, 0, 0)
    assert counts(score(gold, {"d": [claim(None, category="other")]})["triple"]) == (0, 1, 1)
    # A named system never matches a category, even the same one.
    assert counts(score(gold, {"d": [claim("Javelin", category="missiles")]})["triple"]) == (0, 1, 1)
    assert counts(score(gold, {"d": [claim("", category="missiles")]})["triple"]) == (1, 0, 0)
    # Pairs do not look at systems.
    assert counts(score(gold, {"d": [claim("Javelin", category="missiles")]})["pair"]) == (1, 0, 0)


def test_duplicates_are_counted_once_on_both_sides() -> None:
    gold = {"d": [claim(), claim("TB2"), claim("Akinci")]}
    pred = {"d": [claim(), claim(), claim("Bayraktar TB2 drones"), claim(quantity=5)]}
    s = score(gold, pred)
    assert counts(s["triple"]) == (1, 0, 1)
    assert counts(s["claim"]) == (1, 0, 1)
    assert counts(s["pair"]) == (1, 0, 0)
    # Different statuses are distinct claims but one triple.
    s = score({"d": [claim(status="ordered"), claim(status="delivered")]}, {"d": [claim(status="delivered")]})
    assert counts(s["triple"]) == (1, 0, 0)
    assert counts(s["claim"]) == (1, 0, 1)


def test_core_levels_keep_only_ordered_delivered_and_cancelled() -> None:
    gold = {
        "d": [
            claim(status="interest"),
            claim("Akinci", status="delivered"),
            claim("F-35", status="Cancelled"),
        ]
    }
    pred = {
        "d": [claim(status="interest"), claim("Akinci", status="planned"), claim("F-35", status="cancelled")]
    }
    s = score(gold, pred)
    assert counts(s["claim"]) == (2, 1, 1)
    assert counts(s["claim-core"]) == (1, 0, 1)
    assert counts(s["triple-core"]) == (1, 0, 1)
    assert counts(s["pair-core"]) == (1, 0, 0)
    # Nothing core on either side: every figure is 0 and quantity accuracy is undefined.
    s = score({"d": [claim(status="interest")]}, {"d": [claim(status="interest")]})
    assert counts(s["claim-core"]) == (0, 0, 0)
    assert (s["claim-core"].precision, s["claim-core"].recall, s["claim-core"].f1) == (0.0, 0.0, 0.0)
    assert s["claim-core"].quantity_accuracy is None
    assert s["claim"].quantity_accuracy == 1.0


def test_codes_and_statuses_compare_loosely_and_documents_are_unioned() -> None:
    gold = {"d1": [claim()], "d2": [claim("Akinci")]}
    pred = {"d1": [claim(supplier=" tur ", recipient="pol", status="ORDERED")], "d3": [claim()]}
    s = score(gold, pred)
    assert counts(s["claim"]) == (1, 1, 1)
    assert s["claim"].precision == 0.5
    assert s["claim"].recall == 0.5
    assert s["claim"].f1 == 0.5
    assert document_counts(gold, pred) == {"gold": 2, "predicted": 2, "not_in_gold": 1}


def test_quantity_accuracy_compares_matched_claims_exactly() -> None:
    gold = {
        "d": [claim(quantity=24), claim("Akinci", quantity=None), claim("F-35", quantity=6), claim("S-400")]
    }
    pred = {"d": [claim(quantity=24.0), claim("Akinci"), claim("F-35", quantity=4)]}
    s = score(gold, pred)
    assert (s["claim"].quantity_right, s["claim"].quantity_total) == (2, 3)
    assert s["claim"].quantity_accuracy == pytest.approx(2 / 3)
    assert "quantity_accuracy" not in scores_to_json(s)["triple"]
    assert scores_to_json(s)["claim"]["quantity_accuracy"] == pytest.approx(2 / 3)


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level"):
        diagnose({}, {}, level="quadruple")


# --- diagnosis and report -----------------------------------------------------------------------


def test_diagnose_and_report_show_errors_with_their_evidence() -> None:
    long = "Poland signed for\nBayraktar TB2 drones, " + "and more words " * 20
    gold = {
        "d001": [
            claim(quantity=24, evidence="Poland ordered 24 TB2s."),
            claim("Akinci", status="delivered", evidence="The Akinci arrived."),
        ],
        "d002": [claim("Javelin", supplier="USA", recipient="UKR", evidence="Javelins were sent.")],
    }
    pred = {
        "d001": [
            claim(quantity=12, evidence=long),
            claim("Gokbey", status="ordered", quantity=3, evidence="Gokbey."),
        ],
        "d002": [claim("Javelin", supplier="USA", recipient="UKR", evidence="Javelins were sent.")],
    }
    d = diagnose(gold, pred)
    assert set(d) == {"d001", "d002"}
    assert [(g["system"], p["system"]) for g, p in d["d001"].matched] == [("Bayraktar TB2", "Bayraktar TB2")]
    assert [c["system"] for c in d["d001"].false_positives] == ["Gokbey"]
    assert [c["system"] for c in d["d001"].misses] == ["Akinci"]
    assert [(g["quantity"], p["quantity"]) for g, p in d["d001"].quantity_mismatches] == [(24, 12)]
    assert not d["d002"].has_errors

    report = format_report(score(gold, pred), d)
    lines = report.splitlines()
    assert lines[0].split() == ["level", "P", "R", "F1", "tp", "fp", "fn"]
    assert "quantity accuracy on matched claims: 0.500" in lines
    assert lines[lines.index("== d001") - 2] == "triple F1 0.667 (P 0.667 R 0.667)"
    assert "  FP  TUR->POL Gokbey [ordered] q=3 | Gokbey." in lines
    assert "  MISS TUR->POL Akinci [delivered] q=- | The Akinci arrived." in lines
    assert "  QTY gold=24 pred=12 | Poland ordered 24 TB2s." in lines
    assert "== d002" not in lines
    assert format_report(score(gold, pred), d, show_errors=False).splitlines()[-1].startswith("triple F1 ")

    # Evidence stays on one line and is cut at 160 characters.
    pred["d001"][1]["evidence"] = long
    fp_line = next(
        x for x in format_report(score(gold, pred), diagnose(gold, pred)).splitlines() if "FP" in x
    )
    evidence = fp_line.split(" | ", 1)[1]
    assert len(evidence) == 160
    assert evidence.startswith("Poland signed for Bayraktar TB2 drones, and more words")


def test_diagnose_at_triple_level_has_no_quantity_mismatches() -> None:
    d = diagnose({"d": [claim(quantity=1)]}, {"d": [claim(quantity=2)], "x": [claim()]}, level="triple")
    assert not d["d"].has_errors
    assert not d["x"].in_gold
    assert d["x"].false_positives == [claim()]


# --- reading claim files ------------------------------------------------------------------------


def test_load_concatenates_lines_of_a_document_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"doc": "a", "transfers": [{"system": "X"}]}\n\n  \n'
        '{"doc": "b", "transfers": []}\n'
        '{"doc": "a", "transfers": [{"system": "Y"}, "not a claim"]}\n'
        '{"doc": 7}\n',
        encoding="utf-8",
    )
    assert load_claim_file(path) == {"a": [{"system": "X"}, {"system": "Y"}], "b": [], "7": []}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"transfers": []}', "no 'doc' field"),
        ('{"doc": "a", "transfers": {"system": "X"}}', "'transfers' must be a list"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "pred.jsonl"
    path.write_text('{"doc": "a", "transfers": []}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_claim_file(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:3: ")
    assert expected in message


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_claim_file(tmp_path / "absent.jsonl")
