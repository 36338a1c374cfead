"""Small shapes written as one SPARQL expression: "does this node conform?", for ``sh:or``, ``sh:and``, ``sh:not``,
``sh:xone`` and ``sh:qualifiedValueShape``.

The engine evaluates a shape named by a logical constraint as a query of its own that lists the nodes failing it;
for the small shapes these constraints usually name (``[ sh:datatype xsd:string ]``, ``[ sh:languageIn ("vi") ]``,
``[ sh:path p ; sh:minCount 1 ]``, ``[ sh:path p ; sh:class C ]``), listing them costs far more than testing them in
place.  :func:`conformance` writes such a shape as a boolean expression, exactly as the engine decides it: a value
fails a constraint when the engine's own failing condition is true for it (an error in that condition means the
engine does not report it, so the value conforms).  Shapes with anything else return ``None`` and keep the
engine's way.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from graph.shacl.focus import term
from graph.shacl.paths import nullable

if TYPE_CHECKING:
    from graph.shacl.engine import Evaluator
    from graph.shacl.shapes import Constraint

_FRESH = itertools.count()
_VALUE = {SH["class"], SH.nodeKind, SH["in"], SH.languageIn, SH.datatype}


def _fails(ev: Evaluator, c: Constraint, v: str) -> str | None:
    """The engine's failing condition of a value constraint on ``v`` (None: not written here)."""
    from graph.shacl.engine import _NODE_KINDS

    t, sc = ev.t, ev.sc
    p = c.param
    if p == SH["class"]:
        classes = ev.subclasses.get(c.value, frozenset({c.value}))
        vals = [term(k) for k in sorted(classes, key=str) if isinstance(k, URIRef)]
        k = f"?_ic{next(_FRESH)}"
        return f"NOT EXISTS {{ {sc.triple(v, RDF.type, k)} {sc.one_of(k, vals)} }}"
    if p == SH.nodeKind:
        tests = {"iri": t.is_iri(v), "blank": t.is_blank(v), "literal": t.is_literal(v)}
        kinds = _NODE_KINDS.get(c.value, ())  # type: ignore[call-overload]
        return f"!({' || '.join(tests[k] for k in kinds) or 'false'})"
    if p == SH["in"]:
        return f"!({' || '.join(f'sameTerm({v}, {term(i)})' for i in c.items) or 'false'})"
    if p == SH.languageIn:
        langs = {str(x).lower() for x in c.items}
        if "*" in langs:
            return f'!({t.is_literal(v)} && LANG({v}) != "")'
        lst = ", ".join(f'"{x}"' for x in sorted(langs)) or '""'
        first = f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-"))'
        return f'!({t.is_literal(v)} && LANG({v}) != "" && (LCASE(LANG({v})) IN ({lst}) || {first} IN ({lst})))'
    if p == SH.datatype and c.value == XSD.string:
        return f"!(isLiteral({v}) && DATATYPE({v}) = <{XSD.string}>)"
    if p == SH.datatype and c.value == RDF.langString:
        return f'!(isLiteral({v}) && LANG({v}) != "")'
    return None


def conformance(ev: Evaluator, node: Node, v: str) -> str | None:
    """A boolean expression: whether the node bound to ``v`` conforms to shape ``node`` (None: not written here)."""
    if node not in ev.model.shapes:
        return "true"  # the engine treats an unknown member as conforming
    shape = ev.model[node]
    if shape.deactivated:
        return "true"
    if shape.path is not None and nullable(shape.path):
        return None  # the node itself is a value, in the data or not: the engine's way (its values' sub-select)
    parts: list[str] = []
    for p in shape.properties:
        if shape.path is not None:
            return None
        sub = conformance(ev, p, v)
        if sub is None:
            return None
        parts.append(sub)
    for c in shape.constraints:
        if shape.path is None:
            if c.param == SH.hasValue:
                parts.append(f"sameTerm({v}, {term(c.value)})")
                continue
            if c.param not in _VALUE:
                return None
            f = _fails(ev, c, v)
            if f is None:
                return None
            parts.append(f"!COALESCE({f}, false)")
            continue
        w = f"?_iw{next(_FRESH)}"
        values = ev.sc.path(v, shape.path, w)
        if c.param in (SH.minCount, SH.maxCount):
            n = int(c.value)  # type: ignore[call-overload]
            if c.param == SH.minCount and n == 0:
                continue
            if (c.param, n) == (SH.minCount, 1):
                parts.append(f"EXISTS {{ {values} }}")
            elif (c.param, n) == (SH.maxCount, 0):
                parts.append(f"NOT EXISTS {{ {values} }}")
            else:
                return None
        elif c.param == SH.hasValue:
            parts.append(f"EXISTS {{ {values} FILTER(sameTerm({w}, {term(c.value)})) }}")
        elif c.param in _VALUE:
            f = _fails(ev, c, w)
            if f is None:
                return None
            parts.append(f"NOT EXISTS {{ {values} FILTER(COALESCE({f}, false)) }}")
        else:
            return None
    return "(" + " && ".join(parts) + ")" if parts else "true"


def logical_failure(ev: Evaluator, c: Constraint, v: str) -> str | None:
    """For ``sh:not``/``and``/``or``/``xone``: when the value bound to ``v`` violates ``c`` (None: not written)."""
    members = [c.value] if c.param == SH["not"] else list(c.items)
    confs = [conformance(ev, m, v) for m in members]
    if any(x is None for x in confs):
        return None
    if c.param == SH["not"]:
        return str(confs[0])
    if c.param == SH["and"]:
        return f"!({' && '.join(confs) or 'true'})"  # type: ignore[arg-type]
    if c.param == SH["or"]:
        return f"!({' || '.join(confs) or 'false'})"  # type: ignore[arg-type]
    ones = " + ".join(f"IF({x}, 1, 0)" for x in confs) or "0"
    return f"({ones}) != 1"
