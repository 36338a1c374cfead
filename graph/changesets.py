"""Changesets: who changed what, when and why, kept as PROV in the audit store beside the data.

One ``prov:Activity`` (also a ``govkg:Changeset``) per change in ``{BASE}/graph/changes`` of the audit store
(:func:`graph.store.audit_store`, docs/MODEL.md "Changesets"): the steward (token name), start and end times,
the comment, the entry point, the status (``pending``, ``applied``, ``aborted``, ``needs-review``, ``staged``,
``accepted``, ``rejected``), the graphs and entities it touches, and the diff itself as
two N-Quads literals (``govkg:addedQuads`` / ``govkg:removedQuads``), so that a revert or a review needs
nothing but the record.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD
from rdflib.term import Node

from graph.diffs import CHANGES_GRAPH, Diff
from graph.namespaces import GOVKG, ID
from graph.store import audit_store
from graph.store.base import QuadTuple, Store
from graph.store.terms import n3

CHANGESET_BASE = f"{ID}changeset/"
STATUSES = ("pending", "applied", "aborted", "needs-review", "staged", "accepted", "rejected")


@dataclass
class Changeset:
    id: str
    actor: str
    operation: str  # update, put, post, delete, upload, form, edit, revert, ingest, accept
    comment: str = ""
    source: str = ""  # the entry point or the URL of what was ingested
    status: str = "applied"
    started: str = ""
    ended: str = ""
    diff: Diff = field(default_factory=Diff)
    reverts: str = ""  # the id of the changeset this one reverts
    accepts: str = ""  # the id of the staged changeset this one applies
    reviewer: str = ""
    reviewed: str = ""

    @property
    def iri(self) -> str:
        return CHANGESET_BASE + self.id

    def entities(self) -> list[str]:
        return touched_entities(self.diff)

    def to_json(self) -> dict[str, object]:
        d = self.diff
        return {
            "id": self.id, "iri": self.iri, "actor": self.actor, "operation": self.operation,
            "comment": self.comment, "source": self.source, "status": self.status, "started": self.started,
            "ended": self.ended, "reverts": self.reverts or None, "accepts": self.accepts or None,
            "reviewer": self.reviewer or None, "reviewed": self.reviewed or None,
            "graphs": sorted(g or "" for g in d.graphs()), "entities": self.entities(),
            "added": [nquad(q) for q in d.added], "removed": [nquad(q) for q in d.removed],
            "created": d.created, "dropped": d.dropped,
        }


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def new_id() -> str:
    """Sortable by time, then random: ``20250102T030405123456Z-3f9a1c``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def nquad(q: QuadTuple) -> str:
    s, p, o, g = q
    return f"{n3(s)} {n3(p)} {n3(o)}" + ("" if g is None else f" {n3(g)}") + " ."


def nquads(quads: list[QuadTuple]) -> str:
    return "".join(nquad(q) + "\n" for q in quads)


def parse_nquads(text: str) -> list[QuadTuple]:
    from rdflib import Dataset

    if not text.strip():
        return []
    ds = Dataset()
    ds.parse(data=text, format="nquads")
    out: list[QuadTuple] = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        gn = None if g is None or str(g) == str(ds.default_graph.identifier) else URIRef(str(g))
        out.append((s, p, o, gn))
    return sorted(out, key=lambda q: nquad(q))


def touched_entities(d: Diff) -> list[str]:
    out = {str(t) for q in (*d.added, *d.removed) for t in (q[0], q[2]) if isinstance(t, URIRef)
           and str(t).startswith(str(ID)) and not str(t).startswith(CHANGESET_BASE)}
    return sorted(out)


