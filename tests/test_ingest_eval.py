"""The extractor measured: targets on the development set, the JSON schema, the CLI, the seed article."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from rdflib import Dataset, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from graph.cli import cli
from graph.ingest import propose
from graph.ingest.evaluate import evaluate
from graph.namespaces import GOVKG, ID
from graph.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "articles"
SCHEMA = json.loads((ROOT / "docs" / "ingest.schema.json").read_text(encoding="utf-8"))
SEED_GRAPH = ROOT / "data" / "sources" / "chinhphu-2023-07-18-khoi-thi-dua-3.trig"
TARGETS = {"documents": 0.9, "dates": 0.9, "persons_with_posts": 0.8, "units": 0.8, "events": 0.7}


@pytest.mark.parametrize("directory", [ARTICLES, ARTICLES / "heldout", ARTICLES / "heldout2"],
                         ids=["development", "held-out", "held-out-2"])
def test_eval_meets_the_targets(directory: Path) -> None:
    total, rows = evaluate(directory)
    assert len(rows) >= 4
    for kind, target in TARGETS.items():
        assert total[kind].f1 >= target, f"{kind}: F1 {total[kind].f1:.3f} < {target}"


def test_heldout3_meets_the_targets_it_meets() -> None:
    """heldout3: every target (0.7.0; persons with posts 0.82, from 0.65 at 0.6.0, by the general rules for paired
    lists, titles shared by a run of names and ministries named without "Bộ")."""
    total, rows = evaluate(ARTICLES / "heldout3")
    assert len(rows) >= 10
    for kind in ("documents", "dates", "units", "events", "persons_with_posts"):
        assert total[kind].f1 >= TARGETS[kind], f"{kind}: F1 {total[kind].f1:.3f} < {TARGETS[kind]}"


def test_offsets_hold_on_nfd_crlf_and_wrapped_articles() -> None:
    """heldout2 has an NFD article with a look-alike Ð and a zero-width space, a CRLF one and a hard-wrapped date."""
    from graph.ingest.pipeline import extract

    for txt in sorted((ARTICLES / "heldout2").glob("*.txt")):
        original = txt.read_bytes().decode("utf-8")
        doc, _ = extract(original)
        for kind in ("units", "persons", "documents", "dates", "programmes"):
            for it in doc[kind]:
                assert original[it["start"]:it["end"]] == it["text"], (txt.name, kind, it["text"])
                assert all(original[a:b] for a, b in it["mentions"])


def test_gold_files_follow_the_schema() -> None:
    for g in sorted(ARTICLES.rglob("*.gold.json")):
        jsonschema.validate(json.loads(g.read_text(encoding="utf-8")), SCHEMA)


def test_ingest_json_follows_the_schema(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["ingest", str(ARTICLES / "002-hoi-nghi-so-ket.txt"), "--published", "2023-07-14",
                                   "--url", "https://example.org/a", "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)  # notes for the reviewer (no publisher known for example.org) go to stderr
    assert "note: The publisher (dct:publisher) is not known" in res.stderr
    jsonschema.validate(doc, SCHEMA)
    assert doc["article"] == {**doc["article"], "published": "2023-07-14", "url": "https://example.org/a"}
    original = (ARTICLES / "002-hoi-nghi-so-ket.txt").read_text(encoding="utf-8")
    for kind in ("units", "persons", "documents", "dates", "programmes"):
        for it in doc[kind]:
            assert original[it["start"]:it["end"]] == it["text"]


def test_ingest_eval_prints_scores_per_kind() -> None:
    res = CliRunner().invoke(cli, ["ingest-eval", str(ARTICLES / "heldout")])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "4 annotated articles"
    assert {ln.split()[0] for ln in lines[2:]} >= {"units", "persons_with_posts", "documents", "events", "dates"}


def test_trig_is_a_staging_graph_with_evidence(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["ingest", str(ARTICLES / "001-bo-nhiem-vu-truong.txt"), "--format", "trig",
                                   "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    ds = Dataset()
    ds.parse(data=res.stdout, format="trig")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert any("/graph/staging/" in g for g in graphs)
    person = URIRef(f"{ID}person/hoang-minh-tuan")
    assert list(ds.quads((person, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person"), None)))
    ev = [o for _, _, o, _ in ds.quads((person, GOVKG.evidence, None, None))]
    assert ev and "Hoàng Minh Tuấn" in str(ev[0])
    assert list(ds.quads((person, PROV.wasGeneratedBy, None, None)))


def test_linking_uses_the_store_and_never_merges_on_a_name_alone(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    try:
        store.load("""
            @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix org: <http://www.w3.org/ns/org#> .
            @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
            <https://w3id.org/govkg/id/unit/bo-y-te> rdfs:label "Bộ Y tế"@vi .
            <https://w3id.org/govkg/id/person/nguyen-van-an> a foaf:Person ; foaf:name "Nguyễn Văn An"@vi .
            <https://w3id.org/govkg/id/person/nguyen-van-an-2> a foaf:Person ; foaf:name "Nguyễn Văn An"@vi .
            <https://w3id.org/govkg/id/membership/x> org:member <https://w3id.org/govkg/id/person/nguyen-van-an-2> ;
                org:organization <https://w3id.org/govkg/id/unit/bo-y-te> .
        """.encode(), format="turtle", graph="https://w3id.org/govkg/graph/t")
        p = propose("Thứ trưởng Bộ Y tế Nguyễn Văn An phát biểu. Ông Nguyễn Văn Bình, Vụ trưởng Vụ X dự.", store)
        people = {x["name"]: x for x in p.mentions["persons"]}
        assert people["Nguyễn Văn An"]["iri"].endswith("/person/nguyen-van-an-2")  # the post decides
        assert people["Nguyễn Văn An"]["linked"] is True
        q = propose("Ông Nguyễn Văn An phát biểu.", store)
        an = q.mentions["persons"][0]
        assert an["linked"] is False and len(an["candidates"]) == 2  # a name alone links nothing
        assert an["iri"].endswith("/person/nguyen-van-an-3")
        unit = next(u for u in p.mentions["units"] if u["name"] == "Bộ Y tế")
        assert unit["iri"].endswith("/unit/bo-y-te") and unit["linked"]
    finally:
        store.close()


def _entities(ds: Dataset) -> set[str]:
    return {str(s) for s, _, _, _ in ds.quads((None, RDF.type, None, None))
            if str(s).startswith(str(ID)) and not any(k in str(s) for k in ("/membership/", "/changeset/", "/image/"))}


def _facts(ds: Dataset) -> set[tuple[object, object, object]]:
    skip = {GOVKG.evidence, GOVKG.evidenceStart, GOVKG.evidenceEnd, GOVKG.confidence, PROV.wasGeneratedBy,
            DCTERMS.source}
    return {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))
            if isinstance(s, URIRef) and isinstance(o, URIRef) and p not in skip and str(s).startswith(str(ID))}


def test_seed_article_reproduces_most_of_the_curated_seed_graph(seed_article: Path) -> None:
    if not SEED_GRAPH.is_file():
        pytest.skip("the curated seed graph is not in data/sources")
    curated = Dataset()
    curated.parse(SEED_GRAPH, format="trig")
    p = propose(seed_article.read_text(encoding="utf-8"), None, url="https://chinhphu.vn/")
    assert p.staging_graph.endswith("/graph/staging/chinhphu-2023-07-18-khoi-thi-dua-3")
    want, got = _entities(curated), _entities(p.dataset)
    fw, fg = _facts(curated), _facts(p.dataset)
    entity_overlap = len(want & got) / len(want)
    fact_overlap = len(fw & fg) / len(fw)
    print(f"seed overlap: entities {len(want & got)}/{len(want)} = {entity_overlap:.2f}, "
          f"facts {len(fw & fg)}/{len(fw)} = {fact_overlap:.2f}")
    assert entity_overlap >= 0.6
    assert fact_overlap >= 0.5
    for iri in ("unit/vpcp-khoi-thi-dua-3", "unit/vpcp-vu-i", "person/le-tuan-dung", "document/280-cd-ttg-2023",
                "event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3"):
        assert f"{ID}{iri}" in got
