"""Other SHACL engines on a govkg store, against pySHACL: ``python -m bench.shacl_engines --dir STORE``.

The Rust candidates for full validation (``pyshacl-turbo``, ``shacl-rust``, ``pyrudof``) are not dependencies of
govkg; install them in a scratch venv and run this module there (it needs only pyoxigraph and rdflib from the
project: ``PYTHONPATH=. /tmp/venv/bin/python -m bench.shacl_engines --dir S --engines turbo,shacl-rust``).  An
engine that is not installed is reported as unavailable.

Each engine validates the store's data the two ways the figures of ``bench/RESULTS.md`` compare:

- ``union``: every data graph and the ontology graph as one graph (what pySHACL "over the whole graph" does);
- ``per-graph``: each data graph with the ontology mixed in, as ``graph.validate`` does; the first
  ``--graphs`` graphs (in name order), and the time for all of them extrapolated from their share of graphs.

``--keys DIR`` writes each run's results as sorted keys (focus, path, value, source shape, constraint component,
severity, all as N-Triples terms, a blank-node path as its triples) to ``DIR/ENGINE-RUN.json``, so two engines'
results can be compared exactly (``--engines pyshacl,turbo`` compares them in the run: ``same_as_pyshacl``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

GRAPHS = "https://w3id.org/govkg/graph/"
ONTOLOGY, SHAPES, CHANGES = GRAPHS + "ontology", GRAPHS + "shapes", "https://w3id.org/govkg/graph/changes"
Key = tuple[str | None, ...]


def split(dump: Path) -> tuple[list[ox.Triple], list[ox.Triple], dict[str, list[ox.Triple]]]:
    """(shapes, ontology, data graphs by name: ``""`` for the default graph) of an N-Quads dump."""
    shapes: list[ox.Triple] = []
    ont: list[ox.Triple] = []
    data: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        t = ox.Triple(q.subject, q.predicate, q.object)
        if g == SHAPES:
            shapes.append(t)
        elif g == ONTOLOGY:
            ont.append(t)
        elif g != CHANGES:
            data.setdefault(g, []).append(t)
    return shapes, ont, data


def nt(triples: Any) -> str:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def report_keys(report: Graph) -> list[Key]:
    """The results of a SHACL report graph as comparable keys."""

    def term(r: Any, p: Any) -> str | None:
        x = report.value(r, p)
        if isinstance(x, BNode):
            return "path:" + " ".join(sorted(f"{pp.n3()} {o.n3()}" for _, pp, o in report.triples((x, None, None))))
        return None if x is None else x.n3()

    return sorted((tuple(term(r, p) for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
                                               SH.sourceConstraintComponent, SH.resultSeverity))
                   for r in report.subjects(RDF.type, SH.ValidationResult)), key=str)


def rust_keys(results: list[dict[str, Any]]) -> list[Key]:
    """shacl-rust's result dicts as keys (its paths are SPARQL-like text, not triples)."""
    names = ("focusNode", "resultPath", "value", "sourceShape", "sourceConstraintComponent", "severity")
    return sorted((tuple(r.get(n) for n in names) for r in results), key=str)


def emit(**rec: Any) -> None:
    """One JSON line (as :func:`bench.worker.emit`, which needs the project's dependencies)."""
    sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    sys.stdout.flush()


Validate = Callable[[list[ox.Triple]], list[Key]]


def engine(name: str, shapes: list[ox.Triple]) -> Validate:
    """A function validating a list of triples with engine ``name`` (shapes compiled once where it can)."""
    text = nt(shapes)
    if name == "pyshacl":
        pyshacl = importlib.import_module("pyshacl")
        sg = Graph().parse(data=text, format="nt")

        def run_pyshacl(triples: list[ox.Triple]) -> list[Key]:
            g = Graph().parse(data=nt(triples), format="nt")
            _ok, rep, _ = pyshacl.validate(g, shacl_graph=sg, inference="none", allow_warnings=True)
            return report_keys(rep)

        return run_pyshacl
    if name == "turbo":
        program = importlib.import_module("pyshacl_turbo").compile_shapes(text)

        def run_turbo(triples: list[ox.Triple]) -> list[Key]:
            store = ox.Store()  # the Store input stays native: no rdflib graph of the data
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
            _ok, rep, _ = program.validate(store, inference="none", allow_warnings=True)
            return report_keys(rep)

        return run_turbo
    if name == "shacl-rust":
        rust = importlib.import_module("shacl_rust")

        def run_rust(triples: list[ox.Triple]) -> list[Key]:
            out = rust.validate(nt(triples), text, data_format="nt", shapes_format="nt")
            return rust_keys(out["results"])

        return run_rust
    if name == "rudof":
        pyrudof = importlib.import_module("pyrudof")

        def run_rudof(triples: list[ox.Triple]) -> list[Key]:
            r = pyrudof.Rudof(pyrudof.RudofConfig())
            r.read_shacl(text, pyrudof.ShaclFormat.NTriples)
            r.read_data(nt(triples), pyrudof.RDFFormat.NTriples)
            return sorted(((e.focus_node, e.path, e.value, e.source_shape, e.constraint_component, e.severity)
                           for e in r.validate_shacl()), key=str)

        return run_rudof
    raise ValueError(f"unknown engine {name}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.shacl_engines")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--dir", type=Path, help="a govkg store (opened read-only)")
    src.add_argument("--nquads", type=Path, help="an N-Quads dump of a govkg store")
    ap.add_argument("--engines", default="turbo,shacl-rust,rudof", help="pyshacl,turbo,shacl-rust,rudof")
    ap.add_argument("--runs", default="union,per-graph")
    ap.add_argument("--graphs", type=int, default=500, help="data graphs validated one by one (then extrapolated)")
    ap.add_argument("--keys", type=Path, help="write each run's result keys into this directory")
    a = ap.parse_args(argv)
    dump = a.nquads
    if a.dir is not None:
        dump = Path(f"/tmp/shacl-engines-{a.dir.name}.nq")
        ox.Store.read_only(str(a.dir)).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    shapes, ont, data = split(dump)
    union = list({*ont, *(t for ts in data.values() for t in ts)})
    names = sorted(data)[: a.graphs]
    emit(kind="shacl-engines", name="data", graphs=len(data), union_triples=len(union), ontology=len(ont))
    found: dict[tuple[str, str], list[Key]] = {}
    for name in a.engines.split(","):
        try:
            validate = engine(name, shapes)
        except ImportError as e:
            emit(kind="shacl-engines", engine=name, unavailable=str(e))
            continue
        for run in a.runs.split(","):
            t = time.perf_counter()
            if run == "union":
                keys = validate(union)
            else:
                keys = [k for g in names for k in validate(ont + data[g])]
            dt = time.perf_counter() - t
            rec: dict[str, Any] = {"seconds": round(dt, 2), "results": len(keys)}
            if run == "per-graph":
                rec |= {"graphs": len(names), "of_graphs": len(data),
                        "estimated_all": round(dt * len(data) / max(len(names), 1), 1)}
            found[(name, run)] = keys
            if name != "pyshacl" and ("pyshacl", run) in found:
                rec["same_as_pyshacl"] = keys == found[("pyshacl", run)]
            if a.keys is not None:
                a.keys.mkdir(parents=True, exist_ok=True)
                (a.keys / f"{name}-{run}.json").write_text(json.dumps(keys, indent=0), encoding="utf-8")
            emit(kind="shacl-engines", engine=name, name=run, **rec)
    emit(kind="done", engine="shacl-engines", peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    main()
