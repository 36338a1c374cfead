"""A SHACL Core engine on the store: shapes compiled to SPARQL, and incremental validation of changes.

- :func:`validate_store`: every graph of the store on its own with the ontology graph (as ``graph.validate``
  does; see :mod:`graph.shacl.units`), at the store's native speed, with the same results as pySHACL on each
  graph; every result names its graph.
- :func:`validate_change`: only the graphs a change (quads added and removed) writes, and in them only the
  focus nodes it can affect, evaluated on the state after the change, without writing it.
- :func:`validate_whole`: the whole graph, the set union of every data graph and the ontology, as one data graph
  (:mod:`graph.shacl.whole`), with the same results as pySHACL on that graph; no result names a graph.
- :func:`validate_graph`: an rdflib graph against an rdflib shapes graph.

Shapes this engine does not compile (SHACL-SPARQL, recursion, ``sh:qualifiedValueShapesDisjoint``) go to
pySHACL, never skipped.  Everything compiled is immutable and shared; every call is safe to run concurrently.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph

from graph.store.base import QuadTuple, Store
from graph.validate import ValidationReport


def validate_store(store: Store, lang: str = "vi") -> ValidationReport:
    """Validate every graph of the store on its own; a :class:`graph.validate.ValidationReport`."""
    from graph.shacl.report import to_report
    from graph.shacl.validator import store_compiled, store_report

    c = store_compiled(store)
    results, graphs = store_report(store, c)
    return to_report(results, c.model, graphs)


def validate_whole(store: Store, lang: str = "vi") -> ValidationReport:
    """Validate the whole graph of the store as one data graph; a :class:`graph.validate.ValidationReport`."""
    from graph.shacl.report import to_report
    from graph.shacl.validator import store_compiled
    from graph.shacl.whole import whole_results
    from graph.validate import data_graph_names

    c = store_compiled(store)
    return to_report(whole_results(store, c), c.model, data_graph_names(store))


def validate_change(
    store: Store, added: Sequence[QuadTuple], removed: Sequence[QuadTuple], lang: str = "vi"
) -> ValidationReport:
    """Validate the state after a change, only where the change can matter; the store is not written.

    The report holds every result, on the state after the change, whose (graph, focus node) the change can
    affect; results elsewhere are those of the state before.  ``lang`` picks the message of :meth:`Violation.message`.
    """
    from graph.shacl.report import to_report
    from graph.shacl.validator import change_results, quick_compiled

    results, _affected = change_results(store, added, removed)
    return to_report(results, quick_compiled(store).model)


def validate_graph(data: Graph, shapes: Graph, lang: str = "vi") -> ValidationReport:
    from graph.shacl.report import to_report
    from graph.shacl.validator import compile_shapes, graph_results

    return to_report(graph_results(data, shapes), compile_shapes(shapes).model)


__all__ = ["validate_change", "validate_graph", "validate_store", "validate_whole"]
