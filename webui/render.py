"""What the viewer's pages share: links from IRIs, content negotiation, and the template helpers.

Only http and https IRIs ever become links; the project's own entity IRIs link to their page on this server
(``{BASE}/id/...`` is served at ``/id/...``).  Every label reaches HTML through Jinja's autoescaping, and data
for scripts goes into ``<script type="application/json">`` blocks through ``tojson``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from graph.labels import linkable
from graph.namespaces import BASE, ID
from webui import i18n

HTML = "text/html"
JSON = "application/json"


def href(iri: str | None) -> str | None:
    """The address to link ``iri`` to, or ``None`` when it must not be a link."""
    if not iri or not linkable(iri):
        return None
    if iri.startswith(str(ID)):
        return iri[len(BASE):]
    return iri


def wants(*offers: str) -> str | None:
    """The best of ``offers`` for the request's ``Accept`` (the first offer when ``Accept`` is absent)."""
    if not request.accept_mimetypes:
        return offers[0]
    return request.accept_mimetypes.best_match(offers)


def page_or_json(template: str, data: Any, **extra: Any) -> ResponseReturnValue:
    """``data`` as JSON when the client prefers it (or ``?format=json``), else rendered into ``template``."""
    if request.args.get("format") == "json":
        return jsonify(data)
    best = wants(HTML, JSON)
    if best is None:
        abort(406)
    if best == JSON:
        return jsonify(data), 200, {"Vary": "Accept, Cookie"}
    return render_template(template, data=data, **extra), 200, {"Vary": "Accept, Cookie"}


def period(fact: dict[str, Any]) -> str:
    """The period of a fact in words: "từ 2015-03-01 đến 2019-04-30", "ghi nhận ngày 2023-07-18"."""
    t = i18n.t
    parts = []
    if fact.get("former"):
        parts.append(t("period.former"))
    if fact.get("from"):
        parts.append(f"{t('period.from')} {fact['from']}")
    if fact.get("to"):
        parts.append(f"{t('period.to')} {fact['to']}")
    if fact.get("attested"):
        parts.append(f"{t('period.attested')} {fact['attested']}")
    if not parts and fact.get("date"):
        parts.append(fact["date"])
    return " ".join(parts)


def lang_url(code: str) -> str:
    """This page in language ``code``."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return request.path + "?" + urlencode(args, doseq=True)


def init_app(app: Flask) -> None:
    if app.extensions.get("govkg_render"):
        return
    app.extensions["govkg_render"] = True
    i18n.init_app(app)
    app.jinja_env.globals.update(href=href, period=period, lang_url=lang_url)
