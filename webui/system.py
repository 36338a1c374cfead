"""System pages, in their own namespace as datasette has them.

- ``/healthz``: ``{"status": "ok" | "read-only" | "down", ...}``; 200 unless down (503).  ``read-only``
  when the store's disk is nearly full or not writable.
- ``/-/settings.json`` (settings that are not paths), ``/-/prefixes.json`` (the predeclared prefixes),
  ``/-/versions.json`` (govkg, Python and the libraries that answer).

Also installs the app-wide parts of the API: the error envelope and the URL length limit.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from graph import __version__
from graph.namespaces import PREFIXES
from webui import errors, limits
from webui.app import get_store

bp = Blueprint("system", __name__)
errors.install(bp)

PRIVATE = {"STORE", "RELEASES_DIR", "TOKENS_FILE", "AUDIT_STORE"}
MIN_FREE_BYTES = 64 * 1024 * 1024
LIBRARIES = ("pyoxigraph", "rdflib", "flask", "werkzeug", "gunicorn", "pyshacl")


def init_app(app: Flask) -> None:
    errors.init_app(app)
    limits.init_app(app)


def health() -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {"status": "ok"}
    path = Path(current_app.config["STORE_PATH"])
    try:
        store = get_store()
        store.query("ASK {}")
    except Exception as e:  # any failure of the store means we cannot answer
        out.update(status="down", store=f"the store does not answer: {type(e).__name__}")
        return out, 503
    if not store.supports_backup:  # a remote engine: its disk is not ours to watch
        out["store"] = "ok"
        return out, 200
    try:
        usage = shutil.disk_usage(path)
        free, need = usage.free, min(MIN_FREE_BYTES, usage.total // 20)  # a small disk: 5 % of it
    except OSError:
        free, need = 0, MIN_FREE_BYTES
    if current_app.config.get("GOVKG_DISK_FULL"):  # a write hit ENOSPC: RocksDB refuses writes until reopened
        out.update(status="read-only", store="a write failed because the store's disk was full; writes are refused "
                                             "until space is freed and the server restarted")
    elif free < need or not os.access(path, os.W_OK):
        out.update(status="read-only", store="the store's disk is full or not writable; writes will fail")
    else:
        out["store"] = "ok"
    from webui.sparql import _POOLS  # the pool exists once a query has been run

    pool = _POOLS.get(str(path.resolve()))
    if pool is not None:
        out["query_workers"] = {"alive": pool.alive, "busy": pool.busy, "stopped_at_time_limit": pool.killed,
                                "generation": pool.snapshots.generation}
    return out, 200


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> ResponseReturnValue:
    body, status = health()
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/-/settings.json")
def settings_json() -> ResponseReturnValue:
    s = current_app.config["GOVKG"]
    return jsonify({k: v for k, v in s.items() if k not in PRIVATE})


@bp.route("/-/prefixes.json")
def prefixes_json() -> ResponseReturnValue:
    return jsonify(PREFIXES)


@bp.route("/-/versions.json")
def versions_json() -> ResponseReturnValue:
    libs: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            libs[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            libs[name] = None
    return jsonify({"govkg": __version__, "python": platform.python_version(), "libraries": libs})
