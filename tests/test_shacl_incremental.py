"""Incremental validation (graph.shacl.validate_change) equals a full validation of the state after the change.

Each graph is validated on its own with the ontology graph.  Precisely, for a change with affected set A of
(graph, focus node) pairs (as computed by the engine):
- the incremental results are exactly the full after-state's results whose (graph, focus) is in A;
- the full after-state's results outside A are exactly the full before-state's results outside A;
- the store is not written by validating.
"""

from __future__ import annotations

import io
import random
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.namespaces import GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.shacl import validate_change, validate_store
from graph.shacl.results import Result, flatten
from graph.shacl.validator import change_results, store_results
from graph.store.embedded import EmbeddedStore
from graph.validate import load_ontology, load_shapes
from tests.test_shacl_parity import FOAF, GOV, ID, ORG, SDO, generate

G1, G2 = GRAPH["gen-1"], GRAPH["gen-2"]


def _nquads(n_units: int, seed: int) -> bytes:
    st_ = EmbeddedStore(None)
    for t in load_ontology():
        st_.add((*t, ONTOLOGY_GRAPH))
    for t in load_shapes():
        st_.add((*t, SHAPES_GRAPH))
    for i, t in enumerate(generate(n_units, seed)):
        st_.add((*t, G1 if i % 3 else G2))
    buf = io.BytesIO()
    st_.dump(buf, format="nquads")
    return buf.getvalue()


_DATA = _nquads(40, seed=3)


def fresh(path: Path | None = None) -> EmbeddedStore:
    s = EmbeddedStore(path)
    s.load(_DATA, format="nquads")
    return s


def top_keys(results: list[Result], inside: set | None = None, outside: set | None = None) -> set:
    def k(r: Result) -> tuple:
        return (r.graph, r.focus)

    keep = [r for r in results if (inside is None or k(r) in inside) and (outside is None or k(r) not in outside)]
    return {r.key() for r in flatten(keep)}


def fingerprint(store: EmbeddedStore) -> bytes:
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    return b"\n".join(sorted(buf.getvalue().splitlines()))


PREDICATES = [
    RDF.type,
    RDFS.label,
    ORG.unitOf,
    ORG.subOrganizationOf,
    ORG.member,
    ORG.organization,
    ORG.role,
    ORG.postIn,
    GOV.post,
    GOV.unitType,
    SDO.validFrom,
    SDO.validThrough,
    FOAF.name,
]


def random_change(store: EmbeddedStore, seed: int, k: int) -> tuple[list, list]:
    rnd = random.Random(seed)
    quads = sorted(
        (r["s"], r["p"], r["o"], r["g"])
        for r in store.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g IN (<{G1}>, <{G2}>)) }}"
        ).rows()
    )
    nodes = sorted({q[0] for q in quads} | {q[2] for q in quads if isinstance(q[2], URIRef)})
    removed = rnd.sample(quads, min(k // 2, len(quads)))
    added = []
    for i in range(k - len(removed)):
        p = rnd.choice(PREDICATES)
        s = rnd.choice(nodes) if rnd.random() < 0.8 else URIRef(f"{ID}person/new-{seed}-{i}")
        if p in (RDFS.label, FOAF.name):
            o = Literal(rnd.choice(["Vụ Mới", "New unit", " xấu "]), lang=rnd.choice(["vi", "en"]))
        elif p in (SDO.validFrom, SDO.validThrough):
            o = Literal(f"20{rnd.randrange(10, 30)}-01-01", datatype=XSD.date if rnd.random() < 0.8 else None)
        elif p == RDF.type:
            o = rnd.choice([ORG.Organization, ORG.OrganizationalUnit, ORG.Membership, FOAF.Person, ORG.Post])
        else:
            o = rnd.choice(nodes)
        added.append((s, p, o, rnd.choice([G1, G2])))
    return added, removed


def check(store: EmbeddedStore, added: list, removed: list) -> set:
    before = store_results(store)
    print_before = fingerprint(store)
    inc, affected = change_results(store, added, removed)
    assert fingerprint(store) == print_before, "validating a change must not write it"
    with store.transaction() as tx:
        for q in removed:
            tx.remove(q)
        for q in added:
            tx.add(q)
    after = store_results(store)
    if affected is None:  # a full validation was needed: then it is the whole after-state
        assert top_keys(inc) == top_keys(after)
        return set()
    assert top_keys(inc) == top_keys(after, inside=affected)
    assert top_keys(after, outside=affected) == top_keys(before, outside=affected)
    return affected


def test_small_changes_on_disk(tmp_path: Path) -> None:
    store = fresh(tmp_path / "store")
    total_changed = 0
    for seed in range(6):
        added, removed = random_change(store, seed, 20)
        affected = check(store, added, removed)
        assert affected, "a 20-triple change touches some focus node"
        total_changed += len(affected)
    assert total_changed < 6 * 200, "the affected sets stay small"


def test_change_that_breaks_a_nested_shape() -> None:
    """Removing a concept's scheme (an ontology change: every graph) breaks every post whose role is that
    concept (reached through sh:node), in the graph of the post."""
    store = fresh()
    role = URIRef(f"{ID}concept/role/vu-truong")
    rows = store.query(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{role}> ?p ?o }} }}").rows()
    removed = [(role, r["p"], r["o"], r["g"]) for r in rows if str(r["p"]).endswith("inScheme")]
    assert removed
    assert change_results(store, [], removed)[1] is None
    check(store, [], removed)
    posts = {(r["g"], r["p"]) for r in store.query(
        f"SELECT ?g ?p WHERE {{ GRAPH ?g {{ ?p <{ORG.role}> <{role}> ; a <{ORG.Post}> }} }}")}
    failing = {(r.graph, r.focus) for r in store_results(store) if r.shape == URIRef(
        "https://w3id.org/govkg/shapes#PostShape-role")}
    assert posts and posts <= failing


