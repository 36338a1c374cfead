"""The incremental path's Python evaluator (graph.shacl.local) decides exactly as pySHACL does.

Every node of the data is a focus node, every compiled root shape is evaluated over the data's triples: the
examples of the model, generated data with injected faults, and the W3C SHACL Core suite (when ../shared has it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from graph.shacl.engine import referenced_classes, subclass_closure
from graph.shacl.fallback import run_pyshacl
from graph.shacl.local import local_results
from graph.shacl.validator import compile_shapes, data_graph, memory_store
from graph.validate import load_shapes
from tests.test_shacl_parity import EXAMPLE_FILES, MF, SHT, _load, _w3c_tests, generate, keys, with_ontology


def local_parity(data: Graph, shapes: Graph) -> tuple[set, set] | None:
    """(local keys, pySHACL keys), or None when some shape goes to pySHACL anyway."""
    c = compile_shapes(shapes)
    if c.fallback:
        return None
    held = data_graph(memory_store(data, shapes))
    triples = list(held)
    nodes = {t[0] for t in triples} | {t[2] for t in triples}
    for r in c.model.roots:
        nodes |= {o for k, o in c.model[r].targets if k == SH.targetNode}
    closure = subclass_closure([(s, o) for s, _p, o in held.triples((None, RDFS.subClassOf, None))],
                               referenced_classes(c.model))
    mine = local_results(c.model, c.compiled_roots, triples, closure, sorted(nodes, key=str))
    return keys(mine, shapes), keys(run_pyshacl(held, tuple(shapes)), shapes)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_examples_local_match_pyshacl(path: Path) -> None:
    got = local_parity(with_ontology(Graph().parse(path)), load_shapes())
    assert got is not None
    mine, ref = got
    assert mine == ref
    assert bool(mine) == ("-invalid-" in path.name)


def test_generated_data_local_matches_pyshacl() -> None:
    got = local_parity(with_ontology(generate(40, seed=11)), load_shapes())
    assert got is not None
    mine, ref = got
    assert ref and mine == ref


@pytest.mark.conformance
def test_w3c_shacl_core_local(shared_dir: Path) -> None:
    core = shared_dir / "conformance" / "shacl" / "core"
    if not core.is_dir():
        pytest.skip("no SHACL Core suite in ../shared")
    differs, compared = [], 0
    for name, _f, entry, mg in _w3c_tests(core):
        action = mg.value(entry, MF.action)
        data = _load(mg.value(action, SHT.dataGraph))  # type: ignore[arg-type]
        shapes = _load(mg.value(action, SHT.shapesGraph))  # type: ignore[arg-type]
        got = local_parity(data, shapes)
        if got is None:
            continue
        compared += 1
        if got[0] != got[1]:
            differs.append(name)
    assert compared > 80
    assert not differs, differs


def test_targets_of_a_small_change_only() -> None:
    shapes = load_shapes()
    c = compile_shapes(shapes)
    ex = URIRef("https://w3id.org/govkg/id/person/x")
    triples = [(ex, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person"))]
    closure = subclass_closure([], referenced_classes(c.model))
    found = local_results(c.model, c.compiled_roots, triples, closure, [ex])
    assert {r.focus for r in found} == {ex}
    assert SH.MinCountConstraintComponent in {r.component for r in found}
    assert local_results(c.model, c.compiled_roots, triples, closure, []) == []
