"""The one write path: plan, refuse, validate, commit atomically with the record, publish.

Every write (SPARQL Update, the Graph Store Protocol, uploads, forms, inline edits, revert, accepting a staged
change) is a *plan*: a function that, given the store, returns the :class:`graph.diffs.Diff` it would make.
:func:`execute` runs it under one lock (writes never interleave):

1. ``If-Match`` against the ETag of what the write replaces (412 when stale);
2. the plan, on copies in memory (nothing written);
3. refusals: the audit graph is never written by a request; the ontology and shapes graphs, ``DROP ALL`` and
   ``CLEAR ALL`` need an admin token *and* the confirmation header (:data:`CONFIRM_HEADER`);
4. staging (``stage=True``): only the record is written (to the audit store), with status ``staged``;
5. SHACL on the state after the change (:func:`graph.shacl.validate_change`, incremental), in the request's
   language; any violation raises :class:`ValidationFailed` carrying the report;
6. room on the disk (:func:`check_room`): a write the disk of either store has no room for is refused with
   "No space left on device" (HTTP 507) before anything is written;
7. two phases across the data store and the audit store (:mod:`graph.audit`): the record with its diff,
   ``pending`` and flushed; the diff as one SPARQL Update on the data store (all or nothing); the record
   ``applied`` (or ``aborted`` when the update failed);
8. a new checkpoint generation for the query workers and the viewer's caches.

Step 6 exists because queries see a write only once step 8 has checkpointed it, and a checkpoint flushes the
write from memory to a new file: on a nearly full disk that flush was the first thing to hit ENOSPC, *after* the
commit, so the write was acknowledged (it is in the store's log and is served after a restart) while the
queries kept answering from the checkpoint before it (RELIABILITY H6, "every acknowledged write present").

Any exception before the data update completes (a parser, the validator, the disk) leaves the data as it was.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass

from graph.audit import recover_once, status_ops
from graph.changesets import Changeset, new_id, now, record
from graph.diffs import CHANGES_GRAPH, Diff, _blank
from graph.errors import ForbiddenOperation, GovkgError, StoreError, ValidationFailed
from graph.namespaces import SYSTEM_GRAPHS
from graph.store import audit_store
from graph.store.base import QuadTuple, Store
from graph.store.terms import n3

log = logging.getLogger(__name__)

WRITE_LOCK = threading.RLock()
CONFIRM_HEADER = "X-Govkg-Confirm"
CONFIRM_DROP_ALL = "drop-all"  # DROP ALL, CLEAR ALL, DROP NAMED, CLEAR NAMED
CONFIRM_SYSTEM = "system-graphs"  # writes into the ontology or shapes graph


class PreconditionFailed(GovkgError):
    """``If-Match`` named a version that is no longer current (HTTP 412)."""


class AdminRequired(ForbiddenOperation):
    """An operation that needs an admin token and the explicit confirmation header (HTTP 403)."""


@dataclass(frozen=True)
class WriteContext:
    """Who writes, why, and how to answer."""

    actor: str
    role: str = "steward"
    comment: str = ""
    source: str = ""
    lang: str = "en"
    confirm: str = ""  # the value of the X-Govkg-Confirm header
    stage: bool = False  # keep the change for review instead of applying it


Plan = Callable[[Store], Diff]


def execute(
    store: Store, ctx: WriteContext, operation: str, plan: Plan, *, drop_all: bool = False,
    if_match: Callable[[Store], None] | None = None, reverts: str = "", accepts: str = "",
    extra: Callable[[], list[str]] | None = None,
) -> Changeset:
    """Run ``plan`` and commit its diff with a changeset (or stage it); see the module's text."""
    with WRITE_LOCK:
        recover_once(store)
        if if_match is not None:
            if_match(store)
        d = plan(store)
        refuse(d, ctx, drop_all)
        started = now()
        cs = Changeset(id=new_id(), actor=ctx.actor, operation=operation, comment=ctx.comment, source=ctx.source,
                       status="staged" if ctx.stage else "applied", started=started, diff=d, reverts=reverts,
                       accepts=accepts)
        if d.empty and not ctx.stage and extra is None:
            cs.id = ""  # nothing to do, nothing recorded
            return cs
        if not ctx.stage:
            validate(store, d, ctx.lang)
        cs.ended = now()
        audit = audit_store(store)
        if ctx.stage:  # only the record: nothing of a staged change is in the data until accepted
            entry = insert_data(record(cs))
            check_room([audit], len(entry))
            _audit_write(audit, entry)
            return cs
        cs.status = "pending"
        entry = insert_data(record(cs))
        ops = diff_ops(d)
        check_room([store, audit], len(entry) + sum(len(op) for op in ops))
        # phase 1: the record with its full diff, pending, durable before the data changes
        _audit_write(audit, entry)
        # phase 2: the data change, one atomic update
        before = store.generation
        try:
            if ops:
                store.update(" ;\n".join(ops))
        except Exception as e:  # the engine refused or failed: Oxigraph wrote nothing
            _settle(audit, cs, "aborted")
            if isinstance(e, GovkgError):
                raise
            raise StoreError(f"the change could not be written; nothing was changed ({e})") from e
        # phase 3: committed (a crash before this is settled by graph.audit.recover at the next start)
        cs.status = "applied"
        _settle(audit, cs, "applied", extra() if extra is not None else [])
        published(store, d, before)
        return cs


