"""Entry points of the viewer: the tree of units, and lists of people, documents and events."""

from __future__ import annotations

from typing import Any

from graph.labels import kind_of, labels, linkable, text_of
from graph.store.base import Store

LIST_KINDS = ("person", "document", "event", "programme", "unit")
_CLASSES = {
    "person": "foaf:Person",
    "document": "eli:LegalResource",
    "event": "schema:Event",
    "programme": "govkg:Programme govkg:Movement govkg:Slogan",
    "unit": "org:Organization org:OrganizationalUnit",
}
_DATES = {"document": "eli:date_document", "event": "schema:startDate"}


def listing(store: Store, kind: str, lang: str = "vi", limit: int = 2000) -> list[dict[str, Any]]:
    """The entities of ``kind`` (one of :data:`LIST_KINDS`), by label (documents and events newest first)."""
    if kind not in LIST_KINDS:
        raise ValueError(f"unknown list {kind!r}")
    date = _DATES.get(kind)
    opt = f"OPTIONAL {{ ?x {date} ?d }}" if date else ""
    q = (f"SELECT DISTINCT ?x ?d WHERE {{ VALUES ?c {{ {_CLASSES[kind]} }} ?x a ?c {opt} FILTER(isIRI(?x)) }} "
         f"LIMIT {int(limit)}")
    rows = store.query(q, union_default_graph=True).rows()
    dates: dict[str, str] = {}
    for r in rows:
        dates.setdefault(str(r["x"]), text_of(r.get("d"))[:10])
    names = labels(store, dates, lang)
    out = [{"iri": x, "label": names[x], "kind": kind_of(x), "date": d, "link": linkable(x)} for x, d in dates.items()]
    if date:
        out.sort(key=lambda e: (e["date"] or "0000", e["label"]), reverse=True)
    else:
        out.sort(key=lambda e: str(e["label"]).casefold())
    return out


def unit_tree(store: Store, lang: str = "vi") -> list[dict[str, Any]]:
    """Units as a forest: roots are units with no parent; children by ``org:unitOf`` / ``org:subOrganizationOf``."""
    units = {u["iri"]: {**u, "children": []} for u in listing(store, "unit", lang)}
    q = ("SELECT DISTINCT ?c ?p WHERE { { ?c org:unitOf ?p } UNION { ?c org:subOrganizationOf ?p } "
         "FILTER(isIRI(?c) && isIRI(?p)) }")
    parent: dict[str, str] = {}
    for r in store.query(q, union_default_graph=True).rows():
        c, p = str(r["c"]), str(r["p"])
        if c in units and p in units and c != p:
            parent.setdefault(c, p)
    # break cycles: a unit whose chain of parents comes back to it is a root
    for c in list(parent):
        seen, x = {c}, parent.get(c)
        while x is not None:
            if x in seen:
                parent.pop(c, None)
                break
            seen.add(x)
            x = parent.get(x)
    roots = []
    for iri, u in units.items():
        if iri in parent:
            units[parent[iri]]["children"].append(u)
        else:
            roots.append(u)
    return roots
