"""Events in time, filtered by unit, person, type and period, for the timeline page and its JSON twin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.labels import iri_ref, kind_of, labels, linkable, text_of, values
from graph.store.base import Store


@dataclass(frozen=True)
class Filters:
    """What to show; IRIs are checked by :func:`graph.labels.iri_ref`, dates are :class:`datetime.date`."""

    unit: str = ""
    person: str = ""
    type: str = ""
    start: date | None = None
    end: date | None = None
    limit: int = 1000

    def as_dict(self) -> dict[str, str]:
        return {"unit": self.unit, "person": self.person, "type": self.type,
                "start": self.start.isoformat() if self.start else "",
                "end": self.end.isoformat() if self.end else ""}


#: What counts as part of a unit for the unit filter: its sub-units at any depth and the party cells, councils and
#: blocks attached to it or to them.
PART_OF = "(org:unitOf|org:subOrganizationOf|govkg:attachedTo)*"


def unit_and_parts(store: Store, unit: str) -> list[str]:
    """``unit`` with its sub-units (``org:unitOf``/``org:subOrganizationOf``, any depth) and what is attached
    to any of them (``govkg:attachedTo``), the agents whose events the unit filter shows."""
    q = f"SELECT DISTINCT ?u WHERE {{ ?u {PART_OF} {iri_ref(unit)} FILTER(isIRI(?u)) }}"
    return sorted({unit} | {str(r["u"]) for r in store.query(q, union_default_graph=True).rows()})


def _took_part(agents: list[str]) -> str:
    """The events of ``agents``, starting from them: the agents inside each branch, so that Oxigraph looks each
    one up by index instead of joining every event with them (13.7 s for the government at 100k)."""
    v = values("agent", agents)
    return (f"{{ SELECT DISTINCT ?e WHERE {{ {{ {v} ?e schema:organizer ?agent }} UNION "
            f"{{ {v} ?e prov:wasAssociatedWith ?agent }} UNION "
            f"{{ {v} ?qa prov:agent ?agent . ?e prov:qualifiedAssociation ?qa }} }} }}")


def _where(f: Filters, units: list[str]) -> str:
    parts = []
    if f.unit:  # the filters that name an entity first: they bound the events
        parts.append(_took_part(units))
    if f.person:
        parts.append(_took_part([f.person]))
    parts.append("?e a schema:Event . OPTIONAL { ?e schema:startDate ?start } OPTIONAL { ?e schema:endDate ?end } "
                 "OPTIONAL { ?e govkg:eventType ?type } OPTIONAL { ?e schema:location ?loc }")
    if f.type:
        parts.append(f"?e govkg:eventType {iri_ref(f.type)} .")
    # Dates are date objects, so their isoformat() is only digits and hyphens.
    if f.start:
        parts.append(f'FILTER(BOUND(?start) && ?start >= "{f.start.isoformat()}"^^xsd:date)')
    if f.end:
        parts.append(f'FILTER(BOUND(?start) && ?start <= "{f.end.isoformat()}"^^xsd:date)')
    return " ".join(parts)


def events(store: Store, f: Filters | None = None, lang: str = "vi") -> dict[str, Any]:
    """The events that pass ``f``, oldest first, with type, place, organisers and participants."""
    f = f or Filters()
    units = unit_and_parts(store, f.unit) if f.unit else []
    q = (f"SELECT DISTINCT ?e ?start ?end ?type ?loc WHERE {{ {_where(f, units)} }} "
         f"ORDER BY ?start ?e LIMIT {int(f.limit)}")
    rows = store.query(q, union_default_graph=True).rows()
    evs: dict[str, dict[str, Any]] = {}
    for r in rows:
        e = str(r["e"])
        d = evs.setdefault(e, {"iri": e, "start": "", "end": "", "type": "", "location": "",
                               "organisers": [], "participants": []})
        d["start"] = d["start"] or text_of(r.get("start"))[:10]
        d["end"] = d["end"] or text_of(r.get("end"))[:10]
        d["type"] = d["type"] or text_of(r.get("type"))
        loc = r.get("loc")
        if loc is not None and not d["location"]:
            d["location"] = str(loc) if kind_of(str(loc)) != "other" else text_of(loc)
    agents: dict[str, dict[str, set[str]]] = {e: {"organisers": set(), "participants": set()} for e in evs}
    if evs:
        q = (f"SELECT ?e ?o ?a WHERE {{ {values('e', evs)} {{ ?e schema:organizer ?o }} UNION "
             "{ ?e prov:wasAssociatedWith ?a } UNION { ?e prov:qualifiedAssociation/prov:agent ?a } }")
        for r in store.query(q, union_default_graph=True).rows():
            e = str(r["e"])
            if "o" in r:
                agents[e]["organisers"].add(str(r["o"]))
            if "a" in r:
                agents[e]["participants"].add(str(r["a"]))
    wanted = set(evs) | {d["type"] for d in evs.values() if d["type"]}
    for a in agents.values():
        wanted |= a["organisers"] | a["participants"]
    wanted |= {x for x in (f.unit, f.person, f.type) if x}
    names = labels(store, wanted, lang)

    def ref(i: str) -> dict[str, Any]:
        return {"iri": i, "label": names.get(i, i), "kind": kind_of(i), "link": linkable(i)}

    out = []
    for e, d in evs.items():
        d["label"] = names.get(e, e)
        d["kind"] = kind_of(e)
        d["link"] = linkable(e)
        d["type"] = ref(d["type"]) if d["type"] else None
        d["organisers"] = [ref(i) for i in sorted(agents[e]["organisers"])]
        d["participants"] = [ref(i) for i in sorted(agents[e]["participants"] - agents[e]["organisers"])]
        out.append(d)
    return {
        "filters": f.as_dict(),
        "filter_labels": {k: names.get(v, v) for k, v in f.as_dict().items() if k in ("unit", "person", "type") and v},
        "events": out,
        "types": event_types(store, lang),
    }


def event_types(store: Store, lang: str = "vi") -> list[dict[str, Any]]:
    """The event types in use, with how many events each has."""
    q = ("SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a schema:Event ; govkg:eventType ?t } "
         "GROUP BY ?t ORDER BY DESC(?n)")
    rows = [(str(r["t"]), int(str(r["n"]))) for r in store.query(q, union_default_graph=True).rows()]
    names = labels(store, [t for t, _ in rows], lang)
    return [{"iri": t, "label": names[t], "count": n} for t, n in rows]
