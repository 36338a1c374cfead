"""Tables kept on disk beside an embedded store, for what the engine can only answer by reading every copy.

A hub is labelled in every graph that names it (the Government Office's ``rdfs:label`` is restated by some 30,000
articles at 1M triples), so asking the engine for its labels reads every copy: the label queries were a third of
the cold entity and timeline pages.  And which graphs come from legal documents, with the documents' dates, is a
join over every graph's source (230 ms at 10M) that the as-of chart and today's unit names need.  So, in SQLite,
in ``<store>.tables.sqlite`` beside the store directory (like its ``.generation`` file):

- ``label``: each distinct ``(subject, predicate, language, value)`` of the label predicates
  (:data:`graph.labels.LABEL_ORDER`), alternative labels and a source's date and address, once;
- ``legal``: each graph derived from a legal document, with the document's dates
  (:data:`graph.asof_names.LEGAL_GRAPHS_QUERY`);
- ``derived``: answers about the whole graph that pages show (:func:`register`: the event types and their counts,
  the ontology's term labels, the predicates a hub's page asks for one by one),
  as JSON, each dropped by a write that touches what it depends on and computed again by its next reader;
- ``fact``: each distinct triple of the predicates that articles restate about the units they name
  (:data:`FACT_PREDICATES`: types, parents, unit types, periods), with the number of named graphs stating it and
  those graphs when they are at most :data:`graph.entity_facts.FACT_SOURCES`, else the first of them: what an
  entity page, the as-of chart and the timeline's unit filter ask of a hub (Chính phủ's sub-units at 1M: 24 facts,
  10,810 quads).

They are an index, not a memo: they survive restarts and are kept in step with the store.

- The file names the store it describes (RocksDB's ``IDENTITY`` of the store directory) and the write generation
  it is current for (:attr:`graph.store.base.Store.generation`).  It answers only while both match; otherwise the
  callers ask the engine, as they would without it.
- A write committed through :mod:`graph.commit` brings it forward (:func:`after_write`): the (subject, label
  predicate) pairs whose values changed as a set (``("sp", ...)`` keys of :mod:`graph.write_log`) are read again
  from the store, the legal graphs when the write touched what decides names (``("names", "")``), and the counts
  of the facts its diff (exact: :class:`graph.diffs.Diff`) added or removed move by one per quad.
- Any other write (a bulk load, an update from outside :mod:`graph.commit`, a crash between the store's commit and
  the tables') leaves it behind; the next read starts a rebuild (:func:`ensure`: on the reader's thread for a
  small store, else on a background thread, the readers asking the engine meanwhile), written to a new file and
  swapped in only if no write happened meanwhile.
- The ``derived`` answers are dropped by the commit of a write that touches what they depend on and computed
  again by their next reader.

Only the process that owns the store (opened read-write from a directory) keeps the tables: readers of
checkpoints and remote engines ask the engine.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from graph.store.base import Store
from graph.write_log import Key

log = logging.getLogger(__name__)
T = TypeVar("T")
V = TypeVar("V")

SUFFIX = ".tables.sqlite"
#: Subjects asked of SQLite per statement (its default limit of host parameters is 32,766).
CHUNK = 500
#: Bumped when the tables change: a file of another version is rebuilt.
SCHEMA_VERSION = "4"
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE label (s TEXT NOT NULL, p TEXT NOT NULL, lang TEXT NOT NULL, v TEXT NOT NULL, "
    "PRIMARY KEY (s, p, lang, v)) WITHOUT ROWID",
    "CREATE TABLE legal (g TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (g, date)) WITHOUT ROWID",
    # k: "I" an IRI value, "L" a literal (lang, dt); g: the graphs, one per line (all, or the first of many)
    "CREATE TABLE fact (s TEXT NOT NULL, p TEXT NOT NULL, o TEXT NOT NULL, k TEXT NOT NULL, lang TEXT NOT NULL, "
    "dt TEXT NOT NULL, n INTEGER NOT NULL, g TEXT NOT NULL, PRIMARY KEY (s, p, o, k, lang, dt)) WITHOUT ROWID",
    "CREATE INDEX fact_o ON fact (o, p, k)",
    "CREATE TABLE derived (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ORG = "http://www.w3.org/ns/org#"
#: The predicates of the ``fact`` table: what an article restates of every unit it names.
FACT_PREDICATES = (
    RDF_TYPE, f"{ORG}unitOf", f"{ORG}subOrganizationOf", "https://w3id.org/govkg/ontology#attachedTo",
    "https://w3id.org/govkg/ontology#unitType", "https://schema.org/validFrom", "https://schema.org/validThrough",
)
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
#: Graphs a fact lists (as :data:`graph.entity_facts.FACT_SOURCES`); past them, the first one.
FACT_GRAPHS = 3
#: (predicate, value, kind "I"/"L", language, datatype, graphs stating it, the graphs kept)
Fact = tuple[str, str, str, str, str, int, tuple[str, ...]]
#: (subject, predicate, graphs stating it, the graphs kept) of a fact linking to an IRI
Link = tuple[str, str, int, tuple[str, ...]]
#: A store whose files take at most this much has its tables built by the reader that finds them behind.
SMALL_BYTES = 32 << 20
#: Past this many changed (subject, label predicate) pairs a write is not applied pair by pair: rebuilt whole.
REREAD_LIMIT = 20_000
Row = tuple[str, str, str]  # (predicate, language, value)


def _owner(store: Store) -> Any:
    """The embedded store behind ``store`` (a wrapper forwards the attribute) when it keeps tables, else ``None``."""
    return getattr(store, "tables_owner", None)


def path_for(store: Store) -> Path | None:
    """Where the tables of ``store`` live, or ``None`` when it keeps none (in memory, remote, read-only)."""
    owner = _owner(store)
    return None if owner is None else owner.path.parent / f"{owner.path.name}{SUFFIX}"


def identity(store_path: Path) -> str | None:
    """The unique id RocksDB wrote when it created the store directory (a store made again gets another)."""
    try:
        return (store_path / "IDENTITY").read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


class _Table:
    """The open tables of one store, and whether they are current (only this process writes them)."""

    def __init__(self, store: Store, path: Path) -> None:
        self.ref = weakref.ref(store)
        self.path = path
        self.lock = threading.RLock()
        self.conn: sqlite3.Connection | None = None
        self.current: int | None = None  # the generation the open table is current for
        self.building = False
        self.build_lock = threading.Lock()  # one build at a time
        self.checked = False

    def open(self, store_path: Path, generation: int) -> None:
        """(Lock held.)  Open the file and believe it when it names this store and generation."""
        self.checked = True
        self.close()
        if not self.path.exists():
            return
        try:
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as e:
            log.warning("the tables %s cannot be read (%s): they will be rebuilt", self.path, e)
            return
        self.conn = conn
        if (meta.get("identity") == identity(store_path) and meta.get("generation") == str(generation)
                and meta.get("schema") == SCHEMA_VERSION):
            self.current = generation

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass
        self.conn, self.current = None, None


_LOCK = threading.Lock()
_TABLES: dict[int, _Table] = {}


def _table(store: Store) -> _Table | None:
    owner = _owner(store)
    if owner is None:
        return None
    with _LOCK:
        t = _TABLES.get(id(owner))
        if t is None or t.ref() is not owner:
            key = id(owner)
            t = _TABLES[key] = _Table(owner, owner.path.parent / f"{owner.path.name}{SUFFIX}")
            weakref.finalize(owner, _drop, key, t)
        return t


def _drop(key: int, t: _Table) -> None:
    with _LOCK:
        if _TABLES.get(key) is t:
            del _TABLES[key]
    with t.lock:
        t.close()


_BYPASSED = [0]


@contextmanager
def bypassed() -> Iterator[None]:
    """Within the block, no reader reads the tables (every thread): the pages ask the engine, as on a store that
    keeps none (what the benchmark replays as the raw engine's whole page)."""
    _BYPASSED[0] += 1
    try:
        yield
    finally:
        _BYPASSED[0] -= 1


def _ask(store: Store, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """``read`` of the open tables of ``store`` when they are current; else ``None`` (and a rebuild started)."""
    t = _table(store) if not _BYPASSED[0] else None
    if t is None:
        return None
    for _ in range(2):  # once more after a build on this thread (a small store)
        gen = int(store.generation)
        with t.lock:
            if not t.checked:
                t.open(store.path, gen)  # type: ignore[attr-defined]
            if t.current == gen and t.conn is not None:
                try:
                    return read(t.conn)
                except sqlite3.Error as e:
                    log.warning("the tables %s cannot be read (%s): they will be rebuilt", t.path, e)
                    t.close()
        if not ensure(store):
            return None
    return None


def statements(store: Store, iris: Sequence[str], predicates: Collection[str] = ()) -> dict[str, list[Row]] | None:
    """The label statements ``(predicate, language, value)`` of each IRI (those with none are absent; only
    ``predicates`` when given), or ``None`` when the store keeps no tables or they are not current."""
    only = sorted(predicates)

    def read(conn: sqlite3.Connection) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        pick = f" AND p IN ({','.join('?' * len(only))})" if only else ""
        for start in range(0, len(iris), CHUNK):
            chunk = list(iris[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            q = f"SELECT s, p, lang, v FROM label WHERE s IN ({marks}){pick}"  # noqa: S608 (placeholders only)
            for s, p, lang, v in conn.execute(q, [*chunk, *only]):
                out.setdefault(s, []).append((p, lang, v))
        return out

    return _ask(store, read)


def legal_graphs(store: Store) -> dict[str, list[str]] | None:
    """``{graph: dates of its legal document}`` (as :func:`graph.asof_names.legal_graphs`), or ``None`` when the
    store keeps no tables or they are not current."""
    def read(conn: sqlite3.Connection) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for g, d in conn.execute("SELECT g, date FROM legal ORDER BY g, date"):
            out.setdefault(g, []).append(d)
        return out

    return _ask(store, read)


def _kept_predicates(predicates: Collection[str]) -> list[str] | None:
    """``predicates`` in order when the ``fact`` table keeps every one of them, else ``None``."""
    only = sorted(predicates)
    return only if only and set(only) <= set(FACT_PREDICATES) else None


def facts(store: Store, subjects: Sequence[str], predicates: Collection[str]) -> dict[str, list[Fact]] | None:
    """The facts of :data:`FACT_PREDICATES` ``predicates`` (all of them one of those) stated of each subject, or
    ``None`` when the tables are not current (or a predicate is not kept)."""
    only = _kept_predicates(predicates)
    if only is None:
        return None

    def read(conn: sqlite3.Connection) -> dict[str, list[Fact]]:
        out: dict[str, list[Fact]] = {}
        marks_p = ",".join("?" * len(only))
        for start in range(0, len(subjects), CHUNK):
            chunk = list(subjects[start : start + CHUNK])
            q = (f"SELECT s, p, o, k, lang, dt, n, g FROM fact WHERE s IN ({','.join('?' * len(chunk))}) "  # noqa: S608
                 f"AND p IN ({marks_p}) ORDER BY s, p, o")  # (placeholders only)
            for s_, p_, o, k, lang, dt, n, g in conn.execute(q, [*chunk, *only]):
                out.setdefault(s_, []).append((p_, o, k, lang, dt, int(n), tuple(g.split("\n"))))
        return out

    return _ask(store, read)


def facts_into(store: Store, obj: str, predicates: Collection[str]) -> list[Link] | None:
    """``(subject, predicate, graphs stating it, the graphs kept)`` of each fact of ``predicates`` (all kept ones)
    linking to the IRI ``obj``, by subject; ``None`` when the tables are not current."""
    only = _kept_predicates(predicates)
    if only is None:
        return None

    def read(conn: sqlite3.Connection) -> list[Link]:
        q = (f"SELECT s, p, n, g FROM fact WHERE o = ? AND k = 'I' AND p IN ({','.join('?' * len(only))}) "  # noqa: S608
             "ORDER BY s, p")  # (placeholders only)
        return [(s_, p_, int(n), tuple(g.split("\n"))) for s_, p_, n, g in conn.execute(q, [obj, *only])]

    return _ask(store, read)


def below(store: Store, root: str, predicates: Collection[str], parents: bool = True) -> dict[str, set[str]] | None:
    """Every IRI linked to ``root`` by a chain of ``predicates`` (one or more links; all kept ones), with the
    objects it links to by them when ``parents``: ``{unit: {parents}}`` (what ``?u (p1|p2)+ <root> . ?u p1|p2
    ?parent`` answers), or ``None`` when the tables are not current.  A level of the tree per statement."""
    only = _kept_predicates(predicates)
    if only is None:
        return None

    def read(conn: sqlite3.Connection) -> dict[str, set[str]]:
        marks = ",".join("?" * len(only))
        seen: set[str] = set()
        frontier = [root]
        while frontier:
            nxt: list[str] = []
            for start in range(0, len(frontier), CHUNK):
                chunk = frontier[start : start + CHUNK]
                q = (f"SELECT DISTINCT s FROM fact WHERE o IN ({','.join('?' * len(chunk))}) AND k = 'I' "  # noqa: S608
                     f"AND p IN ({marks})")  # (placeholders only)
                for (s_,) in conn.execute(q, [*chunk, *only]):
                    if s_ not in seen:
                        seen.add(s_)
                        nxt.append(s_)
            frontier = nxt
        out: dict[str, set[str]] = {u: set() for u in seen}
        if parents:
            units = sorted(seen)
            for start in range(0, len(units), CHUNK):
                chunk = units[start : start + CHUNK]
                q = (f"SELECT s, o FROM fact WHERE s IN ({','.join('?' * len(chunk))}) AND k = 'I' "  # noqa: S608
                     f"AND p IN ({marks})")  # (placeholders only)
                for s_, o in conn.execute(q, [*chunk, *only]):
                    out[s_].add(o)
        return out

    return _ask(store, read)


def _current(t: _Table, store: Store) -> bool:
    with t.lock:
        if not t.checked:
            t.open(store.path, int(store.generation))  # type: ignore[attr-defined]
        return t.current == int(store.generation) and t.conn is not None


def _small(store: Store) -> bool:
    """Whether the store's files are small enough to build its tables on the reader's thread (well under a
    second), so that its first reader already reads them (a store of the tests, a seeded server)."""
    try:
        return sum(f.stat().st_size for f in store.path.iterdir() if f.is_file()) <= SMALL_BYTES  # type: ignore
    except OSError:
        return False


#: name -> (how to compute it from the store, the write-log keys it depends on)
_DERIVED: dict[str, tuple[Callable[[Store], Any], frozenset[Key]]] = {}


def register(name: str, compute: Callable[[Store], Any], deps: Iterable[Key]) -> None:
    """Keep ``compute(store)`` (JSON-able) in the ``derived`` table, dropped by a write touching ``deps``."""
    _DERIVED[name] = (compute, frozenset(deps))


def derived(store: Store, name: str, compute: bool = True) -> Any | None:
    """The kept answer ``name`` (computed here when it is not kept yet, unless not ``compute``), or ``None`` when
    the tables are not current."""
    got = _ask(store, lambda conn: conn.execute("SELECT value FROM derived WHERE name = ?", (name,)).fetchone() or ())
    if got is None:  # not current
        return None
    if got:
        return json.loads(got[0])
    return _compute(store, name) if compute else None


class Whole(Generic[V]):
    """An answer about the whole graph that pages show: kept in the ``derived`` table beside the store (dropped by
    a write touching ``deps``, computed again by its next reader) or, where the store keeps no tables, in memory
    until such a write (:class:`graph.kept.KeptMemo`).  ``load`` turns the JSON kept back into the value."""

    def __init__(self, name: str, compute: Callable[[Store], V], deps: Iterable[Key],
                 load: Callable[[Any], V] = lambda v: v) -> None:
        from graph.kept import KeptMemo

        self.name, self.compute, self.deps, self.load = name, compute, tuple(deps), load
        self._memo: KeptMemo[str, V] = KeptMemo(1)
        register(name, compute, self.deps)

    def kept(self, store: Store) -> V | None:
        """The answer when it is known without asking the engine, else ``None``."""
        hit = self._memo.get(store, "")
        if hit is None and (table := derived(store, self.name, compute=False)) is not None:
            return self.load(table)
        return hit

    def get(self, store: Store) -> V:
        hit = self._memo.get(store, "")
        if hit is not None:
            return hit
        table = derived(store, self.name)
        if table is not None:
            return self.load(table)
        return self._memo.get_or_build(store, "", lambda: (self.compute(store), self.deps))


def _compute(store: Store, name: str) -> Any | None:
    t = _table(store)
    if t is None or name not in _DERIVED:
        return None
    gen = int(store.generation)
    value = _DERIVED[name][0](store)
    with t.lock:
        if t.current == gen == int(store.generation) and t.conn is not None:
            try:
                t.conn.execute("INSERT OR REPLACE INTO derived VALUES (?, ?)", (name, json.dumps(value)))
            except sqlite3.Error:
                log.exception("could not keep %s in %s", name, t.path)
    return value


def ensure(store: Store, wait: bool = False) -> bool:
    """Bring the tables of ``store`` up to date: here and now when ``wait`` or the store is small (a reader that
    comes meanwhile waits for that build), else on a background thread unless one is running; whether they are
    current when this returns."""
    t = _table(store)
    if t is None:
        return False
    if _current(t, store):
        return True
    if wait or _small(store):
        with t.build_lock:
            if _current(t, store):
                return True
            t.building = True
            _rebuild(t)
        return _current(t, store)
    with t.lock:
        if t.building:
            return False
        t.building = True
    threading.Thread(target=_rebuild_locked, args=(t,), name="govkg-side-tables", daemon=True).start()
    return False


def _rebuild_locked(t: _Table) -> None:
    with t.build_lock:
        _rebuild(t)


def _rebuild(t: _Table) -> None:
    try:
        store = t.ref()
        if store is None:
            return
        started = time.perf_counter()
        n = rebuild(store, t)
        if n is not None:
            log.info("side tables %s: %d label statements in %.1f s", t.path, n, time.perf_counter() - started)
    except Exception:  # the pages ask the engine meanwhile; the next read tries again
        log.exception("could not build the tables %s", t.path)
    finally:
        t.building = False


def label_predicates() -> tuple[str, ...]:
    """The predicates of the ``label`` table: the label predicates (:data:`graph.labels.LABEL_ORDER`),
    ``skos:altLabel`` (an entity page's header), and a source's date and address (``dct:issued``, ``schema:url``)."""
    from graph.labels import LABEL_ORDER

    return (*LABEL_ORDER, ALT_LABEL, "http://purl.org/dc/terms/issued", "https://schema.org/url")


def _graphs_text(gs: Iterable[str], n: int) -> str:
    kept = sorted(gs)
    return "\n".join(kept if n <= FACT_GRAPHS else kept[:1])


def _read_facts(store: Store) -> Iterator[tuple[str, str, str, str, str, str, int, str]]:
    """Every distinct triple of :data:`FACT_PREDICATES` in the named graphs, with its graphs
    (:func:`graph.store.side_reads.graph_counts`)."""
    from graph.store.side_reads import graph_counts

    for s, p, o, k, lang, dt, n, graphs in graph_counts(store.ox, FACT_PREDICATES, FACT_GRAPHS):  # type: ignore
        yield s, p, o, k, lang, dt, n, _graphs_text(graphs, n)


def _read(store: Store, pairs: Iterable[tuple[str, str]] | None) -> Iterable[tuple[str, str, str, str]]:
    """Every distinct label statement of the store (``pairs`` ``None``), or of those (subject, predicate) pairs:
    (subject, predicate, language, value); IRI subjects only, blank-node values left out (never a label)."""
    from graph.labels import iri_ref
    from graph.store.side_reads import distinct_statements

    if pairs is None:
        vals = " ".join(f"<{p}>" for p in label_predicates())
        q = f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?p {{ {vals} }} ?s ?p ?l FILTER(isIRI(?s)) }}"
    else:
        rows = " ".join(f"({iri_ref(s)} {iri_ref(p)})" for s, p in pairs)
        q = f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES (?s ?p) {{ {rows} }} ?s ?p ?l }}"
    return distinct_statements(store.ox, q)  # type: ignore[attr-defined]


