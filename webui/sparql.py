"""The SPARQL 1.1 Protocol: queries at ``/sparql``, updates at ``/update``.

The protocol reads as two tables of (method, content type) -> handler, in the manner of Oxigraph's
``handle_request``: a method not in a table is 405 (with ``Allow``), a POST content type not in it is 415.

| route | method | content type | handler |
|---|---|---|---|
| /sparql | GET, HEAD | - | ``?query=`` (none: the service description, or the editor for browsers) |
| /sparql | POST | application/x-www-form-urlencoded | ``query=`` in the body |
| /sparql | POST | application/sparql-query | the query is the body |
| /sparql | OPTIONS | - | CORS preflight |
| /update | POST | application/x-www-form-urlencoded | ``update=`` in the body (bearer token) |
| /update | POST | application/sparql-update | the update is the body (bearer token) |

A query goes to the killable worker pool (:mod:`graph.store.workers`), which reads the latest checkpoint and
serialises answers natively, unless it is a bounded lookup (:mod:`graph.bounded`) whose pattern matches at most
``INPROCESS_MAX_ROWS`` rows: that one is answered here, on the live store, by the same code
(:mod:`graph.store.inprocess`).  On a remote engine (a store without checkpoints) queries go to the engine
directly, under the same limits (:mod:`graph.store.remote_answers`).  ``X-Govkg-Answered-By`` says which:
``server``, ``worker`` or ``remote``.  Updates go through :mod:`graph.changes`.
"""

from __future__ import annotations

import atexit
import functools
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from jinja2 import TemplateNotFound
from markupsafe import escape
from werkzeug.sansio.utils import get_current_url

from graph import changes
from graph.bounded import lookup
from graph.sparql_guard import inspect_cached
from graph.store.inprocess import answer_here
from graph.store.remote_answers import run_direct
from graph.store.snapshots import snapshots_for
from graph.store.workers import QueryJob, QueryPool
from webui import errors, limits
from webui.app import get_store, setting
from webui.auth import require
from webui.errors import ApiError
from webui.negotiation import GRAPHS, RESULTS, choose, content_type
from webui.service_description import service_description
from webui.steward_session import write_context, written

bp = Blueprint("sparql", __name__)
errors.install(bp)

Handler = Callable[[], ResponseReturnValue]
FORM = "application/x-www-form-urlencoded"
HARD_TIMEOUT_S = 60.0
SLOTS = limits.ClientSlots()  # with several serving processes, one counted across them (use_slots)

_POOLS: dict[str, QueryPool] = {}
_POOLS_LOCK = threading.Lock()


def use_slots(slots: limits.ClientSlots) -> None:
    """Count ``CLIENT_CONCURRENCY`` with ``slots`` (``govkg serve``: shared by its processes, before any request)."""
    global SLOTS
    SLOTS = slots


def query_pool() -> QueryPool:
    """The worker pool of this process and store, started on first use."""
    raw = Path(current_app.config["STORE_PATH"])
    key = _resolved(str(raw)) if raw.is_absolute() else str(raw.resolve())  # a relative one follows the cwd
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            snaps = snapshots_for(get_store())
            pool = QueryPool(snaps, int(setting("QUERY_WORKERS")), int(setting("WORKER_MEMORY_MB")))
            _POOLS[key] = pool

            def _close(p: QueryPool = pool) -> None:
                p.close()
                p.snapshots.close()

            atexit.register(_close)
        return pool


@functools.lru_cache(maxsize=64)
def _resolved(path: str) -> str:
    """The resolved store path (once per path: resolving costs a syscall per component on every request)."""
    return str(Path(path).resolve())


@functools.lru_cache(maxsize=256)
def _current_url(scheme: str, host: str, root_path: str, path: str) -> str:
    return get_current_url(scheme, host, root_path, path)


def base_url() -> str:
    """``request.base_url``, remembered per (scheme, host, root, path): werkzeug rebuilds it as an IRI each time."""
    return _current_url(request.scheme, request.host, request.root_path, request.path)


# --- request parsing ---------------------------------------------------------------------------------


def _pairs(raw: bytes | str) -> list[tuple[str, str]]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise ApiError(400, "the request parameters are not valid UTF-8") from e


