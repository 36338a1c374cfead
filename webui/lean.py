"""The lean lookup path of ``/sparql``: provably bounded lookups answered in plain WSGI, before Flask.

Every process of ``govkg serve`` puts :class:`LeanLookups` in front of what it otherwise does: a reader
(:mod:`webui.readers`) answers on the current checkpoint generation (:class:`graph.store.followers.Follower`) and
forwards the rest to the primary; the primary (:func:`primary_app`) answers on the live store
(:func:`graph.store.inprocess.answer_here`) and hands the rest to its Flask app unchanged.  Both answer only
SPARQL queries that :mod:`graph.bounded` proves bounded and a probe shows small, by the code the Flask path and the
query workers use, so the bytes are the same; the headers are the Flask path's (:mod:`webui.sparql` and the app's
``after_request`` hooks: content type, length, ``Vary``, ``X-Result-Truncated``, CORS, security headers), with
``X-Govkg-Answered-By: reader`` on a reader and ``server`` on the primary (as the Flask path says for a lookup it
answers in process).  A lookup costs the parse of its query string, a few cached decisions (guard, bounded form,
negotiation: LRU per text) and the engine's work; no Flask request context.

Anything else, and anything unusual about a lookup (a parse or guard error, a 406, ``lang=``, a dataset in the
protocol, a body over ``MAX_QUERY_BYTES``, no generation yet, an error of the engine), goes on to the next layer
with the body already read, which answers it as it always has.  Two refusals are answered here, in the app's
envelope: a lookup of a client over ``CLIENT_CONCURRENCY`` after its wait (429: the next layer would only wait once
more, the count being shared), and a POST body that does not arrive within ``BODY_READ_TIMEOUT_S`` (408).
"""

from __future__ import annotations

import functools
import io
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header
from werkzeug.sansio.utils import get_current_url, get_host

from graph.bounded import Lookup, lookup
from graph.errors import GovkgError
from graph.sparql_guard import inspect_cached
from graph.store.workers import QueryAnswer, QueryJob
from webui.app import SECURITY_HEADERS
from webui.errors import JSON_TYPES, ApiError
from webui.limits import BODY_READ_TIMEOUT_S, ClientSlots, _shut_reading
from webui.negotiation import GRAPHS, RESULTS, _best, content_type

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
AnswerFn = Callable[[QueryJob, Lookup, int], "QueryAnswer | None"]
#: what comes after the lean path: (environ, start_response, the body it already read or None)
Rest = Callable[[dict[str, Any], StartResponse, "bytes | None"], Iterable[bytes]]

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
EXPOSED = "X-Result-Truncated, X-Result-Limit, Retry-After"
SLOW_BODY = object()  # a body that did not arrive within BODY_READ_TIMEOUT_S


