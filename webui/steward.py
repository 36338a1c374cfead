"""The steward's pages: sign-in, upload, forms, inline edit, ingestion, review, and the change log.

| route | what |
|---|---|
| ``GET /steward`` | sign-in form, or the steward's desk |
| ``POST /steward/sign-in``, ``/steward/sign-out`` | token -> session cookie; sign out |
| ``GET/POST /steward/upload`` | a Turtle/TriG/N-Triples/JSON-LD/RDF-XML file, added to or replacing a graph |
| ``GET/POST /steward/new/<person,document,event>`` | forms from the shapes |
| ``POST /steward/edit`` | inline edit of one fact of an entity (JSON; ``If-Match`` the entity's ETag) |
| ``GET/POST /steward/ingest`` | an article -> :func:`graph.ingest.propose` -> a staged change |
| ``GET /changes`` | changesets newest first (HTML or JSON by Accept; ``?entity=``, ``?steward=``, ``?status=``) |
| ``GET/POST /changes/sparql`` | a read-only SPARQL query on the audit store (any token) |
| ``GET /changes/<id>`` | one changeset as a diff |
| ``POST /changes/<id>/revert``, ``/accept``, ``/reject`` | revert an applied change; review a staged one |

Every write goes through :mod:`graph.commit` (validated, atomic, recorded).  Violations answer 422: JSON for
API clients, the form again with the messages inline for pages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from rdflib import Literal, URIRef

from graph import forms, history, review
from graph.changesets import entity_etag, etag_matches, load
from graph.commit import PreconditionFailed, execute
from graph.diffs import graph_plan, patch_plan
from graph.errors import ForbiddenOperation, GovkgError, ParseError, ValidationFailed
from graph.formats import RDF_FORMATS, RESULTS_FORMATS, UnknownFormat, rdf_format, rdf_format_for_path
from graph.payloads import parse
from graph.sparql_guard import inspect
from webui import render
from webui.app import get_audit_store, get_store, setting
from webui.auth import check_secret, require
from webui.errors import ApiError, status_of
from webui.steward_session import csrf_token, lang, signed_in, steward, violations, violations_response, write_context

bp = Blueprint("steward", __name__)
UPLOAD_FORMATS = ("turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml")


def init_app(app: Flask) -> None:
    render.init_app(app)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=bool(app.config["GOVKG"].get("COOKIE_SECURE", True)),
                      SESSION_COOKIE_NAME="govkg_session")
    app.jinja_env.globals.update(csrf_token=csrf_token)


def _page(template: str, status: int = 200, **kw: Any) -> ResponseReturnValue:
    return render_template(f"steward/{template}", me=signed_in(), lang=lang(), **kw), status


def _wants_json() -> bool:
    return render.wants("text/html", "application/json") == "application/json"


def _failure(exc: GovkgError, template: str, **kw: Any) -> ResponseReturnValue:
    if isinstance(exc, ValidationFailed) and exc.report is not None:
        if _wants_json():
            return violations_response(exc)
        return _page(template, 422, error=str(exc), violations=violations(exc, lang()), **kw)
    status = 404 if isinstance(exc, LookupError) else status_of(exc)
    if isinstance(exc, UnknownFormat):
        status = 415
    if _wants_json():
        return jsonify({"ok": False, "status": status, "error": str(exc)}), status
    return _page(template, status, error=str(exc), violations=[], **kw)


# --- sign-in ----------------------------------------------------------------------------------------------


@bp.get("/steward")
def desk() -> ResponseReturnValue:
    me = signed_in()
    staged = history.changesets(get_store(), status="staged", limit=50) if me else []
    return _page("desk.html", staged=staged)


@bp.post("/steward/sign-in")
def sign_in() -> ResponseReturnValue:
    info = check_secret(request.form.get("token", "").strip())
    if info is None or not info.allows("steward"):
        return _page("desk.html", 401, error="Token không hợp lệ." if lang() == "vi" else "That token is not valid "
                     "for a steward.", staged=[])
    session.clear()
    session["steward"] = info.name
    csrf_token()
    return redirect(url_for("steward.desk"), code=303)


@bp.post("/steward/sign-out")
def sign_out() -> ResponseReturnValue:
    steward()
    session.clear()
    return redirect(url_for("steward.desk"), code=303)


# --- upload -----------------------------------------------------------------------------------------------


@bp.route("/steward/upload", methods=["GET", "POST"])
def upload() -> ResponseReturnValue:
    if request.method == "GET":
        if signed_in() is None:
            return redirect(url_for("steward.desk"))
        return _page("upload.html", formats=UPLOAD_FORMATS)
    info = steward()
    graph = request.form.get("graph", "").strip() or None
    mode = "put" if request.form.get("mode") == "replace" else "post"
    f = request.files.get("file")
    try:
        if f is None or not f.filename:
            raise ParseError("choose a file to upload")
        data = f.read(int(setting("MAX_UPLOAD_BYTES")) + 1)
        if len(data) > int(setting("MAX_UPLOAD_BYTES")):
            raise ApiError(413, "the file is larger than MAX_UPLOAD_BYTES")
        fmt = (rdf_format(request.form["format"]) if request.form.get("format") else
               rdf_format_for_path(f.filename)).name
        if graph is None and not rdf_format(fmt).quads:
            raise ParseError("name the graph to write into")
        quads, _ = parse(data, fmt, graph, graph)
        plan = graph_plan(graph, quads, mode) if graph and not rdf_format(fmt).quads else patch_plan(quads, [])
        if graph and rdf_format(fmt).quads and mode == "put":
            raise ForbiddenOperation("replace takes one graph (Turtle, N-Triples, JSON-LD, RDF/XML); add a dataset")
        cs = execute(get_store(), write_context(info, source="upload"), "upload", plan)
    except (GovkgError, UnknownFormat, LookupError) as e:
        return _failure(e, "upload.html", formats=UPLOAD_FORMATS)  # type: ignore[arg-type]
    return _done(cs.id, cs.status)


def _done(cs_id: str, status: str) -> ResponseReturnValue:
    code = 202 if status == "staged" else 201
    if _wants_json():
        return jsonify({"ok": True, "changeset": cs_id or None, "status": status}), code if cs_id else 200
    if not cs_id:
        return redirect(url_for("steward.desk"), code=303)
    return redirect(url_for("steward.change", cs_id=cs_id), code=303)


# --- forms ------------------------------------------------------------------------------------------------


def _form_context(kind: str) -> dict[str, Any]:
    store = get_store()
    return {"kind": kind, "fields": forms.fields(store, kind), "values": request.form,
            "roles": forms.concepts(store, "role", lang()),
            "participant_roles": forms.concepts(store, "participant-role", lang())}


@bp.route("/steward/new/<kind>", methods=["GET", "POST"])
def new(kind: str) -> ResponseReturnValue:
    if kind not in forms.CLASSES:
        abort(404)
    if request.method == "GET":
        if signed_in() is None:
            return redirect(url_for("steward.desk"))
        return _page("form.html", **_form_context(kind))
    info = steward()
    store = get_store()
    try:
        iri, _graph, quads = forms.build(store, kind, request.form.to_dict(flat=False))
        ctx = write_context(info, source=f"form:{kind}")
        cs = execute(store, ctx, "form", patch_plan(quads, []))
    except (GovkgError, LookupError) as e:
        return _failure(e, "form.html", **_form_context(kind))  # type: ignore[arg-type]
    if _wants_json():
        return jsonify({"ok": True, "changeset": cs.id, "iri": iri, "status": cs.status}), 201
    page = render.href(iri) if cs.status == "applied" else None
    return redirect(page or url_for("steward.change", cs_id=cs.id), 303)


@bp.post("/steward/edit")
def edit() -> ResponseReturnValue:
    """JSON ``{entity, graph, predicate, old?, new?, lang?, datatype?}``: replace (or add, or remove) one value."""
    info = steward()
    body = request.get_json(silent=True) or request.form.to_dict()
    entity, graph, pred = (str(body.get(k, "")).strip() for k in ("entity", "graph", "predicate"))
    if not all(x and ":" in x for x in (entity, graph, pred)):
        raise ApiError(400, "entity, graph and predicate are IRIs")
    store = get_store()

    def term(v: Any) -> Any:
        if v in (None, ""):
            return None
        if body.get("kind") == "iri":
            return URIRef(str(v))
        if body.get("lang"):
            return Literal(str(v), lang=str(body["lang"]))
        return Literal(str(v), datatype=URIRef(body["datatype"]) if body.get("datatype") else None)

    old, new_ = term(body.get("old")), term(body.get("new"))
    g, s, p = URIRef(graph), URIRef(entity), URIRef(pred)

    def check(st: Any) -> None:
        if not etag_matches(request.headers.get("If-Match"), entity_etag(st, entity)):
            raise PreconditionFailed("the entity has changed since the page was loaded; reload it")

    try:
        cs = execute(store, write_context(info, source=f"edit:{entity}"), "edit",
                     patch_plan([(s, p, new_, g)] if new_ is not None else [],
                                [(s, p, old, g)] if old is not None else []), if_match=check)
    except ValidationFailed as e:
        return violations_response(e)
    resp = jsonify({"ok": True, "changeset": cs.id or None, "status": cs.status})
    resp.headers["ETag"] = entity_etag(store, entity)
    return resp


# --- ingestion --------------------------------------------------------------------------------------------


@bp.route("/steward/ingest", methods=["GET", "POST"])
def ingest() -> ResponseReturnValue:
    if request.method == "GET":
        if signed_in() is None:
            return redirect(url_for("steward.desk"))
        return _page("ingest.html")
    info = steward()
    text = request.form.get("text", "")
    f = request.files.get("file")
    if f is not None and f.filename:
        text = f.read(int(setting("MAX_UPLOAD_BYTES"))).decode("utf-8", "replace")
    if not text.strip():
        return _page("ingest.html", 400, error="paste or upload an article")
    from datetime import date

    from graph.ingest import propose

    published = None
    if request.form.get("published"):
        try:
            published = date.fromisoformat(request.form["published"])
        except ValueError:
            return _page("ingest.html", 400, error="published: a date as YYYY-MM-DD")
    store = get_store()
    url = request.form.get("url", "").strip() or None
    proposal = propose(text, store, published, url, request.form.get("publisher", "").strip() or None)
    cs = review.stage_proposal(store, write_context(info, source=url or "ingest"), proposal)
    return _done(cs.id, cs.status)


# --- changes ----------------------------------------------------------------------------------------------


@bp.get("/changes")
def changes_list() -> ResponseReturnValue:
    a = request.args
    try:
        limit, offset = min(500, int(a.get("limit", "100"))), max(0, int(a.get("offset", "0")))
    except ValueError:
        raise ApiError(400, "limit and offset are whole numbers") from None
    rows = history.changesets(get_store(), entity=a.get("entity", ""), steward=a.get("steward", ""),
                              status=a.get("status", ""), limit=limit, offset=offset)
    if _wants_json() or a.get("format") == "json":
        return jsonify({"changesets": rows})
    return _page("changes.html", rows=rows, filters=a)


@bp.route("/changes/sparql", methods=["GET", "POST"])
def changes_sparql() -> ResponseReturnValue:
    """A read-only SPARQL query on the audit store (any token: it runs in the process that owns the stores)."""
    require("reader")
    text = (request.values.get("query") or "").strip()
    if not text:
        raise ApiError(400, "give the query as the parameter 'query'")
    if len(text.encode("utf-8")) > int(setting("MAX_QUERY_BYTES")):
        raise ApiError(413, "the query is longer than MAX_QUERY_BYTES")
    kind = inspect(text, max_nesting=int(setting("MAX_NESTING")), max_operators=int(setting("MAX_OPERATORS")))
    if kind.operation not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise ApiError(400, "only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) are answered here; the audit store "
                            "is written by the write path alone")
    result = get_audit_store().query(text)
    if result.kind == "graph":
        offers = [f.media_type for f in RDF_FORMATS if not f.quads]
        fmt = render.wants(*offers) or offers[0]
        return Response(result.serialize(fmt), mimetype=rdf_format(fmt).media_type)
    offers = [f.media_type for f in RESULTS_FORMATS]
    fmt = render.wants(*offers) or offers[0]
    return Response(result.serialize(fmt), mimetype=fmt)


@bp.get("/changes/<cs_id>")
def change(cs_id: str) -> ResponseReturnValue:
    cs = load(get_store(), cs_id)
    if cs is None:
        abort(404)
    if _wants_json() or request.args.get("format") == "json":
        return jsonify(cs.to_json())
    return _page("change.html", cs=cs.to_json())


@bp.post("/changes/<cs_id>/<action>")
def act(cs_id: str, action: str) -> ResponseReturnValue:
    if action not in ("revert", "accept", "reject"):
        abort(404)
    info = steward()
    fn = {"revert": review.revert, "accept": review.accept, "reject": review.reject}[action]
    store = get_store()
    try:
        cs = fn(store, cs_id, write_context(info, source=f"{action}:{cs_id}", stage=False))
    except (GovkgError, LookupError) as e:
        original = load(store, cs_id)
        if original is None:
            abort(404)
        return _failure(e, "change.html", cs=original.to_json())  # type: ignore[arg-type]
    if action == "reject":
        return _done(cs_id, "rejected")
    return _done(cs.id, cs.status)


@bp.after_request
def _no_store(resp: Response) -> Response:
    if request.path.startswith("/steward"):
        resp.headers["Cache-Control"] = "no-store"
    return resp
