"""Shortest paths between two entities, searched in the store from both ends (no graph of the whole store).

The edges are those of :func:`graph.analysis.build_graph`: a direct triple between two entities, a membership
(a person holding a role in a unit), an agent's part in an event.  Each step asks the store for the neighbours of
the smaller of the two frontiers (one query), until the frontiers meet; every shortest path is then a path to a
meeting node from each end.  The search is bounded: at most :data:`MAX_DEPTH` steps and :data:`MAX_FRONTIER`
nodes on a frontier; past either it stops and says so (``bounded``), finding nothing rather than reading the
store whole.  Then one query reads the facts behind the steps of the paths found.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from itertools import islice, pairwise

from graph.kept import KeptMemo
from graph.labels import for_each, values
from graph.lexical import bindings, solutions
from graph.namespaces import ID, PREFIXES
from graph.side_by_side import run_all
from graph.store.base import Store

NODE_KINDS = ("unit", "person", "document", "event", "programme", "change")
MAX_DEPTH = 12
MAX_FRONTIER = 5000
ASSOCIATED = PREFIXES["prov"] + "wasAssociatedWith"
MEMBER_OF = PREFIXES["org"] + "memberOf"

Rel = tuple[str, str, str, str]  # (source, target, how: pred|role|assoc, what: predicate or role IRI)


_KIND_IRIS = tuple(f"{ID}{k}" for k in NODE_KINDS)
_KIND_PREFIXES = tuple(f"{k}/" for k in _KIND_IRIS)


def _entity(iri: str) -> bool:
    """``kind_of(iri) in NODE_KINDS``, by prefix (called for every row of a frontier's neighbours)."""
    return iri.startswith(_KIND_PREFIXES) or iri in _KIND_IRIS


#: Predicates whose objects are classes or SKOS concepts by the model (docs/MODEL.md), never entities: not read as
#: a node's outgoing links (a third of a frontier's statements: each is stated once per graph that names the node).
_NOT_LINKS = "rdf:type, govkg:unitType, govkg:eventType, eli:type_document"


#: From this many nodes a frontier is looked up in two halves side by side.
SPLIT_FRONTIER = 16


def neighbours(store: Store, nodes: Iterable[str]) -> dict[str, set[str]]:
    """The entities one step from each of ``nodes`` (the VALUES inside each branch: looked up by index).  Each
    node's are kept until a write changes, as a set, the statements of the node or of one of its direct neighbours
    (a membership or association in between is one: :data:`_NEIGHBOURS`); only the others are asked."""
    nodes = list(dict.fromkeys(nodes))
    known = _NEIGHBOURS.get_many(store, nodes)
    out: dict[str, set[str]] = {n: set(ms) for n, ms in known.items() if ms}
    todo = [n for n in nodes if n not in known]
    if not todo:
        return out
    since = _NEIGHBOURS.mark(store)
    # every IRI a step away, entity or not (the memberships and associations in between are among them)
    near: dict[str, set[str]] = {n: set() for n in todo}
    # a large frontier in two halves side by side (graph.side_by_side): each node is looked up on its own anyway
    halves = [todo[0::2], todo[1::2]] if len(todo) >= SPLIT_FRONTIER else [todo]
    for found in run_all([partial(bindings, store, _neighbours_query(store, values("n", h))) for h in halves]):
        for r in found:
            n, m = r["n"]["value"], r["m"]
            if m["type"] != "uri":
                continue  # a blank node in between: see _NEIGHBOURS
            near.setdefault(n, set()).add(m["value"])
    fresh = {n: {m for m in ms if m != n and _entity(m)} for n, ms in near.items()}
    _NEIGHBOURS.put(store, since, ((n, frozenset(fresh[n]), [("set", n), *(("set", m) for m in near[n])])
                                   for n in todo))
    out.update((n, ms) for n, ms in fresh.items() if ms)
    return out


_STEPS = (f"?n ?p ?m FILTER(isIRI(?m) && ?p NOT IN ({_NOT_LINKS}))", "?m ?p ?n",
          "?x org:member ?n ; org:organization ?m", "?x org:organization ?n ; org:member ?m",
          "?n prov:qualifiedAssociation ?x . ?x prov:agent ?m", "?x prov:agent ?n . ?m prov:qualifiedAssociation ?x")


def _neighbours_query(store: Store, v: str) -> str:
    """``(?n, ?m)``: every IRI ``?m`` one step from a node ``?n`` of ``v`` (a ``VALUES ?n`` block).  The nodes are
    looked up one by one in every branch: inside each branch (the list written six times) or, where the engine
    has ``LATERAL``, once for the six branches (a frontier of 126 nodes at 1M: 2.2 -> 0.5 ms of parsing, same
    rows)."""
    return f"SELECT DISTINCT ?n ?m WHERE {{ {for_each(store, v, _STEPS)} }}"


#: Node -> the entities one step from it, kept until a write changes (as a set) the statements of the node or of
#: an IRI one step from it: a step through a membership or an association reads that node's statements, and the
#: node is one step from both ends (its ``org:member``/``prov:agent`` link names them).  A blank node in between
#: cannot be named, and need not be: :func:`graph.commit.published` notes a blank-node component only as a whole
#: (every triple of it counts as changed, so the IRIs it links are touched) and forgets every memo after a write
#: that rewrites an existing one (``unblank``).
_NEIGHBOURS: KeptMemo[str, frozenset[str]] = KeptMemo(200_000)


class _Side:
    """One end of the search: distance and the predecessors on shortest paths of every node seen."""

    def __init__(self, start: str) -> None:
        self.dist = {start: 0}
        self.pred: dict[str, list[str]] = {start: []}
        self.frontier = [start]
        self.depth = 0

    def expand(self, store: Store) -> None:
        found = neighbours(store, self.frontier)
        nxt: list[str] = []
        for u in self.frontier:
            for v in sorted(found.get(u, ())):
                if v not in self.dist:
                    self.dist[v] = self.depth + 1
                    self.pred[v] = [u]
                    nxt.append(v)
                elif self.dist[v] == self.depth + 1:
                    self.pred[v].append(u)
        self.frontier = nxt
        self.depth += 1

    def walks(self, node: str) -> Iterator[list[str]]:
        """The shortest paths from this side's start to ``node``, start first."""
        if not self.pred[node]:
            yield [node]
            return
        for p in self.pred[node]:
            for w in self.walks(p):
                yield [*w, node]


def shortest_paths(store: Store, a: str, b: str, max_paths: int = 5) -> tuple[list[list[str]], bool]:
    """Up to ``max_paths`` shortest paths from ``a`` to ``b`` (in a stable order), and whether the search was
    cut by its bounds before finding one."""
    if a == b:
        return [[a]], False
    sa, sb = _Side(a), _Side(b)
    while sa.frontier and sb.frontier:
        if sa.depth + sb.depth >= MAX_DEPTH or len(sa.frontier) + len(sb.frontier) > 2 * MAX_FRONTIER:
            return [], True
        side, other = (sa, sb) if len(sa.frontier) <= len(sb.frontier) else (sb, sa)
        side.expand(store)
        meet = [n for n in side.frontier if n in other.dist]
        if meet:
            best = min(sa.dist[n] + sb.dist[n] for n in meet)
            paths = []
            for n in sorted(m for m in meet if sa.dist[m] + sb.dist[m] == best):
                for left in islice(sa.walks(n), max_paths):
                    for right in islice(sb.walks(n), max_paths):
                        paths.append(left + right[::-1][1:])
            return sorted(paths)[:max_paths], False
    return [], False


def facts(store: Store, paths: list[list[str]]) -> dict[tuple[str, str], list[Rel]]:
    """The facts behind each step of ``paths``, under both orders of the step's two ends."""
    steps = {tuple(sorted(s)) for p in paths for s in pairwise(p)}
    if not steps:
        return {}
    pairs = "VALUES (?x ?y) { " + " ".join(f"(<{x}> <{y}>) (<{y}> <{x}>)" for x, y in steps) + " }"
    q = ("SELECT DISTINCT ?x ?y ?what ?role ?kind WHERE { "
         f'{{ {pairs} ?x ?what ?y BIND("pred" AS ?kind) }} UNION '
         f'{{ {pairs} ?mm org:member ?x ; org:organization ?y OPTIONAL {{ ?mm org:role ?role }} '
         f'BIND("member" AS ?kind) }} UNION {{ {pairs} ?y prov:qualifiedAssociation ?qa . ?qa prov:agent ?x '
         'OPTIONAL { ?qa prov:hadRole ?role } BIND("assoc" AS ?kind) } }')
    out: dict[tuple[str, str], list[Rel]] = {}
    for r in sorted(solutions(store, q), key=lambda r: sorted(r.items())):
        x, y, kind = r["x"], r["y"], r["kind"]
        if kind == "pred" and r["what"] == ASSOCIATED:
            rel: Rel = (y, x, "assoc", "")  # the agent first, as the qualified association below
        elif kind == "pred":
            rel = (x, y, "pred", r["what"])
        elif kind == "member":
            rel = (x, y, "role", r["role"]) if "role" in r else (x, y, "pred", MEMBER_OF)
        else:
            rel = (x, y, "assoc", r.get("role", ""))
        for key in ((x, y), (y, x)):
            rels = out.setdefault(key, [])
            if rel not in rels:
                rels.append(rel)
    return out
