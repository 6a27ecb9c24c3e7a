"""A world map that needs no network: the country outlines shipped with pygal_maps_world, and where each state sits.

The SVG draws every country as a group of paths classed by its ISO 3166 alpha-2 code; a
state's anchor on the map is the centre of the bounding box of its largest path (so Alaska,
overseas departments and islands do not pull the point away from the mainland).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from armsledger.errors import ArmsledgerError

# SIPRI's historical states, drawn where their successor state is.
_HISTORICAL = {"SUN": "ru", "YUG": "rs", "CSK": "cz", "DDR": "de", "XKX": "rs"}
# States the map has no outline for, drawn beside a neighbour: (neighbour's alpha-2, dx, dy).
_BESIDE = {
    "QAT": ("bh", 4, 6),
    "SSD": ("sd", 0, 55),
    "TTO": ("ve", 35, -25),
    "BHS": ("cu", 17, -21),
    "FJI": ("nz", 28, -165),
    "BRB": ("ve", 55, -40),
}
_GROUP = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)
_PATH = re.compile(r'd="([^"]+)"')
_TOKEN = re.compile(r"[a-zA-Z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "c": 6, "s": 4, "q": 4, "t": 2, "h": 1, "v": 1, "z": 0}


@dataclass(frozen=True, slots=True)
class WorldMap:
    """The map's SVG text, its size and each country's anchor point in the SVG's coordinates."""

    svg: str
    width: float
    height: float
    anchors: dict[str, tuple[float, float]]  # alpha-2 (lower case) -> (x, y)

    def anchor(self, code: str) -> tuple[float, float] | None:
        """The map point of an ISO3 state code, or None for non-state actors and unmapped states."""
        alpha2 = alpha2_of(code)
        point = self.anchors.get(alpha2) if alpha2 else None
        if point is None and code in _BESIDE:
            near, dx, dy = _BESIDE[code]
            base = self.anchors.get(near)
            point = (base[0] + dx, base[1] + dy) if base else None
        return point


def alpha2_of(code: str) -> str | None:
    """The lower-case ISO alpha-2 code the map uses for an ISO3 code."""
    if code in _HISTORICAL:
        return _HISTORICAL[code]
    if len(code) != 3 or not code.isalpha():
        return None
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2.lower() if country else None


def path_points(d: str) -> list[tuple[float, float]]:
    """The end points of every segment of an SVG path (enough for a bounding box)."""
    tokens = _TOKEN.findall(d)
    points: list[tuple[float, float]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "m"
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                x, y = start
                continue
        lower = command.lower()
        arity = _ARITY.get(lower, 2) if lower != "a" else 7
        args = [float(t) for t in tokens[i : i + arity]]
        if len(args) < arity:
            break
        i += arity
        relative = command.islower()
        if lower == "h":
            x = x + args[0] if relative else args[0]
        elif lower == "v":
            y = y + args[0] if relative else args[0]
        else:
            dx, dy = args[-2], args[-1]
            x, y = (x + dx, y + dy) if relative else (dx, dy)
        if lower == "m":
            start = (x, y)
            command = "l" if relative else "L"  # further pairs after a move are lines
        points.append((x, y))
    return points


def _anchor(paths: list[str]) -> tuple[float, float] | None:
    best: tuple[float, float, float] | None = None
    for d in paths:
        points = path_points(d)
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        if best is None or area > best[0]:
            best = (area, (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    return (round(best[1], 1), round(best[2], 1)) if best else None


def _svg_path() -> Path:
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise ArmsledgerError("the world map needs the pygal_maps_world package; reinstall armsledger")
    return Path(next(iter(spec.submodule_search_locations))) / "worldmap.svg"


@lru_cache(maxsize=1)
def world_map() -> WorldMap:
    """The shipped world map with every country's anchor, read once."""
    svg = _svg_path().read_text(encoding="utf-8")
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    width, height = (float(box[1]), float(box[2])) if box else (2475.0, 1388.0)
    anchors = {}
    for code, body in _GROUP.findall(svg):
        point = _anchor(_PATH.findall(body))
        if point:
            anchors[code] = point
    return WorldMap(svg, width, height, anchors)
