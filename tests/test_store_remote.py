"""The store contract on a real Virtuoso (``tests/remote_fixtures.py``); plus what only the remote store does."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from graph.errors import ForbiddenOperation, QuerySyntaxError, StoreError
from graph.store.embedded import EmbeddedStore
from graph.store.remote import VIRTUOSO_DEFAULT_GRAPH, RemoteStore
from tests.remote_fixtures import free_port, open_remote
from tests.store_contract import G1, G2, TRIG, StoreContract


@pytest.fixture
def store(remote_store: RemoteStore) -> Iterator[RemoteStore]:
    yield remote_store


class TestRemoteStoreOnVirtuoso(StoreContract):
    pass


def test_engine_is_told_by_its_server_header(store: RemoteStore) -> None:
    assert store.dialect.name == "virtuoso"


def test_virtuoso_system_graphs_stay_out_of_sight(store: RemoteStore, virtuoso: dict[str, str]) -> None:
    # Virtuoso keeps thousands of its own triples in graphs of its own; govkg must see none of them,
    # and CLEAR ALL must leave them alone.
    def system_triples() -> int:
        out = subprocess.run(
            ["isql-vt", f"127.0.0.1:{virtuoso['sql_port']}", "dba", virtuoso["dba_password"],
             "exec=SPARQL SELECT COUNT(*) WHERE { GRAPH <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o } };"],
            capture_output=True, text=True, check=True).stdout
        return max(int(n) for n in re.findall(r"^\s*(\d+)\s*$", out, re.MULTILINE))

    before = system_triples()
    assert before > 100
    assert store.named_graphs() == [] and store.count() == 0
    assert not store.ask("ASK { ?s ?p ?o }", union_default_graph=True)
    store.update("CLEAR ALL")
    assert system_triples() == before


def test_default_graph_round_trip(store: RemoteStore) -> None:
    store.update('INSERT DATA { <urn:a> <urn:p> "mặc định"@vi }')
    assert store.count() == 1 and store.named_graphs() == []
    assert store.ask('ASK { <urn:a> <urn:p> "mặc định"@vi }')
    store.update("CLEAR DEFAULT")
    assert store.count() == 0


def test_blank_nodes_load_and_link_across_graphs(store: RemoteStore) -> None:
    data = """@prefix ex: <urn:ex:> .
