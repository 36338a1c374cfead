"""Every shape has a conforming and a non-conforming example, and each example does what its name says.

``ontology/examples/{Shape}-valid.ttl`` must conform; ``{Shape}-invalid-{what}.ttl`` must fail with at least one
result whose source shape is ``shapes:{Shape}`` or one of its property shapes (``shapes:{Shape}-...``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from graph.validate import load_shapes, validate_files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "ontology" / "examples"
SHAPES_NS = "https://w3id.org/govkg/shapes#"

VALID = sorted(EXAMPLES.glob("*-valid.ttl"))
INVALID = sorted(EXAMPLES.glob("*-invalid-*.ttl"))


def _shape_of(path: Path) -> str:
    return path.stem.split("-", 1)[0]


def _targeted_shapes() -> set[str]:
    g = load_shapes()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {str(s)[len(SHAPES_NS):] for s in g.subjects(RDF.type, SH.NodeShape)
            if any(g.value(s, t) is not None for t in targets)}


def test_there_are_examples() -> None:
    assert len(VALID) >= 20 and len(INVALID) >= 40


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms(path: Path) -> None:
    report = validate_files([path], lang="en")
    assert report.conforms, report.text("en")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_fails_on_its_shape(path: Path) -> None:
    shape = SHAPES_NS + _shape_of(path)
    report = validate_files([path], lang="en")
    assert not report.conforms
    own = [v for v in report.results if v.source_shape == shape or v.source_shape.startswith(shape + "-")]
    assert own, f"{path.name} fails, but not on {shape}:\n{report.text('en')}"
    assert all(v.message("vi") and v.message("en") for v in own), "every result of our shapes has vi and en text"


def test_every_targeted_shape_has_valid_and_invalid_examples() -> None:
    shapes = _targeted_shapes()
    assert "MembershipShape" in shapes and "LabelShape" in shapes
    with_valid = {_shape_of(p) for p in VALID}
    with_invalid = {_shape_of(p) for p in INVALID}
    assert shapes - with_valid == set(), "shapes without a -valid example"
    assert shapes - with_invalid == set(), "shapes without an -invalid- example"
    assert (with_valid | with_invalid) - shapes == set(), "examples named after no shape"


def test_every_shape_has_a_stable_iri_and_messages_in_vi_and_en() -> None:
    g = load_shapes()
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    shapes |= {o for o in g.objects(None, SH.property)}
    assert len(shapes) > 50
    for s in shapes:
        assert isinstance(s, URIRef) and str(s).startswith(SHAPES_NS), f"shape without a stable IRI: {s}"
        langs = {m.language for m in g.objects(s, SH.message)}  # type: ignore[attr-defined]
        assert {"vi", "en"} <= langs, f"{s} lacks an sh:message in vi or en"


def test_shapes_stay_in_shacl_core() -> None:
    g = load_shapes()
    assert not list(g.subject_objects(SH.sparql)), "SPARQL-based constraints are not SHACL Core"
    assert not list(g.subject_objects(SH.rule))


def test_load_shapes_returns_an_independent_copy() -> None:
    a = load_shapes()
    n = len(a)
    a.remove((None, None, None))
    assert len(load_shapes()) == n


def test_validation_does_not_change_the_input() -> None:
    g = Graph().parse(EXAMPLES / "MembershipShape-valid.ttl", format="turtle")
    before = len(g)
    from graph.validate import validate_graph

    assert validate_graph(g).conforms
    assert len(g) == before
