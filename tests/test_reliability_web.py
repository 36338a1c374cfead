"""Hostile input over real HTTP against the real server (gunicorn), on a store holding hostile labels.

RELIABILITY.md I (Unicode and Vietnamese text), J (injection through search and entity paths), K (stored and
reflected XSS), L (path traversal), G8-G10 (debug off, security headers on every answer, CORS) and M2 (no
tokens or cookies in the logs).  The store's fingerprint is taken before and after: nothing here may change it.
"""

from __future__ import annotations

import re
import socket
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.http_server import LiveServer
from tests.reliability_fixtures import assert_alive, server_fingerprint, server_on
from tests.viewer_data import TRIG

EXTRA = """
@prefix unit: <https://w3id.org/govkg/id/unit/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix g: <https://w3id.org/govkg/graph/> .
g:reliability {
  unit:ubnd-thanh-pho-ha-noi a org:Organization ; rdfs:label "UBND thành phố Hà Nội"@vi ;
      skos:hiddenLabel "Hà Nội một"@vi, "Hà Nội hai"@vi-VN, "Hà Nội ba"@VI .
  unit:ubnd-tinh-hoa-binh a org:Organization ; rdfs:label "UBND tỉnh Hòa Bình"@vi .
  unit:script-breakout a org:OrganizationalUnit ; rdfs:label "</script><script>alert(2)</script>"@vi ;
      skos:altLabel "{{7*7}}"@vi, "=HYPERLINK(\\"http://evil\\",\\"x\\")"@vi ;
      rdfs:seeAlso <data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>, <javascript:alert(3)> ;
      org:unitOf unit:van-phong-chinh-phu .
}
"""
JSON = {"Accept": "application/json"}
SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on(tmp_path_factory.mktemp("hostile") / "store", TRIG + EXTRA) as s:
        before = server_fingerprint(s.url)
        yield s
        assert server_fingerprint(s.url) == before, "a read-only request changed the store"
        assert_alive(s.url)


def get(srv: LiveServer, path: str, **kw: object) -> requests.Response:
    kw.setdefault("timeout", 10)
    kw.setdefault("allow_redirects", False)
    return requests.get(srv.url + path, **kw)  # type: ignore[arg-type]


def raw_get(srv: LiveServer, target: str) -> tuple[int, bytes]:
    """A GET with the request target sent exactly as given (curl --path-as-is)."""
    u = urlsplit(srv.url)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def search_iris(srv: LiveServer, q: str) -> list[str]:
    r = get(srv, "/search", params={"q": q}, headers=JSON)
    assert r.status_code == 200, r.text[:300]
    return [h["iri"] for h in r.json()]


HANOI = "https://w3id.org/govkg/id/unit/ubnd-thanh-pho-ha-noi"
HOABINH = "https://w3id.org/govkg/id/unit/ubnd-tinh-hoa-binh"
DANANG = "https://w3id.org/govkg/id/unit/ubnd-thanh-pho-da-nang"


# --- I. Unicode and Vietnamese text -----------------------------------------------------------------------


def test_i1_search_finds_the_nfc_label_by_nfc_and_by_nfd_text(srv: LiveServer) -> None:
    nfd = unicodedata.normalize("NFD", "Hà Nội")
    assert nfd != "Hà Nội"
    assert HANOI in search_iris(srv, "Hà Nội")
    assert HANOI in search_iris(srv, nfd)


def test_i2_an_nfd_entity_path_redirects_to_its_nfc_form(srv: LiveServer) -> None:
    nfc = "/id/unit/h%C3%A0-n%E1%BB%99i"
    nfd = "/id/unit/ha%CC%80-no%CC%A3%CC%82i"
    r = get(srv, nfd)
    assert r.status_code == 301 and r.headers["Location"].endswith(nfc)
    assert get(srv, nfc).status_code == 404  # not an entity here; the point is one form, never two


@pytest.mark.parametrize(("typed", "iri"), [("Hoà Bình", HOABINH), ("Hòa Bình", HOABINH), ("Da Nang", DANANG),
                                            ("da nang", DANANG), ("ĐÀ NẴNG", DANANG)])
