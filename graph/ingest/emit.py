"""The staging graph: the proposed triples with their evidence (MODEL.md "Sources and provenance").

Everything goes into one named graph ``{base}/graph/staging/{source-slug}``; accepted, it becomes the source's
graph ``g:{source-slug}``.  The graph node says where it comes from (``prov:wasDerivedFrom`` the article); the
article is a ``schema:NewsArticle``; the extractor run a ``prov:Activity``.  Every entity and n-ary node carries
``dct:source`` the article, ``govkg:evidence`` (the quoted phrase, ``@vi``), ``govkg:evidenceStart``/``End``
(character offsets into the article as given), ``govkg:confidence`` and ``prov:wasGeneratedBy`` the run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, XSD

from graph.ingest.complete import Note, complete, merge_existing
from graph.ingest.gazetteer import TOP_LEVEL_SLUG, Gazetteer, key
from graph.ingest.link import LinkContext
from graph.ingest.normalize import Article
from graph.ingest.pipeline import EXTRACTOR_VERSION
from graph.ingest.symbols import DOC_TYPES, ISSUERS, TYPE_WORDS
from graph.iri import slug
from graph.namespaces import ELI, GOVKG, ID, PREFIXES
from graph.store.base import Store
from graph.text import fold

EVIDENCE_MAX = 200
DOC_TYPE_NAMES = {**{s: n for s, n in DOC_TYPES.values()}, **{s: n for n, s in TYPE_WORDS.items()}}
_CLASS = {"khoi-thi-dua": GOVKG.EmulationBlock, "cum-thi-dua": GOVKG.EmulationCluster, "hoi-dong": GOVKG.Council,
          "chi-bo": GOVKG.PartyOrganization, "dang-bo": GOVKG.PartyOrganization,
          "ban-can-su-dang": GOVKG.PartyOrganization, "chinh-phu": ORG.Organization, "bo": ORG.Organization,
          "co-quan-ngang-bo": ORG.Organization, "quoc-hoi": ORG.Organization, "dang": ORG.Organization}
#: Publishers known by the first part of their host name: (unit slug, name).
#: Publishers known by their host (and its subdomains): (unit slug, name), as in the seed graph.
PUBLISHERS = {"chinhphu.vn": ("vpcp-cong-thong-tin-dien-tu-chinh-phu", "Cổng Thông tin điện tử Chính phủ"),
              "baochinhphu.vn": ("vpcp-cong-thong-tin-dien-tu-chinh-phu", "Cổng Thông tin điện tử Chính phủ")}
_ATTACHED = ("khoi-thi-dua", "cum-thi-dua", "hoi-dong")
_NEEDS_ATTACHED = (GOVKG.PartyOrganization, GOVKG.Council)
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHEMES = Path(__file__).resolve().parent.parent.parent / "ontology" / "schemes.ttl"


def scheme_slugs(scheme: str) -> set[str] | None:
    """The concept slugs of ``scheme`` in the checkout's ontology (None when it is not there: emit them all)."""
    try:
        text = _SCHEMES.read_text(encoding="utf-8")
    except OSError:
        return None
    return set(re.findall(rf"/id/concept/{scheme}/([a-z0-9-]+)>", text))


_UNIT_TYPES = scheme_slugs("unit-type")
_ROLES = scheme_slugs("role")
_DOC_TYPES = scheme_slugs("document-type")
_UNIT_TYPE_FIX = {"dang": "co-quan-dang", "co-quan-quoc-hoi": "quoc-hoi"}
_PROGRAMME_CLASS = {"programme": GOVKG.Programme, "movement": GOVKG.Movement, "slogan": GOVKG.Slogan}


def concept(scheme: str, s: str) -> URIRef:
    return URIRef(f"{ID}concept/{scheme}/{s}")


def vi(s: str) -> Literal:
    return Literal(s, lang="vi")


def label(s: str) -> Literal:
    """A label: one line, no doubled or edge spaces (the shapes refuse them)."""
    return Literal(" ".join(s.split()), lang="vi")


