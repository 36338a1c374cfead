"""Entry points of the viewer: the tree of units, and lists of people, documents and events.

Each list reads every entity of its kind and their labels (0.3-0.6 s at 1M triples), so lists and the tree are
remembered until the store's next write (:class:`graph.viewcache.Derived`); the first request after a write makes
them again.
"""

from __future__ import annotations

from typing import Any

from graph.labels import kind_of, labels, linkable, text_of
from graph.store.base import Store
from graph.viewcache import Derived

LIST_KINDS = ("person", "document", "event", "programme", "unit")
_CLASSES = {
    "person": "foaf:Person",
    "document": "eli:LegalResource",
    "event": "schema:Event",
    "programme": "govkg:Programme govkg:Movement govkg:Slogan",
    "unit": "org:Organization org:OrganizationalUnit",
}
_DATES = {"document": "eli:date_document", "event": "schema:startDate"}


#: (what, kind, lang, limit) -> the list or tree, for the store's current write generation
_MEMO: Derived[dict[tuple[str, str, str, int], list[dict[str, Any]]]] = Derived(lambda _store: {})


def listing(store: Store, kind: str, lang: str = "vi", limit: int = 2000) -> list[dict[str, Any]]:
    """The entities of ``kind`` (one of :data:`LIST_KINDS`), by label (documents and events newest first)."""
    if kind not in LIST_KINDS:
        raise ValueError(f"unknown list {kind!r}")
    memo, key = _MEMO.get(store), ("list", kind, lang, int(limit))
    if key not in memo:
        memo[key] = _listing(store, kind, lang, limit)
    return memo[key]


def _listing(store: Store, kind: str, lang: str, limit: int) -> list[dict[str, Any]]:
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
    memo, key = _MEMO.get(store), ("tree", "unit", lang, 0)
    if key not in memo:
        memo[key] = _unit_tree(store, lang)
    return memo[key]


def _unit_tree(store: Store, lang: str) -> list[dict[str, Any]]:
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