#: A write needs this many times the length of its SPARQL text free on the disk of a store it writes: the
#: write-ahead log, the flush of the memtable into a new file when the checkpoint is taken, the record's own log
#: and flush in the audit store, and RocksDB's compactions meanwhile (measured on a tmpfs with 1,000-triple
#: batches: up to 12 times the text of the update and its record).
ROOM_FACTOR = 16
#: ... plus this reserve, the free space below which ``/healthz`` says ``read-only``: 64 MiB, or on a small disk
#: 5 % of it.
MIN_FREE_BYTES = 64 * 1024 * 1024


def reserve_bytes(total: int) -> int:
    """The free space a disk of ``total`` bytes keeps (writes are refused rather than eat into it)."""
    return min(MIN_FREE_BYTES, total // 20)


def check_room(stores: list[Store], text_len: int) -> None:
    """Refuse (``StoreError``, "No space left on device": HTTP 507) a write of ``text_len`` characters of SPARQL
    when the disk of any of ``stores`` on disk has less free than it needs (:data:`ROOM_FACTOR`) plus the reserve.

    Nothing is written yet, so RocksDB never meets ENOSPC and writes go on once space is freed.  A guard, not a
    guarantee (another process may fill the disk meanwhile): ENOSPC inside the commit is still refused with
    nothing changed, and one inside the checkpoint after it is logged by :func:`published`."""
    for st in stores:
        path = getattr(st, "path", None)
        if not st.supports_backup or path is None:  # a remote engine, or a store in memory
            continue
        try:
            usage = shutil.disk_usage(path)
        except OSError:
            continue
        need = text_len * ROOM_FACTOR + reserve_bytes(usage.total)
        if usage.free < need:
            raise StoreError(
                f"No space left on device for this write: the disk of {path.name} has {usage.free / 2**20:.1f} MiB "
                f"free and the write needs about {need / 2**20:.1f} MiB; nothing was changed")


def _audit_write(audit: Store, sparql: str) -> None:
    try:
        audit.update(sparql)
        audit.flush()
    except GovkgError:
        raise
    except Exception as e:
        raise StoreError(f"the change could not be recorded; nothing was changed ({e})") from e


def _settle(audit: Store, cs: Changeset, status: str, extra: list[str] | None = None) -> None:
    """Phase 3 (or the abort of phase 2): the record's final status.  A failure here is logged, not raised: the
    data is already as the status says, and the record stays ``pending`` until :func:`graph.audit.recover`."""
    try:
        audit.update(" ;\n".join([status_ops(cs.iri, status), *(extra or [])]))
    except Exception:
        log.exception("changeset %s could not be marked %s; it stays pending until the next start", cs.id, status)


def refuse(d: Diff, ctx: WriteContext, drop_all: bool) -> None:
    graphs = d.graphs()
    if CHANGES_GRAPH in graphs:
        raise ForbiddenOperation(f"<{CHANGES_GRAPH}> is the audit graph; only the write path writes it")
    system = sorted(g for g in graphs if g in {str(x) for x in SYSTEM_GRAPHS})
    if drop_all:
        _confirmed(ctx, CONFIRM_DROP_ALL, "DROP ALL / CLEAR ALL")
    if system:
        _confirmed(ctx, CONFIRM_SYSTEM, "a write into " + ", ".join(f"<{g}>" for g in system))


def _confirmed(ctx: WriteContext, word: str, what: str) -> None:
    if ctx.role != "admin" or ctx.confirm.strip().lower() != word:
        raise AdminRequired(f"{what} needs an admin token and the header '{CONFIRM_HEADER}: {word}'")


def validate(store: Store, d: Diff, lang: str) -> None:
    """Raise :class:`ValidationFailed` when the state after ``d`` violates a shape; fail closed on any error."""
    from graph.shacl import validate_change

    try:
        report = validate_change(store, d.added, d.removed, lang)
    except Exception as e:  # a crash of the validator must not let the write through
        log.exception("the validator failed")
        raise StoreError(f"the validator failed; nothing was written ({type(e).__name__})") from e
    bad = [v for v in report.results if v.severity == "Violation"]
    if bad:
        report.results = bad
        report.conforms = False
        n = len(bad)
        msg = (f"Thay đổi bị từ chối: {n} vi phạm ràng buộc SHACL." if lang == "vi"
               else f"The change was refused: {n} SHACL violation{'s' if n != 1 else ''}.")
        raise ValidationFailed(msg, report)


def diff_ops(d: Diff) -> list[str]:
    ops: list[str] = []
    for g in d.unblank:
        pat = "?s ?p ?o FILTER(isBlank(?s) || isBlank(?o))"
        if g is None:
            ops.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ {pat} }}")
        else:
            ops.append(f"DELETE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ {pat} }} }}")
    removed = [q for q in d.removed if not _blank(q)]
    if removed:
        ops.append("DELETE DATA { " + " ".join(_stmt(q) for q in removed) + " }")
    if d.added or d.reblank:
        ops.append(insert_data([*d.added, *d.reblank]))  # one operation: a blank-node label is one node
    ops += [f"CREATE SILENT GRAPH <{g}>" for g in d.created]
    ops += [f"DROP SILENT GRAPH <{g}>" for g in d.dropped]
    return ops


