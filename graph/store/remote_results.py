"""Answers of the remote store: the endpoint's bytes, converted or parsed only when asked.

Solutions and booleans arrive as SPARQL JSON, graphs as N-Triples; :meth:`RemoteResult.serialize` hands those
bytes on as they are and converts to other formats with pyoxigraph; iterating makes rdflib terms.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.formats import rdf_format, results_format
from graph.store.base import QueryResult, ResultKind, used_prefixes
from graph.store.terms import iris_in, to_rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(b: dict[str, Any]) -> Node:
    t, v = b.get("type"), b.get("value", "")
    if t == "uri":
        return URIRef(v)
    if t == "bnode":
        return BNode(v)
    lang = b.get("xml:lang")
    if lang:
        return Literal(v, lang=lang)
    dt = b.get("datatype")
    if dt and dt != XSD_STRING:
        return Literal(v, datatype=URIRef(dt))
    return Literal(v)


_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _portable_json(body: bytes) -> bytes:
    """SPARQL JSON that pyoxigraph accepts: blank node labels made valid (Virtuoso sends ``nodeID://b1``)."""
    if b'"bnode"' not in body:
        return body
    doc = json.loads(body)
    for row in doc.get("results", {}).get("bindings", []):
        for b in row.values():
            if b.get("type") == "bnode":
                b["value"] = "b" + _BNODE_LABEL.sub("_", b["value"])
    return json.dumps(doc).encode()


class RemoteResult(QueryResult):
    """An answer as the endpoint sent it: SPARQL JSON for solutions and booleans, N-Triples for graphs."""

    def __init__(self, kind: ResultKind, body: bytes) -> None:
        self.kind = kind
        self.body = body
        self.variables = self._head_vars() if kind == "solutions" else []

    def _head_vars(self) -> list[str]:
        m = re.search(rb'"vars"\s*:\s*\[([^\]]*)\]', self.body[:8192])
        if m is not None:
            return [str(v) for v in json.loads(b"[" + m.group(1) + b"]")]
        return [str(v) for v in json.loads(self.body).get("head", {}).get("vars", [])]

    @property
    def boolean(self) -> bool:
        if self.kind != "boolean":
            raise TypeError(f"a {self.kind} result is not a boolean")
        return bool(json.loads(self.body).get("boolean"))

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        if self.kind == "graph":
            f = rdf_format(fmt)
            if f.name == "ntriples":
                return self.body
            triples = list(ox.parse(self.body, ox.RdfFormat.N_TRIPLES))
            used = None
            if prefixes and f.name in ("turtle", "trig"):
                used = used_prefixes(iris_in(triples), prefixes)
            return ox.serialize(triples, None, f.ox, prefixes=used) or b""
        rf = results_format(fmt)
        if rf.name == "json":
            return self.body
        parsed = ox.parse_query_results(_portable_json(self.body), ox.QueryResultsFormat.JSON)
        out = io.BytesIO()
        parsed.serialize(out, rf.ox)
        return out.getvalue()

    def chunks(self, fmt: str) -> Iterator[bytes]:
        yield self.serialize(fmt)

    def __iter__(self) -> Iterator[Any]:
        if self.kind == "solutions":
            for row in json.loads(self.body).get("results", {}).get("bindings", []):
                yield {k: _json_term(v) for k, v in row.items()}
        elif self.kind == "graph":
            for t in ox.parse(self.body, ox.RdfFormat.N_TRIPLES):
                yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
        else:
            raise TypeError("a boolean result has no rows")

