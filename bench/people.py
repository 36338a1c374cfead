"""People, posts and memberships over periods (Popolo-style, per docs/MODEL.md) for the generator.

Each post has a chain of holders: an appointment closes the current holder's membership (``validThrough``
written in the graph of the article that reports the change) and opens a new one from the appointment date;
a person first met in an event article, holding a post nobody is known to hold, gets a membership with
``govkg:attestedOn`` instead of an invented start.  Every graph that mentions a person, post or membership
describes it in full (:mod:`bench.complete`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench import names
from bench import vocab as v
from bench.complete import Known, Props
from bench.skeleton import ROLE_LABELS, Unit
from bench.writer import Triple, concept, date, ent, typed, vi
from graph.iri import slug

TRUE = typed("true", "boolean")


@dataclass
class Person:
    slug: str
    name: str
    male: bool
    described: bool = False


@dataclass
class Holding:
    person: Person
    membership: str  # slug
    since: str  # ISO date of validFrom or attestedOn
    props: Props = field(default_factory=list)  # what a graph that closes it repeats


@dataclass
class People:
    rng: random.Random
    known: Known = field(default_factory=Known)
    persons: list[Person] = field(default_factory=list)
    _name_counts: dict[str, int] = field(default_factory=dict)
    _posts: set[str] = field(default_factory=set)
    holders: dict[str, list[Holding]] = field(default_factory=dict)
    memberships: int = 0

    def __post_init__(self) -> None:
        fam, weights = zip(*names.FAMILY, strict=True)
        self._family = list(fam)
        self._cum: list[int] = []
        total = 0
        for w in weights:
            total += w
            self._cum.append(total)

    def new_person(self) -> Person:
        r = self.rng
        family = r.choices(self._family, cum_weights=self._cum)[0]
        male = r.random() < 0.62
        middle = r.choice(names.MIDDLE_MALE if male else names.MIDDLE_FEMALE)
        given = r.choice(names.GIVEN_MALE if male else names.GIVEN_FEMALE)
        name = f"{family} {given}" if r.random() < 0.03 else f"{family} {middle} {given}"
        base = slug(name)
        n = self._name_counts.get(base, 0) + 1
        self._name_counts[base] = n
        return self._register(Person(base if n == 1 else f"{base}-{n}", name, male))  # never merge on a name

    def _register(self, p: Person) -> Person:
        self.persons.append(p)
        self.known.define(ent("person", p.slug), [(v.A, v.PERSON), (v.NAME, vi(p.name)), (v.LABEL, vi(p.name))])
        return p

    def mention(self, p: Person, src: str, out: list[Triple], seen: set[str]) -> str:
        """The person's IRI, described in full with this source (each article types and names who it mentions)."""
        node = ent("person", p.slug)
        if p.slug in seen:
            return node
        seen.add(p.slug)
        p.described = True
        self.known.describe(node, src, out)
        return node

    def post(self, unit: Unit, role: str, src: str, out: list[Triple]) -> str:
        ps = f"{unit.slug}-{role}"
        node = ent("post", ps)
        if ps not in self._posts:
            self._posts.add(ps)
            self.known.define(node, [(v.A, v.POST), (v.POST_IN, ent("unit", unit.slug)),
                                     (v.ROLE, concept("role", role)),
                                     (v.LABEL, vi(f"{ROLE_LABELS[role]} {unit.name}"))])
        self.known.describe(node, src, out)
        return ps

    def named_person(self, name: str, male: bool) -> Person:
        base = slug(name)
        n = self._name_counts.get(base, 0) + 1
        self._name_counts[base] = n
        return self._register(Person(base if n == 1 else f"{base}-{n}", name, male))

    def attest(self, p: Person, unit: Unit, role: str, d: str, src: str, out: list[Triple], seen: set[str],
               concurrent: bool = False) -> Holding:
        """``p`` holds ``role`` in ``unit`` on ``d`` (known from this article only); ``concurrent``: "kiêm"."""
        h = self._membership(p, unit, role, d, False, src, out, seen)
        if concurrent:
            out.append((ent("membership", h.membership), v.CONCURRENT, TRUE))
        return h

    def _membership(self, p: Person, unit: Unit, role: str, d: str, started: bool, src: str,
                    out: list[Triple], seen: set[str]) -> Holding:
        ps = self.post(unit, role, src, out)
        pnode = self.mention(p, src, out, seen)
        ms = f"{p.slug}--{ps}--{d}"
        m = ent("membership", ms)
        title = f"{ROLE_LABELS[role]} {unit.name}"
        phrase = f"ông {p.name} - {title}" if p.male else f"bà {p.name} - {title}"
        props = [(v.A, v.MEMBERSHIP), (v.MEMBER, pnode), (v.ORG_ORGANIZATION, ent("unit", unit.slug)),
                 (v.ROLE, concept("role", role)), (v.GPOST, ent("post", ps)), (v.LABEL, vi(f"{p.name}, {title}")),
                 (v.VALID_FROM if started else v.ATTESTED_ON, date(d))]
        out += [(m, p_, o) for p_, o in props]
        out += [(m, v.EVIDENCE, vi(phrase)), (m, v.SOURCE, src)]
        self.memberships += 1
        h = Holding(p, ms, d, props)
        self.holders.setdefault(ps, []).append(h)
        return h

    def holder(self, unit: Unit, role: str, d: str, src: str, out: list[Triple], seen: set[str]) -> Holding:
        """Someone holding ``role`` in ``unit`` on ``d``: a known holder, else a new person attested that day."""
        current = self.holders.get(f"{unit.slug}-{role}")
        if current:
            h = current[0] if len(current) == 1 else self.rng.choice(current)
            self.mention(h.person, src, out, seen)
            return h
        return self._membership(self.new_person(), unit, role, d, False, src, out, seen)

    def appoint(self, unit: Unit, role: str, d: str, prev_day: str, src: str, out: list[Triple],
                seen: set[str], limit: int = 1) -> Holding | None:
        """A new holder from ``d``; the oldest holder beyond ``limit`` leaves on ``prev_day``.  None when the
        post changed hands that very day already."""
        current = self.holders.get(f"{unit.slug}-{role}", [])
        if current and len(current) >= limit:
            old = current[0]
            if old.since >= d:
                return None
            current.pop(0)
            m = ent("membership", old.membership)  # the article that ends it repeats what it was
            out += [(m, p_, o) for p_, o in old.props]
            out += [(m, v.VALID_THROUGH, date(prev_day)), (m, v.SOURCE, src)]
            self.mention(old.person, src, out, seen)
        return self._membership(self.new_person(), unit, role, d, True, src, out, seen)

