"""The curated seed graph: it loads and validates with the real CLI, and holds what the seed article states.

The article itself is read from ``../shared`` (``seed_article`` fixture; those tests skip where it is absent) to
check that every name we curated and every evidence phrase we quote really occurs in it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, SKOS

from graph.namespaces import ELI, GOVKG, GRAPH, ID
from graph.seed import data_files, ontology_files

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sources" / "chinhphu-2023-07-18-khoi-thi-dua-3.trig"
G = GRAPH["chinhphu-2023-07-18-khoi-thi-dua-3"]
SRC = URIRef(f"{ID}source/chinhphu-2023-07-18-khoi-thi-dua-3")
GOVKG_BIN = Path(sys.executable).parent / "govkg"

#: Names as the article writes them; each must be a label, alias, name or symbol in the graph.
UNITS = ["Văn phòng Chính phủ", "VPCP", "Khối thi đua 3", "Vụ Công tác Quốc hội, Địa phương và Đoàn thể", "Vụ I",
         "Vụ Tổ chức hành chính nhà nước và công vụ", "Cục Kiểm soát Thủ tục hành chính",
         "Hội đồng Thi đua khen thưởng VPCP", "Ủy ban Dân tộc", "Vụ Tuyên truyền", "Chính phủ", "Thủ tướng Chính phủ",
         "Chi bộ Vụ Công tác Quốc hội, Địa phương và Đoàn thể", "Đảng bộ Cục Kiểm soát Thủ tục hành chính"]
PERSONS = ["Lê Tuấn Dũng", "Nguyễn Xuân Thành", "Đinh Xuân Thắng", "Hoàng Giang"]
SYMBOLS = ["280/CĐ-TTg", "365/CĐ-TTg"]


def _run(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVKG_STORE": str(store)}
    return subprocess.run([str(GOVKG_BIN), *args], env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def seed() -> Graph:
    ds = Dataset()
    ds.parse(SEED, format="trig")
    assert {c.identifier for c in ds.graphs() if len(c)} == {G}, "the seed file holds exactly its source's graph"
    return ds.graph(G)


def _names(g: Graph) -> set[str]:
    props = (RDFS.label, SKOS.altLabel, FOAF.name, ELI.id_local)
    return {unicodedata.normalize("NFC", str(o)).casefold() for p in props for o in g.objects(None, p)}


def _article_text(path: Path) -> str:
    return " ".join(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).split())


def test_load_seed_and_validate_with_the_cli(tmp_path: Path) -> None:
    store = tmp_path / "store"
    loaded = _run("load", "--seed", "--quiet", store=store)
    assert loaded.returncode == 0, loaded.stderr
    checked = _run("validate", store=store)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Hợp lệ" in checked.stdout
    q = _run("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH g:chinhphu-2023-07-18-khoi-thi-dua-3 { ?s ?p ?o } }",
             "--format", "csv", store=store)
    assert q.returncode == 0, q.stderr
    assert int(q.stdout.split()[-1]) == len(Dataset().parse(SEED, format="trig").graph(G))


def test_validate_reports_a_broken_file_in_english(tmp_path: Path) -> None:
    bad = ROOT / "ontology" / "examples" / "MembershipShape-invalid-period.ttl"
    out = _run("validate", str(bad), "--lang", "en", store=tmp_path / "store")
    assert out.returncode == 1
    assert "Incoherent term" in out.stdout
    assert "membership:" in out.stdout or "/id/membership/" in out.stdout
    assert "schema:validFrom" in out.stdout


def test_every_named_entity_of_the_article_is_in_the_graph(seed: Graph) -> None:
    names = _names(seed)
    for n in UNITS + PERSONS + SYMBOLS:
        assert n.casefold() in names, f"{n!r} is not in the seed graph"


def test_the_curated_names_and_quotes_occur_in_the_article(seed: Graph, seed_article: Path) -> None:
    text = _article_text(seed_article)
    folded = text.casefold()
    for n in UNITS + PERSONS + SYMBOLS:
        assert n.casefold() in folded, f"{n!r} is not in the article"
    quotes = [str(o) for o in seed.objects(None, GOVKG.evidence)]
    assert len(quotes) >= 25
    for q in quotes:
        for part in q.split(" ... "):
            assert part in text, f"evidence {q!r} is not a quote of the article"


def test_posts_held_on_the_day(seed: Graph) -> None:
    role = f"{ID}concept/role/"
    unit = f"{ID}unit/"
    held = {(str(seed.value(m, ORG.member)).rsplit("/", 1)[1], str(seed.value(m, ORG.role))[len(role):],
             str(seed.value(m, ORG.organization))[len(unit):])
            for m in seed.subjects(RDF.type, ORG.Membership)
            if str(seed.value(m, ORG.member)).startswith(f"{ID}person/")}
    assert held == {
        ("le-tuan-dung", "vu-truong", "vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"),
        ("le-tuan-dung", "bi-thu-chi-bo", "vpcp-chi-bo-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"),
        ("nguyen-xuan-thanh", "pho-chu-nhiem", "van-phong-chinh-phu"),
        ("nguyen-xuan-thanh", "chu-tich-hoi-dong", "vpcp-hoi-dong-thi-dua-khen-thuong"),
        ("dinh-xuan-thang", "pho-vu-truong", "ubdt-vu-tuyen-truyen"),
    }
    for m in seed.subjects(RDF.type, ORG.Membership):
        assert str(seed.value(m, GOVKG.attestedOn)) == "2023-07-18"
        assert seed.value(m, SDO.validFrom) is None, "no start date is invented"


def test_block_members_and_documents(seed: Graph) -> None:
    block = URIRef(f"{ID}unit/vpcp-khoi-thi-dua-3")
    members = set(seed.subjects(ORG.memberOf, block))
    assert len(members) == 4
    assert members == {seed.value(m, ORG.member) for m in seed.subjects(ORG.organization, block)}
    pledge = URIRef(f"{ID}event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3")
    cited = {str(seed.value(d, ELI.id_local)) for d in seed.objects(pledge, GOVKG.cites)}
    assert {"280/CĐ-TTg", "365/CĐ-TTg"} <= cited
    assert (pledge, GOVKG.implements, URIRef(f"{ID}document/vpcp-ke-hoach-thi-dua-khen-thuong-2023")) in seed
    dates = {str(seed.value(d, ELI.id_local)): str(seed.value(d, ELI.date_document))
             for d in seed.subjects(RDF.type, ELI.LegalResource) if seed.value(d, ELI.id_local)}
    assert dates == {"280/CĐ-TTg": "2023-04-19", "365/CĐ-TTg": "2023-05-04"}, "only the two numbered documents"
    unnumbered = [d for d in seed.subjects(RDF.type, ELI.LegalResource) if seed.value(d, ELI.id_local) is None]
    assert len(unnumbered) == 4 and all(seed.value(d, GOVKG.documentNumber) is None for d in unnumbered)


def test_anniversaries(seed: Graph) -> None:
    got = {}
    for a in seed.subjects(RDF.type, GOVKG.Anniversary):
        h = seed.value(a, GOVKG.commemorates)
        got[str(seed.value(h, SDO.startDate))] = (int(seed.value(a, GOVKG.anniversaryNumber)),  # type: ignore[arg-type]
                                                  str(seed.value(a, SDO.startDate)))
    assert got == {"1948-06-11": (75, "2023-06-11"), "1945-08-28": (78, "2023-08-28")}


def test_provenance(seed: Graph) -> None:
    assert (G, PROV.wasDerivedFrom, SRC) in seed
    assert str(seed.value(SRC, DCTERMS.issued)) == "2023-07-18T13:11:00+07:00"
    assert len(list(seed.subjects(SDO.isPartOf, SRC))) == 4, "the article's four photographs"
    subjects = {s for s in seed.subjects() if isinstance(s, URIRef)} - {G, SRC}
    assert len(subjects) > 50
    unsourced = [str(s) for s in subjects if (s, DCTERMS.source, SRC) not in seed]
    assert not unsourced, f"entities without dct:source: {unsourced}"


@pytest.mark.parametrize("path", [*data_files(), *ontology_files()], ids=lambda p: p.name)
def test_all_literals_are_nfc(path: Path) -> None:
    ds = Dataset()
    ds.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    for _s, _p, o, _g in ds.quads():
        if isinstance(o, Literal):
            assert unicodedata.normalize("NFC", str(o)) == str(o), f"{path.name}: {o!r} is not NFC"
