"""The two reference-graph questions of the README, each one SPARQL query in docs/queries/, and their answers.

Each runs on both backends: the embedded store and the session's Virtuoso (tests/remote_fixtures.py), both seeded
from the checkout, since the README offers them to a researcher on either.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.namespaces import BASE
from graph.seed import load_seed
from graph.store import Store
from tests.remote_fixtures import open_remote
from tests.seeded import seeded_store, values

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "docs" / "queries"
U = f"{BASE}/id/unit/"
BACKENDS = ("embedded", "remote")

# Nghị quyết 176/2025/QH15 (in force 01/03/2025): the five mergers, as the National Assembly decided them.
MERGERS_2025 = {
    ("Bộ Kế hoạch và Đầu tư", "Bộ Tài chính"), ("Bộ Tài chính", "Bộ Tài chính"),
    ("Bộ Giao thông vận tải", "Bộ Xây dựng"), ("Bộ Xây dựng", "Bộ Xây dựng"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "Bộ Nông nghiệp và Môi trường"),
    ("Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và Môi trường"),
    ("Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"),
    ("Bộ Khoa học và Công nghệ", "Bộ Khoa học và Công nghệ"),
    ("Bộ Lao động - Thương binh và Xã hội", "Bộ Nội vụ"), ("Bộ Nội vụ", "Bộ Nội vụ"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest, backend: str) -> Iterator[Store]:
    if backend == "embedded":
        yield seeded_store(tmp_path_factory, "refq")
        return
    remote = open_remote(request.getfixturevalue("virtuoso"))
    remote.update("CLEAR ALL")
    load_seed(remote)
    yield remote
    remote.close()


def run(store: Store, sparql: str) -> list[dict[str, str]]:
    return values(store, sparql)


@pytest.mark.parametrize("name", ["50-ministries-merged-2025.rq", "51-unit-name-today.rq"])
def test_query_files_say_what_they_answer_in_both_languages(name: str) -> None:
    lines = (QUERIES / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# vi: ") and lines[1].startswith("# en: ")


def test_ministries_merged_in_2025(store: Store) -> None:
    rows = run(store, (QUERIES / "50-ministries-merged-2025.rq").read_text(encoding="utf-8"))
    assert {(r["ministryName"], r["intoName"]) for r in rows} == MERGERS_2025
    assert {r["date"] for r in rows} == {"2025-03-01"}
    assert {r["basis"] for r in rows} == {"176/2025/QH15"}


def test_what_a_unit_is_called_today(store: Store) -> None:
    rows = run(store, (QUERIES / "51-unit-name-today.rq").read_text(encoding="utf-8"))
    got = {r["asked"]: (r["unit"], r["today"], r["partOf"]) for r in rows}
    assert got == {
        "Vụ Tổ chức hành chính nhà nước và công vụ": (
            U + "vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu", "Vụ Tổ chức công vụ", "Văn phòng Chính phủ"),
        "Vụ I": (U + "vpcp-vu-i", "Vụ Theo dõi công tác thanh tra (Vụ I)", "Văn phòng Chính phủ"),
    }


def test_the_name_query_takes_other_names_in_any_case(store: Store) -> None:
    q = (QUERIES / "51-unit-name-today.rq").read_text(encoding="utf-8").replace(
        '{ "Vụ Tổ chức hành chính nhà nước và công vụ" "Vụ I" }',
        '{ "VỤ TỔ CHỨC HÀNH CHÍNH NHÀ NƯỚC VÀ CÔNG VỤ" "vụ đổi mới doanh nghiệp" }')
    got = {r["asked"]: (r["today"], r.get("until")) for r in run(store, q)}
    assert got == {"VỤ TỔ CHỨC HÀNH CHÍNH NHÀ NƯỚC VÀ CÔNG VỤ": ("Vụ Tổ chức công vụ", None),
                   "vụ đổi mới doanh nghiệp": ("Vụ Đổi mới doanh nghiệp", "2025-12-31")}


def test_readme_shows_both_queries() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The reference graph", 1)[1].split("\n## ", 1)[0]
    for name in ("50-ministries-merged-2025.rq", "51-unit-name-today.rq"):
        assert (QUERIES / name).read_text(encoding="utf-8").strip() in section, f"README does not show {name} as it is"
    assert "Vụ Tổ chức công vụ" in section and "Bộ Nông nghiệp và Môi trường" in section


def name_query(names: list[str]) -> str:
    """The name query of the README with ``names`` in its VALUES."""
    text = (QUERIES / "51-unit-name-today.rq").read_text(encoding="utf-8")
    asked = '{ "Vụ Tổ chức hành chính nhà nước và công vụ" "Vụ I" }'
    assert asked in text
    return text.replace(asked, "{ " + " ".join(f'"{n}"' for n in names) + " }")


def test_the_name_query_on_a_virtuoso_that_held_other_data_before(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The answer must not depend on what the engine held before.  Virtuoso keeps the IRIs it has seen after
    CLEAR ALL, and what it held decides the order its rows come out in; Virtuoso 7.2 read a grouped variable it
    takes for possibly unbound (one a sub-select gives, joined by later OPTIONALs) from another row, so after the
    viewer's test graph "Vụ I" was still called "Vụ I" (the failure when tests/test_view_entity.py ran first).
    On a Virtuoso of its own that held the viewer's graph first, every unit name of the reference graph is
    answered as on the embedded store."""
    from tests.remote_fixtures import started_virtuoso
    from tests.viewer_data import TRIG

    embedded = seeded_store(tmp_path_factory, "refq-names")
    names = sorted({r["name"] for r in run(embedded, """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name WHERE { ?unit org:unitOf ?parent ; rdfs:label ?name FILTER(LANG(?name) = "vi") }""")})
    assert {"Vụ I", "Vụ Tổ chức công vụ"} <= set(names) and len(names) > 20
    q = name_query(names)
    want = run(embedded, q)
    assert {r["asked"]: r["today"] for r in want}["Vụ I"] == "Vụ Theo dõi công tác thanh tra (Vụ I)"
    with started_virtuoso(tmp_path_factory.mktemp("virtuoso-own")) as settings:
        remote = open_remote(settings)
        remote.load(TRIG.encode("utf-8"), format="trig")
        remote.update("CLEAR ALL")
        load_seed(remote)
        got = run(remote, q)
        remote.close()
    assert got == want
