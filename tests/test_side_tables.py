"""The tables kept beside an embedded store (graph.side_tables): what the pages read from them equals what the engine
answers, after every kind of write, a restart, a write from outside graph.commit, a damaged file and another store.

Real stores on disk (the seed, and the seed with the generated 10k graph); writes through graph.changes and
graph.review, the steward's path."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph import asof, asof_names, entity, labels, side_tables, timeline
from graph.changes import apply_update, delete_graph, post_graph
from graph.commit import WriteContext
from graph.entity_facts import FACT_SOURCES
from graph.review import revert
from graph.store import EmbeddedStore
from graph.store.base import Store
from graph.viewcache import invalidate
from tests.seeded import seeded_or_generated, seeded_store, values

ID = "https://w3id.org/govkg/id/"
CP = f"{ID}unit/chinh-phu"
VPCP = f"{ID}unit/van-phong-chinh-phu"
SRC = f"{ID}source/chinhphu-2023-07-18-khoi-thi-dua-3"
G = "https://w3id.org/govkg/graph/side-tables-test"
P = f"{ID}person/nguyen-thu-bang"
U = f"{ID}unit/vpcp-vu-thu-bang"
E = f"{ID}event/2031-01-02-side-tables-test"
ET = f"{ID}concept/event-type/ky-ket-giao-uoc-thi-dua"
ORG_UNIT_OF = "http://www.w3.org/ns/org#unitOf"
D36 = f"{ID}document/36-2025-nd-cp"
NG = "https://w3id.org/govkg/graph/nd-36-2025-nd-cp"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PERSON = f'<{P}> a foaf:Person ; rdfs:label "Nguyễn Thử Bảng"@vi ; foaf:name "Nguyễn Thử Bảng" ; dct:source <{SRC}> .'
PFX = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
       "PREFIX dct: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> "
       "PREFIX org: <http://www.w3.org/ns/org#> PREFIX prov: <http://www.w3.org/ns/prov#> "
       "PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")


def steward() -> WriteContext:
    return WriteContext("side-tables-test", role="admin", comment="side tables test", confirm="all")


def subjects(store: Store) -> list[str]:
    found = values(store, "SELECT DISTINCT ?s WHERE { ?s a ?k FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1500")
    return sorted({r["s"] for r in found} | {CP, VPCP, P, D36})


def answers(store: Store) -> dict[str, Any]:
    """What the pages read: labels in both languages, today's unit names and the legal graphs, nothing kept."""
    subs = subjects(store)
    units = [s for s in subs if "/unit/" in s]
    out: dict[str, Any] = {}
    for lang in ("vi", "en"):
        invalidate()
        out[f"labels-{lang}"] = labels.labels(store, subs, lang)
    invalidate()
    out["names"] = asof_names.names_on(store, units, date(2023, 7, 18))
    invalidate()
    out["legal"] = asof_names.legal_graphs(store)
    person = next((x for x in subs if "/person/" in x and x != P), P)
    event = next((x for x in subs if "/event/" in x), CP)
    for iri in (CP, VPCP, person, D36, event, P):
        for lang in ("vi", "en"):
            invalidate()
            out[f"view-{iri}-{lang}"] = without_samples(entity.entity_view(store, iri, lang))
    invalidate()
    chart = asof.org_chart(store, CP, date(2023, 7, 18))
    out["chart"] = chart.to_dict() if chart is not None else None
    invalidate()
    out["parts"] = timeline.unit_and_parts(store, CP)
    invalidate()
    out["types"] = timeline.event_types(store)
    for f in (timeline.Filters(unit=CP), timeline.Filters(person=P), timeline.Filters()):
        invalidate()
        out[f"timeline-{f.key()}"] = timeline.events(store, f)
    invalidate()
    return out


def without_samples(view: dict[str, Any] | None) -> dict[str, Any] | None:
    """An entity view without which of a fact's many graphs was cited (the engine samples one; the tables keep
    the first): the facts with sources left unlisted say how many they list, not which."""
    if view is None:
        return None
    for sec in view["sections"]:
        for f in sec["facts"]:
            if f["sources_more"] or f["sources_total"] > FACT_SOURCES:
                f["sources"] = len(f["sources"])
    return view


