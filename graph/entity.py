"""The data of an entity page: labels, facts grouped by meaning (with source and evidence), incoming links,
the neighbourhood graph, and the entity's own RDF for the ``.ttl``/``.jsonld``/``.nt`` twins.

:func:`entity_view` returns plain data (dicts and lists, JSON-ready); the web layer only renders it.  The
sections per kind are the table in :mod:`graph.entity_sections`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph import entity_facts, entity_memo, side_tables
from graph.entity_facts import FACT_SOURCES
from graph.entity_sections import BY_KIND, HEADER_PREDICATES
from graph.formats import rdf_format
from graph.labels import iri_ref, kind_of, labels, linkable, term_labels, text_of, values
from graph.lexical import solutions
from graph.namespaces import ID, KINDS, PREFIXES
from graph.side_by_side import run_all
from graph.store.base import QueryResult, Store, used_prefixes
from graph.text import nfc

#: What may follow ``/id/{kind}/``: slug segments (concepts have two), no dots, nothing to escape.
_SEGMENT = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
PATH_TAIL = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})?$")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EVIDENCE = "https://w3id.org/govkg/ontology#evidence"
ISSUED = "http://purl.org/dc/terms/issued"
URL = "https://schema.org/url"
SOURCE = "http://purl.org/dc/terms/source"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TITLE = "http://purl.org/dc/terms/title"
ID_LOCAL = "http://data.europa.eu/eli/ontology#id_local"
#: Values a section lists per page; the rest are counted (an aggregate) and reached by ``?section=KEY&page=N``.
PAGE = 50


def expand(qname: str) -> str:
    p, _, local = qname.partition(":")
    return PREFIXES[p] + local if p in PREFIXES else qname


#: The header's predicates as IRIs: never among the other facts.
_HEADER_IRIS = frozenset(expand(p) for p in HEADER_PREDICATES)


def qname(iri: str) -> str:
    best = ""
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, name = ns, f"{p}:{iri[len(ns):]}"
    return name if best else iri


def iri_for_path(kind: str, tail: str) -> str | None:
    """The entity IRI served at ``/id/{kind}/{tail}``, or ``None`` when the path cannot be one."""
    if kind not in KINDS or not PATH_TAIL.match(tail):
        return None
    return f"{ID}{kind}/{tail}"


def exists(store: Store, iri: str) -> bool:
    ref = iri_ref(iri)
    return store.ask(f"ASK {{ {{ {ref} ?p ?o }} UNION {{ ?s ?p {ref} }} }}", union_default_graph=True)


def ref(iri: str, names: dict[str, str]) -> dict[str, Any]:
    return {"iri": iri, "label": names.get(iri, iri), "kind": kind_of(iri), "link": linkable(iri)}


def _value(node: Node, names: dict[str, str]) -> dict[str, Any]:
    if isinstance(node, URIRef):
        return ref(str(node), names)
    if isinstance(node, Literal):
        return {"text": nfc(str(node)), "lang": node.language or "", "datatype": str(node.datatype or "")}
    return {"text": "", "blank": True}


def _sources(store: Store, graphs: set[str], srcs: set[str], lang: str) -> dict[str, dict[str, Any]]:
    """Article, title, date and address of each graph and source IRI (what a graph is derived from kept until
    the graph changes, a source's date and address until its statements do)."""
    out: dict[str, dict[str, Any]] = {}
    g2s: dict[str, str] = {}
    known = entity_memo.kept_many(store, (("derived", g) for g in graphs))
    g2s = {g: v for g in graphs if (v := known.get(("derived", g))) is not None}
    todo = sorted(graphs - g2s.keys())
    if todo:
        since = entity_memo.mark(store)
        q = f"SELECT ?g ?src WHERE {{ {values('g', todo)} GRAPH ?g {{ ?g prov:wasDerivedFrom ?src }} }}"
        found = {row["g"]: row["src"] for row in solutions(store, q, union=False)}
        g2s |= found
        # a graph derived from nothing is kept as "" (asked again only when it changes)
        entity_memo.put(store, since, ((("derived", g), found.get(g, ""), (("graph", g),)) for g in todo))
    g2s = {g: v for g, v in g2s.items() if v}
    allsrc = srcs | set(g2s.values())
    info: dict[str, dict[str, Any]] = {}
    kept = entity_memo.kept_many(store, (("source", s) for s in allsrc))
    for s in allsrc:
        k = kept.get(("source", s))
        info[s] = {"iri": s, "date": k[0], "url": k[1]} if k is not None else {"iri": s, "date": "", "url": ""}
    unread = sorted(s for s in allsrc if ("source", s) not in kept)
    stated = side_tables.statements(store, unread, (ISSUED, URL)) if unread else None
    if stated is not None:  # kept beside the store (graph.side_tables): nothing to remember here
        for s, rows in stated.items():
            for p, _, v in sorted(rows):
                if p == ISSUED:
                    info[s]["date"] = v[:10]
                elif linkable(v):
                    info[s]["url"] = v
        unread = []
    if unread:
        since = entity_memo.mark(store)
        q = (
            f"SELECT DISTINCT ?s ?issued ?url WHERE {{ {values('s', unread)} "
            "OPTIONAL { ?s dct:issued ?issued } OPTIONAL { ?s schema:url ?url } }"
        )
        for row in solutions(store, q):  # lexical values: no rdflib date parsed per source
            d = info[row["s"]]
            if "issued" in row:
                d["date"] = row["issued"][:10]
            if "url" in row and linkable(row["url"]):
                d["url"] = row["url"]
        entity_memo.put(store, since, ((("source", s), (info[s]["date"], info[s]["url"]), (("set", s),))
                                       for s in unread))
    names = labels(store, allsrc, lang)
    for s, d in info.items():
        d["label"] = names.get(s, s)
        d["link"] = linkable(s)
        out[s] = d
    for g, s in g2s.items():
        out[g] = info[s]
    for g in graphs - g2s.keys():
        out[g] = {"iri": g, "label": g.rsplit("/", 1)[-1], "date": "", "url": "", "link": False}
    return out


def _group(rows: list[dict[str, Any]], extras: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of one section (one per fact and node) merged per fact (value, role, period), with the graphs that
    state it, its nodes' sources and evidence, and how many sources it has in all."""
    facts: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in rows:
        if isinstance(r.get("v"), BNode):
            continue
        k = tuple(text_of(r.get(x)) for x in ("v", "role", "from", "to", "at"))
        node = str(r["node"]) if isinstance(r.get("node"), URIRef) else ""
        f = facts.setdefault(k, {"_v": r["v"], "_role": r.get("role"), "graphs": set(), "srcs": set(), "ev": [],
                                 "ng": 0, "unlisted": 0, "node": node})
        for x, var in (("from", "from"), ("to", "to"), ("at", "at"), ("date", "day")):
            if r.get(var) is not None:
                f[x] = text_of(r[var])[:10]
        if text_of(r.get("was")).lower() in ("true", "1"):
            f["former"] = True
        f["graphs"] |= r["graphs"]
        f["ng"] += r["ng"]
        f["unlisted"] += max(r["ng"] - len(r["graphs"]), 0)
        extra = extras.get(node)
        if extra is not None:
            f["srcs"] |= extra["srcs"]
            f["ev"] += [e for e in extra["ev"] if e not in f["ev"]]
    return list(facts.values())


def _finish(facts: list[dict[str, Any]], names: dict[str, str], srcinfo: dict[str, dict[str, Any]]) -> list[dict]:
    out = []
    for f in facts:
        seen: dict[str, dict[str, Any]] = {}
        for key in sorted(f["graphs"]) + sorted(f["srcs"]):
            s = srcinfo.get(key)
            if s is not None:
                seen.setdefault(s["iri"], s)
        shown = sorted(seen.values(), key=lambda s: (s["date"], s["iri"]), reverse=True)[:FACT_SOURCES]
        # every graph listed: the distinct sources; else the number of graphs that state the fact
        total = max(f["ng"], len(seen)) if f["unlisted"] else len(seen)
        role = f["_role"]
        out.append({
            "value": _value(f["_v"], names),
            "role": ref(str(role), names) if isinstance(role, URIRef) else None,
            "from": f.get("from", ""), "to": f.get("to", ""), "attested": f.get("at", ""),
            "date": f.get("date", ""), "former": f.get("former", False),
            "sources": shown, "sources_total": total, "sources_more": max(total - len(shown), 0),
            "sources_at": f["node"], "evidence": f["ev"],
        })
    out.sort(key=lambda x: (x["date"] or x["from"] or x["attested"] or "9999", x["value"].get("label")
                            or x["value"].get("text", "")))
    return out


def _other_body(this: str, covered: set[str], known: list[str] | None = None) -> str:
    """The statements of ``this`` that no section shows, as a section's pattern; with ``known``, only those of
    these predicates (a hub's statements are read predicate by predicate, never all of them)."""
    skip = covered | _HEADER_IRIS
    me = iri_ref(this)
    if known is not None:  # a branch per predicate: each an index lookup (a VALUES of them read every statement)
        known = [p for p in known if p not in skip]
        if not known:
            return f"BIND({me} AS ?node) FILTER(false)"
        return " UNION ".join(
            f"{{ GRAPH ?g {{ {me} {iri_ref(p)} ?v }} BIND({iri_ref(p)} AS ?role) BIND({me} AS ?node) }}" for p in known)
    flt = f"FILTER(?role NOT IN ({', '.join(iri_ref(p) for p in sorted(skip))}))" if skip else ""
    return f"GRAPH ?g {{ {iri_ref(this)} ?role ?v }} {flt} BIND({iri_ref(this)} AS ?node)"


#: What the header reads of an entity, every value once (the label predicates of :data:`LABEL_ORDER` too, so
#: the entity's own label is not read again).
_HEAD = ("rdf:type", "rdfs:label", "skos:prefLabel", "foaf:name", "skos:altLabel", "dct:title", "eli:id_local")
_HEAD_RANK = {expand(p): n for n, p in enumerate(_HEAD)}


def _header(store: Store, this: str, page: int = 0, exact: bool = False) -> dict[str, Any]:
    """Types, labels and alternative labels (distinct), the first :data:`PAGE` evidence quotes, and one page of
    the entity's sources (in the engine's order; the page shows it by date) with their number: answers about the
    statements of ``this`` as a set, kept until they change."""
    read = (*(expand(p) for p in _HEAD), EVIDENCE, SOURCE)
    h = entity_memo.kept(("header", this, page, exact), lambda: (_read_header(store, this, page, exact),
                                                                 entity_memo.statements_of(this, read)), store)
    return {k: (set(v) if isinstance(v, (set, frozenset)) else list(v) if isinstance(v, list) else
                dict(v) if isinstance(v, dict) else v) for k, v in h.items()}


def _kept_head(store: Store, this: str) -> list[tuple[str, Node]] | None:
    """The header's statements of ``this`` (:data:`_HEAD`) from the tables kept beside the store, or ``None``."""
    types = side_tables.facts(store, [this], [RDF_TYPE])
    stated = side_tables.statements(store, [this], side_tables.label_predicates()) if types is not None else None
    if types is None or stated is None:
        return None
    out: list[tuple[str, Node]] = [(RDF_TYPE, URIRef(o) if k == "I" else Literal(o, lang=lang or None,
                                                                                 datatype=URIRef(dt) if dt else None))
                                   for _, o, k, lang, dt, _, _ in types.get(this, [])]
    out += [(p, Literal(v, lang=lang or None)) for p, lang, v in stated.get(this, [])]
    return out


def _head_order(pv: tuple[str, Node]) -> tuple[int, str, str, str]:
    """The header's statements in one order whatever read them: by predicate (:data:`_HEAD`), language, text."""
    p, o = pv
    return (_HEAD_RANK.get(p, len(_HEAD_RANK)), p, (o.language or "") if isinstance(o, Literal) else "", str(o))


def _read_header(store: Store, this: str, page: int, exact: bool) -> dict[str, Any]:
    me, size = iri_ref(this), PAGE
    evidence_q = f"SELECT DISTINCT (govkg:evidence AS ?p) ?o WHERE {{ {me} govkg:evidence ?o }} LIMIT {size}"
    kept = _kept_head(store, this)
    if kept is None:
        q = (f"SELECT ?p ?o WHERE {{ {{ SELECT DISTINCT ?p ?o WHERE {{ {me} ?p ?o "
             f"{values('p', (expand(p) for p in _HEAD))} }} }} UNION {{ {evidence_q} }} }}")
        read = [(str(r["p"]), r["o"]) for r in store.query(q, union_default_graph=True).rows()]
    else:
        read = kept + [(EVIDENCE, r["o"]) for r in store.query(evidence_q, union_default_graph=True).rows()]
    # the sources' page by itself: a LIMIT inside a UNION is not honoured everywhere (Virtuoso)
    page_q = f"SELECT DISTINCT ?o WHERE {{ {me} dct:source ?o }} LIMIT {size} OFFSET {size * max(page, 0)}"
    h: dict[str, Any] = {"types": set(), "labels": {}, "alt": [], "evidence": [], "srcs": [], "stated": []}
    for p, o in sorted(read, key=_head_order):
        if p == RDF_TYPE:
            h["types"].add(str(o))
        elif p == ALT:
            if text_of(o) not in h["alt"]:
                h["alt"].append(text_of(o))
        elif p == EVIDENCE:
            if text_of(o) not in h["evidence"]:
                h["evidence"].append(text_of(o))
        elif isinstance(o, Literal):
            h["stated"].append((p, o))
            if p not in (TITLE, ID_LOCAL):
                h["labels"].setdefault(o.language or "", text_of(o))
    h["evidence"] = h["evidence"][:size]
    found = store.query(page_q, union_default_graph=True).rows()
    h["srcs"] = [str(r["o"]) for r in found if isinstance(r["o"], URIRef)]
    n = len(h["srcs"])
    h["src_total"], h["src_capped"] = n, False
    if n >= size or page > 0:  # counted up to the cap, all of them on the sources' own view
        body = f"{me} dct:source ?v"
        h["src_total"] = entity_facts.count_values(store, body, exact=exact)
        h["src_capped"] = not exact and h["src_total"] > entity_facts.CAP
    return h


def incoming(store: Store, this: str, lang: str, sample: int = 12, hub: bool = False) -> list[dict[str, Any]]:
    """Links into ``this``: per predicate, how many subjects (``hub``: up to the cap), and the first few of them."""
    found = entity_facts.incoming(store, this, sample, hub)
    names = labels(store, {s for _, _, subs in found for s in subs}, lang) | term_labels(
        store, [p for p, _, _ in found], lang)
    cap = entity_facts.CAP
    return [{"predicate": ref(p, names) | {"qname": qname(p)}, "count": n, "capped": hub and n > cap,
             "subjects": [ref(s, names) for s in subs]} for p, n, subs in found]


def former_names(store: Store, unit: str, current: str, stated: list[str] | None = None) -> list[str]:
    """A unit's former Vietnamese names: its other ``rdfs:label`` @vi (older sources keep the name of their day;
    ``stated`` when the caller has read them) and the former names of its renames, without the name it has
    today (:func:`graph.labels.labels`)."""
    u = iri_ref(unit)
    renames = f"{{ ?ev govkg:formerName ?l ; org:originalOrganization {u} }}"
    own = f'{{ {u} rdfs:label ?l FILTER(LANG(?l) = "vi") }} UNION ' if stated is None else ""
    q = f"SELECT DISTINCT ?l WHERE {{ {own}{renames} }}"
    out = {text_of(r["l"]) for r in store.query(q, union_default_graph=True).rows()} | set(stated or ())
    return sorted(out - {current})


def entity_view(store: Store, iri: str, lang: str = "vi", section: str = "", page: int = 0) -> dict[str, Any] | None:
    """Everything an entity page shows, or ``None`` when the store knows nothing of ``iri``.

    Each section lists :data:`PAGE` values (page ``page`` of the section named ``section``, the first page of
    the others) and says how many it has in all (``total``, ``page``, ``pages``); so do the entity's sources
    (``section="sources"``).  Each fact lists at most :data:`graph.entity_facts.FACT_SOURCES` sources and their
    number (``sources_total``); its node's page (``sources_at``) lists them all."""
    if not exists(store, iri):
        return None
    kind = kind_of(iri)
    secs = BY_KIND.get(kind, ())

    def section_rows(key: str, body: str, plain: tuple[str, list[str]] | None = None
                     ) -> Callable[[], entity_facts.Page]:
        at, whole = page if section == key else 0, section == key

        def read() -> entity_facts.Page:
            if plain is not None:  # from the facts kept beside the store, when they hold these
                kept = entity_facts.table_rows(store, iri, plain[0], plain[1], at, PAGE, exact=whole)
                if kept is not None:
                    return kept
            return entity_facts.fact_rows(store, body, at, PAGE, exact=whole, this=iri)
        return read

    # the header first (a hub is known by its number of sources), then every section, the other facts and the
    # links into the entity side by side (graph.side_by_side)
    head = _header(store, iri, page if section == "sources" else 0, exact=section == "sources")
    covered = {expand(p) for sec in secs for p in sec.covers}
    hub = head["src_total"] > entity_facts.CAP and section != "other"  # a hub: its known predicates only

    def other_rows() -> entity_facts.Page:
        known = entity_facts.stated_predicates(store, iri) if hub else None
        other = _other_body(iri, covered, known)
        shown = None if known is None else [p for p in known if p not in covered | _HEADER_IRIS]
        return section_rows("other", other, ("out", shown) if shown else None)()

    *found, other_page, links = run_all([
        *(section_rows(sec.key, sec.pattern.replace("$this", iri_ref(iri)),
                       (sec.plain[0], [expand(p) for p in sec.plain[1]]) if sec.plain else None) for sec in secs),
        other_rows, lambda: incoming(store, iri, lang, hub=head["src_total"] > entity_facts.CAP)])
    pages: dict[str, entity_facts.Page] = {sec.key: pg for sec, pg in zip(secs, found, strict=True)}
    pages["other"] = other_page
    raw: list[tuple[str, list[dict[str, Any]]]] = [(sec.key, pages[sec.key].rows) for sec in secs]
    raw.append(("other", pages["other"].rows))
    nodes = {str(r["node"]) for _, rows in raw for r in rows if isinstance(r.get("node"), URIRef)} - {iri}
    # the facts' values and roles, and the types and the other facts' roles (the ontology's terms), are labelled
    # beside the facts' sources
    iris = {iri, *head["types"], *(str(x) for _, rows in raw for r in rows for x in (r.get("v"), r.get("role"))
                                   if isinstance(x, URIRef))}
    term_iris = {*head["types"], *(str(r["role"]) for key, rows in raw if key == "other" for r in rows
                                   if isinstance(r.get("role"), URIRef))}

    def sourced() -> tuple[list[tuple[str, list[dict[str, Any]]]], dict[str, dict[str, Any]]]:
        extras = entity_facts.node_extras(store, nodes)
        few = head["src_total"] <= FACT_SOURCES  # a hub's own sources are on its header, not on each of its facts
        extras[iri] = {"ev": head["evidence"], "srcs": set(head["srcs"]) if few else set()}
        grouped = [(key, _group(rows, extras)) for key, rows in raw]
        graphs: set[str] = set()
        srcs: set[str] = set(head["srcs"])
        for _, facts in grouped:
            for f in facts:
                graphs |= f["graphs"]
                srcs |= f["srcs"]
        return grouped, _sources(store, graphs, srcs, lang)

    (grouped, srcinfo), (names, terms) = run_all([
        sourced, lambda: (labels(store, iris, lang, known={iri: head["stated"]}), term_labels(store, term_iris, lang))])
    sections: list[dict[str, Any]] = []
    for key, facts in grouped:
        done = _finish(facts, names, srcinfo)
        pg = pages[key]
        paging = _paging(key, page if section == key else 0, pg.total, pg.lazy, pg.capped)
        if key == "heads":
            today = date.today().isoformat()
            past = [r for r in done if r["former"] or (r["to"] and r["to"] < today)]
            now = [r for r in done if r not in past]
            sections += [{"key": "heads_current", "facts": now, **paging},
                         {"key": "heads_past", "facts": past, **paging}]
        else:
            sections.append({"key": key, "facts": done, **paging})
    sections = [s for s in sections if s["facts"]]
    for block in sections:
        if block["key"] == "other":
            for f in block["facts"]:
                if f["role"]:
                    f["role"] |= {"qname": qname(f["role"]["iri"]), "label": terms[f["role"]["iri"]]}
    vi = [text_of(o) for p, o in head["stated"] if p == LABEL and isinstance(o, Literal) and o.language == "vi"]
    former = former_names(store, iri, names.get(iri, iri), vi) if kind == "unit" else []
    sources = sorted((srcinfo[s] for s in head["srcs"] if s in srcinfo), key=lambda s: (s["date"], s["iri"]),
                     reverse=True)
    view = {
        "iri": iri,
        "kind": kind,
        "label": names.get(iri, iri),
        "labels": head["labels"],
        "former_labels": former,
        "alt_labels": [a for a in head["alt"] if a not in former],
        "types": [ref(t, terms) | {"qname": qname(t)} for t in sorted(head["types"])],
        "evidence": head["evidence"],
        "sources": sources,
        "sources_paging": _paging("sources", page if section == "sources" else 0, head["src_total"],
                                  capped=head["src_capped"]),
        "sections": sections,
        "incoming": links,
        "cap": entity_facts.CAP,
    }
    if kind in ("unit", "person"):
        view["timeline"] = f"/timeline?{kind}={quote(iri, safe='')}"
    view["graph"] = neighbourhood(view)
    return view


def _paging(key: str, at: int, total: int, lazy: bool = False, capped: bool = False) -> dict[str, Any]:
    """Where a section's page is; ``capped`` when only "more than :data:`graph.entity_facts.CAP`" is known of
    its size (``pages`` is then 0), ``lazy`` when its values are in the engine's order, not sorted."""
    at = max(at, 0)
    return {"param": key, "page": at, "total": total, "pages": 0 if capped else -(-total // PAGE),
            "more": max(total - PAGE * (at + 1), 0), "capped": capped, "lazy": lazy}


def neighbourhood(view: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges around the entity, from the same facts the page lists (values that are IRIs)."""
    this = view["iri"]
    nodes: dict[str, dict[str, Any]] = {
        this: {"id": this, "label": view["label"], "kind": view["kind"], "center": True}
    }
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for sec in view["sections"]:
        for f in sec["facts"]:
            v = f["value"]
            if "iri" not in v or v["kind"] in ("concept", "scheme", "source", "other"):
                continue
            nodes.setdefault(v["iri"], {"id": v["iri"], "label": v["label"], "kind": v["kind"]})
            label = f["role"]["label"] if f["role"] and sec["key"] not in ("other",) else sec["key"]
            incoming_keys = ("children", "members", "organised", "issued", "signed", "implemented_by", "cited_by",
                             "basis_of", "heads_current", "heads_past", "events", "changes")
            src, dst = (v["iri"], this) if sec["key"] in incoming_keys else (this, v["iri"])
            edges.setdefault((src, dst, label), {"source": src, "target": dst, "label": label, "group": sec["key"]})
    linked = {(src, dst) for src, dst, _ in edges}
    for inc in view["incoming"]:
        for s in inc["subjects"]:
            if s["kind"] in ("membership", "source", "other"):
                continue
            nodes.setdefault(s["iri"], {"id": s["iri"], "label": s["label"], "kind": s["kind"]})
            key = (s["iri"], this, inc["predicate"]["label"])
            if (s["iri"], this) not in linked:
                edges.setdefault(key, {"source": s["iri"], "target": this, "label": inc["predicate"]["label"],
                                       "group": "incoming"})
                linked.add((s["iri"], this))
    return {"nodes": list(nodes.values()), "edges": list(edges.values())}


def entity_rdf(store: Store, iri: str, fmt: str) -> bytes:
    """The entity's triples (its statements, their blank nodes, and the statements that point at it) in
    ``fmt`` (a name, media type or extension of :mod:`graph.formats`).  Turtle declares the project's prefixes
    that it uses (:data:`graph.namespaces.PREFIXES`); JSON-LD is compacted with them as its ``@context``."""
    ref_this = iri_ref(iri)
    q = (
        f"CONSTRUCT {{ {ref_this} ?p ?o . ?o ?bp ?bo . ?s ?ip {ref_this} }} WHERE {{ "
        f"{{ {ref_this} ?p ?o OPTIONAL {{ ?o ?bp ?bo FILTER(isBlank(?o)) }} }} UNION {{ ?s ?ip {ref_this} }} }}"
    )
    result = store.query(q, union_default_graph=True)
    if rdf_format(fmt).name == "jsonld":
        return _compact_jsonld(result)
    return result.serialize(fmt, prefixes=PREFIXES)


def _compact_jsonld(result: QueryResult) -> bytes:
    """The triples as compact JSON-LD: the used prefixes of :data:`PREFIXES` as the ``@context``, IRIs as
    ``unit:vpcp-vu-i``, one node object per subject."""
    g = Graph(bind_namespaces="none")
    for t in result:
        g.add(t)
    iris = [str(x) for t in g for x in t if isinstance(x, URIRef)]
    iris += [str(x.datatype) for _, _, x in g if isinstance(x, Literal) and x.datatype]
    ctx = used_prefixes(iris, PREFIXES)
    return g.serialize(format="json-ld", context=ctx, auto_compact=True, indent=2).encode("utf-8")
