"""Plain-text tables for people reading claims in a terminal."""

from __future__ import annotations

from armsledger.model import Claim, Document


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def text_table(headers: list[str], rows: list[list[str]], widths: dict[int, int] | None = None) -> str:
    """A fixed-width table; columns listed in ``widths`` are cut to that many characters."""
    widths = widths or {}
    cells = [[_cut(str(v), widths.get(i, 10_000)) for i, v in enumerate(row)] for row in rows]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(sizes[i]) for i, h in enumerate(headers)).rstrip(),
        "  ".join("-" * s for s in sizes),
    ]
    lines += ["  ".join(v.ljust(sizes[i]) for i, v in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def claims_table(rows: list[tuple[Document, list[Claim]]]) -> str:
    """Claims of several documents as one readable table."""
    body = []
    for doc, claims in rows:
        for c in claims:
            body.append(
                [
                    doc.id,
                    c.supplier,
                    c.recipient,
                    c.system or f"({c.category})",
                    c.category,
                    "" if c.quantity is None else str(c.quantity),
                    c.status,
                    "" if c.year is None else str(c.year),
                    c.evidence,
                ]
            )
    total = sum(len(c) for _, c in rows)
    table = text_table(
        ["doc", "supplier", "recipient", "system", "category", "qty", "status", "year", "evidence"],
        body,
        {0: 24, 3: 24, 8: 70},
    )
    return table + f"{total} claim(s) in {len(rows)} document(s)\n"
