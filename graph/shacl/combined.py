"""Several constraints of one shape in one query: the value tests together, the counts together.

A shape's value-node constraints (``sh:class``, ``sh:datatype``, ``sh:nodeKind``, lengths, ``sh:pattern``,
``sh:languageIn``, ``sh:in``, ranges, ``sh:disjoint``) each select the values that may violate; here one query
walks the focus nodes and the path once and flags, per value, which constraints it may violate (the same
conditions as the engine's own queries); the flagged candidates are then decided exactly as the engine decides
them.  ``sh:minCount`` with ``sh:maxCount`` on the same shape is one grouped count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from graph.shacl import checks
from graph.shacl.focus import term
from graph.shacl.results import Result

if TYPE_CHECKING:
    from graph.shacl.engine import Evaluator
    from graph.shacl.focus import Focus
    from graph.shacl.paths import Path
    from graph.shacl.shapes import Constraint, Shape

Test = tuple[str, Callable[[Node], bool] | None]  # (candidate condition on ?v, exact "fails" on candidates)


def value_test(ev: Evaluator, shape: Shape, c: Constraint) -> Test | None:
    """The engine's candidate condition for a value constraint and its exact decision (None: not a value test)."""
    from graph.shacl.engine import _NODE_KINDS, _RANGE, _length_fails

    p, t, sc = c.param, ev.t, ev.sc
    if p == SH["class"]:
        classes = ev.subclasses.get(c.value, frozenset({c.value}))
        vals = [term(k) for k in sorted(classes, key=str) if isinstance(k, URIRef)]
        return f"NOT EXISTS {{ {sc.triple('?v', RDF.type, '?_c')} {sc.one_of('?_c', vals)} }}", None
    if p == SH.datatype:
        dt = c.value
        return f"!({t.is_literal('?v')} && {ev._datatype_prefilter(dt)})", lambda v: not checks.datatype_ok(v, dt)
    if p == SH.nodeKind:
        tests = {"iri": t.is_iri("?v"), "blank": t.is_blank("?v"), "literal": t.is_literal("?v")}
        kinds = _NODE_KINDS.get(c.value, ())  # type: ignore[call-overload]
        return f"!({' || '.join(tests[k] for k in kinds) or 'false'})", None
    if p in (SH.minLength, SH.maxLength):
        n = int(c.value)  # type: ignore[call-overload]
        if p == SH.minLength and n == 0:
            return None
        op = "<" if p == SH.minLength else ">"
        return f"{t.is_blank('?v')} || STRLEN(STR(?v)) {op} {n}", lambda v: _length_fails(v, n, op)
    if p == SH.pattern:
        pattern, flags = str(c.value), shape.flags
        return _pattern_candidates(t.is_blank("?v"), pattern, flags), lambda v: not checks.pattern_ok(v, pattern, flags)
    if p == SH.languageIn:
        langs = {str(x).lower() for x in c.items}
        if "*" in langs:
            return f'!({t.is_literal("?v")} && LANG(?v) != "")', None
        lst = ", ".join(f'"{x}"' for x in sorted(langs)) or '""'
        first = 'LCASE(STRBEFORE(CONCAT(LANG(?v), "-"), "-"))'
        return f'!({t.is_literal("?v")} && LANG(?v) != "" && (LCASE(LANG(?v)) IN ({lst}) || {first} IN ({lst})))', None
    if p == SH["in"]:
        return f"!({' || '.join(f'sameTerm(?v, {term(i)})' for i in c.items) or 'false'})", None
    if p in _RANGE:
        op, bound = _RANGE[p], c.value
        assert isinstance(bound, Literal)
        dt = bound.datatype or (RDF.langString if bound.language else XSD.string)
        ok = f"COALESCE(isLiteral(?v) && DATATYPE(?v) = <{dt}> && ?v {op} {term(bound)}, false)"
        return f"!{ok}", lambda v: not checks.range_ok(v, bound, op)
    if p == SH.disjoint and isinstance(c.value, URIRef):
        return f"EXISTS {{ {sc.triple('?this', c.value, '?_d')} FILTER(sameTerm(?_d, ?v)) }}", None
    return None


#: Characters on which Python's ``re`` and the store's regular expressions agree for the pattern syntax below.
_AGREED = r"^[\x20-\x7E\p{L}\p{Nd}]*$"
_UNSURE = ("\\w", "\\W", "\\b", "\\B", "(?", "{,", "\\Z", "\\z", "\\G", "\\p", "\\P", "\\N", "\\u", "\\U", "\\x")


