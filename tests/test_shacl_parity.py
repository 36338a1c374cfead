"""The compiled engine (graph.shacl) against pySHACL, run in the same test on the same data.

Parity is on the set of (focus, path, value, source shape, constraint component, severity) of every
sh:ValidationResult (sh:node details included), with blank-node paths and shapes compared by structure.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from graph.shacl.fallback import run_pyshacl
from graph.shacl.paths import parse_path, to_sparql
from graph.shacl.report import to_violation
from graph.shacl.results import Result, flatten
from graph.shacl.validator import compile_shapes, data_graph, memory_store, store_results
from graph.validate import load_ontology, load_shapes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ontology" / "examples"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


def keys(results: list[Result], shapes: Graph) -> set[tuple]:
    """Comparable keys; blank-node paths become their SPARQL text, blank-node shapes their description."""

    def norm(n, is_path: bool = False):
        if isinstance(n, BNode) and is_path:
            try:
                return ("path", to_sparql(parse_path(shapes, n)))
            except ValueError:
                return ("bnode", str(n))
        return n

    return {(r.focus, norm(r.path, True), r.value, r.shape, r.component, r.severity) for r in flatten(results)}


def parity(data: Graph, shapes: Graph) -> tuple[set, set]:
    """(engine keys, pySHACL keys) for ``data``; pySHACL sees the data as the store holds it."""
    store = memory_store(data, shapes)
    c = compile_shapes(shapes)
    mine = keys(store_results(store, c), shapes)
    ref = keys(run_pyshacl(data_graph(store), tuple(shapes)), shapes)
    return mine, ref


def with_ontology(g: Graph) -> Graph:
    for t in load_ontology():
        g.add(t)
    return g


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.ttl"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_examples_match_pyshacl(path: Path) -> None:
    g = with_ontology(Graph().parse(path))
    mine, ref = parity(g, load_shapes())
    assert mine == ref
    if "-invalid-" in path.name:
        assert mine, f"{path.name} must not conform"
    else:
        assert not mine, f"{path.name} must conform"


def test_no_govkg_shape_falls_back() -> None:
    assert compile_shapes(load_shapes()).fallback == ()


# --- generated data with injected violations -------------------------------------------------------------

GOV = Namespace("https://w3id.org/govkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
SDO = Namespace("https://schema.org/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ID = "https://w3id.org/govkg/id/"


def generate(n_units: int, seed: int, faults: float = 0.15) -> Graph:
    """Units in a hierarchy, posts, people and memberships; a share ``faults`` of entities get one defect."""
    rnd = random.Random(seed)
    g = Graph()
    src = URIRef(f"{ID}source/gen")
    g.add((src, RDF.type, SDO.NewsArticle))
    g.add((src, DCT.title, Literal("Bài báo", lang="vi")))
    g.add((src, DCT.issued, Literal("2023-07-18T08:00:00", datatype=XSD.dateTime)))
    g.add((src, DCT.publisher, URIRef(f"{ID}unit/u0")))

    def bad() -> bool:
        return rnd.random() < faults

    units = [URIRef(f"{ID}unit/u{i}") for i in range(n_units)]
    for i, u in enumerate(units):
        top = i == 0
        g.add((u, RDF.type, ORG.Organization if top or i % 7 == 0 else ORG.OrganizationalUnit))
        if not bad():
            g.add((u, RDFS.label, Literal(f"Đơn vị {i}", lang="vi")))
        if bad():
            g.add((u, RDFS.label, Literal(f"Vụ số {i}", lang="vi")))
        g.add((u, RDFS.label, Literal(f"Unit {i}", lang="en")))
        g.add((u, GOV.unitType, URIRef(f"{ID}concept/unit-type/{'bo' if top else 'vu'}")))
        g.add((u, DCT.source, src if not bad() else Literal("nguồn")))
        if not top:
            parent = units[rnd.randrange(0, i)]
            g.add((u, ORG.unitOf if i % 7 else ORG.subOrganizationOf, parent if not bad() else src))
        if bad():
            g.add((u, SDO.validFrom, Literal("2020-01-01" if rnd.random() < 0.5 else "năm 2020")))
    for i in range(n_units * 2):
        p = URIRef(f"{ID}person/p{i}")
        g.add((p, RDF.type, FOAF.Person))
        g.add((p, FOAF.name, Literal(f"Nguyễn Văn {i}")))
        g.add((p, RDFS.label, Literal(f"Nguyễn Văn {i}", lang="vi")))
        g.add((p, DCT.source, src))
        unit = rnd.choice(units)
        post = URIRef(f"{ID}post/{unit.rsplit('/', 1)[1]}-vu-truong")
        g.add((post, RDF.type, ORG.Post))
        g.add((post, RDFS.label, Literal(f"Vụ trưởng {unit.rsplit('/', 1)[1]}", lang="vi")))
        g.add((post, ORG.postIn, unit))
        g.add((post, ORG.role, URIRef(f"{ID}concept/role/vu-truong" if not bad() else f"{ID}concept/unit-type/vu")))
        g.add((post, DCT.source, src))
        m = URIRef(f"{ID}membership/p{i}--{post.rsplit('/', 1)[1]}")
        g.add((m, RDF.type, ORG.Membership))
        g.add((m, ORG.member, p if not bad() else post))
        g.add((m, ORG.organization, unit if not bad() else rnd.choice(units)))
        g.add((m, ORG.role, URIRef(f"{ID}concept/role/vu-truong")))
        g.add((m, GOV.post, post))
        g.add((m, DCT.source, src))
        start = 2000 + rnd.randrange(20)
        g.add((m, SDO.validFrom, Literal(f"{start}-01-01", datatype=XSD.date)))
        if bad():
            g.add((m, SDO.validThrough, Literal(f"{start - 1}-01-01", datatype=XSD.date)))
        elif rnd.random() < 0.5:
            g.add((m, SDO.validThrough, Literal(f"{start + 3}-06-30", datatype=XSD.date)))
    return g


def test_generated_data_matches_pyshacl() -> None:
    g = with_ontology(generate(60, seed=7))
    assert len(g) > 2000
    mine, ref = parity(g, load_shapes())
    assert ref, "the generator must inject violations"
    assert SH.ClassConstraintComponent in {k[4] for k in ref} and len({k[4] for k in ref}) >= 3
    assert mine == ref


# --- the W3C SHACL Core test suite ----------------------------------------------------------------------


def _w3c_tests(core: Path) -> list[tuple[str, Path, URIRef, Graph]]:
    out = []
    todo = [core / "manifest.ttl"]
    seen: set[Path] = set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        g = Graph().parse(f, format="turtle")
        for inc in g.objects(None, MF.include):
            todo.append(Path(str(inc).removeprefix("file://")))
        for m in g.subjects(RDF.type, MF.Manifest):
            entries = g.value(m, MF.entries)
            for e in Collection(g, entries) if entries is not None else []:
                if (e, RDF.type, SHT.Validate) in g:
                    out.append((f"{f.parent.name}/{f.stem}", f, e, g))
    return sorted(out, key=lambda t: t[0])


def _load(iri: URIRef) -> Graph:
    return Graph().parse(str(iri).removeprefix("file://"), format="turtle")


def _report_graph(results: list[Result], data: Graph, shapes: Graph) -> tuple[Graph, BNode]:
    rg = Graph()
    for src in (data, shapes):
        for prefix, ns in src.namespaces():
            rg.bind(prefix, ns, override=False)
    rep = BNode()
    rg.add((rep, RDF.type, SH.ValidationReport))
    rg.add((rep, SH.conforms, Literal(not results)))

    def copy(n, src: Graph) -> None:
        if isinstance(n, BNode):
            for p, o in src.predicate_objects(n):
                if (n, p, o) not in rg:
                    rg.add((n, p, o))
                    copy(o, src)

    for r in results:
        x = BNode()
        rg.add((rep, SH.result, x))
        rg.add((x, RDF.type, SH.ValidationResult))
        rg.add((x, SH.focusNode, r.focus))
        copy(r.focus, data)
        if r.path is not None:
            rg.add((x, SH.resultPath, r.path))
            copy(r.path, shapes)
        if r.value is not None:
            rg.add((x, SH.value, r.value))
            copy(r.value, data)
        rg.add((x, SH.sourceShape, r.shape))
        copy(r.shape, shapes)
        rg.add((x, SH.sourceConstraintComponent, r.component))
        rg.add((x, SH.resultSeverity, r.severity))
        for m in r.messages or (Literal(to_violation(r, shapes).messages["en"]),):
            rg.add((x, SH.resultMessage, m))
    return rg, rep


@pytest.mark.conformance
def test_w3c_shacl_core(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pyshacl import validate
    from pyshacl.validator_conformance import check_sht_result

    core = shared_dir / "conformance" / "shacl" / "core"
    if not core.is_dir():
        pytest.skip("no SHACL Core suite in ../shared")
    tests = _w3c_tests(core)
    assert len(tests) == 98
    passed, failed, fell_back, differs, ref_passed = [], [], [], [], []
    for name, _f, entry, mg in tests:
        action = mg.value(entry, MF.action)
        data = _load(mg.value(action, SHT.dataGraph))
        shapes = _load(mg.value(action, SHT.shapesGraph))
        c = compile_shapes(shapes)
        if c.fallback:
            fell_back.append(name)
        store = memory_store(data, shapes)
        results = store_results(store, c)
        rg, _ = _report_graph(results, data, shapes)
        ok = False
        try:
            ok = bool(check_sht_result(rg, mg, mg.value(entry, MF.result)))
        except Exception:
            ok = False
        (passed if ok else failed).append(name)
        ref = keys(run_pyshacl(data_graph(store), tuple(shapes)), shapes)
        if keys(results, shapes) != ref:
            differs.append(name)
        _conforms, ref_graph, _text = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
        try:
            ref_ok = bool(check_sht_result(ref_graph, mg, mg.value(entry, MF.result)))
        except Exception:
            ref_ok = False
        if ref_ok:
            ref_passed.append(name)
    with capsys.disabled():
        print(f"\nW3C SHACL Core: {len(passed)} passed, {len(failed)} failed ({len(fell_back)} via pySHACL)")
        print(f"pySHACL {len(ref_passed)} passed; failed here but not by pySHACL: {set(ref_passed) - set(passed)}")
        print("failed:", failed)
        print("differs from pySHACL:", differs)
    # Measured: 95 of 98 (pySHACL 96 with the same harness).  The known gaps are the store's own literal forms
    # (Oxigraph writes "4.0"^^xsd:decimal as "4"), which a store-backed engine reports as stored.
    assert len(passed) >= 92
    # Literal target nodes are reported as the shapes graph writes them ("4.0"^^xsd:decimal, not the store's "4").
    assert not differs
