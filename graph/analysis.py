"""How entities are connected: shortest paths explained in words, and the most connected entities.

The entity graph has one node per unit, person, document, event, programme and change event, and one edge per
pair that a fact links: a direct triple between two entities, a person's membership (holding a role in a unit),
an agent's part in an event (with its role).  Paths between two entities are searched in the store from both ends
over those edges (:mod:`graph.paths`) and the rankings are counted by the engine (:mod:`graph.rankings`);
:func:`build_graph` makes the same graph with networkx for tests and analyses, never on a page.

A path is told in the words of the chosen language with the graph's own labels, e.g. (vi)
"Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội, Địa phương và Đoàn thể, thành viên của Khối thi đua 3".
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from graph.labels import iri_ref, kind_of, labels, linkable
from graph.namespaces import ID, PREFIXES
from graph.paths import NODE_KINDS, Rel, facts, shortest_paths
from graph.rankings import WAIT_S as RANK_WAIT_S
from graph.rankings import ranked
from graph.store.base import Store
from graph.viewcache import Derived

_KINDS_FILTER = " || ".join(f'STRSTARTS(STR(?{{v}}), "{ID}{k}/")' for k in NODE_KINDS)

# predicate (as qname) -> (forward en, inverse en, forward vi, inverse vi)
PHRASES: dict[str, tuple[str, str, str, str]] = {
    "org:unitOf": ("unit of", "which has the unit", "đơn vị thuộc", "có đơn vị"),
    "org:subOrganizationOf": ("part of", "which has the body", "trực thuộc", "có cơ quan trực thuộc"),
    "org:memberOf": ("member of", "which has the member", "thành viên của", "có thành viên"),
    "govkg:attachedTo": ("attached to", "which has attached", "trực thuộc", "có tổ chức trực thuộc"),
    "schema:organizer": ("organised by", "organiser of", "do đơn vị tổ chức:", "tổ chức"),
    "govkg:implements": ("carrying out", "carried out by", "thực hiện", "được thực hiện bởi"),
    "govkg:cites": ("citing", "cited by", "viện dẫn", "được viện dẫn bởi"),
    "dct:references": ("citing", "cited by", "viện dẫn", "được viện dẫn bởi"),
    "govkg:signedBy": ("signed by", "who signed", "do người ký:", "ký"),
    "eli:passed_by": ("issued by", "which issued", "ban hành bởi", "ban hành"),
    "govkg:concerns": ("concerning", "concerned by", "về", "liên quan đến"),
    "govkg:commemorates": ("commemorating", "commemorated by", "kỷ niệm", "được kỷ niệm bởi"),
    "govkg:legalBasis": ("based on", "basis of", "căn cứ", "là căn cứ của"),
    "govkg:basedOn": ("based on", "basis of", "căn cứ", "là căn cứ của"),
    "govkg:sameOccasionAs": ("on the same occasion as", "on the same occasion as", "cùng dịp với", "cùng dịp với"),
    "org:originalOrganization": ("changing", "changed by", "thay đổi", "được thay đổi bởi"),
    "org:resultingOrganization": ("resulting in", "resulting from", "tạo ra", "được tạo ra bởi"),
    "prov:wasAssociatedWith": ("with", "taking part in", "với", "tham gia"),
}


def _qname(iri: str) -> str:
    for p, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{p}:{iri[len(ns):]}"
    return iri


def build_graph(store: Store) -> nx.Graph:
    """The entity graph of ``store``; each edge keeps its facts as ``rels``: ``(src, dst, how, what)``."""
    g = nx.Graph()

    def link(a: str, b: str, how: str, what: str) -> None:
        if a == b:
            return
        for n in (a, b):
            if n not in g:
                g.add_node(n, kind=kind_of(n))
        if g.has_edge(a, b):
            rels = g[a][b]["rels"]
            if (a, b, how, what) not in rels:
                rels.append((a, b, how, what))
        else:
            g.add_edge(a, b, rels=[(a, b, how, what)])

    both = f"({_KINDS_FILTER.format(v='s')}) && ({_KINDS_FILTER.format(v='o')})"
    q = f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && {both}) }}"
    for r in store.query(q, union_default_graph=True).rows():
        s, p, o = str(r["s"]), str(r["p"]), str(r["o"])
        if _qname(p) == "prov:wasAssociatedWith":
            continue  # told with its role below
        link(s, o, "pred", p)
    q = (
        "SELECT DISTINCT ?who ?unit ?role WHERE { ?m org:member ?who ; org:organization ?unit . "
        f"OPTIONAL {{ ?m org:role ?role }} "
        f"FILTER(({_KINDS_FILTER.format(v='who')}) && ({_KINDS_FILTER.format(v='unit')})) }}"
    )
    for r in store.query(q, union_default_graph=True).rows():
        role = str(r["role"]) if "role" in r else ""
        link(str(r["who"]), str(r["unit"]), "role" if role else "pred",
             role or PREFIXES["org"] + "memberOf")
    q = (
        "SELECT DISTINCT ?e ?who ?role WHERE { { ?e prov:qualifiedAssociation ?a . ?a prov:agent ?who . "
        "OPTIONAL { ?a prov:hadRole ?role } } UNION { ?e prov:wasAssociatedWith ?who } "
        f"FILTER(({_KINDS_FILTER.format(v='e')}) && ({_KINDS_FILTER.format(v='who')})) }}"
    )
    for r in store.query(q, union_default_graph=True).rows():
        role = str(r["role"]) if "role" in r else ""
        link(str(r["who"]), str(r["e"]), "assoc", role)
    return g


_GRAPH: Derived[nx.Graph] = Derived(build_graph)


def entity_graph(store: Store) -> nx.Graph:
    return _GRAPH.get(store)


def _phrase(rel: Rel, forward: bool, lang: str, names: dict[str, str]) -> str:
    _, _, how, what = rel
    en = lang == "en"
    if how == "role":
        role = names.get(what, what)
        if forward:
            return f"{role} of" if en else role
        return f"whose {role} is" if en else f"có {role} là"
    if how == "assoc":
        role = names.get(what, "") if what else ""
        if forward:
            return (f"{role} at" if role else "taking part in") if en else (f"{role} tại" if role else "tham gia")
        return (f"with {role}" if role else "with") if en else (f"có {role}" if role else "với")
    ph = PHRASES.get(_qname(what))
    if ph is not None:
        return ph[(0 if forward else 1) + (0 if en else 2)]
    label = names.get(what, _qname(what))
    return label if forward else (f"(inverse of) {label}" if en else f"(ngược) {label}")


def _best(rels: list[Rel]) -> Rel:
    """The fact that tells most: a role before a bare participation."""
    return max(rels, key=lambda r: (r[2] == "role", bool(r[3])))


def _path_iris(rels: dict[tuple[str, str], list[Rel]], path: list[str]) -> list[str]:
    """The IRIs a path's explanation names: its nodes and the roles or predicates of its steps."""
    best = [_best(rels[(a, b)]) for a, b in pairwise(path)]
    return [*path, *{r[3] for r in best if r[3]}]