<urn:govkg:test:g1> { ex:u ex:address _:a . _:a ex:city "Hà Nội"@vi . }
<urn:govkg:test:g2> { _:a ex:note "same node" . }
""".encode()
    assert store.load(data, format="trig") == 3
    rows = store.query(
        "SELECT ?city ?note WHERE { GRAPH ?g1 { <urn:ex:u> <urn:ex:address> ?a . ?a <urn:ex:city> ?city } "
        "GRAPH ?g2 { ?a <urn:ex:note> ?note } }"
    ).rows()
    assert rows == [{"city": Literal("Hà Nội", lang="vi"), "note": Literal("same node")}]
    a = next(iter(store.query("SELECT ?a WHERE { GRAPH ?g { <urn:ex:u> <urn:ex:address> ?a } }")))["a"]
    assert isinstance(a, BNode)


def test_transaction_with_blank_nodes_and_an_update(store: RemoteStore) -> None:
    g = URIRef(G1)
    with store.transaction() as tx:
        tx.add((URIRef("urn:a"), URIRef("urn:p"), BNode(), g))
        tx.add((URIRef("urn:a"), URIRef("urn:q"), Literal(1), None))
        tx.update("INSERT DATA { GRAPH g:x { unit:vpcp a org:Organization } }")
    assert store.count(G1) == 1 and store.count() == 3
    with pytest.raises(StoreError), store.transaction() as tx:
        tx.remove((URIRef("urn:a"), URIRef("urn:p"), BNode(), g))


def test_gsp_load_and_dump_of_one_graph(store: RemoteStore) -> None:
    assert store.gsp_url
    nt = "".join(f'<urn:s{i}> <urn:p> "giá trị {i}" .\n' for i in range(2000)).encode()
    assert store.load(nt, format="ntriples", graph=G2) == 2000
    out = io.BytesIO()
    store.dump(out, format="ntriples", graph=G2)
    assert len(out.getvalue().splitlines()) == 2000
    assert "giá trị 1999".encode() in out.getvalue() or b"gi\\u00E1" in out.getvalue()


def test_load_without_gsp_is_one_update(virtuoso: dict[str, str]) -> None:
    s = open_remote({**virtuoso, "GOVKG_REMOTE_GSP_URL": ""})
    s.update("CLEAR ALL")
    assert s.gsp_url is None
    assert s.load(TRIG.encode(), format="trig") == 3
    buf = io.BytesIO()
    s.dump(buf, format="nquads")
    assert sorted(buf.getvalue().decode().splitlines())[0].startswith("<urn:ex:a> <urn:ex:p> ")
    s.update("CLEAR ALL")
    s.close()


def test_queries_with_their_own_dataset(store: RemoteStore) -> None:
    store.load(TRIG.encode(), format="trig")
    q = f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    assert int(str(store.query(q).rows()[0]["n"])) == 2
    q = f"SELECT DISTINCT ?g FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert [str(r["g"]) for r in store.query(q)] == [G1]
    assert [str(r["g"]) for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")] == [
        G1, G2]
    assert VIRTUOSO_DEFAULT_GRAPH not in store.named_graphs()


def test_results_in_every_format(store: RemoteStore) -> None:
    store.load(TRIG.encode(), format="trig")
    res = store.query("SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o")
    assert res.variables == ["s", "o"]
    assert b"<uri>urn:ex:a</uri>" in res.serialize("xml")
    assert res.serialize("tsv").decode().splitlines()[:2] == ["?s\t?o", "<urn:ex:a>\t1"]
    ask = store.query("ASK { GRAPH ?g { <urn:ex:a> ?p ?o } }")
    assert ask.boolean is True and ask.serialize("csv").strip() == b"true"
    ttl = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").serialize("turtle")
    assert len(list(store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))) == 3
    assert b"urn:ex:c" in ttl


def test_network_fetches_are_refused(store: RemoteStore) -> None:
    with pytest.raises(ForbiddenOperation):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(ForbiddenOperation):
        store.update("LOAD <http://127.0.0.1:9/data.ttl>")
    with pytest.raises(ForbiddenOperation):
        store.query('define get:soft "replace" SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }')
    # the words inside a literal or an IRI are data, not operations
    store.update('INSERT DATA { GRAPH <urn:g> { <urn:x#SERVICE> <urn:p> "LOAD SERVICE define input:x" } }')
    assert store.count() == 1


def test_syntax_error_keeps_the_callers_line_numbers(store: RemoteStore) -> None:
    with pytest.raises(QuerySyntaxError, match="line 2"):
        store.query("SELECT *\nWHERE { ?s ?p }")


def test_wrong_password_and_unreachable_engine(virtuoso: dict[str, str]) -> None:
    bad = open_remote({**virtuoso, "GOVKG_REMOTE_PASSWORD": "wrong"})
    with pytest.raises(StoreError, match="credentials"):
        bad.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "x" } }')
    dead = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", dialect="virtuoso", timeout=5)
    with pytest.raises(StoreError, match="cannot reach"):
        dead.query("ASK {}")


def test_closed_store_refuses(virtuoso: dict[str, str]) -> None:
    s = open_remote(virtuoso)
    s.close()
    with pytest.raises(StoreError):
        s.query("ASK {}")


def test_open_store_chooses_the_remote_backend(virtuoso: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.store import forget, open_store

    for k, v in virtuoso.items():
        if k.startswith("GOVKG_"):
            monkeypatch.setenv(k, v)
    s = open_store()
    try:
        assert isinstance(s, RemoteStore) and s.query_url == virtuoso["GOVKG_REMOTE_QUERY_URL"]
        assert open_store("/nonexistent/ignored") is s
        s.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "qua open_store" } }')
        assert s.count("urn:g") == 1
        s.update("CLEAR ALL")
    finally:
        forget(s)
    monkeypatch.setenv("GOVKG_REMOTE_QUERY_URL", "")
    with pytest.raises(StoreError, match="GOVKG_REMOTE_QUERY_URL"):
        open_store()
    monkeypatch.setenv("GOVKG_BACKEND", "cloud")
    with pytest.raises(StoreError, match="embedded or remote"):
        open_store()


def test_large_writes_pass_virtuosos_parser_limit(virtuoso: dict[str, str]) -> None:
    # Virtuoso's SPARQL compiler gives up at about 5,000 triples in one operation; govkg cuts its writes.
    s = open_remote({**virtuoso, "GOVKG_REMOTE_GSP_URL": ""})
    s.update("CLEAR ALL")
    lines = [f'<urn:s{i}> <urn:p> "giá trị {i}"@vi .' for i in range(6000)]
    lines += [f"<urn:s{i}> <urn:q> _:b{i // 3} ." for i in range(6000)]  # blank nodes shared by three triples
    lines += [f'_:b{i} <urn:r> "{i}" .' for i in range(2000)]
    assert s.load("\n".join(lines).encode(), format="ntriples", graph=G1) == 14000
    shared = s.query("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?s <urn:q> ?b . ?b <urn:r> ?r } }")
    assert int(str(shared.rows()[0]["n"])) == 2000
    with s.transaction() as tx:
        for i in range(2500):
            tx.add((URIRef(f"urn:t{i}"), URIRef("urn:p"), Literal(i), URIRef(G2)))
        for i in range(3000):
            tx.remove((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(f"giá trị {i}", lang="vi"), URIRef(G1)))
    assert s.count(G2) == 2500 and s.count(G1) == 11000
    s.update("CLEAR ALL")
    s.close()


def test_search_and_validation_agree_with_the_embedded_store(store: RemoteStore, tmp_path: Path) -> None:
    from graph.search import build_index
    from graph.validate import validate_store
    from tests.viewer_data import TRIG as VIEWER_TRIG

    emb = EmbeddedStore(tmp_path / "embedded")
    emb.load(VIEWER_TRIG.encode(), format="trig")
    store.load(VIEWER_TRIG.encode(), format="trig")
    assert store.count() == emb.count() and store.named_graphs() == emb.named_graphs()
    remote_index, embedded_index = build_index(store), build_index(emb)
    for q in ("le tuan dung", "Lê Tuấn Dũng", "vpcp", "van phong", "Đà Nẵng", "khanh hoa", "<script>"):
        got = [h.as_dict() for h in remote_index.search(q)]
        assert got == [h.as_dict() for h in embedded_index.search(q)]
    assert remote_index.search("le tuan dung"), "the search found nothing on either store"
    remote_report, embedded_report = validate_store(store), validate_store(emb)
    assert remote_report.graphs == embedded_report.graphs and remote_report.graphs
    def results(report: object) -> list[str]:  # blank node labels differ from parse to parse
        return sorted(re.sub(r"_:\w+", "_:b", repr(v)) for v in report.results)  # type: ignore[attr-defined]

    assert results(remote_report) == results(embedded_report)
    assert remote_report.conforms == embedded_report.conforms
    emb.close()


def test_insert_data_with_blank_nodes(store: RemoteStore) -> None:
    # Virtuoso refuses blank nodes in INSERT DATA; the store sends the same insert as a template.
    store.update(f'INSERT DATA {{ GRAPH <{G1}> {{ <urn:a> <urn:p> _:x . _:x <urn:q> "v" }} '
                 f"GRAPH <{G2}> {{ _:x <urn:r> 1 }} <urn:d> <urn:p> [ <urn:q> 2 ] }}")
    assert store.count() == 5 and store.count(G1) == 2 and store.count(G2) == 1
    assert store.ask(f'ASK {{ GRAPH <{G1}> {{ <urn:a> <urn:p> ?x . ?x <urn:q> "v" }} '
                     f"GRAPH <{G2}> {{ ?x <urn:r> 1 }} }}")
    assert store.ask("ASK { <urn:d> <urn:p> ?y . ?y <urn:q> 2 }")


# --- reading SPARQL text (no engine needed) ------------------------------------------------------------


def test_mask_hides_strings_iris_and_comments_only() -> None:
    from graph.store.remote_text import mask

    text = 'SELECT * { ?s <urn:x#SERVICE> "SERVICE \\" LOAD" . # SERVICE\n ?s ?p """a\nLOAD""" FILTER(?a<?b) }'
    masked = mask(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "SERVICE" not in masked and "LOAD" not in masked
    assert "FILTER(?a<?b)" in masked and "<" in masked and ">" in masked


def test_prefixes_the_query_declares_itself_are_not_repeated() -> None:
    from graph.store.remote_text import mask, prologue_for

    text = "PREFIX org: <urn:my-org#>\nSELECT * { ?s a org:X }"
    head = prologue_for(mask(text))
    assert "PREFIX org:" not in head and "PREFIX unit:" in head and "\n" not in head


def test_graph_management_maps_onto_user_graphs() -> None:
    from graph.store.remote_text import rewrite_graph_management

    out = rewrite_graph_management("DROP GRAPH <urn:a> ; CLEAR ALL ; DROP SILENT DEFAULT", "urn:dg", ["urn:a", "urn:b"])
    assert out == ("CLEAR SILENT GRAPH <urn:a> ; CLEAR SILENT GRAPH <urn:a> ; CLEAR SILENT GRAPH <urn:b> ; "
                   "CLEAR SILENT GRAPH <urn:dg> ; CLEAR SILENT GRAPH <urn:dg>")
    assert rewrite_graph_management('INSERT DATA { <urn:a> <urn:p> "DROP ALL" }', "urn:dg", []) == (
        'INSERT DATA { <urn:a> <urn:p> "DROP ALL" }')


def test_a_load_above_virtuosos_longest_string_is_cut_into_requests(virtuoso: dict[str, str]) -> None:
    # Virtuoso refuses a request text above 10 MB (SR578); a 100k-quad load of several graphs was 14.6 MB.
    s = open_remote({**virtuoso, "GOVKG_REMOTE_GSP_URL": ""})
    s.update("CLEAR ALL")
    text = "Ủy ban nhân dân " * 40
    lines = [f'<urn:s{i}> <urn:p> "{text}{i}"@vi <urn:g{i % 3}> .' for i in range(16_000)]
    data = "\n".join(lines).encode()
    assert len(data) > 11_000_000
    assert s.load(data, format="nquads") == 16_000
    assert s.count() == 16_000
    s.update("CLEAR ALL")
    s.close()


@pytest.mark.parametrize("body,timeout", [
    (b"Virtuoso S1T00 Error SR171: Transaction timed out", True),
    (b"Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.", True),
    (b"Virtuoso 42000 Error SR186: No permission to execute procedure", False),
])
def test_the_engines_time_limit_is_a_timeout_whichever_way_virtuoso_says_it(body: bytes, timeout: bool) -> None:
    from email.message import Message

    from graph.errors import QueryTimeout
    from graph.store.remote import _typed
    from graph.store.remote_http import HttpFailure

    err = _typed(HttpFailure(500, Message(), body, "http://127.0.0.1:8890/sparql"), syntax=False)
    assert isinstance(err, QueryTimeout) is timeout, err
