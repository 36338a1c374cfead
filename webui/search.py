"""Search: ``/search?q=`` as a page, or as JSON (a list of ``{iri, label, kind, score}``) for
``Accept: application/json`` -- the same data either way (:func:`graph.search.search`)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, make_response, request
from flask.typing import ResponseReturnValue

from graph.search import MAX_QUERY_CHARS, QueryTooLong, search, state
from graph.text import clean
from webui import render
from webui.app import get_store

bp = Blueprint("search", __name__)
MAX_LIMIT = 100


def init_app(app: Flask) -> None:
    render.init_app(app)


def _hits(q: str) -> list[dict[str, object]]:
    try:
        limit = max(1, min(MAX_LIMIT, int(request.args.get("limit", "20"))))
    except ValueError:
        abort(Response("limit must be a whole number\n", status=400, mimetype="text/plain"))
    kinds = [k for k in request.args.getlist("kind") if k]
    try:
        hits = search(get_store(), q, lang=render.i18n.get_lang(), limit=limit, kinds=kinds)
    except QueryTooLong:
        abort(Response(f"search text longer than {MAX_QUERY_CHARS} characters\n", status=400,
                       mimetype="text/plain"))
    out = []
    for h in hits:
        d = h.as_dict()
        d["href"] = render.href(h.iri)
        out.append(d)
    return out


@bp.route("/search")
def search_page() -> ResponseReturnValue:
    raw = request.args.get("q", "")
    if len(raw) > MAX_QUERY_CHARS:
        abort(Response(f"search text longer than {MAX_QUERY_CHARS} characters\n", status=400,
                       mimetype="text/plain"))
    q = clean(raw)
    hits = _hits(q) if q else []
    resp = make_response(render.page_or_json("search.html", hits, q=q))
    if q and (st := state(get_store())) != "ready":  # "building": no index yet, nothing found; "stale": before a write
        resp.headers["X-Govkg-Search-Index"] = st
    return resp
