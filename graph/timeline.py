"""Events in time, filtered by unit, person, type and period, for the timeline page and its JSON twin.

A unit with its sub-units has thousands of events at scale, so the page shows one page of them (``Filters.limit``
events from ``Filters.page``, oldest first) with the total.  The matching events and their dates are read once per
filter until a write touches them (:mod:`graph.kept`; paging through them, or coming back, asks the store only for
the page's details); what is shown of each event (type, place, agents, labels) is read for the page alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from graph import side_tables
from graph.kept import KeptMemo
from graph.labels import for_each, iri_ref, kind_of, labels, linkable, values
from graph.lexical import solutions
from graph.side_by_side import run_all
from graph.store.base import Store
from graph.write_log import Key

SCHEMA_EVENT = "https://schema.org/Event"
START_DATE = "https://schema.org/startDate"
QUALIFIED = "http://www.w3.org/ns/prov#qualifiedAssociation"
#: The links by which an event reaches its agents, and a unit its parts (:data:`PART_OF`, :func:`_took_part`).
AGENT_LINKS = ("https://schema.org/organizer", "http://www.w3.org/ns/prov#wasAssociatedWith",
               "http://www.w3.org/ns/prov#agent", "http://www.w3.org/ns/org#unitOf",
               "http://www.w3.org/ns/org#subOrganizationOf", "https://w3id.org/govkg/ontology#attachedTo")
EVENT_TYPE = "https://w3id.org/govkg/ontology#eventType"
#: Events on one page of the timeline (the vis-timeline stays readable, the page's labels one query).
PAGE_SIZE = 100
#: From this many agents (a unit and its parts) the events are asked for in two halves, side by side.
SPLIT_AGENTS = 64
#: Filters whose matching events are kept (then all are forgotten at once).
REMEMBERED = 64


@dataclass(frozen=True)
class Filters:
    """What to show; IRIs are checked by :func:`graph.labels.iri_ref`, dates are :class:`datetime.date`;
    ``page`` counts from 1 in pages of ``limit`` events."""

    unit: str = ""
    person: str = ""
    type: str = ""
    start: date | None = None
    end: date | None = None
    limit: int = PAGE_SIZE
    page: int = 1

    def as_dict(self) -> dict[str, str]:
        return {"unit": self.unit, "person": self.person, "type": self.type,
                "start": self.start.isoformat() if self.start else "",
                "end": self.end.isoformat() if self.end else ""}

    def key(self) -> tuple[str, ...]:
        return tuple(self.as_dict().values())


#: What counts as part of a unit for the unit filter: its sub-units at any depth and the party cells, councils and
#: blocks attached to it or to them.
PART_OF = "(org:unitOf|org:subOrganizationOf|govkg:attachedTo)*"
PART_LINKS = AGENT_LINKS[3:]


def unit_and_parts(store: Store, unit: str) -> list[str]:
    """``unit`` with its sub-units (``org:unitOf``/``org:subOrganizationOf``, any depth) and what is attached
    to any of them (``govkg:attachedTo``), the agents whose events the unit filter shows."""
    kept = side_tables.below(store, iri_ref(unit)[1:-1], PART_LINKS, parents=False)
    if kept is not None:  # the facts kept beside the store (graph.side_tables)
        return sorted({unit} | kept.keys())
    q = f"SELECT DISTINCT ?u WHERE {{ ?u {PART_OF} {iri_ref(unit)} FILTER(isIRI(?u)) }}"
    return sorted({unit} | {r["u"] for r in solutions(store, q)})


_TOOK_PART = ("?e schema:organizer ?agent", "?e prov:wasAssociatedWith ?agent",
              "?qa prov:agent ?agent . ?e prov:qualifiedAssociation ?qa")


def _took_part(store: Store, agents: list[str]) -> str:
    """The events of ``agents``, starting from them: the agents inside each branch, so that Oxigraph looks each
    one up by index instead of joining every event with them (13.7 s for the government at 100k); where the engine
    has ``LATERAL``, the list once for the three branches (Chính phủ's 457 parts: 34 -> 30 ms at 1M, 194 -> 175
    at 10M, same rows)."""
    return f"{{ SELECT DISTINCT ?e WHERE {{ {for_each(store, values('agent', agents), _TOOK_PART)} }} }}"


def _where(store: Store, f: Filters, agents: list[str]) -> str:
    parts = []
    if f.unit:  # the filters that name an entity first: they bound the events
        parts.append(_took_part(store, agents))
    if f.person:
        parts.append(_took_part(store, [f.person]))
    each = "?e a schema:Event . "
    if f.type:
        each += f"?e govkg:eventType {iri_ref(f.type)} . "
    each += "OPTIONAL { ?e schema:startDate ?s }"
    # The agents' events looked up one by one where the engine has LATERAL: joined instead, every statement that
    # something is an event was read and hashed (the busiest person at 10M: 76 -> 0.4 ms, Chính phủ 225 -> 169).
    parts.append(f"LATERAL {{ {each} }}" if parts and store.supports_lateral else each)
    # Dates are date objects, so their isoformat() is only digits and hyphens.
    if f.start:
        parts.append(f'FILTER(BOUND(?s) && ?s >= "{f.start.isoformat()}"^^xsd:date)')
    if f.end:
        parts.append(f'FILTER(BOUND(?s) && ?s <= "{f.end.isoformat()}"^^xsd:date)')
    return " ".join(parts)


#: Per filter: the matching events, kept until a write links (as a set of triples) an event or a part to the
#: filter's unit, one of its parts or its person, touches its type or one of the events, or adds or removes an
#: event or a qualified association.
_MATCHING: KeptMemo[tuple[str, ...], list[tuple[str, str]]] = KeptMemo(REMEMBERED)


def matching(store: Store, f: Filters) -> list[tuple[str, str]]:
    """``(start, event)`` of every event that passes ``f``, oldest first (undated first, then by IRI); one query,
    kept until a write touches it (:mod:`graph.kept`)."""
    key = f.key()
    hit = _MATCHING.get(store, key)
    if hit is not None:
        return hit
    since = _MATCHING.mark(store)
    agents = unit_and_parts(store, f.unit) if f.unit else []
    # a unit's many parts in halves, side by side (graph.side_by_side): an event of parts in both halves comes
    # back from each with the same first date
    halves = [agents[0::2], agents[1::2]] if len(agents) >= SPLIT_AGENTS else [agents]
    starts: dict[str, str] = {}
    for found in run_all([partial(_starts, store, f, half) for half in halves]):
        starts.update(found)
    hit = sorted((start, e) for e, start in starts.items())
    # the agents by the links the query follows (a membership of a sub-unit leaves its events as they were)
    deps: set[Key] = {("link", f"{p} {a}") for a in (*agents, f.person) if a for p in AGENT_LINKS}
    deps |= {("set", x) for x in (f.type, *(e for _, e in hit)) if x}
    # an event typed, or linked to an existing association, after its agent was: not the agent's triple
    deps |= {("set", SCHEMA_EVENT), ("set", QUALIFIED)}
    if (not f.unit and not f.person) or f.start or f.end:  # an event dated into the period is not in the list
        deps.add(("set", START_DATE))
    _MATCHING.put(store, since, [(key, hit, deps)])
    return hit


def _starts(store: Store, f: Filters, agents: list[str]) -> dict[str, str]:
    """``{event: its first start date, or ""}`` of the events that pass ``f`` through ``agents``."""
    q = f"SELECT ?e (MIN(?s) AS ?start) WHERE {{ {_where(store, f, agents)} }} GROUP BY ?e"
    return {r["e"]: r.get("start", "") for r in solutions(store, q)}


def _details(store: Store, page: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    evs: dict[str, dict[str, Any]] = {
        e: {"iri": e, "start": start[:10], "end": "", "type": "", "location": "", "organisers": set(),
            "participants": set()} for start, e in page}
    if not evs:
        return evs
    q = (f"SELECT DISTINCT ?e ?end ?type ?loc ?o ?a WHERE {{ {values('e', evs)} "
         "{ ?e schema:endDate ?end } UNION { ?e govkg:eventType ?type } UNION { ?e schema:location ?loc } UNION "
         "{ ?e schema:organizer ?o } UNION { ?e prov:wasAssociatedWith ?a } UNION "
         "{ ?e prov:qualifiedAssociation/prov:agent ?a } }")
    for r in sorted(solutions(store, q), key=lambda r: sorted(r.items())):  # the first of several, always the same
        d = evs[r["e"]]
        for var, k in (("end", "end"), ("type", "type"), ("loc", "location")):
            if var in r and not d[k]:
                d[k] = r[var][:10] if var == "end" else r[var]
        if "o" in r:
            d["organisers"].add(r["o"])
        if "a" in r:
            d["participants"].add(r["a"])
    return evs


def events(store: Store, f: Filters | None = None, lang: str = "vi") -> dict[str, Any]:
    """One page of the events that pass ``f``, oldest first, with type, place, organisers and participants, and
    the paging: ``total`` events, this ``page`` of ``pages``."""
    f = f or Filters()
    beside = _beside(store, f, lang)
    found = matching(store, f)
    size = max(1, int(f.limit))
    pages = max(1, -(-len(found) // size))
    page = min(max(1, int(f.page)), pages)
    on_page = found[(page - 1) * size: page * size]
    evs: dict[str, dict[str, Any]] = {}
    halves = [on_page[0::2], on_page[1::2]] if len(on_page) >= 20 else [on_page]  # side by side
    for part in run_all([partial(_details, store, half) for half in halves]):
        evs.update(part)
    evs = {e: evs[e] for _, e in on_page}  # the page's order
    wanted = set(evs) | {d["type"] for d in evs.values() if d["type"]}
    for d in evs.values():
        wanted |= d["organisers"] | d["participants"]
    wanted |= {x for x in (f.unit, f.person, f.type) if x}
    types, shown = beside()
    # labels are read IRI by IRI: those read beside the page's events are not asked again
    names = shown | labels(store, (wanted | {t for t, _ in types}) - shown.keys(), lang)

    def ref(i: str) -> dict[str, Any]:
        return {"iri": i, "label": names.get(i, i), "kind": kind_of(i), "link": linkable(i)}

    out = []
    for e, d in evs.items():
        d["label"] = names.get(e, e)
        d["kind"] = kind_of(e)
        d["link"] = linkable(e)
        d["type"] = ref(d["type"]) if d["type"] else None
        orgs = d["organisers"]
        d["organisers"] = [ref(i) for i in sorted(orgs)]
        d["participants"] = [ref(i) for i in sorted(d["participants"] - orgs)]
        out.append(d)
    return {
        "filters": f.as_dict(),
        "filter_labels": {k: names.get(v, v) for k, v in f.as_dict().items() if k in ("unit", "person", "type") and v},
        "events": out,
        "total": len(found),
        "page": page,
        "pages": pages,
        "first": (page - 1) * size + 1 if out else 0,
        "types": [{"iri": t, "label": names[t], "count": n} for t, n in types],
    }


#: The event-type counts of every event (:func:`event_types`): the distinct (event, type) pairs first, then the
#: type check (joining every statement of a type with every statement that the subject is an event, the union
#: default graph being a bag, took 60-90 ms at 1M, this 11-17).
JOINED_COUNTS = ("SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { { SELECT DISTINCT ?e ?t WHERE { ?e govkg:eventType ?t } "
                 "} ?e a schema:Event } GROUP BY ?t ORDER BY DESC(?n) ?t")
#: The same counts when whatever has a type is an event (as the model has it), with no check.
_COUNTS = "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e govkg:eventType ?t } GROUP BY ?t ORDER BY DESC(?n) ?t"
#: Something with an event type that is not a ``schema:Event``, if there is one (one anti-join by hashing).
_UNTYPED = "SELECT ?e WHERE { ?e govkg:eventType ?t MINUS { ?e a schema:Event } } LIMIT 1"


def _event_types(store: Store) -> list[tuple[str, int]]:
    # Counted without the check, after one anti-join that finds nothing to check (3 + 6.5 ms at 1M, 32 + 131 at
    # 10M, for 11 and 206 joined); the joined count when it finds something.
    q = JOINED_COUNTS if solutions(store, _UNTYPED) else _COUNTS
    return [(r["t"], int(r["n"])) for r in solutions(store, q)]


#: Writes that leave every event's type and every ``schema:Event`` as they were leave the counts as they were.
_TYPES_DEPS: tuple[Key, ...] = (("set", EVENT_TYPE), ("set", SCHEMA_EVENT))
_TYPES: side_tables.Whole[list[tuple[str, int]]] = side_tables.Whole(
    "event-types", lambda store: _event_types(store), _TYPES_DEPS, load=lambda v: [(t, int(n)) for t, n in v])


def event_types(store: Store) -> list[tuple[str, int]]:
    """The event types in use with how many events each has, most used first (a count over every event: kept
    beside the store, else in memory, until a write adds or removes an event type or an event)."""
    return _TYPES.get(store)


def _beside(store: Store, f: Filters, lang: str) -> Callable[[], tuple[list[tuple[str, int]], dict[str, str]]]:
    """What the page shows whatever its events: the event-type counts (:func:`event_types`) and, when they are not
    kept, the labels of the types and of the filters' IRIs, read on a thread of their own while the page reads its
    events (pyoxigraph lets go of the GIL while it groups and counts, and while it reads a hub's labels: at 10M
    Chính phủ's label beside the unit's events took 162 ms for 276 one after the other).  The call returned waits
    for them (and raises what they raised); kept counts come at once, with no labels (the page asks them)."""
    kept = _TYPES.kept(store)
    if kept is not None:
        done = kept
        return lambda: (done, {})
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            types = event_types(store)
            box["done"] = (types, labels(store, {t for t, _ in types} | {x for x in (f.unit, f.person, f.type) if x},
                                         lang))
        except BaseException as e:  # handed to the page's thread
            box["error"] = e

    worker = threading.Thread(target=run, name="govkg-timeline", daemon=True)
    worker.start()

    def wait() -> tuple[list[tuple[str, int]], dict[str, str]]:
        worker.join()
        if "error" in box:
            raise box["error"]
        done: tuple[list[tuple[str, int]], dict[str, str]] = box["done"]
        return done
    return wait
