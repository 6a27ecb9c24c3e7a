"""Print the evaluation table for the shared tuning corpora (seeds and dev).

usage: python benchmarks/quality.py [SHARED_DIR]

The bar for the extraction issue: triple F1 >= 0.85 on each corpus, core triple
F1 >= 0.90, quantity accuracy >= 0.85. This script prints; it never asserts.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from armsledger.evaluate import format_report, load_claim_file, score
from armsledger.extract import extract
from armsledger.ingest import read_documents


def main() -> int:
    """Score extraction on each shared corpus and print the tables."""
    default = Path(__file__).resolve().parents[2] / "shared"
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ARMSLEDGER_SHARED", default))
    for name in ("seeds", "dev"):
        folder = shared / "corpus" / name
        docs, failures = read_documents([folder / "corpus.jsonl"])
        if failures:
            print(f"{name}: {len(failures)} unreadable input(s)", file=sys.stderr)
        started = time.perf_counter()
        pred = {doc.id: [c.to_json() for c in extract(doc)] for doc in docs}
        elapsed = time.perf_counter() - started
        gold = load_claim_file(folder / "gold.jsonl")
        scores = score(gold, pred)
        print(
            f"== {name}: {len(docs)} documents, {sum(len(v) for v in pred.values())} claims, {elapsed:.2f} s"
        )
        print(format_report(scores, {}, show_errors=False).rstrip("\n"))
        qa = scores["claim"].quantity_accuracy
        print(
            f"bar: triple F1 {scores['triple'].f1:.3f} (>= 0.85), core triple F1 {scores['triple-core'].f1:.3f} "
            f"(>= 0.90), quantity accuracy {0 if qa is None else qa:.3f} (>= 0.85)\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
