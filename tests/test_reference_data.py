"""The reference graph: sources, labels, aliases, and conformance of the whole graph to the shapes."""

from __future__ import annotations

import unicodedata

import pytest

from graph.namespaces import BASE
from graph.seed import DATA_DIR
from graph.store import Store
from graph.text import fold
from tests.seeded import seeded_store, values

REFERENCE = DATA_DIR / "reference"
U = f"{BASE}/id/unit/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return seeded_store(tmp_path_factory, "refdata")


def run(store: Store, sparql: str) -> list[dict[str, str]]:
    return values(store, sparql)


def test_files_are_nfc() -> None:
    for p in REFERENCE.glob("*.trig"):
        text = p.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, p.name


def test_every_reference_graph_is_one_source_described_in_itself(store: Store) -> None:
    rows = run(store, """
        SELECT ?g ?src ?kind WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?src . ?src a ?kind } }""")
    graphs = {r["g"] for r in rows}
    for p in REFERENCE.glob("*.trig"):
        assert f"{BASE}/graph/{p.stem}" in graphs, f"{p.name}: its graph does not name its source"
    for r in rows:
        if r["g"].rsplit("/", 1)[-1] in {p.stem for p in REFERENCE.glob("*.trig")}:
            assert r["kind"] in ("http://data.europa.eu/eli/ontology#LegalResource", "https://schema.org/WebPage")


def test_legal_documents_have_symbol_type_issuer_and_date(store: Store) -> None:
    rows = run(store, """
        SELECT ?d ?sym ?type ?by ?date ?inForce WHERE {
          ?d a eli:LegalResource ; eli:id_local ?sym ; eli:type_document ?type ; eli:passed_by ?by .
          OPTIONAL { ?d eli:date_document ?date } OPTIONAL { ?d eli:first_date_entry_in_force ?inForce }
          FILTER(STRSTARTS(STR(?d), "https://w3id.org/govkg/id/document/"))
        }""")
    docs = {r["sym"]: r for r in rows}
    for sym in ("08/2021/QH15", "176/2025/QH15", "79/2022/NĐ-CP", "36/2025/NĐ-CP", "369/2025/NĐ-CP"):
        assert sym in docs, sym
        assert docs[sym].get("date") or docs[sym].get("inForce"), sym
    assert docs["176/2025/QH15"]["by"] == U + "quoc-hoi"
    assert docs["36/2025/NĐ-CP"]["date"] == "2025-02-25" and docs["36/2025/NĐ-CP"]["inForce"] == "2025-03-01"


@pytest.mark.parametrize(("alias", "unit"), [
    ("VPCP", "van-phong-chinh-phu"), ("UBDT", "uy-ban-dan-toc"), ("BNV", "bo-noi-vu"), ("BTC", "bo-tai-chinh"),
    ("BCT", "bo-cong-thuong"), ("BTP", "bo-tu-phap"), ("NHNN", "ngan-hang-nha-nuoc-viet-nam"),
    ("TTCP", "thanh-tra-chinh-phu"), ("BDTTG", "bo-dan-toc-va-ton-giao"), ("Vụ I", "vpcp-vu-i"),
])
def test_abbreviations_are_alt_labels(store: Store, alias: str, unit: str) -> None:
    rows = run(store, f'SELECT ?u WHERE {{ ?u skos:altLabel "{alias}"@vi }}')
    assert U + unit in {r["u"] for r in rows}


def test_every_reference_unit_has_one_label_per_language_and_a_toneless_key(store: Store) -> None:
    # Within the reference graphs (an article may label a unit with the short form it used, in its own graph).
    graphs = " ".join(f"<{BASE}/graph/{p.stem}>" for p in REFERENCE.glob("*.trig"))
    rows = run(store, f"""
        SELECT ?u (COUNT(DISTINCT ?vi) AS ?nvi) (COUNT(DISTINCT ?en) AS ?nen) (SAMPLE(?vi) AS ?label) WHERE {{
          VALUES ?g {{ {graphs} }}
          GRAPH ?g {{ ?u org:unitOf|org:subOrganizationOf ?p }}
          OPTIONAL {{ VALUES ?g2 {{ {graphs} }} GRAPH ?g2 {{ ?u rdfs:label ?vi FILTER(LANG(?vi) = "vi") }} }}
          OPTIONAL {{ VALUES ?g3 {{ {graphs} }} GRAPH ?g3 {{ ?u rdfs:label ?en FILTER(LANG(?en) = "en") }} }}
        }} GROUP BY ?u""")
    assert len(rows) >= 22 + 2 + 21
    for r in rows:
        assert (r["nvi"], r["nen"]) == ("1", "1"), r["u"]
        assert fold(r["label"]).isascii(), r["label"]


def test_whole_graph_conforms_to_the_shapes(store: Store) -> None:
    validate = pytest.importorskip("graph.validate")
    report = validate.validate_store(store, lang="en")
    assert report.conforms, report.text("en")[:4000]


# (query, unit) pairs: full name, abbreviation, and the name typed without tones.
SEARCHES = [
    ("Bộ Kế hoạch và Đầu tư", "bo-ke-hoach-va-dau-tu"), ("BKHĐT", "bo-ke-hoach-va-dau-tu"),
    ("bo ke hoach va dau tu", "bo-ke-hoach-va-dau-tu"),
    ("Văn phòng Chính phủ", "van-phong-chinh-phu"), ("VPCP", "van-phong-chinh-phu"),
    ("van phong chinh phu", "van-phong-chinh-phu"),
    ("Ủy ban Dân tộc", "uy-ban-dan-toc"), ("UBDT", "uy-ban-dan-toc"), ("uy ban dan toc", "uy-ban-dan-toc"),
    ("Bộ Nông nghiệp và Môi trường", "bo-nong-nghiep-va-moi-truong"), ("BNNMT", "bo-nong-nghiep-va-moi-truong"),
    ("Ngân hàng Nhà nước Việt Nam", "ngan-hang-nha-nuoc-viet-nam"), ("NHNN", "ngan-hang-nha-nuoc-viet-nam"),
    ("Vụ Tổ chức công vụ", "vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu"),
    ("vu to chuc hanh chinh nha nuoc va cong vu", "vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu"),
    ("Vụ Theo dõi công tác thanh tra", "vpcp-vu-i"), ("Cục Chuyển đổi số", "vpcp-cuc-chuyen-doi-so"),
    ("Bộ Dân tộc và Tôn giáo", "bo-dan-toc-va-ton-giao"), ("BDTTG", "bo-dan-toc-va-ton-giao"),
]


@pytest.mark.parametrize(("q", "unit"), SEARCHES)
def test_search_finds_reference_units(store: Store, q: str, unit: str) -> None:
    search = pytest.importorskip("graph.search")
    hits = [h.iri for h in search.search(store, q, limit=5)]
    assert U + unit in hits, (q, hits)