def test_change_in_one_graph_leaves_the_others() -> None:
    """A second @vi label in another graph is no violation; in the same graph it is."""
    store = fresh()
    row = next(iter(store.query(
        f"SELECT ?u ?g WHERE {{ GRAPH ?g {{ ?u a ?c ; <{RDFS.label}> ?l FILTER(LANG(?l) = 'vi') }} "
        f"VALUES ?c {{ <{ORG.Organization}> <{ORG.OrganizationalUnit}> }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?u <{RDFS.label}> ?m FILTER(LANG(?m) = 'vi') }} FILTER(?h != ?g) }} }} "
        "ORDER BY ?u LIMIT 1")))
    unit, here = row["u"], row["g"]
    other = G2 if here == G1 else G1
    for g, fails in ((other, False), (here, True)):
        q = (unit, RDFS.label, Literal("Tên mới", lang="vi"), g)
        results, affected = change_results(store, [q], [])
        assert affected is not None and all(x[0] == g for x in affected)
        bad = [r for r in results if r.focus == unit and str(r.component).endswith("UniqueLangConstraintComponent")]
        assert bool(bad) == fails
        check(store, [q], [])
        with store.transaction() as tx:
            tx.remove(q)


def test_schema_change_validates_everything() -> None:
    store = fresh()
    q = (URIRef(f"{ID}x"), RDFS.subClassOf, ORG.Organization, G1)
    _inc, affected = change_results(store, [q], [])
    assert affected is None
    check(fresh(), [q], [])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), k=st.integers(1, 24))
def test_random_changes_property(seed: int, k: int) -> None:
    store = fresh()
    added, removed = random_change(store, seed, k)
    check(store, added, removed)


def test_report_api_and_languages() -> None:
    store = fresh()
    # a unit typed in G1 (which graph holds which triple of the generated data depends on the hash seed)
    unit = next(iter(store.query(
        f"SELECT ?u WHERE {{ GRAPH <{G1}> {{ ?u a <{ORG.OrganizationalUnit}> }} }} ORDER BY ?u LIMIT 1").rows()))["u"]
    bad = [(unit, SDO.validFrom, Literal("không rõ"), G1)]
    rep = validate_change(store, bad, [], lang="en")
    assert not rep.conforms
    v = next(v for v in rep.results if v.focus == str(unit) and v.constraint == "DatatypeConstraintComponent")
    assert v.value == '"không rõ"'
    assert v.message("vi") != v.message("en")
    full = validate_store(store)
    assert {(x.focus, x.constraint) for x in full.results} >= {
        (x.focus, x.constraint) for x in validate_change(store, [], []).results
    }


def test_concurrent_validations_agree() -> None:
    store = fresh()
    expected_full = top_keys(store_results(store))
    changes = [random_change(store, s, 20) for s in range(4)]
    expected_inc = [top_keys(change_results(store, a, r)[0]) for a, r in changes]
    errors: list[BaseException] = []
    got: dict[int, set] = {}

    def work(i: int) -> None:
        try:
            if i % 2:
                got[i] = top_keys(store_results(store))
            else:
                a, r = changes[(i // 2) % 4]
                got[i] = top_keys(change_results(store, a, r)[0])
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, keys in got.items():
        assert keys == (expected_full if i % 2 else expected_inc[(i // 2) % 4])


@pytest.mark.parametrize("seed", [11, 12])
def test_new_entity_with_membership(seed: int) -> None:
    """A steward adds a person and a membership (the typical 20-triple change)."""
    store = fresh()
    p, m = URIRef(f"{ID}person/moi-{seed}"), URIRef(f"{ID}membership/moi-{seed}")
    unit, post = URIRef(f"{ID}unit/u2"), URIRef(f"{ID}post/u2-vu-truong")
    added = [
        (p, RDF.type, FOAF.Person, G1),
        (p, FOAF.name, Literal("Trần Thị B"), G1),
        (p, RDFS.label, Literal("Trần Thị B", lang="vi"), G1),
        (m, RDF.type, ORG.Membership, G1),
        (m, ORG.member, p, G1),
        (m, ORG.organization, unit, G1),
        (m, ORG.role, URIRef(f"{ID}concept/role/vu-truong"), G1),
        (m, GOV.post, post, G1),
        (m, SDO.validFrom, Literal("2024-01-01", datatype=XSD.date), G1),
    ]
    if seed % 2:
        added.append((m, SDO.validThrough, Literal("2023-01-01", datatype=XSD.date), G1))
    affected = check(store, added, [])
    assert {(G1, p), (G1, m)} <= affected
