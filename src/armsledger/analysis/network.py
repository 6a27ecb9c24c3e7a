"""The supplier-recipient network of the register: volumes, dependence, centrality, new and shared clients.

A transfer is a register row at stage planned, ordered or delivered (interest and cancelled
rows are left out unless asked for). Volumes count transfers (register rows) and units (the
number delivered, else the number ordered, where known).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import networkx as nx
import pandas as pd

from armsledger.analysis.frames import ROW_COLUMNS, present, require_columns, row_years

TRANSFER_STATUSES: tuple[str, ...] = ("planned", "ordered", "delivered")


def transfers(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    start: int | None = None,
    end: int | None = None,
    statuses: Iterable[str] = TRANSFER_STATUSES,
) -> pd.DataFrame:
    """Register rows at the given stages with their year and units, within the year range if one is given.

    Rows with no known year are kept only when no range is given.
    """
    require_columns(rows, ROW_COLUMNS, "register")
    years = row_years(rows, claims)
    kept = rows[rows["status"].isin(list(statuses))].copy()
    kept["year"] = pd.array([years.get(k) for k in kept["row_key"]], dtype="Int64")
    kept["units"] = pd.array(
        [
            int(d) if present(d) else (int(o) if present(o) else None)
            for d, o in zip(kept["number_delivered"], kept["number_ordered"], strict=True)
        ],
        dtype="Int64",
    )
    if start is not None or end is not None:
        low, high = start if start is not None else -10_000, end if end is not None else 10_000
        kept = kept[kept["year"].notna() & (kept["year"] >= low) & (kept["year"] <= high)]
    return kept.reset_index(drop=True)


def build_graph(flows: pd.DataFrame) -> nx.DiGraph:
    """A directed graph: states as nodes, one edge per supplier-recipient pair with its volumes."""
    graph = nx.DiGraph()
    for (supplier, recipient), group in flows.groupby(["supplier", "recipient"], sort=True):
        graph.add_edge(
            supplier,
            recipient,
            transfers=len(group),
            units=int(group["units"].fillna(0).sum()),
            categories=dict(group["category"].value_counts().sort_index()),
            systems=sorted({s for s in group["system"] if present(s)}),
        )
    return graph


def pair_volumes(flows: pd.DataFrame) -> pd.DataFrame:
    """Transfers and units per supplier-recipient pair, with a column per category, biggest first."""
    if flows.empty:
        return pd.DataFrame(columns=["supplier", "recipient", "transfers", "units"])
    base = flows.groupby(["supplier", "recipient"]).agg(
        transfers=("row_key", "size"), units=("units", lambda u: int(u.fillna(0).sum()))
    )
    by_category = flows.pivot_table(
        index=["supplier", "recipient"], columns="category", values="row_key", aggfunc="size", fill_value=0
    )
    table = base.join(by_category).reset_index()
    return table.sort_values(
        ["transfers", "units", "supplier", "recipient"], ascending=[False, False, True, True]
    ).reset_index(drop=True)


def category_volumes(flows: pd.DataFrame) -> pd.DataFrame:
    """Transfers and units per weapon category."""
    if flows.empty:
        return pd.DataFrame(columns=["category", "transfers", "units"])
    table = (
        flows.groupby("category")
        .agg(transfers=("row_key", "size"), units=("units", lambda u: int(u.fillna(0).sum())))
        .reset_index()
    )
    return table.sort_values(["transfers", "category"], ascending=[False, True]).reset_index(drop=True)


def supplier_dependence(flows: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Each recipient's top suppliers and the share of its transfers that come from the first one."""
    records = []
    for recipient, group in flows.groupby("recipient", sort=True):
        counts = group["supplier"].value_counts()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        total = int(counts.sum())
        records.append(
            {
                "recipient": recipient,
                "transfers": total,
                "suppliers": len(ranked),
                "top_supplier": ranked[0][0],
                "top_share": round(ranked[0][1] / total, 4),
                "top_suppliers": [f"{s} {n}" for s, n in ranked[:top]],
            }
        )
    table = pd.DataFrame.from_records(
        records, columns=["recipient", "transfers", "suppliers", "top_supplier", "top_share", "top_suppliers"]
    )
    return table.sort_values(
        ["top_share", "transfers", "recipient"], ascending=[False, False, True], ignore_index=True
    )


def centrality(graph: nx.DiGraph) -> pd.DataFrame:
    """Degree and betweenness centrality of every state in the graph, most central first."""
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=["state", "out_degree", "in_degree", "degree", "betweenness"])
    degree = nx.degree_centrality(graph)
    between = nx.betweenness_centrality(graph)
    records = [
        {
            "state": n,
            "out_degree": graph.out_degree(n),
            "in_degree": graph.in_degree(n),
            "degree": round(degree[n], 4),
            "betweenness": round(between[n], 4),
        }
        for n in graph.nodes
    ]
    table = pd.DataFrame.from_records(records)
    return table.sort_values(
        ["degree", "betweenness", "state"], ascending=[False, False, True], ignore_index=True
    )


def new_pairs(
    flows: pd.DataFrame, history: pd.DataFrame | None = None, start: int | None = None, end: int | None = None
) -> pd.DataFrame:
    """Supplier-recipient pairs by the first year they appear, the years from start to end only.

    A pair is new in its first year over ``history`` (every transfer, of any year), so a pair
    already seen before the range is not new inside it. Pairs with no known year are left out.
    """
    source = flows if history is None else history
    dated = source[source["year"].notna()]
    if dated.empty:
        return pd.DataFrame(columns=["year", "supplier", "recipient"])
    first = dated.groupby(["supplier", "recipient"])["year"].min().reset_index()
    first["year"] = first["year"].astype(int)
    if start is not None:
        first = first[first["year"] >= start]
    if end is not None:
        first = first[first["year"] <= end]
    return first[["year", "supplier", "recipient"]].sort_values(
        ["year", "supplier", "recipient"], ignore_index=True
    )


def shared_clients(flows: pd.DataFrame) -> pd.DataFrame:
    """Pairs of suppliers with the recipients they both supply, most shared first."""
    clients = {s: set(g["recipient"]) for s, g in flows.groupby("supplier")}
    records = []
    for a, b in combinations(sorted(clients), 2):
        shared = sorted(clients[a] & clients[b])
        if shared:
            records.append({"supplier_a": a, "supplier_b": b, "shared": len(shared), "clients": shared})
    table = pd.DataFrame.from_records(records, columns=["supplier_a", "supplier_b", "shared", "clients"])
    return table.sort_values(
        ["shared", "supplier_a", "supplier_b"], ascending=[False, True, True], ignore_index=True
    )


def network_summary(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    start: int | None = None,
    end: int | None = None,
    statuses: Iterable[str] = TRANSFER_STATUSES,
) -> dict[str, pd.DataFrame]:
    """Every network table for a year range, by name."""
    flows = transfers(rows, claims, start, end, statuses)
    history = transfers(rows, claims, statuses=statuses) if start is not None or end is not None else None
    graph = build_graph(flows)
    return {
        "pairs": pair_volumes(flows),
        "categories": category_volumes(flows),
        "dependence": supplier_dependence(flows),
        "centrality": centrality(graph),
        "new_pairs": new_pairs(flows, history, start, end),
        "shared_clients": shared_clients(flows),
    }
