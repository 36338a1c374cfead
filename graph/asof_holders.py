"""Who held which post in a unit on a date (:func:`post_holders`), the second half of the as-of view
(:mod:`graph.asof`).

A membership counts when a period covers the date or, known only from an article, ``govkg:attestedOn`` is that
very date.  The memberships are read in one query and the labels of their persons and roles in another: as
OPTIONALs the labels multiplied the rows (a role is labelled in every graph that names it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.lexical import bindings
from graph.store.base import Store
from graph.viewcache import Derived


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


def iso_date(d: date | str) -> str:
    s = d.isoformat() if isinstance(d, date) else str(d)
    date.fromisoformat(s)  # raises ValueError on anything that is not a calendar date
    return s


def iri_checked(s: str) -> str:
    if not s or any(c in s for c in "<>\"{}|^`\\ \n"):
        raise ValueError(f"not an IRI: {s!r}")
    return s


def solutions(store: Store, sparql: str) -> list[dict[str, str]]:
    """Rows as {variable: lexical value}, read from the SPARQL JSON results of the store."""
    return [{k: v["value"] for k, v in b.items()} for b in bindings(store, sparql)]


HOLDERS_QUERY = """
SELECT DISTINCT ?m ?person ?role ?post ?mFrom ?mTo ?attested ?concurrent WHERE {{
  ?m org:organization <{unit}> ; a org:Membership ; org:member ?person ; org:role ?role .
  FILTER NOT EXISTS {{ ?m govkg:former true }}
  OPTIONAL {{ ?m govkg:post ?post }}
  OPTIONAL {{ ?m schema:validFrom ?mFrom }} OPTIONAL {{ ?m schema:validThrough ?mTo }}
  OPTIONAL {{ ?m govkg:attestedOn ?attested }}
  OPTIONAL {{ ?m govkg:concurrent ?concurrent }}
  FILTER(
    ((BOUND(?mFrom) || BOUND(?mTo))
      && (!BOUND(?mFrom) || ?mFrom <= "{date}"^^xsd:date) && (!BOUND(?mTo) || ?mTo >= "{date}"^^xsd:date))
    || (!BOUND(?mFrom) && !BOUND(?mTo) && BOUND(?attested) && ?attested = "{date}"^^xsd:date))
}}
"""

#: The Vietnamese label of persons (``rdfs:label``) and roles (``skos:prefLabel``): asked apart from the
#: memberships, whose rows they multiplied (a role is labelled in every graph that names it).
HOLDER_LABELS_QUERY = """
SELECT DISTINCT ?s ?l WHERE {{
  {{ VALUES ?s {{ {persons} }} ?s rdfs:label ?l FILTER(langMatches(lang(?l), "vi")) }} UNION
  {{ VALUES ?s {{ {roles} }} ?s skos:prefLabel ?l FILTER(langMatches(lang(?l), "vi")) }}
}}
"""


def _vi_memo(store: Store) -> dict[str, str | None]:
    return {}


_VI: Derived[dict[str, str | None]] = Derived(_vi_memo)


def _vi_labels(store: Store, persons: set[str], roles: set[str]) -> dict[str, str | None]:
    """The smallest Vietnamese label of each person and role (``None``: none), remembered per store generation."""
    memo = _VI.get(store)
    todo_p, todo_r = sorted(persons - memo.keys()), sorted(roles - memo.keys())
    if todo_p or todo_r:
        found: dict[str, str | None] = dict.fromkeys([*todo_p, *todo_r])
        q = HOLDER_LABELS_QUERY.format(persons=" ".join(f"<{iri_checked(i)}>" for i in todo_p),
                                       roles=" ".join(f"<{iri_checked(i)}>" for i in todo_r))
        for r in solutions(store, q):
            cur = found.get(r["s"])
            found[r["s"]] = r["l"] if cur is None else min(cur, r["l"])
        if len(memo) > 100_000:
            memo.clear()
        memo.update(found)
    return {i: memo[i] for i in persons | roles}


def post_holders(store: Store, unit_iri: str, on: date | str) -> list[Holder]:
    """Who held which post in ``unit_iri`` on ``on`` (former holders and other dates excluded)."""
    d, unit = iso_date(on), iri_checked(unit_iri)
    rows: dict[str, dict[str, str]] = {}
    for r in sorted(solutions(store, HOLDERS_QUERY.format(unit=unit, date=d)), key=lambda r: sorted(r.items())):
        rows.setdefault(r["m"], r)  # the first of a membership's rows, always the same
    names = _vi_labels(store, {r["person"] for r in rows.values()}, {r["role"] for r in rows.values()})
    seen = [
        Holder(
            membership=m, person=r["person"], person_label=names[r["person"]] or r["person"].rsplit("/", 1)[-1],
            role=r["role"], role_label=names[r["role"]], post=r.get("post"), valid_from=r.get("mFrom"),
            valid_through=r.get("mTo"), attested_on=r.get("attested"),
            concurrent=r.get("concurrent") in ("true", "1"),
        ) for m, r in rows.items()
    ]
    return sorted(seen, key=lambda h: (h.role, h.person_label.casefold(), h.membership))
