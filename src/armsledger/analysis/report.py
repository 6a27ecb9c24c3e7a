"""The report: one self-contained HTML page with the register, the network, a map of flows, a timeline and entrapment.

Plotly's JavaScript is embedded from the installed package and the map's country outlines
come from pygal_maps_world, so the page opens with no network at all.
"""

from __future__ import annotations

import base64
import html
import math
import re
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from armsledger import __version__
from armsledger.analysis.bundles import bundled_deals, drone_diplomacy
from armsledger.analysis.dating import Reference, reference_date
from armsledger.analysis.entrapment import Finding
from armsledger.analysis.frames import present
from armsledger.analysis.layout import fit, place_labels, spread
from armsledger.analysis.network import TRANSFER_STATUSES, build_graph, transfers
from armsledger.analysis.timeline import UNKNOWN, claims_by_status
from armsledger.analysis.worldmap import WorldMap, alpha2_of, world_map
from armsledger.knowledge import Knowledge
from armsledger.model import STATUSES

STATUS_COLOURS = {
    "interest": "#b8b8d9",
    "planned": "#8fb3de",
    "ordered": "#e0a458",
    "delivered": "#c2452d",
    "cancelled": "#7a7a7a",
}
_CONFIG = {"displaylogo": False, "responsive": True}
_STAGE = {s: i for i, s in enumerate(STATUSES)}


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _best_status(statuses: list[str]) -> str:
    return max(statuses, key=lambda s: _STAGE.get(s, -1) if s != "cancelled" else -1)


# Pixel box the network is laid out in: the report's plot is about this wide and this high.
NETWORK_WIDTH, NETWORK_HEIGHT, NETWORK_MARGIN = 1200.0, 600.0, 40.0
_MIN_GAP = 56.0  # pixels between two dots, room for a three-letter label beside each


def _dot_size(out_degree: int, in_degree: int) -> float:
    return 10 + 6 * math.sqrt(out_degree + in_degree)


