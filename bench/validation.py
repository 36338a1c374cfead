"""Validation measured in a process of its own: ``python -m bench.validation --dir STORE``.

govkg's compiled validator (``graph.shacl.validator``) on the whole store and on a 20-triple change
(:func:`bench.change.small_change`), against pySHACL on the same data held in an rdflib graph: the whole graph,
and the change's focus nodes with only the shapes that target them (``focus_nodes`` + ``use_shapes``, the
fastest way to ask pySHACL).  pySHACL's whole-graph run comes last, so that a run cut by its time budget
still reports everything else.
"""

from __future__ import annotations

import argparse
import io
from functools import partial
from pathlib import Path
from typing import Any

from bench.change import small_change
from bench.measure import peak_rss_mb, samples, timed
from bench.worker import emit


def _pyshacl_inputs(store: Any) -> tuple[Any, Any]:
    """(data graph: every graph but the shapes, shapes graph), as rdflib graphs."""
    from rdflib import Dataset, Graph

    from graph.namespaces import SHAPES_GRAPH

    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    ds = Dataset()
    ds.parse(data=buf.getvalue(), format="nquads")
    data, shapes = Graph(), Graph()
    for s, p, o, g in ds.quads((None, None, None, None)):
        (shapes if g is not None and str(g) == str(SHAPES_GRAPH) else data).add((s, p, o))
    return data, shapes


def _targeting(shapes: Any, types: set[Any]) -> list[Any]:
    from rdflib.namespace import SH

    return sorted({s for t in types for s in shapes.subjects(SH.targetClass, t)}, key=str)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.validation")
    ap.add_argument("--dir", type=Path, required=True, help="a govkg store (data, ontology and shapes loaded)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--budget", type=float, default=10.0)
    ap.add_argument("--skip-pyshacl", action="store_true")
    a = ap.parse_args(argv)
    try:
        from graph.shacl.validator import change_results, store_results
    except ImportError as e:
        emit(kind="validation", engine="govkg", name="full", unavailable=f"graph.shacl is not available: {e}")
        change_results = store_results = None  # type: ignore[assignment]
    from rdflib.namespace import RDF

    from graph.store import EmbeddedStore

    store = EmbeddedStore(a.dir)
    change = small_change()
    if store_results is not None:
        dt, res = timed(partial(store_results, store))
        emit(kind="validation", engine="govkg", name="full", samples=[dt], results=len(res))
        r = samples(partial(change_results, store, change, []), a.reps, a.budget)
        results, focus = r["rows"] if r["rows"] is not None else (None, None)
        emit(kind="validation", engine="govkg", name="change", samples=r["samples"],
             over_budget=r.get("over_budget"), results=None if results is None else len(results),
             focus=None if focus is None else len(focus))
    if not a.skip_pyshacl:
        from pyshacl import validate

        data, shapes = _pyshacl_inputs(store)
        for s, p, o, _g in change:
            data.add((s, p, o))
        focus_nodes: list[Any] = sorted({q[0] for q in change}, key=str)
        types = {q[2] for q in change if q[1] == RDF.type}
        use = _targeting(shapes, types)

        def focused() -> int:
            _ok, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                      focus_nodes=focus_nodes, use_shapes=use)
            return len(report)

        r = samples(focused, a.reps, a.budget)
        emit(kind="validation", engine="pyshacl", name="change", samples=r["samples"], over_budget=r.get("over_budget"))
        for q in change:
            data.remove(q[:3])
        dt, out = timed(lambda: validate(data, shacl_graph=shapes, inference="none", allow_warnings=True))
        from rdflib.namespace import SH

        n = len(set(out[1].subjects(RDF.type, SH.ValidationResult)))
        emit(kind="validation", engine="pyshacl", name="full", samples=[dt], conforms=bool(out[0]), results=n)
    emit(kind="done", engine="validation", peak_mb=peak_rss_mb())
    store.close()


if __name__ == "__main__":
    main()
