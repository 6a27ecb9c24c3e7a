"""Tests for the report's parts built without a browser: figures, layout, quotes and sections."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

from analysis_helpers import claim, frames
from armsledger.analysis.entrapment import find_entrapment
from armsledger.analysis.layout import label_overlaps, place_labels, spread
from armsledger.analysis.network import transfers
from armsledger.analysis.relations import load_relations
from armsledger.analysis.report import (
    _dot_size,
    build_report,
    map_figure,
    network_figure,
    network_positions,
    quoted,
    timeline_figure,
)
from armsledger.knowledge import default_knowledge

KB = default_knowledge()


def test_a_sentence_is_quoted_once() -> None:
    assert quoted("Turkey sold  drones.") == "<q>Turkey sold drones.</q>"
    assert quoted("“We will buy more,” the minister said.") == (
        "<span class='quote'>“We will buy more,” the minister said.</span>"
    )
    assert (
        quoted('"Six UCAVs", the paper wrote')
        == "<span class='quote'>&quot;Six UCAVs&quot;, the paper wrote</span>"
    )


def test_spread_parts_dots_to_the_gap_and_labels_avoid_each_other() -> None:
    points = spread({"A": (100.0, 100.0), "B": (100.0, 100.0), "C": (110.0, 104.0)}, 400, 300, 50, 10)
    names = sorted(points)
    assert all(math.dist(points[a], points[b]) >= 49.9 for i, a in enumerate(names) for b in names[i + 1 :])
    # Eight dots in a tight row: every label finds a free side.
    row = {f"STATE{n}": (100.0 + 30 * n, 100.0) for n in range(8)}
    radii = dict.fromkeys(row, 6.0)
    positions = place_labels(row, radii, font_px=12)
    assert label_overlaps(row, radii, positions) == 0
    assert label_overlaps(row, radii, dict.fromkeys(row, "top center")) == 7  # what one fixed side would give


def test_network_labels_of_a_crowded_hub_do_not_overlap() -> None:
    # One hub, a second hub beside it and twenty clients: the shape of the seeds' Turkish cluster.
    graph = nx.DiGraph()
    clients = [
        "AZE",
        "ETH",
        "KGZ",
        "KWT",
        "MAR",
        "PAK",
        "POL",
        "QAT",
        "SAU",
        "TKM",
        "UKR",
        "GBR",
        "HUN",
        "KAZ",
        "LTU",
        "LVA",
        "ROU",
        "EST",
        "IDN",
        "NGA",
    ]
    graph.add_edges_from(("TUR", c) for c in clients)
    graph.add_edges_from([("UKR", "TUR"), ("AUT", "TUR"), ("CAN", "TUR"), ("USA", "UKR"), ("GBR", "UKR")])
    positions = network_positions(graph)
    nodes = sorted(graph.nodes)
    assert all(
        math.dist(positions[a], positions[b]) >= 55.9 for i, a in enumerate(nodes) for b in nodes[i + 1 :]
    )
    radii = {n: _dot_size(graph.out_degree(n), graph.in_degree(n)) / 2 for n in nodes}
    assert label_overlaps(positions, radii, place_labels(positions, radii)) == 0


def register():
    return frames(
        claim(
            0,
            "TUR",
            "UKR",
            "delivered",
            system="Bayraktar TB2",
            quantity=12,
            year=2019,
            evidence="Turkey sold 12 Bayraktar TB2 drones to Ukraine.",
        ),
        claim(
            1,
            "UKR",
            "TUR",
            "delivered",
            category="engines",
            year=2021,
            evidence="Ukraine sold engines to Turkey.",
        ),
        claim(
            2,
            "FRA",
            "IND",
            "ordered",
            system="Rafale",
            quantity=36,
            year=2016,
            evidence="India ordered 36 Rafale.",
        ),
        claim(
            3,
            "TUR",
            "POL",
            "ordered",
            system="Bayraktar TB2",
            quantity=24,
            evidence="Poland ordered 24 TB2s.",
            start=40,
        ),
    )


def test_figures_show_direction_and_a_numeric_year_axis() -> None:
    rows, claims = register()
    flows = transfers(rows, claims)
    network = network_figure(flows, KB)
    assert len(network.layout.annotations) == 4  # one arrow per edge, TUR <-> UKR as two
    states = network.data[-1]
    assert sorted(states.text) == ["FRA", "IND", "POL", "TUR", "UKR"] and len(set(states.textposition)) >= 1
    arcs = [t for t in map_figure(flows, KB).data if t.mode == "lines+markers"]
    assert len(arcs) == 4
    for arc in arcs:
        assert list(arc.marker.symbol).count("arrow") == 1 and arc.marker.angleref == "previous"
    timeline = timeline_figure(claims)
    assert timeline.layout.xaxis.type == "linear"
    assert sorted({x for trace in timeline.data for x in trace.x}) == [2016, 2019, 2021]
    assert [a.text for a in timeline.layout.annotations] == ["1 claim(s) with no known year are not drawn"]


def test_report_has_a_bundled_deals_section() -> None:
    text = (
        "In June the Polish president visited Ankara. The two countries announced a deal for 24 drones, "
        "and three more agreements in other fields."
    )
    rows, claims = frames(
        claim(
            0,
            "TUR",
            "POL",
            "ordered",
            system="Bayraktar TB2",
            quantity=24,
            year=2021,
            evidence="a deal for 24 drones",
            start=text.index("The two"),
        )
    )
    documents = pd.DataFrame([{"doc": "d1", "text": text, "published": None, "title": None, "url": None}])
    findings = find_entrapment(rows, claims, load_relations(), KB)
    page = build_report(rows, claims, findings, KB, source="test", documents=documents)
    assert "id='bundle-table'" in page and "three more agreements in other fields.</q>" in page
    assert "Undated transfers are judged at 2021-12-31" in page
    without = build_report(rows, claims, findings, KB, source="test")
    assert "bundled deals cannot be found" in without