def from_engine(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as m:
        m.setattr(side_tables, "_ask", lambda store, read: None)
        return answers(store)


def assert_tables_answer(store: Store, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The tables are current and every answer read from them equals the engine's."""
    assert side_tables.state(store)["current"], "the tables fell behind the store"
    asked: list[int] = []
    real = side_tables._ask

    def counting(store: Store, read: Any) -> Any:
        got = real(store, read)
        asked.append(got is not None)
        return got

    with monkeypatch.context() as m:
        m.setattr(side_tables, "_ask", counting)
        mine = answers(store)
    assert asked and all(asked), "an answer was not read from the tables"
    engine = from_engine(store, monkeypatch)
    for k in engine:
        assert mine[k] == engine[k], k
    return mine


@pytest.fixture(scope="module", params=["seed", "10k"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    st = seeded_or_generated(tmp_path_factory, "side", request.param)
    assert side_tables.ensure(st, wait=True)
    yield st
    st.close()


def test_the_tables_answer_as_the_engine(built: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    got = assert_tables_answer(built, monkeypatch)
    assert got["labels-vi"][CP] == "Chính phủ"
    assert got["legal"], "the seed has graphs derived from legal documents"
    path = side_tables.path_for(built)
    assert path is not None and path.is_file() and path.parent == built.path.parent


def test_every_committed_write_keeps_them_current(tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    st = seeded_store(tmp_path_factory, "side-writes")
    assert side_tables.ensure(st, wait=True)
    ctx = steward()
    person = PERSON
    post_graph(st, G, (PFX + person).encode(), "turtle", "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["labels-vi"][P] == "Nguyễn Thử Bảng"
    # a second label in English, then the Vietnamese one changed
    ch = apply_update(st, f'{PFX} INSERT DATA {{ GRAPH <{G}> {{ <{P}> rdfs:label "Nguyen Thu Bang"@en }} }}',
                      "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["labels-en"][P] == "Nguyen Thu Bang"
    apply_update(st, f'{PFX} DELETE DATA {{ GRAPH <{G}> {{ <{P}> rdfs:label "Nguyễn Thử Bảng"@vi }} }} ; '
                     f'INSERT DATA {{ GRAPH <{G}> {{ <{P}> rdfs:label "Nguyễn Thử Đổi"@vi }} }}', "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["labels-vi"][P] == "Nguyễn Thử Đổi"
    # an event organised by the government with the person taking part: the event types' counts move
    event = (f"<{E}> a schema:Event , prov:Activity ; <https://w3id.org/govkg/ontology#eventType> <{ET}> ; "
             f'rdfs:label "Sự kiện thử bảng"@vi ; schema:startDate "2031-01-02"^^xsd:date ; '
             f"schema:organizer <{CP}> ; prov:wasAssociatedWith <{P}> ; dct:source <{SRC}> . "
             f'<{CP}> a org:Organization ; rdfs:label "Chính phủ"@vi ; dct:source <{SRC}> .')
    types_before = dict(timeline.event_types(st))
    apply_update(st, f"{PFX} INSERT DATA {{ GRAPH <{G}> {{ {event} }} }}", "side", ctx=ctx)
    got = assert_tables_answer(st, monkeypatch)
    assert dict(got["types"])[ET] == types_before.get(ET, 0) + 1
    # the government's label restated in another graph (no change as a set), then removed from it
    unit = f'<{CP}> a org:Organization ; rdfs:label "Chính phủ"@vi ; dct:source <{SRC}> .'
    apply_update(st, f"{PFX} INSERT DATA {{ GRAPH <{G}-r> {{ {unit} }} }}", "side", ctx=ctx)
    assert_tables_answer(st, monkeypatch)
    apply_update(st, f"{PFX} DELETE DATA {{ GRAPH <{G}-r> {{ {unit} }} }}", "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["labels-vi"][CP] == "Chính phủ"
    # a new unit under the Government Office, restated by two more graphs, then by one less: the counts move
    unit = (f'<{U}> a org:Organization , org:OrganizationalUnit ; rdfs:label "Vụ Thử Bảng"@vi ; org:unitOf <{VPCP}> ; '
            f"<https://w3id.org/govkg/ontology#unitType> <{ID}concept/unit-type/cong-thong-tin-dien-tu> ; "
            f'dct:source <{SRC}> . <{VPCP}> a org:Organization ; rdfs:label "Văn phòng Chính phủ"@vi , '
            f'"Government Office"@en ; dct:source <{SRC}> .')
    for g in (G, f"{G}-u1", f"{G}-u2"):
        apply_update(st, f"{PFX} INSERT DATA {{ GRAPH <{g}> {{ {unit} }} }}", "side", ctx=ctx)
    assert_tables_answer(st, monkeypatch)
    kept = side_tables.facts(st, [U], [ORG_UNIT_OF])
    assert kept is not None and [f[5:] for f in kept[U]] == [(3, (G, f"{G}-u1", f"{G}-u2"))]
    apply_update(st, f"{PFX} DELETE DATA {{ GRAPH <{G}-u1> {{ {unit} }} }}", "side", ctx=ctx)
    got = assert_tables_answer(st, monkeypatch)
    kept = side_tables.facts(st, [U], [ORG_UNIT_OF])
    assert kept is not None and [f[5:] for f in kept[U]] == [(2, (G, f"{G}-u2"))]
    children = next(sec for sec in got[f"view-{VPCP}-vi"]["sections"] if sec["key"] == "children")
    assert any(f["value"]["iri"] == U for f in children["facts"])
    # a graph derived from a legal document (the legal graphs move), then the document's date changed
    legal_before = asof_names.legal_graphs(st)
    derived = (f"<{G}-doc> prov:wasDerivedFrom <{D36}> . "
               f'<{CP}> a org:Organization ; rdfs:label "Chính phủ nước Thử"@vi ; dct:source <{SRC}> .')
    post_graph(st, G + "-doc", (PFX + derived).encode(), "turtle", "side", ctx=ctx)
    got = assert_tables_answer(st, monkeypatch)
    assert got["legal"][G + "-doc"] == legal_before[NG] and G + "-doc" not in legal_before
    ch2 = apply_update(st, f"{PFX} DELETE DATA {{ GRAPH <{NG}> {{ <{D36}> eli:first_date_entry_in_force "
                           f'"2025-03-01"^^xsd:date }} }} ; INSERT DATA {{ GRAPH <{NG}> {{ <{D36}> '
                           f'eli:first_date_entry_in_force "2031-03-01"^^xsd:date }} }}', "side", ctx=ctx)
    assert "2031-03-01" in assert_tables_answer(st, monkeypatch)["legal"][NG]
    revert(st, ch2.changeset, ctx)
    assert assert_tables_answer(st, monkeypatch)["legal"][NG] == legal_before[NG]
    delete_graph(st, G + "-doc", "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["legal"] == legal_before
    revert(st, ch.changeset, ctx)
    assert P not in assert_tables_answer(st, monkeypatch)["labels-en"] or \
        labels.labels(st, [P], "en")[P] != "Nguyen Thu Bang"
    delete_graph(st, G, "side", ctx=ctx)
    assert assert_tables_answer(st, monkeypatch)["labels-vi"][P] == P.rsplit("/", 1)[-1]
    st.close()


def test_they_survive_a_restart(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    st = seeded_store(tmp_path_factory, "side-restart")
    assert side_tables.ensure(st, wait=True)
    person = PERSON
    post_graph(st, G, (PFX + person).encode(), "turtle", "side", ctx=steward())
    path = st.path
    st.close()
    again = EmbeddedStore(path)
    try:
        assert side_tables.state(again)["current"]  # read from the file, nothing rebuilt
        assert assert_tables_answer(again, monkeypatch)["labels-vi"][P] == "Nguyễn Thử Bảng"
    finally:
        again.close()


def test_a_write_from_outside_leaves_them_behind_until_rebuilt(tmp_path_factory: pytest.TempPathFactory,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    st = seeded_store(tmp_path_factory, "side-outside")
    assert side_tables.ensure(st, wait=True)
    st.update(f'INSERT DATA {{ GRAPH <{G}-raw> {{ <{P}> <{LABEL}> "Nguyễn Thử"@vi }} }}')
    assert not side_tables.state(st)["current"]
    monkeypatch.setattr(side_tables, "ensure", lambda store, wait=False: False)  # no rebuild behind the test's back
    assert side_tables.statements(st, [P]) is None  # not current: the engine answers
    assert labels.labels(st, [P])[P] == "Nguyễn Thử"
    monkeypatch.undo()
    assert side_tables.ensure(st, wait=True)
    assert assert_tables_answer(st, monkeypatch)["labels-vi"][P] == "Nguyễn Thử"
    st.close()


def test_a_small_store_has_them_built_by_its_first_reader(tmp_path_factory: pytest.TempPathFactory) -> None:
    st = seeded_store(tmp_path_factory, "side-first")
    got = side_tables.statements(st, [CP])  # never built: built here (the seed is small), then read
    assert got is not None and ("http://www.w3.org/2000/01/rdf-schema#label", "vi", "Chính phủ") in got[CP]
    st.close()


def test_a_read_of_stale_tables_rebuilds_them_in_the_background(tmp_path_factory: pytest.TempPathFactory,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(side_tables, "SMALL_BYTES", 0)  # as a large store
    st = seeded_store(tmp_path_factory, "side-background")
    assert side_tables.statements(st, [CP]) is None  # never built: the engine answers, a rebuild starts
    t = side_tables._table(st)
    assert t is not None
    for _ in range(200):
        if side_tables.state(st)["current"]:
            break
        import time

        time.sleep(0.05)
    got = side_tables.statements(st, [CP])
    assert got is not None and ("http://www.w3.org/2000/01/rdf-schema#label", "vi", "Chính phủ") in got[CP]
    st.close()


def test_a_damaged_or_foreign_file_is_not_believed(tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    a = seeded_store(tmp_path_factory, "side-a")
    b = seeded_store(tmp_path_factory, "side-b")
    assert isinstance(a, EmbeddedStore) and isinstance(b, EmbeddedStore)
    assert side_tables.ensure(a, wait=True)
    pa, pb = side_tables.path_for(a), side_tables.path_for(b)
    assert pa is not None and pb is not None
    # b at the same generation as a, with a's file beside it: another store's tables (RocksDB's IDENTITY differs)
    b.close()
    shutil.copy(pa, pb)
    Path(f"{b.path}.generation").write_text(str(a.generation), encoding="ascii")
    b2 = EmbeddedStore(b.path)
    assert b2.generation == a.generation
    monkeypatch.setattr(side_tables, "ensure", lambda store, wait=False: False)
    assert side_tables.statements(b2, [CP]) is None
    b2.close()
    # a damaged file: not believed, no error to the reader
    a.close()
    pa.write_bytes(b"not a database" * 100)
    a2 = EmbeddedStore(a.path)
    assert side_tables.statements(a2, [CP]) is None
    assert labels.labels(a2, [CP])[CP] == "Chính phủ"
    monkeypatch.undo()
    assert side_tables.ensure(a2, wait=True)
    assert side_tables.statements(a2, [CP]) is not None
    a2.close()


def test_only_the_owner_of_a_store_on_disk_keeps_them(tmp_path: Path) -> None:
    mem = EmbeddedStore(None)
    assert side_tables.path_for(mem) is None and side_tables.statements(mem, [CP]) is None
    st = EmbeddedStore(tmp_path / "store")
    st.backup(tmp_path / "copy")
    ro = EmbeddedStore.read_only(tmp_path / "copy")
    try:
        assert side_tables.path_for(ro) is None and not side_tables.ensure(ro, wait=True)
    finally:
        ro.close()
        st.close()


def test_the_benchmark_replays_the_whole_page_without_them(built: EmbeddedStore) -> None:
    from bench.viewer import Recorder, engine_only_calls

    def page(store: Store) -> Any:
        return entity.entity_view(store, VPCP)

    rec = Recorder(built)
    invalidate()
    page(rec)
    whole = engine_only_calls(built, page)
    assert whole is not None
    asked = {q for q, _ in whole}
    assert len(whole) > len(rec.calls) and any("rdf-schema#label" in q for q in asked), \
        "without the tables the page asks the engine for its labels"
    assert side_tables.statements(built, [CP]) is not None  # read again after the replay
