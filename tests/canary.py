"""A canary HTTP server on 127.0.0.1 that records every request it gets (RELIABILITY.md, "canary").

    with canary() as c:
        ... ask the service to fetch c.url + "/c1" ...
        assert c.hits == []

It answers every request 200 with a small Turtle/JSON-LD body, so that a fetch, if one happened, would
succeed and be seen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canary:
    url: str
    hits: list[str] = field(default_factory=list)


@contextmanager
def canary() -> Iterator[Canary]:
    box: list[Canary] = []

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            box[0].hits.append(f"{self.command} {self.path}")
            body = b'<urn:canary> <urn:canary> "fetched" .\n'
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = _any

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Canary(f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
