"""A section's pages come in the order of SPARQL's ``ORDER BY ?v`` whether govkg or the engine sorts them: IRIs are
put in order by govkg (by their text), other values by the engine; every page of every section is compared with
the engine's own ordered query, page by page, on awkward IRIs (case, digits, Vietnamese letters, percent escapes)
and on literals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.entity import BY_KIND, _other_body, expand
from graph.entity_facts import _page_values, page_of
from graph.labels import iri_ref
from graph.store import EmbeddedStore, Store
from tests.viewer_data import PERSON, VPCP

BACKENDS = ("embedded", "remote")  # the viewer's graph on both (tests/conftest.py)

HUB = "https://w3id.org/govkg/id/unit/hub"
PARTS = ["unit/a-10", "unit/a-9", "unit/A-2", "unit/bộ-x", "unit/b%C3%B4", "unit/b_1", "unit/b-1", "unit/z",
         "unit/đ", "unit/0"]
LITERALS = ['"10"^^xsd:integer', '"9"^^xsd:integer', '"b"@vi', '"a"', '"2023-07-18"^^xsd:date', '"Ä"']


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = EmbeddedStore(Path(tmp_path_factory.mktemp("order")) / "store")
    parts = " ".join(f"<https://w3id.org/govkg/id/{p}> org:subOrganizationOf <{HUB}> ." for p in PARTS)
    lits = " ".join(f"<{HUB}> <https://example.org/note> {v} ." for v in LITERALS)
    st.update("PREFIX org: <http://www.w3.org/ns/org#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
              f"INSERT DATA {{ GRAPH <https://w3id.org/govkg/graph/one> {{ <{HUB}> a org:Organization . {parts} "
              f"{lits} }} "
              f"GRAPH <https://w3id.org/govkg/graph/two> {{ {parts} }} }}")
    yield st
    st.close()


def bodies(iri: str, kind: str) -> list[str]:
    out = [sec.pattern.replace("$this", iri_ref(iri)) for sec in BY_KIND.get(kind, ())]
    covered = {expand(p) for sec in BY_KIND.get(kind, ()) for p in sec.covers}
    return [*out, _other_body(iri, covered)]


def engine_pages(store: Store, body: str, size: int) -> list[list[str]]:
    out: list[list[str]] = []
    page = 0
    while True:
        rows = store.query(page_of(body, page, size), union_default_graph=True).rows()
        got = [str(r["v"]) for r in rows if "v" in r]
        if not got:
            return out
        out.append(got)
        page += 1


def govkg_pages(store: Store, body: str, size: int) -> tuple[list[list[str]], int]:
    out: list[list[str]] = []
    page, total = 0, 0
    while True:
        vals, total, lazy = _page_values(store, body, page, size, exact=False)
        assert not lazy
        if not vals:
            return out, total
        out.append([str(v) for v in vals])
        page += 1


def compare(store: Store, iri: str, kind: str, size: int) -> int:
    compared = 0
    for body in bodies(iri, kind):
        mine, total = govkg_pages(store, body, size)
        assert mine == engine_pages(store, body, size), body
        assert total == sum(len(p) for p in mine)
        compared += total
    return compared


@pytest.mark.parametrize("size", [1, 2, 3, 50])
def test_awkward_iris_and_literals_come_in_sparql_order(awkward: Store, size: int) -> None:
    assert compare(awkward, HUB, "unit", size) >= len(PARTS) + len(LITERALS)
    ordered = max(([v for p in govkg_pages(awkward, b, size)[0] for v in p] for b in bodies(HUB, "unit")
                   if "subOrganizationOf" in b), key=len)
    assert ordered == sorted(f"https://w3id.org/govkg/id/{p}" for p in PARTS)


@pytest.mark.parametrize("iri,kind", [(VPCP, "unit"), (PERSON, "person")])
def test_the_viewer_graph_pages_the_same_way_on_each_backend(viewer_store: Store, iri: str, kind: str) -> None:
    assert compare(viewer_store, iri, kind, 2) > 0


def test_iris_are_sorted_here_and_literals_by_the_engine(awkward: Store) -> None:
    from bench.viewer import Recorder

    sent: dict[str, list[str]] = {}
    for body in bodies(HUB, "unit"):
        rec = Recorder(awkward)
        vals, _, _ = _page_values(rec, body, 0, 3, exact=False)  # type: ignore[arg-type]
        if vals:
            kind = "iri" if all(str(v).startswith("https://w3id.org/govkg/id/") for v in vals) else "other"
            sent.setdefault(kind, []).extend(q for q, _ in rec.calls)
    assert sent["iri"] and not [q for q in sent["iri"] if "ORDER BY" in q]
    assert [q for q in sent["other"] if "ORDER BY" in q]
