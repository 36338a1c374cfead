"""Review and revert: changes kept for another steward to accept or reject, and changes undone.

- :func:`stage`: a patch (quads to add and remove) recorded with status ``staged``; nothing in the data
  changes.  Ingestion proposals (:func:`stage_proposal`) become staged changes into the source's graph.
- :func:`accept`: a steward who is not the author applies the staged change to the data as it is *now*
  (validated then), as a new changeset that ``govkg:accepts`` it; the staged record becomes ``accepted``.
- :func:`reject`: the staged record becomes ``rejected``; the data never changed.
- :func:`revert`: a new changeset applying the inverse of an applied one, validated like any write.
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.audit import status_ops
from graph.changesets import Changeset, load, now
from graph.commit import WRITE_LOCK, WriteContext, execute
from graph.diffs import CHANGES_GRAPH, patch_plan
from graph.errors import ForbiddenOperation, GovkgError
from graph.namespaces import GOVKG
from graph.store import audit_store
from graph.store.base import QuadTuple, Store


class ReviewError(GovkgError):
    """A review or revert that cannot be done in the changeset's state (HTTP 409)."""


def stage(store: Store, ctx: WriteContext, add: list[QuadTuple], remove: list[QuadTuple],
          operation: str = "form") -> Changeset:
    """Record a change for review; the data does not change."""
    staged = WriteContext(ctx.actor, ctx.role, ctx.comment, ctx.source, ctx.lang, ctx.confirm, stage=True)
    return execute(store, staged, operation, patch_plan(add, remove))


def stage_proposal(store: Store, ctx: WriteContext, proposal: object) -> Changeset:
    """An ingestion :class:`graph.ingest.Proposal` as a staged change into its target graph."""
    target = URIRef(proposal.target_graph)  # type: ignore[attr-defined]
    staging = str(proposal.staging_graph)  # type: ignore[attr-defined]
    quads: list[QuadTuple] = []
    for s, p, o, _g in proposal.dataset.quads((None, None, None, None)):  # type: ignore[attr-defined]
        s = target if str(s) == staging else s
        o = target if str(o) == staging else o
        quads.append((s, p, o, target))
    notes = proposal.review_text(ctx.lang) if hasattr(proposal, "review_text") else ""
    if notes:  # what the extractor left out for the reviewer to supply: said in the staged change's comment
        ctx = replace(ctx, comment=f"{ctx.comment} — {notes}" if ctx.comment else notes)
    return stage(store, ctx, quads, [], operation="ingest")


def _status_ops(cs: Changeset, status: str, reviewer: str, when: str) -> list[str]:
    """Operations on the audit store: the staged record ``cs`` becomes ``status``, reviewed by ``reviewer``."""
    s, g = URIRef(cs.iri), URIRef(CHANGES_GRAPH)
    return [status_ops(cs.iri, status, [(s, GOVKG.reviewedBy, Literal(reviewer), g),
                                         (s, GOVKG.reviewedAt, Literal(when, datatype=XSD.dateTime), g)])]


def _staged(store: Store, cs_id: str, reviewer: str) -> Changeset:
    cs = load(store, cs_id)
    if cs is None:
        raise LookupError(f"no changeset {cs_id}")
    if cs.status != "staged":
        raise ReviewError(f"changeset {cs_id} is {cs.status}, not staged")
    if cs.actor == reviewer:
        raise ForbiddenOperation("a staged change is accepted or rejected by another steward than its author")
    return cs


def accept(store: Store, cs_id: str, ctx: WriteContext) -> Changeset:
    """Apply the staged change ``cs_id`` as a new changeset (validated against the current state)."""
    with WRITE_LOCK:
        cs = _staged(store, cs_id, ctx.actor)
        when = now()
        applied = WriteContext(ctx.actor, ctx.role, ctx.comment or cs.comment, cs.source or ctx.source, ctx.lang,
                               ctx.confirm)
        return execute(store, applied, "accept", patch_plan(cs.diff.added, cs.diff.removed, cs.diff.created,
                                                            cs.diff.dropped),
                       accepts=cs_id, extra=lambda: _status_ops(cs, "accepted", ctx.actor, when))


def reject(store: Store, cs_id: str, ctx: WriteContext) -> Changeset:
    with WRITE_LOCK:
        cs = _staged(store, cs_id, ctx.actor)
        audit = audit_store(store)
        audit.update(" ;\n".join(_status_ops(cs, "rejected", ctx.actor, now())))
        audit.flush()
        cs.status, cs.reviewer = "rejected", ctx.actor
        return cs


def revert(store: Store, cs_id: str, ctx: WriteContext) -> Changeset:
    """Undo the applied changeset ``cs_id`` with a new, validated changeset."""
    with WRITE_LOCK:
        cs = load(store, cs_id)
        if cs is None:
            raise LookupError(f"no changeset {cs_id}")
        if cs.status != "applied":
            raise ReviewError(f"changeset {cs_id} is {cs.status}; only applied changes are reverted")
        d = cs.diff
        return execute(store, ctx, "revert", patch_plan(d.removed, d.added, d.dropped, d.created), reverts=cs_id)