def publisher_of(url: str | None, text: str, gaz: Gazetteer | None) -> tuple[str, str | None] | None:
    """The publisher (IRI, name) from the URL's host or the article's own "(Chinhphu.vn)", when known."""
    hosts = []
    if url:
        m = re.match(r"(?:[a-z][a-z0-9+.-]*://)?([^/:?#]+)", url.strip(), re.I)
        if m:
            hosts.append(m.group(1).lower().removeprefix("www."))
    m = re.search(r"\((\w+\.vn)\)", text[:2000])
    if not url and m:
        hosts.append(m.group(1).lower())
    for host in hosts:
        if gaz is not None:
            iris = {e.iri for e in gaz.lookup(host) if e.iri}
            if len(iris) == 1:
                return next(iter(iris)), None
        for known, (s, name) in PUBLISHERS.items():
            if host == known or host.endswith("." + known):
                return f"{ID}unit/{s}", name
    return None


def to_dataset(m: dict[str, Any], art: Article, ctx: LinkContext, store: Store | None = None,
               publisher: tuple[str, str | None] | None = None, notes: list[Note] | None = None) -> Dataset:
    """The staging dataset; what the reviewer must supply or know is appended to ``notes``."""
    notes = notes if notes is not None else []
    ds = Dataset()
    for p, iri in PREFIXES.items():
        ds.bind(p, iri)
    g = ds.graph(URIRef(ctx.staging_graph))
    src, run = URIRef(ctx.source_iri), URIRef(ctx.run_iri)
    g.add((URIRef(ctx.staging_graph), RDF.type, PROV.Entity))
    g.add((URIRef(ctx.staging_graph), PROV.wasDerivedFrom, src))
    g.add((src, RDF.type, SDO.NewsArticle))
    if ctx.title:
        g.add((src, DCTERMS.title, label(ctx.title)))
    if ctx.published:
        g.add((src, DCTERMS.issued, Literal(f"{ctx.published.isoformat()}T00:00:00", datatype=XSD.dateTime)))
    if m["article"]["url"]:
        g.add((src, SDO.url, Literal(m["article"]["url"], datatype=XSD.anyURI)))
    names: dict[str, str] = {}  # bodies the article names that may be in no store: typed by their name
    if publisher is not None:
        g.add((src, DCTERMS.publisher, URIRef(publisher[0])))
        if publisher[1]:
            names[publisher[0]] = publisher[1]
    else:
        notes.append(Note("Chưa biết cơ quan đăng bài (dct:publisher): cần ghi khi nhập (--publisher, hoặc URL của "
                          "bài trên một trang đã biết) trước khi chấp nhận.", "The publisher (dct:publisher) is not "
                          "known: give it when ingesting (--publisher, or the article's URL on a known site) before "
                          "accepting."))
    if not ctx.published:
        notes.append(Note("Chưa biết ngày đăng bài (dct:issued): cần ghi ngày đăng (--published) trước khi chấp nhận.",
                          "The publication date (dct:issued) is not known: give it (--published) before accepting."))
    if not ctx.title:
        notes.append(Note("Không tìm được tiêu đề bài (dct:title): người duyệt cần bổ sung.",
                          "No title (dct:title) was found in the article: the reviewer must add it."))
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, RDFS.label, Literal(f"govkg ingest {EXTRACTOR_VERSION}", lang="en")))
    g.add((run, PROV.used, src))
    g.add((run, SDO.softwareVersion, Literal(EXTRACTOR_VERSION)))

    def evidence(node: URIRef | BNode, item: dict[str, Any], confidence: float) -> None:
        g.add((node, DCTERMS.source, src))
        g.add((node, GOVKG.evidence, vi(item["text"][:EVIDENCE_MAX])))
        g.add((node, GOVKG.evidenceStart, Literal(item["start"], datatype=XSD.integer)))
        g.add((node, GOVKG.evidenceEnd, Literal(item["end"], datatype=XSD.integer)))
        g.add((node, GOVKG.confidence, Literal(round(confidence, 2), datatype=XSD.decimal)))
        g.add((node, PROV.wasGeneratedBy, run))

    def unit_ref(name: str | None) -> URIRef | None:
        if not name:
            return None
        iri = ctx.unit_iris.get(key(name))
        if iri is None and fold(name) in TOP_LEVEL_SLUG:
            iri = f"{ID}unit/{slug(name)}"
            names.setdefault(iri, name)
        return URIRef(iri) if iri else None

    mention_names: dict[str, str] = {}  # a linked entity's name as the article gives it: its label, preferably
    for u in m["units"]:
        n = URIRef(u["iri"])
        evidence(n, u, 0.95 if u.get("linked") else 0.8)
        if u.get("linked"):
            mention_names.setdefault(u["iri"], u["name"])
            continue
        cls = _CLASS.get(u["type"] or "", ORG.OrganizationalUnit)
        g.add((n, RDFS.label, label(u["name"])))
        utype = _UNIT_TYPE_FIX.get(u["type"] or "", u["type"])
        if utype and (_UNIT_TYPES is None or utype in _UNIT_TYPES):
            g.add((n, GOVKG.unitType, concept("unit-type", utype)))
        parent, att = unit_ref(u["parent"]), unit_ref(u["attached_to"])
        if parent is not None:
            top = cls == ORG.Organization
            attached = u["type"] in _ATTACHED or (cls in _NEEDS_ATTACHED and att is None)
            prop = GOVKG.attachedTo if attached else ORG.subOrganizationOf if top else ORG.unitOf
            g.add((n, prop, parent))
        if att is not None:
            g.add((n, GOVKG.attachedTo, att))
        # the shapes ask a parent of an organisational unit and an owner of a Party body or council: without one
        # known, the unit is proposed as an organisation (the reviewer may add where it belongs)
        if (cls == ORG.OrganizationalUnit and parent is None) or (cls in _NEEDS_ATTACHED and parent is None
                                                                   and att is None):
            cls = ORG.Organization
        g.add((n, RDF.type, cls))
        block = unit_ref(u["member_of"])
        if block is not None:
            g.add((n, ORG.memberOf, block))
            mem = URIRef(f"{ID}membership/{u['iri'].rsplit('/', 1)[-1]}--{str(block).rsplit('/', 1)[-1]}")
            g.add((mem, RDF.type, ORG.Membership))
            g.add((mem, ORG.member, n))
            g.add((mem, ORG.organization, block))
            if ctx.published:
                g.add((mem, GOVKG.attestedOn, Literal(ctx.published)))
            evidence(mem, u, 0.8)
    for p in m["persons"]:
        n = URIRef(p["iri"])
        evidence(n, p, 0.85 if p["posts"] else 0.6)
        g.add((n, RDF.type, FOAF.Person))
        g.add((n, FOAF.name, vi(p["name"])))
        g.add((n, RDFS.label, label(p["name"])))
        pslug = p["iri"].rsplit("/", 1)[-1]
        for q in p["posts"]:
            unit = unit_ref(q["unit"])
            if unit is None or (_ROLES is not None and q["role"] not in _ROLES):
                continue  # a title without its unit, or outside the role scheme, stays in the evidence for review
            target = f"{str(unit).rsplit('/', 1)[-1]}-{q['role']}" if unit is not None else q["role"]
            mem = URIRef(f"{ID}membership/{pslug}--{target}")
            g.add((mem, RDF.type, ORG.Membership))
            g.add((mem, ORG.member, n))
            g.add((mem, ORG.role, concept("role", q["role"])))
            g.add((mem, RDFS.label, label(f"{q['title']} {q['unit'] or ''}".strip())))
            if unit is not None:
                post = URIRef(f"{ID}post/{target}")
                g.add((mem, ORG.organization, unit))
                g.add((mem, GOVKG.post, post))
                g.add((post, RDF.type, ORG.Post))
                g.add((post, ORG.postIn, unit))
                g.add((post, ORG.role, concept("role", q["role"])))
                g.add((post, RDFS.label, label(f"{q['title']} {q['unit']}")))
                g.add((post, DCTERMS.source, src))
            if q["former"]:
                g.add((mem, GOVKG.former, Literal(True)))
            elif ctx.published:
                g.add((mem, GOVKG.attestedOn, Literal(ctx.published)))
            if q["concurrent"]:
                g.add((mem, GOVKG.concurrent, Literal(True)))
            evidence(mem, p, 0.8 if unit is not None else 0.6)
    for d in m["documents"]:
        n = URIRef(d["iri"])
        if not d.get("linked") and not (d["type"] and (_DOC_TYPES is None or d["type"] in _DOC_TYPES)):
            # the shapes ask a document type from the scheme: one outside it is the reviewer's to type
            notes.append(Note(f"Văn bản chưa có loại trong bộ phân loại, chưa đề xuất: «{_short(d['text'])}» (loại "
                              f"{d['type'] or 'không rõ'}).", f"A document whose type is not in the scheme was not "
                              f"proposed: «{_short(d['text'])}» (type {d['type'] or 'unknown'})."))
            for k in [k for k, v in ctx.doc_iris.items() if v == d["iri"]]:
                del ctx.doc_iris[k]
            continue
        evidence(n, d, 0.95 if d["symbol"] else 0.75)
        g.add((n, RDF.type, ELI.LegalResource))
        g.add((n, RDFS.label, label(d["title"] or " ".join(x for x in (DOC_TYPE_NAMES.get(d["type"] or "", ""),
                                                                     d["symbol"] or d["number_as_written"]) if x))))
        if d["symbol"]:
            g.add((n, ELI.id_local, Literal(d["symbol"])))
        if d["number"]:
            g.add((n, GOVKG.documentNumber, Literal(d["number"])))
        if d["number_as_written"]:
            g.add((n, GOVKG.numberAsWritten, Literal(d["number_as_written"])))
        if d["type"] and (_DOC_TYPES is None or d["type"] in _DOC_TYPES):
            g.add((n, ELI.type_document, concept("document-type", d["type"])))
        if d["year"]:
            g.add((n, GOVKG.documentYear, Literal(str(d["year"]), datatype=XSD.gYear)))
        if d["date"] and d["date"][0] != "-":
            g.add((n, ELI.date_document, Literal(d["date"], datatype=XSD.date)))
        issuer = d["issuer"]
        if issuer:
            code = issuer.split("-")[0]
            if code in ISSUERS or issuer in ISSUERS:
                g.add((n, GOVKG.issuerCode, Literal(issuer)))
            name = ISSUERS.get(code, issuer)
            ref = unit_ref(name)
            if ref is None and code in ISSUERS:
                ref = URIRef(f"{ID}unit/{slug(name)}")
                g.add((ref, RDF.type, ORG.Organization))
                g.add((ref, RDFS.label, label(name)))
                g.add((ref, DCTERMS.source, src))
                if code in ("TTg", "CTN"):
                    g.add((ref, GOVKG.unitType, concept("unit-type", "nguoi-co-tham-quyen")))
            if ref is not None:
                g.add((n, ELI.passed_by, ref))
        if d["subject"] and not d["title"]:  # the shape allows one of eli:title | dct:subject per language
            g.add((n, DCTERMS.subject, vi(d["subject"])))
        if d["title"]:
            g.add((n, ELI.title, vi(d["title"])))
    for pr in m["programmes"]:
        n = URIRef(pr["iri"])
        evidence(n, pr, 0.75)
        g.add((n, RDF.type, _PROGRAMME_CLASS[pr["kind"]]))
        g.add((n, RDFS.label, label(pr["name"])))
        if pr["kind"] == "slogan":
            g.add((n, SDO.text, vi(pr["name"])))
        if pr["year"]:
            g.add((n, GOVKG.forYear, Literal(str(pr["year"]), datatype=XSD.gYear)))
    for e in m["events"]:
        if e["type"] == "historical" or _FULL_DATE.match(e["date"] or ""):
            _event(g, e, ctx, unit_ref, evidence, notes)
        else:  # the shapes ask a start date of every event: an undated one is left to the reviewer
            notes.append(Note(f"Sự kiện chưa rõ ngày, chưa đề xuất: «{_short(e['text'])}» ({e['type']}, ngày "
                              f"{e['date'] or 'không rõ'}); thêm nếu biết ngày.", f"An event without a known date "
                              f"was not proposed: «{_short(e['text'])}» ({e['type']}, date {e['date'] or 'unknown'}); "
                              "add it if the date is known."))
    complete(g, src, store, names, notes, mention_names)
    merge_existing(g, ctx.target_graph, store)
    return ds


