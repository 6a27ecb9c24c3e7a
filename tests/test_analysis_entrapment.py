"""Tests for entrapment: exact findings and scores on small registers, and the seeds' own case."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pytest

from analysis_helpers import claim, frames
from armsledger.analysis.entrapment import capability, find_entrapment, quantity_factor
from armsledger.analysis.frames import claims_frame, rows_from_claims
from armsledger.analysis.relations import ConflictParty, Membership, Pair, Period, Relations, load_relations
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge

KB = default_knowledge()


def since(year: int, end: int | None = None) -> Period:
    return Period(date(year, 1, 1), date(end, 12, 31) if end else None)


def small_world() -> Relations:
    """USA leads an alliance with TUR and GRC; USA's rival RUS fights UKR; IRN only backs RUS."""
    rel = Relations()
    for member, role in (("USA", "lead"), ("TUR", "member"), ("GRC", "member")):
        rel.memberships.append(Membership("Pact", member, role, True, since(1952), "", "test"))
    rel.memberships.append(Membership("Designation", "USA", "lead", False, since(1987), "", "test"))
    rel.memberships.append(Membership("Designation", "PAK", "member", False, since(2004), "", "test"))
    rel.rivalries.append(Pair("USA", "RUS", "rivalry", since(2014), "", "test"))
    rel.rivalries.append(Pair("USA", "IRN", "rivalry", since(1979), "", "test"))
    rel.rivalries.append(Pair("GEO", "RUS", "rivalry", since(2008), "", "test"))
    for actor, side, role in (("RUS", "A", "principal"), ("IRN", "A", "backer"), ("UKR", "B", "principal")):
        rel.conflicts.append(ConflictParty("War", actor, side, role, since(2014), "", "test"))
    return rel


def test_exact_findings_and_scores() -> None:
    rows, claims = frames(
        claim(0, "TUR", "UKR", "delivered", quantity=12, year=2019, evidence="Turkey delivered 12 armed drones."),
        claim(1, "TUR", "UKR", "interest", category="missiles",
              evidence="Ankara may sell its 250 kilometer-range standoff missiles to Kyiv."),
        claim(2, "GRC", "GEO", "ordered", category="armoured-vehicles", quantity=100, year=2020,
              evidence="Greece ordered armoured vehicles for Georgia."),
        claim(3, "USA", "UKR", "delivered", category="missiles", year=2018, evidence="US Javelins."),
        claim(4, "TUR", "UKR", "cancelled", category="ships", year=2019, evidence="A cancelled ship deal."),
        claim(5, "PAK", "UKR", "delivered", category="artillery", year=2022, evidence="Pakistani shells."),
        claim(6, "TUR", "POL", "ordered", quantity=24, year=2021, evidence="Poland ordered 24 drones."),
    )
    findings = find_entrapment(rows, claims, small_world(), KB, as_of=date(2022, 1, 1))
    summary = [(f.guarantor, f.supplier, f.recipient, f.adversary, f.score) for f in findings]
    drones = 1.0 * 1.0 * (1 + math.log10(12)) * 1.0  # armed drones, delivered, 12, principal vs principal
    missiles = 1.0 * 0.3 * 1.0 * 1.0  # long-range strike, interest, unknown number
    backer = (1 + math.log10(12)) * 0.5 + 0.3 * 0.5  # the same rows against IRN, which only backs Russia
    vehicles = 0.4 * 0.8 * (1 + math.log10(100)) * 0.6  # armour, ordered, 100, rivalry only
    assert summary == [
        ("USA", "TUR", "UKR", "RUS", round(round(drones, 4) + round(missiles, 4), 4)),
        ("USA", "TUR", "UKR", "IRN", round(round(drones * 0.5, 4) + round(missiles * 0.5, 4), 4)),
        ("USA", "GRC", "GEO", "RUS", round(vehicles, 4)),
    ]
    assert summary[0][4] == 2.3792 and summary[1][4] == pytest.approx(backer, abs=1e-3) and summary[2][4] == 0.576
    top = findings[0]
    assert top.systems == ["armed drones", "long-range strike missiles"]
    assert top.explanation == (
        "The United States guarantees Turkey through Pact, and Turkey delivered armed drones and long-range strike "
        "missiles to Ukraine, which is at war with Russia (War), a rival of the United States: the United States "
        "may be drawn in by a deal it did not make.")
    assert [e["sentence"] for e in top.evidence] == [
        "Turkey delivered 12 armed drones.", "Ankara may sell its 250 kilometer-range standoff missiles to Kyiv."]
    data = top.to_json()
    assert set(data) >= {"guarantor", "supplier", "recipient", "adversary", "systems", "score", "explanation",
                         "evidence"}
    assert data["evidence"][0] == {"doc": "d1", "sentence": "Turkey delivered 12 armed drones.", "start": 0,
                                   "end": 33}


