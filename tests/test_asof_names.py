"""The name of a unit labelled in many graphs: renames decide, then the label stated by the latest legal document,
then the smallest label; and the first page after a write that changes the decision shows the new name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph import labels as lexical
from graph.asof import names_on, org_chart
from graph.store import Store, forget, open_store

ID = "https://w3id.org/govkg/id/"
G = "https://w3id.org/govkg/graph/"
UNIT, PARENT, PLAIN = ID + "unit/bo-vi-du", ID + "unit/chinh-phu-vi-du", ID + "unit/cuc-vi-du"
PREFIXES = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> . @prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix org: <http://www.w3.org/ns/org#> .
"""
ARTICLES = 300  # every article names the units with the short forms it used


def _legal(slug: str, day: str, body: str) -> str:
    doc = f"{ID}document/{slug}"
    return (f"<{G}{slug}> {{ <{G}{slug}> prov:wasDerivedFrom <{doc}> . "
            f'<{doc}> a eli:LegalResource ; eli:date_document "{day}"^^xsd:date . {body} }}\n')


def _trig() -> str:
    out = [PREFIXES]
    for n in range(ARTICLES):
        src = f"{ID}source/bai-{n}"
        out.append(f"<{G}bai-{n}> {{ <{G}bai-{n}> prov:wasDerivedFrom <{src}> . <{src}> a schema:NewsArticle . "
                   f'<{UNIT}> rdfs:label "Bộ Ví dụ"@vi, "Ministry"@en ; org:unitOf <{PARENT}> . '
                   f'<{PLAIN}> rdfs:label "Cục Ví dụ"@vi, "Cục VD"@vi . }}\n')
    out.append(_legal("nd-1-2020", "2020-01-01", f'<{UNIT}> rdfs:label "Bộ Ví dụ cũ"@vi, "Ministry of Examples"@en .'))
    out.append(_legal("nd-2-2024", "2024-01-01", f'<{UNIT}> rdfs:label "Bộ Ví dụ và Mẫu"@vi . '
                      f'<{PARENT}> rdfs:label "Chính phủ Ví dụ"@vi .'))
    return "".join(out)


@pytest.fixture
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(tmp_path_factory.mktemp("asof-names") / "store")
    st.load(_trig().encode("utf-8"), format="trig")
    yield st
    forget(st)


def test_the_latest_legal_document_decides_over_hundreds_of_articles(store: Store) -> None:
    n = names_on(store, [UNIT, PLAIN], "2023-07-18")
    # "Bộ Ví dụ" is stated 300 times, but by articles; the 2024 decree's label is the latest legal one.
    assert (n[UNIT].on, n[UNIT].today) == ("Bộ Ví dụ và Mẫu", "Bộ Ví dụ và Mẫu")
    # In English only the 2020 decree states a label: older, but legal, so it wins over the articles' short form.
    assert n[UNIT].en == "Ministry of Examples"
    # No legal document labels the department: the smallest of its labels.
    assert n[PLAIN].today == "Cục VD"
    assert lexical.labels(store, [UNIT, PLAIN], "vi") == {UNIT: "Bộ Ví dụ và Mẫu", PLAIN: "Cục VD"}
    assert lexical.labels(store, [UNIT], "en") == {UNIT: "Ministry of Examples"}


def test_a_write_that_changes_the_decision_shows_on_the_next_call(store: Store) -> None:
    assert names_on(store, [UNIT], "2026-01-01")[UNIT].today == "Bộ Ví dụ và Mẫu"  # remembered now
    store.load((PREFIXES + _legal("nd-3-2025", "2025-06-01", f'<{UNIT}> rdfs:label "Bộ Ví dụ cũ"@vi .'))
               .encode("utf-8"), format="trig")
    assert names_on(store, [UNIT], "2026-01-01")[UNIT].today == "Bộ Ví dụ cũ"
    assert lexical.labels(store, [UNIT], "vi") == {UNIT: "Bộ Ví dụ cũ"}
    head = "@prefix govkg: <https://w3id.org/govkg/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
    rename = (PREFIXES + head +
              f'<{G}rename> {{ <{ID}change/doi-ten> a org:ChangeEvent ; '
              f'govkg:changeType <{ID}concept/change-type/rename> ; org:originalOrganization <{UNIT}> ; '
              f'dct:date "2025-09-01"^^xsd:date ; govkg:formerName "Bộ Ví dụ cũ"@vi ; govkg:newName "Bộ Mẫu"@vi . }}')
    store.load(rename.encode("utf-8"), format="trig")
    n = names_on(store, [UNIT], "2025-07-01")[UNIT]
    assert (n.on, n.today) == ("Bộ Ví dụ cũ", "Bộ Mẫu")  # a rename decides first, both ways in time
    assert lexical.labels(store, [UNIT], "vi") == {UNIT: "Bộ Mẫu"}


def test_the_chart_names_its_units_by_the_rule(store: Store) -> None:
    chart = org_chart(store, PARENT, "2023-07-18")
    assert chart is not None
    assert chart.label == "Chính phủ Ví dụ"
    assert [(c.label, c.label_en) for c in chart.children] == [("Bộ Ví dụ và Mẫu", "Ministry of Examples")]
