"""Tests for entrapment: exact findings and scores on small registers, and the seeds' own case."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from analysis_helpers import claim, frames
from armsledger.analysis.assess import UNCONFIRMED_MAKER_WEIGHT, capability
from armsledger.analysis.dating import reference_date
from armsledger.analysis.entrapment import find_entrapment, quantity_factor
from armsledger.analysis.frames import claims_frame, register_from_claims
from armsledger.analysis.relations import ConflictParty, Membership, Pair, Period, Relations, load_relations
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge

KB = default_knowledge()


def since(year: int, end: int | None = None) -> Period:
    return Period(date(year, 1, 1), date(end, 12, 31) if end else None)


def small_world() -> Relations:
    """USA leads an alliance with TUR, GRC and CAN; USA's rival RUS fights UKR; IRN backs RUS; PRK joins late."""
    rel = Relations()
    for member, role in (("USA", "lead"), ("TUR", "member"), ("GRC", "member"), ("CAN", "member")):
        rel.memberships.append(Membership("Pact", member, role, True, since(1952), "", "test"))
    rel.memberships.append(Membership("Designation", "USA", "lead", False, since(1987), "", "test"))
    rel.memberships.append(Membership("Designation", "PAK", "member", False, since(2004), "", "test"))
    rel.rivalries.append(Pair("USA", "RUS", "rivalry", since(2014), "", "test"))
    rel.rivalries.append(Pair("USA", "IRN", "rivalry", since(1979), "", "test"))
    rel.rivalries.append(Pair("USA", "PRK", "rivalry", since(1950), "", "test"))
    rel.rivalries.append(Pair("GEO", "RUS", "rivalry", since(2008), "", "test"))
    for actor, side, role, start in (
        ("RUS", "A", "principal", date(2014, 1, 1)),
        ("IRN", "A", "backer", date(2014, 1, 1)),
        ("PRK", "A", "belligerent", date(2024, 10, 1)),
        ("UKR", "B", "principal", date(2014, 1, 1)),
    ):
        rel.conflicts.append(ConflictParty("War", actor, side, role, Period(start, None), "", "test"))
    return rel


def summary(findings):
    return [(f.guarantor, f.supplier, f.recipient, f.adversary, f.also_against, f.score) for f in findings]


def test_exact_findings_and_scores() -> None:
    rows, claims = frames(
        claim(
            0, "TUR", "UKR", "delivered", quantity=12, year=2019, evidence="Turkey delivered 12 armed drones."
        ),
        claim(
            1,
            "TUR",
            "UKR",
            "interest",
            category="missiles",
            evidence="Ankara may sell Kyiv standoff missiles with a 250 km reach.",
        ),
        claim(
            2,
            "GRC",
            "GEO",
            "ordered",
            category="armoured-vehicles",
            quantity=100,
            year=2020,
            evidence="Greece ordered armoured vehicles for Georgia.",
        ),
        claim(3, "USA", "UKR", "delivered", category="missiles", year=2018, evidence="US Javelins."),
        claim(4, "TUR", "UKR", "cancelled", category="ships", year=2019, evidence="A cancelled ship deal."),
        claim(5, "PAK", "UKR", "delivered", category="artillery", year=2022, evidence="Pakistani shells."),
        claim(6, "TUR", "POL", "ordered", quantity=24, year=2021, evidence="Poland ordered 24 drones."),
    )
    findings = find_entrapment(rows, claims, small_world(), KB)
    drones = 1.0 * 1.0 * (1 + math.log10(12)) * 1.0  # armed drones, delivered, 12, principal vs principal
    missiles = 1.0 * 0.3 * 1.0 * 1.0  # long-range strike, interest, unknown number
    vehicles = 0.4 * 0.8 * (1 + math.log10(100)) * 0.6  # armour, ordered, 100, rivalry only
    # One finding per guarantor, ally and recipient: Iran (which backs Russia) is listed, not repeated.
    assert summary(findings) == [
        ("USA", "TUR", "UKR", "RUS", ["IRN"], round(round(drones, 4) + round(missiles, 4), 4)),
        ("USA", "GRC", "GEO", "RUS", [], round(vehicles, 4)),
    ]
    assert findings[0].score == 2.3792 and findings[1].score == 0.576
    assert [(o.adversary, o.score) for o in findings[0].others] == [("IRN", 1.1896)]  # half: a backer
    top = findings[0]
    assert top.systems == ["armed drones", "long-range strike missiles"]
    assert top.explanation == (
        "The United States guarantees Turkey through Pact, and Turkey delivered armed drones to Ukraine and is in "
        "talks to supply long-range strike missiles; Ukraine is at war with Russia (War), and Russia is a rival of "
        "the United States: the United States may be drawn in by a deal it did not make. Ukraine is also opposed "
        "to Iran, on Russia's side of the War."
    )
    assert [e["sentence"] for e in top.evidence] == [
        "Ankara may sell Kyiv standoff missiles with a 250 km reach.",
        "Turkey delivered 12 armed drones.",
    ]
    data = top.to_json()
    assert set(data) >= {
        "guarantor",
        "supplier",
        "recipient",
        "adversary",
        "systems",
        "score",
        "explanation",
        "evidence",
        "also_against",
    }
    assert data["also_against"] == ["IRN"]
    assert data["evidence"][1] == {
        "doc": "d1",
        "sentence": "Turkey delivered 12 armed drones.",
        "start": 0,
        "end": 33,
    }
    # The undated interest row is judged at its document's date: the latest year it reports a deal in.
    assert [(t["judged_at"], t["basis"]) for t in data["transfers"]] == [
        ("2019", "delivery year"),
        ("2022-12-31", "first reported"),
    ]


