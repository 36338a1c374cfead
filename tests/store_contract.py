"""The contract every Store backend keeps.

Subclass :class:`StoreContract` once per backend and provide the ``store`` fixture (an empty store).  The
embedded store runs it in ``test_store_embedded.py``; the remote backend runs the very same tests.
"""

from __future__ import annotations

import io

import pytest
from rdflib import Literal, URIRef

from graph.errors import ParseError, QuerySyntaxError
from graph.store.base import Store

G1 = "urn:govkg:test:g1"
G2 = "urn:govkg:test:g2"
TTL = """@prefix ex: <urn:ex:> .
ex:vpcp ex:label "Văn phòng Chính phủ"@vi ; ex:label "Government Office"@en .
ex:vu1 ex:partOf ex:vpcp .
"""
TRIG = """@prefix ex: <urn:ex:> .
<urn:govkg:test:g1> { ex:a ex:p 1 . }
<urn:govkg:test:g2> { ex:b ex:p 2 . ex:c ex:p 3 . }
"""


class StoreContract:
    store: Store

    def test_empty_store_answers(self, store: Store) -> None:
        assert store.count() == 0
        assert store.query("ASK { ?s ?p ?o }", union_default_graph=True).boolean is False

    def test_load_turtle_into_named_graph(self, store: Store) -> None:
        assert store.load(TTL.encode(), format="turtle", graph=G1) == 3
        assert store.named_graphs() == [G1]
        rows = store.query(
            'SELECT ?l WHERE { GRAPH ?g { <urn:ex:vpcp> <urn:ex:label> ?l FILTER(lang(?l) = "vi") } }'
        ).rows()
        assert rows == [{"l": Literal("Văn phòng Chính phủ", lang="vi")}]

    def test_load_trig_keeps_graphs(self, store: Store) -> None:
        store.load(TRIG.encode(), format="trig")
        assert store.named_graphs() == [G1, G2]
        assert store.count(G2) == 2

    def test_load_is_all_or_nothing(self, store: Store) -> None:
        store.load(TTL.encode(), format="turtle", graph=G1)
        good = "".join(f"<urn:ex:s{i}> <urn:ex:p> \"{i}\" .\n" for i in range(1000))
        with pytest.raises(ParseError):
            store.load((good + "<urn:ex:broken> <urn:ex:p> .\n").encode(), format="ntriples", graph=G2)
        assert store.count() == 3
        assert G2 not in store.named_graphs()

    def test_union_default_graph(self, store: Store) -> None:
        store.load(TRIG.encode(), format="trig")
        q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert int(store.query(q, union_default_graph=True).rows()[0]["n"]) == 3
        assert int(store.query(q).rows()[0]["n"]) == 0

    def test_dataset_from_protocol_parameters(self, store: Store) -> None:
        store.load(TRIG.encode(), format="trig")
        q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert int(store.query(q, default_graphs=[G2]).rows()[0]["n"]) == 2
        qn = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert [str(r["g"]) for r in store.query(qn, named_graphs=[G1])] == [G1]

    def test_predeclared_prefixes(self, store: Store) -> None:
        store.update("INSERT DATA { GRAPH <urn:g> { unit:vpcp a org:Organization } }")
        assert store.query("ASK { GRAPH ?g { unit:vpcp a org:Organization } }").boolean

    def test_update_and_syntax_errors(self, store: Store) -> None:
        store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "x" } }')
        assert store.count() == 1
        with pytest.raises(QuerySyntaxError):
            store.query("SELEC * WHERE { ?s ?p ?o }")
        with pytest.raises(QuerySyntaxError):
            store.update("INSERT DATE { <urn:a> <urn:p> 1 }")
        assert store.count() == 1

    def test_update_request_is_atomic(self, store: Store) -> None:
        store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "x" } }')
        with pytest.raises(QuerySyntaxError):
            store.update('DELETE DATA { GRAPH <urn:g> { <urn:a> <urn:p> "x" } } ; INSERT DATA { oops }')
        assert store.count() == 1

    def test_transaction_applies_together(self, store: Store) -> None:
        a, p = URIRef("urn:a"), URIRef("urn:p")
        g = URIRef("urn:g")
        with store.transaction() as tx:
            tx.add((a, p, Literal("Hà Nội", lang="vi"), g))
            tx.add((a, p, Literal(2), g))
        assert store.count() == 2
        with store.transaction() as tx:
            tx.remove((a, p, Literal(2), g))
            tx.add((a, p, Literal(3), g))
        rows = store.query("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o").rows()
        assert {r["o"] for r in rows} == {Literal(3), Literal("Hà Nội", lang="vi")}

    def test_transaction_fails_whole(self, store: Store) -> None:
        a, p, g = URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:g")
        with pytest.raises(ZeroDivisionError), store.transaction() as tx:
            tx.add((a, p, Literal(1), g))
            1 / 0  # noqa: B018
        assert store.count() == 0

    def test_dump_round_trip(self, store: Store) -> None:
        store.load(TRIG.encode(), format="trig")
        buf = io.BytesIO()
        store.dump(buf, format="nquads")
        lines = sorted(buf.getvalue().decode().splitlines())
        assert len(lines) == 3 and all(line.endswith(" .") for line in lines)
        one = io.BytesIO()
        store.dump(one, format="turtle", graph=G2)
        assert b"urn:ex:c" in one.getvalue() and b"urn:ex:a" not in one.getvalue()

    def test_native_serialisation(self, store: Store) -> None:
        store.load(TTL.encode(), format="turtle", graph=G1)
        res = store.query("SELECT ?s WHERE { GRAPH ?g { ?s <urn:ex:partOf> ?o } }")
        assert b'"value":"urn:ex:vu1"' in res.serialize("json").replace(b" ", b"")
        csv = store.query("SELECT ?s WHERE { GRAPH ?g { ?s <urn:ex:partOf> ?o } }").serialize("csv")
        assert csv.decode().splitlines() == ["s", "urn:ex:vu1"]
        ttl = store.query(
            "CONSTRUCT { ?s <urn:ex:partOf> ?o } WHERE { GRAPH ?g { ?s <urn:ex:partOf> ?o } }"
        ).serialize("turtle")
        assert b"urn:ex:vpcp" in ttl

    def test_vietnamese_literals_survive(self, store: Store) -> None:
        label = "Vụ Công tác Quốc hội, Địa phương và Đoàn thể"
        store.update(f'INSERT DATA {{ GRAPH <urn:g> {{ <urn:u> <urn:l> "{label}"@vi }} }}')
        got = store.query("SELECT ?l WHERE { GRAPH ?g { <urn:u> <urn:l> ?l } }").rows()[0]["l"]
        assert str(got) == label and got.language == "vi"

    def test_quads_by_pattern(self, store: Store) -> None:
        store.load(TRIG.encode(), format="trig")
        store.update('INSERT DATA { <urn:ex:d> <urn:ex:p> "Đà Nẵng"@vi . '
                     'GRAPH <urn:govkg:test:g1> { <urn:ex:b> <urn:ex:q> <urn:ex:a> } }')
        p, q, b = URIRef("urn:ex:p"), URIRef("urn:ex:q"), URIRef("urn:ex:b")
        g1, g2 = URIRef(G1), URIRef(G2)
        every = store.quads(None, p, None)
        assert sorted((str(x[0]), str(x[3])) for x in every) == [
            ("urn:ex:a", G1), ("urn:ex:b", G2), ("urn:ex:c", G2), ("urn:ex:d", "None")]
        assert sorted(store.quads(b, None, None), key=str) == sorted(
            [(b, p, Literal(2), g2), (b, q, URIRef("urn:ex:a"), g1)], key=str)
        assert store.quads(b, None, None, G2) == [(b, p, Literal(2), g2)]
        assert store.quads(None, None, URIRef("urn:ex:a"), G1) == [(b, q, URIRef("urn:ex:a"), g1)]
        assert store.quads(None, None, None, "") == [(URIRef("urn:ex:d"), p, Literal("Đà Nẵng", lang="vi"), None)]
        assert store.quads(None, None, None, "urn:govkg:test:none") == []
