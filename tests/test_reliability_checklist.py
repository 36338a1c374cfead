"""RELIABILITY items not covered elsewhere: A6, F3, F7, G6, G7, H2 (50 writers), H3, K1 (SHACL messages and the
steward's form), J3.  Where the checklist maps to other modules:

- F1, F2, F4, F6: ``tests/test_write_paths.py`` (every entry point, table-driven: 422 with the report, store
  unchanged; valid writes visible); F5: ``tests/test_write_safety.py::test_a_crashing_validator_writes_nothing``
  (validation runs on copies in memory, so there is no staging graph to remove: the fingerprint of every graph
  is unchanged);
- G4, G5: ``tests/test_write_safety.py`` (``test_csrf_on_forms_and_cookie_json``, ``test_session_cookie_flags``)
  and the cross-origin form here; H1: ``tests/test_write_paths.py::test_gsp_etag_and_if_match`` and the inline
  edit's ETag in ``test_write_safety``;
- M4: ``tests/test_conformance_sparql.py`` runs the W3C protocol and query-evaluation suites through our HTTP
  endpoint (needs ``../shared/conformance``).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.http_server import LiveServer, live_server
from tests.test_write_paths import LABEL, NAME, SRC, person

JSON = {"Accept": "application/sparql-results+json"}
SHAPES = "https://w3id.org/govkg/graph/shapes"
G = "https://w3id.org/govkg/graph/checklist-test"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("checklist") / "store", env={"COOKIE_SECURE": "0"}) as s:
        yield s


def select(srv: LiveServer, q: str) -> list[dict[str, str]]:
    r = requests.post(srv.url + "/sparql", data={"query": q}, headers=JSON, timeout=60)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def n(srv: LiveServer, q: str) -> int:
    return int(select(srv, q)[0]["n"])


def test_a6_a_large_legal_insert_data_is_2xx_or_413_422_never_500(srv: LiveServer) -> None:
    body = "PREFIX a: <urn:a6:> INSERT DATA { GRAPH a:g { " + " ".join(f"a:{i} a:p {i} ." for i in range(50_000)) \
        + " } }"
    assert len(body.encode()) < 1_048_576  # under MAX_QUERY_BYTES
    t = time.monotonic()
    r = requests.post(srv.url + "/update", data={"update": body}, headers=srv.auth("steward"), timeout=300)
    assert r.status_code in (200, 204, 413, 422), r.text[:500]
    assert time.monotonic() - t < 120  # the write budget
    assert "RecursionError" not in r.text and "Traceback" not in r.text
    got = n(srv, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:a6:g> { ?s ?p ?o } }")
    assert got == (50_000 if r.status_code < 300 else 0)


def test_f3_a_second_vi_label_is_refused_on_the_after_state(srv: LiveServer) -> None:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    h = srv.auth("steward")
    r = requests.post(srv.url + "/update", data={"update": f"INSERT DATA {{ GRAPH <{G}> {{ {person(iri)} }} }}"},
                      headers=h, timeout=60)
    assert r.status_code == 204, r.text
    again = f'INSERT DATA {{ GRAPH <{G}> {{ <{iri}> <{LABEL}> "Một tên khác"@vi }} }}'
    r = requests.post(srv.url + "/update", data={"update": again}, headers={**h, "Accept": "application/json"},
                      timeout=60)
    assert r.status_code == 422, r.text  # the payload alone is valid; the entity after it is not
    assert n(srv, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{iri}> <{LABEL}> ?l }} }}') == 1


def test_f7_twenty_parallel_valid_writes_all_succeed_and_the_shapes_graph_is_unchanged(srv: LiveServer) -> None:
    shapes = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SHAPES}> {{ ?s ?p ?o }} }}"
    before = n(srv, shapes)
    h = srv.auth("steward")
    iris = [f"https://w3id.org/govkg/id/person/test-f7-{i}-{uuid.uuid4().hex[:6]}" for i in range(20)]

    def write(iri: str) -> int:
        return requests.post(srv.url + "/update", data={"update": f"INSERT DATA {{ GRAPH <{G}> {{ {person(iri)} }} }}"},
                             headers=h, timeout=120).status_code

    with ThreadPoolExecutor(20) as ex:
        assert list(ex.map(write, iris)) == [204] * 20
    values = " ".join(f"<{i}>" for i in iris)
    assert n(srv, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?p ?x ?y }} }}") \
        == 20
    assert n(srv, shapes) == before


@pytest.mark.parametrize("update", ["DROP ALL", "CLEAR ALL", "DROP NAMED", "CLEAR NAMED",
                                    f"COPY <{G}> TO <{SHAPES}>", f"MOVE <{G}> TO <{SHAPES}>",
                                    f"ADD <{G}> TO <https://w3id.org/govkg/graph/ontology>"])
def test_g6_whole_store_and_system_graph_operations_are_refused_for_stewards(srv: LiveServer, update: str) -> None:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"  # the source graph holds data
    w = requests.post(srv.url + "/update", data={"update": f"INSERT DATA {{ GRAPH <{G}> {{ {person(iri)} }} }}"},
                      headers=srv.auth("steward"), timeout=60)
    assert w.status_code == 204, w.text
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = n(srv, q)
    r = requests.post(srv.url + "/update", data={"update": update}, headers=srv.auth("steward"), timeout=60)
    assert r.status_code in (400, 403), (update, r.status_code, r.text)
    assert n(srv, q) == before


@pytest.mark.parametrize("update", ["CLEAR DEFAULT", "DROP DEFAULT"])
def test_g6_clear_default_touches_only_the_default_graph_never_the_named_graphs(srv: LiveServer, update: str) -> None:
    """Decided: the store's own default graph is a graph like the others (data lives in named graphs), so a
    steward may clear it, validated and recorded like any write; no named graph changes."""
    q = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
         "FILTER(?g != <https://w3id.org/govkg/graph/changes>) }")
    q += " GROUP BY ?g"
    before = sorted(map(str, select(srv, q)))
    r = requests.post(srv.url + "/update", data={"update": update}, headers=srv.auth("steward"), timeout=60)
    assert r.status_code in (204, 400, 403), r.text
    assert sorted(map(str, select(srv, q))) == before


def test_g4_a_cross_origin_form_without_the_csrf_token_is_refused(srv: LiveServer) -> None:
    s = requests.Session()
    s.post(srv.url + "/steward/sign-in", data={"token": srv.token("steward")}, timeout=30)
    assert s.cookies.get("govkg_session")
    name = f"Lê Chéo {uuid.uuid4().hex[:6]}"
    r = s.post(srv.url + "/steward/new/person", data={"source": SRC, f"{LABEL}@vi": name, NAME: name},
               headers={"Origin": "https://evil.example", "Referer": "https://evil.example/x.html"}, timeout=30)
    assert r.status_code == 400 and "CSRF" in r.text
    assert n(srv, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?p <{NAME}> "{name}" }} }}') == 0


def test_h2_fifty_writers_and_readers_never_see_half_a_pair(srv: LiveServer) -> None:
    h = srv.auth("steward")
    seen: list[int] = []
    stop = threading.Event()
    tag = uuid.uuid4().hex[:6]
    q = f'SELECT ?r (COUNT(*) AS ?n) WHERE {{ GRAPH <urn:h2> {{ ?x <urn:req> ?r }} FILTER(STRSTARTS(?r, "{tag}")) }} ' \
        "GROUP BY ?r"

    def write(i: int) -> int:
        body = f'INSERT DATA {{ GRAPH <urn:h2> {{ <urn:h2:{tag}{i}a> <urn:req> "{tag}{i}" . ' \
               f'<urn:h2:{tag}{i}b> <urn:req> "{tag}{i}" }} }}'
        return requests.post(srv.url + "/update", data={"update": body}, headers=h, timeout=120).status_code

    def read() -> None:
        while not stop.is_set():
            seen.extend(int(r["n"]) for r in select(srv, q))

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    with ThreadPoolExecutor(50) as ex:
        statuses = list(ex.map(write, range(50)))
    stop.set()
    for t in readers:
        t.join()
    assert statuses == [204] * 50
    assert seen and set(seen) == {2}, sorted(set(seen))
    final = select(srv, q)
    assert len(final) == 50 and {r["n"] for r in final} == {"2"}


def test_h3_a_write_is_seen_by_the_next_hundred_reads(srv: LiveServer) -> None:
    mark = uuid.uuid4().hex
    r = requests.post(srv.url + "/update", data={"update": f'INSERT DATA {{ GRAPH <urn:h3> {{ <urn:h3> <urn:v> '
                                                           f'"{mark}" }} }}'},
                      headers=srv.auth("steward"), timeout=60)
    assert r.status_code == 204
    ask = f'ASK {{ GRAPH <urn:h3> {{ <urn:h3> <urn:v> "{mark}" }} }}'
    seen = [requests.get(srv.url + "/sparql", params={"query": ask}, headers=JSON, timeout=30).json()["boolean"]
            for _ in range(100)]
    assert seen.count(True) == 100


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{7*7}}'


def test_k1_hostile_values_in_shacl_messages_and_the_stewards_form_are_escaped(srv: LiveServer) -> None:
    h = {**srv.auth("steward"), "Accept": "text/html"}
    # the form, sent without the required label: the page comes back with the violations and the values typed
    r = requests.post(srv.url + "/steward/new/person", data={"source": SRC, NAME: HOSTILE}, headers=h, timeout=60)
    assert r.status_code == 422, r.text[:500]
    assert "<script>alert(1)" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;" in r.text and "{{7*7}}" in r.text  # escaped, and the template text not evaluated
    # the 422 report in plain text carries the value as data (text/plain: never rendered)
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    value = HOSTILE.replace('"', '\\"')
    bad = f'INSERT DATA {{ GRAPH <{G}> {{ <{iri}> a <http://xmlns.com/foaf/0.1/Person> ; <{NAME}> "{value}" }} }}'
    r = requests.post(srv.url + "/update", data={"update": bad}, headers={**h, "Accept": "text/plain"}, timeout=60)
    assert r.status_code == 422 and r.headers["Content-Type"].startswith("text/plain")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


def test_g7_ten_wrong_tokens_in_a_minute_are_met_with_429_and_retry_after(tmp_path: Path) -> None:
    import inspect

    from graph.tokens import TokenFile

    assert "compare_digest" in inspect.getsource(TokenFile.check)  # constant-time comparison of digests
    with live_server(tmp_path / "store") as s:
        good = s.token("steward")
        codes = []
        for i in range(10):
            r = requests.post(s.url + "/update", data={"update": "INSERT DATA { <urn:a> <urn:b> 1 }"},
                              headers={"Authorization": f"Bearer govkg_wrong{i}"}, timeout=30)
            codes.append(r.status_code)
        assert codes[0] == 401 and codes[-1] == 429, codes
        assert set(codes) <= {401, 429}
        locked = requests.post(s.url + "/update", data={"update": "INSERT DATA { <urn:a> <urn:b> 1 }"},
                               headers={"Authorization": f"Bearer {good}"}, timeout=30)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0  # no oracle while locked
        form = requests.post(s.url + "/steward/sign-in", data={"token": "govkg_wrong"}, timeout=30)
        assert form.status_code == 429 and "Set-Cookie" not in form.headers


J3_DATA = """
<urn:g> { <urn:a> <urn:p> "1" ; <urn:q> "x" . <urn:b> <urn:p> "2" . <urn:c> <urn:q> "y" . }
"""
J3_QUERIES = [
    "SELECT ?s ?v ?x WHERE { GRAPH ?g { ?s <urn:p> ?v OPTIONAL { ?s <urn:q> ?x } } }",
    "SELECT ?s ?v ?x WHERE { GRAPH ?g { ?s <urn:p> ?v OPTIONAL { ?s <urn:q> ?x } FILTER(BOUND(?x)) } }",
    "SELECT ?s ?v ?x WHERE { GRAPH ?g { ?s <urn:p> ?v OPTIONAL { ?s <urn:q> ?x } FILTER(!BOUND(?x)) } }",
]


@pytest.mark.parametrize("query", J3_QUERIES)
@pytest.mark.parametrize("s", ["urn:a", "urn:b", "urn:c"])
def test_j3_a_bound_parameter_gives_the_same_rows_on_rdflib_memory_and_the_embedded_store(tmp_path: Path,
                                                                                          query: str, s: str) -> None:
    """rdflib's ``initBindings`` on its Memory store, and our way of binding a parameter (``VALUES``, as the
    viewer does) on the embedded store: the same rows, FILTER(BOUND(?x)) included (oxrdflib #11)."""
    from rdflib import Dataset, URIRef

    from graph.store.embedded import EmbeddedStore

    ds = Dataset()
    ds.parse(data=J3_DATA, format="trig")
    mem = sorted(tuple(str(v) if v is not None else None for v in row)
                 for row in ds.query(query, initBindings={"s": URIRef(s)}))
    st = EmbeddedStore(tmp_path / "store")
    try:
        st.load(J3_DATA.encode(), format="trig")
        bound = query.replace("WHERE {", f"WHERE {{ VALUES ?s {{ <{s}> }}", 1)
        emb = sorted(tuple(str(r[k]) if r.get(k) is not None else None for k in ("s", "v", "x"))
                     for r in st.query(bound).rows())
    finally:
        st.close()
    assert mem == emb
