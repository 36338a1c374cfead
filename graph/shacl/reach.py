"""What a shape reads, as an automaton over path steps: which focus nodes a change can affect.

Each shape has a start state (where its focus node is).  A property path is a chain of steps
(predicate, direction) from that state to the state of its value nodes; shape-valued constraints join the
value state to the start of the shape they name (so recursion is just a cycle).  Every state records which
triples evaluation reads at a node in that state: ``("out", p)`` the triples ``(node, p, ?)``, ``("in", p)``
the triples ``(?, p, node)``; ``p`` is ``None`` for "every predicate" (``sh:closed``).

Why walking back is enough: if a change alters what is read from focus ``f``, follow the steps from ``f``
to the first changed triple read; every step before it is unchanged, so it exists in the state before the
change, and the changed triple's subject (for ``out``) or object (for ``in``) is reached in a state that reads
it.  Walking back from each changed triple's ends over the store before the change finds every such ``f``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.shacl.paths import Path, normalise
from graph.shacl.shapes import ShapesModel

Read = tuple[str, Node | None]  # ("out" | "in", predicate or None for any)
Step = tuple[Node, str, int]  # (predicate, "out" | "in", target state)


@dataclass
class Automaton:
    start: dict[Node, int] = field(default_factory=dict)
    roots: tuple[int, ...] = ()
    eps: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    steps: dict[int, set[Step]] = field(default_factory=lambda: defaultdict(set))
    reads: dict[int, set[Read]] = field(default_factory=lambda: defaultdict(set))
    n: int = 0

    def new(self) -> int:
        self.n += 1
        return self.n - 1

    def closure(self, q: int) -> set[int]:
        seen = {q}
        stack = [q]
        while stack:
            for r in self.eps.get(stack.pop(), ()):
                if r not in seen:
                    seen.add(r)
                    stack.append(r)
        return seen


@dataclass(frozen=True)
class Reach:
    """The closed automaton: per state, what it reads and where its steps lead (epsilon moves folded in)."""

    roots: frozenset[int]
    reads: dict[int, frozenset[Read]]
    steps: dict[int, frozenset[Step]]
    back: dict[int, frozenset[tuple[Node, str, int]]]  # state -> (predicate, direction, previous state)
    #: Reads of every state, by predicate: which states read (direction, predicate).
    readers: dict[Read, frozenset[int]]


def _path(a: Automaton, p: Path, q0: int) -> int:
    kind = p[0]
    if kind in ("p", "ip"):
        q1 = a.new()
        d = "out" if kind == "p" else "in"
        a.steps[q0].add((p[1], d, q1))
        a.reads[q0].add((d, p[1]))
        return q1
    if kind == "seq":
        q = q0
        for sub in p[1]:
            q = _path(a, sub, q)
        return q
    if kind == "alt":
        end = a.new()
        for sub in p[1]:
            s = a.new()
            a.eps[q0].add(s)
            a.eps[_path(a, sub, s)].add(end)
        return end
    s = a.new()
    end = a.new()
    a.eps[q0].add(s)
    e = _path(a, p[1], s)
    a.eps[e].add(end)
    if kind in ("zom", "zoo"):
        a.eps[q0].add(end)
    if kind in ("zom", "oom"):
        a.eps[e].add(s)
    return end


def build(model: ShapesModel) -> Reach:
    a = Automaton()
    for node in model.shapes:
        a.start[node] = a.new()
    for node, s in model.shapes.items():
        q = a.start[node]
        for kind, obj in s.targets:
            if kind == SH.targetClass:
                a.reads[q].add(("out", RDF.type))
            elif kind == SH.targetSubjectsOf:
                a.reads[q].add(("out", obj))
            elif kind == SH.targetObjectsOf:
                a.reads[q].add(("in", obj))
        v = _path(a, normalise(s.path), q) if s.path is not None else q
        for c in s.constraints:
            if c.param == SH["class"]:
                a.reads[v].add(("out", RDF.type))
            elif c.param == SH.closed:
                a.reads[v].add(("out", None))
            elif c.param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                a.reads[q].add(("out", c.value))
            elif c.param in (SH.node, SH["not"], SH.qualifiedValueShape) and c.value in a.start:
                a.eps[v].add(a.start[c.value])
            elif c.param in (SH["and"], SH["or"], SH.xone):
                a.eps[v] |= {a.start[m] for m in c.items if m in a.start}
        for p in s.properties:
            a.eps[v].add(a.start[p])
    reads: dict[int, frozenset[Read]] = {}
    steps: dict[int, frozenset[Step]] = {}
    for q in range(a.n):
        cl = a.closure(q)
        reads[q] = frozenset(r for c in cl for r in a.reads.get(c, ()))
        steps[q] = frozenset(st for c in cl for st in a.steps.get(c, ()))
    back: dict[int, set[tuple[Node, str, int]]] = defaultdict(set)
    closures = {q: a.closure(q) for q in range(a.n)}
    for q, sts in steps.items():
        for pred, d, target in sts:
            for r in closures[target]:
                back[r].add((pred, d, q))
    readers: dict[Read, set[int]] = defaultdict(set)
    for q, rs in reads.items():
        for rd in rs:
            readers[rd].add(q)
    roots = frozenset(a.start[n] for n in model.roots)
    # A root's focus is also the start of whatever its start state reaches by epsilon moves.
    return Reach(
        roots=roots,
        reads=reads,
        steps=steps,
        back={k: frozenset(v) for k, v in back.items()},
        readers={k: frozenset(v) for k, v in readers.items()},
    )


class Access:
    """Triples of one state of the data: ``out(node, pred)`` and ``inc(node, pred)`` (pred None: any)."""

    def out(self, node: Node, pred: Node | None) -> Iterable[tuple[Node, Node, Node]]:
        raise NotImplementedError

    def inc(self, node: Node, pred: Node | None) -> Iterable[tuple[Node, Node, Node]]:
        raise NotImplementedError


def affected(reach: Reach, before: Access, changed: Iterable[tuple[Node, Node, Node]], limit: int) -> set[Node] | None:
    """Focus nodes whose results a change of ``changed`` triples can alter (``None``: more than ``limit``)."""
    seen: set[tuple[Node, int]] = set()
    frontier: list[tuple[Node, int]] = []
    for s, p, o in changed:
        for q in reach.readers.get(("out", p), frozenset()) | reach.readers.get(("out", None), frozenset()):
            frontier.append((s, q))
        for q in reach.readers.get(("in", p), frozenset()) | reach.readers.get(("in", None), frozenset()):
            frontier.append((o, q))
    found: set[Node] = set()
    while frontier:
        x, q = frontier.pop()
        if (x, q) in seen:
            continue
        seen.add((x, q))
        if q in reach.roots:
            found.add(x)
            if len(found) > limit:
                return None
        for pred, d, prev in reach.back.get(q, ()):
            # the step prev --(pred, d)--> q: from y, (y pred x) when out; (x pred y) when in
            if d == "out":
                ys = [t[0] for t in before.inc(x, pred)]
            else:
                ys = [t[2] for t in before.out(x, pred)]
            frontier.extend((y, prev) for y in ys if (y, prev) not in seen)
    return found


def extract(reach: Reach, after: Access, focus: Iterable[Node]) -> set[tuple[Node, Node, Node]]:
    """Every triple that validating ``focus`` against the root shapes reads, from the state ``after``."""
    triples: set[tuple[Node, Node, Node]] = set()
    seen: set[tuple[Node, int]] = set()
    frontier = [(f, q) for f in focus for q in reach.roots]
    while frontier:
        x, q = frontier.pop()
        if (x, q) in seen:
            continue
        seen.add((x, q))
        fetched: dict[tuple[str, Node | None], list[tuple[Node, Node, Node]]] = {}
        for d, pred in reach.reads.get(q, ()):
            ts = list(after.out(x, pred) if d == "out" else after.inc(x, pred))
            fetched[(d, pred)] = ts
            triples.update(ts)
        for pred, d, nxt in reach.steps.get(q, ()):
            for t in fetched.get((d, pred), ()):
                y = t[2] if d == "out" else t[0]
                if (y, nxt) not in seen:
                    frontier.append((y, nxt))
    return triples
