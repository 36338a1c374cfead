"""Settings as documented data.

Each :class:`Setting` has a name, a default, a type and a line of help; its value comes from the
environment variable ``GOVKG_<NAME>``.  The README's settings table is checked against :data:`SETTINGS` by
``tests/test_docs.py``, so a setting cannot exist undocumented.  Layers above add their settings here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"GOVKG_{self.name}"

    def parse(self, raw: str) -> Any:
        d = self.default
        if isinstance(d, bool):
            if raw.strip().lower() in ("1", "true", "yes", "on"):
                return True
            if raw.strip().lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"{self.env}={raw!r} is not a boolean (use 1/0, true/false)")
        if isinstance(d, int):
            return int(raw)
        if isinstance(d, float):
            return float(raw)
        return raw


SETTINGS: list[Setting] = [
    Setting("STORE", "", "Store directory (default ~/.local/share/govkg/store); also --store."),
    Setting("RELEASES_DIR", "", "Directory of the releases that `govkg release` writes and the server offers "
            "(default ~/.local/share/govkg/releases); also --out."),
    Setting("PUBLIC_URL", "", "Public address of the server, used in the dataset description's download links "
            "(default: the address of each request)."),
    # The SPARQL endpoint (issue 3): limits and dataset rule, documented in the README's settings table.
    Setting("UNION_DEFAULT_GRAPH", True, "Queries without FROM or GRAPH see the union of all graphs; off: the "
            "standard SPARQL dataset rules exactly."),
    Setting("QUERY_TIMEOUT_S", 30.0, "Wall-clock limit of one query in seconds (hard maximum 60); a query past "
            "it is stopped (its worker process killed) and answered 503."),
    Setting("MAX_ROWS", 10000, "Most rows (or triples) in one answer; a longer answer is cut there and marked "
            "with the header X-Result-Truncated: true."),
    Setting("MAX_QUERY_BYTES", 1048576, "Largest query or update request body in bytes (else 413)."),
    Setting("MAX_UPLOAD_BYTES", 10485760, "Largest Graph Store Protocol upload in bytes (else 413)."),
    Setting("MAX_URL_BYTES", 16384, "Longest request target (path and query string) in bytes (else 414)."),
    Setting("MAX_NESTING", 100, "Deepest nesting of brackets, braces and parentheses in a query or update "
            "(else 400); checked before the engine sees the text."),
    Setting("MAX_OPERATORS", 2000, "Most operators (UNION, OPTIONAL, &&, |, / ...) in a query or update "
            "(else 400); the engine crashes on very long chains."),
    Setting("CLIENT_CONCURRENCY", 2, "Queries one client (address and User-Agent) may run at once; more get "
            "429 with Retry-After."),
    Setting("QUERY_WORKERS", 3, "Query worker processes (each opens the latest snapshot read-only)."),
    Setting("INPROCESS_MAX_ROWS", 1000, "Bounded lookups (one pattern of one constant subject, no FILTER or path; "
            "graph/bounded.py) whose pattern matches at most this many rows are answered in the server process, "
            "the rest by the query workers (0: every query goes to the workers)."),
    Setting("WORKER_MEMORY_MB", 2048, "Address-space limit of each query worker process in MiB (0: none)."),
    Setting("THREADS", 16, "Request threads of the server process (govkg serve)."),
    Setting("SERVING_PROCESSES", 0, "Server processes of govkg serve (0: the CPU count + 1, at least 2 and at "
            "most 5): one primary owns the store; the others answer bounded lookups on its latest checkpoint and "
            "forward every other request to it (1: one process, as before)."),
    Setting("ACCEPT_YIELD_MS", 20.0, "With several server processes, one holding more connections than another "
            "leaves a new connection to the others this long, then takes it (0: the first process to wake takes "
            "it; uneven spreads of kept-alive connections raised the tail latency)."),
    Setting("KEEPALIVE_LINGER_MS", 5.0, "After answering a request on a kept-alive connection, its thread waits this "
            "long for the next request and answers it itself, instead of handing the connection back to the main "
            "loop (only while two other threads are free; 0: always hand it back, as gunicorn's gthread does)."),
    Setting("CORS_ORIGIN", "*", "Access-Control-Allow-Origin for reads ('' turns CORS off)."),
    Setting("COOKIE_SECURE", True, "Mark the steward session cookie Secure (HTTPS only); 0 only for plain-http "
            "tests on 127.0.0.1."),
    Setting("TOKENS_FILE", "", "Where the hashes of API tokens are kept (default: STORE.tokens.json beside "
            "the store directory)."),
    Setting("AUDIT_STORE", "", "Directory of the audit store: the changesets and staged changes, kept out of the "
            "data (default: STORE.audit beside the store directory; with the remote backend, beside the default "
            "store path)."),
    # A remote SPARQL engine instead of the embedded store (issue 7; README "Running on a remote SPARQL engine").
    Setting("BACKEND", "embedded", "Where the graph lives: embedded (Oxigraph on disk, GOVKG_STORE) or remote "
            "(a SPARQL 1.1 engine at GOVKG_REMOTE_QUERY_URL)."),
    Setting("REMOTE_QUERY_URL", "", "SPARQL 1.1 Query endpoint of the remote engine."),
    Setting("REMOTE_UPDATE_URL", "", "SPARQL 1.1 Update endpoint of the remote engine (default: the query URL)."),
    Setting("REMOTE_GSP_URL", "", "Graph Store Protocol endpoint of the remote engine (optional: loads of one "
            "graph and dumps use it; without it they go through Update and CONSTRUCT)."),
    Setting("REMOTE_USER", "", "User name for the remote engine (none: anonymous)."),
    Setting("REMOTE_PASSWORD", "", "Password for the remote engine (or the token, with bearer auth)."),
    Setting("REMOTE_AUTH", "basic", "How to authenticate to the remote engine: basic, digest or bearer."),
    Setting("REMOTE_TIMEOUT", 60.0, "Seconds to wait for the remote engine's answer to one request."),
    Setting("REMOTE_DIALECT", "auto", "The remote engine's dialect: auto (told by its Server header), virtuoso, "
            "fuseki or standard."),
]


def setting(name: str) -> Setting:
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)


def read_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every setting's value: ``overrides``, else ``GOVKG_<NAME>``, else the default."""
    out: dict[str, Any] = {}
    for s in SETTINGS:
        if overrides and s.name in overrides:
            out[s.name] = overrides[s.name]
        elif s.env in os.environ:
            out[s.name] = s.parse(os.environ[s.env])
        else:
            out[s.name] = s.default
    return out