def _pattern_candidates(is_blank: str, pattern: str, flags: str) -> str:
    """Values sh:pattern may fail: all but those the store's REGEX certainly matches as Python's ``re`` does
    (no flags, none of the constructs where the two differ, and a string of printable ASCII, letters and digits)."""
    if flags or any(u in pattern for u in _UNSURE) or "\n" in pattern:
        return "true"
    ok = f'!{is_blank} && REGEX(STR(?v), "{_quoted(_AGREED)}") && REGEX(STR(?v), "{_quoted(pattern)}")'
    return f"!COALESCE({ok}, false)"


def _quoted(text: str) -> str:
    """``text`` inside a SPARQL string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _true(x: Node | None) -> bool:
    return isinstance(x, Literal) and x.value is True


def values_at_once(
    ev: Evaluator, path: Path | None, focus: Focus, items: list[tuple[Shape, Constraint, Test]]
) -> list[Result]:
    """The results of several value constraints on the values of ``path`` (of one shape, or of several property
    shapes with that path on the same focus nodes), in one query."""
    binds = " ".join(f"BIND(COALESCE({cond}, false) AS ?_k{i})" for i, (_s, _c, (cond, _f)) in enumerate(items))
    any_flag = " || ".join(f"?_k{i}" for i in range(len(items)))
    flags = " ".join(f"?_k{i}" for i in range(len(items)))
    f = ev._focus(focus)
    q = (
        f"SELECT DISTINCT {ev.sc.g} ?this ?v {flags} WHERE {{ {f} {ev.sc.values(path, wide=focus.wide, focus=f)} "
        f"{binds} FILTER({any_flag}) }}"
    )
    out = []
    for r in ev.source.select(q):
        for i, (shape, c, (_cond, fails)) in enumerate(items):
            if _true(r.get(f"_k{i}")) and (fails is None or fails(r["v"])):
                out.append(ev._result(shape, c, r, r["v"]))
    return out


def properties_at_once(ev: Evaluator, props: list[Shape], focus: Focus) -> list[Result]:
    """The value constraints of property shapes on the same focus nodes, one query per distinct path."""
    groups: dict[Path, list[tuple[Shape, Constraint, Test]]] = {}
    for prop in props:
        if prop.deactivated or prop.path is None:
            continue
        for c in prop.constraints:
            t = value_test(ev, prop, c)
            if t is not None:
                groups.setdefault(prop.path, []).append((prop, c, t))
    out: list[Result] = []
    for path, items in groups.items():
        out += values_at_once(ev, path, focus, items)
    return out


def counts_at_once(ev: Evaluator, shape: Shape, focus: Focus, lo: Constraint, hi: Constraint) -> list[Result]:
    """``sh:minCount`` and ``sh:maxCount`` of one shape, in one grouped count."""
    a, b = int(lo.value), int(hi.value)  # type: ignore[call-overload]
    n, g = "COUNT(DISTINCT ?v)", ev.sc.g
    f = ev._focus(focus)
    vals = ev._values(shape, focus, f)
    q = (
        f"SELECT {g} ?this ({n} AS ?_n) WHERE {{ {f} OPTIONAL {{ {vals} }} }} "
        f"GROUP BY {g} ?this HAVING ({n} < {a} || {n} > {b})"
    )
    out = []
    for r in ev.source.select(q):
        k = int(r["_n"])  # type: ignore[call-overload]
        if k < a:
            out.append(ev._result(shape, lo, r, None))
        if k > b:
            out.append(ev._result(shape, hi, r, None))
    return out


def shape_constraints(ev: Evaluator, shape: Shape, focus: Focus, values_done: bool = False) -> list[Result]:
    """Every constraint of ``shape`` itself (not its property shapes), grouped into as few queries as it can
    (``values_done``: its value constraints were evaluated already, by :func:`properties_at_once`)."""
    tests = [(c, t) for c in shape.constraints if (t := value_test(ev, shape, c)) is not None]
    done: set[int] = set()
    if values_done:
        done |= {id(c) for c, _t in tests}
        tests = []
    counts = {c.param: c for c in shape.constraints if c.param in (SH.minCount, SH.maxCount)}
    both = len(counts) == 2 and sum(1 for c in shape.constraints if c.param in counts) == 2
    out: list[Result] = []
    if tests:
        out += values_at_once(ev, shape.path, focus, [(shape, c, t) for c, t in tests])
        done |= {id(c) for c, _t in tests}
    if both and shape.path is not None:
        out += counts_at_once(ev, shape, focus, counts[SH.minCount], counts[SH.maxCount])
        done |= {id(c) for c in counts.values()}
    for c in shape.constraints:
        if id(c) not in done:
            out += ev.constraint(shape, c, focus)
    return out
