"""Linking mentions to the graph, or minting IRIs for what is new (MODEL.md "IRIs").

- Units: a gazetteer entry with the same name (labels and altLabels) whose parent agrees and whose period
  covers the article's date; a name shared by several units with nothing to choose between them is not linked.
  New units: top-level bodies take the bare slug; inside a ministry-level body the body's abbreviation slug
  comes first (``vpcp-vu-i``, ``vpcp-chi-bo-vu-i``, ``vpcp-khoi-thi-dua-3``).
- Persons: linked only when a person of that name in the store holds a post in the same unit or with the same
  role; never on the name alone.  Otherwise a new IRI (``-2``, ``-3`` when the slug is taken), with the
  same-named persons listed as ``candidates`` for the reviewer.
- Documents: by symbol (``eli:id_local``) and year; new ones from the symbol (``280-cd-ttg-2023``).
- Events ``{date}-{type}-{organiser}``, historical events ``{date}-{name}``, programmes ``{name}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.ingest.gazetteer import TOP_LEVEL_SLUG, Gazetteer, UnitEntry, key
from graph.ingest.normalize import Article
from graph.ingest.symbols import ISSUERS
from graph.iri import slug
from graph.namespaces import GRAPH, ID, entity_iri
from graph.store.base import Store
from graph.text import fold

_GENERIC = {"to", "chuc", "va", "thuc", "hien", "cong", "tac", "phong", "trao", "ve", "viec", "nam", "cua", "cac",
            "trong", "theo", "nham", "tang", "cuong"}


@dataclass
class LinkContext:
    source_iri: str
    source_slug: str
    staging_graph: str
    target_graph: str
    run_iri: str
    published: date | None
    title: str | None
    unit_iris: dict[str, str] = field(default_factory=dict)  # unit key -> IRI
    person_iris: dict[str, str] = field(default_factory=dict)  # folded name -> IRI
    doc_iris: dict[str, str] = field(default_factory=dict)  # symbol / number / title -> IRI
    programme_iris: dict[str, str] = field(default_factory=dict)


def _title(art: Article) -> str | None:
    for s in art.sentences[:6]:
        t = s.text.strip()
        if len(t.split()) >= 5 and not t.startswith("("):
            return re.sub(r"\s*-\s*Ảnh.*$", "", t)
    return None


def _publisher(url: str | None, text: str) -> str:
    if url:
        m = re.match(r"(?:https?://)?(?:www\.)?([^/.:]+)", url)
        if m:
            return slug(m.group(1))
    m = re.search(r"\((\w+)\.vn\)", text[:2000])
    return slug(m.group(1)) if m else "article"


def _unit_prefix(name: str | None) -> str | None:
    return TOP_LEVEL_SLUG.get(fold(name)) if name else None


def _choose(entries: list[UnitEntry], parent: str | None, when: date | None) -> UnitEntry | None:
    cands = [e for e in entries if e.valid_on(when)] or entries
    if parent:
        agreeing = [e for e in cands if e.parent and key(e.parent) == key(parent)]
        if agreeing:
            cands = agreeing
        elif any(e.parent for e in cands):
            cands = [e for e in cands if not e.parent or key(e.parent) == key(parent)]
    iris = {e.iri for e in cands}
    return cands[0] if len(iris) == 1 else None


def _taken(store: Store | None, iri: str) -> bool:
    if store is None:
        return False
    return store.ask(f"ASK {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")


def link(m: dict[str, Any], art: Article, store: Store | None, gaz: Gazetteer) -> LinkContext:
    """Set ``iri`` (and ``linked``) on every item of the mentions ``m``; return the naming context."""
    pub = date.fromisoformat(m["article"]["published"]) if m["article"]["published"] else None
    title = _title(art)
    short = "-".join(slug(title).split("-")[:4]) if title else "untitled"
    src_slug = f"{_publisher(m['article']['url'], art.text)}-{pub.isoformat() if pub else 'undated'}-{short}"
    ctx = LinkContext(entity_iri("source", src_slug), src_slug, f"{GRAPH}staging/{src_slug}",
                      f"{GRAPH}{src_slug}", f"{ID}changeset/ingest-{src_slug}", pub, title)
    _units(m["units"], gaz, pub, ctx)
    _persons(m["persons"], store, ctx)
    for d in m["documents"]:
        d["iri"], d["linked"] = _document(d, store)
        for k in (d["symbol"], d["number_as_written"], d["title"]):
            if k:
                ctx.doc_iris[k] = d["iri"]
    for p in m["programmes"]:
        name = slug(p["name"])
        if p["kind"] == "programme":
            name = f"chuong-trinh-muc-tieu-quoc-gia-{name}"
        elif p["kind"] == "movement" and not name.startswith("phong-trao"):
            name = f"phong-trao-{name}"
        else:
            name = "-".join(name.split("-")[:8])
        p["iri"] = entity_iri("programme", name)
        p["linked"] = _taken(store, p["iri"])
        ctx.programme_iris[p["name"]] = p["iri"]
    for e in m["events"]:
        when = e["date"] or "undated"
        if e["type"] == "historical":
            e["iri"] = entity_iri("event", f"{when}-{'-'.join(slug(e['label'] or 'su-kien').split('-')[:8])}")
        else:
            org = e["organisers"][0] if e["organisers"] else None
            org_slug = ctx.unit_iris.get(key(org), "").rsplit("/", 1)[-1] if org else ""
            e["iri"] = entity_iri("event", "-".join(x for x in (when, e["type"], org_slug) if x))
        e["linked"] = _taken(store, e["iri"])
    return ctx


def _units(units: list[dict[str, Any]], gaz: Gazetteer, pub: date | None, ctx: LinkContext) -> None:
    pending = list(units)
    for _ in range(3):  # parents first
        rest = []
        for u in pending:
            entry = _choose(gaz.lookup(u["name"]), u["parent"], pub)
            if entry is not None and entry.iri:
                u["iri"], u["linked"] = entry.iri, True
            else:
                parent = u["attached_to"] and next((x for x in units if key(x["name"]) == key(u["attached_to"])),
                                                   None)
                owner = parent["parent"] if parent else u["parent"]
                if u["attached_to"] and parent is None:
                    owner = None
                prefix = _unit_prefix(owner)
                if prefix is None and owner and key(owner) in ctx.unit_iris:
                    prefix = ctx.unit_iris[key(owner)].rsplit("/", 1)[-1]
                elif prefix is None and owner and key(owner) not in ctx.unit_iris and _ != 2:
                    rest.append(u)
                    continue
                top = entry is not None and entry.top_level
                u["iri"] = entity_iri("unit", slug(u["name"]) if top or not prefix else f"{prefix}-{slug(u['name'])}")
                u["linked"] = False
            ctx.unit_iris[key(u["name"])] = u["iri"]
        pending = rest
        if not pending:
            break


PERSONS_QUERY = """
SELECT ?p ?n ?u ?ul ?r WHERE {
  ?p a foaf:Person ; foaf:name|rdfs:label ?n .
  OPTIONAL { ?m org:member ?p . OPTIONAL { ?m org:organization ?u . OPTIONAL { ?u rdfs:label ?ul } }
             OPTIONAL { ?m org:role ?r } }
}"""


def _persons(persons: list[dict[str, Any]], store: Store | None, ctx: LinkContext) -> None:
    known: dict[str, dict[str, set[str]]] = {}
    if store is not None:
        for r in store.query(PERSONS_QUERY, union_default_graph=True).rows():
            rec = known.setdefault(str(r["p"]), {"names": set(), "units": set(), "roles": set()})
            rec["names"].add(fold(str(r["n"])))
            if r.get("ul") is not None:
                rec["units"].add(key(str(r["ul"])))
            if r.get("u") is not None:
                rec["units"].add(str(r["u"]))
            if r.get("r") is not None:
                rec["roles"].add(str(r["r"]).rsplit("/", 1)[-1])
    for p in persons:
        same = [iri for iri, rec in known.items() if fold(p["name"]) in rec["names"]]
        units = {key(q["unit"]) for q in p["posts"] if q["unit"]} | {
            ctx.unit_iris.get(key(q["unit"]), "") for q in p["posts"] if q["unit"]}
        roles = {q["role"] for q in p["posts"]}
        match = [iri for iri in same if known[iri]["units"] & units or known[iri]["roles"] & roles]
        p["candidates"] = same
        if len(match) == 1:
            p["iri"], p["linked"] = match[0], True
        else:
            base = slug(p["name"])
            iri, n = entity_iri("person", base), 1
            while iri in known or (same and iri in same) or _taken(store, iri):
                n += 1
                iri = entity_iri("person", f"{base}-{n}")
            p["iri"], p["linked"] = iri, False
        ctx.person_iris[fold(p["name"])] = p["iri"]


def _document(d: dict[str, Any], store: Store | None) -> tuple[str, bool]:
    if d["symbol"]:
        if store is not None:
            q = f"""SELECT ?d ?y ?dt WHERE {{ ?d eli:id_local "{d['symbol']}" .
                    OPTIONAL {{ ?d govkg:documentYear ?y }} OPTIONAL {{ ?d eli:date_document ?dt }} }}"""
            for r in store.query(q, union_default_graph=True).rows():
                y = r.get("y") or r.get("dt")
                if y is None or d["year"] is None or str(y)[:4] == str(d["year"]):
                    return str(r["d"]), True
        s = slug(d["symbol"].replace("/", "-"))
        if not d["normative"] and d["year"] and str(d["year"]) not in s.split("-"):
            s = f"{s}-{d['year']}"
        return entity_iri("document", s), False
    issuer = d["issuer"] or ""
    prefix = TOP_LEVEL_SLUG.get(fold(ISSUERS.get(issuer, issuer))) or (slug(issuer) if issuer else "")
    if d["number_as_written"]:
        words = [prefix, d["type"] or "van-ban", slug(d["number_as_written"].replace("/", "-"))]
    else:
        if d["subject"]:
            subject = [w for w in slug(d["subject"]).split("-") if w not in _GENERIC and not w.isdigit()][:4]
        else:
            words_t = slug(re.split(r"\s+của\s+", d["title"] or "")[0]).split("-")
            subject = [w for w in words_t if not w.isdigit() and w != "nam"][len((d["type"] or "").split("-")):][:4]
        words = [prefix, d["type"] or "van-ban", *subject]
    if d["year"]:
        words.append(str(d["year"]))
    return entity_iri("document", "-".join(w for w in words if w)), False
