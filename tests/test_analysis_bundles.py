"""Tests for bundled deals and drone diplomacy."""

from __future__ import annotations

import pandas as pd

from analysis_helpers import claim, frames
from armsledger.analysis.bundles import bundled_deals, drone_diplomacy
from armsledger.knowledge import default_knowledge

KB = default_knowledge()
TEXT = (
    "Drone sales grew fast.\nIn June the Polish president visited Ankara. The two countries announced a deal "
    "for 24 drones for Warsaw, and three more agreements in other fields. Trade was also discussed.\n"
    "Separately, Qatar signed three agreements with France.\nTurkey also sold drones to Qatar."
)


def test_bundled_deal_found_with_its_count_and_sentence() -> None:
    start = TEXT.index("The two countries")
    qatar = TEXT.index("Turkey also sold")
    _rows, claims = frames(
        claim(
            0, "TUR", "POL", "ordered", quantity=24, year=2021, start=start, evidence="a deal for 24 drones"
        ),
        claim(1, "TUR", "QAT", "delivered", start=qatar, evidence="Turkey also sold drones to Qatar."),
    )
    documents = pd.DataFrame([{"doc": "d1", "text": TEXT}])
    table = bundled_deals(claims, documents, KB)
    assert list(
        table[["supplier", "recipient", "agreements", "phrase"]].itertuples(index=False, name=None)
    ) == [("TUR", "POL", 3, "three more agreements")]
    sentence = table.iloc[0]["sentence"]
    assert sentence.startswith("The two countries announced") and TEXT[table.iloc[0]["start"] :].startswith(
        sentence
    )


def test_agreements_between_other_states_do_not_count() -> None:
    text = "Qatar signed three agreements with France. Turkey sold drones to Qatar."
    _rows, claims = frames(claim(0, "TUR", "QAT", "delivered", start=text.index("Turkey"), evidence="drones"))
    assert bundled_deals(claims, pd.DataFrame([{"doc": "d1", "text": text}]), KB).empty


def test_drone_diplomacy_ranks_suppliers_by_new_clients_per_year() -> None:
    rows, claims = frames(
        claim(0, "TUR", "UKR", "ordered", year=2019, evidence="Ukraine ordered drones."),
        claim(1, "TUR", "AZE", "delivered", year=2020, evidence="Drones for Azerbaijan."),
        claim(2, "TUR", "POL", "ordered", year=2021, evidence="Poland ordered drones."),
        claim(3, "TUR", "MAR", "ordered", year=2021, evidence="Morocco ordered drones."),
        claim(4, "TUR", "HUN", "interest", year=2021, evidence="Hungary is interested in drones."),
        claim(5, "TUR", "ETH", "ordered", evidence="Ethiopia ordered drones."),
        claim(6, "ISR", "AZE", "delivered", year=2016, evidence="Israeli drones for Azerbaijan."),
        claim(7, "ISR", "IND", "delivered", year=2021, evidence="Israeli drones for India."),
        claim(8, "USA", "POL", "ordered", year=2021, evidence="Poland ordered fighter jets."),
    )
    table = drone_diplomacy(rows, claims, KB)
    got = [
        (r.supplier, r.clients, r.dated_clients, r.clients_per_year, r.new_by_year)
        for r in table.itertuples(index=False)
    ]
    assert got == [
        ("TUR", 5, 4, 1.3333, {2019: 1, 2020: 1, 2021: 2}),
        ("ISR", 2, 2, 0.3333, {2016: 1, 2021: 1}),
    ]


def test_drone_diplomacy_leaves_out_wrong_rows_and_lists_cancelled_clients_apart() -> None:
    rows, claims = frames(
        claim(
            0, "TUR", "UKR", "ordered", system="Bayraktar TB2", year=2019, evidence="Ukraine ordered TB2s."
        ),
        # Canada makes no TB2 and Ukraine sells Turkey none: neither is a drone client.
        claim(
            1,
            "CAN",
            "TUR",
            "delivered",
            system="Bayraktar TB2",
            year=2020,
            evidence="Canadian TB2 sensors.",
            doc="d2",
        ),
        claim(
            2,
            "UKR",
            "TUR",
            "ordered",
            system="Bayraktar TB2",
            year=2020,
            evidence="Ukraine's TB2 order.",
            doc="d3",
        ),
        # Engines for a drone are no drone.
        claim(
            3,
            "UKR",
            "TUR",
            "delivered",
            system="Bayraktar TB2",
            year=2020,
            doc="d4",
            evidence="The Bayraktar TB2 is powered by engines made by Motor Sich.",
        ),
        # A deal first reported and then cancelled by a later source.
        claim(
            4,
            "TUR",
            "IDN",
            "ordered",
            system="Bayraktar TB2",
            year=2021,
            doc="d5",
            published="2021-01-01",
            evidence="Indonesia ordered TB2s.",
        ),
        claim(
            5,
            "TUR",
            "IDN",
            "cancelled",
            system="Bayraktar TB2",
            doc="d6",
            published="2022-01-01",
            evidence="Indonesia cancelled the TB2 order.",
        ),
    )
    table = drone_diplomacy(rows, claims, KB)
    got = [(r.supplier, r.client_list, r.cancelled, r.new_by_year) for r in table.itertuples(index=False)]
    assert got == [("TUR", ["UKR"], ["IDN"], {2019: 1})]
