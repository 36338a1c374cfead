"""What a write would do, as quads added and removed, computed before anything is written.

A write names the graphs it can touch (its *scope*); their quads are read from the store (under the write
lock), the write is played on a copy in memory (a SPARQL Update runs on an in-memory store holding just those
graphs; a graph upload or a patch is set arithmetic), and the difference is the change.

Blank nodes cannot be named by SPARQL Update, so a change never leaves one it involves behind: blank nodes
that the write creates, and every blank node of a graph where the write adds or removes a triple involving an
existing blank node, become skolem IRIs ``{BASE}/.well-known/genid/{uuid}`` (RDF 1.1 Concepts 3.5).  The
diff is then exact and can be committed with ``DELETE DATA`` / ``INSERT DATA`` and reverted quad for quad.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from rdflib import BNode, URIRef
from rdflib.term import Node

from graph.errors import ForbiddenOperation
from graph.namespaces import BASE, PREFIXES
from graph.sparql_guard import tokens
from graph.store.base import QuadTuple, Store

CHANGES_GRAPH = f"{BASE}/graph/changes"
GENID = f"{BASE}/.well-known/genid/"
ALL = None  # a scope of every graph


@dataclass
class Diff:
    """The effect of one write: quads added and removed, named graphs created and dropped."""

    added: list[QuadTuple] = field(default_factory=list)
    removed: list[QuadTuple] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    #: graphs whose blank-node triples are all removed at commit (their blank nodes were skolemised)
    unblank: list[str | None] = field(default_factory=list)

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
        mem.update(text)  # a syntax error or a failing operation raises here; the store is untouched
        named = set(mem.named_graphs())
        after = read_graphs(mem, [None, *sorted(named)])
    finally:
        mem.close()
    if CHANGES_GRAPH in named:
        raise ForbiddenOperation(f"<{CHANGES_GRAPH}> is the audit graph; only the write path writes it")
    return diff(before, after, {g for g in scope if g is not None}, named)


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
        return diff(before, after, gb, ga)

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
        after = (before - remove) | add
        gb = {g for g in scope if g is not None}
        ga = (gb | {str(q[3]) for q in after if q[3] is not None} | set(create)) - set(drop)
        return diff(before, after, gb, ga)

    return plan


def diff(before: set[QuadTuple], after: set[QuadTuple], graphs_before: set[str], graphs_after: set[str]) -> Diff:
    """The change from ``before`` to ``after`` (quads of the same graphs), blank nodes skolemised."""
    after = skolemise(before, after)
    d = Diff(
        added=sorted(after - before, key=_key),
        removed=sorted(before - after, key=_key),
        created=sorted(graphs_after - graphs_before),
        dropped=sorted(graphs_before - graphs_after),
    )
    d.unblank = sorted({_g(q) for q in d.removed if _blank(q)}, key=lambda g: g or "")
    return d


def skolemise(before: set[QuadTuple], after: set[QuadTuple], mint: Callable[[], str] | None = None) -> set[QuadTuple]:
    """``after`` with the blank nodes the change involves replaced by skolem IRIs (see the module's text)."""
    mint = mint or (lambda: f"{GENID}{uuid.uuid4().hex}")
    old = {t for q in before for t in q[:3] if isinstance(t, BNode)}
    added, removed = after - before, before - after
    fresh = {t for q in added for t in q[:3] if isinstance(t, BNode) and t not in old}
    mapping: dict[Node, Node] = {t: URIRef(mint()) for t in fresh}
    # graphs where an existing blank node is touched: all their blank nodes go (and, with them, every graph
    # that shares one of those blank nodes).
    troubled = {_g(q) for q in removed if _blank(q)} | {_g(q) for q in added if any(t in old for t in q[:3])}
    while True:
        nodes = {t for q in after if _g(q) in troubled for t in q[:3] if isinstance(t, BNode)}
        more = {_g(q) for q in after if _g(q) not in troubled and any(t in nodes for t in q[:3])}
        if not more:
            break
        troubled |= more
    for t in nodes:
        mapping.setdefault(t, URIRef(mint()))
    if not mapping:
        return after
    m = mapping.get
    return {(m(q[0], q[0]), m(q[1], q[1]), m(q[2], q[2]), q[3]) for q in after}


def _blank(q: QuadTuple) -> bool:
    return isinstance(q[0], BNode) or isinstance(q[2], BNode)


def _key(q: QuadTuple) -> tuple[str, str, str, str]:
    return (str(q[3] or ""), str(q[0]), str(q[1]), q[2].n3() if hasattr(q[2], "n3") else str(q[2]))
