"""The embedded store: Oxigraph (pyoxigraph) on RocksDB, on disk.

One :class:`EmbeddedStore` per directory per process (RocksDB takes a lock); :func:`graph.store.open_store`
keeps that promise.  Loads are all-or-nothing: small inputs go through Oxigraph's transactional ``load``;
large ones are parsed in full first (so a syntax error writes nothing) and then bulk-loaded under a marker
file, so that a crash part way leaves a store that refuses to be served (:class:`StoreIncomplete`) instead
of a silently half-loaded one.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib.term import Node

from graph.errors import ParseError, QuerySyntaxError, StoreError, StoreIncomplete
from graph.formats import UnknownFormat, rdf_format, results_format
from graph.namespaces import PREFIXES
from graph.store.base import QuadTuple, QueryResult, Store, used_prefixes
from graph.store.terms import iris_in, n3, to_ox, to_rdflib

#: Inputs larger than this are bulk-loaded (parsed first, then written under a marker file).  Measured with
#: ``python -m bench``: Oxigraph's transactional load is faster below ~1 MB but 2x slower than a bulk load at
#: 25 MB (100k quads) and 3x at 250 MB, so the bulk path starts at a few MB.
BULK_THRESHOLD_BYTES = 4 * 1024 * 1024
LOADING_MARKER = "GOVKG_LOADING"
CHUNK = 64 * 1024


class OxigraphResult(QueryResult):
    def __init__(self, raw: Any) -> None:
        self._raw = raw
        if isinstance(raw, ox.QueryBoolean):
            self.kind = "boolean"
            self.variables = []
        elif isinstance(raw, ox.QuerySolutions):
            self.kind = "solutions"
            self.variables = [v.value for v in raw.variables]
        else:
            self.kind = "graph"
            self.variables = []

    @property
    def raw(self) -> Any:
        """The pyoxigraph result object."""
        return self._raw

    @property
    def boolean(self) -> bool:
        if self.kind != "boolean":
            raise TypeError(f"a {self.kind} result is not a boolean")
        return bool(self._raw)

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        if prefixes and self.kind == "graph" and rdf_format(fmt).name in ("turtle", "trig"):
            triples = list(self._raw)
            used = used_prefixes(iris_in(triples), prefixes)
            return ox.serialize(triples, None, rdf_format(fmt).ox, prefixes=used) or b""
        buf = io.BytesIO()
        self._write(buf, fmt)
        return buf.getvalue()

    def chunks(self, fmt: str) -> Iterator[bytes]:
        # Oxigraph serialises into a file-like object; hand its writes on as they come.
        yield self.serialize(fmt)

    def _write(self, out: IO[bytes], fmt: str) -> None:
        if self.kind == "graph":
            f = rdf_format(fmt)
            self._raw.serialize(out, f.ox)
        else:
            self._raw.serialize(out, results_format(fmt).ox)

    def __iter__(self) -> Iterator[Any]:
        if self.kind == "solutions":
            names = self.variables
            for sol in self._raw:
                row = {}
                for name in names:
                    v = sol[name]
                    if v is not None:
                        row[name] = to_rdflib(v)
                yield row
        elif self.kind == "graph":
            for t in self._raw:
                yield (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
        else:
            raise TypeError("a boolean result has no rows")


def _graph_node(g: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if g in (None, "") else ox.NamedNode(g)


class _Tx:
    def __init__(self) -> None:
        self.ops: list[str] = []
        self._adds: list[str] = []
        self._removes: list[str] = []

    def _flush(self) -> None:
        if self._removes:
            self.ops.append("DELETE DATA { " + " ".join(self._removes) + " }")
            self._removes = []
        if self._adds:
            self.ops.append("INSERT DATA { " + " ".join(self._adds) + " }")
            self._adds = []

    @staticmethod
    def _stmt(q: QuadTuple) -> str:
        s, p, o, g = q
        t = f"{n3(s)} {n3(p)} {n3(o)} ."
        return t if g is None else f"GRAPH {n3(g)} {{ {t} }}"

    def add(self, quad: QuadTuple) -> None:
        if self._removes:
            self._flush()
        self._adds.append(self._stmt(quad))

    def remove(self, quad: QuadTuple) -> None:
        if self._adds:
            self._flush()
        self._removes.append(self._stmt(quad))

    def update(self, sparql: str) -> None:
        self._flush()
        self.ops.append(sparql)

    def request(self) -> str:
        self._flush()
        return " ;\n".join(self.ops)


class EmbeddedStore(Store):
    supports_backup = True
    supports_lateral = True

    def __init__(self, path: str | Path | None) -> None:
        """Open (or create) the store in directory ``path``; ``None`` gives a store in memory (tests)."""
        self.path = Path(path) if path is not None else None
        #: opened read-write (not a checkpoint): this process owns the store and what is kept beside it
        self.writable = True
        try:
            if self.path is None:
                self._ox: ox.Store | None = ox.Store()
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(self.path))
        except OSError as e:
            raise StoreError(f"cannot open the store in {path}: {e}") from e
        self._generation = read_generation(self.path) if self.path is not None else 0

    def advance_generation(self) -> int:
        """The in-process counter, also written to ``<store>.generation`` beside the store (other processes read
        it with :func:`read_generation`; best effort: a full disk only loses the file, never the write)."""
        gen = super().advance_generation()
        f = generation_file(self.path) if self.path is not None else None
        if f is not None:
            tmp = f.with_name(f.name + ".tmp")
            try:
                tmp.write_text(str(gen), encoding="ascii")
                os.replace(tmp, f)
            except OSError:
                pass
        return gen

    @property
    def tables_owner(self) -> EmbeddedStore | None:
        """This store when it keeps tables beside it (:mod:`graph.side_tables`: opened read-write from a
        directory), else ``None``; a wrapper that forwards attributes hands on the store it wraps."""
        return self if self.path is not None and getattr(self, "writable", False) else None

    @property
    def ox(self) -> ox.Store:
        if self._ox is None:
            raise StoreError("the store is closed")
        return self._ox

    # --- the seam -----------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = False,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> OxigraphResult:
        kw: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs:
            kw["default_graph"] = [_graph_node(g) for g in default_graphs]
        elif union_default_graph:
            kw["use_default_graph_as_union"] = True
        if named_graphs:
            kw["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return OxigraphResult(self.ox.query(sparql, **kw))
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from e
        except OSError as e:
            raise StoreError(str(e)) from e

    def update(self, sparql: str) -> None:
        try:
            self.ox.update(sparql, prefixes=PREFIXES)
        except SyntaxError as e:
            raise QuerySyntaxError(str(e)) from e
        except OSError as e:
            raise StoreError(str(e)) from e
        finally:
            self.advance_generation()

    def load(
        self,
        source: bytes | str | Path | IO[bytes],
        *,
        format: str,
        graph: str | None = None,
        base_iri: str | None = None,
        progress: bool = False,
    ) -> int:
        try:
            f = rdf_format(format)
        except UnknownFormat as e:
            raise ParseError(str(e)) from e
        to_graph = None if f.quads or graph in (None, "") else ox.NamedNode(graph)
        size = _size(source)
        before = len(self.ox)
        try:
            if size is not None and size > BULK_THRESHOLD_BYTES and isinstance(source, (str, Path)):
                self._bulk_load(Path(source), f.ox, to_graph, base_iri, progress)
            else:
                data = _read(source)
                self.ox.load(data, format=f.ox, base_iri=base_iri, to_graph=to_graph)
        except SyntaxError as e:
            raise ParseError(str(e)) from e
        except OSError as e:
            raise StoreError(str(e)) from e
        finally:
            self.advance_generation()
        return len(self.ox) - before

    def _bulk_load(
        self, path: Path, fmt: Any, to_graph: Any, base_iri: str | None, progress: bool
    ) -> None:
        # First pass: parse everything, write nothing.  A syntax error stops here.
        n = 0
        for _ in ox.parse(path=str(path), format=fmt, base_iri=base_iri):
            n += 1
        marker = self._marker()
        if marker is not None:
            marker.write_text(f"{path}\n", encoding="utf-8")
        bar = _progress(n, progress, f"loading {path.name}")
        try:
            if bar is None:  # no per-quad Python work: Oxigraph reads the file itself
                self.ox.bulk_load(path=str(path), format=fmt, base_iri=base_iri, to_graph=to_graph)
                self.ox.flush()
                if marker is not None:
                    marker.unlink()
                return
            quads: Iterator[Any] = ox.parse(path=str(path), format=fmt, base_iri=base_iri)
            if to_graph is not None:
                quads = (ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in quads)
            if bar is not None:
                quads = _counting(quads, bar)
            self.ox.bulk_extend(quads)
            self.ox.flush()
        finally:
            if bar is not None:
                bar.close()
        if marker is not None:
            marker.unlink()

    def dump(self, output: IO[bytes], *, format: str, graph: str | None = None) -> None:
        f = rdf_format(format)
        if graph is None:
            if not f.quads:
                raise ValueError(f"{f.name} holds one graph; name a graph or use trig or nquads")
            self.ox.dump(output, f.ox, prefixes=_dump_prefixes(f))
        else:
            self.ox.dump(output, f.ox, from_graph=_graph_node(graph), prefixes=_dump_prefixes(f))

    @contextmanager
    def transaction(self) -> Iterator[_Tx]:
        tx = _Tx()
        yield tx
        req = tx.request()
        if req:
            self.update(req)

    def flush(self) -> None:
        if self.path is not None:
            self.ox.flush()

    def close(self) -> None:
        if self._ox is not None:
            try:
                self._ox.flush()
            except (OSError, RuntimeError):  # RuntimeError: a read-only checkpoint has nothing to flush
                pass
            self._ox = None

    # --- beyond the seam ----------------------------------------------------------------------------

    def _marker(self) -> Path | None:
        return None if self.path is None else self.path / LOADING_MARKER

    def check_complete(self) -> None:
        """Raise :class:`StoreIncomplete` when a bulk load was interrupted."""
        m = self._marker()
        if m is not None and m.exists():
            raise StoreIncomplete(
                f"the store in {self.path} holds an interrupted bulk load of {m.read_text().strip()}; "
                "restore a backup or load into a fresh store"
            )

    def backup(self, target: str | Path) -> None:
        """A consistent copy (a RocksDB checkpoint: hard links, cheap) usable with :meth:`read_only`."""
        self.ox.backup(str(target))

    @classmethod
    def read_only(cls, path: str | Path) -> EmbeddedStore:
        """Open a checkpoint (never a store another process writes to) without write access."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self.writable = False
        try:
            self._ox = ox.Store.read_only(str(path))
        except OSError as e:
            raise StoreError(f"cannot open {path} read-only: {e}") from e
        return self

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self.ox)
        return sum(1 for _ in self.ox.quads_for_pattern(None, None, None, _graph_node(graph)))

    def quads(
        self, s: Node | None = None, p: Node | None = None, o: Node | None = None, g: str | None = None
    ) -> list[QuadTuple]:
        """Oxigraph's own pattern index (blank nodes can be named here, unlike in SPARQL)."""
        gn = None if g is None else _graph_node(g)
        out: list[QuadTuple] = []
        for q in self.ox.quads_for_pattern(
            None if s is None else to_ox(s), None if p is None else to_ox(p), None if o is None else to_ox(o),  # type: ignore[arg-type]
            gn,
        ):
            graph = q.graph_name
            out.append((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
                        None if isinstance(graph, ox.DefaultGraph) else to_rdflib(graph)))
        return out

    def add(self, quad: QuadTuple) -> None:
        s, p, o, g = quad
        try:
            self.ox.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g)))  # type: ignore[arg-type]
        finally:
            self.advance_generation()


def generation_file(path: Path) -> Path:
    """Where the store in directory ``path`` keeps its write generation (beside it, like its snapshots)."""
    return path.parent / f"{path.name}.generation"


def read_generation(path: Path) -> int:
    """The last write generation of the store in ``path`` (0 when it has none yet)."""
    try:
        return int(generation_file(path).read_text(encoding="ascii").strip() or 0)
    except (OSError, ValueError):
        return 0


def _dump_prefixes(f: Any) -> dict[str, str] | None:
    return PREFIXES if f.name in ("turtle", "trig") else None


def _size(source: object) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, (str, Path)):
        try:
            return os.path.getsize(source)
        except OSError as e:
            raise StoreError(f"cannot read {source}: {e.strerror}") from e
    return None


def _read(source: bytes | str | Path | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    return source.read()


def _progress(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="quad", unit_scale=True, desc=desc)


def _counting(quads: Any, bar: Any) -> Iterator[Any]:
    for i, q in enumerate(quads, 1):
        if i % 10000 == 0:
            bar.update(10000)
        yield q
