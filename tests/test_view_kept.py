"""The viewer's kept memos (graph.kept, graph.write_log) after every kind of write: what a page is answered from
memory after a write equals what the store answers afresh, and a write that cannot change a memo leaves it.

Real store on disk (the seed), writes through graph.changes and graph.review (the steward's path, the update
endpoint, the Graph Store protocol and revert all end in graph.commit.execute)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from graph import asof_names, labels, side_tables, timeline
from graph.changes import apply_update, delete_graph, post_graph, put_graph
from graph.commit import WriteContext
from graph.entity_facts import known_predicates
from graph.review import revert
from graph.store.base import Store
from graph.viewcache import invalidate
from tests.seeded import seeded_store, values

ID = "https://w3id.org/govkg/id/"
CP = f"{ID}unit/chinh-phu"
VPCP = f"{ID}unit/van-phong-chinh-phu"
G = "https://w3id.org/govkg/graph/kept-test"
SRC = f"{ID}source/chinhphu-2023-07-18-khoi-thi-dua-3"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
P = f"{ID}person/nguyen-thu-kept"
ET = f"{ID}concept/event-type/ky-ket-giao-uoc-thi-dua"
UNIT_CP = f'<{CP}> a <http://www.w3.org/ns/org#Organization> ; rdfs:label "Chính phủ"@vi ; dct:source <{SRC}> .'
E = f"{ID}event/2031-01-02-kept-test"
PFX = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
       "PREFIX dct: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
       "PREFIX govkg: <https://w3id.org/govkg/ontology#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")


@pytest.fixture(autouse=True)
def engine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the engine answers and the memos keep: the tables beside the store answer ahead of both
    (tests/test_side_tables.py), here they are left out."""
    monkeypatch.setattr(side_tables, "_ask", lambda store, read: None)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = seeded_store(tmp_path_factory, "kept")
    yield st
    st.close()


def _subjects(store: Store) -> list[str]:
    units = [r["u"] for r in values(store, "SELECT DISTINCT ?u WHERE { ?u a <http://www.w3.org/ns/org#Organization> }")]
    people = [r["p"] for r in values(store, "SELECT DISTINCT ?p WHERE { ?p a foaf:Person } LIMIT 40")]
    return sorted({*units, *people, CP, VPCP, P, E})


def answers(store: Store) -> dict[str, Any]:
    """What the pages read through the kept memos."""
    subs = _subjects(store)
    units = [s for s in subs if "/unit/" in s]
    return {
        "labels": labels.labels(store, subs, "vi"),
        "labels_en": labels.labels(store, subs, "en"),
        "names": {u: asof_names.names_on(store, [u], date(2023, 7, 18)).get(u) for u in units},
        "legal": asof_names.legal_graphs(store),
        "timeline_unit": timeline.matching(store, timeline.Filters(unit=CP)),
        "timeline_person": timeline.matching(store, timeline.Filters(person=P)),
        "timeline_all": timeline.matching(store, timeline.Filters()),
        "types": timeline.event_types(store),
        "predicates": known_predicates(store),
        "terms": labels.term_labels(store, known_predicates(store)),
    }


def check(store: Store) -> dict[str, Any]:
    kept = answers(store)
    invalidate()
    fresh = answers(store)
    for k in fresh:
        assert kept[k] == fresh[k], k
    return fresh


def steward() -> WriteContext:
    return WriteContext("kept-test", role="admin", comment="kept memos test", confirm="all")


def test_every_write_leaves_the_memos_equal_to_the_store(store: Store) -> None:
    check(store)
    ctx = steward()
    person = (f'<{P}> a foaf:Person ; rdfs:label "Nguyễn Thử Kept"@vi ; foaf:name "Nguyễn Thử Kept" ; '
              f"dct:source <{SRC}> .")
    # Graph Store protocol: a new graph (a new person), then the same graph replaced (the label changes)
    post_graph(store, G, (PFX + person).encode(), "turtle", "kept", ctx=ctx)
    assert labels.labels(store, [P])[P] == "Nguyễn Thử Kept"
    check(store)
    put_graph(store, G, (PFX + person.replace("Thử Kept\"@vi", "Thử Đổi\"@vi")).encode(), "turtle", "kept", ctx=ctx)
    assert labels.labels(store, [P])[P] == "Nguyễn Thử Đổi"
    check(store)
    # an update: an event organised by the government with the person taking part (timelines of both move)
    event = (f"<{E}> a schema:Event , <http://www.w3.org/ns/prov#Activity> ; govkg:eventType <{ET}> ; "
             f'rdfs:label "Sự kiện thử"@vi ; schema:startDate "2031-01-02"^^xsd:date ; '
             f"schema:organizer <{CP}> ; <http://www.w3.org/ns/prov#wasAssociatedWith> <{P}> ; dct:source <{SRC}> . "
             + UNIT_CP)
    ch = apply_update(store, f"{PFX} INSERT DATA {{ GRAPH <{G}> {{ {event} }} }}", "kept", ctx=ctx)
    assert any(e == E for _, e in timeline.matching(store, timeline.Filters(person=P)))
    check(store)
    # a restated label of the government in another graph (a set-level no-op), then its removal
    apply_update(store, f"{PFX} INSERT DATA {{ GRAPH <{G}-r> {{ {UNIT_CP} }} }}", "kept", ctx=ctx)
    check(store)
    apply_update(store, f"{PFX} DELETE DATA {{ GRAPH <{G}-r> {{ {UNIT_CP} }} }}", "kept", ctx=ctx)
    check(store)
    # revert of the event, then the graph dropped
    revert(store, ch.changeset, ctx)
    assert not any(e == E for _, e in timeline.matching(store, timeline.Filters(person=P)))
    check(store)
    delete_graph(store, G, "kept", ctx=ctx)
    assert labels.labels(store, [P])[P] == P.rsplit("/", 1)[-1]
    check(store)


def test_an_unrelated_write_keeps_what_it_cannot_change(store: Store) -> None:
    check(store)
    today = date.today().isoformat()
    assert labels._LABELS.get(store, (CP, "vi", today)) is not None
    other = f"{ID}person/nguyen-thu-khac"
    data = (f'{PFX} <{other}> a foaf:Person ; rdfs:label "Nguyễn Thử Khác"@vi ; foaf:name "Nguyễn Thử Khác" ; '
            f"dct:source <{SRC}> .")
    post_graph(store, G + "-other", data.encode(), "turtle", "kept", ctx=steward())
    assert labels._LABELS.get(store, (CP, "vi", today)) is not None  # the government's label is still known
    assert labels._LABELS.get(store, (other, "vi", today)) is None  # the new person's was never asked
    assert timeline._MATCHING.get(store, timeline.Filters(unit=CP).key()) is not None
    check(store)
    # a write the log does not describe (an update straight to the engine) forgets everything
    store.update(f'INSERT DATA {{ GRAPH <{G}-raw> {{ <{other}> <{LABEL}> "X"@vi }} }}')
    assert labels._LABELS.get(store, (CP, "vi", today)) is None
    check(store)
