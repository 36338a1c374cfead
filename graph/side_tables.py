"""Tables kept on disk beside an embedded store, for what the engine can only answer by reading every copy.

A hub is labelled in every graph that names it (the Government Office's ``rdfs:label`` is restated by some 30,000
articles at 1M triples), so asking the engine for its labels reads every copy: the label queries were a third of
the cold entity and timeline pages.  And which graphs come from legal documents, with the documents' dates, is a
join over every graph's source (230 ms at 10M) that the as-of chart and today's unit names need.  So, in SQLite,
in ``<store>.tables.sqlite`` beside the store directory (like its ``.generation`` file):

- ``label``: each distinct ``(subject, predicate, language, value)`` of the label predicates
  (:data:`graph.labels.LABEL_ORDER`), once;
- ``legal``: each graph derived from a legal document, with the document's dates
  (:data:`graph.asof_names.LEGAL_GRAPHS_QUERY`).

They are an index, not a memo: they survive restarts and are kept in step with the store.

- The file names the store it describes (RocksDB's ``IDENTITY`` of the store directory) and the write generation
  it is current for (:attr:`graph.store.base.Store.generation`).  It answers only while both match; otherwise the
  callers ask the engine, as they would without it.
- A write committed through :mod:`graph.commit` brings it forward (:func:`after_write`): the (subject, label
  predicate) pairs whose values changed as a set (``("sp", ...)`` keys of :mod:`graph.write_log`) are read again
  from the store, and the legal graphs when the write touched what decides names (``("names", "")``).
- Any other write (a bulk load, an update from outside :mod:`graph.commit`, a crash between the store's commit and
  the tables') leaves it behind; the next read starts a rebuild on a background thread (:func:`ensure`), written
  to a new file and swapped in only if no write happened meanwhile.

Only the process that owns the store (opened read-write from a directory) keeps the tables: readers of
checkpoints and remote engines ask the engine.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from graph.store.base import Store
from graph.write_log import Key

log = logging.getLogger(__name__)
T = TypeVar("T")

SUFFIX = ".tables.sqlite"
#: Subjects asked of SQLite per statement (its default limit of host parameters is 32,766).
CHUNK = 500
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE label (s TEXT NOT NULL, p TEXT NOT NULL, lang TEXT NOT NULL, v TEXT NOT NULL, "
    "PRIMARY KEY (s, p, lang, v)) WITHOUT ROWID",
    "CREATE TABLE legal (g TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (g, date)) WITHOUT ROWID",
)
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
        if meta.get("identity") == identity(store_path) and meta.get("generation") == str(generation):
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


def _ask(store: Store, read: Callable[[sqlite3.Connection], T]) -> T | None:
    """``read`` of the open tables of ``store`` when they are current; else ``None`` (and a rebuild started)."""
    t = _table(store)
    if t is None:
        return None
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
    ensure(store)
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


def ensure(store: Store, wait: bool = False) -> bool:
    """Start rebuilding the table of ``store`` unless it is current or being rebuilt (``wait``: rebuild here and
    now); whether it is current when this returns."""
    t = _table(store)
    if t is None:
        return False
    with t.lock:
        if not t.checked:
            t.open(store.path, int(store.generation))  # type: ignore[attr-defined]
        if t.current == int(store.generation) and t.conn is not None:
            return True
        if t.building and not wait:
            return False
        t.building = True
    if wait:
        _rebuild(t)
        with t.lock:
            return t.current == int(store.generation)
    threading.Thread(target=_rebuild, args=(t,), name="govkg-side-tables", daemon=True).start()
    return False


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


def _label_predicates() -> tuple[str, ...]:
    from graph.labels import LABEL_ORDER

    return LABEL_ORDER


def _read(store: Store, pairs: Iterable[tuple[str, str]] | None) -> Iterable[tuple[str, str, str, str]]:
    """Every distinct label statement of the store (``pairs`` ``None``), or of those (subject, predicate) pairs:
    (subject, predicate, language, value); IRI subjects only, blank-node values left out (never a label)."""
    from graph.labels import iri_ref

    ox_store = store.ox  # type: ignore[attr-defined]
    if pairs is None:
        vals = " ".join(f"<{p}>" for p in _label_predicates())
        q = f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES ?p {{ {vals} }} ?s ?p ?l FILTER(isIRI(?s)) }}"
    else:
        rows = " ".join(f"({iri_ref(s)} {iri_ref(p)})" for s, p in pairs)
        q = f"SELECT DISTINCT ?s ?p ?l WHERE {{ VALUES (?s ?p) {{ {rows} }} ?s ?p ?l }}"
    for sol in ox_store.query(q, use_default_graph_as_union=True):
        s, p, lit = sol["s"], sol["p"], sol["l"]
        if isinstance(lit, ox.BlankNode) or not isinstance(s, ox.NamedNode):
            continue
        lang = (lit.language or "") if isinstance(lit, ox.Literal) else ""
        yield s.value, p.value, lang, lit.value


def _read_legal(store: Store) -> list[tuple[str, str]]:
    """Every (graph, date of its legal document)."""
    from graph.asof_names import LEGAL_GRAPHS_QUERY
    from graph.lexical import solutions

    return sorted({(r["g"], r["date"]) for r in solutions(store, LEGAL_GRAPHS_QUERY)})


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
            # sorted: rows reach the b-tree in key order (a third of the time of unsorted inserts)
            rows = sorted(_read(store, None))
            conn.executemany("INSERT OR IGNORE INTO label VALUES (?, ?, ?, ?)", rows)
            conn.executemany("INSERT INTO legal VALUES (?, ?)", _read_legal(store))
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("identity", ident), ("generation", str(gen))])
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
        return len(rows)
    finally:
        tmp.unlink(missing_ok=True)


def after_write(store: Store, before: int, keys: frozenset[Key] | None) -> None:
    """A write committed through :mod:`graph.commit` moved ``store`` from generation ``before``, touching
    ``keys`` (``None``: not described).  A table current for ``before`` reads the changed (subject, label
    predicate) pairs again and becomes current for the store's generation; otherwise it is left behind."""
    t = _table(store)
    if t is None:
        return
    preds = set(_label_predicates())
    with t.lock:
        if t.conn is None or t.current != before:
            t.current = None
            return
        t.current = None  # until this write is in it
        if keys is None:
            return
        pairs = sorted({(sp[0], sp[1]) for kind, v in keys if kind == "sp"
                        for sp in [v.split(" ", 1)] if len(sp) == 2 and sp[1] in preds})
        if len(pairs) > REREAD_LIMIT:
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
                conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(gen),))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except Exception:
            log.exception("could not bring the tables %s up to date: they will be rebuilt", t.path)
            return
        t.current = gen


def state(store: Store) -> dict[str, Any]:
    """What ``govkg`` reports of the table: where it is, and whether it is current or being built."""
    t = _table(store)
    if t is None:
        return {"kept": False}
    with t.lock:
        if not t.checked:
            t.open(store.path, int(store.generation))  # type: ignore[attr-defined]
        return {"kept": True, "path": str(t.path), "current": t.current == int(store.generation),
                "building": t.building}
