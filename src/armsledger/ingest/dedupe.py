"""Copies and near-copies of one story, marked as one source.

A wire story reprinted by twenty sites is one confirmation, not twenty. Exact copies share
a content hash; near-copies (the same story with a new headline or a trimmed ending) share
most of their five-word shingles, found with MinHash signatures and banded hashing (LSH)
so that a corpus of millions never compares every pair.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from armsledger.model import Document

SHINGLE_WORDS = 5
PERMUTATIONS = 128
BANDS = 32  # of PERMUTATIONS // BANDS rows each: pairs above ~0.45 similarity become candidates
# Candidates whose estimated Jaccard similarity of shingles reaches this are one story.
NEAR_DUPLICATE = 0.5
# Below this many distinct shingles (about 45 words) a text is not compared for near-copies:
# short templated items ("X ordered N Y from Z, the ministry said") share most of their
# shingles while reporting different deals. Exact copies are still found by content hash.
MIN_SHINGLES = 40

_WORD = re.compile(r"\w+")
# Multiply-add-shift hashing (Dietzfelbinger): h(x) = ((a*x + b) mod 2**64) >> 32 over 32-bit
# shingle ids, with a and b drawn from the whole 64-bit range, is strongly universal, and
# numpy's wrapping uint64 arithmetic computes it exactly. (The former (a*x + b) mod 2**61-1
# with a, x below 2**32 hardly ever wrapped, so every "permutation" kept the shingles' order
# and short texts looked alike: 0.51 estimated for a true 0.17.)
_rng = np.random.default_rng(20240601)  # fixed: every worker must draw the same hash functions
_A = _rng.integers(0, 2**64, PERMUTATIONS, dtype=np.uint64, endpoint=False) | np.uint64(1)
_B = _rng.integers(0, 2**64, PERMUTATIONS, dtype=np.uint64, endpoint=False)
_ROLL = np.uint64(1_000_003)
_ROWS = PERMUTATIONS // BANDS
_SHIFT = np.uint64(32)


def reporting_text(doc: Document) -> str:
    """The document's text without its skipped stretches (comments, captions...)."""
    if not doc.skipped:
        return doc.text
    parts, at = [], 0
    for span in sorted(doc.skipped, key=lambda s: s.start):
        parts.append(doc.text[at : span.start])
        at = max(at, span.end)
    parts.append(doc.text[at:])
    return " ".join(parts)


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature of a text's word shingles; None for a text too short to compare."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return None
    # zlib.crc32, not hash(): the same word must hash alike in every worker process.
    codes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    count = len(codes) - SHINGLE_WORDS + 1
    rolled = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):
        rolled = rolled * _ROLL + codes[offset : offset + count]
    shingles = np.unique(_mix(rolled) >> _SHIFT)
    if len(shingles) < MIN_SHINGLES:
        return None
    hashed = (shingles[:, None] * _A + _B) >> _SHIFT
    return hashed.min(axis=0).astype(np.uint32)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every bit of a rolled shingle code reaches the top 32 bits."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One 64-bit key per band of a signature: documents sharing any key are candidates."""
    rows = sig.reshape(BANDS, _ROWS)
    return np.array(
        [int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little") for row in rows],
        dtype=np.uint64,
    )


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two texts' shingles from their signatures."""
    return float(np.mean(a == b))


def content_key(content_hash: str) -> int:
    """A content hash cut to 64 bits, for grouping millions of documents in arrays."""
    return int(content_hash[:16], 16)


def group_sources(
    content_keys: np.ndarray,
    band_columns: Iterable[np.ndarray],
    signatures_of: Callable[[np.ndarray], np.ndarray],
    has_signature: np.ndarray,
    threshold: float = NEAR_DUPLICATE,
) -> np.ndarray:
    """For documents 0..n-1, the index of the first document of the same story (itself if none).

    ``band_columns`` yields one array of n band keys per band, so a caller can read them one
    column at a time; ``signatures_of(indices)`` returns those documents' signatures and is
    asked only about candidate pairs.
    """
    n = len(content_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # Exact copies first: each document points at the first with the same content.
    _, first, inverse = np.unique(content_keys, return_index=True, return_inverse=True)
    parent = first[inverse].astype(np.int64)
    originals = np.sort(first).astype(np.int64)
    originals = originals[has_signature[originals]]
    pairs: set[tuple[int, int]] = set()
    for column in band_columns:
        if len(originals) < 2:
            break
        keys = column[originals]
        order = np.argsort(keys, kind="stable")
        sorted_keys, members = keys[order], originals[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(sorted_keys)])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            head = int(members[start])
            pairs.update((head, int(other)) for other in members[start + 1 : start + size])
    if pairs:
        ordered = sorted(pairs)
        wanted = np.unique(np.array(ordered, dtype=np.int64).ravel())
        sigs = signatures_of(wanted)
        row_of = {int(index): row for row, index in enumerate(wanted)}
        groups = _UnionFind(parent)
        for a, b in ordered:
            if similarity(sigs[row_of[a]], sigs[row_of[b]]) >= threshold:
                groups.union(a, b)
        parent = groups.parent
    # Pointer jumping: every document ends pointing at its group's first document.
    while True:
        jumped = parent[parent]
        if np.array_equal(jumped, parent):
            return parent
        parent = jumped


@dataclass(frozen=True, slots=True)
class DuplicateCount:
    """How many documents repeat an earlier one, exactly or nearly."""

    exact: int
    near: int


def count_duplicates(content_keys: np.ndarray, roots: np.ndarray) -> DuplicateCount:
    """Exact copies of an earlier document, and other documents joined to an earlier story."""
    _, first = np.unique(content_keys, return_index=True)
    near = int(np.count_nonzero(roots[first] != first))
    return DuplicateCount(exact=len(content_keys) - len(first), near=near)


def mark_duplicates(docs: list[Document], threshold: float = NEAR_DUPLICATE) -> DuplicateCount:
    """Set ``source_group`` on every document that is a copy or near-copy of another one."""
    keys = np.array([content_key(doc.content_hash) for doc in docs], dtype=np.uint64)
    sigs = [signature(reporting_text(doc)) for doc in docs]
    has_signature = np.array([s is not None for s in sigs], dtype=bool)
    full = np.array(
        [s if s is not None else np.zeros(PERMUTATIONS, np.uint32) for s in sigs], dtype=np.uint32
    ).reshape(len(docs), PERMUTATIONS)
    bands = np.array([band_keys(s) for s in full], dtype=np.uint64).reshape(len(docs), BANDS)
    roots = group_sources(
        keys, (bands[:, b] for b in range(BANDS)), lambda idx: full[idx], has_signature, threshold
    )
    sizes = np.bincount(roots, minlength=len(docs))
    for index, doc in enumerate(docs):
        root = int(roots[index])
        doc.source_group = docs[root].id if sizes[root] > 1 else None
    return count_duplicates(keys, roots)


class _UnionFind:
    """Groups of indices over a parent array; a group's root is always its smallest index."""

    def __init__(self, parent: np.ndarray) -> None:
        self.parent = parent

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]  # path halving
            i = int(self.parent[i])
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
