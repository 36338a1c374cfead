"""Hygiene of the ontology, its SKOS schemes and every term used by data, shapes and examples (asserts, never warns).

- The ontology parses, with its ontology IRI, version IRI and ``owl:versionInfo``.
- Every class and property used in ``data/``, the shapes and the examples is declared in the ontology (our own term,
  or a reused term declared with local labels) and labelled ``@vi`` and ``@en``.
- Every govkg term has labels and a definition in both languages; every govkg class sits under a standard class.
- Every SKOS concept has vi/en labels, a definition, a scheme, and an IRI ``{base}/id/concept/{scheme}/{slug}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from graph.namespaces import GOVKG
from graph.seed import data_files, ontology_files, shapes_files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "ontology" / "examples").glob("*.ttl"))
ONTOLOGY_IRI = URIRef("https://w3id.org/govkg/ontology")
#: The languages of the model itself (RDF, RDFS, OWL, SHACL, XSD) need no local declaration.
META = (str(RDF), str(RDFS), str(OWL), str(SH), str(XSD))
TERM_TYPES = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CONCEPT_IRI = re.compile(r"^https://w3id\.org/govkg/id/concept/([a-z0-9-]+)/[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    for p in ontology_files():
        g.parse(p, format="turtle")
    return g


@pytest.fixture(scope="module")
def shapes() -> Graph:
    g = Graph()
    for p in shapes_files():
        g.parse(p, format="turtle")
    return g


def _data_graphs() -> Iterator[tuple[str, Graph]]:
    for p in data_files():
        ds = Dataset()
        ds.parse(p, format="trig")
        for ctx in ds.graphs():
            yield f"{p.name} {ctx.identifier}", ctx
    for p in EXAMPLES:
        yield p.name, Graph().parse(p, format="turtle")


def _declared(ont: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in ont.subjects(RDF.type, t) if isinstance(s, URIRef)}


def _langs(g: Graph, s: URIRef, p: URIRef) -> set[str | None]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def _path_iris(g: Graph, node: object) -> Iterator[URIRef]:
    if isinstance(node, URIRef):
        yield node
        return
    for p in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        for o in g.objects(node, p):  # type: ignore[arg-type]
            yield from _path_iris(g, o)
    if g.value(node, RDF.first) is not None:  # type: ignore[arg-type]
        for item in g.items(node):  # type: ignore[arg-type]
            yield from _path_iris(g, item)


def _used_terms(shapes: Graph) -> dict[URIRef, str]:
    """Every class and property used by the data, the examples and the shapes, with where it was seen."""
    used: dict[URIRef, str] = {}
    for where, g in _data_graphs():
        for _s, p, o in g:
            used.setdefault(p, where)  # type: ignore[arg-type]
            if p == RDF.type and isinstance(o, URIRef):
                used.setdefault(o, where)
    for p in (SH.targetClass, SH["class"]):
        for o in shapes.objects(None, p):
            used.setdefault(o, "shapes")  # type: ignore[arg-type]
    for o in shapes.objects(None, SH.path):
        for iri in _path_iris(shapes, o):
            used.setdefault(iri, "shapes")
    for p in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint, SH.targetSubjectsOf, SH.targetObjectsOf):
        for o in shapes.objects(None, p):
            used.setdefault(o, "shapes")  # type: ignore[arg-type]
    return {t: w for t, w in used.items() if not str(t).startswith(META)}


def test_ontology_parses_with_version(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/govkg/ontology/0.1.0")
    assert {"vi", "en"} <= _langs(ontology, ONTOLOGY_IRI, RDFS.label)
    assert not list(ontology.objects(None, OWL.imports)), "validation must never need to fetch an import"


def test_every_used_term_is_declared_and_labelled(ontology: Graph, shapes: Graph) -> None:
    declared = _declared(ontology)
    used = _used_terms(shapes)
    assert len(used) > 60
    missing = {str(t): w for t, w in used.items() if t not in declared}
    assert not missing, f"terms used but not declared in the ontology: {missing}"
    unlabelled = [str(t) for t in used if not {"vi", "en"} <= _langs(ontology, t, RDFS.label)]
    assert not unlabelled, f"terms without rdfs:label @vi and @en: {unlabelled}"


def test_every_govkg_term_has_labels_and_definitions(ontology: Graph) -> None:
    own = [t for t in _declared(ontology) if str(t).startswith(str(GOVKG))]
    assert len(own) >= 35
    for t in own:
        assert {"vi", "en"} <= _langs(ontology, t, RDFS.label), t
        assert {"vi", "en"} <= _langs(ontology, t, SKOS.definition), t
        assert len(_langs(ontology, t, RDFS.label)) == len(list(ontology.objects(t, RDFS.label))), \
            f"{t}: one label per language"


def test_every_govkg_class_sits_under_a_standard_class(ontology: Graph) -> None:
    classes = [c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(GOVKG))]
    assert classes
    for c in classes:
        supers = [s for s in ontology.objects(c, RDFS.subClassOf) if not str(s).startswith(str(GOVKG))]
        assert supers, f"{c} is not placed under a standard class"


def test_no_govkg_term_is_used_without_being_ours(ontology: Graph, shapes: Graph) -> None:
    declared = _declared(ontology)
    for where, g in [*_data_graphs(), ("shapes", shapes)]:
        for s, p, o in g:
            for t in (s, p, o):
                if isinstance(t, URIRef) and str(t).startswith(str(GOVKG)):
                    assert t in declared, f"{t} used in {where} is not in the ontology"


def test_concepts_are_labelled_defined_and_in_their_scheme(ontology: Graph) -> None:
    concepts = [c for c in ontology.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)]
    assert len(concepts) > 100
    for c in concepts:
        m = CONCEPT_IRI.match(str(c))
        assert m, f"concept IRI {c} is not {{base}}/id/concept/{{scheme}}/{{slug}}"
        scheme = URIRef(f"https://w3id.org/govkg/id/scheme/{m.group(1)}")
        assert (c, SKOS.inScheme, scheme) in ontology, c
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology, scheme
        for p in (SKOS.prefLabel, RDFS.label, SKOS.definition):
            assert {"vi", "en"} <= _langs(ontology, c, p), f"{c} {p}"


def _notations(ontology: Graph, scheme: str) -> dict[str, str]:
    s = URIRef(f"https://w3id.org/govkg/id/scheme/{scheme}")
    return {str(c).rsplit("/", 1)[1]: str(ontology.value(c, SKOS.notation) or "")
            for c in ontology.subjects(SKOS.inScheme, s)}


def test_document_types_cover_decree_30_2020_and_normative_and_party_types(ontology: Graph) -> None:
    notations = set(_notations(ontology, "document-type").values())
    appendix_iii = {"NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB",
                    "TTr", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "SY", "TrS", "SL"}
    assert appendix_iii <= notations
    assert {"NĐ", "TT", "TTLT", "VBHN", "KL"} <= notations
    by_slug = _notations(ontology, "document-type")
    assert by_slug["cong-dien"] == "CĐ" and by_slug["nghi-dinh"] == "NĐ"
    assert by_slug["cong-van"] == "", "Công văn has no type abbreviation"
    assert {"luat", "nghi-quyet-quoc-hoi"} <= set(by_slug)


@pytest.mark.parametrize(("scheme", "slugs"), [
    ("unit-type", {"chinh-phu", "bo", "co-quan-ngang-bo", "vu", "cuc", "khoi-thi-dua", "hoi-dong", "chi-bo",
                   "dang-bo"}),
    ("role", {"vu-truong", "pho-vu-truong", "chu-nhiem", "pho-chu-nhiem", "bi-thu-chi-bo", "chu-tich-hoi-dong",
              "thu-tuong", "bo-truong", "khoi-truong"}),
    ("event-type", {"ky-ket-giao-uoc-thi-dua", "sinh-hoat-chuyen-de", "hoi-nghi", "phien-hop", "le-ky-niem",
                    "bo-nhiem", "sap-xep-to-chuc"}),
    ("participant-role", {"chair", "speaker", "presenter", "participant", "signatory", "organiser"}),
    ("change-type", {"rename", "merger", "transfer", "founding", "dissolution", "split"}),
])
def test_schemes_hold_the_model_concepts(ontology: Graph, scheme: str, slugs: set[str]) -> None:
    assert slugs <= set(_notations(ontology, scheme))


def _changeset_terms(tmp_path: Path) -> set[URIRef]:
    """The classes and properties of the audit graph (in the audit store) after real changes through the write
    path on a store on disk: an applied write that creates a graph, its revert, a staged change accepted by
    another steward, and a graph dropped."""
    from graph.commit import WriteContext, execute
    from graph.diffs import CHANGES_GRAPH, graph_plan, patch_plan
    from graph.namespaces import ID
    from graph.review import accept, revert
    from graph.store import audit_store, forget, open_store

    st = open_store(tmp_path / "store")
    try:
        g = URIRef("https://w3id.org/govkg/graph/hygiene-test")
        person = URIRef(f"{ID}person/thu-nghiem-hygiene")
        add = [(person, RDFS.label, Literal("Thử Nghiệm", lang="vi"), g)]
        a = WriteContext(actor="a", comment="why", source="/test")
        first = execute(st, a, "post", graph_plan(str(g), set(add), "post"))
        revert(st, first.id, a)
        staged = execute(st, WriteContext(actor="a", comment="staged", stage=True), "form", patch_plan(add, []))
        accept(st, staged.id, WriteContext(actor="b", comment="ok"))
        execute(st, a, "delete", graph_plan(str(g), set(), "delete"))
        assert CHANGES_GRAPH not in st.named_graphs()  # the audit trail is not in the data store
        rows = audit_store(st).query(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH <{CHANGES_GRAPH}> {{ ?s ?p ?o }} }}").rows()
    finally:
        forget(st)
    terms = {URIRef(str(r["p"])) for r in rows}
    terms |= {URIRef(str(r["o"])) for r in rows if str(r["p"]) == str(RDF.type)}
    return {t for t in terms if not str(t).startswith(META)}


def test_terms_written_by_the_changesets_are_declared_and_labelled(ontology: Graph, tmp_path: Path) -> None:
    terms = _changeset_terms(tmp_path)
    assert {GOVKG.Changeset, GOVKG.touches, GOVKG.reverts, GOVKG.accepts, GOVKG.reviewedBy, GOVKG.reviewedAt,
            GOVKG.createdGraphs, GOVKG.droppedGraphs, GOVKG.changeSource} <= terms
    missing = sorted(str(t) for t in terms - _declared(ontology))
    assert not missing, f"terms of the audit graph not declared in the ontology: {missing}"
    unlabelled = sorted(str(t) for t in terms if not {"vi", "en"} <= _langs(ontology, t, RDFS.label))
    assert not unlabelled, f"terms of the audit graph without rdfs:label @vi and @en: {unlabelled}"
    assert ontology.value(GOVKG.Changeset, RDFS.subClassOf) == URIRef("http://www.w3.org/ns/prov#Activity")