def network_positions(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Where each state sits, in pixels: a spring layout fitted to the plot and spread to a minimum gap."""
    if graph.number_of_nodes() == 0:
        return {}
    n = graph.number_of_nodes()
    raw = nx.spring_layout(graph.to_undirected(), seed=7, k=2.2 / math.sqrt(n), iterations=300)
    fitted = fit(
        {k: (float(v[0]), float(v[1])) for k, v in raw.items()}, NETWORK_WIDTH, NETWORK_HEIGHT, NETWORK_MARGIN
    )
    return spread(fitted, NETWORK_WIDTH, NETWORK_HEIGHT, _MIN_GAP, NETWORK_MARGIN / 2)


def network_figure(flows: pd.DataFrame, kb: Knowledge) -> go.Figure:
    """The supplier-recipient graph: states as dots, arrows from supplier to recipient, labels kept apart."""
    graph = build_graph(flows)
    fig = go.Figure()
    if graph.number_of_nodes() == 0:
        return fig
    layout = network_positions(graph)
    nodes = sorted(graph.nodes)
    size = {n: _dot_size(graph.out_degree(n), graph.in_degree(n)) for n in nodes}
    for a, b, data in graph.edges(data=True):
        (x0, y0), (x1, y1) = layout[a], layout[b]
        if graph.has_edge(b, a):
            # Both ways: two parallel arrows a few pixels apart instead of one on top of the other.
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            ox, oy = -(y1 - y0) / length * 4, (x1 - x0) / length * 4
            x0, y0, x1, y1 = x0 + ox, y0 + oy, x1 + ox, y1 + oy
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=2,
            arrowsize=1,
            arrowwidth=1 + math.log2(data["transfers"]),
            arrowcolor="rgba(90,90,110,0.55)",
            standoff=size[b] / 2 + 1,
            startstandoff=size[a] / 2,
            text="",
        )
    # Hover text on the middle of each edge: annotations themselves have no hover.
    mids = [
        (
            (layout[a][0] + layout[b][0]) / 2,
            (layout[a][1] + layout[b][1]) / 2,
            f"{a} → {b}: {d['transfers']} transfer(s)<br>"
            + ", ".join(f"{k} {v}" for k, v in d["categories"].items()),
        )
        for a, b, d in graph.edges(data=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=[m[0] for m in mids],
            y=[m[1] for m in mids],
            mode="markers",
            name="flows",
            marker={"size": 6, "color": "rgba(90,90,110,0.25)"},
            hovertext=[m[2] for m in mids],
            hoverinfo="text",
            showlegend=False,
        )
    )
    positions = place_labels(
        {n: layout[n] for n in nodes},
        {n: size[n] / 2 for n in nodes},
        font_px=12,
        bounds=(0, 0, NETWORK_WIDTH, NETWORK_HEIGHT),
    )
    out_deg = [graph.out_degree(n) for n in nodes]
    in_deg = [graph.in_degree(n) for n in nodes]
    fig.add_trace(
        go.Scatter(
            x=[layout[n][0] for n in nodes],
            y=[layout[n][1] for n in nodes],
            mode="markers+text",
            name="states",
            text=nodes,
            textposition=[positions[n] for n in nodes],
            textfont={"size": 12, "color": "#24324a"},
            hovertext=[
                f"{kb.state_name(n)}: supplies {o}, receives from {i}"
                for n, o, i in zip(nodes, out_deg, in_deg, strict=True)
            ],
            hoverinfo="text",
            showlegend=False,
            marker={
                "size": [size[n] for n in nodes],
                "color": ["#c2452d" if o > i else "#3d6fb0" for o, i in zip(out_deg, in_deg, strict=True)],
                "line": {"width": 1, "color": "white"},
            },
        )
    )
    fig.update_layout(
        height=NETWORK_HEIGHT,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        plot_bgcolor="white",
        xaxis={"visible": False, "range": [0, NETWORK_WIDTH]},
        yaxis={"visible": False, "range": [0, NETWORK_HEIGHT]},
    )
    return fig


def _styled_svg(worldmap: WorldMap, involved: dict[str, str]) -> str:
    """The map's SVG with countries in the register shaded: suppliers red, recipients blue."""
    colours = {"supplier": "#e7b3a8", "recipient": "#b3c7e6", "both": "#d3b3d9"}
    rules = [".country path{fill:#ece9e2;stroke:#ffffff;stroke-width:0.6}"]
    for code, role in sorted(involved.items()):
        alpha2 = alpha2_of(code)
        if alpha2:
            rules.append(f".{alpha2} path{{fill:{colours[role]}}}")
    return worldmap.svg.replace(">", f"><style>{''.join(rules)}</style>", 1)


def map_figure(flows: pd.DataFrame, kb: Knowledge) -> go.Figure:
    """Flows drawn as arcs between states over the world map; non-state actors have no place on it."""
    worldmap = world_map()
    involved: dict[str, str] = {}
    for s, r in zip(flows["supplier"], flows["recipient"], strict=True):
        involved[s] = "both" if involved.get(s, "supplier") != "supplier" else "supplier"
        involved[r] = "both" if involved.get(r, "recipient") != "recipient" else "recipient"
    svg = _styled_svg(worldmap, involved)
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    fig = go.Figure()
    fig.add_layout_image(
        source=source,
        xref="x",
        yref="y",
        x=0,
        y=0,
        sizex=worldmap.width,
        sizey=worldmap.height,
        sizing="stretch",
        layer="below",
        xanchor="left",
        yanchor="top",
    )
    for (supplier, recipient), group in flows.groupby(["supplier", "recipient"], sort=True):
        a, b = worldmap.anchor(supplier), worldmap.anchor(recipient)
        if a is None or b is None or a == b:
            continue
        status = _best_status(list(group["status"]))
        xs, ys = _arc(a, b)
        label = (
            f"{kb.state_name(supplier)} → {kb.state_name(recipient)}: {len(group)} transfer(s), "
            f"furthest stage {status}"
        )
        # An arrowhead three quarters along the arc, pointing the way the arms go; a dot at the recipient.
        head = (len(xs) * 3) // 4
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                line={"width": 1.5 + 1.5 * math.log2(len(group)), "color": STATUS_COLOURS[status]},
                marker={
                    "symbol": ["arrow" if i == head else "circle" for i in range(len(xs))],
                    "size": [13 if i == head else (6 if i == len(xs) - 1 else 0) for i in range(len(xs))],
                    "angleref": "previous",
                    "color": STATUS_COLOURS[status],
                },
                opacity=0.85,
                hoverinfo="text",
                hovertext=label,
                showlegend=False,
            )
        )
    placed = {c: worldmap.anchor(c) for c in involved}
    shown = {c: p for c, p in sorted(placed.items()) if p is not None}
    # Labels placed in screen pixels (the map is drawn about half a pixel per map unit), off each other.
    scale = _MAP_PIXELS / worldmap.width
    positions = place_labels(
        {c: (x * scale, -y * scale) for c, (x, y) in shown.items()}, dict.fromkeys(shown, 3.0), font_px=10
    )
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in shown.values()],
            y=[p[1] for p in shown.values()],
            mode="text",
            text=list(shown),
            textposition=[positions[c] for c in shown],
            textfont={"size": 10, "color": "#333"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for status in TRANSFER_STATUSES:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=status,
                line={"color": STATUS_COLOURS[status], "width": 3},
            )
        )
    fig.update_layout(
        height=560,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="#f7f9fc",
        legend={"title": {"text": "furthest stage"}, "x": 0.01, "y": 0.02},
        xaxis={"visible": False, "range": [0, worldmap.width]},
        yaxis={"visible": False, "range": [worldmap.height * 0.85, 0], "scaleanchor": "x"},
    )
    return fig


