"""Ingestion proposals reviewed: proposed, staged by one steward, accepted by another, and the store conforms.

Validation is per named graph (graph.validate): a proposal's graph must be complete by itself, so the existing
units it points at are typed and labelled in it, the article has its publisher, and an event without a date is
left out and said to the reviewer instead of being given an invented one (graph/ingest/complete.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from graph.changesets import load
from graph.commit import WriteContext
from graph.errors import ValidationFailed
from graph.ingest import propose
from graph.namespaces import ID
from graph.review import accept, stage_proposal
from graph.seed import load_seed
from graph.store import EmbeddedStore
from graph.validate import validate_graph, validate_store

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
VPCP = URIRef(f"{ID}unit/van-phong-chinh-phu")
PORTAL = URIRef(f"{ID}unit/vpcp-cong-thong-tin-dien-tu-chinh-phu")
#: self-written articles: (file, published, url, publisher)
OWN = [("006-dai-hoi-chi-bo.txt", date(2023, 6, 20), "https://chinhphu.vn/dai-hoi-chi-bo", None),
       ("008-hop-bao-chinh-phu.txt", date(2023, 10, 3), None, "Báo Thử Nghiệm"),
       ("heldout2/203-giao-uoc-cum-tay-nguyen.txt", date(2024, 3, 15), "https://www.baochinhphu.vn/a-1.htm", None),
       ("heldout3/305-bo-nhiem-cap-doi.txt", date(2024, 5, 10), None, "Cổng Thông tin điện tử Chính phủ")]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    st = EmbeddedStore(tmp_path / "store")
    load_seed(st)
    yield st
    st.close()


def _stage_and_accept(store: EmbeddedStore, p: object) -> str:
    staged = stage_proposal(store, WriteContext("alice", comment="ingestion"), p)
    assert load(store, staged.id).status == "staged"  # type: ignore[union-attr]
    applied = accept(store, staged.id, WriteContext("bob", comment="đã duyệt"))
    assert load(store, staged.id).status == "accepted"  # type: ignore[union-attr]
    return applied.id


def _in_store(store: EmbeddedStore, graph: str, s: URIRef, p: URIRef, o: URIRef | None = None) -> bool:
    return bool(store.quads(s, p, o, g=graph))


def test_the_seed_article_proposed_staged_and_accepted(store: EmbeddedStore, seed_article: Path) -> None:
    p = propose(seed_article.read_text(encoding="utf-8"), store, url="https://chinhphu.vn/khoi-thi-dua-3")
    _stage_and_accept(store, p)
    g = p.target_graph
    src = URIRef(p.source_iri)
    assert _in_store(store, g, src, DCTERMS.publisher, PORTAL)
    assert _in_store(store, g, URIRef(f"{ID}unit/vpcp-khoi-thi-dua-3"), RDF.type)
    assert _in_store(store, g, URIRef(f"{ID}person/le-tuan-dung"), RDF.type)
    assert validate_store(store).conforms


@pytest.mark.parametrize("name,published,url,publisher", OWN, ids=[o[0].split("/")[-1][:3] for o in OWN])
def test_own_articles_proposed_staged_and_accepted(store: EmbeddedStore, name: str, published: date,
                                                   url: str | None, publisher: str | None) -> None:
    p = propose((ARTICLES / name).read_text(encoding="utf-8"), store, published=published, url=url,
                publisher=publisher)
    assert not any("publisher" in n.en or "dct:issued" in n.en for n in p.notes)
    _stage_and_accept(store, p)
    g = p.target_graph
    # every entity is in the accepted graph, and every existing unit it points at is typed and labelled there
    for u in p.mentions["units"]:
        assert _in_store(store, g, URIRef(u["iri"]), RDF.type), u["name"]
        assert _in_store(store, g, URIRef(u["iri"]), RDFS.label), u["name"]
    for q in p.mentions["persons"]:
        assert _in_store(store, g, URIRef(q["iri"]), RDF.type), q["name"]
    assert store.quads(URIRef(p.source_iri), DCTERMS.publisher, None, g=g)
    report = validate_store(store)
    assert report.conforms, report.text("en")


def test_a_proposal_without_a_store_is_complete_by_itself() -> None:
    p = propose((ARTICLES / "009-phien-hop-hoi-dong.txt").read_text(encoding="utf-8"), None,
                published=date(2023, 11, 2), url="https://chinhphu.vn/phien-hop")
    report = validate_graph(p.dataset)
    assert report.conforms, report.text("en")
    # the top-level bodies it names are typed and labelled in it, though no store knows them
    ds = p.dataset
    assert list(ds.quads((URIRef(f"{ID}unit/chinh-phu"), RDF.type, None, None)))
    assert list(ds.quads((PORTAL, RDFS.label, None, None)))


def test_what_is_unknown_is_said_to_the_reviewer_not_invented(store: EmbeddedStore) -> None:
    text = ("Bộ Tư pháp tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm. Thứ trưởng Bộ Tư pháp Nguyễn Văn Thử "
            "chủ trì hội nghị.")
    p = propose(text, store)
    kinds = " ".join(n.en for n in p.notes)
    assert "publisher" in kinds and "dct:issued" in kinds and "without a known date" in kinds
    ds = p.dataset
    src = URIRef(p.source_iri)
    assert not list(ds.quads((src, DCTERMS.publisher, None, None)))
    assert not list(ds.quads((src, DCTERMS.issued, None, None)))
    assert not [s for s, _, _, _ in ds.quads((None, RDF.type, URIRef("https://schema.org/Event"), None))]
    staged = stage_proposal(store, WriteContext("alice", comment="ingestion", lang="en"), p)
    assert "publisher" in staged.comment and "without a known date" in staged.comment
    with pytest.raises(ValidationFailed):  # nothing is made up so that it passes: the reviewer supplies it
        accept(store, staged.id, WriteContext("bob"))
    # given by the steward, the same article is accepted
    q = propose(text, store, published=date(2024, 7, 5), publisher="Bộ Tư pháp")
    assert [n.en for n in q.notes if "without a known date" not in n.en] == []  # the event's date is still unknown
    _stage_and_accept(store, q)
    assert store.quads(URIRef(q.source_iri), DCTERMS.publisher, URIRef(f"{ID}unit/bo-tu-phap"), g=q.target_graph)
    assert validate_store(store).conforms