def explain(store: Store, path: list[str], lang: str = "vi", names: dict[str, str] | None = None,
            rels: dict[tuple[str, str], list[Rel]] | None = None) -> dict[str, Any]:
    """A path of IRIs told as steps and as one sentence (``names``: labels already read, else read here;
    ``rels``: the facts behind its steps, :func:`graph.paths.facts`, else read here)."""
    if rels is None:
        rels = facts(store, [path])
    if names is None:
        names = labels(store, _path_iris(rels, path), lang)
    steps, words = [], [names[path[0]]]
    for a, b in pairwise(path):
        rel = _best(rels[(a, b)])
        phrase = _phrase(rel, rel[0] == a, lang, names)
        steps.append({"from": a, "to": b, "phrase": phrase})
        words.append(f"{phrase} {names[b]}")
    nodes = [{"iri": n, "label": names[n], "kind": kind_of(n), "link": linkable(n)} for n in path]
    return {"nodes": nodes, "steps": steps, "text": ", ".join(words)}


def connect(store: Store, a: str, b: str, lang: str = "vi", max_paths: int = 5) -> dict[str, Any]:
    """The shortest paths between ``a`` and ``b`` (at most ``max_paths``), explained, and drawn as a graph;
    searched in the store from both ends (:mod:`graph.paths`), ``bounded`` when the search gave up."""
    iri_ref(a), iri_ref(b)
    paths, bounded = shortest_paths(store, a, b, max_paths)
    out: dict[str, Any] = {"from": a, "to": b, "paths": [], "bounded": bounded, "graph": {"nodes": [], "edges": []}}
    paths = [p for p in paths if len(p) > 1]
    if not paths:
        return out
    rels = facts(store, paths)
    paths = [p for p in paths if all((x, y) in rels for x, y in pairwise(p))]
    names = labels(store, {i for p in paths for i in _path_iris(rels, p)}, lang)  # one query for every path
    out["paths"] = [explain(store, p, lang, names, rels) for p in paths]
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for p in out["paths"]:
        for n in p["nodes"]:
            nodes[n["iri"]] = {"id": n["iri"], "label": n["label"], "kind": n["kind"], "center": n["iri"] in (a, b)}
        for s in p["steps"]:
            edges[(s["from"], s["to"])] = {"source": s["from"], "target": s["to"], "label": s["phrase"]}
    out["graph"] = {"nodes": list(nodes.values()), "edges": list(edges.values())}
    return out


def rankings(store: Store, lang: str = "vi", top: int = 10,
             wait: float = RANK_WAIT_S) -> dict[str, list[dict[str, Any]]]:
    """The most connected persons and units (by number of distinct neighbours), counted by the engine off the
    request path (:mod:`graph.rankings`): after a write, those from before it until the count is done
    (:func:`graph.rankings.state` says so), none while the first count runs."""
    got = ranked(store, top, wait)
    names = labels(store, [n for kind in got.values() for n, _ in kind], lang)
    return {kind: [{"iri": n, "label": names[n], "kind": kind, "degree": d, "link": linkable(n)} for n, d in rows]
            for kind, rows in got.items()}
