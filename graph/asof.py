"""The structure as it stood on a date: organisation charts and post holders.

Both functions ask the store one SPARQL query each over the union of all graphs and read the answer in its
native SPARQL JSON form (no rdflib term per cell), then shape plain Python data for the viewer and the API.

- :func:`org_chart` gives the tree of units under a unit (``org:unitOf`` for units, ``org:subOrganizationOf``
  for organisations) that were in existence on the date: ``schema:validFrom`` on or before it and
  ``schema:validThrough`` on or after it, each bound only when known.  A unit whose parent did not exist on
  the date is not in the tree.  Each unit carries the name it had on the date and its name today
  (:func:`names_on`): renames (``org:ChangeEvent`` of type ``rename``) decide first, then the label stated by
  the most recent legal document, since an article may label a unit with the short form it used.
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
SELECT ?unit ?parent ?type ?unitFrom ?unitTo WHERE {{
  {{ SELECT DISTINCT ?unit ?parent WHERE {{
      ?unit (org:unitOf|org:subOrganizationOf)+ <{root}> .
      ?unit org:unitOf|org:subOrganizationOf ?parent .
  }} }}
  {valid}
  OPTIONAL {{ ?unit govkg:unitType ?type }}
}}
"""

ROOT_QUERY = """
SELECT ?type ?unitFrom ?unitTo WHERE {{
  BIND(<{root}> AS ?unit)
  OPTIONAL {{ ?unit govkg:unitType ?type }}
  OPTIONAL {{ ?unit schema:validFrom ?unitFrom }} OPTIONAL {{ ?unit schema:validThrough ?unitTo }}
}} LIMIT 1
"""

#: Every label of the units, with the date of the legal document whose graph states it (when one does).
LABELS_QUERY = """
SELECT DISTINCT ?unit ?label ?docDate WHERE {{
  VALUES ?unit {{ {units} }}
  {{ ?unit rdfs:label ?label }}
  OPTIONAL {{
    GRAPH ?g {{ ?unit rdfs:label ?label . ?g prov:wasDerivedFrom ?doc }}
    ?doc a eli:LegalResource ; eli:first_date_entry_in_force|eli:date_document ?docDate .
  }}
}}
"""

RENAMES_QUERY = """
SELECT DISTINCT ?unit ?date ?former ?new WHERE {{
  VALUES ?unit {{ {units} }}
  ?ev a org:ChangeEvent ; govkg:changeType <{rename}> ; org:originalOrganization ?unit ; dct:date ?date .
  OPTIONAL {{ ?ev govkg:formerName ?former }} OPTIONAL {{ ?ev govkg:newName ?new }}
}}
"""


@dataclass(frozen=True)
class Names:
    on: str  # the Vietnamese name on the date
    today: str  # the Vietnamese name today
    en: str | None  # the English name today, when the name of the date is today's


def _raw_rows(store: Store, sparql: str) -> list[dict[str, dict[str, str]]]:
    doc = json.loads(store.query(sparql, union_default_graph=True).serialize("json"))
    return list(doc["results"]["bindings"])


def names_on(store: Store, units: list[str], on: date | str) -> dict[str, Names]:
    """The names of ``units`` on a date and today.

    Today's name is the new name of the latest rename, else the label stated by the most recent legal document,
    else the smallest label (an article may give a short form as its label).  The name on the date is the
    former name of the first rename after it, else the new name of the last rename before it, else today's.
    """
    d = _iso(on)
    if not units:
        return {}
    values = " ".join(f"<{_iri(u)}>" for u in units)
    best: dict[tuple[str, str], tuple[str, str]] = {}  # (unit, lang) -> (doc date or "", label)
    for b in _raw_rows(store, LABELS_QUERY.format(units=values)):
        lab = b["label"]
        lang = lab.get("xml:lang", "").lower()
        if lang not in ("vi", "en"):
            continue
        key, cand = (b["unit"]["value"], lang), (b.get("docDate", {}).get("value", ""), lab["value"])
        cur = best.get(key)
        if cur is None or cand[0] > cur[0] or (cand[0] == cur[0] and cand[1] < cur[1]):
            best[key] = cand
    renames: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for r in _solutions(store, RENAMES_QUERY.format(units=values, rename=RENAME)):
        renames.setdefault(r["unit"], []).append((r["date"], r.get("former"), r.get("new")))
    out = {}
    for u in units:
        rs = sorted(renames.get(u, []))
        today = next((n for _, _, n in reversed(rs) if n), None) or (best.get((u, "vi")) or ("", ""))[1] or \
            u.rsplit("/", 1)[-1]
        later = [f for dt, f, _ in rs if dt > d and f]
        earlier = [n for dt, _, n in rs if dt <= d and n]
        name = later[0] if later else (earlier[-1] if earlier else today)
        en = (best.get((u, "en")) or ("", None))[1] if name == today else None
        out[u] = Names(on=name, today=today, en=en)
    return out


def _chart_unit(iri: str, row: dict[str, str], names: Names) -> ChartUnit:
    return ChartUnit(
        iri=iri, label=names.on, label_en=names.en,
        current_label=names.today if names.today != names.on else None, unit_type=row.get("type"),
        valid_from=row.get("unitFrom"), valid_through=row.get("unitTo"),
    )


def org_chart(store: Store, unit_iri: str, on: date | str) -> ChartUnit | None:
    """The tree of units under ``unit_iri`` that existed on ``on``; ``None`` when the unit itself did not."""
    d, root = _iso(on), _iri(unit_iri)
    head = _solutions(store, ROOT_QUERY.format(root=root))
    row = head[0] if head else {}
    if (row.get("unitFrom") and row["unitFrom"] > d) or (row.get("unitTo") and row["unitTo"] < d):
        return None
    rows = _solutions(store, CHART_QUERY.format(root=root, valid=_valid("unit", d)))
    names = names_on(store, sorted({root} | {r["unit"] for r in rows}), d)
    top = _chart_unit(root, row, names[root])
    nodes: dict[str, ChartUnit] = {}
    parents: dict[str, set[str]] = {}
    for r in rows:
        u = r["unit"]
        if u not in nodes:
            nodes[u] = _chart_unit(u, r, names[u])
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
