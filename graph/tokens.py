"""API tokens for writes: named, with a role, kept only as hashes.

A token is 32 random bytes (``secrets.token_urlsafe``), shown once when created.  The file keeps its name,
role, creation time and SHA-256 (enough for a random 256-bit secret: no dictionary to attack), written
atomically with mode 0600.  By default the file sits beside the store: ``<store>.tokens.json``; the setting
``TOKENS_FILE`` moves it.

Roles, each including the ones before: ``reader`` (no writes; a token that proves who is reading),
``steward`` (SPARQL Update and the Graph Store Protocol), ``admin`` (also what later issues reserve for
administrators).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import GovkgError

ROLES = ("reader", "steward", "admin")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_LOCK = threading.Lock()


class TokenError(GovkgError):
    """A token operation that cannot be done (unknown name, duplicate, bad role)."""


@dataclass(frozen=True)
class TokenInfo:
    name: str
    role: str
    created: str
    sha256: str

    def allows(self, role: str) -> bool:
        """Whether this token's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def tokens_path(store_path: str | Path, setting: str = "") -> Path:
    """Where the token hashes of the store at ``store_path`` live."""
    if setting:
        return Path(setting)
    p = Path(store_path)
    return p.parent / f"{p.name}.tokens.json"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenFile:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[float, dict[str, TokenInfo]] | None = None

    def _load(self) -> dict[str, TokenInfo]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        if self._cache is not None and self._cache[0] == mtime:
            return self._cache[1]
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise TokenError(f"cannot read the tokens file {self.path}: {e}") from e
        tokens = {t["name"]: TokenInfo(**t) for t in raw.get("tokens", [])}
        self._cache = (mtime, tokens)
        return tokens

    def _save(self, tokens: dict[str, TokenInfo]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        data = {"tokens": [asdict(t) for t in sorted(tokens.values(), key=lambda t: t.name)]}
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        tmp.replace(self.path)
        self._cache = None

    def create(self, name: str, role: str) -> str:
        """A new token for ``name``; the secret is returned here and never again."""
        if not NAME.match(name):
            raise TokenError(f"bad token name {name!r}: letters, digits and _ . @ - (at most 64)")
        if role not in ROLES:
            raise TokenError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        with _LOCK:
            tokens = dict(self._load())
            if name in tokens:
                raise TokenError(f"a token named {name!r} exists; revoke it first")
            secret = "govkg_" + secrets.token_urlsafe(32)
            created = datetime.now(UTC).replace(microsecond=0).isoformat()
            tokens[name] = TokenInfo(name, role, created, _digest(secret))
            self._save(tokens)
        return secret

    def list(self) -> list[TokenInfo]:
        return sorted(self._load().values(), key=lambda t: t.name)

    def revoke(self, name: str) -> None:
        with _LOCK:
            tokens = dict(self._load())
            if name not in tokens:
                raise TokenError(f"no token named {name!r}")
            del tokens[name]
            self._save(tokens)

    def check(self, secret: str) -> TokenInfo | None:
        """The token whose secret is ``secret``, or None (compared in constant time)."""
        d = _digest(secret)
        found = None
        for t in self._load().values():
            if hmac.compare_digest(t.sha256, d):
                found = t
        return found