def test_i3_i4_both_tone_placements_and_d_bar_folding_find_the_unit(srv: LiveServer, typed: str, iri: str) -> None:
    assert iri in search_iris(srv, typed)


def test_i5_invisible_and_bidi_characters_in_the_search_text_are_removed(srv: LiveServer) -> None:
    # Decided (graph.text.clean): invisible and bidi controls are removed, never read as a space.
    for q in ("\ufeffHà Nội", "Hà \u202eNội", "Hà\u200d Nội", "\u2066Hà\u200c Nội\u2069"):
        assert HANOI in search_iris(srv, q), repr(q)
    assert search_iris(srv, "Hà\u200bNội") == search_iris(srv, "HàNội")


@pytest.mark.parametrize("path", ["/id/unit/%D0%B0", "/id/unit/ubnd-%C3%90a-nang", "/id/unit/ubnd-\u0111a-nang"])
def test_i6_confusable_identifiers_name_nothing(srv: LiveServer, path: str) -> None:
    assert get(srv, path).status_code == 404  # Cyrillic а, Ð (U+00D0) and đ are not the ASCII slug


@pytest.mark.parametrize("q", ["%C0%AF", "%FF%FE", "%ED%A0%80", "a%00b", "%E1%BB"])
def test_i7_i8_malformed_utf8_and_lone_surrogates_in_search_are_not_a_500(srv: LiveServer, q: str) -> None:
    for path in (f"/search?q={q}", f"/id/unit/{q}", f"/sparql?query=ASK%7B%22{q}%22%7D"):
        status, body = raw_get(srv, path)
        assert status in (200, 301, 400, 404), (path, status, body[:200])
        assert b"Traceback" not in body


