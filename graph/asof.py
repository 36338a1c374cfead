"""The structure as it stood on a date: organisation charts and post holders.

Both read the store's answers in their native SPARQL JSON form (no rdflib term per cell) and shape plain Python
data for the viewer and the API.  The union default graph is a bag (a unit stated in a thousand graphs matches a
thousand times), so no query joins two facts that may each be stated many times: the units, their dates and types,
and their labels are each asked for on their own, and what a unit's names are is remembered per store
generation (:mod:`graph.viewcache`).

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

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph import side_tables
from graph.asof_holders import Holder, post_holders
from graph.asof_holders import iri_checked as _iri
from graph.asof_holders import iso_date as _iso
from graph.asof_holders import solutions as _solutions
from graph.asof_names import Names, names_on
from graph.lexical import bindings
from graph.namespaces import PREFIXES
from graph.store.base import Store
from graph.viewcache import Derived

__all__ = ["ChartUnit", "Holder", "Names", "names_on", "org_chart", "post_holders"]


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


XSD_DATE = PREFIXES["xsd"] + "date"
ATTRS = {PREFIXES["schema"] + "validFrom": "unitFrom", PREFIXES["schema"] + "validThrough": "unitTo",
         PREFIXES["govkg"] + "unitType": "type"}

PARENT_LINKS = (PREFIXES["org"] + "unitOf", PREFIXES["org"] + "subOrganizationOf")
#: The units under the root and their parents (each pair once, however many graphs state it).
CHART_QUERY = """
SELECT DISTINCT ?unit ?parent WHERE {{
  ?unit (org:unitOf|org:subOrganizationOf)+ <{root}> .
  ?unit org:unitOf|org:subOrganizationOf ?parent .
}}
"""

#: The dates and types of units, one row per distinct value (joined in Python: as OPTIONALs they multiplied).
ATTRS_QUERY = "SELECT DISTINCT ?unit ?p ?o WHERE {{ {branches} }}"


def _memo(store: Store) -> dict[tuple[str, str], Any]:
    return {}


#: What the chart reads, per store generation: ("pairs", root) -> the units under it and their parents,
#: ("attrs", unit) -> its dates and types (date-free: the day is applied in Python).
_MEMO: Derived[dict[tuple[str, str], Any]] = Derived(_memo)


def _remember(memo: dict[tuple[str, str], Any], found: dict[tuple[str, str], Any]) -> None:
    if len(memo) + len(found) > 100_000:
        memo.clear()
    memo.update(found)


def _attr(u: str, what: str, value: str, is_date: bool, d: str, froms: dict[str, list[tuple[str, bool]]],
          tos: dict[str, list[tuple[str, bool]]], types: dict[str, list[str]]) -> None:
    if what == "type":
        types.setdefault(u, []).append(value)
    elif what == "unitFrom":
        froms.setdefault(u, []).append((value, is_date and value <= d))
    else:
        tos.setdefault(u, []).append((value, is_date and value >= d))


def _pairs(store: Store, root: str) -> list[dict[str, str]]:
    kept = side_tables.below(store, root, PARENT_LINKS)
    if kept is not None:  # the facts kept beside the store (graph.side_tables)
        return [{"unit": u, "parent": p} for u in sorted(kept) for p in sorted(kept[u])]
    memo = _MEMO.get(store)
    if ("pairs", root) not in memo:
        _remember(memo, {("pairs", root): _solutions(store, CHART_QUERY.format(root=root))})
    out: list[dict[str, str]] = memo[("pairs", root)]
    return out


def _attrs(store: Store, units: list[str], d: str) -> dict[str, dict[str, str]]:
    """``{unit: {"type", "unitFrom", "unitTo"}}`` of the units in existence on ``d``: ``validFrom`` on or
    before it and ``validThrough`` on or after it, each when stated (as the SPARQL filter
    ``!BOUND(?from) || ?from <= d`` did: a value that is not an ``xsd:date`` never compares)."""
    froms: dict[str, list[tuple[str, bool]]] = {}
    tos: dict[str, list[tuple[str, bool]]] = {}
    types: dict[str, list[str]] = {}
    memo = _MEMO.get(store)
    todo = [u for u in units if ("attrs", u) not in memo]
    kept = side_tables.facts(store, todo, ATTRS) if todo else None
    if kept is not None:  # the facts kept beside the store (graph.side_tables)
        _remember(memo, {("attrs", u): [(ATTRS[p], o, k == "L" and dt == XSD_DATE)
                                        for p, o, k, _lang, dt, _, _ in kept.get(u, [])] for u in todo})
        todo = []
    if todo:
        v = "VALUES ?unit { " + " ".join(f"<{_iri(u)}>" for u in todo) + " }"  # inside each branch: by index
        q = ATTRS_QUERY.format(branches=" UNION ".join(f"{{ {v} ?unit <{p}> ?o BIND(<{p}> AS ?p) }}" for p in ATTRS))
        got: dict[str, list[tuple[str, str, bool]]] = {u: [] for u in todo}
        for b in bindings(store, q):
            o = b["o"]
            got[b["unit"]["value"]].append((ATTRS[b["p"]["value"]], o["value"], o.get("datatype") == XSD_DATE))
        _remember(memo, {("attrs", u): vs for u, vs in got.items()})
    for u in units:
        for what, value, is_date in memo[("attrs", u)]:
            _attr(u, what, value, is_date, d, froms, tos, types)
    out = {}
    for u in units:
        ok_from = sorted(v for v, ok in froms.get(u, []) if ok)
        ok_to = sorted(v for v, ok in tos.get(u, []) if ok)
        if (u in froms and not ok_from) or (u in tos and not ok_to):
            continue
        row = {"unitFrom": ok_from[0] if ok_from else None, "unitTo": ok_to[-1] if ok_to else None,
               "type": min(types[u]) if u in types else None}
        out[u] = {k: v for k, v in row.items() if v is not None}
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
    pairs = _pairs(store, root)
    attrs = _attrs(store, sorted({root} | {r["unit"] for r in pairs}), d)
    if root not in attrs:
        return None
    rows = [r for r in pairs if r["unit"] in attrs]
    names = names_on(store, sorted({root} | {r["unit"] for r in rows}), d)
    top = _chart_unit(root, attrs[root], names[root])
    nodes: dict[str, ChartUnit] = {}
    parents: dict[str, set[str]] = {}
    for r in rows:
        u = r["unit"]
        if u not in nodes:
            nodes[u] = _chart_unit(u, attrs[u], names[u])
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