def _read_legal(store: Store) -> list[tuple[str, str]]:
    """Every (graph, date of its legal document), as :func:`graph.asof_names.legal_graphs` reads them."""
    from graph.asof_names import read_legal_graphs

    return [(g, d) for g, dates in read_legal_graphs(store).items() for d in dates]


def rebuild(store: Store, t: _Table | None = None) -> int | None:
    """Build the table of ``store`` from its statements into a new file and put it in place if no write happened
    meanwhile; the number of statements, or ``None`` when a write overtook it (the next read starts again)."""
    t = t or _table(store)
    if t is None:
        return None
    store_path: Path = store.path  # type: ignore[attr-defined]
    gen = int(store.generation)
    ident = identity(store_path)
    if ident is None:
        return None
    tmp = t.path.with_name(f"{t.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            for stmt in SCHEMA:
                conn.execute(stmt)
            conn.execute("BEGIN")
            # streamed as the engine gives them (sorting them first was faster but held them all in memory)
            conn.executemany("INSERT OR IGNORE INTO label VALUES (?, ?, ?, ?)", _read(store, None))
            conn.executemany("INSERT INTO legal VALUES (?, ?)", _read_legal(store))
            conn.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _read_facts(store))
            n = int(conn.execute("SELECT count(*) FROM label").fetchone()[0])
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("identity", ident), ("generation", str(gen)),
                                                                ("schema", SCHEMA_VERSION)])
            conn.execute("COMMIT")
        finally:
            conn.close()
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        with t.lock:
            if int(store.generation) != gen:
                return None
            t.close()
            os.replace(tmp, t.path)
            t.open(store_path, gen)
        return n
    finally:
        tmp.unlink(missing_ok=True)


