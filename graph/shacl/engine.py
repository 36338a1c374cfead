"""The evaluator: each constraint of each shape as one SPARQL query over the data, at the engine's speed.

Queries return only the value nodes that may violate (the rest never leave the engine); the few constraints
whose exact meaning depends on Python's literal semantics (datatype, ranges, lessThan, pattern) are decided
on those candidates by :mod:`graph.shacl.checks`, exactly as pySHACL decides them.  Shape-valued constraints
(``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``) evaluate the shapes
they name on the value nodes, described as a SPARQL pattern (:class:`PathFocus`), never one node at a time.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Protocol

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from graph.shacl import checks
from graph.shacl.focus import Focus, PathFocus, Tests, in_list, skolemise, term
from graph.shacl.inline import conformance, logical_failure
from graph.shacl.paths import nullable
from graph.shacl.results import Result
from graph.shacl.scope import PLAIN, Scope, bounded
from graph.shacl.shapes import Constraint, Shape, ShapesModel

#: Lexical forms that both rdflib and Oxigraph certainly read as valid, per datatype.
_SAFE_LEXICAL = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?[0-9]+(\\.[0-9]+)?$",
    XSD.boolean: r"^(true|false)$",
    XSD.date: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    XSD.dateTime: r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^[0-9]{4}$",
}
_RANGE = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
_COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
}
_NODE_KINDS = {
    SH.IRI: ("iri",),
    SH.BlankNode: ("blank",),
    SH.Literal: ("literal",),
    SH.BlankNodeOrIRI: ("blank", "iri"),
    SH.BlankNodeOrLiteral: ("blank", "literal"),
    SH.IRIOrLiteral: ("iri", "literal"),
}


class Source(Protocol):
    """Where queries run: the store, or an in-memory overlay.  Rows hold rdflib terms (blank nodes restored)."""

    skolem: bool

    def select(self, sparql: str) -> list[dict[str, Node]]: ...


class Unsupported(Exception):
    """A shape this engine does not compile; the caller hands it to pySHACL."""


def unsupported_reason(model: ShapesModel, root: Node) -> str | None:
    """Why ``root`` (with everything it references) must go to pySHACL, or ``None``."""
    if model.recursive(root):
        return "recursive shape"
    for n in model.closure(root):
        s = model[n]
        if s.foreign:
            return f"{n} uses {', '.join(str(f) for f in s.foreign)}"
        for c in s.constraints:
            if c.param == SH.qualifiedValueShape and (
                c.value not in model.shapes or bool(getattr(c.items[2], "value", False))
            ):
                return "sh:qualifiedValueShapesDisjoint"
            if c.param in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint) and not isinstance(
                c.value, URIRef
            ):
                return f"{c.param} with a non-IRI value"
            if c.param in (SH.node, SH["not"]) and c.value not in model.shapes:
                return f"{c.param} names an unknown shape"
    return None


class Evaluator:
    """Validates shapes of one :class:`ShapesModel` on one :class:`Source`; immutable after construction."""

    def __init__(
        self,
        model: ShapesModel,
        source: Source,
        subclasses: Mapping[Node, frozenset[Node]],
        scope: Scope = PLAIN,
        share_roots: bool = True,
    ) -> None:
        self.model = model
        self.source = source
        self.subclasses = subclasses
        self.sc = scope
        self.t = Tests(source.skolem)
        #: Results of root shapes on all their targets, when asked for through :meth:`root`.
        self._roots: dict[Node, list[Result]] = {}
        #: One lock per root shape, so that threads evaluating roots (and the roots ``sh:node`` names) compute
        #: each root once (recursive shapes never reach the engine, so no two roots wait on each other).
        self._root_locks: dict[Node, threading.Lock] = defaultdict(threading.Lock)
        self._locks_lock = threading.Lock()
        #: Whether sh:node may reuse a root's results (not when only some focus nodes are asked for).
        self.share_roots = share_roots

    def root(self, node: Node, as_given: bool = True) -> list[Result]:
        """Every result of root shape ``node`` on all its targets (computed once per evaluator; thread-safe);
        ``as_given``: its literal target nodes as the shapes graph writes them (:meth:`as_given`)."""
        hit = self._roots.get(node)
        if hit is not None:
            return self.as_given(self.model[node], hit) if as_given else hit
        with self._locks_lock:
            lock = self._root_locks[node]
        with lock:
            if node not in self._roots:
                from graph.shacl.focus import TargetFocus

                shape = self.model[node]
                self._roots[node] = self.shape(shape, TargetFocus(shape.targets, self.subclasses))
        return self.as_given(self.model[node], self._roots[node]) if as_given else self._roots[node]

    def as_given(self, shape: Shape, results: list[Result]) -> list[Result]:
        """``results`` with the shape's literal ``sh:targetNode`` terms as the shapes graph writes them: a query
        returns the store's canonical form (``4.0``^^xsd:decimal comes back as ``4``; pySHACL and the W3C suite
        report ``4.0``).  Shapes without a literal target node (govkg's) cost nothing."""
        lits = [o for k, o in shape.targets if k == SH.targetNode and isinstance(o, Literal)]
        if not lits:
            return results
        rows = " ".join(f"({i} {term(x)})" for i, x in enumerate(lits))
        back = {r["x"]: lits[int(r["i"])] for r in self.source.select(  # type: ignore[call-overload]
            f"SELECT ?i ?x WHERE {{ VALUES (?i ?x) {{ {rows} }} }}")}
        back = {k: v for k, v in back.items() if str(k) != str(v) or k.datatype != v.datatype}  # type: ignore[attr-defined]
        if not back:
            return results
        from dataclasses import replace

        def given(r: Result) -> Result:
            f = back.get(r.focus)
            if f is None:
                return r
            v = back.get(r.value, r.value) if r.value is not None else None
            return replace(r, focus=f, value=v, details=tuple(given(d) for d in r.details))

        return [given(r) for r in results]

    def _as_root(self, shape: Shape, c: Constraint) -> bool:
        """Whether every value node of ``shape`` is a target of root shape ``c.value`` in the same graph, so that
        its results there are the root's (e.g. ``sh:node S`` on ``sh:path P`` where S has targetObjectsOf P)."""
        target = self.model.shapes.get(c.value)
        if not self.share_roots or target is None or c.value not in self.model.roots or shape.path is None:
            return False
        path = shape.path
        if path[0] == "p":
            kind, pred = SH.targetObjectsOf, path[1]
        elif path[0] == "inv" and path[1][0] == "p":
            kind, pred = SH.targetSubjectsOf, path[1][1]
        else:
            return False
        return (kind, pred) in target.targets and not (self.sc.scoped and pred in self.sc.shared_preds)

    # --- shapes --------------------------------------------------------------------------------------

    def shape(self, shape: Shape, focus: Focus, values_done: bool = False) -> list[Result]:
        """Every result of ``shape`` (and its property shapes) on the nodes of ``focus`` (``values_done``: but
        its value constraints, evaluated with its siblings')."""
        if shape.deactivated:
            return []
        from graph.shacl.combined import properties_at_once, shape_constraints
        from graph.shacl.grouped import grouped

        out = shape_constraints(self, shape, focus, values_done)
        inner = PathFocus(focus, shape.path) if shape.path is not None else focus
        props = [self.model[p] for p in shape.properties]
        done, found = grouped(self, props, inner)  # siblings with one path: one pass, then their candidates
        out += found
        props = [p for p in props if not any(p is d for d in done)]
        out += properties_at_once(self, props, inner)
        for p in props:
            out += self.shape(p, inner, values_done=p.path is not None)
        return out

    def failing(self, node: Node, focus: Focus) -> set[tuple[Node | None, Node]]:
        """The (graph, node) pairs of ``focus`` that do not conform to shape ``node``."""
        return {(r.graph, r.focus) for r in self.shape(self.model[node], focus)}

    # --- constraints ---------------------------------------------------------------------------------

    def _result(self, shape: Shape, c: Constraint, row: dict[str, Node], value: Node | None, **kw: object) -> Result:
        g, focus = self.sc.key(row, "this")
        comp = kw.pop("component", None) or _COMPONENT[c.param]
        path = kw.pop("path", shape.sh_path)
        details = kw.pop("details", ())
        return Result(
            focus=focus,
            path=path,  # type: ignore[arg-type]
            value=value,
            component=comp,  # type: ignore[arg-type]
            shape=shape.node,
            severity=shape.severity,
            messages=shape.messages,
            why=(c, shape),
            details=details,  # type: ignore[arg-type]
            graph=g,
        )

    def _pairs(self, shape: Shape, focus: Focus, cond: str = "", extra: str = "") -> list[dict[str, Node]]:
        f = self._focus(focus)
        q = f"SELECT DISTINCT {self.sc.g} ?this ?v {extra} WHERE {{ {f} {self._values(shape, focus, f)} {cond} }}"
        return self.source.select(q)

    def _values(self, shape: Shape, focus: Focus, f: str, wide: bool = True) -> str:
        """The scope's values of ``shape``'s path from the nodes of ``focus`` (``f``: its pattern, which a path that
        can match zero steps repeats: :meth:`Scope.values`); ``wide=False``: looked up per node."""
        return self.sc.values(shape.path, wide=wide and focus.wide, focus=f)

    def _focus(self, focus: Focus) -> str:
        return focus.pattern("?this", 0, self.sc)

    def constraint(self, shape: Shape, c: Constraint, focus: Focus) -> list[Result]:
        p, t, sc = c.param, self.t, self.sc
        res = self._result
        g = sc.g
        # "No such value" for all the targets: the scope's anti-join (the union scope's MINUS reads the values once;
        # NOT EXISTS per node: SourcedShape's minCount at 1M 0.63 s -> 0.17 s).  For a few nodes, or a path of
        # ``*`` or ``?`` read per node, NOT EXISTS; a path that can match zero steps (:func:`nullable`) reads its
        # (focus, value) pairs in a sub-select of their own (:meth:`Scope.values`): MINUS on it.
        anti = focus.wide and shape.path is not None and bounded(shape.path)
        without: Callable[[Scope, str], str] = type(sc).without if anti else Scope.without
        if shape.path is not None and nullable(shape.path):  # the values' own sub-select: an anti-join computed once
            without = _minus

        def simple(cond: str) -> list[Result]:
            return [res(shape, c, r, r["v"]) for r in self._pairs(shape, focus, f"FILTER({cond})")]

        if p == SH["class"]:
            classes = self.subclasses.get(c.value, frozenset({c.value}))
            named = [term(k) for k in sorted(classes, key=str) if isinstance(k, URIRef)]
            return simple(f"NOT EXISTS {{ {sc.triple('?v', RDF.type, '?_c')} {sc.one_of('?_c', named)} }}")
        if p == SH.datatype:
            ok = self._datatype_prefilter(c.value)
            rows = self._pairs(shape, focus, f"FILTER(!({t.is_literal('?v')} && {ok}))")
            return [res(shape, c, r, r["v"]) for r in rows if not checks.datatype_ok(r["v"], c.value)]
        if p == SH.nodeKind:
            kinds = _NODE_KINDS.get(c.value, ())  # type: ignore[call-overload]
            tests = {"iri": t.is_iri("?v"), "blank": t.is_blank("?v"), "literal": t.is_literal("?v")}
            ok = " || ".join(tests[k] for k in kinds) or "false"
            return simple(f"!({ok})")
        if p in (SH.minCount, SH.maxCount):
            n = int(c.value)  # type: ignore[call-overload]
            f = self._focus(focus)
            if p == SH.minCount and n <= 1:  # no value at all: a NOT EXISTS per node, cheaper than counting them
                if n < 1 or (shape.path is not None and nullable(shape.path)):  # a node is its own value
                    return []
                q = f"SELECT DISTINCT {g} ?this WHERE {{ {f} {without(sc, self._values(shape, focus, f, False))} }}"
                return [res(shape, c, r, None) for r in self.source.select(q)]
            vals = self._values(shape, focus, f)
            opt = f"OPTIONAL {{ {vals} }}" if p == SH.minCount else vals
            op = "<" if p == SH.minCount else ">"
            q = (
                f"SELECT {g} ?this WHERE {{ {f} {opt} }} "
                f"GROUP BY {g} ?this HAVING (COUNT(DISTINCT ?v) {op} {n})"
            )
            return [res(shape, c, r, None) for r in self.source.select(q)]
        if p in (SH.minLength, SH.maxLength):
            n = int(c.value)  # type: ignore[call-overload]
            if p == SH.minLength and n == 0:
                return []
            op = "<" if p == SH.minLength else ">"
            rows = self._pairs(shape, focus, f"FILTER({t.is_blank('?v')} || STRLEN(STR(?v)) {op} {n})")
            return [res(shape, c, r, r["v"]) for r in rows if _length_fails(r["v"], n, op)]
        if p == SH.pattern:
            flags = self._flags(shape)
            rows = self._pairs(shape, focus)
            return [
                res(shape, c, r, r["v"]) for r in rows if not checks.pattern_ok(r["v"], str(c.value), flags)
            ]
        if p == SH.languageIn:
            langs = {str(x).lower() for x in c.items}
            if "*" in langs:
                return simple(f'!({t.is_literal("?v")} && LANG(?v) != "")')
            lst = ", ".join(f'"{x}"' for x in sorted(langs)) or '""'
            first = 'LCASE(STRBEFORE(CONCAT(LANG(?v), "-"), "-"))'
            return simple(
                f'!({t.is_literal("?v")} && LANG(?v) != "" && (LCASE(LANG(?v)) IN ({lst}) || {first} IN ({lst})))'
            )
        if p == SH.uniqueLang:
            if not (isinstance(c.value, Literal) and c.value.value is True):
                return []
            f = self._focus(focus)
            q = (
                f"SELECT {g} ?this ?l WHERE {{ {f} {self._values(shape, focus, f)} "
                f'FILTER(isLiteral(?v) && LANG(?v) != "") BIND(LCASE(LANG(?v)) AS ?l) }} '
                f"GROUP BY {g} ?this ?l HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            return [res(shape, c, r, None) for r in self.source.select(q)]
        if p == SH["in"]:
            cond = " || ".join(f"sameTerm(?v, {term(i)})" for i in c.items) or "false"
            return simple(f"!({cond})")
        if p == SH.hasValue:
            if shape.path is None:
                flt = f"FILTER(!sameTerm(?this, {term(c.value)}))"
                q = f"SELECT DISTINCT {g} ?this WHERE {{ {self._focus(focus)} {flt} }}"
            else:
                f = self._focus(focus)
                hv = f"{sc.values(shape.path, '?this', '?_hv', focus=f)} FILTER(sameTerm(?_hv, {term(c.value)}))"
                q = f"SELECT DISTINCT {g} ?this WHERE {{ {f} {without(sc, hv)} }}"
            return [res(shape, c, r, None) for r in self.source.select(q)]
        if p in _RANGE:
            op, bound = _RANGE[p], c.value
            assert isinstance(bound, Literal)
            dt = bound.datatype or (RDF.langString if bound.language else XSD.string)
            ok = f"COALESCE(isLiteral(?v) && DATATYPE(?v) = <{dt}> && ?v {op} {term(bound)}, false)"
            rows = self._pairs(shape, focus, f"FILTER(!{ok})")
            return [res(shape, c, r, r["v"]) for r in rows if not checks.range_ok(r["v"], bound, op)]
        if p in (SH.lessThan, SH.lessThanOrEquals):
            op = "<" if p == SH.lessThan else "<="
            ok = (
                f"COALESCE(isLiteral(?v) && isLiteral(?_o) && DATATYPE(?v) = DATATYPE(?_o) "
                f"&& DATATYPE(?v) != <{XSD.string}> && DATATYPE(?v) != <{RDF.langString}> && ?v {op} ?_o, false)"
            )
            rows = self._pairs(shape, focus, f"{sc.triple('?this', c.value, '?_o')} FILTER(!{ok})", "?_o")
            eq = p == SH.lessThanOrEquals
            return [res(shape, c, r, r["v"]) for r in rows if not checks.less_ok(r["v"], r["_o"], eq)]
        if p == SH.equals:
            rows = self._pairs(shape, focus, f"FILTER NOT EXISTS {{ {sc.triple('?this', c.value, '?v')} }}")
            lacks = sc.lacks("?this", shape.path, "?v") if shape.path is not None else "FILTER(!sameTerm(?this, ?v))"
            q = (
                f"SELECT DISTINCT {g} ?this ?v WHERE {{ {self._focus(focus)} "
                f"{sc.triple('?this', c.value, '?v')} {lacks} }}"
            )
            rows += self.source.select(q)
            return [res(shape, c, r, r["v"]) for r in rows]
        if p == SH.disjoint:
            return simple(f"EXISTS {{ {sc.triple('?this', c.value, '?_d')} FILTER(sameTerm(?_d, ?v)) }}")
        if p == SH.closed:
            paths = [self.model[x].path for x in shape.properties]
            allowed: set[Node] = {pt[1] for pt in paths if pt is not None and pt[0] == "p"}
            allowed |= set(c.items)
            notin = f"FILTER(?_p NOT IN ({in_list(sorted(allowed, key=str))}))" if allowed else ""
            f = self._focus(focus)
            q = (
                f"SELECT DISTINCT {g} ?this ?_p ?_o WHERE {{ {f} {self._values(shape, focus, f)} "
                f"{sc.triple('?v', '?_p', '?_o')} {notin} "
                f"FILTER(!(sameTerm(?_p, <{RDF.type}>) && sameTerm(?_o, <{RDFS.Resource}>))) }}"
            )
            return [res(shape, c, r, r["_o"], path=r["_p"]) for r in self.source.select(q)]
        if p in (SH.node, SH["not"], SH["and"], SH["or"], SH.xone):
            return self._logical(shape, c, focus)
        if p == SH.qualifiedValueShape:
            return self._qualified(shape, c, focus)
        raise Unsupported(str(p))

    def _logical(self, shape: Shape, c: Constraint, focus: Focus) -> list[Result]:
        if c.param != SH.node:
            fail = logical_failure(self, c, "?v")
            if fail is not None:
                return [self._result(shape, c, r, r["v"]) for r in self._pairs(shape, focus, f"FILTER({fail})")]
        values = PathFocus(focus, shape.path)
        members = [c.value] if c.param in (SH.node, SH["not"]) else list(c.items)
        details: dict[tuple[Node | None, Node], list[Result]] = defaultdict(list)
        if c.param == SH.node:
            shared = self._as_root(shape, c)
            nested = self.root(c.value, as_given=False) if shared else self.shape(self.model[c.value], values)
            for r in nested:
                details[(r.graph, r.focus)].append(r)
            failing = [set(details)]
        else:
            failing = []
            for m in members:
                failing.append(self.failing(m, values) if m in self.model.shapes else set())
                if c.param == SH["or"] and not failing[-1]:  # every value conforms to this member
                    return []
        if c.param in (SH.node, SH["and"]) and not any(failing):
            return []
        suspects: set[tuple[Node | None, Node]] | None = None  # values that can violate, when a short list
        if c.param in (SH.node, SH["and"]):
            suspects = set().union(*failing)
        elif c.param == SH["or"]:
            suspects = set.intersection(*failing) if failing else set()
        if suspects is not None and not suspects:
            return []
        cond = ""
        if suspects is not None and len(suspects) <= 2000:
            named = [x for x in suspects if not isinstance(x[1], BNode) or self.source.skolem]
            if len(named) == len(suspects):
                if self.sc.scoped:
                    rows = " ".join(f"({term(gx)} {term(skolemise(x))})" for gx, x in named)  # type: ignore[arg-type]
                    cond = f"VALUES ({self.sc.g} ?v) {{ {rows} }}"
                else:
                    cond = f"VALUES ?v {{ {' '.join(term(skolemise(x)) for _, x in named)} }}"
        out = []
        for row in self._pairs(shape, focus, cond):
            v = self.sc.key(row, "v")
            n_ok = sum(1 for f in failing if v not in f)
            bad = {
                SH.node: n_ok < 1,
                SH["and"]: n_ok < len(members),
                SH["not"]: n_ok == 1,
                SH["or"]: n_ok == 0,
                SH.xone: n_ok != 1,
            }[c.param]
            if bad:
                out.append(self._result(shape, c, row, v[1], details=tuple(details.get(v, ()))))
        return out

    def _qualified(self, shape: Shape, c: Constraint, focus: Focus) -> list[Result]:
        lo, hi = (int(x) for x in c.items[:2])  # type: ignore[call-overload]
        sc = self.sc
        conf = conformance(self, c.value, "?v") if shape.path is not None else None
        if conf is not None:
            n_v = "COUNT(DISTINCT ?v)"
            bad = [f"{n_v} > {hi}"] * (hi >= 0) + [f"{n_v} < {lo}"] * (lo >= 0)
            if not bad:
                return []
            if lo == 1 and hi < 0:  # no conforming value at all (a NOT EXISTS per node, no count)
                from graph.shacl.grouped import PairsFocus

                # A few flagged nodes: NOT EXISTS reads their values alone (the union scope's MINUS reads them all:
                # LabelShape's "@vi" check on 18 nodes at 1M, 0.8 s).
                few = isinstance(focus, PairsFocus)
                without: Callable[[Scope, str], str] = Scope.without if few else type(sc).without
                if shape.path is not None and nullable(shape.path):
                    without = _minus
                fp = self._focus(focus)
                q = (
                    f"SELECT DISTINCT {sc.g} ?this WHERE {{ {fp} "
                    f"{without(sc, f'{self._values(shape, focus, fp, False)} FILTER({conf})')} }}"
                )
                comp = SH.QualifiedMinCountConstraintComponent
                return [self._result(shape, c, r, None, component=comp) for r in self.source.select(q)]
            fp = self._focus(focus)
            q = (
                f"SELECT {sc.g} ?this ({n_v} AS ?_n) WHERE {{ {fp} "
                f"OPTIONAL {{ {self._values(shape, focus, fp)} FILTER({conf}) }} }} "
                f"GROUP BY {sc.g} ?this HAVING ({' || '.join(bad)})"
            )
            out = []
            for r in self.source.select(q):
                n = int(r["_n"])  # type: ignore[call-overload]
                if hi >= 0 and n > hi:
                    out.append(self._result(shape, c, r, None, component=SH.QualifiedMaxCountConstraintComponent))
                if lo >= 0 and n < lo:
                    out.append(self._result(shape, c, r, None, component=SH.QualifiedMinCountConstraintComponent))
            return out
        failing = self.failing(c.value, PathFocus(focus, shape.path))
        counts: dict[tuple[Node | None, Node], int] = {
            sc.key(r, "this"): 0
            for r in self.source.select(f"SELECT {sc.g} ?this WHERE {{ {self._focus(focus)} }}")
        }
        for r in self._pairs(shape, focus):
            if sc.key(r, "v") not in failing:
                k = sc.key(r, "this")
                counts[k] = counts.get(k, 0) + 1
        out = []
        for (g, f), n in counts.items():
            row = {"this": f} if g is None else {"this": f, "g": g}
            if hi >= 0 and n > hi:
                out.append(self._result(shape, c, row, None, component=SH.QualifiedMaxCountConstraintComponent))
            if lo >= 0 and n < lo:
                out.append(self._result(shape, c, row, None, component=SH.QualifiedMinCountConstraintComponent))
        return out

    # --- helpers -------------------------------------------------------------------------------------

    def _datatype_prefilter(self, dt: Node) -> str:
        if dt == XSD.string:
            return f"DATATYPE(?v) = <{XSD.string}>"
        if dt == RDF.langString:
            return 'LANG(?v) != ""'
        if dt == RDFS.Literal:
            return "true"
        rx = _SAFE_LEXICAL.get(dt)  # type: ignore[call-overload]
        if rx is None:
            return "false"
        cast = f' && COALESCE(STR(<{dt}>(STR(?v))), "") != ""' if dt in (XSD.date, XSD.dateTime) else ""
        return f'(DATATYPE(?v) = <{dt}> && REGEX(STR(?v), "{rx}"){cast})'

    def _flags(self, shape: Shape) -> str:
        return shape.flags


def _minus(_scope: Scope, body: str) -> str:
    """An anti-join on the variables ``body`` shares (the nullable path's (focus, value) sub-select: exact)."""
    return f"MINUS {{ {body} }}"


def _length_fails(v: Node, n: int, op: str) -> bool:
    from rdflib import BNode

    if isinstance(v, BNode):
        return True
    s = checks.string_of(v)
    return len(s) < n if op == "<" else len(s) > n


def subclass_closure(pairs: list[tuple[Node, Node]], classes: set[Node]) -> dict[Node, frozenset[Node]]:
    """For each class of ``classes``: itself and every class below it along ``(sub, super)`` pairs."""
    below: dict[Node, set[Node]] = defaultdict(set)
    for sub, sup in pairs:
        below[sup].add(sub)
    out: dict[Node, frozenset[Node]] = {}
    for c in classes:
        seen = {c}
        stack = [c]
        while stack:
            for s in below.get(stack.pop(), ()):
                if s not in seen:
                    seen.add(s)
                    stack.append(s)
        out[c] = frozenset(seen)
    return out


def referenced_classes(model: ShapesModel) -> set[Node]:
    out: set[Node] = set()
    for s in model.shapes.values():
        out |= {o for k, o in s.targets if k == SH.targetClass}
        out |= {c.value for c in s.constraints if c.param == SH["class"]}
    return out