def test_i9_language_tags_in_any_case_match_langmatches_vi(srv: LiveServer) -> None:
    q = (f"SELECT (COUNT(?l) AS ?n) WHERE {{ <{HANOI}> <http://www.w3.org/2004/02/skos/core#hiddenLabel> ?l "
         'FILTER(langMatches(lang(?l), "vi")) }')
    r = get(srv, "/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "3"


# --- J. Injection through search and entity paths -----------------------------------------------------------


@pytest.mark.parametrize("q", ['foo" . } UNION { ?s ?p ?o } #', 'x" . } ; DROP ALL ; #', "x'} UNION {?s ?p ?o}#",
                               "\\\" ) } #", "<urn:x>", "?s ?p ?o"])
def test_j1_search_box_injection_finds_nothing_and_changes_nothing(srv: LiveServer, q: str) -> None:
    assert search_iris(srv, q) == []
    page = get(srv, "/search", params={"q": q})
    assert page.status_code == 200 and "Traceback" not in page.text


@pytest.mark.parametrize("target", ["/id/x%3E%20%3Fp%20%3Fo%20%7D%20%23", "/id/%3Chttp://evil%3E",
                                    "/id/..%2F..%2Fadmin", "/id/unit/x%3E%20%3Fp%20%3Fo%20%7D%20%23",
                                    "/id/unit/a%22%20.%20%7D", "/id/unit/%7B%7B7*7%7D%7D", "/id/", "/id/unit/"])
def test_j2_entity_path_injection_is_404(srv: LiveServer, target: str) -> None:
    status, body = raw_get(srv, target)
    assert status in (400, 404), (target, status)
    assert b"Traceback" not in body and b"SyntaxError" not in body


@pytest.mark.parametrize("q", [".*", "(a+)+$", "[", "\\", "^$", "(?i)", "a{1000000}"])
def test_j4_regex_metacharacters_are_literal_and_quick(srv: LiveServer, q: str) -> None:
    t = time.monotonic()
    hits = search_iris(srv, q)  # 200: the text is folded to words, never compiled as a pattern
    assert time.monotonic() - t < 5
    if q in (".*", "^$", "[", "\\"):
        assert hits == []  # as a pattern these would match every label


def test_j5_oversized_search_text_is_refused(srv: LiveServer) -> None:
    t = time.monotonic()
    r = requests.get(srv.url + "/search", params={"q": "a" * 100_000}, timeout=10)
    assert r.status_code in (400, 413, 414), r.status_code
    assert time.monotonic() - t < 5
    r2 = requests.get(srv.url + "/search", params={"q": "Hà Nội " * 300}, timeout=10)
    assert r2.status_code in (200, 400), r2.status_code


def test_search_log_holds_no_parse_errors(srv: LiveServer) -> None:
    log = srv.log_text()
    assert "Traceback" not in log and "ParseException" not in log and "SyntaxError" not in log, log[-3000:]


# --- K. XSS and output handling ---------------------------------------------------------------------------


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html and "</script><script>" not in html
    assert "<img src=x onerror" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*(javascript|data|vbscript):""", html, re.I)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag or 'type="application/ld+json"' in tag


@pytest.mark.parametrize("path", ["/id/unit/script-breakout", "/id/unit/xss-test", "/search?q=script",
                                  "/search?q=alert", "/search?q=%7B%7B7*7%7D%7D", "/browse/units",
                                  "/id/unit/van-phong-chinh-phu"])
def test_k1_k2_k3_hostile_labels_and_iris_render_inert(srv: LiveServer, path: str) -> None:
    r = get(srv, path)
    assert r.status_code == 200, r.text[:300]
    _assert_inert(r.text)
    assert ">49<" not in r.text  # {{7*7}} is text, never evaluated
    for block in re.findall(r"<script type=\"application/(?:ld\+)?json\"[^>]*>(.*?)</script>", r.text, re.S):
        assert "<" not in block  # tojson writes \u003c: nothing can close the block early


def test_k1_the_label_is_shown_as_text(srv: LiveServer) -> None:
    r = get(srv, "/id/unit/script-breakout")
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in r.text
    assert "{{7*7}}" in r.text


def test_k4_a_malformed_query_with_a_script_is_not_reflected_raw(srv: LiveServer) -> None:
    for accept in ("text/html", "*/*", "application/json", "text/plain"):
        r = get(srv, "/sparql", params={"query": "SELEC <script>alert(1)</script>"}, headers={"Accept": accept})
        assert r.status_code in (400, 406)
        assert "<script>alert(1)" not in r.text or r.headers["Content-Type"].split(";")[0] != "text/html"
        assert r.headers["Content-Type"].split(";")[0] in ("text/plain", "application/json")
        assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_k5_k6_every_results_format_has_its_type_and_nosniff(srv: LiveServer, accept: str) -> None:
    q = "SELECT ?l WHERE { <https://w3id.org/govkg/id/unit/script-breakout> ?p ?l FILTER(isLiteral(?l)) }"
    r = get(srv, "/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(accept)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    if accept == "text/csv":  # K6, decided: CSV is the standard's, values raw (documented in the README)
        assert '"=HYPERLINK(""http://evil"",""x"")"' in r.text


# --- L. Path traversal -------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "/static/../app.py", "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%5c..%5capp.py", "/static/%2e%2e%2fapp.py", "/static//etc/passwd", "/static/....//....//etc/passwd",
    "/dumps/..%2F..%2Fetc%2Fpasswd", "/dumps//etc/passwd", "/dumps/latest.%2e%2e", "/dumps/../../etc/passwd",
    "/releases/..%2F..%2Fetc%2Fpasswd", "/releases/%2e%2e", "/releases/govkg-..%2f..%2fetc%2fpasswd.nq.gz",
    "/id/../../etc/passwd", "/../../../../etc/passwd",
])
def test_l1_l2_traversal_never_reads_outside(srv: LiveServer, target: str) -> None:
    status, body = raw_get(srv, target)
    assert status in (400, 404, 308, 301), (target, status)
    assert b"root:" not in body and b"import " not in body and b"def create_app" not in body


def test_l3_static_and_data_directories_hold_no_symlink_leading_outside(srv: LiveServer) -> None:
    root = Path(__file__).resolve().parent.parent
    dirs = [root / "webui" / "static", root / "data", srv.store.parent]
    for d in dirs:
        for p in d.rglob("*"):
            if p.is_symlink():
                assert p.resolve().is_relative_to(d.resolve()), f"{p} leads outside {d}"


def test_l4_downloads_are_attachments_with_nosniff(srv: LiveServer) -> None:
    r = get(srv, "/dumps/latest.nq.gz")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert not r.headers["Content-Type"].startswith("text/html")


# --- G8-G10: debug, headers, CORS --------------------------------------------------------------------------

ANSWERS = [("GET", "/", None), ("GET", "/search?q=x", None), ("GET", "/id/unit/script-breakout", None),
           ("GET", "/nothing-here", None), ("GET", "/sparql?query=SELEC", None), ("PUT", "/sparql", None),
           ("GET", "/sparql?query=ASK%7B%7D", None), ("POST", "/update", None), ("GET", "/healthz", None),
           ("GET", "/dumps/latest.nq.gz", None), ("GET", "/static/css/nothing.css", None),
           ("GET", "/sparql?query=" + "a" * 20000, None), ("DELETE", "/data?graph=urn:x", None)]


@pytest.mark.parametrize(("method", "path", "body"), ANSWERS)
def test_g9_security_headers_on_every_answer_including_errors(srv: LiveServer, method: str, path: str,
                                                             body: bytes | None) -> None:
    r = requests.request(method, srv.url + path, data=body, timeout=10, allow_redirects=False)
    for h in SECURITY:
        assert h in r.headers, (method, path, r.status_code, h)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Traceback" not in r.text and "Werkzeug Debugger" not in r.text


def test_g8_the_app_runs_without_debug_and_with_a_strong_secret(tmp_path: Path) -> None:
    from webui.app import create_app

    app = create_app({"STORE": str(tmp_path / "store")})
    assert app.debug is False and app.testing is False
    key = app.config["SECRET_KEY"]
    assert isinstance(key, (bytes, str)) and len(key) >= 32
    assert create_app({"STORE": str(tmp_path / "store")}).config["SECRET_KEY"] != key  # not a fixed default

    @app.route("/-/boom")
    def boom() -> str:
        raise RuntimeError("secret internals /etc/passwd")

    r = app.test_client().get("/-/boom", headers={"Accept": "text/html"})
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text and "console" not in text.lower()
    for h in SECURITY:
        assert h in r.headers


def test_g10_cors_for_reads_only_and_never_credentials_with_a_reflected_origin(srv: LiveServer) -> None:
    evil = {"Origin": "https://evil.example"}
    r = get(srv, "/sparql?query=ASK%7B%7D", headers=evil)
    assert r.headers.get("Access-Control-Allow-Origin") == "*"
    pre = requests.options(srv.url + "/sparql", headers={**evil, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert pre.status_code in (200, 204)
    for method, path in (("POST", "/update"), ("OPTIONS", "/update"), ("PUT", "/data?graph=urn:x"),
                         ("POST", "/data?graph=urn:x"), ("DELETE", "/data?graph=urn:x"), ("GET", "/sparql")):
        w = requests.request(method, srv.url + path, headers=evil, timeout=10)
        assert w.headers.get("Access-Control-Allow-Credentials") != "true", (method, path)
        assert w.headers.get("Access-Control-Allow-Origin") != "https://evil.example", (method, path)


# --- M2. Logs hold no secrets ------------------------------------------------------------------------------


def test_m2_logs_hold_no_tokens_or_cookies(srv: LiveServer) -> None:
    token = srv.token("reader", name="log-probe")
    cookie = "session=c00k1e-s3cr3t-value"
    for method, path, data in (("POST", "/update", {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
                               ("PUT", "/data?graph=urn:x", None), ("GET", "/sparql?query=SELEC", None),
                               ("GET", "/nothing", None)):
        requests.request(method, srv.url + path, data=data, timeout=10,
                         headers={"Authorization": f"Bearer {token}", "Cookie": cookie})
    requests.post(srv.url + "/update", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, timeout=10,
                  headers={"Authorization": "Bearer wrong-" + token[::-1]})
    log = srv.log_text()
    assert token not in log and token[::-1] not in log
    assert "c00k1e-s3cr3t-value" not in log