def after_write(store: Store, before: int, keys: frozenset[Key] | None, diff: Any = None) -> None:
    """A write committed through :mod:`graph.commit` moved ``store`` from generation ``before``, touching
    ``keys`` (``None``: not described) with ``diff`` (its exact :class:`graph.diffs.Diff`).  Tables current for
    ``before`` read the changed (subject, label predicate) pairs again, move the counts of the facts the diff
    added or removed and become current for the store's generation; otherwise they are left behind."""
    t = _table(store)
    if t is None:
        return
    preds = set(label_predicates())
    with t.lock:
        if t.conn is None or t.current != before:
            t.current = None
            return
        t.current = None  # until this write is in it
        if keys is None or diff is None:
            return
        pairs = sorted({(sp[0], sp[1]) for kind, v in keys if kind == "sp"
                        for sp in [v.split(" ", 1)] if len(sp) == 2 and sp[1] in preds})
        moved = _fact_deltas(diff)
        if len(pairs) > REREAD_LIMIT or len(moved) > REREAD_LIMIT:
            return  # a write this large: rebuilt whole
        gen = int(store.generation)
        try:
            fresh = sorted(_read(store, pairs)) if pairs else []
            legal = _read_legal(store) if ("names", "") in keys else None
            conn = t.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(pairs), CHUNK):
                    for s, p in pairs[start : start + CHUNK]:
                        conn.execute("DELETE FROM label WHERE s = ? AND p = ?", (s, p))
                conn.executemany("INSERT OR IGNORE INTO label VALUES (?, ?, ?, ?)", fresh)
                if legal is not None:
                    conn.execute("DELETE FROM legal")
                    conn.executemany("INSERT INTO legal VALUES (?, ?)", legal)
                for key, (added, removed) in moved.items():
                    _move_fact(store, conn, key, added, removed)
                for name, (_, deps) in _DERIVED.items():
                    if deps & keys:
                        conn.execute("DELETE FROM derived WHERE name = ?", (name,))
                conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(gen),))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except Exception:
            log.exception("could not bring the tables %s up to date: they will be rebuilt", t.path)
            return
        t.current = gen


