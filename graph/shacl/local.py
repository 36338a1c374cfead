"""Shapes evaluated in Python over a small set of triples: the incremental path's evaluator.

A change is validated on the few triples its focus nodes' checks read (:func:`graph.shacl.reach.extract`).
Over so few triples a query costs more to parse than to answer, so each constraint is decided here, on an
index of those triples, with the same decisions as the SPARQL evaluator (:mod:`graph.shacl.engine`) and the
same exact value checks (:mod:`graph.shacl.checks`); ``tests/test_shacl_incremental.py`` holds it to pySHACL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph.shacl import checks
from graph.shacl.engine import _COMPONENT, _NODE_KINDS, _RANGE, _length_fails
from graph.shacl.paths import Path, normalise
from graph.shacl.results import Result
from graph.shacl.shapes import Constraint, Shape, ShapesModel

Triple = tuple[Node, Node, Node]

#: Constraint parameters by local name (one dictionary lookup instead of a chain of term comparisons).
_KIND = {p: str(p).rsplit("#", 1)[-1] for p in (
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.pattern,
    SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint,
    SH.closed, SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape)}
_KIND.update({p: "range" for p in _RANGE})


class Index:
    """Triples by subject and predicate, and by object and predicate."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.sp: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.op: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.s: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        for s, p, o in triples:
            self.sp[(s, p)].add(o)
            self.op[(o, p)].add(s)
            self.s[s].add((p, o))

    def objects(self, s: Node, p: Node) -> set[Node]:
        return self.sp.get((s, p), set())

    def subjects(self, p: Node, o: Node) -> set[Node]:
        return self.op.get((o, p), set())

    def values(self, node: Node, path: Path) -> set[Node]:
        """The value nodes of a normalised path (:func:`graph.shacl.paths.normalise`) from ``node``."""
        return self._step({node}, path)

    def _step(self, nodes: set[Node], path: Path) -> set[Node]:
        kind = path[0]
        if kind == "p":
            return {o for n in nodes for o in self.objects(n, path[1])}
        if kind == "ip":
            return {s for n in nodes for s in self.subjects(path[1], n)}
        if kind == "seq":
            cur = nodes
            for sub in path[1]:
                cur = self._step(cur, sub)
            return cur
        if kind == "alt":
            return set().union(*(self._step(nodes, sub) for sub in path[1]))
        if kind == "zoo":
            return nodes | self._step(nodes, path[1])
        seen: set[Node] = set()
        frontier = self._step(nodes, path[1])
        while frontier:
            seen |= frontier
            frontier = self._step(frontier, path[1]) - seen
        return seen | nodes if kind == "zom" else seen


