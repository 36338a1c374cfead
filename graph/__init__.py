"""govkg: a knowledge graph of Vietnamese government units, officials, documents and events.

The library is layered (each floor uses only the floors below it):

- ground: :mod:`graph.namespaces`, :mod:`graph.text`, :mod:`graph.iri`, :mod:`graph.formats`,
  :mod:`graph.store` (the one store seam);
- rules and views: validation, search, analysis;
- workflows: writes, ingestion;
- faces: :mod:`graph.cli` (and the separate :mod:`webui` package).
"""

__version__ = "0.1.0"
