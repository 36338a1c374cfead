"""Kept-alive connections answered in the thread that answered their last request (``KEEPALIVE_LINGER_MS``,
:mod:`webui.lingering`), on the real server: the next request is answered whether it comes at once, after the
wait or pipelined, and a thread waiting on one client never holds back another."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.http_server import LiveServer, live_server

ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")


@pytest.fixture(scope="module")
def lingering(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One process of 3 threads that keeps a connection for 3 s after an answer (far longer than any answer)."""
    env = {"SERVING_PROCESSES": "1", "THREADS": "3", "KEEPALIVE_LINGER_MS": "3000"}
    with live_server(tmp_path_factory.mktemp("linger") / "store", seed=False, env=env) as srv:
        yield srv


def _conn(srv: LiveServer) -> http.client.HTTPConnection:
    port = int(srv.url.rsplit(":", 1)[1])
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def _ask(c: http.client.HTTPConnection) -> dict[str, object]:
    c.request("GET", ASK, headers={"Accept": "application/sparql-results+json"})
    r = c.getresponse()
    body = r.read()
    assert r.status == 200, body
    assert r.getheader("Connection", "").lower() != "close"
    return dict(json.loads(body))


def test_next_requests_on_one_connection_are_answered(lingering: LiveServer) -> None:
    c = _conn(lingering)
    try:
        for _ in range(20):  # at once: answered by the lingering thread
            assert _ask(c) == {"head": {}, "boolean": False}
    finally:
        c.close()


def test_a_request_after_the_wait_is_answered(tmp_path: Path) -> None:
    env = {"SERVING_PROCESSES": "1", "KEEPALIVE_LINGER_MS": "50"}
    with live_server(tmp_path / "store", seed=False, env=env) as srv:
        c = _conn(srv)
        try:
            assert _ask(c)["boolean"] is False
            time.sleep(0.4)  # the thread gave the connection back to the main loop long ago
            assert _ask(c)["boolean"] is False
            assert _ask(c)["boolean"] is False
        finally:
            c.close()


def test_pipelined_requests_are_each_answered(lingering: LiveServer) -> None:
    host, port = "127.0.0.1", int(lingering.url.rsplit(":", 1)[1])
    one = (f"GET {ASK} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/sparql-results+json\r\n\r\n").encode()
    with socket.create_connection((host, port), timeout=30) as s:
        s.sendall(one * 3)  # three requests in one write
        data = b""
        while data.count(b"HTTP/1.1 200") < 3 or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            assert chunk, data
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 3
    assert data.count(b'"boolean":false') == 3


def test_a_waiting_thread_does_not_hold_back_other_clients(lingering: LiveServer) -> None:
    """Three threads, each connection's thread waits up to 3 s for its next request: new clients are answered
    at once all the same (a thread waits only while two others are free), and the first client still is."""
    conns = [_conn(lingering) for _ in range(5)]
    try:
        start = time.monotonic()
        for c in conns:
            assert _ask(c)["boolean"] is False
        took = time.monotonic() - start
        assert took < 2.5, f"5 clients one after another took {took:.1f} s: a new client waited on a lingering one"
        assert _ask(conns[0])["boolean"] is False
    finally:
        for c in conns:
            c.close()
