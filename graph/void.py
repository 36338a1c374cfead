"""The dataset description, in VoID and DCAT: what the graph holds, under which licence, and where to get it.

:func:`build_void` counts with a handful of aggregate SPARQL queries (read as SPARQL JSON, never term by term)
and returns an rdflib graph: the dataset ``{BASE}/dataset`` with its triples, entities, classes and properties,
one ``void:classPartition`` per class, one ``void:subset`` per named graph (with its source), the licence
(CC BY 4.0), the SPARQL endpoint and the dumps as DCAT distributions, and each release as a version with its
files and their SHA-256 checksums.  Addresses on the server are made from ``public_url``; without one the
description says nothing of where the server is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from graph.namespaces import BASE, DCAT, ELI, GOVKG, PREFIXES, SD, SYSTEM_GRAPHS, VOID
from graph.store.base import Store
from graph.viewcache import Derived

DATASET = URIRef(f"{BASE}/dataset")
LICENCE_URL = URIRef("https://creativecommons.org/licenses/by/4.0/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "https://www.iana.org/assignments/media-types/"
VOCABULARIES = (str(GOVKG), PREFIXES["org"], str(ELI), PREFIXES["schema"], str(PROV), PREFIXES["skos"],
                str(DCTERMS), str(FOAF), PREFIXES["time"])

GRAPHS_Q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
CLASSES_Q = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"
ENTITIES_Q = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?s)) }"
PROPERTIES_Q = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
SUBJECTS_Q = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
SOURCES_Q = "SELECT DISTINCT ?g ?src WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?src } }"


def _rows(store: Store, sparql: str) -> list[dict[str, str]]:
    doc = json.loads(store.query(sparql).serialize("json"))
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _node(kind: str, key: str) -> URIRef:
    return URIRef(f"{BASE}/dataset/{kind}/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}")


def dataset_stats(store: Store) -> dict[str, Any]:
    """The counts the description states, as plain data."""
    graphs = {r["g"]: int(r["n"]) for r in _rows(store, GRAPHS_Q)}
    classes = {r["c"]: int(r["n"]) for r in _rows(store, CLASSES_Q)}
    sources = {r["g"]: r["src"] for r in _rows(store, SOURCES_Q)}
    return {
        "triples": store.count(),
        "graphs": graphs,
        "classes": classes,
        "sources": sources,
        "entities": int(_rows(store, ENTITIES_Q)[0]["n"]),
        "properties": int(_rows(store, PROPERTIES_Q)[0]["n"]),
        "distinct_subjects": int(_rows(store, SUBJECTS_Q)[0]["n"]),
    }


def _distribution(g: Graph, node: URIRef, url: str, media: str, title: str, sha256: str | None = None,
                  size: int | None = None) -> None:
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(title, lang="en")))
    g.add((node, DCAT.downloadURL, URIRef(url)))
    g.add((node, DCAT.mediaType, URIRef(IANA + media)))
    if url.endswith(".gz"):
        g.add((node, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((node, DCTERMS.license, LICENCE_URL))
    if size is not None:
        g.add((node, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    if sha256:
        c = BNode()
        g.add((node, SPDX.checksum, c))
        g.add((c, RDF.type, SPDX.Checksum))
        g.add((c, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((c, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


#: The counts, made once per store write (5 s at 1M triples): :func:`stats_within`.
_STATS: Derived[dict[str, Any]] = Derived(lambda store: dataset_stats(store))


def stats_within(store: Store, wait: float) -> dict[str, Any] | None:
    """The counts of the store as of its last write, if they are made within ``wait`` seconds (off the caller's
    thread); else those from before the last write; ``None`` when there are none yet."""
    return _STATS.get_within(store, wait)


def build_void(store: Store, public_url: str | None = None,
               releases: Sequence[dict[str, Any]] = (), stats: dict[str, Any] | None = None) -> Graph:
    """The VoID and DCAT description of the store (and of ``releases``, manifests from :mod:`graph.release`);
    ``stats`` are :func:`dataset_stats` when the caller has them already."""
    st = dataset_stats(store) if stats is None else stats
    g = Graph()
    for p, ns in (("void", VOID), ("dcat", DCAT), ("dct", DCTERMS), ("sd", SD), ("spdx", SPDX), ("prov", PROV),
                  ("foaf", FOAF), ("xsd", XSD), ("rdfs", RDFS)):
        g.bind(p, ns)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("govkg: đồ thị tri thức về bộ máy Chính phủ Việt Nam", lang="vi")))
    g.add((d, DCTERMS.title, Literal("govkg: a knowledge graph of the Vietnamese government", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Cơ quan, đơn vị, cán bộ, văn bản và sự kiện của Chính phủ Việt Nam, mỗi dữ kiện kèm nguồn.", lang="vi")))
    g.add((d, DCTERMS.description, Literal(
        "Units, officials, documents and events of the Vietnamese government, each fact with its source.",
        lang="en")))
    g.add((d, DCTERMS.license, LICENCE_URL))
    g.add((d, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/vi")))
    g.add((d, VOID.uriSpace, Literal(f"{BASE}/id/")))
    g.add((d, VOID.triples, _int(st["triples"])))
    g.add((d, VOID.entities, _int(st["entities"])))
    g.add((d, VOID.classes, _int(len(st["classes"]))))
    g.add((d, VOID.properties, _int(st["properties"])))
    g.add((d, VOID.distinctSubjects, _int(st["distinct_subjects"])))
    for v in VOCABULARIES:
        g.add((d, VOID.vocabulary, URIRef(v)))
    for c, n in sorted(st["classes"].items()):
        part = _node("class", c)
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(c)))
        g.add((part, VOID.entities, _int(n)))
    system = {str(s) for s in SYSTEM_GRAPHS}
    for name, n in sorted(st["graphs"].items()):
        sub = _node("graph", name)
        g.add((d, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(name)))
        g.add((sub, VOID.triples, _int(n)))
        if name in st["sources"]:
            g.add((sub, DCTERMS.source, URIRef(st["sources"][name])))
        elif name in system:
            g.add((sub, RDFS.comment, Literal("the model (ontology or shapes)", lang="en")))
    if public_url:
        base = public_url.rstrip("/")
        service = URIRef(f"{BASE}/dataset/sparql")
        g.add((d, VOID.sparqlEndpoint, URIRef(f"{base}/sparql")))
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCAT.endpointURL, URIRef(f"{base}/sparql")))
        g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        g.add((service, DCAT.servesDataset, d))
        g.add((d, DCAT.landingPage, URIRef(f"{base}/")))
        for ext, media, title in (("nq.gz", "application/n-quads", "Whole graph, N-Quads (gzip)"),
                                  ("trig.gz", "application/trig", "Whole graph, TriG (gzip)")):
            url = f"{base}/dumps/latest.{ext}"
            g.add((d, VOID.dataDump, URIRef(url)))
            node = URIRef(f"{BASE}/dataset/distribution/latest-{ext.split('.')[0]}")
            g.add((d, DCAT.distribution, node))
            _distribution(g, node, url, media, title)
    for m in releases:
        _release(g, m, public_url)
    return g


def _release(g: Graph, m: dict[str, Any], public_url: str | None) -> None:
    r = URIRef(f"{BASE}/dataset/release/{m['name']}")
    g.add((DATASET, DCAT.hasVersion, r))
    g.add((r, RDF.type, DCAT.Dataset))
    g.add((r, RDF.type, VOID.Dataset))
    g.add((r, DCTERMS.isVersionOf, DATASET))
    g.add((r, DCAT.version, Literal(m["name"])))
    g.add((r, DCTERMS.issued, Literal(m["date"], datatype=XSD.date)))
    g.add((r, DCTERMS.license, LICENCE_URL))
    g.add((r, VOID.triples, _int(m["triples"])))
    g.add((r, VOID.entities, _int(m["entities"])))
    g.add((r, DCTERMS.identifier, Literal(f"sha256:{m['fingerprint']}")))
    if m.get("previous"):
        g.add((r, DCAT.previousVersion, URIRef(f"{BASE}/dataset/release/{m['previous']}")))
    if not public_url:
        return
    base = public_url.rstrip("/")
    media = {"nq.gz": "application/n-quads", "trig.gz": "application/trig"}
    for f in m.get("files", []):
        ext = f["name"].split(".", 1)[1]
        if ext in media:
            node = URIRef(f"{BASE}/dataset/release/{m['name']}/{ext.split('.')[0]}")
            g.add((r, DCAT.distribution, node))
            g.add((r, VOID.dataDump, URIRef(f"{base}/releases/{f['name']}")))
            _distribution(g, node, f"{base}/releases/{f['name']}", media[ext], f"Release {m['name']}, {ext}",
                          sha256=f["sha256"], size=f["bytes"])
