"""The timeline's matching events and the relationship finder's steps asked with ``LATERAL`` (a lookup per event
or per node, where the engine has it) are those of the standard query: the pages are the same, on the seed and on
a generated 10k store, both on disk, with a few awkward events added (two start dates in two graphs, none, a
non-event organised by a unit, an event typed in one graph and linked in another)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from itertools import combinations
from typing import Any

import pytest

from bench.viewer import pick_subjects
from graph import paths
from graph.analysis import connect
from graph.store import EmbeddedStore
from graph.timeline import Filters, events, matching
from graph.viewcache import invalidate
from tests.seeded import seeded_or_generated, values

ID = "https://w3id.org/govkg/id/"
CP = f"{ID}unit/chinh-phu"
HOI_NGHI = f"{ID}concept/event-type/hoi-nghi"
TWO_DATES, UNDATED, SPLIT = f"{ID}event/r-two-dates", f"{ID}event/r-undated", f"{ID}event/r-split"
NOT_EVENT = f"{ID}document/r-organised-document"
QUALIFIED, AGENT = f"{ID}event/r-qualified-only", f"{ID}person/r-agent"  # linked only by the n-ary nodes
AWKWARD = f"""PREFIX schema: <https://schema.org/> PREFIX govkg: <https://w3id.org/govkg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
INSERT DATA {{
  GRAPH <urn:r:a> {{ <{TWO_DATES}> a schema:Event ; schema:organizer <{CP}> ; govkg:eventType <{HOI_NGHI}> ;
                       schema:startDate "2021-03-04"^^xsd:date .
                     <{UNDATED}> a schema:Event ; prov:wasAssociatedWith <{CP}> .
                     <{NOT_EVENT}> schema:organizer <{CP}> ; schema:startDate "2001-01-01"^^xsd:date .
                     <{SPLIT}> a schema:Event ; schema:startDate "2022-02-02"^^xsd:date .
                     <{QUALIFIED}> a schema:Event ; prov:qualifiedAssociation <{ID}association/r-q> .
                     <{ID}association/r-q> prov:agent <{AGENT}> .
                     <{ID}membership/r-m> org:member <{AGENT}> ; org:organization <{CP}> }}
  GRAPH <urn:r:b> {{ <{TWO_DATES}> schema:startDate "2020-01-02"^^xsd:date .
                     <{SPLIT}> schema:organizer <{CP}> ; govkg:eventType <{HOI_NGHI}> }}
}}"""


@pytest.fixture(scope="module", params=["seed", "10k"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    st = seeded_or_generated(tmp_path_factory, "lateral-search", request.param)
    st.update(AWKWARD)
    yield st
    st.close()


def _both(store: EmbeddedStore, call: Callable[[EmbeddedStore], Any]) -> tuple[str, str]:
    """The JSON of ``call(store)`` asked with LATERAL and without it, every memo forgotten before each."""
    out = []
    for lateral in (True, False):
        store.supports_lateral = lateral  # type: ignore[misc]
        invalidate()
        out.append(json.dumps(call(store), sort_keys=True, default=sorted, ensure_ascii=False))
    del store.supports_lateral
    return out[0], out[1]


def _filters(store: EmbeddedStore) -> list[Filters]:
    s = pick_subjects(store)
    return [Filters(unit=CP), Filters(unit=s["unit"]), Filters(person=s["person"]), Filters(person=s["person2"]),
            Filters(unit=CP, type=HOI_NGHI), Filters(unit=CP, start=date(2020, 1, 1), end=date(2021, 12, 31)),
            Filters(person=s["person"], start=date(2023, 1, 1)), Filters(unit=CP, person=s["person"]),
            Filters(person=AGENT), Filters(type=HOI_NGHI), Filters()]


def test_the_matching_events_are_the_same_with_and_without_lateral(store: EmbeddedStore) -> None:
    for f in _filters(store):
        with_lateral, without = _both(store, lambda s, f=f: matching(s, f))
        assert with_lateral == without, f
    found = dict((e, start) for start, e in json.loads(_both(store, lambda s: matching(s, Filters(unit=CP)))[0]))
    assert found[TWO_DATES] == "2020-01-02" and found[UNDATED] == "" and found[SPLIT] == "2022-02-02"
    assert NOT_EVENT not in found
    assert [e for _, e in json.loads(_both(store, lambda s: matching(s, Filters(person=AGENT)))[0])] == [QUALIFIED]
    typed = json.loads(_both(store, lambda s: matching(s, Filters(unit=CP, type=HOI_NGHI)))[0])
    assert {TWO_DATES, SPLIT} <= {e for _, e in typed} and UNDATED not in {e for _, e in typed}


def test_timeline_pages_are_the_same_with_and_without_lateral(store: EmbeddedStore) -> None:
    for f in (Filters(unit=CP), Filters(unit=CP, limit=5, page=2), Filters(person=pick_subjects(store)["person"])):
        with_lateral, without = _both(store, lambda s, f=f: events(s, f))
        assert with_lateral == without, f
        assert json.loads(with_lateral)["events"]


def _entities(store: EmbeddedStore) -> list[str]:
    s = pick_subjects(store)
    q = "SELECT ?x WHERE { { SELECT DISTINCT ?x WHERE { ?x org:memberOf|schema:organizer [] } } } ORDER BY ?x LIMIT 4"
    some = [r["x"] for r in values(store, q)]
    return sorted({s["person"], s["person2"], s["unit"], s["document"], s["event"], CP, QUALIFIED, AGENT, *some}
                  - {""})


def test_relationships_are_the_same_with_and_without_lateral(store: EmbeddedStore) -> None:
    nodes = _entities(store)
    assert len(nodes) >= 6
    with_lateral, without = _both(store, lambda s: {n: sorted(ms) for n, ms in paths.neighbours(s, nodes).items()})
    assert with_lateral == without and len(json.loads(with_lateral)) == len(nodes)
    assert json.loads(with_lateral)[AGENT] == sorted([QUALIFIED, CP])
    found = 0
    for a, b in combinations(nodes, 2):
        with_lateral, without = _both(store, lambda s, a=a, b=b: connect(s, a, b))
        assert with_lateral == without, (a, b)
        found += bool(json.loads(with_lateral)["paths"])
    assert found >= len(nodes)  # most pairs are connected: the searches went past the first step
