"""Entity pages at the path of each IRI (the LodView pattern).

``{BASE}/id/{kind}/{slug}`` is served at ``/id/{kind}/{slug}``: HTML by default; Turtle, JSON-LD and
N-Triples by ``Accept`` or by the suffixes ``.ttl``, ``.jsonld``, ``.nt``; the page's data as JSON by ``.json``.
A path in NFD is answered with a 301 to its NFC form; a path that cannot be an entity IRI, or names nothing the
store knows, is a 404 (never a 500, and never a query built from it).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue

from graph.changesets import entity_etag
from graph.entity import entity_rdf, entity_view, exists, iri_for_path
from graph.formats import rdf_format
from graph.history import editable_facts, entity_history
from graph.labels import term_labels
from webui import render
from webui.app import get_store
from webui.steward_session import signed_in

bp = Blueprint("entities", __name__)

#: suffix -> format name (graph.formats) or "json" (the page's data) or "html"
SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".json": "json", ".html": "html"}
#: media type -> format, in the order offered to content negotiation (HTML first: the default)
OFFERS = {
    "text/html": "html",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/json": "json",
}


def init_app(app: Flask) -> None:
    render.init_app(app)


def _negotiate() -> str:
    best = render.wants(*OFFERS)
    if best is None:
        abort(Response(
            "406 Not Acceptable: this entity is available as " + ", ".join(OFFERS) + "\n",
            status=406, mimetype="text/plain",
        ))
    return OFFERS[best]


@bp.route("/id/<path:rest>")
def entity(rest: str) -> ResponseReturnValue:
    nfc = unicodedata.normalize("NFC", rest)
    if nfc != rest:
        qs = request.query_string.decode("ascii", "replace")
        return redirect("/id/" + quote(nfc) + (f"?{qs}" if qs else ""), code=301)
    fmt = ""
    for suffix, name in SUFFIXES.items():
        if rest.endswith(suffix):
            rest, fmt = rest[: -len(suffix)], name
            break
    kind, _, tail = rest.partition("/")
    iri = iri_for_path(kind, tail)
    if iri is None:
        abort(404)
    fmt = fmt or _negotiate()
    store = get_store()
    headers = {"Vary": "Accept, Cookie", "Link": f'<{iri}>; rel="canonical"'}
    if fmt in ("html", "json"):
        section = request.args.get("section", "")
        page = request.args.get("page", "0")
        if not page.isdigit() or len(page) > 6 or (section and not section.isidentifier()):
            abort(400)
        view = entity_view(store, iri, render.i18n.get_lang(), section=section, page=int(page))
        if view is None:
            abort(404)
        if fmt == "json":
            return jsonify(view), 200, headers
        suffixes = {s: f"/id/{rest}{s}" for s in (".ttl", ".jsonld", ".nt", ".json")}
        headers["ETag"] = entity_etag(store, iri)  # If-Match of inline edits (webui.steward)
        me = signed_in()  # a steward's session: the page offers inline edit of the entity's literal facts
        if me:
            headers["Cache-Control"] = "private, no-store"
        editable = editable_facts(store, iri) if me else []
        names = term_labels(store, {f["predicate"] for f in editable}, render.i18n.get_lang())
        editable = [f | {"label": names[f["predicate"]]} for f in editable]  # field names from the ontology
        return render_template("entity.html", data=view, suffixes=suffixes, iri=iri, me=me,
                               editable=editable, etag=headers["ETag"],
                               history=entity_history(store, iri)), 200, headers
    if not exists(store, iri):
        abort(404)
    body = entity_rdf(store, iri, fmt)
    return Response(body, mimetype=rdf_format(fmt).media_type, headers=headers)

