"""The benchmark generator: deterministic, the requested size, realistic, and valid under the real shapes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDFS, SH

from bench.change import small_change
from bench.generate import GENERATED, generate, parse_scale
from graph.namespaces import GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.seed import ROOT, data_files, seed_plan
from graph.store import EmbeddedStore
from graph.validate import validate_store

QUERIES = sorted((ROOT / "docs" / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def g10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("gen") / "gov.nq"
    generate(p, "10k", seed=7)
    return p


@pytest.fixture(scope="module")
def store10k(g10k: Path) -> EmbeddedStore:
    s = EmbeddedStore(None)
    s.load(g10k, format="nquads")
    for path, graph in seed_plan():
        if graph is not None:
            s.load(path, format="turtle", graph=graph)
    return s


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path: Path, g10k: Path) -> None:
    again, other = tmp_path / "a.nq", tmp_path / "b.nq"
    generate(again, "10k", seed=7)
    generate(other, "10k", seed=8)
    assert _digest(again) == _digest(g10k)
    assert _digest(other) != _digest(g10k)


@pytest.mark.parametrize("scale", ["10k", "100k"])
def test_scale_hits_the_requested_number_of_distinct_quads(tmp_path: Path, scale: str) -> None:
    p = tmp_path / "g.nq"
    written = generate(p, scale)
    st = ox.Store()
    st.load(path=str(p), format=ox.RdfFormat.N_QUADS)
    target = parse_scale(scale)
    assert len(st) == written  # no quad is written twice
    assert target <= len(st) <= target * 1.02


def test_trig_holds_the_same_quads(tmp_path: Path) -> None:
    nq, trig = tmp_path / "g.nq", tmp_path / "g.trig"
    generate(nq, 3000)
    generate(trig, 3000)
    a, b = ox.Store(), ox.Store()
    a.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    b.load(path=str(trig), format=ox.RdfFormat.TRIG)
    assert len(a) == len(b) > 3000
    assert {str(q.graph_name) for q in a} == {str(q.graph_name) for q in b}


def test_every_researcher_query_has_answers(store10k: EmbeddedStore) -> None:
    assert QUERIES, "docs/queries/*.rq are the README's researcher queries"
    empty = [q.name for q in QUERIES if not store10k.query(q.read_text("utf-8"), union_default_graph=True).rows()]
    assert empty == []


def test_conforms_to_the_shapes_by_pyshacl(g10k: Path) -> None:
    from pyshacl import validate

    ds = Dataset()
    ds.parse(g10k, format="nquads")
    data, shapes = Graph(), Graph()
    for path, graph in seed_plan():
        if graph == str(SHAPES_GRAPH):
            shapes.parse(path, format="turtle")
        elif graph == str(ONTOLOGY_GRAPH):
            data.parse(path, format="turtle")
    for s, p, o, _g in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    assert len(set(shapes.subjects(SH.targetClass, None))) > 5  # the shapes are there
    conforms, _report, text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert conforms, text[:3000]


def test_generated_graphs_never_land_in_a_curated_graph(g10k: Path) -> None:
    """A generated article on the seed article's day and subject gets a graph of its own: were it written into
    the curated graph, that graph would hold two English labels of the government (and fail its shapes)."""
    curated = set()
    for path in data_files():
        ds = Dataset()
        ds.parse(path, format="trig")
        curated |= {str(g.identifier) for g in ds.graphs() if len(g)}
    st = ox.Store()
    st.load(path=str(g10k), format=ox.RdfFormat.N_QUADS)
    generated = {q.graph_name.value for q in st if isinstance(q.graph_name, ox.NamedNode)}
    assert f"{GRAPH}chinhphu-2023-07-18-khoi-thi-dua-3" in curated and len(generated) > 100
    assert f"{GRAPH}{GENERATED}chinhphu-2023-07-18-khoi-thi-dua-3" in generated  # the anchor article
    assert generated & curated == set()
    assert all(g.startswith(f"{GRAPH}{GENERATED}") for g in generated)
    assert not any(g.startswith(f"{GRAPH}{GENERATED}") for g in curated)


def test_generated_graphs_with_the_whole_seed_conform(g10k: Path) -> None:
    """Loaded with the whole seed (its curated graphs too, as the 1M bench stores are), every graph still
    conforms by itself: the curated graphs are left as data/ wrote them."""
    s = EmbeddedStore(None)
    s.load(g10k, format="nquads")
    for path, graph in seed_plan():
        s.load(path, format="turtle" if graph is not None else "trig", graph=graph)
    report = validate_store(s)
    assert f"{GRAPH}chinhphu-2023-07-18-khoi-thi-dua-3" in report.graphs
    assert report.results == [], report.text("en")[:3000]


def test_every_graph_conforms_by_itself(store10k: EmbeddedStore) -> None:
    """govkg validates each named graph on its own (with the ontology): like the curated graphs of data/, each
    generated graph types, labels and sources every unit, person, post and document it mentions."""
    report = validate_store(store10k)
    assert len(report.graphs) > 100
    assert report.results == [], report.text("en")[:3000]


def test_realistic_content(store10k: EmbeddedStore) -> None:
    def one(q: str) -> int:
        return int(store10k.query(q, union_default_graph=True).rows()[0]["n"])  # type: ignore[call-overload]

    # One named graph per source article, described in itself; every entity carries dct:source.
    assert one("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?src . "
               "?src a schema:NewsArticle } }") > 100
    missing = one("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?t } FILTER(isIRI(?x)) "
                  "FILTER(?g != g:ontology && ?g != g:shapes && ?t != schema:NewsArticle) "
                  "FILTER NOT EXISTS { ?x dct:source ?s } FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s2 } }")
    assert missing == 0
    # Renames and mergers as org:ChangeEvent; posts held over periods.
    for kind in ("rename", "merger"):
        assert one(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a org:ChangeEvent ; govkg:changeType "
                   f"<https://w3id.org/govkg/id/concept/change-type/{kind}> }}") > 0
    assert one("SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership ; schema:validFrom ?f ; "
               "schema:validThrough ?t FILTER(?f <= ?t) }") > 0
    assert one("SELECT (COUNT(*) AS ?n) WHERE { ?m schema:validFrom ?f ; schema:validThrough ?t "
               "FILTER(?f > ?t) }") == 0
    # Real-looking document symbols, normative ones with their year.
    symbols = [str(r["s"]) for r in store10k.query("SELECT ?s WHERE { ?d eli:id_local ?s }",
                                                   union_default_graph=True).rows()]
    assert symbols and all(re.fullmatch(r"\d{2,}(/\d{4})?/[A-ZĐa-z]+-[A-Za-zĐ0-9]+|\d+/\d{4}/QH15", s)
                           for s in symbols), symbols[:20]
    assert any(re.fullmatch(r"\d+/\d{4}/NĐ-CP", s) for s in symbols)
    assert any(s.endswith("/QĐ-TTg") for s in symbols)
    # Vietnamese names with tones, and people with the same name kept apart.
    names = [str(r["n"]) for r in store10k.query("SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }",
                                                 union_default_graph=True).rows()]
    assert sum(1 for n in names if re.search("[ạảãàáâậầấẩẫăắằặẳẵêếềệểễôốồộổỗơớờợởỡưứừựửữđĐ]", n)) > len(names) / 2
    assert store10k.ask("ASK { ?e a schema:Event ; prov:qualifiedAssociation [ prov:agent ?a ; "
                        "prov:hadRole <https://w3id.org/govkg/id/concept/participant-role/chair> ] }",
                        union_default_graph=True)


def test_small_change_is_twenty_quads_in_one_new_graph() -> None:
    quads = small_change(3)
    assert len(quads) == 20 and len(set(quads)) == 20
    assert len({q[3] for q in quads}) == 1
    assert isinstance(quads[0][3], URIRef)


def test_small_change_conforms_by_itself_and_agrees_with_the_generated_labels(store10k: EmbeddedStore) -> None:
    quads = small_change(3)
    s = EmbeddedStore(None)
    for path, graph in seed_plan():
        if graph is not None:
            s.load(path, format="turtle", graph=graph)
    for q in quads:
        s.add(q)
    report = validate_store(s)
    assert str(quads[0][3]) in report.graphs and report.results == [], report.text("en")[:3000]
    unit = "<https://w3id.org/govkg/id/unit/van-phong-chinh-phu>"
    generated = {str(r["l"]) for r in store10k.query(f"SELECT DISTINCT ?l WHERE {{ {unit} rdfs:label ?l }}",
                                                     union_default_graph=True).rows()}
    assert {str(q[2]) for q in quads if q[1] == RDFS.label and str(q[0]) == unit[1:-1]} == generated