def test_undated_rows_are_judged_at_their_documents_date_not_today() -> None:
    # North Korea joins the war in October 2024: not for a deal reported in 2021.
    early = claim(0, "TUR", "UKR", "delivered", evidence="Turkey delivered drones.", published="2021-06-01")
    rows, claims = frames(early)
    assert summary(find_entrapment(rows, claims, small_world(), KB)) == [
        ("USA", "TUR", "UKR", "RUS", ["IRN"], 1.0)
    ]
    late = claim(0, "TUR", "UKR", "delivered", evidence="Turkey delivered drones.", published="2024-11-02")
    rows, claims = frames(late)
    assert summary(find_entrapment(rows, claims, small_world(), KB)) == [
        ("USA", "TUR", "UKR", "RUS", ["PRK", "IRN"], 1.0)
    ]
    # With no date at all in its document, the register's latest date decides: here the other document's.
    rows, claims = frames(
        claim(0, "TUR", "UKR", "delivered", evidence="Turkey delivered drones.", doc="a"),
        claim(1, "USA", "POL", "ordered", year=2016, evidence="Poland ordered jets.", doc="b"),
    )
    assert reference_date(claims).day == date(2016, 12, 31)
    assert reference_date(claims, today=date(2031, 1, 1)) == reference_date(claims, today=date(2001, 1, 1))
    assert summary(find_entrapment(rows, claims, small_world(), KB)) == [
        ("USA", "TUR", "UKR", "RUS", ["IRN"], 1.0)
    ]
    # An explicit date replaces the reference; before the war there is nothing to find.
    assert find_entrapment(rows, claims, small_world(), KB, as_of=date(2012, 5, 1)) == []
    # Nothing dated anywhere: today, and the basis says so.
    _, undated = frames(claim(0, "TUR", "UKR", "delivered", evidence="Drones."))
    assert reference_date(undated, today=date(2030, 1, 2)).day == date(2030, 1, 2)
    assert reference_date(undated).basis.startswith("today")


