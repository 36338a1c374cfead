"""Reading the audit store: changesets newest first, by entity, steward or status; an entity's history."""

from __future__ import annotations

from typing import Any

from graph.changesets import CHANGESET_BASE
from graph.diffs import CHANGES_GRAPH
from graph.namespaces import GOVKG, ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.store import audit_store
from graph.store.base import Store


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _iri_ok(iri: str) -> bool:
    return bool(iri) and ":" in iri and not any(c in iri for c in '<>"{}|^`\\ \t\n\r')


def changesets(store: Store, *, entity: str = "", steward: str = "", status: str = "", limit: int = 100,
               offset: int = 0) -> list[dict[str, Any]]:
    """Summaries (id, actor, operation, status, started, comment, counts), newest first."""
    filters = []
    if entity:
        if not _iri_ok(entity):
            return []
        filters.append(f"?c <{GOVKG.touches}> <{entity}> .")
    if steward:
        filters.append(f"?c <{GOVKG.steward}> {_lit(steward)} .")
    if status:
        filters.append(f"?c <{GOVKG.status}> {_lit(status)} .")
    q = f"""
    SELECT ?c ?actor ?op ?status ?started ?comment ?added ?removed ?reverts ?accepts WHERE {{
      GRAPH <{CHANGES_GRAPH}> {{
        ?c a <{GOVKG.Changeset}> ; <{GOVKG.steward}> ?actor ; <{GOVKG.operation}> ?op ; <{GOVKG.status}> ?status ;
           <http://www.w3.org/ns/prov#startedAtTime> ?started ;
           <{GOVKG.addedCount}> ?added ; <{GOVKG.removedCount}> ?removed .
        {" ".join(filters)}
        OPTIONAL {{ ?c <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }}
        OPTIONAL {{ ?c <{GOVKG.reverts}> ?reverts }}
        OPTIONAL {{ ?c <{GOVKG.accepts}> ?accepts }}
      }}
    }} ORDER BY DESC(?started) DESC(?c) LIMIT {int(limit)} OFFSET {int(offset)}"""
    out = []
    for r in audit_store(store).query(q).rows():
        out.append({
            "id": str(r["c"]).removeprefix(CHANGESET_BASE), "actor": str(r["actor"]), "operation": str(r["op"]),
            "status": str(r["status"]), "started": str(r["started"]), "comment": str(r.get("comment", "")),
            "added": int(str(r["added"])), "removed": int(str(r["removed"])),
            "reverts": str(r["reverts"]).removeprefix(CHANGESET_BASE) if "reverts" in r else None,
            "accepts": str(r["accepts"]).removeprefix(CHANGESET_BASE) if "accepts" in r else None,
        })
    return out


def entity_history(store: Store, iri: str, limit: int = 20) -> list[dict[str, Any]]:
    """The applied changesets that touched ``iri``, newest first (for the entity page)."""
    return [c for c in changesets(store, entity=iri, limit=limit) if c["status"] == "applied"]


def editable_facts(store: Store, iri: str, limit: int = 60) -> list[dict[str, str]]:
    """The literal facts stated about ``iri`` in named graphs (graph, predicate, value, language, datatype): what
    a steward may edit inline from the entity's page (``POST /steward/edit``).  The audit, ontology and shapes
    graphs are left out."""
    if not _iri_ok(iri):
        return []
    q = f"""SELECT DISTINCT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o FILTER(isLiteral(?o)) }}
      FILTER(?g NOT IN (<{CHANGES_GRAPH}>, <{ONTOLOGY_GRAPH}>, <{SHAPES_GRAPH}>)) }}
      ORDER BY ?p ?g ?o LIMIT {int(limit)}"""
    out = []
    for r in store.query(q).rows():
        o = r["o"]
        out.append({"graph": str(r["g"]), "predicate": str(r["p"]), "value": str(o),
                    "lang": getattr(o, "language", None) or "",
                    "datatype": str(getattr(o, "datatype", None) or "") if not getattr(o, "language", None) else ""})
    return out
