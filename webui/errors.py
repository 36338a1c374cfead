"""One error envelope for the API routes (SPARQL endpoint, Graph Store Protocol, system pages).

Every error is a short message and a status, never a stack trace:

- JSON when the client accepts JSON: ``{"ok": false, "status": 400, "title": "Bad Request", "error": "..."}``;
- else plain text: ``400 Bad Request: ...`` on one line.

Typed library errors map to one status each (:data:`STATUS`).  The message is ours (library errors are
written to be shown); anything unexpected is logged and answered as a bare 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from graph.commit import AdminRequired, PreconditionFailed
from graph.errors import (
    ForbiddenOperation,
    GovkgError,
    ParseError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    ValidationFailed,
)
from graph.formats import UnknownFormat
from graph.review import ReviewError
from graph.store.workers import PoolBusy, WorkerLost
from graph.update_steps import UpdateFailed

log = logging.getLogger("govkg.web")

#: Library error -> HTTP status (first match wins).
STATUS: list[tuple[type[BaseException], int]] = [
    (AdminRequired, 403),
    (PreconditionFailed, 412),
    (ReviewError, 409),
    (QuerySyntaxError, 400),
    (UpdateFailed, 400),
    (ForbiddenOperation, 400),
    (ParseError, 400),
    (UnknownFormat, 415),
    (ValidationFailed, 422),
    (QueryTimeout, 503),
    (PoolBusy, 503),
    (WorkerLost, 503),
    (StoreError, 500),
]

JSON_TYPES = ("application/json", "application/sparql-results+json", "application/ld+json")


class ApiError(HTTPException):
    """An HTTP error with our message and optional extra headers (``Retry-After``, ``Allow`` ...)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = status
        self.extra_headers = headers or {}


def wants_json() -> bool:
    return request.accept_mimetypes.best_match(("text/plain", *JSON_TYPES)) in JSON_TYPES


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    title = HTTP_STATUS_CODES.get(status, "Error")
    message = " ".join(message.split())[:2000]  # one line, bounded
    if wants_json():
        body = json.dumps({"ok": False, "status": status, "title": title, "error": message}, ensure_ascii=False)
        resp = Response(body + "\n", status=status, mimetype="application/json")
    else:
        resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def status_of(exc: BaseException) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


DISK_FULL = ("no space left on device", "enospc", "disk quota exceeded")


def disk_full(exc: BaseException) -> bool:
    """A store error caused by a full disk (RocksDB's ``IO error: No space left on device``)."""
    return isinstance(exc, StoreError) and any(w in str(exc).lower() for w in DISK_FULL)


def handle_library_error(exc: GovkgError) -> Response:
    if isinstance(exc, ValidationFailed) and exc.report is not None:
        from webui.steward_session import violations_response

        return violations_response(exc)
    if disk_full(exc):  # RELIABILITY H6: 507, and /healthz says read-only until the server is restarted
        from flask import current_app

        current_app.config["GOVKG_DISK_FULL"] = str(exc)
        log.warning("disk full: %s", exc)
        return error_response(507, "the store's disk is full; nothing was written. Reads keep working; free "
                                   "space on the store's disk, then restart the server to resume writes")
    status = status_of(exc)
    headers = {"Retry-After": "2"} if status == 503 else None
    if status >= 500:
        log.warning("%s: %s", type(exc).__name__, exc)
    return error_response(status, str(exc) or type(exc).__name__, headers)


def handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or HTTP_STATUS_CODES.get(status, "error")
    headers = dict(getattr(exc, "extra_headers", {}) or {})
    if status == 405 and "Allow" not in headers and hasattr(exc, "valid_methods") and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return error_response(status, message, headers)


def handle_unexpected(exc: Exception) -> Any:
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unexpected error")
    return error_response(500, "internal error; it has been logged")


def install(bp: Any) -> None:
    """The envelope for every error of blueprint ``bp``."""
    bp.register_error_handler(GovkgError, handle_library_error)
    bp.register_error_handler(HTTPException, handle_http_error)
    bp.register_error_handler(Exception, handle_unexpected)


def init_app(app: Flask) -> None:
    """Library errors raised anywhere in the app get the envelope too."""
    app.register_error_handler(GovkgError, handle_library_error)
