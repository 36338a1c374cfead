"""The most connected persons and units, by SPARQL aggregates, computed off the request path.

A node's degree is the number of distinct entities one step from it over the edges of
:func:`graph.analysis.build_graph` (a direct triple between two entities, a membership, an agent's part in an
event), the engine counting them (``COUNT(DISTINCT ?m)``): no graph of the whole store in Python (1M: 32-38 s and
~200 MB per store generation).  The count still reads the whole store (1M: ~15 s for persons, ~30 s for units on
two shared cores), so it runs on a background thread (:meth:`graph.viewcache.Derived.get_within`): a page waits
at most :data:`WAIT_S` for it, then shows the rankings from before the last write, which :func:`state` marks as
``"stale"``, or none yet (``"building"``).
"""

from __future__ import annotations

from graph.lexical import solutions
from graph.namespaces import ID
from graph.paths import NODE_KINDS
from graph.store.base import Store
from graph.viewcache import Derived

#: How many of each kind are remembered (a page shows :func:`ranked`'s ``top`` of them).
KEPT = 50
#: How long a page waits for rankings being computed before it shows the previous ones.
WAIT_S = 1.0
KINDS = ("person", "unit")


def _is_entity(var: str) -> str:
    return " || ".join(f'STRSTARTS(STR(?{var}), "{ID}{k}/")' for k in NODE_KINDS)


def degree_query(kind: str, limit: int = KEPT) -> str:
    """The ``limit`` entities of ``kind`` with the most distinct neighbours, most first (ties by IRI)."""
    return f"""SELECT ?n (COUNT(DISTINCT ?m) AS ?d) WHERE {{
  {{ ?n ?p ?m FILTER(isIRI(?m)) }} UNION {{ ?m ?p ?n }} UNION
  {{ ?x org:member ?n ; org:organization ?m }} UNION {{ ?x org:organization ?n ; org:member ?m }} UNION
  {{ ?n prov:qualifiedAssociation ?a . ?a prov:agent ?m }} UNION
  {{ ?a prov:agent ?n . ?m prov:qualifiedAssociation ?a }}
  FILTER(STRSTARTS(STR(?n), "{ID}{kind}/") && ?n != ?m && ({_is_entity("m")}))
}} GROUP BY ?n ORDER BY DESC(?d) ?n LIMIT {int(limit)}"""


def degrees(store: Store) -> dict[str, list[tuple[str, int]]]:
    """``{kind: [(iri, degree), ...]}`` of the :data:`KEPT` most connected persons and units (whole-store counts)."""
    return {kind: [(r["n"], int(r["d"])) for r in solutions(store, degree_query(kind))] for kind in KINDS}


_DEGREES: Derived[dict[str, list[tuple[str, int]]]] = Derived(degrees)


def ranked(store: Store, top: int = 10, wait: float = WAIT_S) -> dict[str, list[tuple[str, int]]]:
    """The ``top`` (at most :data:`KEPT`) most connected of each kind: current if computed within ``wait``
    seconds, else those from before the last write, else empty lists (:func:`state` says which)."""
    got = _DEGREES.get_within(store, wait)
    return {kind: (got or {}).get(kind, [])[:top] for kind in KINDS}


def state(store: Store) -> str:
    """``"ready"`` (rankings of the store as it is), ``"stale"`` (from before the last write, being updated) or
    ``"building"`` (none yet)."""
    return _DEGREES.state(store)
