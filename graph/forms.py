"""Steward forms from the SHACL shapes: the fields of a class, and the quads a filled form means.

:func:`fields` reads the shapes graph of the store: every property shape of the node shapes that target the
class (a simple IRI path) becomes a field, with its datatype or class, whether it is required (``sh:minCount``)
or single (``sh:maxCount 1``) and the shape's message in each language.  :func:`build` turns a submitted
form into an entity IRI, its graph (the graph of the cited source) and quads; the composite parts the shapes
describe through other nodes (a post held for a period, participants with roles, a document's symbol parsed
with :func:`graph.ingest.symbols.parse_symbol`) are built here as the model says (docs/MODEL.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SDO, XSD
from rdflib.term import Node

from graph.iri import slug
from graph.namespaces import ELI, GOVKG, GRAPH, ID, SHAPES_GRAPH, entity_iri
from graph.store.base import QuadTuple, Store
from graph.text import clean

CLASSES = {"person": FOAF.Person, "document": ELI.LegalResource, "event": SDO.Event}
#: handled by the form itself (type, source) or by a composite part
SKIP = {str(RDF.type), str(DCTERMS.source), str(ORG.holds), str(PROV.qualifiedAssociation)}


@dataclass
class Field:
    path: str
    name: str
    datatype: str = ""
    cls: str = ""
    required: bool = False
    single: bool = False
    messages: dict[str, str] = field(default_factory=dict)

    @property
    def input(self) -> str:
        if self.cls:
            return "entity"
        return {str(XSD.date): "date", str(RDF.langString): "langString", str(XSD.boolean): "checkbox"}.get(
            self.datatype, "text")


def fields(store: Store, kind: str) -> list[Field]:
    cls = CLASSES[kind]
    q = f"""
    SELECT ?path ?dt ?cls ?min ?max ?msg WHERE {{ GRAPH <{SHAPES_GRAPH}> {{
      ?shape <http://www.w3.org/ns/shacl#targetClass> <{cls}> ; <http://www.w3.org/ns/shacl#property> ?ps .
      ?ps <http://www.w3.org/ns/shacl#path> ?path . FILTER(isIRI(?path))
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#datatype> ?dt }}
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#or>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*/
                  <http://www.w3.org/1999/02/22-rdf-syntax-ns#first>/<http://www.w3.org/ns/shacl#datatype> ?dt }}
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#class> ?cls }}
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#minCount> ?min }}
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#maxCount> ?max }}
      OPTIONAL {{ ?ps <http://www.w3.org/ns/shacl#message> ?msg }}
    }} }}"""
    out: dict[str, Field] = {}
    for r in store.query(q).rows():
        path = str(r["path"])
        if path in SKIP:
            continue
        f = out.setdefault(path, Field(path, path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]))
        if "dt" in r and (not f.datatype or str(r["dt"]) == str(XSD.string)):  # plain strings are simplest
            f.datatype = str(r["dt"])
        if "cls" in r:
            f.cls = str(r["cls"])
        f.required |= "min" in r and int(str(r["min"])) > 0
        f.single |= "max" in r and int(str(r["max"])) == 1
        if "msg" in r:
            f.messages[getattr(r["msg"], "language", None) or "en"] = str(r["msg"])
    return sorted(out.values(), key=lambda f: (not f.required, f.name))


def source_graph(source: str) -> str:
    """The named graph of a cited source: ``g:{slug}`` for ``src:{slug}`` or ``doc:{slug}``, else the steward graph."""
    for kind in ("source", "document"):
        base = f"{ID}{kind}/"
        if source.startswith(base) and "/" not in source[len(base):]:
            return f"{GRAPH}{source[len(base):]}"
    return f"{GRAPH}steward"


def _free(store: Store, kind: str, s: str) -> str:
    iri, n = entity_iri(kind, s), 1
    while store.ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} }}"):
        n += 1
        iri = entity_iri(kind, f"{s}-{n}")
    return iri


def _slug(text: str, fallback: str) -> str:
    try:
        return slug(text) or fallback
    except ValueError:
        return fallback


def _iri(v: str) -> URIRef | None:
    v = v.strip()
    return URIRef(v) if v and ":" in v and not any(c in v for c in '<>" {}|^`\\') else None


def build(store: Store, kind: str, form: dict[str, list[str]]) -> tuple[str, str, list[QuadTuple]]:
    """(entity IRI, graph, quads) for a submitted form; values NFC-cleaned, empty fields left out."""
    one = {k: clean(v[0]).strip() if v else "" for k, v in form.items()}
    source = _iri(one.get("source", ""))
    label = one.get(f"{RDFS.label}@vi", "") or one.get(str(FOAF.name), "") or one.get(str(SDO.name), "")
    if kind == "document" and one.get("symbol"):
        from graph.ingest.symbols import parse_symbol

        sym = parse_symbol(one["symbol"])
        if sym is not None:
            year = sym.year or (one.get(str(ELI.date_document), "")[:4] or "")
            name = slug(sym.symbol) + (f"-{year}" if year and not sym.year else "")
            iri = URIRef(_free(store, kind, name))
        else:
            iri = URIRef(_free(store, kind, _slug(one["symbol"], "van-ban")))
    else:
        iri = URIRef(_free(store, kind, _slug(label, kind)))
    g = URIRef(source_graph(str(source)) if source else f"{GRAPH}steward")
    t: list[tuple[Node, Node, Node]] = [(iri, RDF.type, CLASSES[kind])]
    if source:
        t.append((iri, DCTERMS.source, source))
    for f in fields(store, kind):
        if f.input == "langString":
            for lang in ("vi", "en"):
                v = one.get(f"{f.path}@{lang}", "")
                if v:
                    t.append((iri, URIRef(f.path), Literal(v, lang=lang)))
            continue
        for raw in form.get(f.path, []):
            v = clean(raw).strip()
            if not v:
                continue
            if f.cls:
                if (o := _iri(v)) is not None:
                    t.append((iri, URIRef(f.path), o))
            elif f.datatype and f.datatype != str(XSD.string):
                t.append((iri, URIRef(f.path), Literal(v, datatype=URIRef(f.datatype))))
            else:
                t.append((iri, URIRef(f.path), Literal(v)))
    t += _composite(store, kind, iri, one, form, source)
    return str(iri), str(g), [(s, p, o, g) for s, p, o in t]


def _composite(store: Store, kind: str, iri: URIRef, one: dict[str, str], form: dict[str, list[str]],
               source: URIRef | None) -> list[tuple[Node, Node, Node]]:
    t: list[tuple[Node, Node, Node]] = []
    if kind == "document" and one.get("symbol"):
        from graph.ingest.symbols import parse_symbol

        sym = parse_symbol(one["symbol"])
        if sym is not None:
            t.append((iri, ELI.id_local, Literal(sym.symbol)))
            t.append((iri, GOVKG.documentNumber, Literal(sym.number)))
            if sym.issuer:
                t.append((iri, GOVKG.issuerCode, Literal(sym.issuer)))
            if sym.year:
                t.append((iri, GOVKG.documentYear, Literal(str(sym.year), datatype=XSD.gYear)))
            if sym.type_slug:
                t.append((iri, ELI.type_document, URIRef(f"{ID}concept/document-type/{sym.type_slug}")))
        t = [x for x in t if not (x[1] in (ELI.id_local,) and any(y[1] == x[1] and y is not x for y in t))]
    if kind == "person" and (unit := _iri(one.get("post_unit", ""))) and (role := _iri(one.get("post_role", ""))):
        m = URIRef(f"{ID}membership/{iri.rsplit('/', 1)[-1]}--{unit.rsplit('/', 1)[-1]}"
                   + (f"--{one['post_from']}" if one.get("post_from") else ""))
        t += [(m, RDF.type, ORG.Membership), (m, ORG.member, iri), (m, ORG.organization, unit), (m, ORG.role, role)]
        if source:
            t.append((m, DCTERMS.source, source))
        for key, p in (("post_from", SDO.validFrom), ("post_to", SDO.validThrough)):
            if one.get(key):
                t.append((m, p, Literal(one[key], datatype=XSD.date)))
    if kind == "event":
        for i, (agent_s, role_s) in enumerate(zip(form.get("participant", []), form.get("participant_role", []),
                                                  strict=False)):
            a, r = _iri(agent_s), _iri(role_s)
            if a is None or r is None:
                continue
            node = URIRef(f"{iri}#p{i + 1}")
            t += [(iri, PROV.qualifiedAssociation, node), (node, RDF.type, PROV.Association),
                  (node, PROV.agent, a), (node, PROV.hadRole, r), (iri, PROV.wasAssociatedWith, a)]
    return t


def concepts(store: Store, scheme: str, lang: str) -> list[tuple[str, str]]:
    """(IRI, label) of the concepts of a scheme, for select boxes."""
    q = f"""SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ GRAPH ?g {{ ?c <http://www.w3.org/2004/02/skos/core#inScheme>
      <{ID}scheme/{scheme}> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(lang(?l) = "{lang}") }} }}
      GROUP BY ?c ORDER BY ?label"""
    return [(str(r["c"]), str(r.get("label", r["c"]))) for r in store.query(q).rows()]
