"""The viewer's pages: home, lists and the unit tree, timeline, relationship finder, "as of a date".

Each page has a JSON twin (``Accept: application/json`` or ``?format=json``) built by the same data function in
``graph/``.  The query editor's template (``sparql_editor.html``, rendered by the endpoint's ``GET /sparql`` for
browsers) takes its configuration from :func:`editor_config`, a template global registered here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Flask, Response, abort, request
from flask.typing import ResponseReturnValue

from graph import analysis, browse, home, timeline
from graph.labels import UnsafeIRI, iri_ref
from graph.namespaces import PREFIXES
from graph.rankings import state as rank_state
from graph.search import search
from webui import render
from webui.app import get_store

bp = Blueprint("pages", __name__)


def init_app(app: Flask) -> None:
    render.init_app(app)
    app.jinja_env.globals["editor_config"] = editor_config


def editor_config() -> dict[str, Any]:
    """What the query editor needs: our endpoint, prefixes, example queries, and where to look up entities."""
    return {
        "endpoint": "/sparql",
        "search": "/search",
        "prefixes": PREFIXES,
        "examples": home.examples(),
        "lang": render.i18n.get_lang(),
    }


def _bad(msg: str) -> None:
    abort(Response(msg + "\n", status=400, mimetype="text/plain"))


def _iri_arg(name: str) -> str:
    v = request.args.get(name, "").strip()
    if not v:
        return ""
    try:
        iri_ref(v)
    except UnsafeIRI:
        _bad(f"{name} must be an IRI")
    return v


def _date_arg(name: str) -> date | None:
    v = request.args.get(name, "").strip()
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        _bad(f"{name} must be a date as YYYY-MM-DD")
    return None


@bp.route("/")
def index() -> ResponseReturnValue:
    return render.page_or_json("home.html", home.home(get_store(), render.i18n.get_lang()))


@bp.route("/browse/<kind>")
def browse_kind(kind: str) -> ResponseReturnValue:
    lang = render.i18n.get_lang()
    if kind == "units":
        return render.page_or_json("tree.html", browse.unit_tree(get_store(), lang))
    singular = {"people": "person", "documents": "document", "events": "event", "programmes": "programme"}
    if kind not in singular:
        abort(404)
    return render.page_or_json("list.html", browse.listing(get_store(), singular[kind], lang), kind=singular[kind])


@bp.route("/timeline")
def timeline_page() -> ResponseReturnValue:
    page = request.args.get("page", "1").strip() or "1"
    if not page.isdigit() or len(page) > 6:
        _bad("page must be a whole number")
    f = timeline.Filters(unit=_iri_arg("unit"), person=_iri_arg("person"), type=_iri_arg("type"),
                         start=_date_arg("start"), end=_date_arg("end"), page=int(page))
    data = timeline.events(get_store(), f, render.i18n.get_lang())
    data["query"] = {k: v for k, v in data["filters"].items() if v}  # the paging links keep the filters
    return render.page_or_json("timeline.html", data)


def _resolve(text: str) -> str:
    """An IRI as given, else the best search hit for the text."""
    text = text.strip()
    if not text:
        return ""
    if text.startswith(("http://", "https://")):
        try:
            iri_ref(text)
        except UnsafeIRI:
            return ""
        return text
    try:
        hits = search(get_store(), text, limit=1)
    except ValueError:
        return ""
    return hits[0].iri if hits else ""


@bp.route("/relations")
def relations() -> ResponseReturnValue:
    store, lang = get_store(), render.i18n.get_lang()
    a_text, b_text = request.args.get("a", ""), request.args.get("b", "")
    a, b = _resolve(a_text), _resolve(b_text)
    data: dict[str, Any] = {"a": a, "b": b, "a_text": a_text, "b_text": b_text, "result": None,
                            "rankings": analysis.rankings(store, lang)}
    data["rankings_state"] = rank_state(store)  # "stale": from before the last write; "building": none yet
    if a and b:
        data["result"] = analysis.connect(store, a, b, lang)
    return render.page_or_json("relations.html", data)


@bp.route("/asof")
def asof() -> ResponseReturnValue:
    store, lang = get_store(), render.i18n.get_lang()
    unit = _iri_arg("unit") or _resolve(request.args.get("q", ""))
    day = _date_arg("date") or date.today()
    data: dict[str, Any] = {"unit": unit, "date": day.isoformat(), "available": True, "chart": None,
                            "holders": None, "units": browse.listing(store, "unit", lang)}
    try:
        from graph import asof as asof_data
    except ImportError:  # pragma: no cover - graph.asof is part of the project; kept for partial checkouts
        data["available"] = False
    else:
        if unit:
            chart = asof_data.org_chart(store, unit, day)
            data["chart"] = chart.to_dict() if chart is not None else None
            data["holders"] = [_plain(h) for h in asof_data.post_holders(store, unit, day)]
    return render.page_or_json("asof.html", data)


def _plain(x: Any) -> Any:
    """Dataclasses and other objects from graph.asof as JSON-ready data."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(x) and not isinstance(x, type):
        return _plain(asdict(x))
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [_plain(v) for v in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    if isinstance(x, date):
        return x.isoformat()
    return str(x)
