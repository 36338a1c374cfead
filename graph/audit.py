"""The audit store: the changesets and the staged changes, in an Oxigraph store of their own beside the data.

The data store holds data only, so the public SPARQL dataset (``GRAPH ?g``, the union default graph) never
sees the audit trail.  The records keep their vocabulary and their graph name (``{BASE}/graph/changes``,
docs/MODEL.md "Changesets") inside the audit store, reached through :func:`graph.store.audit_store`.

A write spans two stores, so it is committed in two phases (:mod:`graph.commit`):

1. the record, with its full diff, is written to the audit store with status ``pending`` and flushed;
2. the data change is applied to the data store in one atomic update;
3. the record is marked ``applied`` (committed).

:func:`recover` settles every ``pending`` record left by a crash between 1 and 3: its added quads all present
and its removed quads all absent in the data store -> ``applied``; nothing of it present -> ``aborted``;
anything else (the data update is atomic, so it cannot happen unless the data changed since) is logged and
marked ``needs-review``.  It runs when the server starts and when a process first opens the write path.  It
also moves the audit graph of a store written before the audit store existed out of the data store.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.diffs import CHANGES_GRAPH, Diff
from graph.namespaces import GOVKG
from graph.store import Store, audit_store
from graph.store.base import QuadTuple
from graph.store.terms import n3

log = logging.getLogger(__name__)

_RECOVERED: dict[int, Store] = {}
_LOCK = threading.Lock()


def status_ops(cs_iri: str, status: str, extra: list[QuadTuple] | None = None) -> str:
    """One update setting the status of the record ``cs_iri`` (whatever it was) and adding ``extra`` quads."""
    s, p = f"<{cs_iri}>", f"<{GOVKG.status}>"
    ops = [f"DELETE WHERE {{ GRAPH <{CHANGES_GRAPH}> {{ {s} {p} ?old }} }}",
           f"INSERT DATA {{ GRAPH <{CHANGES_GRAPH}> {{ {s} {p} {n3(Literal(status))} }} }}"]
    if extra:
        ops.append("INSERT DATA { " + " ".join(
            f"GRAPH {n3(q[3])} {{ {n3(q[0])} {n3(q[1])} {n3(q[2])} . }}" for q in extra) + " }")
    return " ;\n".join(ops)


def query(store: Store, sparql: str) -> Any:
    """A read-only SPARQL query on the audit store of ``store``."""
    return audit_store(store).query(sparql)


# --- recovery ----------------------------------------------------------------------------------------


def _present(store: Store, q: QuadTuple) -> bool:
    t = f"{n3(q[0])} {n3(q[1])} {n3(q[2])} ."
    return store.query(f"ASK {{ {t} }}" if q[3] is None else f"ASK {{ GRAPH {n3(q[3])} {{ {t} }} }}").boolean


def applied_state(store: Store, d: Diff) -> str:
    """``all`` when the data store holds the state after ``d``, ``none`` when it holds the state before, else
    ``partial``.  Quads with blank nodes cannot be named by SPARQL and are left out of the test."""
    signs: list[bool] = []
    signs += [_present(store, q) for q in d.added if not _blank(q)]
    signs += [not _present(store, q) for q in d.removed if not _blank(q)]
    quad_graphs = {str(q[3]) for q in (*d.added, *d.removed) if q[3] is not None}
    lone = [g for g in (*d.created, *d.dropped) if g not in quad_graphs]
    if lone:
        named = set(store.named_graphs())
        signs += [g in named for g in d.created if g in lone]
        signs += [g not in named for g in d.dropped if g in lone]
    if not signs:
        return "all" if d.empty else "partial"
    return "all" if all(signs) else "none" if not any(signs) else "partial"


def _blank(q: QuadTuple) -> bool:
    return isinstance(q[0], BNode) or isinstance(q[2], BNode)


def migrate(store: Store) -> int:
    """Move the audit graph of a store written by an earlier version into the audit store; quads moved."""
    if CHANGES_GRAPH not in set(store.named_graphs()):
        return 0
    buf = io.BytesIO()
    store.dump(buf, format="ntriples", graph=CHANGES_GRAPH)
    audit = audit_store(store)
    audit.load(buf.getvalue(), format="ntriples", graph=CHANGES_GRAPH)  # copied first, durably
    audit.flush()
    store.update(f"DROP SILENT GRAPH <{CHANGES_GRAPH}>")
    n = buf.getvalue().count(b"\n")
    log.warning("moved the audit graph (%d quads) out of the data store into the audit store", n)
    return n


def recover(store: Store) -> dict[str, int]:
    """Settle every ``pending`` record of ``store``'s audit store (see the module's text); the counts."""
    from graph.changesets import CHANGESET_BASE, load

    counts = {"migrated": migrate(store), "applied": 0, "aborted": 0, "needs-review": 0}
    audit = audit_store(store)
    rows = audit.query(f'SELECT ?c WHERE {{ GRAPH <{CHANGES_GRAPH}> {{ ?c <{GOVKG.status}> "pending" }} }}').rows()
    for r in rows:
        cs = load(store, str(r["c"]).removeprefix(CHANGESET_BASE))
        if cs is None:
            continue
        state = applied_state(store, cs.diff)
        status = {"all": "applied", "none": "aborted"}.get(state, "needs-review")
        extra: list[QuadTuple] = []
        if status == "applied" and cs.accepts:  # the staged record it accepts becomes accepted with it
            staged = URIRef(CHANGESET_BASE + cs.accepts)
            audit.update(status_ops(str(staged), "accepted"))
            g = URIRef(CHANGES_GRAPH)
            extra = [(staged, GOVKG.reviewedBy, Literal(cs.actor), g),
                     (staged, GOVKG.reviewedAt, Literal(cs.ended or cs.started, datatype=XSD.dateTime), g)]
        if status == "needs-review":
            log.error("changeset %s was pending and is only partly in the data; marked needs-review", cs.id)
        else:
            log.warning("changeset %s was pending after a crash; marked %s", cs.id, status)
        audit.update(status_ops(cs.iri, status, extra))
        counts[status] += 1
    audit.flush()
    return counts


def recover_once(store: Store) -> None:
    """:func:`recover` the first time this process opens the write path of ``store``."""
    with _LOCK:
        if _RECOVERED.get(id(store)) is store:
            return
        recover(store)
        _RECOVERED[id(store)] = store
