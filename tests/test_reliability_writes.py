"""Hostile writes over the real server (RELIABILITY.md C4, C5, C7, D, E, G1, G3): each refused with the right
status and the store unchanged (its fingerprint before and after each case); a canary sees no request."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest
import requests

from tests.canary import Canary, canary
from tests.http_server import LiveServer, live_server
from tests.reliability_fixtures import assert_alive, server_fingerprint

G = "urn:x:reliability"


@pytest.fixture(scope="module")
def can() -> Iterator[Canary]:
    with canary() as c:
        yield c
        assert c.hits == [], f"the canary was reached: {c.hits}"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, can: Canary) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("writes") / "store", seed=True) as s:
        yield s
        assert_alive(s.url)


@pytest.fixture
def unchanged(srv: LiveServer) -> Iterator[None]:
    before = server_fingerprint(srv.url)
    yield
    assert server_fingerprint(srv.url) == before, "the store changed"


def put(srv: LiveServer, body: bytes, ctype: str | None, method: str = "PUT", **headers: str) -> requests.Response:
    h = {**srv.auth("steward"), **headers}
    if ctype:
        h["Content-Type"] = ctype
    return requests.request(method, srv.url + "/data", params={"graph": G}, data=body, headers=h, timeout=60)


def lol(levels: int = 7, prefix: bytes = b"") -> bytes:
    ents = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(levels - 1))
    last = chr(97 + levels - 1)
    return prefix + (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{ents}]>'
                     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
                     f'<rdf:Description rdf:about="http://ex/s"><ex:p>&{last};</ex:p></rdf:Description></rdf:RDF>'
                     ).encode()


# --- C. No fetches from writes ------------------------------------------------------------------------------


@pytest.mark.parametrize("update", ["LOAD <{c}/c4.ttl>", "LOAD <file:///etc/passwd> INTO GRAPH <urn:x>",
                                    "load silent <{c}/c4b.ttl>", "INSERT { ?s ?p ?o } WHERE { SERVICE <{c}/c4c> "
                                    "{ ?s ?p ?o } }"])
def test_c4_load_and_service_in_updates_are_refused(srv: LiveServer, can: Canary, unchanged: None,
                                                    update: str) -> None:
    r = requests.post(srv.url + "/update", data={"update": update.replace("{c}", can.url)},
                      headers=srv.auth("steward"), timeout=30)
    assert r.status_code == 400, r.text
    assert "LOAD" in r.text or "SERVICE" in r.text
    assert can.hits == []


def test_c5_a_remote_jsonld_context_is_refused(srv: LiveServer, can: Canary, unchanged: None) -> None:
    for ctx in (f'"{can.url}/ctx.jsonld"', f'["{can.url}/c.jsonld", {{"name": "http://ex/name"}}]',
                f'{{"@import": "{can.url}/imp.jsonld"}}'):
        body = f'{{"@context": {ctx}, "@id": "urn:a", "name": "x"}}'.encode()
        r = put(srv, body, "application/ld+json")
        assert r.status_code == 400, (ctx, r.status_code, r.text)
    assert can.hits == []


def test_c7_owl_imports_in_uploaded_data_are_never_fetched(srv: LiveServer, can: Canary) -> None:
    body = (f"<urn:o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
            f"<http://www.w3.org/2002/07/owl#imports> <{can.url}/c7.ttl> .").encode()
    r = put(srv, body, "text/turtle")
    assert r.status_code in (201, 204, 422), r.text
    assert can.hits == []
    if r.status_code in (201, 204):
        assert requests.delete(srv.url + "/data", params={"graph": G}, headers=srv.auth("steward"),
                               timeout=30).status_code == 204


# --- D. XML attacks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [
    lol(),
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/"><rdf:Description '
    b'rdf:about="http://ex/s"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % d SYSTEM "http://127.0.0.1:9/d2.dtd"> %d;]><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY big "' + b"x" * 100_000 + b'">]><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/"><rdf:Description '
    b'rdf:about="http://ex/s"><ex:p>' + b"&big;" * 10_000 + b"</ex:p></rdf:Description></rdf:RDF>",
    lol(prefix=b"<!--" + b" " * 1_100_000 + b"-->"),  # the DOCTYPE after a megabyte of comment
    lol().decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16"),
], ids=["billion-laughs", "xxe-file", "xxe-parameter-entity", "quadratic", "doctype-after-1mb", "utf16"])
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_d1_d4_xml_entity_attacks_are_refused_through_every_gsp_write(srv: LiveServer, unchanged: None,
                                                                      payload: bytes, method: str) -> None:
    r = put(srv, payload, "application/rdf+xml", method=method)
    assert r.status_code in (400, 413, 415), (r.status_code, r.text[:300])
    assert "root:" not in r.text
    assert_alive(srv.url)


# --- E. Uploads --------------------------------------------------------------------------------------------


def test_e1_oversized_and_chunked_uploads_are_413(srv: LiveServer, unchanged: None) -> None:
    big = b"<urn:a> <urn:b> \"" + b"a" * (11 * 1024 * 1024) + b"\" .\n"
    assert put(srv, big, "text/turtle").status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(11):
            yield b"#" + b"a" * (1024 * 1024 - 2) + b"\n"

    r = requests.put(srv.url + "/data", params={"graph": G}, data=chunks(), timeout=60,
                     headers={**srv.auth("steward"), "Content-Type": "text/turtle"})
    assert r.status_code == 413


@pytest.mark.parametrize("body", [b"ex:a ex:b ex:c .", b"<urn:a> <urn:b> <urn:c>", b'<urn:a> <urn:b> """open .'])
def test_e2_invalid_turtle_is_400_with_line_and_column(srv: LiveServer, unchanged: None, body: bytes) -> None:
    r = put(srv, body, "text/turtle")
    assert r.status_code == 400
    assert any(ch.isdigit() for ch in r.text), r.text


