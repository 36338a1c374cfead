"""A small change of 20 triples that conforms: one new source article reporting a new person holding a post.

This is what an editor's accepted proposal or one ingested article adds; validating it must not cost a pass
over the whole graph.  Like every graph of govkg (and of the generator), the new graph is complete by itself:
the article, the person, the membership and the unit it names (an existing unit of the generated skeleton,
with the labels the generated graphs give it), each typed, labelled and sourced in it.
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, XSD

from bench.skeleton import ROLE_LABELS, Unit, build
from graph.namespaces import BASE
from graph.store.base import QuadTuple

ID = Namespace(f"{BASE}/id/")


@lru_cache(maxsize=1)
def _units() -> dict[str, Unit]:
    return build(45).by_slug()  # the top of every generated skeleton (bench.generate builds at least 45 units)


def small_change(n: int = 0, unit: str = "van-phong-chinh-phu", role: str = "pho-chu-nhiem") -> list[QuadTuple]:
    """Twenty quads in a new named graph; ``n`` makes the IRIs unique, so repeated runs add different people.
    ``unit`` must be an organisation of the skeleton (org:Organization, so it needs no parent in the graph)."""
    u = _units()[unit]
    assert u.cls == "org" and u.en, f"{unit}: the change names a top-level organisation with an English label"
    s = f"chinhphu-2025-06-0{1 + n % 9}-bo-nhiem-{role}-bench-{n}"
    g, src = URIRef(f"{BASE}/graph/{s}"), ID[f"source/{s}"]
    person, org = ID[f"person/tran-thi-bich-bench-{n}"], ID[f"unit/{unit}"]
    m = ID[f"membership/tran-thi-bich-bench-{n}--{unit}-{role}--2025-06-01"]
    name = Literal(f"Trần Thị Bích {n}", lang="vi")
    title = Literal(f"{u.name} bổ nhiệm {ROLE_LABELS[role]} ({n})", lang="vi")
    triples = [
        (g, RDF.type, PROV.Entity), (g, PROV.wasDerivedFrom, src),
        (src, RDF.type, SDO.NewsArticle), (src, DCTERMS.title, title), (src, DCTERMS.publisher, org),
        (src, DCTERMS.issued, Literal("2025-06-01T08:00:00+07:00", datatype=XSD.dateTime)),
        (person, RDF.type, FOAF.Person), (person, FOAF.name, name), (person, RDFS.label, name),
        (person, DCTERMS.source, src),
        (m, RDF.type, ORG.Membership), (m, ORG.member, person), (m, ORG.organization, org),
        (m, ORG.role, ID[f"concept/role/{role}"]), (m, SDO.validFrom, Literal("2025-06-01", datatype=XSD.date)),
        (m, DCTERMS.source, src),
        (org, RDF.type, ORG.Organization), (org, RDFS.label, Literal(u.name, lang="vi")),
        (org, RDFS.label, Literal(u.en, lang="en")), (org, DCTERMS.source, src),
    ]
    assert len(triples) == 20
    return [(s_, p, o, g) for s_, p, o in triples]