class LocalEvaluator:
    """:class:`graph.shacl.engine.Evaluator`'s decisions, in Python, over an :class:`Index`."""

    def __init__(self, model: ShapesModel, triples: Iterable[Triple], subclasses: Mapping[Node, frozenset[Node]]):
        self.model = model
        self.ix = Index(triples)
        self.subclasses = subclasses
        self._paths: dict[Node, Path] = {}

    # --- focus ---------------------------------------------------------------------------------------

    def targets(self, shape: Shape, nodes: Sequence[Node]) -> list[Node]:
        """Which of ``nodes`` the shape targets in the triples."""
        classes: set[Node] = set()
        for kind, obj in shape.targets:
            if kind == SH.targetClass:
                classes |= {c for c in self.subclasses.get(obj, frozenset({obj})) if not isinstance(c, BNode)}
        out = []
        for n in nodes:
            hit = bool(classes & self.ix.objects(n, RDF.type))
            for kind, obj in shape.targets:
                if hit:
                    break
                if kind == SH.targetNode:
                    hit = n == obj and not isinstance(obj, BNode)
                elif kind == SH.targetSubjectsOf:
                    hit = (n, obj) in self.ix.sp and bool(self.ix.sp[(n, obj)])
                elif kind == SH.targetObjectsOf:
                    hit = (n, obj) in self.ix.op and bool(self.ix.op[(n, obj)])
            if hit:
                out.append(n)
        return out

    def _values(self, shape: Shape, node: Node) -> set[Node]:
        if shape.path is None:
            return {node}
        p = self._paths.get(shape.node)
        if p is None:
            p = self._paths[shape.node] = normalise(shape.path)
        return self.ix.values(node, p)

    # --- shapes --------------------------------------------------------------------------------------

    def shape(self, shape: Shape, nodes: Iterable[Node]) -> list[Result]:
        if shape.deactivated:
            return []
        nodes = list(nodes)
        out: list[Result] = []
        for c in shape.constraints:
            for f in nodes:
                out += self.constraint(shape, c, f)
        if shape.properties:
            inner = sorted({v for f in nodes for v in self._values(shape, f)}, key=str) if shape.path else nodes
            for p in shape.properties:
                out += self.shape(self.model[p], inner)
        return out

    def failing(self, node: Node, nodes: Iterable[Node]) -> set[Node]:
        if node not in self.model.shapes:
            return set()
        return {r.focus for r in self.shape(self.model[node], nodes)}

    def _res(self, shape: Shape, c: Constraint, focus: Node, value: Node | None, **kw: object) -> Result:
        return Result(
            focus=focus,
            path=kw.pop("path", shape.sh_path),  # type: ignore[arg-type]
            value=value,
            component=kw.pop("component", None) or _COMPONENT[c.param],  # type: ignore[arg-type]
            shape=shape.node,
            severity=shape.severity,
            messages=shape.messages,
            why=(c, shape),
            details=kw.pop("details", ()),  # type: ignore[arg-type]
        )

    def constraint(self, shape: Shape, c: Constraint, f: Node) -> list[Result]:
        p = c.param
        k = _KIND.get(p, "")
        vals = self._values(shape, f)

        def each(bad: object) -> list[Result]:
            return [self._res(shape, c, f, v) for v in sorted(vals, key=str) if bad(v)]  # type: ignore[operator]

        if k == "class":
            ok = {k for k in self.subclasses.get(c.value, frozenset({c.value})) if isinstance(k, URIRef)}
            return each(lambda v: not (self.ix.objects(v, RDF.type) & ok))
        if k == "datatype":
            return each(lambda v: not checks.datatype_ok(v, c.value))
        if k == "nodeKind":
            kinds = _NODE_KINDS.get(c.value, ())  # type: ignore[call-overload]
            return each(lambda v: not any(_kind(v, k) for k in kinds))
        if k in ("minCount", "maxCount"):
            n = int(c.value)  # type: ignore[call-overload]
            bad = len(vals) < n if k == "minCount" else len(vals) > n
            return [self._res(shape, c, f, None)] if bad else []
        if k in ("minLength", "maxLength"):
            n = int(c.value)  # type: ignore[call-overload]
            if k == "minLength" and n == 0:
                return []
            op = "<" if k == "minLength" else ">"
            return each(lambda v: _length_fails(v, n, op))
        if k == "pattern":
            return each(lambda v: not checks.pattern_ok(v, str(c.value), shape.flags))
        if k == "languageIn":
            langs = {str(x).lower() for x in c.items}
            return each(lambda v: not _lang_ok(v, langs))
        if k == "uniqueLang":
            if not (isinstance(c.value, Literal) and c.value.value is True):
                return []
            by: dict[str, set[Node]] = defaultdict(set)
            for v in vals:
                if isinstance(v, Literal) and v.language:
                    by[v.language.lower()].add(v)
            return [self._res(shape, c, f, None) for lang in sorted(by) if len(by[lang]) > 1]
        if k == "in":
            items = set(c.items)
            return each(lambda v: v not in items)
        if k == "hasValue":
            bad = f != c.value if shape.path is None else c.value not in vals
            return [self._res(shape, c, f, None)] if bad else []
        if k == "range":
            bound, op = c.value, _RANGE[p]
            return each(lambda v: not checks.range_ok(v, bound, op))  # type: ignore[arg-type]
        if k in ("lessThan", "lessThanOrEquals"):
            others = self.ix.objects(f, c.value)
            eq = k == "lessThanOrEquals"
            return [self._res(shape, c, f, v) for v in sorted(vals, key=str) for o in sorted(others, key=str)
                    if not checks.less_ok(v, o, eq)]
        if k == "equals":
            others = self.ix.objects(f, c.value)
            return [self._res(shape, c, f, v) for v in sorted(vals ^ others, key=str)]
        if k == "disjoint":
            others = self.ix.objects(f, c.value)
            return [self._res(shape, c, f, v) for v in sorted(vals & others, key=str)]
        if k == "closed":
            allowed = {pt[1] for x in shape.properties if (pt := self.model[x].path) is not None and pt[0] == "p"}
            allowed |= set(c.items)
            return [
                self._res(shape, c, f, o, path=q)
                for v in sorted(vals, key=str) for q, o in sorted(self.ix.s.get(v, ()), key=str)
                if q not in allowed and not (q == RDF.type and o == RDFS.Resource)
            ]
        if k in ("node", "not", "and", "or", "xone"):
            return self._logical(shape, c, f, vals)
        if k == "qualifiedValueShape":
            lo, hi = (int(x) for x in c.items[:2])  # type: ignore[call-overload]
            n = len(vals - self.failing(c.value, sorted(vals, key=str)))
            out = []
            if hi >= 0 and n > hi:
                out.append(self._res(shape, c, f, None, component=SH.QualifiedMaxCountConstraintComponent))
            if lo >= 0 and n < lo:
                out.append(self._res(shape, c, f, None, component=SH.QualifiedMinCountConstraintComponent))
            return out
        raise ValueError(f"unsupported {p}")

    def _logical(self, shape: Shape, c: Constraint, f: Node, vals: set[Node]) -> list[Result]:
        order = sorted(vals, key=str)
        if c.param == SH.node:
            if c.value not in self.model.shapes:
                return []
            details: dict[Node, list[Result]] = defaultdict(list)
            for r in self.shape(self.model[c.value], order):
                details[r.focus].append(r)
            return [self._res(shape, c, f, v, details=tuple(details[v])) for v in order if v in details]
        members = [c.value] if c.param == SH["not"] else list(c.items)
        failing = [self.failing(m, order) for m in members]
        out = []
        for v in order:
            n_ok = sum(1 for fl in failing if v not in fl)
            bad = {SH["not"]: n_ok == 1, SH["and"]: n_ok < len(members), SH["or"]: n_ok == 0, SH.xone: n_ok != 1}
            if bad[c.param]:
                out.append(self._res(shape, c, f, v))
        return out


def _kind(v: Node, k: str) -> bool:
    return {"iri": isinstance(v, URIRef), "blank": isinstance(v, BNode), "literal": isinstance(v, Literal)}[k]


def _lang_ok(v: Node, langs: set[str]) -> bool:
    if not (isinstance(v, Literal) and v.language):
        return False
    if "*" in langs:
        return True
    lang = v.language.lower()
    return lang in langs or lang.split("-", 1)[0] in langs


def local_results(
    model: ShapesModel, roots: Sequence[Node], triples: Iterable[Triple], subclasses: Mapping[Node, frozenset[Node]],
    focus: Sequence[Node],
) -> list[Result]:
    """Every result of ``roots`` on those of ``focus`` they target, over ``triples`` alone."""
    ev = LocalEvaluator(model, triples, subclasses)
    out: list[Result] = []
    for root in roots:
        shape = model[root]
        out += ev.shape(shape, ev.targets(shape, focus))
    return out
