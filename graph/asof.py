"""The structure as it stood on a date: organisation charts and post holders.

Both functions ask the store one SPARQL query each over the union of all graphs and read the answer in its
native SPARQL JSON form (no rdflib term per cell), then shape plain Python data for the viewer and the API.

- :func:`org_chart` gives the tree of units under a unit (``org:unitOf`` for units, ``org:subOrganizationOf``
  for organisations) that were in existence on the date: ``schema:validFrom`` on or before it and
  ``schema:validThrough`` on or after it, each bound only when known.  A unit whose parent did not exist on
  the date is not in the tree.  Each unit carries the name it had on the date: a rename in force after the
  date (``org:ChangeEvent`` of type ``rename``) gives back its ``govkg:formerName``.
- :func:`post_holders` gives the memberships in a unit held on the date: a period that covers it, or, for
  memberships known only from an article, ``govkg:attestedOn`` that very date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.namespaces import BASE
from graph.store.base import Store

RENAME = f"{BASE}/id/concept/change-type/rename"


@dataclass
class ChartUnit:
    iri: str
    label: str
    label_en: str | None = None
    current_label: str | None = None  # the name today, when it differs from the name on the date
    unit_type: str | None = None
    valid_from: str | None = None
    valid_through: str | None = None
    children: list[ChartUnit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "label": self.label, "label_en": self.label_en, "current_label": self.current_label,
            "unit_type": self.unit_type, "valid_from": self.valid_from, "valid_through": self.valid_through,
            "children": [c.to_dict() for c in self.children],
        }

    def walk(self) -> list[ChartUnit]:
        """This unit and every unit below it, depth first."""
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out


@dataclass(frozen=True)
class Holder:
    membership: str
    person: str
    person_label: str
    role: str
    role_label: str | None
    post: str | None
    valid_from: str | None
    valid_through: str | None
    attested_on: str | None
    concurrent: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _iso(d: date | str) -> str:
    s = d.isoformat() if isinstance(d, date) else str(d)
    date.fromisoformat(s)  # raises ValueError on anything that is not a calendar date
    return s


def _iri(s: str) -> str:
    if not s or any(c in s for c in "<>\"{}|^`\\ \n"):
        raise ValueError(f"not an IRI: {s!r}")
    return s


def _solutions(store: Store, sparql: str) -> list[dict[str, str]]:
    """Rows as {variable: lexical value}, read from the SPARQL JSON results of the store."""
    doc = json.loads(store.query(sparql, union_default_graph=True).serialize("json"))
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def _valid(var: str, d: str) -> str:
    return (f'OPTIONAL {{ ?{var} schema:validFrom ?{var}From }} OPTIONAL {{ ?{var} schema:validThrough ?{var}To }}\n'
            f'  FILTER((!BOUND(?{var}From) || ?{var}From <= "{d}"^^xsd:date) && '
            f'(!BOUND(?{var}To) || ?{var}To >= "{d}"^^xsd:date))')


CHART_QUERY = """
SELECT ?unit ?parent ?label ?labelEn ?type ?unitFrom ?unitTo ?former WHERE {{
  {{ SELECT DISTINCT ?unit ?parent WHERE {{
      ?unit (org:unitOf|org:subOrganizationOf)+ <{root}> .
      ?unit org:unitOf|org:subOrganizationOf ?parent .
  }} }}
  {valid}
  OPTIONAL {{ ?unit rdfs:label ?label FILTER(langMatches(lang(?label), "vi")) }}
  OPTIONAL {{ ?unit rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }}
  OPTIONAL {{ ?unit govkg:unitType ?type }}
  OPTIONAL {{
    {{ SELECT ?unit (MIN(?d) AS ?next) WHERE {{
        ?ev a org:ChangeEvent ; govkg:changeType <{rename}> ; org:originalOrganization ?unit ; dct:date ?d .
        FILTER(?d > "{date}"^^xsd:date)
    }} GROUP BY ?unit }}
    ?ev2 a org:ChangeEvent ; govkg:changeType <{rename}> ; org:originalOrganization ?unit ; dct:date ?next ;
         govkg:formerName ?former .
  }}
}}
"""

ROOT_QUERY = """
SELECT ?label ?labelEn ?type ?unitFrom ?unitTo ?former WHERE {{
  BIND(<{root}> AS ?unit)
  OPTIONAL {{ ?unit rdfs:label ?label FILTER(langMatches(lang(?label), "vi")) }}
  OPTIONAL {{ ?unit rdfs:label ?labelEn FILTER(langMatches(lang(?labelEn), "en")) }}
  OPTIONAL {{ ?unit govkg:unitType ?type }}
  OPTIONAL {{ ?unit schema:validFrom ?unitFrom }} OPTIONAL {{ ?unit schema:validThrough ?unitTo }}
  OPTIONAL {{
    {{ SELECT ?unit (MIN(?d) AS ?next) WHERE {{
        ?ev a org:ChangeEvent ; govkg:changeType <{rename}> ; org:originalOrganization ?unit ; dct:date ?d .
        FILTER(?d > "{date}"^^xsd:date)
    }} GROUP BY ?unit }}
    ?ev2 a org:ChangeEvent ; govkg:changeType <{rename}> ; org:originalOrganization ?unit ; dct:date ?next ;
         govkg:formerName ?former .
  }}
}} LIMIT 1
"""


def _chart_unit(iri: str, row: dict[str, str]) -> ChartUnit:
    label = row.get("label") or iri.rsplit("/", 1)[-1]
    former = row.get("former")
    return ChartUnit(
        iri=iri, label=former or label, label_en=None if former else row.get("labelEn"),
        current_label=label if former and former != label else None, unit_type=row.get("type"),
        valid_from=row.get("unitFrom"), valid_through=row.get("unitTo"),
    )


def org_chart(store: Store, unit_iri: str, on: date | str) -> ChartUnit | None:
    """The tree of units under ``unit_iri`` that existed on ``on``; ``None`` when the unit itself did not."""
    d, root = _iso(on), _iri(unit_iri)
    head = _solutions(store, ROOT_QUERY.format(root=root, date=d, rename=RENAME))
    row = head[0] if head else {}
    if (row.get("unitFrom") and row["unitFrom"] > d) or (row.get("unitTo") and row["unitTo"] < d):
        return None
    top = _chart_unit(root, row)
    rows = _solutions(store, CHART_QUERY.format(root=root, date=d, rename=RENAME, valid=_valid("unit", d)))
    nodes: dict[str, ChartUnit] = {}
    parents: dict[str, set[str]] = {}
    for r in rows:
        u = r["unit"]
        if u not in nodes:
            nodes[u] = _chart_unit(u, r)
        parents.setdefault(u, set()).add(r["parent"])
    # Attach each unit under each of its parents that is itself in the tree (reachable from the root).
    nodes[root] = top
    placed: set[str] = {root}
    frontier = [root]
    children: dict[str, list[str]] = {}
    for u, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(u)
    while frontier:
        p = frontier.pop()
        for u in sorted(children.get(p, ()), key=lambda i: (nodes[i].label.casefold(), i)):
            if u in placed or u == root:
                continue
            placed.add(u)
            nodes[p].children.append(nodes[u])
            frontier.append(u)
    _sort(top)
    return top


def _sort(u: ChartUnit) -> None:
    u.children.sort(key=lambda c: (c.label.casefold(), c.iri))
    for c in u.children:
        _sort(c)


HOLDERS_QUERY = """
SELECT DISTINCT ?m ?person ?personLabel ?role ?roleLabel ?post ?mFrom ?mTo ?attested ?concurrent WHERE {{
  ?m a org:Membership ; org:organization <{unit}> ; org:member ?person ; org:role ?role .
  FILTER NOT EXISTS {{ ?m govkg:former true }}
  OPTIONAL {{ ?m govkg:post ?post }}
  OPTIONAL {{ ?m schema:validFrom ?mFrom }} OPTIONAL {{ ?m schema:validThrough ?mTo }}
  OPTIONAL {{ ?m govkg:attestedOn ?attested }}
  OPTIONAL {{ ?m govkg:concurrent ?concurrent }}
  FILTER(
    ((BOUND(?mFrom) || BOUND(?mTo))
      && (!BOUND(?mFrom) || ?mFrom <= "{date}"^^xsd:date) && (!BOUND(?mTo) || ?mTo >= "{date}"^^xsd:date))
    || (!BOUND(?mFrom) && !BOUND(?mTo) && BOUND(?attested) && ?attested = "{date}"^^xsd:date))
  OPTIONAL {{ ?person rdfs:label ?personLabel FILTER(langMatches(lang(?personLabel), "vi")) }}
  OPTIONAL {{ ?role skos:prefLabel ?roleLabel FILTER(langMatches(lang(?roleLabel), "vi")) }}
}}
"""


def post_holders(store: Store, unit_iri: str, on: date | str) -> list[Holder]:
    """Who held which post in ``unit_iri`` on ``on`` (former holders and other dates excluded)."""
    d, unit = _iso(on), _iri(unit_iri)
    seen: dict[str, Holder] = {}
    for r in _solutions(store, HOLDERS_QUERY.format(unit=unit, date=d)):
        m = r["m"]
        if m in seen:
            continue
        seen[m] = Holder(
            membership=m, person=r["person"], person_label=r.get("personLabel") or r["person"].rsplit("/", 1)[-1],
            role=r["role"], role_label=r.get("roleLabel"), post=r.get("post"), valid_from=r.get("mFrom"),
            valid_through=r.get("mTo"), attested_on=r.get("attested"),
            concurrent=r.get("concurrent") in ("true", "1"),
        )
    return sorted(seen.values(), key=lambda h: (h.role, h.person_label.casefold(), h.membership))
