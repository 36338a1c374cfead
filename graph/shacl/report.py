"""Engine results as :class:`graph.validate.ValidationReport` / ``Violation`` (the project's report objects)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.namespace import SH

from graph.shacl.messages import generic_message
from graph.shacl.results import Result, flatten
from graph.shacl.shapes import ShapesModel
from graph.validate import ValidationReport, Violation, _path, _term

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


def to_violation(r: Result, shapes: Graph) -> Violation:
    msgs: dict[str, str] = {}
    for m in r.messages:
        lang = m.language if isinstance(m, Literal) and m.language else "en"
        msgs.setdefault(lang, str(m))
    if not msgs:
        msgs["en"] = r.generic or (generic_message(r.why[0], r.why[1], r.focus, r.value) if r.why else "")
    return Violation(
        focus=str(_term(r.focus)),
        path=_path(shapes, r.path),
        value=_term(r.value),
        messages=msgs,
        source_shape=str(_term(r.shape)),
        severity=_SEVERITY.get(r.severity, "Violation"),
        constraint=str(r.component).rsplit("#", 1)[-1],
        graph=None if r.graph is None else str(r.graph),
    )


def to_report(results: Iterable[Result], model: ShapesModel, graphs: list[str] | None = None) -> ValidationReport:
    """One report: every result and its sh:node details, de-duplicated, in ``graph.validate``'s order."""
    shapes = Graph()
    for t in model.triples:
        shapes.add(t)
    seen = set()
    out: list[Violation] = []
    for r in flatten(results):
        if r.key() in seen:
            continue
        seen.add(r.key())
        out.append(to_violation(r, shapes))
    out.sort(key=lambda v: (v.graph or "", v.focus, v.source_shape, v.path or "", v.value or ""))
    conforms = not out
    return ValidationReport(conforms=conforms, results=out, graphs=graphs or [])
