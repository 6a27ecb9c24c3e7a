"""A document's text cut into runs, each marked with the claims and skipped stretches that cover it.

Templates print each run as escaped text inside a span whose classes say what covers it, so the
text is never rendered as HTML however it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Mark:
    """A stretch of the text to show: a claim ('claim', 'focus') or skipped text ('skipped')."""

    start: int
    end: int
    kind: str
    ref: str = ""  # the claim key, for links and titles


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text and the marks that cover all of it."""

    text: str
    start: int
    kinds: tuple[str, ...]
    refs: tuple[str, ...]

    @property
    def classes(self) -> str:
        """CSS classes for the run."""
        return " ".join(sorted(set(self.kinds)))


def runs(text: str, marks: list[Mark]) -> list[Run]:
    """The text in runs split wherever a mark starts or ends; marks outside the text are clipped."""
    size = len(text)
    kept = [
        Mark(max(0, m.start), min(size, m.end), m.kind, m.ref)
        for m in marks
        if m.end > m.start and m.start < size
    ]
    cuts = sorted({0, size, *(m.start for m in kept), *(m.end for m in kept)})
    out: list[Run] = []
    for a, b in pairwise(cuts):
        if a >= b:
            continue
        covering = [m for m in kept if m.start <= a and m.end >= b]
        out.append(
            Run(
                text[a:b],
                a,
                tuple(m.kind for m in covering),
                tuple(dict.fromkeys(m.ref for m in covering if m.ref)),
            )
        )
    return out


def skipped_marks(skipped: list[list[int]] | None) -> list[Mark]:
    """Marks for a stored document's skipped spans (comments, boilerplate)."""
    return [Mark(int(s), int(e), "skipped") for s, e in (skipped or [])]
