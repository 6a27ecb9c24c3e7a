"""Extraction: from a document's text to arms-transfer claims with their evidence."""

from armsledger.extract.pipeline import extract, merge_claims

__all__ = ["extract", "merge_claims"]
