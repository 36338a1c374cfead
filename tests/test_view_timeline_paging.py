"""The timeline of a busy unit comes in pages: every event once, oldest first, with the total and links between
pages that keep the filters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
import requests

from graph.store import Store, forget, open_store
from graph.timeline import PAGE_SIZE, Filters, events
from tests.viewer_data import serving

ID = "https://w3id.org/govkg/id/"
HUB, PART, OTHER = ID + "unit/test-hub", ID + "unit/test-hub-part", ID + "unit/test-elsewhere"
N = PAGE_SIZE + 5  # one full page and a few more


def _event(i: int) -> str:
    day = date(2020, 1, 1).toordinal() + i * 3
    who = PART if i % 2 else HUB  # half of them organised by a part of the hub
    # the same event stated in two graphs: the union default graph is a bag, the page must not repeat it
    body = (f'<{ID}event/test-{i:03d}> a <https://schema.org/Event> ; '
            f'<http://www.w3.org/2000/01/rdf-schema#label> "Sự kiện {i:03d}"@vi ; '
            f'<https://schema.org/startDate> "{date.fromordinal(day).isoformat()}"'
            f'^^<http://www.w3.org/2001/XMLSchema#date> ; <https://schema.org/organizer> <{who}> .')
    return "\n".join(f"<https://w3id.org/govkg/graph/test-{g}-{i}> {{ {body} }}" for g in "ab")


TRIG = "\n".join([
    f"<https://w3id.org/govkg/graph/test-units> {{ <{PART}> <http://www.w3.org/ns/org#unitOf> <{HUB}> . "
    f'<{HUB}> <http://www.w3.org/2000/01/rdf-schema#label> "Đơn vị thử"@vi . }}',
    *(_event(i) for i in range(N)),
    f"<https://w3id.org/govkg/graph/test-other> {{ <{ID}event/test-other> a <https://schema.org/Event> ; "
    f'<https://schema.org/startDate> "2020-01-02"^^<http://www.w3.org/2001/XMLSchema#date> ; '
    f"<https://schema.org/organizer> <{OTHER}> . }}",
])


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(tmp_path_factory.mktemp("timeline-paging") / "store")
    st.load(TRIG.encode("utf-8"), format="trig")
    yield st
    forget(st)


def test_pages_cover_every_event_once_oldest_first(busy: Store) -> None:
    seen: list[str] = []
    for page in range(1, 100):
        data = events(busy, Filters(unit=HUB, limit=7, page=page))
        assert data["total"] == N and data["pages"] == -(-N // 7)
        if page > data["pages"]:  # past the last page: the last page again
            assert data["page"] == data["pages"]
            break
        assert data["page"] == page and data["first"] == (page - 1) * 7 + 1
        seen += [e["iri"] for e in data["events"]]
    assert seen == [f"{ID}event/test-{i:03d}" for i in range(N)]


def test_a_page_shows_its_events_with_labels_and_organisers(busy: Store) -> None:
    data = events(busy, Filters(unit=HUB, limit=4, page=2))
    assert [e["label"] for e in data["events"]] == [f"Sự kiện {i:03d}" for i in range(4, 8)]
    assert [[o["iri"] for o in e["organisers"]] for e in data["events"]] == [[HUB], [PART], [HUB], [PART]]
    assert data["filter_labels"] == {"unit": "Đơn vị thử"}


def test_filters_narrow_the_total(busy: Store) -> None:
    assert events(busy, Filters(unit=PART))["total"] == N // 2
    assert events(busy, Filters())["total"] == N + 1  # the other unit's event too
    data = events(busy, Filters(unit=HUB, end=date(2020, 1, 10)))
    assert data["total"] == 4 and data["pages"] == 1


def test_a_write_is_seen_by_the_next_page(busy: Store) -> None:
    before = events(busy, Filters(unit=OTHER))["total"]
    busy.update(f"INSERT DATA {{ GRAPH <https://w3id.org/govkg/graph/test-new> {{ <{ID}event/test-new> a "
                f"<https://schema.org/Event> ; <https://schema.org/organizer> <{OTHER}> }} }}")
    data = events(busy, Filters(unit=OTHER))
    assert data["total"] == before + 1
    assert data["events"][0]["iri"] == f"{ID}event/test-new"  # undated first
    busy.update(f"DELETE WHERE {{ GRAPH ?g {{ <{ID}event/test-new> ?p ?o }} }}")
    assert events(busy, Filters(unit=OTHER))["total"] == before


def test_the_page_links_to_the_next_page_with_its_filters(busy: Store) -> None:
    with serving(busy.path) as url:  # type: ignore[attr-defined]
        first = requests.get(url + "/timeline", params={"unit": HUB}, timeout=30)
        assert first.status_code == 200
        assert re.search(r'id="event-count">\s*' + str(N) + "<", first.text)
        nxt = re.search(r'<a rel="next" href="([^"]+)"', first.text)
        assert nxt is not None and "page=2" in nxt.group(1)
        second = requests.get(url + nxt.group(1).replace("&amp;", "&"), timeout=30)
        assert second.text.count('<li><time datetime=') == N - PAGE_SIZE
        assert f"event/test-{N - 1:03d}" in second.text and f"event/test-{PAGE_SIZE - 1:03d}\"" not in second.text
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
        js = requests.get(url + "/timeline", params={"unit": HUB, "page": 2},
                          headers={"Accept": "application/json"}, timeout=30).json()
        assert (js["total"], js["page"], js["pages"], len(js["events"])) == (N, 2, 2, N - PAGE_SIZE)
        assert requests.get(url + "/timeline", params={"page": "x"}, timeout=30).status_code == 400
