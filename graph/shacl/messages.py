"""Generic result messages (English, in the manner of pySHACL) for shapes without an ``sh:message``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib.namespace import SH
from rdflib.term import Node

if TYPE_CHECKING:
    from graph.shacl.shapes import Constraint, Shape


def _s(n: Node | None) -> str:
    return "" if n is None else n.n3()


def generic_message(c: Constraint, shape: Shape, focus: Node, value: Node | None) -> str:
    p, v = c.param, c.value
    texts = {
        SH["class"]: f"Value does not have class {_s(v)}",
        SH.datatype: f"Value is not Literal with datatype {_s(v)}",
        SH.nodeKind: f"Value is not of Node Kind {_s(v)}",
        SH.minCount: f"Less than {v} values on {_s(focus)}",
        SH.maxCount: f"More than {v} values on {_s(focus)}",
        SH.minLength: f"String length not >= {v}",
        SH.maxLength: f"String length not <= {v}",
        SH.pattern: f"Value does not match pattern '{v}'",
        SH.languageIn: "String language is not in the allowed languages",
        SH.uniqueLang: "More than one String shares the same Language",
        SH["in"]: "Value is not in the allowed values",
        SH.hasValue: f"Node {_s(focus)} value does not have {_s(v)}",
        SH.minInclusive: f"Value is not >= {_s(v)}",
        SH.minExclusive: f"Value is not > {_s(v)}",
        SH.maxInclusive: f"Value is not <= {_s(v)}",
        SH.maxExclusive: f"Value is not < {_s(v)}",
        SH.lessThan: f"Value is not < value of {_s(v)}",
        SH.lessThanOrEquals: f"Value is not <= value of {_s(v)}",
        SH.equals: f"Value of {_s(focus)} != {_s(v)}",
        SH.disjoint: f"Value of {_s(focus)} is also a value of {_s(v)}",
        SH.node: f"Value does not conform to Shape {_s(v)}",
        SH["not"]: f"Node {_s(value)} conforms to shape {_s(v)}",
        SH["and"]: f"Node {_s(value)} does not conform to all shapes in the list",
        SH["or"]: f"Node {_s(value)} does not conform to one or more shapes in the list",
        SH.xone: f"Node {_s(value)} does not conform to exactly one shape in the list",
        SH.qualifiedValueShape: f"Focus node does not conform to the counts of qualified shape {_s(v)}",
        SH.closed: f"Node {_s(focus)} is closed. It cannot have value: {_s(value)}",
    }
    return texts.get(p, f"Constraint {_s(p)} not satisfied")
