"""Exact value checks in Python, written to decide exactly as pySHACL 0.40 decides.

SPARQL narrows the values down to candidates (it answers "certainly fine" for the common cases at native
speed); the few candidates left are decided here, so that odd literals (ill-typed, mixed datatypes, strings
against numbers) come out as pySHACL reports them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from pyshacl.rdfutil.compare import compare_literal
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

_ACTUAL: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _actual(v: Literal, dt: URIRef) -> bool:
    want = _ACTUAL.get(dt)
    return True if want is None else isinstance(v.value, want)


def datatype_ok(v: Node, dt: Node) -> bool:
    """pySHACL's sh:datatype decision for one value."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual(v, dt)  # type: ignore[arg-type]
    if dt == RDFS.Literal:
        return True
    if dt == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and dt == XSD.string:
        return _actual(v, XSD.string)
    if dt == RDF.langString and v.language:
        return _actual(v, RDF.langString)
    return False


def range_ok(v: Node, bound: Literal, op: str) -> bool:
    """pySHACL's sh:minInclusive/minExclusive/maxInclusive/maxExclusive decision (``op``: >=, >, <=, <)."""
    if not isinstance(v, Literal):
        return False
    bound_is_str = isinstance(bound.value, str)
    v_is_str = isinstance(v.value, str)
    if bound_is_str != v_is_str:
        return False
    try:
        cmp = compare_literal(v, bound)
    except (TypeError, NotImplementedError):
        return False
    return {">=": cmp >= 0, ">": cmp > 0, "<=": cmp <= 0, "<": cmp < 0}[op]


def _pair_value(n: Node) -> tuple[object, bool]:
    if isinstance(n, URIRef):
        return str(n), True
    if isinstance(n, Literal) and isinstance(n.value, str):
        return n.value, True
    return n, False


def less_ok(v: Node, other: Node, or_equal: bool) -> bool:
    """pySHACL's sh:lessThan / sh:lessThanOrEquals decision for one pair."""
    a, a_str = _pair_value(v)
    b, b_str = _pair_value(other)
    if a_str != b_str:
        return False
    try:
        return bool(a <= b) if or_equal else bool(a < b)  # type: ignore[operator]
    except TypeError:
        return False


def string_of(v: Node) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


@lru_cache(maxsize=256)
def compiled_pattern(pattern: str, flags: str) -> re.Pattern[str]:
    f = 0
    if "i" in flags.lower():
        f |= re.I
    if "m" in flags.lower():
        f |= re.M
    return re.compile(pattern, f)


def pattern_ok(v: Node, pattern: str, flags: str) -> bool:
    if isinstance(v, BNode):
        return False
    rx = compiled_pattern(pattern, flags)
    s = string_of(v)
    return bool(rx.match(s) or rx.search(s))
