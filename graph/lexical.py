"""Rows as plain strings, for the pages that read many rows (timeline, as-of, paths).

Iterating a :class:`graph.store.base.QueryResult` makes an rdflib term of every cell; at a million triples that
Python work cost as much as the engine's.  Here the store hands over its native SPARQL JSON results and each row
is a ``{variable: {"type", "value", "xml:lang"?, "datatype"?}}`` binding, unbound variables absent.  Labels are
:func:`graph.labels.labels`, which reads them the same way.
"""

from __future__ import annotations

import json
from typing import Any

from graph.store.base import Store

Binding = dict[str, dict[str, str]]


def bindings(store: Store, sparql: str, union: bool = True) -> list[Binding]:
    """The solutions of ``sparql`` as SPARQL JSON bindings (over the union of all graphs when ``union``)."""
    doc: dict[str, Any] = json.loads(store.query(sparql, union_default_graph=union).serialize("json"))
    out: list[Binding] = doc["results"]["bindings"]
    return out


def solutions(store: Store, sparql: str, union: bool = True) -> list[dict[str, str]]:
    """The solutions of ``sparql`` as ``{variable: lexical value}``."""
    return [{k: v["value"] for k, v in b.items()} for b in bindings(store, sparql, union)]
