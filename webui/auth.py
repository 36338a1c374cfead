"""Bearer tokens for writes: ``Authorization: Bearer <token>`` (see :mod:`graph.tokens`).

Reads are public.  A write without a valid token is answered 401 with ``WWW-Authenticate: Bearer``; a token
whose role does not allow the write gets 403.
"""

from __future__ import annotations

from flask import current_app, request

from graph.tokens import TokenFile, TokenInfo, tokens_path
from webui.errors import ApiError

REALM = 'Bearer realm="govkg"'


def token_file() -> TokenFile:
    cfg = current_app.config
    tf = cfg.get("GOVKG_TOKEN_FILE")
    if tf is None:
        tf = TokenFile(tokens_path(cfg["STORE_PATH"], cfg["GOVKG"].get("TOKENS_FILE", "")))
        cfg["GOVKG_TOKEN_FILE"] = tf
    return tf


def require(role: str) -> TokenInfo:
    """The token of the request, if its role includes ``role``; else a 401 or 403."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(401, "writes need a token: send 'Authorization: Bearer <token>' "
                            "(create one with 'govkg token create')", {"WWW-Authenticate": REALM})
    info = token_file().check(secret.strip())
    if info is None:
        raise ApiError(401, "the token is not valid (unknown or revoked)",
                       {"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    if not info.allows(role):
        raise ApiError(403, f"the token {info.name!r} has the role {info.role}; this needs {role}")
    return info