def insert_data(quads: list[QuadTuple]) -> str:
    return "INSERT DATA { " + " ".join(_stmt(q) for q in quads) + " }"


def delete_data(quads: list[QuadTuple]) -> str:
    return "DELETE DATA { " + " ".join(_stmt(q) for q in quads) + " }"


def _stmt(q: QuadTuple) -> str:
    s, p, o, g = q
    t = f"{n3(s)} {n3(p)} {n3(o)} ."
    return t if g is None else f"GRAPH {n3(g)} {{ {t} }}"


def published(store: Store, d: Diff | None = None, before: int = -1) -> None:
    """After a commit: a new checkpoint generation, and derived views forgotten (the viewer's kept memos only
    where the diff ``d``, written from generation ``before``, touched them: :mod:`graph.write_log`).  Never
    undoes the commit."""
    from graph import side_tables, write_log
    from graph.store.snapshots import after_write
    from graph.viewcache import invalidate

    keys = None
    if d is not None and not d.unblank:  # blank-node components rewritten whole: not described, all forgotten
        try:
            keys = write_log.touched(store, [*d.added, *d.reblank], d.removed, d.created)
        except Exception:  # the write stands; the memos are forgotten instead
            log.exception("could not tell what a committed write touched")

    try:
        after_write(store)
    except Exception:  # the change is committed; readers catch up at the next generation
        log.exception("could not publish a checkpoint after a committed write: the write is in the store (and is "
                      "served after a restart) but queries do not see it until a checkpoint is published")
    if keys is not None:
        write_log.note(store, before, keys)
    side_tables.after_write(store, before, keys, d)
    invalidate(store, kept=keys is None)
