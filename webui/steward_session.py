"""Who writes, from the web: bearer tokens (APIs) or a signed-in session (pages), CSRF, and write answers.

- Sign-in exchanges a token for a session cookie (Flask's signed cookie, ``HttpOnly``, ``SameSite=Lax`` and
  ``Secure``; the setting COOKIE_SECURE=0 drops ``Secure`` for plain-http tests on 127.0.0.1 only).  The session
  keeps the token's name; its role is looked up on each request, so revoking the token signs the session out.
- Every form carries ``csrf_token``; cookie-authenticated JSON sends it as ``X-CSRFToken``.  Bearer requests
  need no CSRF token (a browser never adds that header by itself).
- :func:`write_context` reads the write options of a request: ``X-Govkg-Comment`` (or ``comment``),
  ``X-Govkg-Confirm``, ``X-Govkg-Stage: 1`` and the language (``?lang``, the ``lang`` cookie, ``Accept-Language``).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import Response, abort, json, request, session

from graph.commit import CONFIRM_HEADER, WriteContext
from graph.errors import ValidationFailed
from graph.tokens import TokenInfo
from webui.auth import require, token_file


def lang() -> str:
    want = request.args.get("lang") or request.cookies.get("lang") or ""
    if want in ("vi", "en"):
        return want
    if "text/html" in request.headers.get("Accept", ""):
        # a page: the viewer's rule (webui.i18n.get_lang, Vietnamese unless switched), so that the steward's
        # pages never mix a Vietnamese header and language switch with English forms in an English browser
        return "vi"
    best = request.accept_languages.best_match(["vi", "en"])
    return best or "vi"


def signed_in() -> TokenInfo | None:
    name = session.get("steward")
    if not name:
        return None
    for t in token_file().list():
        if t.name == name:
            return t
    session.clear()
    return None


def csrf_token() -> str:
    tok = session.get("csrf")
    if not tok:
        tok = secrets.token_urlsafe(32)
        session["csrf"] = tok
    return str(tok)


def check_csrf() -> None:
    sent = request.headers.get("X-CSRFToken") or request.form.get("csrf_token") or ""
    want = session.get("csrf") or ""
    if not sent or not want or not hmac.compare_digest(str(sent), str(want)):
        abort(Response("400 Bad Request: CSRF token missing or wrong; reload the page and try again\n",
                       status=400, mimetype="text/plain"))


def steward(role: str = "steward") -> TokenInfo:
    """The writer of this request: a bearer token, or the signed-in session (then CSRF is checked)."""
    if request.headers.get("Authorization"):
        return require(role)
    info = signed_in()
    if info is None:
        return require(role)  # the 401 with WWW-Authenticate
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        check_csrf()
    if not info.allows(role):
        abort(Response(f"403 Forbidden: the token {info.name!r} has the role {info.role}; this needs {role}\n",
                       status=403, mimetype="text/plain"))
    return info


def write_context(info: TokenInfo, **kw: Any) -> WriteContext:
    comment = request.headers.get("X-Govkg-Comment") or request.form.get("comment", "") if request.form else (
        request.headers.get("X-Govkg-Comment", ""))
    stage = request.headers.get("X-Govkg-Stage", "") in ("1", "true", "yes") or request.form.get("stage") == "1"
    values: dict[str, Any] = {"actor": info.name, "role": info.role, "comment": comment or "",
                              "source": request.path, "lang": lang(),
                              "confirm": request.headers.get(CONFIRM_HEADER, ""), "stage": stage}
    values.update(kw)
    return WriteContext(**values)


def written(change: Any, status: int) -> Response:
    """The answer to a write: empty with ``X-Govkg-Changeset``, or 202 when the change was staged."""
    if getattr(change, "status", "applied") == "staged":
        status = 202
    resp = Response(status=status)
    if getattr(change, "changeset", ""):
        resp.headers["X-Govkg-Changeset"] = change.changeset
        resp.headers["Location" if status == 202 else "Content-Location"] = f"/changes/{change.changeset}"
    return resp


def violations(exc: ValidationFailed, language: str) -> list[dict[str, Any]]:
    report: Any = exc.report
    return [{"focus": v.focus, "path": v.path, "value": v.value, "message": v.message(language),
             "shape": v.source_shape, "severity": v.severity} for v in report.results]


def violations_response(exc: ValidationFailed) -> Response:
    """422 with the report: JSON unless the client wants plain text only."""
    language = lang()
    items = violations(exc, language)
    if request.accept_mimetypes.best_match(["application/json", "text/plain"]) == "text/plain" and \
            "application/json" not in request.accept_mimetypes:
        lines = [f"422 Unprocessable Entity: {exc}"] + [
            f"- {v['message']} (focus {v['focus']}, path {v['path']}, value {v['value']})" for v in items]
        return Response("\n".join(lines) + "\n", status=422, mimetype="text/plain")
    body = {"ok": False, "status": 422, "title": "Unprocessable Entity", "error": str(exc), "lang": language,
            "violations": items}
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status=422, mimetype="application/json")
