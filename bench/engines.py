"""The three engines measured side by side: govkg's store seam, raw pyoxigraph, rdflib's memory store.

Each loads an N-Quads file and answers a SPARQL query consuming the whole answer, the way its users would:
govkg through :class:`graph.store.EmbeddedStore` (rows as rdflib terms), pyoxigraph directly (bulk load, values
touched but not converted), rdflib through ``Dataset.parse`` and ``Dataset.query``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.namespaces import PREFIXES, sparql_prologue

ENGINES = ("govkg", "oxigraph", "rdflib")
BASELINE_NAMES = {"oxigraph": "raw pyoxigraph", "rdflib": "rdflib memory store"}


class Engine:
    name = ""

    def load(self, path: Path) -> int:
        raise NotImplementedError

    def load_extra(self, path: Path, fmt: str, graph: str | None) -> None:
        """Untimed: the ontology and shapes the queries may use."""
        raise NotImplementedError

    def run(self, sparql: str, union: bool = False, **kw: Any) -> int:
        """Evaluate ``sparql`` and consume the answer; returns the number of rows (or 1 for a boolean)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class GovkgEngine(Engine):
    name = "govkg"

    def __init__(self, directory: Path) -> None:
        import os

        from graph.store import EmbeddedStore, Store, open_store

        self.store: Store
        if os.environ.get("GOVKG_BACKEND") == "remote":  # python -m bench run --backend remote
            self.store = open_store()
            self.store.update("CLEAR ALL")
        else:
            self.store = EmbeddedStore(directory)

    def load(self, path: Path) -> int:
        return self.store.load(path, format="nquads")

    def load_extra(self, path: Path, fmt: str, graph: str | None) -> None:
        self.store.load(path, format=fmt, graph=graph)

    def run(self, sparql: str, union: bool = False, **kw: Any) -> int:
        res = self.store.query(sparql, union_default_graph=union, **kw)
        if res.kind == "boolean":
            return int(res.boolean)
        return sum(1 for _ in res)

    def close(self) -> None:
        self.store.close()


class OxigraphEngine(Engine):
    name = "oxigraph"

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.store = ox.Store(str(directory))

    def load(self, path: Path) -> int:
        self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        return len(self.store)

    def load_extra(self, path: Path, fmt: str, graph: str | None) -> None:
        f = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG}[fmt]
        self.store.load(path=str(path), format=f, to_graph=ox.NamedNode(graph) if graph else None)

    def run(self, sparql: str, union: bool = False, **opts: Any) -> int:
        default_graphs, named_graphs = opts.get("default_graphs"), opts.get("named_graphs")
        kw: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs:
            kw["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union:
            kw["use_default_graph_as_union"] = True
        if named_graphs:
            kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        res = self.store.query(sparql, **kw)
        if isinstance(res, ox.QueryBoolean):
            return int(bool(res))
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            n = 0
            for sol in res:
                for v in names:
                    sol[v]
                n += 1
            return n
        return sum(1 for _ in res)


class RdflibEngine(Engine):
    name = "rdflib"

    def __init__(self, directory: Path | None = None) -> None:
        from rdflib import Dataset

        self.ds = Dataset()
        self.prologue = sparql_prologue()

    def load(self, path: Path) -> int:
        self.ds.parse(str(path), format="nquads")
        return len(self.ds)

    def load_extra(self, path: Path, fmt: str, graph: str | None) -> None:
        from rdflib import URIRef

        if graph:
            self.ds.graph(URIRef(graph)).parse(str(path), format=fmt)
        else:
            self.ds.parse(str(path), format=fmt)

    def run(self, sparql: str, union: bool = False, **kw: Any) -> int:
        self.ds.default_union = union
        res = self.ds.query(self.prologue + sparql)
        if res.type == "ASK":
            return int(bool(res.askAnswer))
        return sum(1 for _ in res)


def make(name: str, directory: Path) -> Engine:
    return {"govkg": GovkgEngine, "oxigraph": OxigraphEngine, "rdflib": RdflibEngine}[name](directory)
