"""The engine-and-HTTP limit: the smallest Flask SPARQL endpoint on pyoxigraph, in-process.

Issue 7 measures govkg's point lookups against "a Flask endpoint on pyoxigraph under gunicorn".  This is that
endpoint, with nothing else: ``GET /sparql?query=`` evaluated on the store (union default graph, as govkg answers)
and serialised natively as SPARQL JSON.  No time limit, no row cap, no content negotiation, no guard, no
sessions: what govkg adds on top of it is exactly what the comparison shows.  It opens ``GOVKG_STORE``
read-only, so it must not run while another process writes that store (the benchmark writes nothing meanwhile).
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request

store = ox.Store.read_only(os.environ["GOVKG_STORE"])
app = Flask(__name__)


@app.get("/sparql")
def sparql() -> Response:
    result = store.query(request.args["query"], use_default_graph_as_union=True)
    body = result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[arg-type]
    return Response(body, content_type="application/sparql-results+json")
