"""The timeline's event-type counts (its type filter shows them) are those of the joined count, whether or not
something that is not a ``schema:Event`` carries an event type, and the labels read beside the page's events (the
counts' and the filters') are those of one call: on the seed and on a generated 10k store, on disk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.viewer import pick_subjects
from graph import side_tables, timeline
from graph.labels import labels
from graph.lexical import solutions
from graph.store import EmbeddedStore
from graph.timeline import JOINED_COUNTS, Filters, event_types, events
from graph.viewcache import invalidate
from tests.seeded import seeded_or_generated

ID = "https://w3id.org/govkg/id/"
CP = f"{ID}unit/chinh-phu"
HOI_NGHI = f"{ID}concept/event-type/hoi-nghi"
NEW_TYPE = f"{ID}concept/event-type/r-only-on-a-document"


@pytest.fixture(scope="module", params=["seed", "10k"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    st = seeded_or_generated(tmp_path_factory, "event-types", request.param)
    yield st
    st.close()


def _joined(store: EmbeddedStore) -> list[tuple[str, int]]:
    return [(r["t"], int(r["n"])) for r in solutions(store, JOINED_COUNTS)]


def test_counts_are_the_joined_counts_with_and_without_untyped_subjects(store: EmbeddedStore) -> None:
    invalidate()
    before = event_types(store)
    assert before == _joined(store) and len(before) >= 2
    counts = dict(before)
    # a document and an unnamed node with event types, an event whose type is stated in another graph
    store.update(f"""PREFIX govkg: <https://w3id.org/govkg/ontology#> PREFIX schema: <https://schema.org/>
        INSERT DATA {{ GRAPH <urn:r:a> {{ <{ID}document/r-typed> govkg:eventType <{HOI_NGHI}> , <{NEW_TYPE}> .
                                          _:b govkg:eventType <{HOI_NGHI}> .
                                          <{ID}event/r-split-type> a schema:Event }}
                       GRAPH <urn:r:b> {{ <{ID}event/r-split-type> govkg:eventType <{HOI_NGHI}> }} }}""")
    invalidate()
    after = event_types(store)
    assert after == _joined(store)
    assert dict(after)[HOI_NGHI] == counts.get(HOI_NGHI, 0) + 1 and NEW_TYPE not in dict(after)
    page = events(store)
    assert [(t["iri"], t["count"]) for t in page["types"]] == after


def test_a_page_whose_count_fails_fails(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # the counts run beside the page's own queries: their error reaches the page, never an empty type list
    def broken(_store: object) -> list[tuple[str, int]]:
        raise RuntimeError("the engine went away")

    monkeypatch.setattr(timeline, "_event_types", broken)
    monkeypatch.setattr(side_tables, "_ask", lambda store, read: None)  # counted here, not read from the tables
    invalidate()
    with pytest.raises(RuntimeError, match="went away"):
        events(store)
    monkeypatch.undo()
    invalidate()
    assert [(t["iri"], t["count"]) for t in events(store)["types"]] == _joined(store)


def test_labels_read_beside_the_events_are_those_of_one_call(store: EmbeddedStore) -> None:
    subjects, compared = pick_subjects(store), 0
    for f in (Filters(unit=CP), Filters(person=subjects["person"]), Filters(unit=subjects["unit"], type=HOI_NGHI)):
        for lang in ("vi", "en"):
            invalidate()
            page = events(store, f, lang)
            refs = [r for e in page["events"] for r in (e, *e["organisers"], *e["participants"], e["type"] or e)]
            shown = {r["iri"]: r["label"] for r in [*refs, *page["types"]]}
            shown |= {getattr(f, k): v for k, v in page["filter_labels"].items()}
            invalidate()
            assert shown == labels(store, shown, lang), (f, lang)
            compared += len(shown)
    assert compared > 50