class LeanLookups:
    """WSGI: bounded lookups on ``/sparql`` answered by ``answer`` (``who`` in ``X-Govkg-Answered-By``), anything
    else passed to ``rest`` with the body it read."""

    def __init__(self, settings: dict[str, Any], answer: AnswerFn, who: str, slots: ClientSlots,
                 rest: Rest) -> None:
        self.answer, self.who, self.slots, self.rest = answer, who, slots, rest
        self.max_url = int(settings["MAX_URL_BYTES"])
        self.max_body = int(settings["MAX_QUERY_BYTES"])
        self.max_nesting = int(settings["MAX_NESTING"])
        self.max_operators = int(settings["MAX_OPERATORS"])
        self.max_rows = int(settings["MAX_ROWS"])
        self.inprocess_rows = int(settings["INPROCESS_MAX_ROWS"])
        self.union = bool(settings["UNION_DEFAULT_GRAPH"])
        self.concurrency = int(settings["CLIENT_CONCURRENCY"])
        origin = str(settings["CORS_ORIGIN"])
        self.tail: list[tuple[str, str]] = []  # headers after the answer's own, in the Flask path's order
        if origin:
            self.tail += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED)]
            if origin != "*":
                self.tail.append(("Vary", "Origin"))
        self.tail += list(SECURITY_HEADERS.items())

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") != "/sparql" or environ.get("SCRIPT_NAME") or method not in ("GET", "HEAD",
                                                                                                  "POST") \
                or self.inprocess_rows <= 0:
            return self.rest(environ, start_response, None)
        body: bytes | None = None
        try:
            if method == "POST":
                got = self._read_body(environ)
                if got is SLOW_BODY:
                    return self.refuse(environ, start_response, 408, f"the request body did not arrive within "
                                       f"{BODY_READ_TIMEOUT_S} seconds", {"Connection": "close"})
                if got is None:
                    return self.rest(environ, start_response, None)
                assert isinstance(got, bytes)
                body = got
            answered = self._lookup(environ, body, start_response)
        except (GovkgError, ValueError, OSError, SyntaxError, TypeError):  # the next layer reports it properly
            answered = None
        return answered if answered is not None else self.rest(environ, start_response, body)

    def _read_body(self, environ: dict[str, Any]) -> bytes | object | None:
        """The body of a form or query POST of known length within ``MAX_QUERY_BYTES`` (``None``: not one, left
        unread), read within ``BODY_READ_TIMEOUT_S`` as :func:`webui.limits.read_body` does (else ``SLOW_BODY``)."""
        ctype = environ.get("CONTENT_TYPE", "")
        mime, _, params = ctype.partition(";")
        if mime.strip().lower() not in (FORM, QUERY_BODY) or params.strip():
            return None
        try:
            n = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if n < 0 or n > self.max_body:
            return None
        sock = environ.get("gunicorn.socket")
        fired = threading.Event()
        timer = threading.Timer(BODY_READ_TIMEOUT_S, _shut_reading, (sock, fired)) if sock is not None else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            data = environ["wsgi.input"].read(n)
        except Exception:
            if fired.is_set():
                return SLOW_BODY
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if len(data) == n:
            return bytes(data)
        return SLOW_BODY if fired.is_set() else None

    def _params(self, environ: dict[str, Any], body: bytes | None) -> list[tuple[str, str]]:
        qs = environ.get("QUERY_STRING", "")
        params = _parse(qs.encode("latin-1").decode("utf-8")) if qs else []
        if body is not None:
            if environ.get("CONTENT_TYPE", "").strip().lower() == FORM:
                params = params + _parse(body.decode("utf-8"))
            elif any(k == "query" for k, _ in params):
                raise ValueError("query in the URL and in the body")
            else:
                params = [*params, ("query", body.decode("utf-8"))]
        return params

    def _lookup(self, environ: dict[str, Any], body: bytes | None,
                start_response: StartResponse) -> Iterable[bytes] | None:
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
        if len(target) > self.max_url or "lang=" in environ.get("QUERY_STRING", ""):
            return None
        params = self._params(environ, body)
        texts = [v for k, v in params if k == "query"]
        if len(texts) != 1 or any(k in ("update", "default-graph-uri", "named-graph-uri") for k, _ in params):
            return None
        text = texts[0]
        if not text.strip():
            return None
        info = inspect_cached(text, max_nesting=self.max_nesting, max_operators=self.max_operators)
        if info.is_update or info.has_dataset_clause:
            return None
        found = lookup(text)
        if found is None:
            return None
        accept = environ.get("HTTP_ACCEPT", "")
        graph = info.operation in ("CONSTRUCT", "DESCRIBE")
        table = GRAPHS if graph else RESULTS
        media = _best(tuple(table), accept) if len(accept) <= 1024 else ""
        if not media:
            return None
        job = QueryJob(sparql=text, results_format="json" if graph else table[media],
                       rdf_format=table[media] if graph else "turtle", max_rows=self.max_rows,
                       union_default_graph=self.union, base_iri=_base_url(
                           environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"),
                           environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT") or ""))
        key = (environ.get("REMOTE_ADDR") or "", environ.get("HTTP_USER_AGENT", "")[:200])
        try:
            with self.slots.slot(self.concurrency, key):  # as the Flask path counts them (webui.limits)
                answer = self.answer(job, found, self.inprocess_rows)
        except ApiError as e:  # 429 after the wait: answered here (the next layer would only wait once more)
            return self.refuse(environ, start_response, e.code or 429, e.description or "", e.extra_headers)
        if answer is None:
            return None
        out_media = media if answer.kind == "graph" else (media if not graph else "application/sparql-results+json")
        headers = [("Content-Length", str(answer.size)), ("Vary", "Accept"),
                   ("X-Result-Truncated", "true" if answer.truncated else "false"), ("X-Govkg-Answered-By", self.who)]
        if answer.truncated:
            headers.append(("X-Result-Limit", str(self.max_rows)))
        headers.append(("Content-Type", content_type(out_media)))
        start_response("200 OK", headers + self.tail)
        return answer.chunks


    def refuse(self, environ: dict[str, Any], start_response: StartResponse, status: int, message: str,
               extra: dict[str, str]) -> list[bytes]:
        """An error in the API's envelope, as :func:`webui.errors.error_response` and the app's hooks make it."""
        title = HTTP_STATUS_CODES.get(status, "Error")
        message = " ".join(message.split())[:2000]
        wants = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept).best_match(("text/plain", *JSON_TYPES))
        if wants in JSON_TYPES:  # Flask's JSON provider: keys sorted, not ASCII-escaped
            text = json.dumps({"ok": False, "status": status, "title": title, "error": message}, ensure_ascii=False,
                              sort_keys=True) + "\n"
            ctype = "application/json"
        else:
            text, ctype = f"{status} {title}: {message}\n", "text/plain; charset=utf-8"
        data = text.encode()
        start_response(f"{status} {title}", [("Content-Type", ctype), ("Content-Length", str(len(data))),
                                             *extra.items(), *self.tail])
        return [data]


def _parse(text: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")


@functools.lru_cache(maxsize=256)
def _base_url(scheme: str, host_header: str | None, server_name: str, server_port: str) -> str:
    """The endpoint's URL as werkzeug makes ``request.base_url`` (the Flask path's base IRI), once per host."""
    server = (server_name, int(server_port or 0) or None)
    return get_current_url(scheme, get_host(scheme, host_header, server), "", "/sparql")


def primary_app(flask_app: Any) -> WsgiApp:
    """The primary's WSGI app: bounded lookups on the live store first (:func:`graph.store.inprocess.answer_here`,
    counted in the Flask path's own :data:`webui.sparql.SLOTS`), everything else to ``flask_app`` unchanged.  On a
    remote engine (no store here to answer on) it is ``flask_app`` itself."""
    from graph.store import open_store
    from graph.store.inprocess import answer_here
    from webui import sparql

    cfg = flask_app.config["GOVKG"]
    if str(cfg["BACKEND"]).strip().lower() == "remote":
        return flask_app
    path: Path = flask_app.config["STORE_PATH"]

    def answer(job: QueryJob, found: Lookup, max_rows: int) -> QueryAnswer | None:
        return answer_here(open_store(path, cfg), job, found, max_rows)

    def rest(environ: dict[str, Any], start_response: StartResponse, body: bytes | None) -> Iterable[bytes]:
        if body is not None:  # read here already: Flask reads it again from memory
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return flask_app(environ, start_response)

    return LeanLookups(cfg, answer, "server", sparql.SLOTS, rest)
