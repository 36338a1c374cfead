"""HTTP for the remote store, on the standard library: authentication, redirects, timeouts, typed errors.

Basic and bearer credentials are sent with every request; digest answers the first challenge and then
reuses it (with an increasing nonce count), so that a large upload is not sent twice per request.
Redirects are followed only for GET/HEAD and only within the same scheme, host and port: credentials and
request bodies never travel to another host.  Each thread has its own opener (the digest state is not
thread-safe).
"""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal

from graph.errors import QueryTimeout, StoreError

AuthKind = Literal["basic", "digest", "bearer"]
AUTH_KINDS = ("basic", "digest", "bearer")


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class HttpFailure(Exception):
    """The endpoint answered with an error status."""

    def __init__(self, status: int, headers: Message, body: bytes, url: str) -> None:
        self.status, self.headers, self.body, self.url = status, headers, body, url
        super().__init__(f"{status} from {url}: {self.message}")

    @property
    def message(self) -> str:
        """The engine's own message, without an echo of the whole request (Virtuoso appends one)."""
        text = self.body.decode("utf-8", "replace")
        if "<html" in text[:500].lower():
            import re

            text = re.sub(r"<[^>]+>", " ", text)
        text = text.split("SPARQL query:")[0]
        return " ".join(text.split())[:2000]


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            raise StoreError(f"the endpoint {req.full_url} redirected to another host ({newurl}); not followed")
        if req.get_method() not in ("GET", "HEAD"):
            raise StoreError(f"the endpoint {req.full_url} redirected a {req.get_method()} to {newurl}; "
                             "configure the final URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that remembers the last challenge and answers it before being asked again."""

    _chal: dict[str, str] | None = None

    def retry_http_digest_auth(self, req: Any, auth: str) -> Any:
        _, challenge = auth.split(" ", 1)
        chal = urllib.request.parse_keqv_list([p for p in urllib.request.parse_http_list(challenge) if p])
        self._chal = chal
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: Any) -> Any:
        if self._chal is not None and not req.has_header("Authorization"):
            auth = self.get_authorization(req, self._chal)
            if auth:
                req.add_unredirected_header("Authorization", f"Digest {auth}")
        return req

    https_request = http_request


class HttpClient:
    def __init__(
        self,
        *,
        user: str | None,
        password: str | None,
        auth: str,
        timeout: float,
        urls: Sequence[str],
    ) -> None:
        if auth not in AUTH_KINDS:
            raise ValueError(f"unknown auth {auth!r}; expected one of {', '.join(AUTH_KINDS)}")
        for u in urls:
            if urllib.parse.urlsplit(u).scheme not in ("http", "https"):
                raise ValueError(f"not an http(s) URL: {u!r}")
        self.user, self.password, self.auth, self.timeout = user, password, auth, timeout
        self._urls = list(urls)
        self._local = threading.local()

    def _opener(self) -> urllib.request.OpenerDirector:
        op = getattr(self._local, "opener", None)
        if op is None:
            handlers: list[Any] = [_SameOriginRedirects()]
            if self.auth == "digest" and self.user is not None:
                pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for u in self._urls:
                    pm.add_password(None, u, self.user, self.password or "")
                handlers.append(_PreemptiveDigest(pm))
            op = urllib.request.build_opener(*handlers)
            self._local.opener = op
        return op

    def _auth_headers(self) -> dict[str, str]:
        if self.auth == "basic" and self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            return {"Authorization": f"Basic {token}"}
        if self.auth == "bearer" and self.password:
            return {"Authorization": f"Bearer {self.password}"}
        return {}

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> Response:
        if params:
            url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode(list(params))
        h = {"User-Agent": "govkg", **self._auth_headers(), **(headers or {})}
        req = urllib.request.Request(url, data=body, headers=h, method=method)  # noqa: S310 - http(s) only, checked above
        try:
            with self._opener().open(req, timeout=timeout or self.timeout) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as e:
            try:
                data = e.read()
            except OSError:
                data = b""
            raise HttpFailure(e.code, e.headers, data, url.split("?")[0]) from None
        except TimeoutError as e:
            raise QueryTimeout(f"no answer from {url.split('?')[0]} within {timeout or self.timeout:g} s") from e
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise QueryTimeout(f"no answer from {url.split('?')[0]} within {timeout or self.timeout:g} s") from e
            raise StoreError(f"cannot reach the SPARQL endpoint {url.split('?')[0]}: {e.reason}") from e
        except (ConnectionError, OSError) as e:
            raise StoreError(f"cannot reach the SPARQL endpoint {url.split('?')[0]}: {e}") from e
