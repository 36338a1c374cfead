"""The dataset description (VoID, DCAT) and the dataset routes: /.well-known/void, /releases/, /dumps/latest.*."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from graph.namespaces import BASE
from graph.release import fingerprint, make_release
from graph.seed import load_seed
from graph.store import EmbeddedStore, Store, open_store
from graph.store import forget as forget_store
from graph.void import build_void
from webui.app import create_app

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DATASET = URIRef(f"{BASE}/dataset")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = Path(tmp_path_factory.mktemp("void"))
    st = open_store(root / "store")
    load_seed(st)
    make_release(st, root / "releases", on=date(2026, 1, 15))
    yield root / "store", root / "releases"
    forget_store(st)


@pytest.fixture(scope="module")
def store(paths: tuple[Path, Path]) -> Store:
    return open_store(paths[0])


@pytest.fixture
def client(paths: tuple[Path, Path]) -> FlaskClient:
    app = create_app({"STORE": str(paths[0]), "RELEASES_DIR": str(paths[1]), "PUBLIC_URL": "http://127.0.0.1:8000"})
    return app.test_client()


def count(store: Store, sparql: str) -> int:
    doc = json.loads(store.query(sparql).serialize("json"))
    return int(doc["results"]["bindings"][0]["n"]["value"])


def test_description_counts_what_the_store_holds(store: Store) -> None:
    g = build_void(store, public_url="http://example.test")
    assert g.value(DATASET, VOID.triples) == Literal(store.count(), datatype=XSD.integer)
    n_events = count(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a org:ChangeEvent } }")
    parts = {
        g.value(p, VOID["class"]): int(str(g.value(p, VOID.entities)))
        for p in g.objects(DATASET, VOID.classPartition)
    }
    assert parts[URIRef("http://www.w3.org/ns/org#ChangeEvent")] == n_events > 10
    subsets = {g.value(s, SD.name): s for s in g.objects(DATASET, VOID.subset)}
    assert len(subsets) == len(store.named_graphs())
    nd36 = subsets[URIRef(f"{BASE}/graph/nd-36-2025-nd-cp")]
    assert g.value(nd36, DCTERMS.source) == URIRef(f"{BASE}/id/document/36-2025-nd-cp")
    assert int(str(g.value(nd36, VOID.triples))) == store.count(f"{BASE}/graph/nd-36-2025-nd-cp")
    assert g.value(DATASET, DCTERMS.license) == CC_BY
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://example.test/sparql")
    assert set(g.objects(DATASET, VOID.dataDump)) == {URIRef("http://example.test/dumps/latest.nq.gz"),
                                                      URIRef("http://example.test/dumps/latest.trig.gz")}


def test_without_a_public_address_no_server_links(store: Store) -> None:
    g = build_void(store)
    assert g.value(DATASET, VOID.sparqlEndpoint) is None and not list(g.objects(DATASET, VOID.dataDump))


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    (None, "turtle", "text/turtle"),
    ("text/turtle", "turtle", "text/turtle"),
    ("application/ld+json", "json-ld", "application/ld+json"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("text/html,application/xhtml+xml,*/*;q=0.8", "turtle", "text/turtle"),
])
def test_well_known_void(client: FlaskClient, store: Store, accept: str | None, fmt: str, media: str) -> None:
    r = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == media
    g = Graph().parse(data=r.data, format=fmt)
    assert (DATASET, RDF.type, VOID.Dataset) in g and (DATASET, RDF.type, DCAT.Dataset) in g
    assert int(str(g.value(DATASET, VOID.triples))) == store.count()
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://127.0.0.1:8000/sparql")
    release = URIRef(f"{BASE}/dataset/release/2026-01-15")
    assert (DATASET, DCAT.hasVersion, release) in g
    assert URIRef("http://127.0.0.1:8000/releases/govkg-2026-01-15.nq.gz") in set(g.objects(release, VOID.dataDump))


def test_well_known_void_refuses_what_it_cannot_give(client: FlaskClient) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.get_json()["message"]


def test_releases_list(client: FlaskClient) -> None:
    r = client.get("/releases/", headers={"Accept": "application/json"})
    assert r.status_code == 200 and [m["name"] for m in r.get_json()] == ["2026-01-15"]
    html = client.get("/releases/").get_data(as_text=True)
    assert '<a href="/releases/govkg-2026-01-15.nq.gz">' in html and "CC BY 4.0" in html


def test_release_download(client: FlaskClient, paths: tuple[Path, Path]) -> None:
    r = client.get("/releases/govkg-2026-01-15.nq.gz")
    body = r.data
    r.close()  # a WSGI server closes the file it streams; the test client leaves that to us
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    manifest = json.loads((paths[1] / "2026-01-15" / "govkg-2026-01-15.manifest.json").read_text())
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert hashlib.sha256(body).hexdigest() == listed["govkg-2026-01-15.nq.gz"]
    with client.get("/releases/govkg-2026-01-15.sha256") as sums:
        assert sums.status_code == 200 and listed["govkg-2026-01-15.nq.gz"] in sums.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/releases/..%2F..%2Fstore", "/releases/../store", "/releases/%2e%2e/%2e%2e/etc/passwd",
    "/releases/govkg-2026-01-15.nq", "/releases/2026-01-15", "/releases/govkg-2026-01-16.nq.gz",
    "/releases/govkg-2026-01-15.nq.gz%00.txt", "/releases/.2026-01-15.part", "/dumps/latest.ttl",
])
def test_nothing_else_is_served(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(("ext", "fmt"), [("nq.gz", "nquads"), ("trig.gz", "trig")])
def test_latest_dump_is_the_whole_store(client: FlaskClient, store: Store, tmp_path: Path, ext: str, fmt: str) -> None:
    r = client.get(f"/dumps/latest.{ext}")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    fresh = EmbeddedStore(tmp_path / "fresh")
    fresh.load(gzip.decompress(r.data), format=fmt)
    assert fingerprint(fresh) == fingerprint(store)
    fresh.close()


def test_well_known_void_never_waits_for_a_whole_count(paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    """The counts read the whole store (seconds at 1M triples): a store never counted answers 503 with
    Retry-After and a message while they are made off the request path, then the description."""
    import threading

    import graph.void as void_mod
    import webui.dataset as dataset_mod

    opened = threading.Event()
    real = void_mod.dataset_stats

    def slow(st: Store) -> dict[str, object]:
        assert opened.wait(30)
        return real(st)

    monkeypatch.setattr(void_mod, "dataset_stats", slow)
    monkeypatch.setattr(dataset_mod, "VOID_WAIT_S", 0.05)
    fresh = tmp_path / "fresh"
    shutil.copytree(paths[0], fresh)
    app = create_app({"STORE": str(fresh), "RELEASES_DIR": str(paths[1]), "PUBLIC_URL": "http://127.0.0.1:8000"})
    c = app.test_client()
    r = c.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert "being counted" in r.get_json()["message"]
    opened.set()
    for _ in range(300):
        r = c.get("/.well-known/void", headers={"Accept": "text/turtle"})
        if r.status_code == 200:
            break
        time.sleep(0.05)
    assert r.status_code == 200 and b"void:triples" in r.data
