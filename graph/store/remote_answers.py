"""The public query route on a remote engine: one :class:`~graph.store.workers.QueryJob` answered directly.

The embedded store runs user queries in killable worker processes on checkpoints; a remote engine has its
own processes and its own time limit, so the route sends the query to it through the store seam instead:

* the time limit is passed on as the engine's own (``QUERY_TIMEOUT_S``; Virtuoso's ``timeout``, the HTTP
  wait), and a query it stops is the same :class:`QueryTimeout` as a worker killed at the limit;
* the row cap: a ``SELECT`` asks the engine for at most ``max_rows + 1`` rows (its top-level ``LIMIT`` is
  added or lowered), so that a runaway cartesian product is not computed and sent whole; the answer is cut
  at ``max_rows`` and marked truncated when the extra row came.  ``CONSTRUCT``/``DESCRIBE`` keep their
  ``LIMIT`` (it counts solutions, not triples) and are cut at ``max_rows`` triples;
* formats: the engine answers SPARQL JSON or N-Triples; other formats are made here by pyoxigraph.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from graph.errors import QueryTimeout, StoreError
from graph.formats import rdf_format
from graph.namespaces import PREFIXES
from graph.store.base import Store
from graph.store.remote import RemoteStore
from graph.store.remote_results import RemoteResult
from graph.store.remote_text import mask, query_form
from graph.store.workers import QueryAnswer, QueryJob

_LIMIT = re.compile(r"(?<![\w:?$])LIMIT\s+(\d+)", re.IGNORECASE)
_TRAILING_VALUES = re.compile(r"(?<![\w:?$])VALUES\s*(\?\w+|\([^(){}]*\))\s*\{[^{}]*\}\s*$", re.IGNORECASE)


def capped_select(text: str, masked: str, rows: int) -> str:
    """``text`` asking for at most ``rows`` solutions: its top-level ``LIMIT`` lowered to ``rows``, or one added.

    The top level is what follows the last ``}`` (the end of the ``WHERE`` clause), before any trailing
    ``VALUES`` block.
    """
    end = len(masked)
    trailing = _TRAILING_VALUES.search(masked)
    if trailing is not None:
        end = trailing.start()
    close = masked.rfind("}", 0, end)
    tail = masked[close + 1 : end]
    m = _LIMIT.search(tail)
    if m is not None:
        if int(m.group(1)) <= rows:
            return text
        a, b = close + 1 + m.start(1), close + 1 + m.end(1)
        return text[:a] + str(rows) + text[b:]
    return text[:end].rstrip() + f"\nLIMIT {rows}\n" + text[end:]  # own line: a comment cannot swallow it


def _cut_solutions(body: bytes, max_rows: int) -> tuple[bytes, bool]:
    doc = json.loads(body)
    rows = doc.get("results", {}).get("bindings", [])
    if len(rows) <= max_rows:
        return body, False
    doc["results"]["bindings"] = rows[:max_rows]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8"), True


def _cut_triples(body: bytes, max_rows: int) -> tuple[bytes, bool]:
    lines = [ln for ln in body.split(b"\n") if ln.strip() and not ln.lstrip().startswith(b"#")]
    if len(lines) <= max_rows:
        return body, False
    return b"\n".join(lines[:max_rows]) + b"\n", True


def run_direct(store: Store, job: QueryJob, timeout: float) -> QueryAnswer:
    """Answer ``job`` on the remote engine of ``store`` within ``timeout`` seconds (the engine enforces it)."""
    if not isinstance(store, RemoteStore):
        raise StoreError(f"{type(store).__name__} answers public queries through its worker pool, not directly")
    masked = mask(job.sparql)
    kind = query_form(masked)
    text = job.sparql
    if kind == "solutions":
        text = capped_select(text, masked, job.max_rows + 1)
    try:
        result = store.query(text, union_default_graph=job.union_default_graph,
                             default_graphs=list(job.default_graphs) or None,
                             named_graphs=list(job.named_graphs) or None, timeout=timeout,
                             base_iri=job.base_iri)
    except QueryTimeout:
        secs = str(int(timeout)) if float(timeout).is_integer() else str(timeout)
        raise QueryTimeout(
            f"the query was stopped after QUERY_TIMEOUT_S={secs} seconds; make it more selective "
            "(a LIMIT, more bound terms)"
        ) from None
    truncated = False
    if result.kind == "boolean":
        fmt = job.results_format
        payload = result.serialize(fmt)
    elif result.kind == "solutions":
        fmt = job.results_format
        body, truncated = _cut_solutions(result.body, job.max_rows)
        payload = RemoteResult("solutions", body).serialize(fmt)
    else:
        fmt = job.rdf_format
        body, truncated = _cut_triples(result.body, job.max_rows)
        f = rdf_format(fmt)
        if f.name == "ntriples":
            payload = body
        else:
            payload = ox.serialize(ox.parse(body, ox.RdfFormat.N_TRIPLES), None, f.ox, prefixes=PREFIXES) or b""
    return QueryAnswer(result.kind, fmt, truncated, len(payload), iter([payload]))
