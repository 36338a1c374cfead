"""Entity pages and the relationship finder answered from what was kept (graph.entity_memo, graph.paths) equal the
pages read afresh, after every kind of write that can change them; a write that cannot change a page leaves what
the page kept.

Real store on disk (the seed), writes through graph.changes (the steward's path ends in graph.commit.execute)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph import commit, entity_memo, paths
from graph.analysis import connect
from graph.changes import apply_update, delete_graph, post_graph
from graph.commit import WriteContext
from graph.entity import entity_view
from graph.store.base import Store
from graph.viewcache import invalidate
from tests.seeded import seeded_store, values

ID = "https://w3id.org/govkg/id/"
CP = f"{ID}unit/chinh-phu"
VPCP = f"{ID}unit/van-phong-chinh-phu"
SRC = f"{ID}source/chinhphu-2023-07-18-khoi-thi-dua-3"
SRC2 = f"{ID}source/cafef-2025-10-24-quoc-hoi-bo-sung-pho-thu-tuong"
G = "https://w3id.org/govkg/graph/entity-kept-test"
X = f"{ID}person/nguyen-thu-x"
M1 = f"{ID}membership/entity-kept-m1"
M2 = f"{ID}membership/entity-kept-m2"
U = f"{ID}unit/don-vi-thu-kept"
AGENT = f"{ID}unit/vpcp-khoi-thi-dua-3"  # a participant (a blank-node association) of the busiest seed event
ROLE = f"{ID}concept/role/pho-chu-nhiem"
PFX = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
       "PREFIX dct: <http://purl.org/dc/terms/> PREFIX org: <http://www.w3.org/ns/org#> "
       "PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> "
       "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
CTX = WriteContext("entity-kept-test", role="admin", comment="entity memos test", confirm="all")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = seeded_store(tmp_path_factory, "entity-kept")
    yield st
    st.close()


def _subjects(store: Store) -> list[str]:
    def top(q: str) -> list[str]:
        return [r["x"] for r in values(store, q)]

    people = top("SELECT ?x (COUNT(*) AS ?n) WHERE { ?m org:member ?x . ?x a foaf:Person } GROUP BY ?x "
                 "ORDER BY DESC(?n) ?x LIMIT 3")
    events = top("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x prov:wasAssociatedWith ?a } GROUP BY ?x "
                 "ORDER BY DESC(?n) ?x LIMIT 2")
    docs = top("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x eli:passed_by ?a } GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 2")
    return [CP, VPCP, X, U, *people, *events, *docs]


def pages(store: Store) -> dict[str, Any]:
    """Every page of the subjects, and a section's own view and the sources' view of the government."""
    out: dict[str, Any] = {s: entity_view(store, s) for s in _subjects(store)}
    out["cp-heads"] = entity_view(store, CP, section="heads")
    out["cp-sources"] = entity_view(store, CP, section="sources")
    out["vpcp-members"] = entity_view(store, VPCP, section="members")
    subs = _subjects(store)
    people, events = subs[4:7], subs[7:9]
    for a, b in [(X, VPCP), (X, CP), (U, CP), (X, U), (X, people[0]), (people[1], people[2]), (X, events[0]),
                 (AGENT, events[1])]:
        out[f"path {a} {b}"] = connect(store, a, b)
    out["neighbours"] = paths.neighbours(store, [X, U, AGENT, VPCP, *people, *events])  # each end's first step
    return out


def check(store: Store) -> dict[str, Any]:
    kept = pages(store)
    again = pages(store)  # answered from what was kept
    invalidate()
    fresh = pages(store)
    for k in fresh:
        assert kept[k] == fresh[k], k
        assert again[k] == fresh[k], k
    return fresh


def update(store: Store, sparql: str) -> None:
    apply_update(store, PFX + sparql, "entity-kept", ctx=CTX)


def heads(view: dict[str, Any] | None) -> set[str]:
    assert view is not None
    return {f["value"].get("iri", "") for s in view["sections"] if s["key"].startswith("heads") for f in s["facts"]}


def members(view: dict[str, Any] | None) -> set[str]:
    assert view is not None
    return {f["value"].get("iri", "") for s in view["sections"] if s["key"] == "members" for f in s["facts"]}


def test_every_write_that_can_change_a_page_shows_on_it(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    check(store)
    # a new head of VPCP (a person with a role), and a unit as a member without one
    vpcp = f'<{VPCP}> a org:Organization ; rdfs:label "Văn phòng Chính phủ"@vi ; dct:source <{SRC2}> .'
    update(store, f'INSERT DATA {{ GRAPH <{G}-a> {{ {vpcp} <{X}> a foaf:Person ; rdfs:label "Nguyễn Thử X"@vi ; '
                  f'foaf:name "Nguyễn Thử X" ; dct:source <{SRC}> . <{M1}> a org:Membership ; '
                  f"org:organization <{VPCP}> ; org:member <{X}> ; org:role <{ROLE}> ; dct:source <{SRC}> . "
                  f"<{U}> a org:Organization ; rdfs:label \"Đơn vị thử\"@vi ; dct:source <{SRC}> . "
                  f"<{M2}> a org:Membership ; org:organization <{VPCP}> ; org:member <{U}> ; "
                  f"dct:source <{SRC}> . }} }}")
    got = check(store)
    assert X in heads(got[VPCP]) and U in members(got[VPCP])
    assert got[f"path {X} {VPCP}"]["paths"] and got[f"path {U} {CP}"]["paths"]
    # the membership's period, a second source and its role restated, in a graph that names only the membership
    update(store, f'INSERT DATA {{ GRAPH <{G}-b> {{ <{M1}> schema:validFrom "2030-01-01"^^xsd:date ; '
                  f"dct:source <{SRC2}> ; org:role <{ROLE}> . }} }}")
    got = check(store)
    assert any(f["from"] == "2030-01-01" for s in got[VPCP]["sections"] if s["key"].startswith("heads")
               for f in s["facts"])
    # a source's date moves (the order of a fact's sources, newest first); the head and its role restated
    update(store, f'INSERT DATA {{ GRAPH <{G}-c> {{ <{SRC}> dct:issued "2031-01-01"^^xsd:date . '
                  f'<{X}> a foaf:Person ; rdfs:label "Nguyễn Thử X"@vi ; foaf:name "Nguyễn Thử X" ; '
                  f"dct:source <{SRC}> . }} }}")
    check(store)
    # the government restated in another graph (counts per graph move, the sets do not), then the copy removed
    cp = f'<{CP}> a org:Organization ; rdfs:label "Chính phủ"@vi ; dct:source <{SRC}> .'
    update(store, f"INSERT DATA {{ GRAPH <{G}-r> {{ {cp} }} }}")
    check(store)
    update(store, f"DELETE DATA {{ GRAPH <{G}-r> {{ {cp} }} }}")
    check(store)
    # the head's membership moves to another unit in a write that does not name the head: only the membership in
    # between changes (the shapes would refuse the membership left without a unit in its first graph; the memos
    # must not depend on that)
    with monkeypatch.context() as m:
        m.setattr(commit, "validate", lambda *a: None)
        update(store, f"DELETE DATA {{ GRAPH <{G}-a> {{ <{M1}> org:organization <{VPCP}> }} }} ; "
                      f"INSERT DATA {{ GRAPH <{G}-d> {{ <{M1}> org:organization <{U}> }} }}")
    got = check(store)
    assert [X, U] in [[n["iri"] for n in p["nodes"]] for p in got[f"path {X} {U}"]["paths"]]
    assert X not in heads(got[VPCP])
    # a blank-node participation of one event said of another too (the update names neither the agent nor the
    # participation's own links): the agent's relationships move
    e0, e1 = _subjects(store)[7:9]
    with monkeypatch.context() as m:
        m.setattr(commit, "validate", lambda *a: None)
        update(store, f"INSERT {{ GRAPH <{G}-e> {{ <{e1}> prov:qualifiedAssociation ?a }} }} WHERE {{ "
                      f"GRAPH ?g {{ <{e0}> prov:qualifiedAssociation ?a . ?a prov:agent <{AGENT}> }} }}")
    got = check(store)
    assert [AGENT, e1] in [[n["iri"] for n in p["nodes"]] for p in got[f"path {AGENT} {e1}"]["paths"]]
    assert e1 in got["neighbours"][AGENT]
    # the graphs dropped: the head and the member are gone
    for g in "edcba":
        delete_graph(store, f"{G}-{g}", "entity-kept", ctx=CTX)
        got = check(store)
    assert X not in heads(got[VPCP]) and U not in members(got[VPCP])


def test_a_write_elsewhere_keeps_the_hub_page(store: Store) -> None:
    check(store)
    other = f"{ID}person/nguyen-thu-khac"
    data = (f'{PFX} <{other}> a foaf:Person ; rdfs:label "Nguyễn Thử Khác"@vi ; foaf:name "Nguyễn Thử Khác" ; '
            f"dct:source <{SRC}> .")
    post_graph(store, G + "-other", data.encode(), "turtle", "entity-kept", ctx=CTX)
    # the government's header and its first sections are still known: nothing of them changed
    known = entity_memo.kept_many(store, [("header", CP, 0, False), ("stated", CP)])
    assert ("header", CP, 0, False) in known
    check(store)
    # a write the log does not describe forgets them
    store.update(f'INSERT DATA {{ GRAPH <{G}-raw> {{ <{CP}> <http://www.w3.org/2000/01/rdf-schema#label> "X"@vi }} }}')
    assert entity_memo.kept_many(store, [("header", CP, 0, False)]) == {}
    check(store)
