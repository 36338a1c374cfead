"""A small, valid change of 20 triples: one new source article reporting a new person holding a post.

This is what an editor's accepted proposal or one ingested article adds; validating it must not cost a pass
over the whole graph.
"""

from __future__ import annotations

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, XSD

from graph.namespaces import BASE, GOVKG
from graph.store.base import QuadTuple

ID = Namespace(f"{BASE}/id/")


def small_change(n: int = 0, unit: str = "van-phong-chinh-phu", role: str = "pho-chu-nhiem") -> list[QuadTuple]:
    """Twenty quads in a new named graph; ``n`` makes the IRIs unique, so repeated runs add different people."""
    s = f"chinhphu-2025-06-0{1 + n % 9}-bo-nhiem-pho-chu-nhiem-bench-{n}"
    g, src = URIRef(f"{BASE}/graph/{s}"), ID[f"source/{s}"]
    person, post = ID[f"person/tran-thi-bench-{n}"], ID[f"post/{unit}-{role}"]
    m = ID[f"membership/tran-thi-bench-{n}--{unit}-{role}--2025-06-01"]
    name = Literal(f"Trần Thị Bích {n}", lang="vi")
    title = Literal(f"Bổ nhiệm Phó Chủ nhiệm Văn phòng Chính phủ ({n})", lang="vi")
    triples = [
        (g, RDF.type, PROV.Entity), (g, PROV.wasDerivedFrom, src),
        (src, RDF.type, SDO.NewsArticle), (src, RDFS.label, title), (src, DCTERMS.title, title),
        (src, DCTERMS.publisher, ID["unit/vpcp-cong-thong-tin-dien-tu-chinh-phu"]),
        (src, DCTERMS.issued, Literal("2025-06-01T08:00:00+07:00", datatype=XSD.dateTime)),
        (person, RDF.type, FOAF.Person), (person, FOAF.name, name), (person, RDFS.label, name),
        (person, DCTERMS.source, src),
        (m, RDF.type, ORG.Membership), (m, ORG.member, person), (m, ORG.organization, ID[f"unit/{unit}"]),
        (m, ORG.role, ID[f"concept/role/{role}"]), (m, GOVKG.post, post),
        (m, SDO.validFrom, Literal("2025-06-01", datatype=XSD.date)),
        (m, RDFS.label, Literal(f"Trần Thị Bích {n}, Phó Chủ nhiệm Văn phòng Chính phủ", lang="vi")),
        (m, GOVKG.evidence, Literal("bổ nhiệm bà Trần Thị Bích giữ chức Phó Chủ nhiệm", lang="vi")),
        (m, DCTERMS.source, src),
    ]
    assert len(triples) == 20
    return [(s_, p, o, g) for s_, p, o in triples]