def _short(text: str, n: int = 80) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def _event(g: Any, e: dict[str, Any], ctx: LinkContext, unit_ref: Any, evidence: Any, notes: list[Note]) -> None:
    n = URIRef(e["iri"])
    if e["type"] == "historical":
        if not _FULL_DATE.match(e["date"] or ""):
            notes.append(Note(f"Sự kiện lịch sử chưa rõ ngày, chưa đề xuất: «{_short(e['label'] or e['text'])}».",
                              f"A historical event without a known date was not proposed: "
                              f"«{_short(e['label'] or e['text'])}»."))
            return
        evidence(n, e, 0.7)
        g.add((n, RDF.type, GOVKG.HistoricalEvent))
        g.add((n, RDFS.label, label(e["label"] or "")))
        if e["date"]:
            g.add((n, SDO.startDate, Literal(e["date"], datatype=XSD.date)))
        ann = e.get("anniversary") or {}
        if ann.get("date") and ann.get("number"):
            a = URIRef(f"{ID}event/{ann['date']}-ky-niem-{ann['number']}-nam-{str(n).rsplit('/', 1)[-1][11:]}")
            g.add((a, RDF.type, GOVKG.Anniversary))
            g.add((a, SDO.startDate, Literal(ann["date"], datatype=XSD.date)))
            g.add((a, GOVKG.anniversaryNumber, Literal(ann["number"], datatype=XSD.integer)))
            g.add((a, GOVKG.commemorates, n))
            g.add((a, RDFS.label, label(f"Kỷ niệm {ann['number']} năm {e['label'] or ''}".strip())))
            evidence(a, e, 0.7)
        return
    evidence(n, e, 0.7)
    g.add((n, RDF.type, SDO.Event))
    g.add((n, RDF.type, PROV.Activity))
    g.add((n, GOVKG.eventType, concept("event-type", e["type"])))
    g.add((n, RDFS.label, label(" ".join(x for x in (e["text"], e["date"] or "") if x))))
    if e["date"] and e["date"][0] != "-":
        g.add((n, SDO.startDate, Literal(e["date"], datatype=XSD.date)))
    if e["until"] and e["until"][0] != "-":
        g.add((n, SDO.endDate, Literal(e["until"], datatype=XSD.date)))
    if e["place"]:
        g.add((n, SDO.location, vi(e["place"])))

    def associate(agent: URIRef, role: str) -> None:
        a = BNode()
        g.add((n, PROV.qualifiedAssociation, a))
        g.add((a, RDF.type, PROV.Association))
        g.add((a, PROV.agent, agent))
        g.add((a, PROV.hadRole, concept("participant-role", role)))
        g.add((n, PROV.wasAssociatedWith, agent))

    for o in e["organisers"]:
        ref = unit_ref(o)
        if ref is not None:
            g.add((n, SDO.organizer, ref))
            associate(ref, "organiser")
    for o in e["co_organisers"]:
        ref = unit_ref(o)
        if ref is not None:
            g.add((n, SDO.organizer, ref))
            associate(ref, "co-organiser")
    for p in e["participants"]:
        ref = unit_ref(p["name"])
        if ref is None and fold(p["name"]) in ctx.person_iris:
            ref = URIRef(ctx.person_iris[fold(p["name"])])
        if ref is not None:
            associate(ref, p["role"])
    for d in e["documents"]:
        if d in ctx.doc_iris:
            g.add((n, GOVKG.implements, URIRef(ctx.doc_iris[d])))
    for d in e["cites"]:
        if d in ctx.doc_iris:
            g.add((n, GOVKG.cites, URIRef(ctx.doc_iris[d])))
    for pr in e["programmes"]:
        if pr in ctx.programme_iris:
            g.add((n, GOVKG.concerns, URIRef(ctx.programme_iris[pr])))
