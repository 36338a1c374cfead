"""The viewer's routes over real HTTP: negotiation, suffixes, NFC redirects, 404s, escaping, headers."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from tests.viewer_data import BLOCK, PERSON, VPCP, VU, XSS

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)

PAGES = ["/", "/browse/units", "/browse/people", "/browse/documents", "/browse/events", "/timeline",
         "/relations", "/asof", "/search?q=vpcp", "/id/person/le-tuan-dung", "/id/unit/xss-test"]


def get(base: str, path: str, **kw: object) -> requests.Response:
    return requests.get(base + path, timeout=10, allow_redirects=False, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_html_with_a_strict_csp_and_no_inline_script(viewer_url: str, path: str) -> None:
    r = get(viewer_url, path)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    for tag in re.findall(r"<script\b[^>]*>", r.text):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "<script>alert" not in r.text
    assert 'href="javascript:' not in r.text
    assert '<main id="main">' in r.text and 'lang="vi"' in r.text


def test_entity_page_shows_grouped_facts_with_sources(viewer_url: str) -> None:
    r = get(viewer_url, "/id/person/le-tuan-dung")
    assert "<h1 id=\"entity-label\">Lê Tuấn Dũng</h1>" in r.text
    assert "Chức vụ đã giữ" in r.text and "Vụ trưởng" in r.text
    assert "Khối Thi đua 3 ký giao ước thi đua" in r.text  # the source article's title
    assert "Đồng chí Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội" in r.text  # evidence
    assert 'href="/id/unit/vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"' in r.text


def test_english_switch_by_parameter_then_cookie(viewer_url: str) -> None:
    s = requests.Session()
    r = s.get(viewer_url + "/id/unit/van-phong-chinh-phu?lang=en", timeout=10)
    assert "<h1 id=\"entity-label\">Government Office</h1>" in r.text and 'lang="en"' in r.text
    r = s.get(viewer_url + "/id/unit/van-phong-chinh-phu", timeout=10)
    assert "Government Office</h1>" in r.text  # remembered
    r = s.get(viewer_url + "/id/unit/van-phong-chinh-phu?lang=vi", timeout=10)
    assert "Văn phòng Chính phủ</h1>" in r.text


@pytest.mark.parametrize("accept,suffix,media,fmt", [
    ("text/turtle", ".ttl", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ".jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ".nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
])
def test_rdf_by_accept_and_by_suffix_are_the_same(viewer_url: str, accept: str, suffix: str, media: str,
                                                  fmt: ox.RdfFormat) -> None:
    by_accept = get(viewer_url, "/id/person/le-tuan-dung", headers={"Accept": accept})
    by_suffix = get(viewer_url, "/id/person/le-tuan-dung" + suffix)
    for r in (by_accept, by_suffix):
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith(media)
    a = {str(t) for t in ox.parse(by_accept.content, format=fmt)}
    b = {str(t) for t in ox.parse(by_suffix.content, format=fmt)}
    assert a == b and any(PERSON in t for t in a)
    assert "Accept" in by_accept.headers["Vary"]


def test_browser_accept_gets_html_and_json_suffix_gets_the_page_data(viewer_url: str) -> None:
    r = get(viewer_url, "/id/unit/vpcp-khoi-thi-dua-3",
            headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert r.headers["Content-Type"].startswith("text/html")
    j = get(viewer_url, "/id/unit/vpcp-khoi-thi-dua-3.json").json()
    assert j["iri"] == BLOCK and {f["value"]["iri"] for s in j["sections"] if s["key"] == "members"
                                  for f in s["facts"]} == {VU, "https://w3id.org/govkg/id/unit/vpcp-vu-i"}


def test_unacceptable_type_is_406_naming_the_formats(viewer_url: str) -> None:
    r = get(viewer_url, "/id/person/le-tuan-dung", headers={"Accept": "application/pdf"})
    assert r.status_code == 406 and "text/turtle" in r.text


@pytest.mark.parametrize("path", [
    "/id/person/nobody", "/id/nokind/x", "/id/person/x%3E%20%3Fp%20%3Fo%20%7D%20%23", "/id/%3Chttp://evil%3E",
    "/id/..%2F..%2Fadmin", "/id/person/le-tuan-dung.exe", "/id/person/%C0%AF", "/id/person/le%00tuan",
    "/id/person/le-tuan-dung/extra/segment", "/id/", "/id/person/" + "a" * 5000,
])
def test_bad_entity_paths_are_404_never_500(viewer_url: str, path: str) -> None:
    r = get(viewer_url, path)
    assert r.status_code == 404, (path, r.status_code)


def test_nfd_path_redirects_to_nfc(viewer_url: str) -> None:
    nfd = unicodedata.normalize("NFD", "/id/person/lê-tuấn-dũng")
    r = get(viewer_url, quote(nfd))
    assert r.status_code == 301
    assert r.headers["Location"].endswith(quote(unicodedata.normalize("NFC", "/id/person/lê-tuấn-dũng")))


def test_search_json_is_a_list_of_hits(viewer_url: str) -> None:
    for q in ("le tuan dung", "LÊ TUẤN DŨNG", unicodedata.normalize("NFD", "Lê Tuấn Dũng")):
        r = get(viewer_url, "/search", params={"q": q}, headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
        hits = r.json()
        assert hits[0]["iri"] == PERSON and hits[0]["label"] == "Lê Tuấn Dũng" and hits[0]["kind"] == "person"
        assert set(hits[0]) >= {"iri", "label", "kind", "score"}
    hits = get(viewer_url, "/search", params={"q": "vpcp"}, headers={"Accept": "application/json"}).json()
    assert hits[0]["iri"] == VPCP


def test_search_page_escapes_and_shows_results(viewer_url: str) -> None:
    r = get(viewer_url, "/search", params={"q": "script"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and XSS not in r.text
    r = get(viewer_url, "/search", params={"q": '"><img src=x onerror=alert(1)>'})
    assert "<img src=x" not in r.text


@pytest.mark.parametrize("q", ['foo" . } UNION { ?s ?p ?o } #', "x\" . } ; DROP ALL ; #", ".*", "(a+)+$", "["])
def test_search_injection_is_harmless(viewer_url: str, q: str) -> None:
    r = get(viewer_url, "/search", params={"q": q}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert len(r.json()) < 5


def test_oversized_search_is_400(viewer_url: str) -> None:
    r = get(viewer_url, "/search", params={"q": "a" * 20000}, headers={"Accept": "application/json"})
    assert r.status_code in (400, 413, 414)


def test_page_json_twins(viewer_url: str) -> None:
    home = get(viewer_url, "/", headers={"Accept": "application/json"}).json()
    assert home["counts"]["person"] == 2
    tl = get(viewer_url, "/timeline", params={"person": PERSON}, headers={"Accept": "application/json"}).json()
    assert [e["iri"] for e in tl["events"]] and all(PERSON in [p["iri"] for p in e["participants"]]
                                                      for e in tl["events"])
    rel = get(viewer_url, "/relations", params={"a": PERSON, "b": BLOCK, "format": "json"}).json()
    assert any(p["text"].endswith("thành viên của Khối thi đua 3") for p in rel["result"]["paths"])


@pytest.mark.parametrize("path", ["/timeline?start=yesterday", "/timeline?unit=x%3E%20%7D", "/asof?date=31/12/2023"])
def test_bad_filters_are_400(viewer_url: str, path: str) -> None:
    assert get(viewer_url, path).status_code == 400


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/..%2f..%2fetc%2fpasswd",
                                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%5c..%5capp.py"])
def test_static_traversal_is_404(viewer_url: str, path: str) -> None:
    r = requests.get(viewer_url + path, timeout=10, allow_redirects=False)
    assert r.status_code in (400, 404) and "import" not in r.text


def test_vendored_libraries_are_served_locally(viewer_url: str) -> None:
    for path in ("/static/vendor/yasgui/yasgui.min.js", "/static/vendor/cytoscape/cytoscape.min.js",
                 "/static/vendor/vis-timeline/vis-timeline-graph2d.min.js", "/static/js/typeahead.js"):
        r = get(viewer_url, path)
        assert r.status_code == 200 and len(r.content) > 1000


def test_home_links_to_the_dataset_description_and_the_releases(viewer_url: str) -> None:
    home = get(viewer_url, "/").text
    void = re.search(r'<a href="(/\.well-known/void)" id="home-void">([^<]+)</a>', home)
    releases = re.search(r'<a href="(/releases/)" id="home-releases">([^<]+)</a>', home)
    assert void and releases, "the home page links to /.well-known/void and /releases/"
    assert "VoID" in void.group(2)
    assert get(viewer_url, void.group(1), headers={"Accept": "text/turtle"}).status_code == 200
    assert get(viewer_url, releases.group(1)).status_code == 200


def test_turtle_and_json_ld_twins_use_the_project_prefixes(viewer_url: str) -> None:
    """The ``.ttl`` twin reads ``person:le-tuan-dung foaf:name ...`` (prefixes declared once, only those used),
    the ``.jsonld`` twin is compact with those prefixes as its ``@context``; both hold the N-Triples' triples."""
    def triples(body: bytes, fmt: ox.RdfFormat) -> set[str]:  # blank nodes compared as blank
        return {re.sub(r"_:\S+", "_:b", str(t)) for t in ox.parse(body, format=fmt)}

    nt = triples(get(viewer_url, "/id/person/le-tuan-dung.nt").content, ox.RdfFormat.N_TRIPLES)
    ttl = get(viewer_url, "/id/person/le-tuan-dung", headers={"Accept": "text/turtle"}).text
    assert "@prefix person: <https://w3id.org/govkg/id/person/> ." in ttl
    assert "@prefix foaf: <http://xmlns.com/foaf/0.1/> ." in ttl
    assert re.search(r"^person:le-tuan-dung .*foaf:name \"Lê Tuấn Dũng\"", ttl, re.M | re.S)
    assert "<https://w3id.org/govkg/id/person/le-tuan-dung>" not in ttl
    assert "@prefix sh:" not in ttl  # a prefix the entity does not use is not declared
    assert triples(ttl.encode(), ox.RdfFormat.TURTLE) == nt
    r = get(viewer_url, "/id/person/le-tuan-dung.jsonld")
    doc = r.json()
    assert doc["@context"]["person"] == "https://w3id.org/govkg/id/person/"
    me = next(n for n in doc["@graph"] if n["@id"] == "person:le-tuan-dung")
    assert me["foaf:name"] == "Lê Tuấn Dũng" or me["foaf:name"]["@value"] == "Lê Tuấn Dũng"
    assert triples(r.content, ox.RdfFormat.JSON_LD) == nt
