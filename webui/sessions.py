"""The session cookie, as Flask signs it, with the signer made once per secret key instead of on every request.

Flask's :class:`~flask.sessions.SecureCookieSessionInterface` builds an ``itsdangerous`` serializer (a key
derivation's set-up) for every request, even a public read that has no cookie; this one keeps it per app and
secret key (a changed ``SECRET_KEY`` gets a new one).  Cookies, salts and signatures are unchanged.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CachedSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._signers: dict[tuple[int, Any, tuple[Any, ...]], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (id(app), app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if key not in self._signers:
            self._signers[key] = super().get_signing_serializer(app)
        return self._signers[key]
