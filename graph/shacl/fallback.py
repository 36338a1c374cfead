"""pySHACL, for the shapes this engine does not compile, and as the reference in parity tests.

Every call parses its own copy of the shapes graph: pySHACL mutates the shapes graph it is given, so a shared
one would not be safe across threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph.shacl.results import Result


def results_of_report(report: Graph) -> list[Result]:
    """The results of a pySHACL (or any SHACL) report graph."""
    out: list[Result] = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        comp = report.value(r, SH.sourceConstraintComponent)
        shape = report.value(r, SH.sourceShape)
        sev = report.value(r, SH.resultSeverity)
        msgs = tuple(m for m in report.objects(r, SH.resultMessage) if isinstance(m, Literal))
        out.append(
            Result(
                focus=focus,  # type: ignore[arg-type]
                path=report.value(r, SH.resultPath),
                value=report.value(r, SH.value),
                component=comp,  # type: ignore[arg-type]
                shape=shape,  # type: ignore[arg-type]
                severity=sev,  # type: ignore[arg-type]
                messages=msgs,
            )
        )
    return out


def run_pyshacl(
    data: Graph,
    shapes_triples: Sequence[tuple[Node, Node, Node]],
    *,
    use_shapes: Sequence[Node] | None = None,
    focus_nodes: Sequence[Node] | None = None,
) -> list[Result]:
    """Validate ``data`` with pySHACL against a fresh graph of ``shapes_triples`` (blank nodes kept)."""
    from pyshacl import validate

    shapes = Graph()
    for t in shapes_triples:
        shapes.add(t)
    kw: dict[str, Any] = {}
    if use_shapes is not None:
        kw["use_shapes"] = list(use_shapes)
    if focus_nodes is not None:
        kw["focus_nodes"] = list(focus_nodes)
    _conforms, report, _text = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, **kw
    )
    assert isinstance(report, Graph)
    return results_of_report(report)
