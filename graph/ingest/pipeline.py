"""The pipeline: article text -> mentions (the JSON document of docs/INGEST.md) -> linked -> staged RDF.

:func:`extract` runs the recognisers on the normalised text, merges repeated mentions (photo captions repeat the
body; DOMAIN.md §5.10) and reports every span in offsets of the ORIGINAL text.  :func:`propose` adds linking
against a store and the staging graph; it is what ``govkg ingest`` and the steward interface call.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Dataset

from graph.ingest.dates import parse_dates
from graph.ingest.documents import find_documents
from graph.ingest.events import find_events
from graph.ingest.gazetteer import Gazetteer, builtin, from_store, key
from graph.ingest.normalize import Article, normalize
from graph.ingest.persons import find_persons
from graph.ingest.programmes import find_programmes
from graph.ingest.units import UnitMention, find_units
from graph.store.base import Store
from graph.text import fold

EXTRACTOR_VERSION = "0.7.0"
KINDS = ("units", "persons", "documents", "events", "dates", "programmes")


@dataclass
class Proposal:
    """What ingestion proposes for review: the mentions (JSON-ready) and the staging dataset."""

    mentions: dict[str, Any]
    dataset: Dataset
    source_iri: str
    staging_graph: str
    target_graph: str
    article: Article = field(repr=False)
    #: What the reviewer must know or supply (left out rather than guessed): :class:`graph.ingest.complete.Note`.
    notes: list[Any] = field(default_factory=list)

    def review_text(self, lang: str = "vi") -> str:
        """The notes for the reviewer as one paragraph ("" when there are none)."""
        return " ".join(f"[{i}] {n.text(lang)}" for i, n in enumerate(self.notes, 1))


def _home(units: list[UnitMention]) -> str | None:
    """The body the article is about: the most mentioned ministry-level body."""
    c = Counter(u.name for u in units if u.entry is not None and u.entry.top_level
                and u.entry.unit_type not in ("chinh-phu", "quoc-hoi", "dang"))
    return c.most_common(1)[0][0] if c else None


def _item(art: Article, start: int, end: int) -> dict[str, Any]:
    s, e = art.span(start, end)
    return {"text": art.original[s:e], "start": s, "end": e}


def _merge(items: list[dict[str, Any]], k: str, item: dict[str, Any]) -> dict[str, Any] | None:
    """Add ``item`` under key ``k`` unless present; then record the extra occurrence and return the first."""
    for it in items:
        if it["_key"] == k:
            it["mentions"].append([item["start"], item["end"]])
            return it
    item["_key"] = k
    item["mentions"] = [[item["start"], item["end"]]]
    items.append(item)
    return None


def extract(text: str, published: date | None = None, url: str | None = None,
            gazetteer: Gazetteer | None = None) -> tuple[dict[str, Any], Article]:
    """The mentions of ``text`` as the JSON document of docs/INGEST.md (without IRIs), and the article."""
    art = normalize(text)
    pub = published or art.published
    art.published = pub  # the events take "hôm nay" and the nearness of their dates from it
    gaz = gazetteer or builtin()
    t = art.text
    units = find_units(t, gaz)
    home = _home(units)
    persons = find_persons(t, units, home)
    documents = find_documents(t, units, pub)
    dates = [d for d in parse_dates(t, pub) if not any(a <= d.start < b for a, b in art.publication_spans)]
    programmes = find_programmes(t)
    events = find_events(art, dates, units, persons, documents, programmes)
    out: dict[str, Any] = {"article": {"published": pub.isoformat() if pub else None, "url": url,
                                       "home": home, "extractor": EXTRACTOR_VERSION}}
    out.update({k: [] for k in KINDS})

    # units: merged by name; the parent from any mention, else the context
    by_key: dict[str, dict[str, Any]] = {}
    for u in units:
        it = _item(art, u.start, u.end)
        it.update({"name": u.name, "parent": u.parent if u.parent_explicit else None, "type": u.unit_type,
                   "attached_to": u.attached_to, "member_of": u.member_of, "known": u.entry is not None,
                   "_default_parent": u.parent, "_level": u.level})
        first = _merge(out["units"], key(u.name), it)
        if first is None:
            by_key[key(u.name)] = it
        else:
            for f in ("parent", "member_of", "attached_to"):
                if first[f] is None and it[f] is not None:
                    first[f] = it[f]
    _short_forms(out["units"], by_key)
    for it in out["units"]:
        if it["parent"] is None:
            it["parent"] = it["_default_parent"]
        if it["parent"] is None and it["_level"] >= 2 and it["attached_to"] is None and home and it["name"] != home:
            it["parent"] = home
        if it["attached_to"] is not None:
            it["parent"] = None
    # persons: merged by name, posts merged
    for p in persons:
        it = _item(art, p.start, p.end)
        posts: list[dict[str, Any]] = [{"title": q.title, "role": q.role, "unit": _canon_unit(q.unit, by_key),
                                        "former": q.former,
                  "concurrent": q.concurrent} for q in p.posts]
        it.update({"name": p.name, "posts": [], "honorific": p.honorific})
        first = _merge(out["persons"], fold(p.name), it)
        target = it if first is None else first
        for q in posts:
            if not any(fold(q["title"]) == fold(x["title"]) and key(q["unit"] or "") == key(x["unit"] or "")
                       for x in target["posts"]):
                target["posts"].append(q)
    # a post without a unit is dropped when the same title (or a longer one) with a unit is known
    for it in out["persons"]:
        it["posts"] = [q for q in it["posts"] if q["unit"] is not None or not any(
            x["unit"] and fold(x["title"]).startswith(fold(q["title"])) for x in it["posts"])]
    for d in documents:
        it = _item(art, d.start, d.end)
        it.update({"symbol": d.symbol, "number": d.number, "type": d.type, "issuer": d.issuer, "year": d.year,
                   "date": d.date, "normative": d.normative, "subject": d.subject, "title": d.title,
                   "number_as_written": d.number_as_written})
        first = _merge(out["documents"], "|".join(d.key), it)
        if first is not None:
            for f in ("date", "subject", "issuer", "year"):
                if first[f] is None and it[f] is not None:
                    first[f] = it[f]
    for dm in dates:
        it = _item(art, dm.start, dm.end)
        it.update({"value": dm.value, "until": dm.until, "inferred": dm.inferred, "kind": dm.kind})
        _merge(out["dates"], f"{dm.value}|{dm.until}", it)
    for pr in programmes:
        it = _item(art, pr.start, pr.end)
        it.update({"name": pr.name, "kind": pr.kind, "year": pr.year})
        _merge(out["programmes"], fold(pr.name), it)
    for ev in events:
        it = _item(art, ev.start, ev.end)
        it.update({"type": ev.type, "date": ev.date, "until": ev.until, "place": ev.place,
                   "organisers": [_canon_unit(o, by_key) for o in ev.organisers],
                   "co_organisers": [_canon_unit(o, by_key) for o in ev.co_organisers],
                   "participants": ev.participants, "documents": ev.documents, "cites": ev.cites,
                   "programmes": ev.programmes, "label": ev.label, "anniversary": ev.anniversary,
                   "same_occasion": ev.same_occasion})
        _merge(out["events"], f"{ev.type}|{ev.date}|{ev.label}", it)
    for k in KINDS:
        for it in out[k]:
            for f in [f for f in it if f.startswith("_")]:
                del it[f]
    return out, art


def _short_forms(units: list[dict[str, Any]], by_key: dict[str, dict[str, Any]]) -> None:
    """"Sở Nội vụ" after "Sở Nội vụ tỉnh Quảng Nam" in one article: the short form is the same unit."""
    for it in list(units):
        k = key(it["name"])
        level = re.search(r" (?:tinh|thanh pho|huyen|xa)$", k)  # "UBND tỉnh" after "UBND tỉnh Điện Biên"
        longer = [u for u in units if u is not it and key(u["name"]).startswith(k + " ")
                  and (level or re.match(r" (?:tinh|thanh pho|huyen|xa) ", key(u["name"])[len(k):] + " "))]
        if len(longer) == 1 and not it["known"]:
            longer[0]["mentions"].extend(it["mentions"])
            by_key[key(it["name"])] = longer[0]
            units.remove(it)


def _canon_unit(name: str | None, by_key: dict[str, dict[str, Any]]) -> str | None:
    if name is None:
        return None
    it = by_key.get(key(name))
    return it["name"] if it else name


def propose(article_text: str, store: Store | None, published: date | None = None,
            url: str | None = None, publisher: str | None = None) -> Proposal:
    """Mentions linked against ``store`` (or an empty graph) and the staging dataset for review.

    ``publisher``: the body that published the article, an IRI or a name (a name the store does not know is
    proposed as a new organisation); by default it comes from the URL's host when that site is known.  The
    staging graph is complete by itself (:mod:`graph.ingest.complete`); what it leaves out is in ``notes``.
    """
    from graph.ingest.complete import Note
    from graph.ingest.emit import publisher_of, to_dataset
    from graph.ingest.link import link
    from graph.iri import slug
    from graph.namespaces import ID

    gaz = from_store(store)
    mentions, art = extract(article_text, published, url, gaz)
    ctx = link(mentions, art, store, gaz)
    pub: tuple[str, str | None] | None
    if publisher and re.match(r"https?://", publisher.strip()):
        pub = (publisher.strip(), None)
    elif publisher and publisher.strip():
        name = " ".join(publisher.split())
        iris = {e.iri for e in gaz.lookup(name) if e.iri}
        pub = (next(iter(iris)), None) if len(iris) == 1 else (f"{ID}unit/{slug(name)}", name)
    else:
        pub = publisher_of(url, art.original, gaz)
    notes: list[Note] = []
    ds = to_dataset(mentions, art, ctx, store, pub, notes)
    return Proposal(mentions, ds, ctx.source_iri, ctx.staging_graph, ctx.target_graph, art, notes)
