"""The app of a reader process of ``govkg serve`` (``SERVING_PROCESSES`` above 1): lookups here, the rest forwarded.

A reader answers itself only SPARQL queries that :mod:`graph.bounded` proves bounded and a probe shows small, on
the current checkpoint generation (:class:`graph.store.followers.Follower`), by the code the primary and the
query workers use, so the bytes are the same; the headers are the primary's (:mod:`webui.sparql` and the app's
``after_request`` hooks: content type, length, ``Vary``, ``X-Result-Truncated``, CORS, security headers), with
``X-Govkg-Answered-By: reader``.  It is plain WSGI, no Flask request context: a lookup costs the parse of its
query string, a few cached decisions (guard, bounded form, negotiation: LRU per text) and the engine's work.

Anything else, and anything unusual about a lookup (a parse or guard error, a 406, ``lang=``, a dataset in the
protocol, a body over ``MAX_QUERY_BYTES``, a client refused here by its ``CLIENT_CONCURRENCY``, no generation yet), goes
to the primary unchanged (:class:`webui.forwarding.Forwarder`), which answers as it always has.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from werkzeug.sansio.utils import get_current_url, get_host

from graph.bounded import lookup
from graph.errors import GovkgError
from graph.sparql_guard import inspect_cached
from graph.store.followers import Follower
from graph.store.workers import QueryJob
from webui.app import SECURITY_HEADERS
from webui.errors import ApiError
from webui.forwarding import Forwarder, StartResponse
from webui.limits import ClientSlots
from webui.negotiation import GRAPHS, RESULTS, _best, content_type

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
EXPOSED = "X-Result-Truncated, X-Result-Limit, Retry-After"


class ReaderApp:
    """WSGI: bounded lookups answered on the follower's generation, everything else forwarded."""

    def __init__(self, settings: dict[str, Any], snapshots_root: Path, forward: Forwarder) -> None:
        self.cfg = settings
        self.follower = Follower(snapshots_root)
        self.forward = forward
        self.max_url = int(settings["MAX_URL_BYTES"])
        self.max_body = int(settings["MAX_QUERY_BYTES"])
        self.max_nesting = int(settings["MAX_NESTING"])
        self.max_operators = int(settings["MAX_OPERATORS"])
        self.max_rows = int(settings["MAX_ROWS"])
        self.inprocess_rows = int(settings["INPROCESS_MAX_ROWS"])
        self.union = bool(settings["UNION_DEFAULT_GRAPH"])
        self.concurrency = int(settings["CLIENT_CONCURRENCY"])
        origin = str(settings["CORS_ORIGIN"])
        self.tail: list[tuple[str, str]] = []  # headers after the answer's own, in the primary's order
        if origin:
            self.tail += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED)]
            if origin != "*":
                self.tail.append(("Vary", "Origin"))
        self.tail += list(SECURITY_HEADERS.items())
        self.slots = ClientSlots()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if environ.get("PATH_INFO") != "/sparql" or environ.get("SCRIPT_NAME") or method not in ("GET", "HEAD",
                                                                                                  "POST"):
            return self.forward(environ, start_response)
        body: bytes | None = None
        try:
            if method == "POST":
                body = self._read_body(environ)
                if body is None:
                    return self.forward(environ, start_response)
            answered = self._lookup(environ, body, start_response)
        except (GovkgError, ValueError, OSError, SyntaxError, TypeError):  # the primary reports it properly
            answered = None
        return answered if answered is not None else self.forward(environ, start_response, body)

    def _read_body(self, environ: dict[str, Any]) -> bytes | None:
        """The body of a form or query POST of known length within ``MAX_QUERY_BYTES`` (else ``None``)."""
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
        data = environ["wsgi.input"].read(n)
        return data if len(data) == n else None

    def _params(self, environ: dict[str, Any], body: bytes | None) -> list[tuple[str, str]]:
        qs = environ.get("QUERY_STRING", "")
        params = urllib.parse.parse_qsl(qs.encode("latin-1").decode("utf-8"), keep_blank_values=True,
                                        encoding="utf-8", errors="strict")
        if body is not None:
            if environ.get("CONTENT_TYPE", "").strip().lower() == FORM:
                params += urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                                                 errors="strict")
            elif any(k == "query" for k, _ in params):
                raise ValueError("query in the URL and in the body")
            else:
                params.append(("query", body.decode("utf-8")))
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
                       union_default_graph=self.union, base_iri=self._base_url(environ))
        key = (environ.get("REMOTE_ADDR") or "", environ.get("HTTP_USER_AGENT", "")[:200])
        try:
            with self.slots.slot(self.concurrency, key):  # as the primary counts them (webui.limits)
                answer, _ = self.follower.answer(job, found, self.inprocess_rows)
        except ApiError:  # 429 here: the primary answers it (or serves it, if it has room)
            return None
        if answer is None:
            return None
        out_media = media if answer.kind == "graph" else (media if not graph else "application/sparql-results+json")
        headers = [("Content-Length", str(answer.size)), ("Vary", "Accept"),
                   ("X-Result-Truncated", "true" if answer.truncated else "false"), ("X-Govkg-Answered-By", "reader")]
        if answer.truncated:
            headers.append(("X-Result-Limit", str(self.max_rows)))
        headers.append(("Content-Type", content_type(out_media)))
        start_response("200 OK", headers + self.tail)
        return answer.chunks

    @staticmethod
    def _base_url(environ: dict[str, Any]) -> str:
        return _base_url(environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST"),
                         environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT") or "")


@functools.lru_cache(maxsize=256)
def _base_url(scheme: str, host_header: str | None, server_name: str, server_port: str) -> str:
    """The endpoint's URL as werkzeug makes ``request.base_url`` (the primary's base IRI), once per host."""
    server = (server_name, int(server_port or 0) or None)
    return get_current_url(scheme, get_host(scheme, host_header, server), "", "/sparql")
