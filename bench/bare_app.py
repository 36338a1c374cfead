"""The HTTP limit: a bare WSGI app that answers every request with a small fixed SPARQL JSON result.

Served by the same gunicorn settings as govkg, it shows what the server and the client cost on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = (b'{"head":{"vars":["p","o"]},"results":{"bindings":[{"p":{"type":"uri","value":'
        b'"http://www.w3.org/2000/01/rdf-schema#label"},"o":{"type":"literal","value":"V\\u0103n ph\\u00f2ng",'
        b'"xml:lang":"vi"}}]}}')


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]