def test_e3_a_valid_prefix_with_a_broken_tail_writes_nothing(srv: LiveServer, unchanged: None) -> None:
    body = "".join(f'<urn:x:s{i}> <urn:x:p> "{i}" .\n' for i in range(1000)) + "<urn:x:broken> <urn:x:p> .\n"
    for method in ("PUT", "POST"):
        assert put(srv, body.encode(), "text/turtle", method=method).status_code == 400


@pytest.mark.parametrize(("body", "ctype"), [(b'{"a": 1}', "text/turtle"), (b"<urn:a> <urn:b> <urn:c> .", None),
                                             (b"<urn:a> <urn:b> <urn:c> .", "text/html"),
                                             (b"<html><script>alert(1)</script></html>", "application/xhtml+xml")])
def test_e4_content_type_lies_are_400_or_415(srv: LiveServer, unchanged: None, body: bytes, ctype: str | None) -> None:
    assert put(srv, body, ctype).status_code in (400, 415)


@pytest.mark.parametrize(("body", "ok"), [
    (b'<urn:a> <urn:b> "\\uD800" .', False),
    (b'<urn:a> <urn:b> "a\xed\xa0\x80b" .', False),
    (b"<urn:a> <urn:b> \"\xff\xfe\" .", False),
    (b"\xef\xbb\xbf<urn:x:bom> <urn:x:p> \"bom\" .\r\n<urn:x:crlf> <urn:x:p> \"crlf\" .\r\n", True),
    (b'<urn:x:nul> <urn:x:p> "a\\u0000b" .', True),
])
def test_e5_byte_level_oddities_are_never_a_500(srv: LiveServer, body: bytes, ok: bool) -> None:
    before = server_fingerprint(srv.url)
    r = put(srv, body, "text/turtle")
    if ok:
        assert r.status_code in (201, 204, 400, 422), r.text
        requests.delete(srv.url + "/data", params={"graph": G}, headers=srv.auth("steward"), timeout=30)
    else:
        assert r.status_code == 400, r.text
        assert server_fingerprint(srv.url) == before


def test_e7_gzip_bodies_are_not_inflated(srv: LiveServer, unchanged: None) -> None:
    bomb = gzip.compress(b"\0" * (10 * 1024 * 1024))
    r = put(srv, bomb, "text/turtle", **{"Content-Encoding": "gzip"})
    assert r.status_code in (400, 413, 415)


# --- G. Authentication and method confusion -----------------------------------------------------------------


def test_g1_unauthenticated_and_reader_writes_are_401_and_403(srv: LiveServer, unchanged: None) -> None:
    ins = {"update": 'INSERT DATA { <urn:x> <urn:p> "1" }'}
    r = requests.post(srv.url + "/update", data=ins, timeout=10)
    assert r.status_code == 401 and "Bearer" in r.headers.get("WWW-Authenticate", "")
    r = requests.post(srv.url + "/update", data=ins, timeout=10, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = requests.post(srv.url + "/update", data=ins, timeout=10, headers=srv.auth("reader"))
    assert r.status_code == 403
    for method in ("PUT", "POST", "DELETE"):
        assert requests.request(method, srv.url + "/data", params={"graph": G}, data=b"<urn:a> <urn:b> <urn:c> .",
                                headers={"Content-Type": "text/turtle"}, timeout=10).status_code == 401


@pytest.mark.parametrize(("method", "path"), [("GET", "/update?update=DROP%20ALL"), ("PUT", "/sparql"),
                                              ("DELETE", "/sparql"), ("HEAD", "/update"), ("PATCH", "/data?default")])
def test_g3_method_confusion_is_405(srv: LiveServer, unchanged: None, method: str, path: str) -> None:
    r = requests.request(method, srv.url + path, headers=srv.auth("steward"), timeout=10)
    assert r.status_code in (400, 405), (method, path, r.status_code)
