"""What a write would do, as quads added and removed, computed before anything is written.

A write names the graphs it can touch (its *scope*); their quads are read from the store (under the write
lock), the write is played on a copy in memory (a SPARQL Update runs on an in-memory store holding just those
graphs; a graph upload or a patch is set arithmetic), and the difference is the change.

Blank nodes stay blank nodes.  A diff records them by *component* (the blank-node quads connected through
shared blank nodes, across graphs): a component of the state after that is not one of the state before is
added whole, one of the state before that is gone is removed whole.  The record is exact up to blank-node
renaming (which RDF does not distinguish).  Since SPARQL Update cannot name a stored blank node, the commit
rewrites the blank-node part of the graphs holding a removed component (``unblank``: delete their blank-node
quads by pattern, insert the kept components again with the added ones, in the same update); a revert or an
accepted review finds the stored component to remove by its canonical form (:func:`graph.release.canonical_nquads`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from rdflib import BNode, URIRef
from rdflib.term import Node

from graph import update_steps
from graph.errors import ForbiddenOperation
from graph.namespaces import BASE, PREFIXES
from graph.sparql_guard import tokens
from graph.store.base import QuadTuple, Store

CHANGES_GRAPH = f"{BASE}/graph/changes"
ALL = None  # a scope of every graph


@dataclass
class Diff:
    """The effect of one write: quads added and removed, named graphs created and dropped."""

    added: list[QuadTuple] = field(default_factory=list)
    removed: list[QuadTuple] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: commit only (not recorded): graphs whose blank-node quads are all deleted at commit, and the unchanged
    #: components of those graphs, inserted again with fresh blank nodes
    unblank: list[str | None] = field(default_factory=list)
    reblank: list[QuadTuple] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.created or self.dropped)

    def graphs(self) -> set[str | None]:
        out: set[str | None] = {_g(q) for q in (*self.added, *self.removed)}
        return out | set(self.created) | set(self.dropped)


def _g(q: QuadTuple) -> str | None:
    return None if q[3] is None else str(q[3])


# --- scope -------------------------------------------------------------------------------------------


def update_scope(text: str) -> set[str] | None:
    """Named graphs a SPARQL Update can read or write (the default graph always counts); ``None``: all."""
    toks = tokens(text)
    prefixes = dict(PREFIXES)
    out: set[str] = set()
    base = ""
    for i, t in enumerate(toks):
        word = t.upper if t.kind == "word" else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = urljoin(base, nxt.text[1:-1])
            continue
        if word == "PREFIX" and nxt is not None and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[nxt.text.rstrip(":")] = urljoin(base, toks[i + 2].text[1:-1]) if base else toks[i + 2].text[1:-1]
            continue
        if word == "GRAPH" and nxt is not None and nxt.kind == "var":
            return ALL
        if word in ("ALL", "NAMED") and i > 0 and toks[i - 1].upper in ("CLEAR", "DROP", "SILENT"):
            return ALL
        if t.kind == "iri":
            iri = urljoin(base, t.text[1:-1]) if base else t.text[1:-1]
            if ":" not in iri:
                return ALL  # relative without a base: take everything
            out.add(iri)
        elif t.kind == "pname":
            p, _, local = t.text.partition(":")
            if p not in prefixes:
                return ALL
            out.add(prefixes[p] + local.replace("\\", ""))
    return out


def drops_all(text: str) -> bool:
    """Whether the update has ``DROP``/``CLEAR`` ``ALL`` or ``NAMED``."""
    toks = [t for t in tokens(text) if t.upper != "SILENT"]
    return any(t.upper in ("CLEAR", "DROP") and i + 1 < len(toks) and toks[i + 1].upper in ("ALL", "NAMED")
               for i, t in enumerate(toks))


def scope_graphs(store: Store, wanted: Iterable[str] | None) -> list[str | None]:
    """The default graph and the named graphs of ``wanted`` (``None``: all) that exist, audit graph excluded."""
    existing = set(store.named_graphs()) - {CHANGES_GRAPH}
    names = existing if wanted is None else existing & set(wanted)
    return [None, *sorted(names)]


def read_graphs(store: Store, graphs: list[str | None]) -> set[QuadTuple]:
    out: set[QuadTuple] = set()
    for g in graphs:
        if g is None:
            rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows()
            gn: Node | None = None
        else:
            rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").rows()
            gn = URIRef(g)
        out.update((r["s"], r["p"], r["o"], gn) for r in rows)
    return out


# --- plays ---------------------------------------------------------------------------------------------


def play_update(store: Store, text: str) -> Diff:
    """Run the update on a copy in memory of the graphs it can touch, and diff."""
    from graph.store.embedded import EmbeddedStore

    wanted = update_scope(text)
    if wanted is not None and CHANGES_GRAPH in wanted:
        raise ForbiddenOperation(f"<{CHANGES_GRAPH}> is the audit graph; only the write path writes it")
    scope = scope_graphs(store, wanted)
    before = read_graphs(store, scope)
    mem = EmbeddedStore(None)
    try:
        for g in scope:
            if g is not None:
                mem.update(f"CREATE SILENT GRAPH <{g}>")
        for q in before:
            mem.add(q)
        update_steps.run(mem, text)  # a syntax error or a failing operation raises here; the store is untouched
        named = set(mem.named_graphs())
        after = read_graphs(mem, [None, *sorted(named)])
    finally:
        mem.close()
    if CHANGES_GRAPH in named:
        raise ForbiddenOperation(f"<{CHANGES_GRAPH}> is the audit graph; only the write path writes it")
    return widened(store, before, after, {g for g in scope if g is not None}, named)


def update_plan(text: str) -> Callable[[Store], Diff]:
    return lambda store: play_update(store, text)


def graph_plan(graph: str | None, quads: set[QuadTuple], mode: str) -> Callable[[Store], Diff]:
    """A Graph Store Protocol write: ``put`` (replace), ``post`` (add) or ``delete`` the graph."""
    gn: Node | None = None if graph is None else URIRef(graph)
    new: set[QuadTuple] = {(s, p, o, gn) for s, p, o, _ in quads}

    def plan(store: Store) -> Diff:
        existed = graph is not None and graph in set(store.named_graphs())
        if mode == "delete" and graph is not None and not existed:
            raise LookupError(f"no graph <{graph}>")
        before = read_graphs(store, [graph])
        after: set[QuadTuple] = new if mode == "put" else before | new if mode == "post" else set()
        gb = {graph} if existed and graph else set()
        ga = set() if mode == "delete" or graph is None else {graph}
        return widened(store, before, after, gb, ga)

    return plan


def patch_plan(add: Iterable[QuadTuple], remove: Iterable[QuadTuple],
               create: Iterable[str] = (), drop: Iterable[str] = ()) -> Callable[[Store], Diff]:
    """Add and remove these quads (a form, an inline edit, a revert, an accepted review)."""
    add, remove = set(add), set(remove)

    def plan(store: Store) -> Diff:
        existing = set(store.named_graphs())
        graphs = {_g(q) for q in (*add, *remove)} | set(create) | set(drop)
        scope = [None, *sorted(g for g in graphs if g is not None and g in existing)]
        if None not in graphs:
            scope = scope[1:]
        before = read_graphs(store, scope)
        after = (before - _matching(before, remove)) | _fresh(add)
        gb = {g for g in scope if g is not None}
        ga = (gb | {str(q[3]) for q in after if q[3] is not None} | set(create)) - set(drop)
        return widened(store, before, after, gb, ga)

    return plan


def diff(before: set[QuadTuple], after: set[QuadTuple], graphs_before: set[str], graphs_after: set[str]) -> Diff:
    """The change from ``before`` to ``after`` (quads of the same graphs); blank nodes by component."""
    cb, ca = set(components(before)), set(components(after))
    gone, new = cb - ca, ca - cb
    ground_b = {q for q in before if not _blank(q)}
    ground_a = {q for q in after if not _blank(q)}
    added = (ground_a - ground_b).union(*new)
    removed = (ground_b - ground_a).union(*gone)
    # graphs whose blank-node part is rewritten: those of the removed components, and every graph sharing a
    # component with one of them (a blank node shared by two graphs must stay one node)
    unblank = {_g(q) for c in gone for q in c}
    while True:
        more = {_g(q) for c in cb if any(_g(x) in unblank for x in c) for q in c} - unblank
        if not more:
            break
        unblank |= more
    keep = {q for c in ca - new if any(_g(x) in unblank for x in c) for q in c}
    return Diff(
        added=sorted(added, key=_key),
        removed=sorted(removed, key=_key),
        created=sorted(graphs_after - graphs_before),
        dropped=sorted(graphs_before - graphs_after),
        unblank=sorted(unblank, key=lambda g: g or ""),
        reblank=sorted(keep, key=_key),
    )


def widened(store: Store, before: set[QuadTuple], after: set[QuadTuple], graphs_before: set[str],
             graphs_after: set[str]) -> Diff:
    """:func:`diff`, with the graphs outside the plan's scope that share a blank node with a graph whose
    blank-node part is rewritten read in too (unchanged), so that the commit keeps that node one node.

    Only a store that can name its blank nodes (:meth:`Store.quads` on the embedded store) can tell; on
    others a blank node shared across graphs by a write outside the scope is not seen."""
    seen = {_g(q) for q in before | after}
    while True:
        d = diff(before, after, graphs_before, graphs_after)
        nodes = {t for q in (*d.removed, *d.reblank) for t in (q[0], q[2]) if isinstance(t, BNode)}
        outside: set[QuadTuple] = set()
        try:
            for n in nodes:
                outside.update(q for q in (*store.quads(s=n), *store.quads(o=n)) if _g(q) not in seen)
        except ValueError:  # the store cannot name a blank node
            return d
        if not outside:
            return d
        extra = {_g(q) for q in outside}
        rest = read_graphs(store, sorted(extra, key=lambda g: g or ""))
        before, after, seen = before | rest, after | rest, seen | extra


def components(quads: Iterable[QuadTuple]) -> list[frozenset[QuadTuple]]:
    """The blank-node quads of ``quads`` grouped by the blank nodes they share (in any graph)."""
    parent: dict[Node, Node] = {}

    def root(t: Node) -> Node:
        while parent.setdefault(t, t) != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    blank = [q for q in quads if _blank(q)]
    for q in blank:
        first, *rest = [t for t in (q[0], q[2]) if isinstance(t, BNode)]
        for t in rest:
            parent[root(t)] = root(first)
    groups: dict[Node, set[QuadTuple]] = {}
    for q in blank:
        groups.setdefault(root(q[0] if isinstance(q[0], BNode) else q[2]), set()).add(q)
    return [frozenset(g) for g in groups.values()]


def canonical(component: Iterable[QuadTuple]) -> tuple[int, tuple[str, ...]]:
    """A key equal for components equal up to blank-node renaming (colour refinement, as release fingerprints)."""
    from graph.changesets import nquad
    from graph.release import canonical_nquads

    lines = [nquad(q) for q in component]
    return len(lines), tuple(canonical_nquads(lines))


def _matching(before: set[QuadTuple], remove: Iterable[QuadTuple]) -> set[QuadTuple]:
    """The quads of ``before`` that ``remove`` names: ground quads as they are, and for each blank-node component
    of ``remove`` one stored component equal to it up to renaming (none when the data has changed since)."""
    remove = set(remove)
    out = {q for q in remove if not _blank(q)}
    wanted = components(remove)
    if not wanted:
        return out
    stored: dict[tuple[int, tuple[str, ...]], list[frozenset[QuadTuple]]] = {}
    for c in components(before):
        stored.setdefault(canonical(c), []).append(c)
    for c in wanted:
        same = stored.get(canonical(c))
        if same:
            out |= same.pop()
    return out


def _fresh(add: Iterable[QuadTuple]) -> set[QuadTuple]:
    """``add`` with its blank nodes given new labels (they are new nodes, never one of the store's)."""
    mapping: dict[Node, Node] = {}

    def m(t: Node) -> Node:
        return mapping.setdefault(t, BNode()) if isinstance(t, BNode) else t

    return {(m(q[0]), q[1], m(q[2]), q[3]) for q in add}


def _blank(q: QuadTuple) -> bool:
    return isinstance(q[0], BNode) or isinstance(q[2], BNode)


def _key(q: QuadTuple) -> tuple[str, str, str, str]:
    return (str(q[3] or ""), str(q[0]), str(q[1]), q[2].n3() if hasattr(q[2], "n3") else str(q[2]))
