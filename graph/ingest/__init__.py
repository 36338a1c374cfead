"""Ingestion: from a Vietnamese government news article to proposed triples with evidence (docs/INGEST.md).

``propose(article_text, store)`` returns a :class:`Proposal`: the mentions (the JSON document) and an rdflib
``Dataset`` holding the staging named graph, for the steward to review.  ``parse_symbol`` parses a document
symbol on its own.
"""

from graph.ingest.pipeline import EXTRACTOR_VERSION, Proposal, extract, propose
from graph.ingest.symbols import Symbol, parse_symbol

__all__ = ["EXTRACTOR_VERSION", "Proposal", "Symbol", "extract", "parse_symbol", "propose"]