_MAP_PIXELS = 1230.0  # about how wide the map is drawn in the report


def _arc(a: tuple[float, float], b: tuple[float, float], steps: int = 24) -> tuple[list[float], list[float]]:
    """Points of a gentle curve from a to b, bowed to the left of the direction of travel."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    cx, cy = mx - dy * 0.2, my + dx * 0.2
    xs, ys = [], []
    for i in range(steps + 1):
        t = i / steps
        xs.append((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1)
        ys.append((1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1)
    return xs, ys


def timeline_figure(claims: pd.DataFrame) -> go.Figure:
    """Claims per year, stacked by status, on a numeric year axis (years without claims show as gaps).

    Claims with no known year cannot sit on the axis; their count is written above the plot.
    """
    table = claims_by_status(claims)
    dated = table[table["year"] != UNKNOWN] if not table.empty else table
    undated = int(table.loc[table["year"] == UNKNOWN, "total"].sum()) if not table.empty else 0
    years = [int(y) for y in dated["year"]]
    fig = go.Figure()
    for status in STATUSES:
        if status in dated and dated[status].sum() > 0:
            fig.add_trace(
                go.Bar(
                    x=years,
                    y=list(dated[status]),
                    name=status,
                    marker={"color": STATUS_COLOURS[status]},
                    hovertemplate=f"%{{x}}: %{{y}} {status}<extra></extra>",
                )
            )
    span = (min(years), max(years)) if years else (0, 1)
    xaxis: dict[str, Any] = {
        "type": "linear",
        "title": {"text": "year (the claim's, else its document's)"},
        "range": [span[0] - 0.7, span[1] + 0.7],
        "tickformat": "d",
        "showgrid": True,
        "gridcolor": "#eeeeee",
    }
    if span[1] - span[0] <= 25:
        xaxis["dtick"] = 1
    if undated:
        fig.add_annotation(
            text=f"{undated} claim(s) with no known year are not drawn",
            xref="paper",
            yref="paper",
            x=1,
            y=1.08,
            showarrow=False,
            font={"size": 12, "color": "#666"},
            xanchor="right",
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.15,
        height=380,
        margin={"l": 50, "r": 10, "t": 30, "b": 40},
        xaxis=xaxis,
        yaxis={"title": {"text": "claims"}},
        plot_bgcolor="white",
        legend={"title": {"text": "status"}},
    )
    return fig


def _register_table(rows: pd.DataFrame, kb: Knowledge, limit: int = 2000) -> str:
    head = [
        "supplier",
        "recipient",
        "system",
        "category",
        "status",
        "ordered",
        "delivered",
        "order year",
        "delivery years",
        "confidence",
        "claims",
    ]
    body = []
    ordered = rows.sort_values(["supplier", "recipient", "row_key"])
    for row in ordered.head(limit).itertuples(index=False):
        years = (
            ", ".join(str(y) for y in row.years_of_delivery)
            if isinstance(row.years_of_delivery, list)
            else ""
        )
        cells = [
            f"<span title='{_e(kb.state_name(row.supplier))}'>{_e(row.supplier)}</span>",
            f"<span title='{_e(kb.state_name(row.recipient))}'>{_e(row.recipient)}</span>",
            _e(row.system if present(row.system) else f"({row.category})"),
            _e(row.category),
            f"<span class='st {_e(row.status)}'>{_e(row.status)}</span>",
            _e(int(row.number_ordered) if present(row.number_ordered) else ""),
            _e(int(row.number_delivered) if present(row.number_delivered) else ""),
            _e(int(row.year_of_order) if present(row.year_of_order) else ""),
            _e(years),
            _e(f"{float(row.confidence):.2f}" if present(row.confidence) else ""),
            _e(len(row.claim_ids or [])),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    more = f"<p class='note'>First {limit} of {len(rows)} rows.</p>" if len(rows) > limit else ""
    return (
        f"<table id='register-table'><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


_OPENING_QUOTES = "\"'“‘«„"


def quoted(sentence: str) -> str:
    """A source sentence as HTML in quotation marks, once: a sentence that opens with its own quote keeps it."""
    text = " ".join(sentence.split())
    if text[:1] in _OPENING_QUOTES:
        return f"<span class='quote'>{_e(text)}</span>"
    return f"<q>{_e(text)}</q>"


def _findings_html(findings: list[Finding], limit: int = 25) -> str:
    if not findings:
        return "<p>No entrapment findings: no ally of a guarantor arms a state opposed to the guarantor's rival.</p>"
    items = []
    for rank, f in enumerate(findings[:limit], 1):
        evidence = "".join(
            f"<li>{quoted(e['sentence'])} <span class='where'>{_e(e['doc'])} [{e['start']}:{e['end']}]</span></li>"
            for e in f.evidence
        )
        also = (
            f" <span class='also'>also against {_e(', '.join(f.also_against))}</span>"
            if f.also_against
            else ""
        )
        items.append(
            f"<div class='finding'><div class='fhead'><span class='rank'>#{rank}</span> "
            f"<b>{_e(f.guarantor)}</b> via <b>{_e(f.supplier)} → {_e(f.recipient)}</b> against "
            f"<b>{_e(f.adversary)}</b>{also} <span class='score'>score {f.score:.3f}</span> "
            f"<span class='systems'>{_e(', '.join(f.systems))}</span></div>"
            f"<p>{_e(f.explanation)}</p><ol class='evidence'>{evidence}</ol></div>"
        )
    more = (
        f"<p class='note'>{len(findings) - limit} more finding(s) not shown.</p>"
        if len(findings) > limit
        else ""
    )
    return "".join(items) + more


def _bundles_html(bundled: pd.DataFrame | None) -> str:
    if bundled is None:
        return "<p class='note'>The documents' texts are not available, so bundled deals cannot be found.</p>"
    if bundled.empty:
        return "<p>No deal is announced together with other agreements between the same two states.</p>"
    head = ["supplier", "recipient", "system", "status", "agreements", "sentence", "source"]
    body = []
    for b in bundled.itertuples(index=False):
        system = b.system if present(b.system) else f"({b.category})"
        count = "" if not present(b.agreements) else str(int(b.agreements))
        cells = [
            _e(b.supplier),
            _e(b.recipient),
            _e(system),
            f"<span class='st {_e(b.status)}'>{_e(b.status)}</span>",
            _e(count),
            quoted(b.sentence),
            f"<span class='where'>{_e(b.doc)} [{int(b.start)}:{int(b.end)}]</span>",
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        f"<table id='bundle-table'><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _frame_html(frame: pd.DataFrame, element_id: str) -> str:
    if frame.empty:
        return "<p>(none)</p>"

    def cell(v: Any) -> str:
        if isinstance(v, list):
            return ", ".join(str(x) for x in v)
        if isinstance(v, dict):
            return ", ".join(f"{k}: {x}" for k, x in v.items())
        return "" if not present(v) else str(v)

    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table id='{element_id}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c9d3de;font-size:14px}
main{max-width:1280px;margin:0 auto;padding:12px 24px 40px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:18px 0;padding:12px 18px}
h2{font-size:18px;margin:6px 0 10px}p.note,.note{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f3f4f6;position:sticky;top:0}
.scroll{max-height:420px;overflow:auto}.st{padding:1px 6px;border-radius:8px;font-size:12px;color:#fff}
.st.interest{background:#9a9ac6}.st.planned{background:#6d97cc}.st.ordered{background:#cf8b35}
.st.delivered{background:#c2452d}.st.cancelled{background:#7a7a7a}
.finding{border-left:4px solid #c2452d;padding:6px 12px;margin:12px 0;background:#fdf7f5}
.fhead{font-size:15px}.rank{color:#c2452d;font-weight:700}.score{color:#555;margin-left:8px}
.systems{color:#555;font-style:italic;margin-left:8px}.evidence{font-size:13px;color:#333}
.where{color:#888;font-size:12px}.summary span{display:inline-block;margin-right:22px}
.also{color:#555;font-size:13px}
"""


