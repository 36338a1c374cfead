"""Sibling property shapes with one path, in one grouped pass: candidates first, the exact checks on them after.

Each constraint the engine evaluates walks every focus node of its shape (at 1M, LabelShape's ``rdfs:label``
checks walked 112k (graph, node) pairs four times: the value tests, ``sh:minCount``, ``sh:uniqueLang`` and the
``@vi`` qualified count).  Here one grouped query per path walks them once and keeps the (graph, node) pairs
that may violate any of those constraints (a condition implied by each constraint's failure, so nothing is
missed); the engine's own evaluation then runs on those pairs alone (on all focus nodes again when they are
blank nodes or more than :data:`MAX_PAIRS`), and decides them exactly as it would have over all focus nodes.
Data that conforms costs one pass per path.  (One query for all the paths of a shape, a UNION branch per path
inside one OPTIONAL, walks the focus nodes once but was slower at 1M: 157 queries, 33.7 s against 247, 30.2 s.)

A property shape takes part when every constraint has a grouped candidate condition: the value tests of
:func:`graph.shacl.combined.value_test`, counts, ``sh:uniqueLang``, ``sh:hasValue`` and qualified counts whose
value shape is written inline (:func:`graph.shacl.inline.conformance`); and no property shapes of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from graph.shacl.focus import Focus, term
from graph.shacl.paths import Path
from graph.shacl.results import Result
from graph.shacl.scope import PLAIN, Scope, UnionScope, bounded

if TYPE_CHECKING:
    from graph.shacl.engine import Evaluator
    from graph.shacl.shapes import Shape

#: Beyond this many flagged pairs, the exact checks walk the shape's focus nodes again rather than a VALUES block.
MAX_PAIRS = 5000


@dataclass(frozen=True)
class PairsFocus(Focus):
    """Given (graph, node) pairs (graph ``None`` outside a scoped query)."""

    pairs: tuple[tuple[Node | None, Node], ...]

    def pattern(self, var: str, depth: int, scope: Scope = PLAIN) -> str:
        if scope.scoped:
            rows = " ".join(f"({term(g)} {term(n)})" for g, n in self.pairs if g is not None)
            return f"{{ VALUES ({scope.g} {var}) {{ {rows} }} }}"
        return f"{{ VALUES {var} {{ {' '.join(term(n) for _g, n in self.pairs)} }} }}"


def _conditions(ev: Evaluator, prop: Shape, i: int) -> tuple[list[str], list[str], int, list[str] | None] | None:
    """(BINDs on ``?v``, HAVING conditions, queries the engine would send, the same conditions on one row when
    each is: ``!BOUND(?v)`` for no value, a value test; else None) for ``prop``; None: not groupable."""
    from graph.shacl.combined import value_test
    from graph.shacl.inline import conformance

    if prop.deactivated or prop.path is None or prop.properties:
        return None
    binds: list[str] = []
    having: list[str] = []
    rows: list[str] | None = []
    values = queries = 0
    for j, c in enumerate(prop.constraints):
        k = f"?_g{i}_{j}"
        p = c.param
        if p == SH.minLength and int(c.value) == 0:  # type: ignore[call-overload]
            continue
        test = value_test(ev, prop, c)
        if test is not None:
            binds.append(f"BIND(COALESCE(BOUND(?v) && ({test[0]}), false) AS {k})")
            having.append(f"SUM(COALESCE(IF({k}, 1, 0), 0)) > 0")
            rows = rows if rows is None else [*rows, f"COALESCE({test[0]}, false)"]
            values += 1
        elif p == SH.minCount:
            n = int(c.value)  # type: ignore[call-overload]
            having.append("COUNT(?v) < 1" if n == 1 else f"COUNT(DISTINCT ?v) < {n}")
            rows = [*rows, "!BOUND(?v)"] if rows is not None and n == 1 else None
            queries += 1
        elif p == SH.maxCount:
            having.append(f"COUNT(?v) > {int(c.value)}")  # type: ignore[call-overload]
            queries += 1
        elif p == SH.uniqueLang:
            if not (isinstance(c.value, Literal) and c.value.value is True):
                continue
            binds.append(f'BIND(IF(isLiteral(?v) && LANG(?v) != "", ?v, ?_none) AS {k}) BIND(LCASE(LANG({k})) AS {k}l)')
            having.append(f"COUNT({k}) > COUNT(DISTINCT {k}l)")
            queries += 1
        elif p == SH.hasValue and not isinstance(c.value, BNode):
            having.append(f"SUM(COALESCE(IF(sameTerm(?v, {term(c.value)}), 1, 0), 0)) = 0")
            queries += 1
        elif p == SH.qualifiedValueShape:
            conf = conformance(ev, c.value, "?v")
            if conf is None:
                return None
            lo, hi = (int(x) for x in c.items[:2])  # type: ignore[call-overload]
            binds.append(f"BIND(IF(COALESCE({conf}, false), ?v, ?_none) AS {k})")
            having += [f"COUNT({k}) > {hi}"] * (hi >= 0)
            having += [f"COUNT({k}) < 1" if lo == 1 else f"COUNT(DISTINCT {k}) < {lo}"] * (lo >= 0)
            queries += 1
        else:
            return None
        if p not in (SH.minCount, SH.minLength) and test is None:
            rows = None
    return binds, having, queries + (1 if values else 0), rows


def _row_wise(ev: Evaluator, path: Path, focus: Focus, rows: list[str]) -> str:
    """The candidates when each condition reads one row (no value, or a value that fails a test), under the union
    scope for all the targets: an anti-join and a hash join, no grouping (SourcedShape at 1M: 0.89 s -> 0.50 s)."""
    f = focus.pattern("?this", 0, ev.sc)
    tests = [r for r in rows if r != "!BOUND(?v)"]
    parts = [f"{{ {f} {ev.sc.without(ev.sc.values(path))} }}"] * (len(tests) < len(rows))
    parts += [f"{{ {f} {ev.sc.values(path, wide=True)} FILTER({' || '.join(tests)}) }}"] * bool(tests)
    return f"SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }}"


def grouped(ev: Evaluator, props: list[Shape], focus: Focus) -> tuple[list[Shape], list[Result]]:
    """(the property shapes of ``props`` evaluated here, their results on ``focus``)."""
    from graph.shacl.combined import properties_at_once

    groups: dict[object, list[tuple[Shape, list[str], list[str], int, list[str] | None]]] = {}
    for i, prop in enumerate(props):
        cond = _conditions(ev, prop, i)
        if cond is not None:
            groups.setdefault(prop.path, []).append((prop, *cond))
    done: list[Shape] = []
    out: list[Result] = []
    for path, members in groups.items():
        if sum(m[3] for m in members) < 2:  # one query either way: leave it to the engine
            continue
        shapes = [m[0] for m in members]
        done += shapes
        having = [h for m in members for h in m[2]]
        if not having:
            continue
        binds = " ".join(b for m in members for b in m[1])
        g = ev.sc.g
        union = isinstance(ev.sc, UnionScope)
        if union and focus.wide and bounded(path) and all(m[4] is not None for m in members):  # type: ignore[arg-type]
            q = _row_wise(ev, path, focus, [r for m in members for r in m[4] or ()])  # type: ignore[arg-type]
        else:
            # Under the union scope each value once, not once per graph stating it (exact counts and uniqueLang: at
            # 1M LabelShape flagged 13,701 nodes, then walked them all again).  Not with an EXISTS test: evaluated
            # after the sub-select it took minutes.
            f = focus.pattern("?this", 0, ev.sc)
            vals = ev.sc.values(path, wide=focus.wide, focus=f)  # type: ignore[arg-type]
            if union and "EXISTS" not in binds:
                body = f"{{ SELECT DISTINCT ?this ?v WHERE {{ {f} OPTIONAL {{ {vals} }} }} }} {binds}"
            else:
                body = f"{f} OPTIONAL {{ {vals} {binds} }}"
            q = f"SELECT {g} ?this WHERE {{ {body} }} GROUP BY {g} ?this HAVING ({' || '.join(having)})"
        pairs = tuple(sorted({ev.sc.key(r, "this") for r in ev.source.select(q)}, key=str))
        if not pairs:
            continue
        named = not any(isinstance(n, BNode) or isinstance(gr, BNode) for gr, n in pairs)
        sub: Focus = PairsFocus(pairs) if named and len(pairs) <= MAX_PAIRS else focus
        out += properties_at_once(ev, shapes, sub)
        for s in shapes:
            out += ev.shape(s, sub, values_done=True)
    return done, out