FactKey = tuple[str, str, str, str, str, str]  # (s, p, value, kind, lang, dt)


def _fact_deltas(diff: Any) -> dict[FactKey, tuple[set[str], set[str]]]:
    """The facts of :data:`FACT_PREDICATES` the diff adds to or removes from a named graph: {key: (graphs added,
    graphs removed)}."""
    from rdflib import Literal, URIRef

    wanted = set(FACT_PREDICATES)
    out: dict[FactKey, tuple[set[str], set[str]]] = {}
    for at, quads in ((0, diff.added), (1, diff.removed)):
        for s, p, o, g in quads:
            if g is None or not isinstance(s, URIRef) or str(p) not in wanted:
                continue
            if isinstance(o, URIRef):
                term = (str(o), "I", "", "")
            elif isinstance(o, Literal):
                lang = (o.language or "").lower()
                term = (str(o), "L", lang, "" if lang else str(o.datatype or XSD_STRING))
            else:
                continue
            out.setdefault((str(s), str(p), *term), (set(), set()))[at].add(str(g))
    return out


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _move_fact(store: Store, conn: sqlite3.Connection, key: FactKey, added: set[str], removed: set[str]) -> None:
    """(In the write's transaction.)  The fact ``key`` gained the graphs ``added`` and lost ``removed``."""
    where = "s = ? AND p = ? AND o = ? AND k = ? AND lang = ? AND dt = ?"
    row = conn.execute(f"SELECT n, g FROM fact WHERE {where}", key).fetchone()  # noqa: S608 (no value in it)
    n_old, kept = (int(row[0]), set(row[1].split("\n"))) if row else (0, set())
    n = n_old + len(added) - len(removed)
    if n_old <= FACT_GRAPHS:  # every graph was kept
        graphs: set[str] = (kept | added) - removed
    elif n > FACT_GRAPHS and not (removed & kept):  # the first graph stays first unless a new one comes before
        graphs = kept | added
    else:  # the graphs kept were not all of them: read them again
        graphs = _graphs_of(store, key)
        n = len(graphs)
    if n <= 0:
        conn.execute(f"DELETE FROM fact WHERE {where}", key)  # noqa: S608 (no value in it)
        return
    conn.execute("INSERT OR REPLACE INTO fact VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (*key, n, _graphs_text(graphs, n)))


def _graphs_of(store: Store, key: FactKey) -> set[str]:
    from rdflib import Literal, URIRef

    from graph.store.terms import n3

    s, p, value, kind, lang, dt = key
    o = URIRef(value) if kind == "I" else Literal(value, lang=lang or None, datatype=None if lang else URIRef(dt))
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{s}> <{p}> {n3(o)} }} }}"
    return {str(r["g"]) for r in store.query(q).rows()}


def state(store: Store) -> dict[str, Any]:
    """Whether ``store`` keeps tables, where, and whether they are current or being built."""
    t = _table(store)
    if t is None:
        return {"kept": False}
    return {"kept": True, "path": str(t.path), "current": _current(t, store), "building": t.building}
