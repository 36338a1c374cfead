"""Forward a request from a reader process to the primary of ``govkg serve``, and trust only such forwards.

With ``SERVING_PROCESSES`` above 1, every process accepts on the public port; a reader (:mod:`webui.readers`)
answers bounded lookups itself and hands everything else to the primary over a private unix socket that only
the primary accepts on.  :class:`Forwarder` is that small reverse proxy: the request goes on as it came (method,
raw target, headers, body streamed), a fresh connection each time (a unix socket connects in microseconds, and no
pooled connection can go stale while the primary restarts); the answer comes back streamed with its status and
headers (every ``Set-Cookie`` kept), without hop-by-hop headers, and ``X-Govkg-Via: reader``.  The client's
address travels in ``X-Govkg-Client``, signed by a secret that the arbiter makes for each run (``X-Govkg-Forward``):
:func:`trusting_readers` (around the primary's app) takes the address only with the right secret and drops both
headers otherwise, so rate limits and the audit see the real client and no client can pose as another.
"""

from __future__ import annotations

import hmac
import http.client
import socket
from collections.abc import Callable, Iterable, Iterator
from typing import Any

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

CLIENT_HEADER = "X-Govkg-Client"
FORWARD_HEADER = "X-Govkg-Forward"
VIA_HEADER = "X-Govkg-Via"  # on a forwarded answer: "reader" (the process that took the connection)
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "proxy-connection"})
DROPPED = HOP_BY_HOP | {CLIENT_HEADER.lower(), FORWARD_HEADER.lower(), "content-length", "content-type"}
UPSTREAM_TIMEOUT_S = 180.0  # the primary's own limits end a request sooner (queries 60 s, gunicorn 120 s)
CHUNK = 64 * 1024


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class _Streamed:
    """The primary's answer body, read in chunks as the client takes it; the connection closes at the end (or
    when the client goes away: the server calls :meth:`close`)."""

    def __init__(self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse) -> None:
        self.conn, self.resp = conn, resp

    def __iter__(self) -> Iterator[bytes]:
        while True:
            chunk = self.resp.read1(CHUNK) if not self.resp.isclosed() else b""
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self.resp.close()
        self.conn.close()


def _body(environ: dict[str, Any], pre_read: bytes | None) -> tuple[Any, bool]:
    """(body to send, send it chunked)."""
    if pre_read is not None:
        return pre_read, False
    if environ.get("CONTENT_LENGTH"):
        return environ["wsgi.input"], False
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        stream = environ["wsgi.input"]
        return iter(lambda: stream.read(CHUNK), b""), True
    return None, False


class Forwarder:
    """A WSGI app that forwards each request to the primary listening on the unix socket ``path``."""

    def __init__(self, path: str, secret: str) -> None:
        self.path = path
        self.secret = secret

    def __call__(self, environ: dict[str, Any], start_response: StartResponse,
                 pre_read: bytes | None = None) -> Iterable[bytes]:
        target = environ.get("RAW_URI") or _target(environ)
        headers = {_header_name(k): v for k, v in environ.items()
                   if k.startswith("HTTP_") and _header_name(k).lower() not in DROPPED}
        for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
            if environ.get(key):
                headers[name] = environ[key]
        body, chunked = _body(environ, pre_read)
        if pre_read is not None:
            headers["Content-Length"] = str(len(pre_read))
        headers[CLIENT_HEADER] = environ.get("REMOTE_ADDR") or ""
        headers[FORWARD_HEADER] = self.secret
        conn = _UnixConnection(self.path, UPSTREAM_TIMEOUT_S)
        try:
            conn.putrequest(environ["REQUEST_METHOD"], target, skip_host=True, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            if chunked:
                conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            try:
                _send(conn, body, chunked)
            except OSError:  # the primary answered before the whole body (413, 408...) and stopped reading
                pass
            resp = conn.getresponse()
        except OSError:
            conn.close()
            return _unavailable(environ, start_response)
        except http.client.HTTPException:
            conn.close()
            return _unavailable(environ, start_response)
        out = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP] + [(VIA_HEADER, "reader")]
        start_response(f"{resp.status} {resp.reason}", out)
        return _Streamed(conn, resp)


def _send(conn: http.client.HTTPConnection, body: Any, chunked: bool) -> None:
    if body is None:
        return
    if isinstance(body, bytes):
        conn.send(body)
        return
    if chunked:
        for chunk in body:
            if chunk:
                conn.send(f"{len(chunk):X}\r\n".encode("ascii") + chunk + b"\r\n")
        conn.send(b"0\r\n\r\n")
        return
    while chunk := body.read(CHUNK):
        conn.send(chunk)


def _header_name(key: str) -> str:
    return "-".join(w.capitalize() for w in key[5:].split("_"))


def _target(environ: dict[str, Any]) -> str:
    qs = environ.get("QUERY_STRING", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return path + ("?" + qs if qs else "")


def _unavailable(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """503 in the API's envelope (:mod:`webui.errors`): the primary did not answer (it is restarting)."""
    msg = "the server process that owns the store is not answering (it may be restarting); try again shortly"
    if "json" in environ.get("HTTP_ACCEPT", ""):
        body = ('{"ok": false, "status": 503, "title": "Service Unavailable", "error": "' + msg + '"}').encode()
        ctype = "application/json"
    else:
        body = f"503 Service Unavailable: {msg}\n".encode()
        ctype = "text/plain; charset=utf-8"
    start_response("503 Service Unavailable", [("Content-Type", ctype), ("Content-Length", str(len(body))),
                                               ("Retry-After", "2")])
    return [body]


def trusting_readers(app: WsgiApp, secret: str) -> WsgiApp:
    """``app`` taking the client's address from a reader's forward (the right secret), and ignoring the two
    headers from anyone else."""
    want = secret.encode()

    def wrapped(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        given = environ.pop("HTTP_X_GOVKG_FORWARD", None)
        client = environ.pop("HTTP_X_GOVKG_CLIENT", None)
        if given is not None and client is not None and hmac.compare_digest(given.encode(), want):
            environ["REMOTE_ADDR"] = client
        return app(environ, start_response)

    return wrapped