def test_relations_are_checked_in_the_year_of_the_transfer() -> None:
    rows, claims = frames(claim(0, "TUR", "UKR", "delivered", year=2010, evidence="Drones for Ukraine in 2010."))
    assert find_entrapment(rows, claims, small_world(), KB) == []
    # With no year, the analysis date decides.
    rows, claims = frames(claim(0, "TUR", "UKR", "delivered", evidence="Drones for Ukraine."))
    assert find_entrapment(rows, claims, small_world(), KB, as_of=date(2012, 5, 1)) == []
    assert len(find_entrapment(rows, claims, small_world(), KB, as_of=date(2016, 5, 1))) == 2
    # The document's publication year stands in for a missing claim year.
    rows, claims = frames(claim(0, "TUR", "UKR", "delivered", evidence="Drones.", published="2011-03-02"))
    assert find_entrapment(rows, claims, small_world(), KB, as_of=date(2016, 5, 1)) == []


def test_guarantor_filter_and_no_designation_guarantee() -> None:
    rows, claims = frames(claim(0, "TUR", "UKR", "delivered", evidence="Drones."),
                          claim(1, "PAK", "UKR", "delivered", evidence="Drones from Pakistan."))
    findings = find_entrapment(rows, claims, small_world(), KB, as_of=date(2020, 1, 1), guarantors=["USA"])
    assert {(f.supplier, f.adversary) for f in findings} == {("TUR", "RUS"), ("TUR", "IRN")}
    assert find_entrapment(rows, claims, small_world(), KB, as_of=date(2020, 1, 1), guarantors=["FRA"]) == []


@pytest.mark.parametrize(("system", "category", "evidence", "kind", "label"), [
    (None, "aircraft", ["Ukraine received armed drones."], "strike", "armed drones"),
    (None, "aircraft", ["Reconnaissance drones were sold."], "support", "unarmed drones"),
    (None, "aircraft", ["It ordered 24 fighter jets."], "combat", "combat aircraft"),
    (None, "aircraft", ["Two transport planes arrived."], "support", "aircraft"),
    (None, "missiles", ["Cruise missiles were delivered."], "strike", "long-range strike missiles"),
    (None, "missiles", ["Anti-tank missiles were delivered."], "combat", "missiles"),
    (None, "air-defence", ["An air defence system."], "combat", "air defence"),
    (None, "artillery", ["Howitzers."], "ground", "artillery"),
    (None, "engines", ["Engines for drones."], "support", "engines"),
    (None, "other", ["Control stations."], "support", "other equipment"),
    (None, "other", ["Ammunition was sent."], "ground", "arms and ammunition"),
])
def test_capability_classes(system: str | None, category: str, evidence: list[str], kind: str, label: str) -> None:
    cap = capability(system, category, evidence, KB)
    assert (cap.kind, cap.label) == (kind, label)


def test_quantity_factor() -> None:
    assert quantity_factor(None) == 1.0 and quantity_factor(0) == 1.0 and quantity_factor(1) == 1.0
    assert quantity_factor(100) == 3.0


def _corpus_frames(paths: list[Path]):
    results, seen = [], set()
    for doc in read_paths(paths):
        if isinstance(doc, ReadFailure) or doc.id in seen:
            continue
        seen.add(doc.id)
        results.append((doc, extract(doc, KB)))
    claims = claims_frame(results)
    return rows_from_claims(claims), claims, {d.id: d for d, _ in results}


def test_seeds_put_the_analysts_case_first(shared_dir: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    rows, claims, docs = _corpus_frames([seeds / "corpus.jsonl"])
    findings = find_entrapment(rows, claims, load_relations(), KB, as_of=datetime(2021, 12, 31).date())
    top = findings[0]
    assert (top.guarantor, top.supplier, top.recipient, top.adversary) == ("USA", "TUR", "UKR", "RUS")
    assert max(top.contributions, key=lambda c: c.score).capability.kind == "strike"  # drones or strike missiles
    assert top.evidence and {e["doc"] for e in top.evidence} <= set(docs)
    for e in top.evidence:
        assert e["sentence"] in docs[e["doc"]].text
    assert "The United States guarantees Turkey through NATO" in top.explanation


def test_every_finding_on_seeds_and_dev_names_its_parties_and_a_source(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    rows, claims, docs = _corpus_frames([corpus / "seeds" / "corpus.jsonl", corpus / "dev" / "corpus.jsonl"])
    findings = find_entrapment(rows, claims, load_relations(), KB)
    assert findings
    for f in findings:
        assert all(len(code) == 3 or code.startswith("NSA:")
                   for code in (f.guarantor, f.supplier, f.recipient, f.adversary))
        assert len({f.guarantor, f.supplier, f.recipient, f.adversary}) == 4
        assert f.evidence and all(e["sentence"].strip() for e in f.evidence)
        assert all(e["sentence"] in docs[e["doc"]].text for e in f.evidence)
        assert f.explanation.count(".") >= 1 and f.score > 0
