"""Every write entry point, table-driven, against the real server: 401, 403, 422 with the store unchanged,
2xx visible to the next query, and revert back to the state before (RELIABILITY.md F1-F6, G1)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.http_server import LiveServer, live_server

SRC = "https://w3id.org/govkg/id/source/chinhphu-2023-07-18-khoi-thi-dua-3"
G = "https://w3id.org/govkg/graph/steward-test"
CHANGES = "https://w3id.org/govkg/graph/changes"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NAME = "http://xmlns.com/foaf/0.1/name"
ONTOLOGY = "https://w3id.org/govkg/graph/ontology"
ORG_ROLE = "http://www.w3.org/ns/org#role"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"MAX_ROWS": "200000", "COOKIE_SECURE": "0"}
    with live_server(tmp_path_factory.mktemp("writes") / "store", seed=True, env=env) as s:
        yield s


def person(iri: str, *, label: bool = True) -> str:
    lab = f' ; <{LABEL}> "Nguyễn Thử {iri[-4:]}"@vi' if label else ""
    return (f"<{iri}> a <http://xmlns.com/foaf/0.1/Person>{lab} ; <{NAME}> \"Nguyễn Thử\" ; "
            f"<http://purl.org/dc/terms/source> <{SRC}> .\n")


def quads(srv: LiveServer, *, data_only: bool = False) -> list[str]:
    # Every named graph (the store's own default graph stays empty: data lives in named graphs; with
    # UNION_DEFAULT_GRAPH on, a bare pattern would be the union again).
    q = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.post(srv.url + "/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"},
                      timeout=60)
    r.raise_for_status()
    rows = []
    for b in r.json()["results"]["bindings"]:
        if data_only and b.get("g", {}).get("value") == CHANGES:
            continue
        rows.append("|".join(f"{k}={b[k].get('type')}:{b[k]['value']}:{b[k].get('xml:lang', '')}:"
                             f"{b[k].get('datatype', '')}" for k in sorted(b) if b[k]["type"] != "bnode"))
    return sorted(rows)


def fingerprint(srv: LiveServer, *, data_only: bool = False) -> str:
    return hashlib.sha256("\n".join(quads(srv, data_only=data_only)).encode()).hexdigest()


def ask(srv: LiveServer, iri: str) -> bool:
    r = requests.post(srv.url + "/sparql", data={"query": f"ASK {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}"},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    return bool(r.json()["boolean"])


# --- the entry points: each takes (server, headers, valid?) and returns (response, IRI written) ----------


def via_update(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    body = f"INSERT DATA {{ GRAPH <{G}> {{ {person(iri, label=valid)} }} }}"
    return requests.post(srv.url + "/update", data={"update": body}, headers=h, timeout=60), iri


def via_put(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    g = f"{G}-{uuid.uuid4().hex[:6]}"
    return requests.put(srv.url + "/data", params={"graph": g}, data=person(iri, label=valid).encode(),
                        headers={**h, "Content-Type": "text/turtle"}, timeout=60), iri


def via_post(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    return requests.post(srv.url + "/data", params={"graph": G}, data=person(iri, label=valid).encode(),
                         headers={**h, "Content-Type": "text/turtle"}, timeout=60), iri


def via_delete(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    # Validation is per named graph: each data graph conforms by itself with the ontology graph (MODEL.md), so
    # dropping a data graph never breaks another.  Valid: a person described completely in two graphs, one of
    # them dropped.  Invalid: the one graph every graph is validated with, the ontology (its SKOS schemes and
    # class axioms), dropped by an admin who confirms it: the seed's roles fall outside the role scheme.
    if not valid:
        admin = {**h, **srv.auth("admin"), "X-Govkg-Confirm": "system-graphs"}
        return requests.delete(srv.url + "/data", params={"graph": ONTOLOGY}, headers=admin, timeout=120), ONTOLOGY
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    g1, g2 = f"{G}-a-{uuid.uuid4().hex[:6]}", f"{G}-b-{uuid.uuid4().hex[:6]}"
    for g in (g1, g2):
        r = requests.put(srv.url + "/data", params={"graph": g}, data=person(iri).encode(),
                         headers={**srv.auth("steward"), "Content-Type": "text/turtle"}, timeout=60)
        assert r.status_code == 201, r.text
    r = requests.delete(srv.url + "/data", params={"graph": g2}, headers=h, timeout=60)
    assert ask(srv, iri)  # still described in the first graph
    return r, g2


def via_upload(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    files = {"file": ("p.ttl", person(iri, label=valid).encode(), "text/turtle")}
    return requests.post(srv.url + "/steward/upload", data={"graph": G, "mode": "add", "comment": "test"},
                         files=files, headers={**h, "Accept": "application/json"}, timeout=60), iri


def via_form(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    name = f"Trần Thử {uuid.uuid4().hex[:6]}"
    form = {"source": SRC, NAME: name, "comment": "form test"}
    if valid:
        form[f"{LABEL}@vi"] = name
    r = requests.post(srv.url + "/steward/new/person", data=form, headers={**h, "Accept": "application/json"},
                      timeout=60)
    iri = r.json().get("iri", "") if r.headers.get("Content-Type", "").startswith("application/json") else ""
    return r, iri


ENTRY_POINTS: dict[str, Callable[[LiveServer, dict[str, str], bool], tuple[requests.Response, str]]] = {
    "sparql-update": via_update, "gsp-put": via_put, "gsp-post": via_post, "gsp-delete": via_delete,
    "upload": via_upload, "form": via_form,
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_unauthenticated_is_401_and_reader_403(srv: LiveServer, entry: str) -> None:
    if entry == "gsp-delete":
        r = requests.delete(srv.url + "/data", params={"graph": G}, timeout=30)
        assert r.status_code == 401
        r = requests.delete(srv.url + "/data", params={"graph": G}, headers=srv.auth("reader"), timeout=30)
        assert r.status_code == 403
        return
    before = fingerprint(srv)
    r, _ = ENTRY_POINTS[entry](srv, {}, True)
    assert r.status_code == 401, r.text
    r, _ = ENTRY_POINTS[entry](srv, srv.auth("reader"), True)
    assert r.status_code == 403, r.text
    assert fingerprint(srv) == before


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_invalid_is_422_with_the_report_and_changes_nothing(srv: LiveServer, entry: str) -> None:
    h = {**srv.auth("steward"), "Accept-Language": "en"}
    if entry == "gsp-delete":  # the setup writes first; fingerprint after it
        r, _target = _delete_setup_then(srv, h, valid=False)
    else:
        before = fingerprint(srv)
        r, _ = ENTRY_POINTS[entry](srv, {**h, "Accept": "application/json"}, False)
        assert fingerprint(srv) == before
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["violations"], body
    v = body["violations"][0]
    assert {"path", "value", "message"} <= set(v)
    if entry == "gsp-delete":  # without the ontology graph, no role is in the role scheme any more
        assert any(x["focus"].startswith("https://w3id.org/govkg/id/membership/") and x["path"] == ORG_ROLE
                   for x in body["violations"])
    else:
        assert v["focus"].startswith("https://w3id.org/govkg/id/person/")
        assert any("label" in (x["path"] or "") for x in body["violations"])
    assert all(x["message"] and not x["message"].startswith("Cần") for x in body["violations"])  # English


def _delete_setup_then(srv: LiveServer, h: dict[str, str], valid: bool) -> tuple[requests.Response, str]:
    state: dict[str, str] = {}
    real = requests.delete

    def delete(url: str, **kw: object) -> requests.Response:
        state["before"] = fingerprint(srv)
        return real(url, **kw)  # type: ignore[arg-type]

    requests.delete = delete  # type: ignore[assignment]
    try:
        r, target = via_delete(srv, {**h, "Accept": "application/json"}, valid)
    finally:
        requests.delete = real
    if r.status_code >= 400:
        assert fingerprint(srv) == state["before"]
    return r, target


def test_messages_in_vietnamese(srv: LiveServer) -> None:
    r, _ = via_update(srv, {**srv.auth("steward"), "Accept-Language": "vi", "Accept": "application/json"}, False)
    assert r.status_code == 422
    assert any(v["message"].startswith("Cần") for v in r.json()["violations"])


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_valid_write_is_visible_and_revert_restores(srv: LiveServer, entry: str) -> None:
    h = srv.auth("steward")
    if entry == "gsp-delete":
        r, target = _delete_setup_then(srv, h, valid=True)
        assert r.status_code == 204, r.text
        rr = requests.post(srv.url + "/sparql", data={"query": f"ASK {{ GRAPH <{target}> {{ ?s ?p ?o }} }}"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert rr.json()["boolean"] is False
        before = None
    else:
        before = fingerprint(srv, data_only=True)
        r, iri = ENTRY_POINTS[entry](srv, h, True)
        assert r.status_code in (200, 201, 204), r.text
        assert iri and ask(srv, iri)
    cs = r.headers.get("X-Govkg-Changeset") or r.json()["changeset"]
    listed = requests.get(srv.url + "/changes", headers={"Accept": "application/json"}, timeout=30).json()
    assert listed["changesets"][0]["id"] == cs and listed["changesets"][0]["actor"] == "test-steward"
    after = fingerprint(srv, data_only=True)
    rv = requests.post(srv.url + f"/changes/{cs}/revert", headers={**h, "Accept": "application/json"}, timeout=60)
    assert rv.status_code == 201, rv.text
    if before is not None:
        assert fingerprint(srv, data_only=True) == before
    assert fingerprint(srv, data_only=True) != after
    one = requests.get(srv.url + f"/changes/{rv.json()['changeset']}", headers={"Accept": "application/json"},
                       timeout=30).json()
    assert one["reverts"] == cs and one["operation"] == "revert"


def test_refused_operations(srv: LiveServer) -> None:
    before = fingerprint(srv)
    h, admin = srv.auth("steward"), srv.auth("admin")
    for upd, who, status in [
        ("LOAD <http://127.0.0.1:9/x.ttl>", h, 400),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", h, 400),
        ("DROP ALL", h, 403), ("CLEAR ALL", admin, 403),  # admin without the confirmation header
        ('INSERT DATA { GRAPH <https://w3id.org/govkg/graph/shapes> { <urn:a> <urn:b> "c" } }', h, 403),
        (f'INSERT DATA {{ GRAPH <{CHANGES}> {{ <urn:a> <urn:b> "c" }} }}', admin, 400),
    ]:
        r = requests.post(srv.url + "/update", data={"update": upd}, headers=who, timeout=30)
        assert r.status_code == status, (upd, r.text)
    assert fingerprint(srv) == before
    r = requests.post(srv.url + "/update", headers={**admin, "X-Govkg-Confirm": "system-graphs"}, timeout=30,
                      data={"update": 'INSERT DATA { GRAPH <https://w3id.org/govkg/graph/ontology> '
                                      '{ <urn:a> <urn:b> "c" } }'})
    assert r.status_code == 204, r.text


def test_gsp_etag_and_if_match(srv: LiveServer) -> None:
    h = srv.auth("steward")
    g = f"{G}-etag"
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    r = requests.put(srv.url + "/data", params={"graph": g}, data=person(iri).encode(),
                     headers={**h, "Content-Type": "text/turtle"}, timeout=30)
    assert r.status_code == 201
    etag = requests.get(srv.url + "/data", params={"graph": g}, timeout=30).headers["ETag"]
    assert requests.head(srv.url + "/data", params={"graph": g}, timeout=30).headers["ETag"] == etag
    r1 = requests.put(srv.url + "/data", params={"graph": g}, data=person(iri).replace("Thử", "Một").encode(),
                      headers={**h, "Content-Type": "text/turtle", "If-Match": etag}, timeout=30)
    r2 = requests.put(srv.url + "/data", params={"graph": g}, data=person(iri).replace("Thử", "Hai").encode(),
                      headers={**h, "Content-Type": "text/turtle", "If-Match": etag}, timeout=30)
    assert (r1.status_code, r2.status_code) == (204, 412)
    body = requests.get(srv.url + "/data", params={"graph": g}, headers={"Accept": "application/n-triples"},
                        timeout=30).text
    assert "Một" in body and "Hai" not in body


def test_staged_change_needs_another_steward(srv: LiveServer) -> None:
    iri = f"https://w3id.org/govkg/id/person/test-{uuid.uuid4().hex[:8]}"
    author, other = srv.auth("steward"), {"Authorization": f"Bearer {srv.token('steward', 'second-steward')}"}
    r = requests.post(srv.url + "/data", params={"graph": G}, data=person(iri).encode(),
                      headers={**author, "Content-Type": "text/turtle", "X-Govkg-Stage": "1"}, timeout=30)
    assert r.status_code == 202, r.text
    cs = r.headers["X-Govkg-Changeset"]
    assert not ask(srv, iri)  # staged: not in the data
    r = requests.post(srv.url + f"/changes/{cs}/accept", headers={**author, "Accept": "application/json"},
                      timeout=30)
    assert r.status_code == 400 and not ask(srv, iri)
    r = requests.post(srv.url + f"/changes/{cs}/accept", headers={**other, "Accept": "application/json"},
                      timeout=30)
    assert r.status_code == 201, r.text
    assert ask(srv, iri)
    staged = requests.get(srv.url + f"/changes/{cs}", headers={"Accept": "application/json"}, timeout=30).json()
    assert staged["status"] == "accepted" and staged["reviewer"] == "second-steward"


def test_upload_refuses_xml_entities_and_remote_contexts(srv: LiveServer) -> None:
    h = {**srv.auth("steward"), "Accept": "application/json"}
    before = fingerprint(srv)
    lol = (b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex/">'
           b'<rdf:Description rdf:about="http://ex/s"><ex:p>&b;</ex:p></rdf:Description></rdf:RDF>')
    ctx = b'{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "urn:a", "name": "x"}'
    for name, data in (("lol.rdf", lol), ("c.jsonld", ctx)):
        r = requests.post(srv.url + "/steward/upload", data={"graph": G}, files={"file": (name, data)}, headers=h,
                          timeout=30)
        assert r.status_code == 400, r.text
    assert fingerprint(srv) == before


def test_entity_history_on_its_page(srv: LiveServer) -> None:
    r, iri = via_update(srv, {**srv.auth("steward"), "X-Govkg-Comment": "history check"}, True)
    assert r.status_code == 204
    rows = requests.get(srv.url + "/changes", params={"entity": iri}, headers={"Accept": "application/json"},
                        timeout=30).json()["changesets"]
    assert [c["comment"] for c in rows] == ["history check"]
    page = requests.get(srv.url + iri.removeprefix("https://w3id.org/govkg"), timeout=30)
    assert page.status_code == 200 and "history check" in page.text and page.headers.get("ETag")