def test_a_system_made_elsewhere_counts_only_as_a_re_export() -> None:
    rows, claims = frames(
        # Canada cannot sell Turkey its own drone: the row is left out, and the explanation says so.
        claim(
            0,
            "CAN",
            "TUR",
            "delivered",
            system="Bayraktar TB2",
            year=2021,
            evidence="Canada delivered the Bayraktar TB2 to Turkey.",
        ),
        claim(
            1,
            "CAN",
            "UKR",
            "delivered",
            category="sensors",
            year=2021,
            evidence="Canada sent sensors to Ukraine.",
        ),
        claim(
            2,
            "CAN",
            "UKR",
            "delivered",
            system="Bayraktar TB2",
            year=2021,
            doc="d2",
            evidence="Canada delivered the Bayraktar TB2 to Ukraine.",
        ),
        claim(
            3,
            "GRC",
            "UKR",
            "delivered",
            system="Bayraktar TB2",
            year=2021,
            doc="d3",
            evidence="Greece handed Ukraine second-hand Bayraktar TB2 drones.",
        ),
    )
    findings = {f.supplier: f for f in find_entrapment(rows, claims, small_world(), KB)}
    assert set(findings) == {"CAN", "GRC"}
    can = findings["CAN"]
    assert (can.recipient, can.adversary, can.systems) == ("UKR", "RUS", ["Bayraktar TB2", "sensors"])
    assert can.score == round(1.0 * UNCONFIRMED_MAKER_WEIGHT + 0.2, 4) == 0.45
    assert can.explanation.endswith(
        "Counted at 0.25: the Bayraktar TB2 is made in Turkey, and no re-export by Canada is stated."
    )
    assert findings["GRC"].score == 1.0
    assert findings["GRC"].explanation.endswith(
        "Counted as a re-export: the Bayraktar TB2 is made in Turkey."
    )
    # Against Turkey there is no war in this world; with one, the left-out row is named.
    world = small_world()
    world.rivalries.append(Pair("TUR", "RUS", "rivalry", since(2015), "", "test"))
    rows, claims = frames(
        claim(
            0,
            "CAN",
            "TUR",
            "delivered",
            system="Bayraktar TB2",
            year=2021,
            evidence="Canada delivered the Bayraktar TB2 to Turkey.",
        ),
        claim(
            1,
            "CAN",
            "TUR",
            "delivered",
            category="sensors",
            year=2021,
            evidence="Canada sold sensors to Turkey.",
        ),
    )
    [only] = find_entrapment(rows, claims, world, KB)
    assert (only.recipient, only.systems, only.score) == ("TUR", ["sensors"], round(0.2 * 0.6, 4))
    assert only.left_out == [
        "left out: the Bayraktar TB2 is made in Turkey itself, and no re-export to it is stated"
    ]
    assert only.explanation.endswith(
        "Left out: the Bayraktar TB2 is made in Turkey itself, and no re-export to it is stated."
    )


def test_components_score_as_components_not_as_the_platform() -> None:
    rows, claims = frames(
        claim(
            0,
            "CAN",
            "UKR",
            "delivered",
            system="Bayraktar TB2",
            year=2021,
            evidence="The Bayraktar TB2 drones feature optical sensors produced by Wescam.",
        )
    )
    [finding] = find_entrapment(rows, claims, small_world(), KB)
    assert finding.systems == ["components for Bayraktar TB2"] and finding.score == 0.2
    assert finding.contributions[0].capability.kind == "support"
    assert (
        "Scored as components: every source sentence is about parts for the Bayraktar TB2."
        in finding.explanation
    )
    # The same for a row with no named system: engines for drones are not drones.
    rows, claims = frames(
        claim(
            0,
            "CAN",
            "UKR",
            "delivered",
            year=2021,
            evidence="Canada supplied engines for the armed drones Ukraine builds.",
        )
    )
    [finding] = find_entrapment(rows, claims, small_world(), KB)
    assert finding.systems == ["components for armed drones"] and finding.score == 0.2


