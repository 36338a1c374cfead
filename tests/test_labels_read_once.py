"""A unit's labels are read once per page when nothing is kept: the labels that :func:`graph.labels.labels` read
decide a renamed or torn unit's name (:func:`graph.asof_names.names_on`) without asking for them again, and the
name is the one decided from a fresh read (a hub is labelled in every graph that names it)."""

from __future__ import annotations

import pytest

from bench.viewer import Recorder
from graph import side_tables
from graph.asof_names import names_on
from graph.entity import entity_view
from graph.labels import labels
from graph.store import Store
from graph.viewcache import invalidate
from tests.test_asof_names import PLAIN, PREFIXES, UNIT
from tests.test_asof_names import store as store  # the same fixture: the example graph on disk

DISTINCT_LABELS = "SELECT DISTINCT ?unit ?label"


def _fresh_names(store: Store, lang: str) -> dict[str, str]:
    invalidate()
    n = names_on(store, [UNIT, PLAIN], "2026-01-01", langs=(lang,))
    return {u: (x.en if lang == "en" and x.en else x.today) for u, x in n.items()}


@pytest.mark.parametrize("tables", [True, False], ids=["side-tables", "engine"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_labels_decide_torn_units_from_what_they_read(store: Store, lang: str, tables: bool,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if not tables:  # the labels from the engine, as on a remote store or before the tables are built
        monkeypatch.setattr(side_tables, "_ask", lambda store, read: None)
    expected = _fresh_names(store, lang)
    invalidate()
    rec = Recorder(store)
    got = labels(rec, [UNIT, PLAIN], lang)
    assert got == expected
    assert got[UNIT] == ("Bộ Ví dụ và Mẫu" if lang == "vi" else "Ministry of Examples")
    assert not [q for q, _ in rec.calls if DISTINCT_LABELS in q]
    read = any("LATERAL" in q or "rdf-schema#label" in q for q, _ in rec.calls)
    assert read != tables, "the labels were read from the tables beside the store, or else from the engine"


def test_an_entity_page_decides_its_own_name_from_its_header(store: Store) -> None:
    invalidate()
    rec = Recorder(store)
    page = entity_view(rec, UNIT)
    assert "Bộ Ví dụ và Mẫu" in repr(page)
    assert not [q for q, _ in rec.calls if DISTINCT_LABELS in q]


def test_a_new_legal_label_changes_the_name_read_once(store: Store) -> None:
    assert labels(store, [UNIT], "vi") == {UNIT: "Bộ Ví dụ và Mẫu"}
    store.load((PREFIXES +
                '<https://w3id.org/govkg/graph/nd-9-2025> { <https://w3id.org/govkg/graph/nd-9-2025> '
                'prov:wasDerivedFrom <https://w3id.org/govkg/id/document/nd-9-2025> . '
                '<https://w3id.org/govkg/id/document/nd-9-2025> a eli:LegalResource ; '
                'eli:date_document "2025-06-01"^^xsd:date . '
                f'<{UNIT}> rdfs:label "Bộ Ví dụ Mới"@vi . }}\n').encode("utf-8"), format="trig")
    invalidate()
    assert labels(store, [UNIT], "vi") == {UNIT: "Bộ Ví dụ Mới"} == {UNIT: _fresh_names(store, "vi")[UNIT]}