def build_report(
    rows: pd.DataFrame,
    claims: pd.DataFrame,
    findings: list[Finding],
    kb: Knowledge,
    source: str = "",
    generated: datetime | None = None,
    documents: pd.DataFrame | None = None,
    reference: Reference | None = None,
) -> str:
    """The whole report as one HTML string.

    ``documents`` (with their texts) let the report find bundled deals; ``reference`` is the
    day undated transfers were judged at, said above the findings.
    """
    generated = generated or datetime.now(UTC)
    reference = reference or reference_date(claims)
    flows = transfers(rows, claims)
    figures = {
        "network-plot": network_figure(flows, kb),
        "map-plot": map_figure(flows, kb),
        "timeline-plot": timeline_figure(claims),
    }
    plots = {
        name: fig.to_html(full_html=False, include_plotlyjs=False, div_id=name, config=_CONFIG)
        for name, fig in figures.items()
    }
    drones = drone_diplomacy(rows, claims, kb)
    bundled = bundled_deals(claims, documents, kb) if documents is not None and not documents.empty else None
    states = sorted(set(rows["supplier"]) | set(rows["recipient"]))
    summary = (
        f"<div class='summary'><span><b>{len(rows)}</b> register rows</span>"
        f"<span><b>{len(claims)}</b> claims</span><span><b>{claims['doc'].nunique()}</b> documents</span>"
        f"<span><b>{len(states)}</b> states and groups</span><span><b>{len(findings)}</b> entrapment "
        f"findings</span></div>"
    )
    unmapped = sorted({c for c in states if world_map().anchor(c) is None})
    map_note = (
        f"<p class='note'>Not on the map (non-state actors or states the map lacks): "
        f"{_e(', '.join(unmapped))}.</p>"
        if unmapped
        else ""
    )
    body = f"""
<header><h1>armsledger report</h1><p>{_e(source)} · generated {generated:%Y-%m-%d %H:%M} UTC ·
armsledger {__version__}</p></header>
<main>
<section id="summary"><h2>Summary</h2>{summary}</section>
<section id="entrapment"><h2>Alliance entrapment</h2>
<p class="note">A guarantor's ally arms a state that is at war with, or a rival of, the guarantor's own rival.
Score = capability × status × (1 + log10 quantity) × relation, summed over the transfers against the main
adversary; the others the same transfers face are listed as "also against". {_e(reference.describe())}</p>
{_findings_html(findings)}</section>
<section id="bundles"><h2>Bundled deals</h2><p class="note">Deals announced together with other agreements
between the same two states, with the sentence that counts the agreements.</p>{_bundles_html(bundled)}</section>
<section id="network"><h2>Supply network</h2><p class="note">Arrows run from supplier to recipient (two
arrows side by side when both supply each other); red dots mostly supply, blue dots mostly receive. Planned,
ordered and delivered transfers.</p>{plots["network-plot"]}</section>
<section id="map"><h2>Flows on the map</h2><p class="note">Each arc runs from supplier to recipient: its
arrowhead points the way the arms go and a dot marks the recipient; its colour is the furthest stage reached.
</p>{plots["map-plot"]}{map_note}</section>
<section id="timeline"><h2>Claims over time, by status</h2>{plots["timeline-plot"]}</section>
<section id="drones"><h2>Drone diplomacy</h2><p class="note">Drone suppliers by new clients per year.</p>
{_frame_html(drones, "drone-table")}</section>
<section id="register"><h2>Register</h2><div class="scroll">{_register_table(rows, kb)}</div></section>
</main>"""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>armsledger report</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_CSS}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>{body}</body></html>"
    )


def strip_external(html_text: str) -> list[str]:
    """URLs the page would fetch (src/href to http or //), for checks that it is self-contained."""
    return re.findall(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)["']""", html_text)
