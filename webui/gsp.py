"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/data`` (indirect identification).

| method | target | answer |
|---|---|---|
| GET, HEAD | ``?graph=IRI`` or ``?default`` | the graph, negotiated like CONSTRUCT answers; 404 if it does not exist |
| PUT | same | replace the graph with the body (201 created, 204 replaced) |
| POST | same | add the body to the graph (201 created, 204 added) |
| DELETE | same | drop the graph (204; 404 if it does not exist); ``?default`` empties the default graph |

Reads are public (with CORS); writes need a steward token and go through :mod:`graph.changes`.  ``?default``
is the store's own default graph (the setting UNION_DEFAULT_GRAPH only changes what queries see).
Bodies: Turtle, N-Triples, RDF/XML (no DOCTYPE) or JSON-LD (no remote context), at most MAX_UPLOAD_BYTES.
"""

from __future__ import annotations

import io

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from graph import changes
from graph.changesets import graph_etag
from graph.formats import UnknownFormat, rdf_format
from webui import errors, limits
from webui.app import get_store, setting
from webui.auth import require
from webui.errors import ApiError
from webui.negotiation import GRAPHS, choose, content_type
from webui.sparql import ALL, preflight, url_params
from webui.steward_session import write_context, written

bp = Blueprint("gsp", __name__)
errors.install(bp)

UPLOADS = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


def _target() -> str | None:
    params = url_params()
    graphs = [v for k, v in params if k == "graph"]
    default = any(k == "default" for k, _ in params)
    if len(graphs) + int(default) != 1:
        raise ApiError(400, "name one graph: ?graph=IRI or ?default")
    if default:
        return None
    g = graphs[0]
    if not g or any(c in g for c in '<>"{}|^`\\ \t\n') or ":" not in g:
        raise ApiError(400, f"graph must be an absolute IRI, not {g!r}")
    return g


def _upload_format() -> str:
    media = request.mimetype
    if not media or (media not in UPLOADS and media not in ("application/x-turtle", "text/plain")):
        raise ApiError(415, f"cannot take {media or 'a body without Content-Type'}; send one of: {', '.join(UPLOADS)}")
    try:
        return rdf_format("ntriples" if media == "text/plain" else media).name
    except UnknownFormat as e:
        raise ApiError(415, str(e)) from e


def read_graph() -> ResponseReturnValue:
    graph = _target()
    media, fmt = choose(GRAPHS)
    store = get_store()
    if graph is not None and not changes.graph_exists(store, graph):
        raise ApiError(404, f"no graph <{graph}>")
    buf = io.BytesIO()
    store.dump(buf, format=fmt, graph="" if graph is None else graph)
    resp = Response(buf.getvalue(), content_type=content_type(media))
    resp.headers["Vary"] = "Accept"
    resp.headers["ETag"] = graph_etag(store, graph)
    return resp


def write_graph() -> ResponseReturnValue:
    info = require("steward")
    graph = _target()
    fmt = _upload_format()
    data = limits.read_body(int(setting("MAX_UPLOAD_BYTES")), "MAX_UPLOAD_BYTES")
    base = graph or request.base_url
    write = changes.put_graph if request.method == "PUT" else changes.post_graph
    change = write(get_store(), graph, data, fmt, info.name, base_iri=base, ctx=write_context(info),
                   if_match=request.headers.get("If-Match"))
    return written(change, 201 if change.created else 204)


def delete_graph() -> ResponseReturnValue:
    info = require("steward")
    graph = _target()
    try:
        change = changes.delete_graph(get_store(), graph, info.name, ctx=write_context(info),
                                      if_match=request.headers.get("If-Match"))
    except LookupError as e:
        raise ApiError(404, str(e)) from e
    return written(change, 204)


TABLE = {
    "GET": read_graph,
    "HEAD": read_graph,
    "PUT": write_graph,
    "POST": write_graph,
    "DELETE": delete_graph,
    "OPTIONS": preflight,
}


@bp.route("/data", methods=ALL, provide_automatic_options=False)
def data() -> ResponseReturnValue:
    handler = TABLE.get(request.method)
    if handler is None:
        raise ApiError(405, f"{request.method} is not allowed here", {"Allow": ", ".join(TABLE)})
    return handler()


@bp.after_request
def _cors(resp: Response) -> Response:
    origin = str(setting("CORS_ORIGIN"))
    if origin and request.method in ("GET", "HEAD", "OPTIONS"):
        resp.headers["Access-Control-Allow-Origin"] = origin
    return resp
