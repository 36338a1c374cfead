"""The application factory.

Defaults, then ``GOVKG_*`` settings from the environment, then the ``overrides`` a test passes; then the
store, opened once per app and reached through :func:`get_store`; then one blueprint per face, listed in
:data:`BLUEPRINTS` (each module exposes ``bp``).  Errors are answered in one envelope (:mod:`webui.errors`).
"""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from graph.settings import read_settings
from graph.store import Store, audit_store, default_store_path, open_store
from webui.sessions import CachedSessionInterface

#: Blueprint modules, in registration order; each exposes ``bp`` (and optionally ``init_app(app)``).
BLUEPRINTS: list[str] = [
    "webui.pages",  # the viewer: home, lists, timeline, relationships, as-of (issue 4)
    "webui.search",
    "webui.entities",
    "webui.dataset",  # /.well-known/void, /releases/, /dumps/latest.* (issue 9)
    "webui.system",  # /healthz, /-/settings.json, /-/prefixes.json, /-/versions.json; error envelope (issue 3)
    "webui.sparql",  # SPARQL 1.1 Protocol: /sparql, /update (issue 3)
    "webui.gsp",  # Graph Store HTTP Protocol: /data (issue 3)
    "webui.steward",  # sign-in, upload, forms, review, /changes (issue 5)
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    settings = read_settings(overrides)
    app.config["GOVKG"] = settings
    app.config["SECRET_KEY"] = (overrides or {}).get("SECRET_KEY") or secrets.token_bytes(32)
    app.config["STORE_PATH"] = Path(settings.get("STORE") or default_store_path())
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.session_interface = CachedSessionInterface()  # the cookie signer made once, not per request

    @app.after_request
    def _headers(resp: Any) -> Any:
        have = {k.lower() for k in resp.headers.keys()}  # one pass (setdefault scans the headers once per name)
        missing = [(k, v) for k, v in SECURITY_HEADERS.items() if k.lower() not in have]
        if missing:
            resp.headers.extend(missing)
        return resp

    for name in BLUEPRINTS:
        mod = importlib.import_module(name)
        if hasattr(mod, "init_app"):
            mod.init_app(app)
        app.register_blueprint(mod.bp)
    return app


def get_store() -> Store:
    """The app's store (opened once per process), bound to its audit store (the ``AUDIT_STORE`` setting)."""
    cfg = current_app.config["GOVKG"]
    store = open_store(current_app.config["STORE_PATH"], cfg)
    audit_store(store, cfg.get("AUDIT_STORE", ""))
    return store


def get_audit_store() -> Store:
    """The audit store of the app's store: the changesets and staged changes (read it; the write path writes)."""
    return audit_store(get_store(), current_app.config["GOVKG"].get("AUDIT_STORE", ""))


def setting(name: str) -> Any:
    return current_app.config["GOVKG"][name]