def record(cs: Changeset) -> list[QuadTuple]:
    """The PROV record of ``cs`` as quads of the audit graph."""
    g, s = URIRef(CHANGES_GRAPH), URIRef(cs.iri)
    t: list[tuple[Node, Node]] = [
        (RDF.type, PROV.Activity), (RDF.type, GOVKG.Changeset),
        (GOVKG.steward, Literal(cs.actor)), (GOVKG.operation, Literal(cs.operation)),
        (GOVKG.status, Literal(cs.status)),
        (PROV.startedAtTime, Literal(cs.started, datatype=XSD.dateTime)),
        (GOVKG.addedQuads, Literal(nquads(cs.diff.added))), (GOVKG.removedQuads, Literal(nquads(cs.diff.removed))),
        (GOVKG.addedCount, Literal(len(cs.diff.added))), (GOVKG.removedCount, Literal(len(cs.diff.removed))),
    ]
    if cs.ended:
        t.append((PROV.endedAtTime, Literal(cs.ended, datatype=XSD.dateTime)))
    if cs.comment:
        t.append((RDFS.comment, Literal(cs.comment)))
    if cs.source:
        t.append((GOVKG.changeSource, Literal(cs.source)))
    for name, value in (("createdGraphs", cs.diff.created), ("droppedGraphs", cs.diff.dropped)):
        if value:
            t.append((GOVKG[name], Literal(" ".join(value))))
    for gr in sorted(cs.diff.graphs(), key=lambda x: x or ""):
        if gr:
            t.append((GOVKG.affectedGraph, URIRef(gr)))
    for e in cs.entities():
        t.append((GOVKG.touches, URIRef(e)))
    if cs.reverts:
        t.append((GOVKG.reverts, URIRef(CHANGESET_BASE + cs.reverts)))
    if cs.accepts:
        t.append((GOVKG.accepts, URIRef(CHANGESET_BASE + cs.accepts)))
    if cs.reviewer:
        t.append((GOVKG.reviewedBy, Literal(cs.reviewer)))
        t.append((GOVKG.reviewedAt, Literal(cs.reviewed, datatype=XSD.dateTime)))
    return [(s, p, o, g) for p, o in t]


_FIELDS = {
    "steward": "actor", "operation": "operation", "status": "status", "comment": "comment",
    "changeSource": "source", "startedAtTime": "started", "endedAtTime": "ended", "reviewedBy": "reviewer",
    "reviewedAt": "reviewed",
}


def load(store: Store, cs_id: str) -> Changeset | None:
    """The changeset ``cs_id`` as recorded in the audit store of the data store ``store``, or None."""
    if not all(c.isalnum() or c in "-_" for c in cs_id) or not cs_id:
        return None
    rows = audit_store(store).query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{CHANGES_GRAPH}> {{ <{CHANGESET_BASE}{cs_id}> ?p ?o }} }}"
    ).rows()
    if not rows:
        return None
    cs = Changeset(id=cs_id, actor="", operation="")
    for r in rows:
        p, o = str(r["p"]), r["o"]
        local = p.rsplit("#", 1)[-1]
        if local in _FIELDS:
            setattr(cs, _FIELDS[local], str(o))
        elif local == "addedQuads":
            cs.diff.added = parse_nquads(str(o))
        elif local == "removedQuads":
            cs.diff.removed = parse_nquads(str(o))
        elif local == "createdGraphs":
            cs.diff.created = str(o).split()
        elif local == "droppedGraphs":
            cs.diff.dropped = str(o).split()
        elif local in ("reverts", "accepts"):
            setattr(cs, local, str(o).removeprefix(CHANGESET_BASE))
    return cs


def fingerprint(store: Store) -> str:
    """SHA-256 of the whole store as sorted N-Quads (blank node labels as stored)."""
    buf = io.BytesIO()
    store.dump(buf, format="nquads")
    lines = sorted(x for x in buf.getvalue().splitlines() if x.strip())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def graph_etag(store: Store, graph: str | None) -> str:
    """A strong ETag of one graph: the hash of its sorted N-Triples (quoted, as the header wants)."""
    buf = io.BytesIO()
    store.dump(buf, format="ntriples", graph="" if graph is None else graph)
    lines = sorted(x for x in buf.getvalue().splitlines() if x.strip())
    return '"' + hashlib.sha256(b"\n".join(lines)).hexdigest()[:32] + '"'


def entity_etag(store: Store, iri: str) -> str:
    """A strong ETag of an entity: the hash of its sorted outgoing quads in every data graph."""
    rows = store.query(
        f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} FILTER(?g != <{CHANGES_GRAPH}>) }}"
    ).rows()
    lines = sorted(nquad((URIRef(iri), r["p"], r["o"], r["g"])) for r in rows)
    return '"' + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32] + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    """``If-Match`` semantics: absent or ``*`` passes; otherwise one of the listed tags must equal ``etag``."""
    if header is None or header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags
