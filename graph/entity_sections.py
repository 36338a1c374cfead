"""The facts an entity page shows, grouped by meaning, as one table per kind.

Each :class:`Section` is a SPARQL group pattern about ``$this`` (the entity) that binds:

- ``?v`` the value (an IRI or a literal), ``?g`` the named graph the fact comes from;
- ``?node`` the node that carries the fact's evidence and source: the membership or association of an n-ary
  fact, else the subject of the triple;
- optionally ``?role`` (a role concept, change type or the predicate), ``?from``/``?to`` (a period),
  ``?at`` (attested on), ``?date``, ``?former``.

The patterns are evaluated over the union of the graphs, a bag: a triple stated in k graphs matches k times, so
a pattern joins on the union only where it must (a type test is a ``FILTER EXISTS``; the triples of one statement
sit in one ``GRAPH ?g``).  ``$this`` is replaced by a checked IRI
(:func:`graph.labels.iri_ref`) and nothing else is ever put into them.
"""

from __future__ import annotations

from dataclasses import dataclass

_PERIOD = (
    "OPTIONAL { ?node org:role ?role } OPTIONAL { ?node schema:validFrom ?from } "
    "OPTIONAL { ?node schema:validThrough ?to } OPTIONAL { ?node govkg:attestedOn ?at } "
    "OPTIONAL { ?node govkg:former ?former }"
)
#: An agent's events: its qualified associations (the agent first: an index lookup), then its plain ones without
#: a qualified one (a MINUS: the agent's qualified associations read once; a NOT EXISTS per row cost 50 µs each).
_QUALIFIED_AGENT = (
    "{ GRAPH ?g { ?node prov:agent $this . ?v prov:qualifiedAssociation ?node } "
    "  OPTIONAL { ?node prov:hadRole ?role } OPTIONAL { ?v schema:startDate ?date } } UNION "
    "{ GRAPH ?g { ?v prov:wasAssociatedWith $this } BIND(?v AS ?node) OPTIONAL { ?v schema:startDate ?date } "
    "  MINUS { ?q prov:agent $this . ?v prov:qualifiedAssociation ?q } }"
)


@dataclass(frozen=True)
class Section:
    key: str
    pattern: str
    #: outgoing predicates of ``$this`` that this section shows (left out of the "other facts")
    covers: tuple[str, ...] = ()
    #: ``("out" | "in", predicates)`` when the pattern is no more than ``$this pred ?v`` (``?v pred $this``) for
    #: each predicate: the facts the tables beside the store may hold (:mod:`graph.side_tables`)
    plain: tuple[str, tuple[str, ...]] | None = None


def _out(key: str, *preds: str, date: str = "") -> Section:
    """``$this pred ?v`` for each of ``preds``, the predicate as ``?role``."""
    opt = f"OPTIONAL {{ ?v {date} ?date }}" if date else ""
    pattern = f"GRAPH ?g {{ $this ?role ?v }} VALUES ?role {{ {' '.join(preds)} }} BIND($this AS ?node) {opt}"
    return Section(key, pattern, preds, None if date else ("out", preds))


def _in(key: str, *preds: str, date: str = "") -> Section:
    """``?v pred $this`` for each of ``preds``, the predicate as ``?role``."""
    opt = f"OPTIONAL {{ ?v {date} ?date }}" if date else ""
    return Section(key, f"GRAPH ?g {{ ?v ?role $this }} VALUES ?role {{ {' '.join(preds)} }} BIND(?v AS ?node) {opt}",
                   plain=None if date else ("in", preds))


PERSON = (
    Section("posts", f"GRAPH ?g {{ ?node org:member $this }} ?node org:organization ?v . {_PERIOD}"),
    Section("events", _QUALIFIED_AGENT),
    _in("signed", "govkg:signedBy", date="eli:date_document"),
)

UNIT = (
    _out("parents", "org:unitOf", "org:subOrganizationOf"),
    _in("children", "org:unitOf", "org:subOrganizationOf"),
    Section(
        "blocks",
        "{ GRAPH ?g { $this org:memberOf ?v } BIND($this AS ?node) } UNION "
        "{ GRAPH ?g { ?node org:member $this } ?node org:organization ?v . FILTER NOT EXISTS { ?node org:role ?r } }",
        ("org:memberOf",),
    ),
    Section(
        "members",
        "{ GRAPH ?g { ?v org:memberOf $this } BIND(?v AS ?node) } UNION "
        "{ GRAPH ?g { ?node org:organization $this } ?node org:member ?v . FILTER NOT EXISTS { ?node org:role ?r } }",
    ),
    Section(
        "attached",
        "{ GRAPH ?g { $this govkg:attachedTo ?v } BIND($this AS ?node) } UNION "
        "{ GRAPH ?g { ?v govkg:attachedTo $this } BIND(?v AS ?node) }",
        ("govkg:attachedTo",),
    ),
    Section(
        "heads",
        f"GRAPH ?g {{ ?node org:organization $this }} ?node org:member ?v . FILTER EXISTS {{ ?v a foaf:Person }} "
        f"{_PERIOD}",
    ),
    Section(
        "changes",
        "GRAPH ?g { ?v ?rel $this } VALUES ?rel { org:originalOrganization org:resultingOrganization } "
        "BIND(?v AS ?node) OPTIONAL { ?v govkg:changeType ?role } OPTIONAL { ?v dct:date ?date }",
    ),
    _in("organised", "schema:organizer", date="schema:startDate"),
    Section("events", _QUALIFIED_AGENT),
    _in("issued", "eli:passed_by", date="eli:date_document"),
)

_DOC_FIELDS = (
    "eli:id_local", "govkg:documentNumber", "eli:type_document", "govkg:issuerCode", "govkg:documentYear",
    "eli:date_document", "eli:passed_by", "govkg:signedBy", "eli:title", "dct:subject",
    "eli:first_date_entry_in_force", "govkg:numberAsWritten",
)
DOCUMENT = (
    _out("document", *_DOC_FIELDS),
    _in("implemented_by", "govkg:implements", date="schema:startDate"),
    _in("cited_by", "govkg:cites", "dct:references", date="schema:startDate"),
    _in("basis_of", "govkg:legalBasis", "govkg:basedOn"),
)

EVENT = (
    _out("event", "govkg:eventType", "schema:startDate", "schema:endDate", "schema:location", "schema:about"),
    _out("organisers", "schema:organizer"),
    Section(
        "participants",
        "{ GRAPH ?g { $this prov:qualifiedAssociation ?node } ?node prov:agent ?v . "
        "  OPTIONAL { ?node prov:hadRole ?role } } UNION "
        "{ GRAPH ?g { $this prov:wasAssociatedWith ?v } BIND($this AS ?node) "
        "  FILTER NOT EXISTS { $this prov:qualifiedAssociation/prov:agent ?v } }",
        ("prov:qualifiedAssociation", "prov:wasAssociatedWith"),
    ),
    _out("documents", "govkg:implements", "govkg:cites", "prov:used", "dct:references"),
    _out("programmes", "govkg:concerns"),
    _out("commemorates", "govkg:commemorates", date="schema:startDate"),
    Section(
        "same_occasion",
        "{ GRAPH ?g { $this govkg:sameOccasionAs ?v } BIND($this AS ?node) } UNION "
        "{ GRAPH ?g { ?v govkg:sameOccasionAs $this } BIND(?v AS ?node) }",
        ("govkg:sameOccasionAs",),
    ),
)

CHANGE = (
    _out("change", "govkg:changeType", "dct:date", "govkg:formerName", "govkg:newName", "govkg:legalBasis"),
    _out("organisations", "org:originalOrganization", "org:resultingOrganization"),
)

BY_KIND: dict[str, tuple[Section, ...]] = {
    "person": PERSON,
    "unit": UNIT,
    "document": DOCUMENT,
    "event": EVENT,
    "change": CHANGE,
}

#: Predicates every page shows in its header, never among the facts.
HEADER_PREDICATES = (
    "rdf:type", "rdfs:label", "skos:prefLabel", "foaf:name", "skos:altLabel", "govkg:evidence", "dct:source",
    "govkg:evidenceStart", "govkg:evidenceEnd", "govkg:confidence", "prov:wasGeneratedBy",
)