def test_opposite_sides_of_a_civil_war_are_not_at_war_with_each_other() -> None:
    world = small_world()
    for actor, side, role, against in (
        ("SYR", "A", "principal", ()),
        ("RUS", "A", "belligerent", ("NSA:syrian-opposition",)),
        ("NSA:syrian-opposition", "B", "principal", ()),
        ("TUR", "B", "belligerent", ("SYR",)),
    ):
        world.conflicts.append(
            ConflictParty("Civil war", actor, side, role, since(2016), "", "test", against)
        )
    rows, claims = frames(
        claim(
            0,
            "CAN",
            "TUR",
            "delivered",
            category="sensors",
            year=2020,
            evidence="Canada sold sensors to Turkey.",
        )
    )
    [finding] = find_entrapment(rows, claims, world, KB)
    assert (finding.adversary, finding.score) == ("RUS", round(0.2 * 0.4, 4))
    assert (
        "Turkey and Russia fight on opposite sides of the Civil war, though not each other"
        in finding.explanation
    )
    assert "at war with" not in finding.explanation
    assert (
        finding.to_json()["relation"]
        == "conflict: Civil war (belligerent vs belligerent, not fighting each other)"
    )


def test_cancelled_rows_and_wars_the_guarantor_already_fights_draw_nobody_in() -> None:
    rows, claims = frames(
        claim(
            0,
            "TUR",
            "UKR",
            "ordered",
            quantity=6,
            year=2019,
            evidence="Ukraine ordered six drones.",
            doc="a",
            published="2019-03-01",
        ),
        claim(
            1,
            "TUR",
            "UKR",
            "cancelled",
            evidence="The drone deal was cancelled.",
            doc="b",
            published="2020-01-01",
        ),
    )
    assert rows.loc[0, "status"] == "cancelled"
    assert find_entrapment(rows, claims, small_world(), KB) == []
    world = small_world()
    for actor, side, role in (
        ("GBR", "A", "belligerent"),
        ("USA", "A", "belligerent"),
        ("NSA:taliban", "B", "principal"),
    ):
        world.conflicts.append(ConflictParty("Afghan war", actor, side, role, since(2001, 2021), "", "test"))
    world.memberships.append(Membership("Pact", "GBR", "member", True, since(1952), "", "test"))
    rows, claims = frames(
        claim(0, "TUR", "GBR", "delivered", year=2020, evidence="Turkey sold drones to Britain.")
    )
    assert world.rivals_of("USA", 2020).keys() >= {"NSA:taliban"}
    assert find_entrapment(rows, claims, world, KB) == []  # the USA already fights the Taliban beside Britain


def test_wording_of_orders_and_of_several_stages() -> None:
    rows, claims = frames(
        claim(
            0,
            "TUR",
            "UKR",
            "ordered",
            system="Bayraktar TB2",
            quantity=24,
            year=2021,
            evidence="Ukraine ordered 24 Bayraktar TB2 drones from Turkey.",
        ),
        claim(
            1,
            "TUR",
            "UKR",
            "ordered",
            system="Akinci",
            year=2021,
            evidence="Ukraine also ordered Akinci drones.",
        ),
        claim(
            2,
            "TUR",
            "UKR",
            "planned",
            category="ships",
            year=2021,
            evidence="Turkey plans to build corvettes.",
        ),
    )
    [finding] = find_entrapment(rows, claims, small_world(), KB)
    assert finding.explanation.startswith(
        "The United States guarantees Turkey through Pact, and Turkey has agreed to sell Bayraktar TB2 and Akinci "
        "to Ukraine and plans to supply ships; Ukraine is at war with Russia (War)"
    )
    assert finding.score == round(round(0.8 * (1 + math.log10(24)), 4) + 0.8 + round(0.4 * 0.5, 4), 4)


def test_evidence_is_ranked_by_how_directly_it_states_the_transfer() -> None:
    sentences = [
        "The TB2 became famous once Ukrainian troops flew them against Russia.",
        "Analysts say the drones changed the war.",
        "Turkey sold 12 Bayraktar TB2 drones to Ukraine in 2019.",
        "Kyiv received more drones from Ankara.",
        "Ukraine has bought Bayraktar TB2 drones.",
        "Turkish drones are popular.",
    ]
    rows, claims = frames(
        *(
            claim(n, "TUR", "UKR", "delivered", system="Bayraktar TB2", year=2020, evidence=s, start=100 * n)
            for n, s in enumerate(sentences)
        )
    )
    [finding] = find_entrapment(rows, claims, small_world(), KB)
    assert [e["sentence"] for e in finding.evidence] == [
        "Turkey sold 12 Bayraktar TB2 drones to Ukraine in 2019.",
        "Kyiv received more drones from Ankara.",
        "Ukraine has bought Bayraktar TB2 drones.",
        "Turkish drones are popular.",
    ]


