"""The query worker pool on a real store: a worker that dies before it answered anything does not fail the query
(it is replaced and the query goes to another worker); a worker that had answered and dies is the query's doing."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import EmbeddedStore
from graph.store.snapshots import Snapshots
from graph.store.workers import QueryJob, QueryPool, WorkerLost

ASK = QueryJob(sparql="ASK { ?s ?p ?o }", results_format="json")


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[QueryPool]:
    store = EmbeddedStore(tmp_path / "store")
    store.update('INSERT DATA { <urn:a> <urn:b> "c" }')
    p = QueryPool(Snapshots(store), size=1, memory_mb=0)
    yield p
    p.close()
    store.close()


def _answer(p: QueryPool) -> bool:
    a = p.run(ASK, 30)
    return bool(json.loads(b"".join(a.chunks))["boolean"])


def _only_worker(p: QueryPool) -> int:
    (w,) = list(p._all)
    return w.proc.pid


def test_a_worker_dead_before_its_first_answer_does_not_fail_the_query(pool: QueryPool) -> None:
    pid = _only_worker(pool)
    os.kill(pid, signal.SIGKILL)
    assert _answer(pool) is True
    assert pool.fresh_lost == 1 and _only_worker(pool) != pid


def test_a_worker_that_answered_and_died_is_the_querys_doing(pool: QueryPool) -> None:
    assert _answer(pool) is True
    pid = _only_worker(pool)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(WorkerLost):
        _answer(pool)
    assert pool.fresh_lost == 0
    assert _answer(pool) is True  # replaced
