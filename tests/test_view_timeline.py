"""Events in time, filtered by unit, person, type and period."""

from __future__ import annotations

from datetime import date

import pytest

from graph.labels import UnsafeIRI
from graph.store import Store
from graph.timeline import Filters, events
from tests.viewer_data import BLOCK, EVENT, OLD_HEAD, PERSON, VPCP

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)

EVENT_2019 = "https://w3id.org/govkg/id/event/2019-05-02-hoi-nghi-van-phong-chinh-phu"
HOI_NGHI = "https://w3id.org/govkg/id/concept/event-type/hoi-nghi"


def iris(store: Store, f: Filters) -> list[str]:
    return [e["iri"] for e in events(store, f)["events"]]


def test_all_events_oldest_first(viewer_store: Store) -> None:
    assert iris(viewer_store, Filters()) == [EVENT_2019, EVENT]


def test_filters(viewer_store: Store) -> None:
    assert iris(viewer_store, Filters(person=PERSON)) == [EVENT]
    assert iris(viewer_store, Filters(person=OLD_HEAD)) == [EVENT_2019]
    assert iris(viewer_store, Filters(unit=BLOCK)) == [EVENT]
    # the unit filter takes in what belongs to the unit: here the block attached to it (govkg:attachedTo)
    assert iris(viewer_store, Filters(unit=VPCP)) == [EVENT_2019, EVENT]
    assert iris(viewer_store, Filters(type=HOI_NGHI)) == [EVENT_2019]
    assert iris(viewer_store, Filters(start=date(2020, 1, 1))) == [EVENT]
    assert iris(viewer_store, Filters(end=date(2020, 1, 1))) == [EVENT_2019]
    assert iris(viewer_store, Filters(start=date(2023, 7, 19))) == []


def test_event_rows_carry_labels_types_and_agents(viewer_store: Store) -> None:
    data = events(viewer_store, Filters(person=PERSON), "vi")
    e = data["events"][0]
    assert e["label"] == "Ký kết giao ước thi đua 6 tháng cuối năm 2023 của Khối thi đua 3"
    assert e["start"] == "2023-07-18" and e["location"] == "Hà Nội"
    assert e["type"]["label"] == "ký kết giao ước thi đua"
    assert [o["iri"] for o in e["organisers"]] == [BLOCK]
    assert PERSON in [p["iri"] for p in e["participants"]]
    assert data["filter_labels"] == {"person": "Lê Tuấn Dũng"}
    assert {t["iri"]: t["count"] for t in data["types"]}[HOI_NGHI] == 1


def test_filters_refuse_what_is_not_an_iri(viewer_store: Store) -> None:
    with pytest.raises(UnsafeIRI):
        events(viewer_store, Filters(unit='x> } ; DROP ALL ; #'))
