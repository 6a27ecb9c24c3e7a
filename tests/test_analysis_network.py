"""Tests for the network analysis on a small constructed register."""

from __future__ import annotations

from analysis_helpers import claim, frames
from armsledger.analysis.network import build_graph, network_summary, transfers


def register():
    return frames(
        claim(0, "TUR", "UKR", "delivered", quantity=12, year=2019),
        claim(1, "TUR", "UKR", "ordered", category="missiles", year=2021),
        claim(2, "TUR", "POL", "ordered", quantity=24, year=2021),
        claim(3, "USA", "POL", "delivered", category="air-defence", quantity=2, year=2018),
        claim(4, "USA", "UKR", "delivered", category="missiles", year=2018),
        claim(5, "RUS", "IND", "delivered", category="air-defence", quantity=5, year=2021),
        claim(6, "TUR", "HUN", "interest"),
        claim(7, "USA", "TUR", "cancelled", year=2019),
        claim(8, "FRA", "IND", "ordered", quantity=36, year=2016),
        claim(9, "RUS", "IND", "delivered", category="aircraft", year=2004),
    )


def test_network_tables() -> None:
    rows, claims = register()
    tables = network_summary(rows, claims)
    pairs = tables["pairs"]
    assert list(
        pairs[["supplier", "recipient", "transfers", "units"]].itertuples(index=False, name=None)
    ) == [
        ("TUR", "UKR", 2, 12),
        ("RUS", "IND", 2, 5),
        ("FRA", "IND", 1, 36),
        ("TUR", "POL", 1, 24),
        ("USA", "POL", 1, 2),
        ("USA", "UKR", 1, 0),
    ]
    assert pairs.set_index(["supplier", "recipient"]).loc[("TUR", "UKR"), "missiles"] == 1
    categories = dict(zip(tables["categories"]["category"], tables["categories"]["transfers"], strict=True))
    assert categories == {"aircraft": 4, "air-defence": 2, "missiles": 2}
    dependence = tables["dependence"].set_index("recipient")
    assert dependence.loc["IND", "top_supplier"] == "RUS" and dependence.loc["IND", "top_share"] == 0.6667
    assert dependence.loc["POL", "top_share"] == 0.5 and dependence.loc["POL", "top_suppliers"] == [
        "TUR 1",
        "USA 1",
    ]
    central = tables["centrality"].set_index("state")
    assert central.loc["TUR", "out_degree"] == 2 and central.loc["UKR", "in_degree"] == 2
    assert central.loc["TUR", "degree"] == central.loc["USA", "degree"] == 0.3333  # 2 of 6 others
    assert central["betweenness"].max() == 0.0  # no state both receives and supplies here
    assert list(tables["new_pairs"].itertuples(index=False, name=None)) == [
        (2004, "RUS", "IND"),
        (2016, "FRA", "IND"),
        (2018, "USA", "POL"),
        (2018, "USA", "UKR"),
        (2019, "TUR", "UKR"),
        (2021, "TUR", "POL"),
    ]
    shared = tables["shared_clients"]
    assert list(shared.itertuples(index=False, name=None)) == [
        ("TUR", "USA", 2, ["POL", "UKR"]),
        ("FRA", "RUS", 1, ["IND"]),
    ]


def test_year_range_and_interest_and_betweenness() -> None:
    rows, claims = register()
    flows = transfers(rows, claims, 2019, 2021)
    assert sorted(flows["row_key"]) == [
        "RUS/IND/category:air-defence",
        "TUR/POL/category:aircraft",
        "TUR/UKR/category:aircraft",
        "TUR/UKR/category:missiles",
    ]
    with_interest = transfers(rows, claims, statuses=("interest",))
    assert list(with_interest["recipient"]) == ["HUN"]
    rows, claims = frames(
        claim(0, "UKR", "TUR", "delivered", category="engines", year=2020),
        claim(1, "TUR", "AZE", "delivered", year=2020),
    )
    graph = build_graph(transfers(rows, claims))
    assert graph["UKR"]["TUR"]["categories"] == {"engines": 1}
    central = network_summary(rows, claims)["centrality"].set_index("state")
    assert central.loc["TUR", "betweenness"] == 0.5


def test_new_pairs_in_a_range_look_at_the_years_before_it() -> None:
    rows, claims = register()
    # RUS -> IND first traded in 2004: its 2021 air defence is no new pair in 2019-2021.
    tables = network_summary(rows, claims, 2019, 2021)
    assert list(tables["new_pairs"].itertuples(index=False, name=None)) == [
        (2019, "TUR", "UKR"),
        (2021, "TUR", "POL"),
    ]
    assert ("RUS", "IND") in set(zip(tables["pairs"]["supplier"], tables["pairs"]["recipient"], strict=True))
    assert list(
        network_summary(rows, claims, 2018, 2018)["new_pairs"].itertuples(index=False, name=None)
    ) == [(2018, "USA", "POL"), (2018, "USA", "UKR")]
    assert network_summary(rows, claims, 2022, 2030)["new_pairs"].empty