def url_params() -> list[tuple[str, str]]:
    qs = request.environ.get("QUERY_STRING", "")
    return _pairs(qs.encode("latin-1") if isinstance(qs, str) else qs)


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _body_text() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, f"the body must be UTF-8 (charset={charset} is not accepted)")
    data = limits.read_body(int(setting("MAX_QUERY_BYTES")), "MAX_QUERY_BYTES")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ApiError(400, "the body is not valid UTF-8") from e


def _form() -> list[tuple[str, str]]:
    return _pairs(_body_text())


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    vals = _values(params, name)
    if len(vals) > 1:
        raise ApiError(400, f"give one {name}, not {len(vals)}")
    return vals[0] if vals else None


def _iris(params: list[tuple[str, str]], name: str) -> list[str]:
    out = []
    for v in _values(params, name):
        if not v or any(c in v for c in '<>"{}|^`\\ \t\n') or ":" not in v:
            raise ApiError(400, f"{name} must be an absolute IRI, not {v!r}")
        out.append(v)
    return out


def dispatch(table: dict[tuple[str, str | None], Handler]) -> ResponseReturnValue:
    method = request.method
    allowed = sorted({m for m, _ in table})
    if method == "POST" and any(m == "POST" for m, _ in table):
        handler = table.get(("POST", request.mimetype or None))
        if handler is None:
            offers = ", ".join(ct for m, ct in table if m == "POST" and ct)
            got = request.mimetype or "no Content-Type"
            raise ApiError(415, f"cannot take {got} here; send one of: {offers}")
        return handler()
    handler = table.get((method, None))
    if handler is None:
        raise ApiError(405, f"{method} is not allowed here", {"Allow": ", ".join(allowed)})
    return handler()


# --- queries -----------------------------------------------------------------------------------------


def query_via_get() -> ResponseReturnValue:
    params = url_params()
    if not _values(params, "query") and not _values(params, "update"):
        return describe_service()
    return run_query(params)


def query_via_form() -> ResponseReturnValue:
    return run_query(url_params() + _form())


def query_via_body() -> ResponseReturnValue:
    params = url_params()
    if _values(params, "query"):
        raise ApiError(400, "the query is the body here; do not also give query= in the URL")
    return run_query([*params, ("query", _body_text())])


def run_query(params: list[tuple[str, str]]) -> ResponseReturnValue:
    if _values(params, "update"):
        raise ApiError(400, "a request carries a query or an update, not both; updates go to /update")
    text = _one(params, "query")
    if text is None or not text.strip():
        raise ApiError(400, "no query given: send query=... (GET or form POST) or an application/sparql-query body")
    info = inspect_cached(text, max_nesting=int(setting("MAX_NESTING")), max_operators=int(setting("MAX_OPERATORS")))
    if info.is_update:
        raise ApiError(400, "this is an update, not a query; POST it to /update with a token")
    if info.operation in ("CONSTRUCT", "DESCRIBE"):
        media, rdf_fmt = choose(GRAPHS)
        res_media, res_fmt = "application/sparql-results+json", "json"
    else:
        res_media, res_fmt = choose(RESULTS)
        media, rdf_fmt = "text/turtle", "turtle"
    default_graphs = _iris(params, "default-graph-uri")
    named_graphs = _iris(params, "named-graph-uri")
    cfg = current_app.config["GOVKG"]  # the settings, read once
    union = bool(cfg["UNION_DEFAULT_GRAPH"]) and not (default_graphs or named_graphs or info.has_dataset_clause)
    job = QueryJob(
        sparql=text,
        results_format=res_fmt,
        rdf_format=rdf_fmt,
        max_rows=int(cfg["MAX_ROWS"]),
        union_default_graph=union,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        base_iri=base_url(),
    )
    timeout = min(float(cfg["QUERY_TIMEOUT_S"]), HARD_TIMEOUT_S)
    store = get_store()
    found = None if info.has_dataset_clause else lookup(text)
    with SLOTS.slot(int(cfg["CLIENT_CONCURRENCY"])):
        by = "server"  # a bounded lookup matching few rows is answered here (graph.store.inprocess)
        answer = answer_here(store, job, found, int(cfg["INPROCESS_MAX_ROWS"])) if found else None
        if answer is None and store.supports_backup:
            answer, by = query_pool().run(job, timeout), "worker"
        elif answer is None:  # a remote engine: its own processes and time limit (graph.store.remote_answers)
            answer, by = run_direct(store, job, timeout), "remote"
    out_media = media if answer.kind == "graph" else res_media
    headers = [("Content-Length", str(answer.size)), ("Vary", "Accept"),
               ("X-Result-Truncated", "true" if answer.truncated else "false"), ("X-Govkg-Answered-By", by)]
    if answer.truncated:
        headers.append(("X-Result-Limit", str(cfg["MAX_ROWS"])))
    return Response(answer.chunks, headers=headers, content_type=content_type(out_media), direct_passthrough=True)


