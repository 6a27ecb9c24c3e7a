"""The network graph drawn as SVG on the server, for readers without JavaScript.

The figure is the analysis module's (``report.network_figure``): arrows are its annotations and
states its marker trace, in data units that are the picture's pixels. This draws the same arrows,
dots and labels as plain SVG inside the chart's box; with JavaScript, Plotly replaces it with the
interactive graph. Every label is escaped.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import plotly.graph_objects as go

# Where plotly puts a label against its dot ("top center" and friends): the vertical side of the
# dot (-1 above, 1 below) and, for the horizontal part, the text anchor and side.
_VERTICAL = {"top": -1.0, "middle": 0.0, "bottom": 1.0}
_HORIZONTAL = {"left": ("end", -1.0), "center": ("middle", 0.0), "right": ("start", 1.0)}
_BASELINE = {-1.0: "auto", 0.0: "middle", 1.0: "hanging"}


def _label(x: float, y: float, radius: float, position: str, text: str) -> str:
    vertical, _, horizontal = (position or "top center").partition(" ")
    dy = _VERTICAL.get(vertical, -1.0)
    anchor, dx = _HORIZONTAL.get(horizontal or "center", ("middle", 0.0))
    gap = radius + 3
    return (
        f'<text x="{x + dx * gap:.1f}" y="{y + dy * gap:.1f}" text-anchor="{anchor}" '
        f'dominant-baseline="{_BASELINE[dy]}">{escape(text)}</text>'
    )


def network_svg(fig: go.Figure, title: str = "Supply network") -> str:
    """The figure's arrows, dots and labels as an SVG element ('' for an empty figure)."""
    layout = fig.layout
    width = float(layout.xaxis.range[1]) if layout.xaxis.range else 1200.0
    height = float(layout.yaxis.range[1]) if layout.yaxis.range else 600.0
    states = next((t for t in fig.data if t.name == "states"), None)
    if states is None:
        return ""

    def flip(y: float) -> float:  # plotly's y grows upwards, SVG's downwards
        return height - y

    parts: list[str] = []
    for note in layout.annotations or ():
        x0, y0, x1, y1 = float(note.ax), flip(float(note.ay)), float(note.x), flip(float(note.y))
        length = math.hypot(x1 - x0, y1 - y0)
        start, stop = float(note.startstandoff or 0), float(note.standoff or 0)
        if length <= start + stop:
            continue
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        parts.append(
            f'<line x1="{x0 + ux * start:.1f}" y1="{y0 + uy * start:.1f}" x2="{x1 - ux * stop:.1f}" '
            f'y2="{y1 - uy * stop:.1f}" stroke-width="{float(note.arrowwidth or 1):.2f}" '
            'marker-end="url(#arrow)"/>'
        )
    sizes: Any = states.marker.size
    colours: Any = states.marker.color
    positions: Any = states.textposition
    hovers: Any = states.hovertext
    count = len(states.x)
    for i in range(count):
        x, y = float(states.x[i]), flip(float(states.y[i]))
        radius = float(sizes[i] if isinstance(sizes, (list, tuple)) else sizes or 8) / 2
        colour = colours[i] if isinstance(colours, (list, tuple)) else colours or "#3d6fb0"
        hover = hovers[i] if isinstance(hovers, (list, tuple)) else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{escape(str(colour))}">'
            f"<title>{escape(str(hover))}</title></circle>"
        )
        position = positions[i] if isinstance(positions, (list, tuple)) else positions or "top center"
        parts.append(_label(x, y, radius, str(position), str(states.text[i])))
    return (
        f'<svg class="network-svg" viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="rgba(90,90,110,0.75)"/></marker></defs>'
        '<g class="flows" stroke="rgba(90,90,110,0.55)" fill="none">'
        + "".join(p for p in parts if p.startswith("<line"))
        + '</g><g class="states" font-size="12" fill="#24324a" stroke="white" stroke-width="0">'
        + "".join(p for p in parts if not p.startswith("<line"))
        + "</g></svg>"
    )