def test_guarantor_filter_and_no_designation_guarantee() -> None:
    rows, claims = frames(
        claim(0, "TUR", "UKR", "delivered", evidence="Drones."),
        claim(1, "PAK", "UKR", "delivered", evidence="Drones from Pakistan."),
    )
    findings = find_entrapment(rows, claims, small_world(), KB, as_of=date(2020, 1, 1), guarantors=["USA"])
    assert summary(findings) == [("USA", "TUR", "UKR", "RUS", ["IRN"], 1.0)]
    assert find_entrapment(rows, claims, small_world(), KB, as_of=date(2020, 1, 1), guarantors=["FRA"]) == []


@pytest.mark.parametrize(
    ("system", "category", "evidence", "kind", "label"),
    [
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
        (None, "other", ["Ammunition was sent."], "ground", "munitions"),
        ("Caracal", "aircraft", [], "support", "Caracal"),
        ("Rafale", "aircraft", [], "combat", "Rafale"),
    ],
)
def test_capability_classes(
    system: str | None, category: str, evidence: list[str], kind: str, label: str
) -> None:
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
    rows, claims = register_from_claims(claims_frame(results))
    return rows, claims, {d.id: d for d, _ in results}


def test_seeds_put_the_analysts_case_first(shared_dir: Path) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    rows, claims, docs = _corpus_frames([seeds / "corpus.jsonl"])
    # The seeds have no publication dates: their latest reported order (2019) dates them, not the clock.
    assert reference_date(claims, today=date(2040, 1, 1)).day == date(2019, 12, 31)
    findings = find_entrapment(rows, claims, load_relations(), KB)
    top = findings[0]
    assert (top.guarantor, top.supplier, top.recipient, top.adversary) == ("USA", "TUR", "UKR", "RUS")
    assert top.also_against == []  # North Korea and Iran joined Russia's side after the seeds' documents
    assert (
        max(top.contributions, key=lambda c: c.score).capability.kind == "strike"
    )  # drones or strike missiles
    assert top.evidence and {e["doc"] for e in top.evidence} <= set(docs) and len(top.evidence) <= 4
    for e in top.evidence:
        assert e["sentence"] in docs[e["doc"]].text
    # The most direct sentence comes first: the one naming both states, the drones and their number.
    first = top.evidence[0]["sentence"]
    assert {"Turkey", "Ukraine", "24"} <= set(first.replace(".", " ").split()) and len(first) < 60
    assert "The United States guarantees Turkey through NATO" in top.explanation
    assert len({(f.guarantor, f.supplier, f.recipient) for f in findings}) == len(findings)


def test_every_finding_on_seeds_and_dev_names_its_parties_and_a_source(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    rows, claims, docs = _corpus_frames([corpus / "seeds" / "corpus.jsonl", corpus / "dev" / "corpus.jsonl"])
    findings = find_entrapment(rows, claims, load_relations(), KB)
    assert findings and findings[0].supplier == "TUR" and findings[0].recipient == "UKR"
    for f in findings:
        assert all(
            len(code) == 3 or code.startswith("NSA:")
            for code in (f.guarantor, f.supplier, f.recipient, f.adversary)
        )
        assert len({f.guarantor, f.supplier, f.recipient, f.adversary}) == 4
        assert f.evidence and all(e["sentence"].strip() for e in f.evidence) and len(f.evidence) <= 4
        assert all(e["sentence"] in docs[e["doc"]].text for e in f.evidence)
        assert f.explanation.count(".") >= 1 and f.score > 0
        # No platform is counted as supplied to the state that makes it.
        assert all(KB.systems[s].state != f.recipient for s in f.systems if s in KB.systems)
    assert ("CAN", "TUR") not in {(f.supplier, f.recipient) for f in findings if "Bayraktar TB2" in f.systems}