def describe_service() -> ResponseReturnValue:
    try:
        media, fmt = choose(GRAPHS, extra=("text/html",))
    except ApiError:
        raise ApiError(400, "no query given: send query=... (GET or form POST) or an "
                            "application/sparql-query body") from None
    if media == "text/html":
        return editor_page()
    body = service_description(request.base_url, request.url_root.rstrip("/") + "/update",
                               bool(setting("UNION_DEFAULT_GRAPH")), fmt)
    resp = Response(body, content_type=content_type(media))
    resp.headers["Vary"] = "Accept"
    return resp


def editor_page() -> ResponseReturnValue:
    try:
        return render_template("sparql_editor.html")
    except TemplateNotFound:
        pass
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>SPARQL query</title>"
        f"<form method=get action=\"{escape(request.path)}\"><label for=q>SPARQL query</label><br>"
        "<textarea id=q name=query rows=12 cols=80>SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea><br>"
        "<button>Run</button></form></html>"
    )
    return Response(html, content_type="text/html; charset=utf-8")


def preflight() -> ResponseReturnValue:
    resp = Response(status=204)
    origin = str(setting("CORS_ORIGIN"))
    if origin:
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        resp.headers["Access-Control-Max-Age"] = "600"
    return resp


QUERY: dict[tuple[str, str | None], Handler] = {
    ("GET", None): query_via_get,
    ("HEAD", None): query_via_get,
    ("POST", FORM): query_via_form,
    ("POST", "application/sparql-query"): query_via_body,
    ("OPTIONS", None): preflight,
}


# --- updates -----------------------------------------------------------------------------------------


def update_via_form() -> ResponseReturnValue:
    params = url_params() + _form()
    if _values(params, "query"):
        raise ApiError(400, "a request carries a query or an update, not both; queries go to /sparql")
    text = _one(params, "update")
    if text is None:
        raise ApiError(400, "no update given: send update=... or an application/sparql-update body")
    return run_update(text, params)


def update_via_body() -> ResponseReturnValue:
    params = url_params()
    if _values(params, "update") or _values(params, "query"):
        raise ApiError(400, "the update is the body here; do not also give update= or query= in the URL")
    return run_update(_body_text(), params)


def run_update(text: str, params: list[tuple[str, str]]) -> ResponseReturnValue:
    if not text.strip():
        raise ApiError(400, "empty update")
    actor = request.environ["govkg.actor"]
    change = changes.apply_update(
        get_store(), text, actor,
        base_iri=request.base_url,
        using_graphs=_iris(params, "using-graph-uri"),
        using_named_graphs=_iris(params, "using-named-graph-uri"),
        max_nesting=int(setting("MAX_NESTING")),
        max_operators=int(setting("MAX_OPERATORS")),
        ctx=write_context(request.environ["govkg.token"]),
    )
    return written(change, 204)


UPDATE: dict[tuple[str, str | None], Handler] = {
    ("POST", FORM): update_via_form,
    ("POST", "application/sparql-update"): update_via_body,
}


# --- routes ------------------------------------------------------------------------------------------

ALL = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


@bp.route("/sparql", methods=ALL, provide_automatic_options=False)
def sparql() -> ResponseReturnValue:
    return dispatch(QUERY)


@bp.route("/update", methods=ALL, provide_automatic_options=False)
def update() -> ResponseReturnValue:
    if request.method == "POST":
        info = require("steward")
        request.environ["govkg.actor"] = info.name
        request.environ["govkg.token"] = info
    return dispatch(UPDATE)


@bp.after_request
def _cors(resp: Response) -> Response:
    origin = str(setting("CORS_ORIGIN"))
    if origin and request.path == "/sparql":
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Expose-Headers"] = "X-Result-Truncated, X-Result-Limit, Retry-After"
        if origin != "*":
            resp.headers.add("Vary", "Origin")
    return resp
