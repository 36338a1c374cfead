"""Answer a bounded lookup (:mod:`graph.bounded`) in the server process, when a probe shows it is small.

pyoxigraph cannot stop a running query, so the endpoint sends queries to killable worker processes
(:mod:`graph.store.workers`).  A bounded lookup is one basic graph pattern whose triple patterns share a constant
subject (or a single pattern with a constant subject or object): its work is bounded by the rows its patterns
match.  :func:`answer_here` first has the engine count those rows, each pattern at most ``max_rows + 1`` (lazily:
the probe's work is bounded too), and answers only when each count and their product (a bound on the join's rows)
are at most ``max_rows``; otherwise it returns ``None`` and the query goes to the workers.  The probe is written
with the query's own terms, prologue, base IRI and dataset, so the engine reads its constants as in the query.
Its verdict is remembered until the store's next write (:func:`small`): a repeated lookup skips the probe, and one
call into the engine (each releases and takes back the GIL, which the request threads contend for).

The answer is made by the workers' own code (:func:`graph.store.query_worker.run`) on the live store (each query
sees a snapshot), so it is byte for byte what a worker answers, and sees every write at least as soon.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, cast

import pyoxigraph as ox

from graph.bounded import Lookup
from graph.errors import QuerySyntaxError, StoreError
from graph.formats import rdf_format, results_format
from graph.namespaces import PREFIXES
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore
from graph.store.query_worker import run as run_job
from graph.store.workers import QueryAnswer, QueryJob
from graph.store.workers import _constant as constant

COUNT = "?govkg_probe_rows"  # a name no lookup uses: ``AS ?n`` would clash with a pattern's ``?n``
VERDICTS_MAX = 4096  # probe verdicts remembered (an LRU; each holds a query text of at most 8 KiB)
_VERDICTS: OrderedDict[tuple[str, int, str, bool, str | None, int], bool] = OrderedDict()
_LOCK = threading.Lock()



def job_message(job: QueryJob, probed_rows: int = 0) -> dict[str, Any]:
    """The message a query worker (:mod:`graph.store.query_worker`) answers, for a job answered in this process;
    ``probed_rows``: the probe showed the query has at most that many rows (0: not probed)."""
    return {
        "query": job.sparql,
        "base_iri": job.base_iri,
        "union": job.union_default_graph,
        "results_format": constant(results_format(job.results_format).ox),
        "rdf_format": constant(rdf_format(job.rdf_format).ox),
        "max_rows": job.max_rows,
        "prefixes": PREFIXES,
        "fits": 0 < probed_rows <= job.max_rows,  # no row cap to watch for: serialised in one call
    }

def answer_here(store: Store, job: QueryJob, found: Lookup, max_rows: int) -> QueryAnswer | None:
    """The answer to ``job`` made here, or ``None`` when it must go to the workers (not an embedded store, a
    dataset given by the protocol, or a pattern matching more than ``max_rows`` rows; ``max_rows`` 0: never)."""
    if max_rows <= 0 or not isinstance(store, EmbeddedStore) or job.default_graphs or job.named_graphs:
        return None
    if not small(store, found, job, max_rows):
        return None
    msg = job_message(job, max_rows)
    try:  # the errors as the worker reports them (graph.store.query_worker.main, graph.store.workers.QueryPool.run)
        header, payload = run_job(store.ox, msg)
    except SyntaxError as e:
        raise QuerySyntaxError(str(e)) from e
    except (OSError, ValueError, TypeError) as e:
        raise StoreError(str(e)) from e
    kind = header["kind"]
    fmt = job.rdf_format if kind == "graph" else job.results_format
    return QueryAnswer(kind, fmt, bool(header["truncated"]), len(payload), iter([payload]))


def small(store: EmbeddedStore, found: Lookup, job: QueryJob, max_rows: int) -> bool:
    """:func:`within`, remembered per query and store generation (a write advances it, so a verdict never outlives
    the data it was made on; only a request in the moment between a write and its generation's advance can use the
    verdict of just before it).  A store in memory is probed every time."""
    if store.path is None:
        return within(store.ox, found, job, max_rows)
    gen = store.generation
    key = (str(store.path), gen, job.sparql, job.union_default_graph, job.base_iri, max_rows)
    with _LOCK:
        verdict = _VERDICTS.get(key)
        if verdict is not None:
            _VERDICTS.move_to_end(key)
            return verdict
    verdict = within(store.ox, found, job, max_rows)
    if store.generation == gen:
        with _LOCK:
            _VERDICTS[key] = verdict
            while len(_VERDICTS) > VERDICTS_MAX:
                _VERDICTS.popitem(last=False)
    return verdict


def within(raw: ox.Store, found: Lookup, job: QueryJob, max_rows: int) -> bool:
    """Whether the pattern of ``found`` matches at most ``max_rows`` rows, on the dataset of ``job``.

    Each triple pattern is probed by the engine on the query's own terms (prologue, base IRI, dataset): one
    pattern by ``ASK { pattern } OFFSET max_rows`` (lazy: at most ``max_rows + 1`` rows of work), several by a
    count of at most ``max_rows + 1`` of each; each count and their product must be at most ``max_rows`` (a join may
    start from any of them).  A probe the engine refuses sends the query to the workers."""
    kw: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
    if job.union_default_graph:
        kw["use_default_graph_as_union"] = True
    try:
        if len(found.patterns) == 1:
            probe = f"{found.prologue} ASK {{ {found.pattern_text(0)} }} OFFSET {max_rows}"
            return not bool(raw.query(probe, **kw))
        bound = 1
        for i in range(len(found.patterns)):
            probe = (f"{found.prologue} SELECT (COUNT(*) AS {COUNT}) {{ SELECT * {{ {found.pattern_text(i)} }} "
                     f"LIMIT {max_rows + 1} }}")
            rows = cast(ox.QuerySolutions, raw.query(probe, **kw))
            n = int(cast(ox.Literal, next(iter(rows))[0]).value)
            bound *= n
            if n > max_rows or bound > max_rows:
                return False
        return True
    except (SyntaxError, OSError, ValueError, TypeError):
        return False
