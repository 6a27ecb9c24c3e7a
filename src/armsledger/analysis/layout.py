"""Placing the report's dots and labels so that they do not cover each other.

Plotly draws a label wherever it is told; it never moves one out of another's way. Two
small passes do that work in screen pixels: ``spread`` pushes dots apart until they keep a
minimum gap, and ``place_labels`` gives each label the side of its dot (above, below,
left, right or a corner) where it overlaps the fewest other labels and dots.
"""

from __future__ import annotations

import math

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # left, bottom, right, top (y grows upwards)

# Plotly's text positions with the side of the dot they put the label on: (dx, dy) signs.
POSITIONS: tuple[tuple[str, int, int], ...] = (
    ("top center", 0, 1),
    ("bottom center", 0, -1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, 1),
    ("top left", -1, 1),
    ("bottom right", 1, -1),
    ("bottom left", -1, -1),
)


def fit(points: dict[str, Point], width: float, height: float, margin: float) -> dict[str, Point]:
    """Points scaled into a width x height box (in pixels), keeping a margin on every side."""
    if not points:
        return {}
    xs, ys = [p[0] for p in points.values()], [p[1] for p in points.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        n: (
            margin + (x - min(xs)) / span_x * (width - 2 * margin),
            margin + (y - min(ys)) / span_y * (height - 2 * margin),
        )
        for n, (x, y) in points.items()
    }


def spread(
    points: dict[str, Point], width: float, height: float, gap: float, margin: float, rounds: int = 400
) -> dict[str, Point]:
    """Points pushed apart until every two are at least ``gap`` pixels apart (or the rounds run out)."""
    placed = {n: [x, y] for n, (x, y) in points.items()}
    names = sorted(placed)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                (ax, ay), (bx, by) = placed[a], placed[b]
                dx, dy = bx - ax, by - ay
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-6:  # the same spot: part them sideways, the same way every run
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (gap - distance) / 2 + 0.5
                ux, uy = dx / distance, dy / distance
                placed[a] = [ax - ux * push, ay - uy * push]
                placed[b] = [bx + ux * push, by + uy * push]
                moved = True
        for p in placed.values():
            p[0] = min(max(p[0], margin), width - margin)
            p[1] = min(max(p[1], margin), height - margin)
        if not moved:
            break
    return {n: (p[0], p[1]) for n, p in placed.items()}


def _label_box(at: Point, text: str, radius: float, dx: int, dy: int, char: float, line: float) -> Box:
    width = char * len(text) + 2
    x, y = at
    if dx == 0:
        left = x - width / 2
    elif dx > 0:
        left = x + radius + 1
    else:
        left = x - radius - 1 - width
    if dy == 0:
        bottom = y - line / 2
    elif dy > 0:
        bottom = y + radius * (0.7 if dx else 1) + 1
    else:
        bottom = y - radius * (0.7 if dx else 1) - 1 - line
    return (left, bottom, left + width, bottom + line)


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(
    points: dict[str, Point],
    radii: dict[str, float],
    labels: dict[str, str] | None = None,
    font_px: float = 12.0,
    bounds: Box | None = None,
) -> dict[str, str]:
    """A Plotly text position for each point's label, chosen to overlap the fewest labels and dots.

    Points with the biggest dots choose first; each takes the first position (top, bottom,
    right, left, then the corners) that overlaps nothing, else the one that overlaps least.
    """
    labels = labels or {n: n for n in points}
    char, line = font_px * 0.62, font_px * 1.2
    dots = {n: (x - radii[n], y - radii[n], x + radii[n], y + radii[n]) for n, (x, y) in points.items()}
    taken: list[Box] = []
    chosen: dict[str, str] = {}
    for name in sorted(points, key=lambda n: (-radii[n], n)):
        best: tuple[float, str, Box] | None = None
        for position, dx, dy in POSITIONS:
            box = _label_box(points[name], labels[name], radii[name], dx, dy, char, line)
            cost = sum(_overlap(box, t) for t in taken)
            cost += sum(_overlap(box, d) for other, d in dots.items() if other != name)
            if bounds is not None:
                inside = _overlap(box, bounds)
                cost += (box[2] - box[0]) * (box[3] - box[1]) - inside
            if best is None or cost < best[0]:
                best = (cost, position, box)
            if cost == 0:
                break
        assert best is not None
        chosen[name] = best[1]
        taken.append(best[2])
    return chosen


def label_overlaps(
    points: dict[str, Point], radii: dict[str, float], positions: dict[str, str], font_px: float = 12.0
) -> int:
    """How many pairs of labels overlap with the given positions (for checks and tests)."""
    by_name = {p: (dx, dy) for p, dx, dy in POSITIONS}
    char, line = font_px * 0.62, font_px * 1.2
    boxes = [_label_box(points[n], n, radii[n], *by_name[positions[n]], char, line) for n in sorted(points)]
    return sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1 :] if _overlap(a, b) > 0)
