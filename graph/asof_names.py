"""What a unit was called on a date and is called today (:func:`names_on`), for the as-of chart, labels and search.

Renames (``org:ChangeEvent`` of type ``rename``, docs/MODEL.md) decide first; then the label stated by the most
recent legal document, since an article may label a unit with the short form it used; then the smallest label.

A hub is labelled in every graph that names it (Chính phủ: ~10k graphs at 1M, ~100k at 10M), and joining each of
those graphs with its document's type and date cost the engine 0.7 s at 1M (15 s at 10M) on the first page after
every write.  So the work is split by what it depends on:

1. the distinct labels of the units (the engine deduplicates the copies: one row per distinct label);
2. only for a unit with more than one label in a language, which of them the latest legal document states: the
   graphs derived from legal documents are few (7 at 1M), listed once per store generation with their dates
   (:func:`legal_graphs`), and each is asked directly for the units' labels;
3. the renames of the units (few).

The answers are those of the per-graph rule: per language, the label with the latest date of a legal document
whose graph states it, ties and undated labels going to the smallest.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from graph import side_tables
from graph.asof_holders import iri_checked as _iri
from graph.asof_holders import iso_date as _iso
from graph.asof_holders import solutions as _solutions
from graph.kept import KeptMemo, Mark
from graph.lexical import bindings
from graph.namespaces import BASE
from graph.store.base import Store
from graph.write_log import Key

RENAME = f"{BASE}/id/concept/change-type/rename"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: The languages whose names are decided.
LANGS = ("vi", "en")

#: The distinct labels of the units (the union default graph is a bag: DISTINCT makes it one row per label).
DISTINCT_LABELS_QUERY = "SELECT DISTINCT ?unit ?label WHERE {{ VALUES ?unit {{ {units} }} ?unit rdfs:label ?label }}"

#: The graphs derived from a legal document (the derivation stated in the graph itself) and the document's dates.
#: The legal documents and the derivations are two sub-selects the engine joins by hashing: as one pattern,
#: Oxigraph looked up the type of every graph's source (one derivation per graph: 105k at 10M), 51 -> 12 ms at 1M
#: and 706 -> 195 ms at 10M (the first timeline, as-of or event page after a bulk load or a restart).
LEGAL_GRAPHS_QUERY = """
SELECT DISTINCT ?g ?date WHERE {
  { SELECT DISTINCT ?g ?doc WHERE {
      { SELECT DISTINCT ?doc WHERE { ?doc a eli:LegalResource } }
      { SELECT ?g ?doc WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } } } } }
  ?doc eli:first_date_entry_in_force|eli:date_document ?date .
}
"""
#: (``GRAPH ?g { ?g ... }`` joined with the rest in one group made Oxigraph read every quad of every graph: 150 ms
#: at 1M; inside its own sub-select it reads the derivations only.)

#: The labels of the units stated in given graphs (each graph looked up directly).
LABELS_IN_QUERY = ("SELECT DISTINCT ?g ?unit ?label WHERE {{ VALUES ?g {{ {graphs} }} "
                   "GRAPH ?g {{ VALUES ?unit {{ {units} }} ?unit rdfs:label ?label }} }}")

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
    en: str | None  # the English name today, when the name of the date is today's (None when not asked)


def read_legal_graphs(store: Store) -> dict[str, list[str]]:
    """:func:`legal_graphs` read from the engine (nothing kept)."""
    out: dict[str, list[str]] = {}
    for r in sorted(_solutions(store, LEGAL_GRAPHS_QUERY), key=lambda r: (r["g"], r["date"])):
        out.setdefault(r["g"], []).append(r["date"])
    return out


#: Kept until a write touches what decides names (:mod:`graph.write_log`: a legal document's dates or type, the
#: source of a graph when it is a legal document).
_LEGAL: KeptMemo[str, dict[str, list[str]]] = KeptMemo(1)
NAMES_DEPS: tuple[Key, ...] = (("names", ""),)


def legal_graphs(store: Store) -> dict[str, list[str]]:
    """``{graph: dates of its legal document}`` of every graph derived from a legal document (from the table kept
    beside the store when it is current: :mod:`graph.side_tables`)."""
    kept = side_tables.legal_graphs(store)
    if kept is not None:
        return kept
    return _LEGAL.get_or_build(store, "", lambda: (read_legal_graphs(store), NAMES_DEPS))


Renames = list[tuple[str, str | None, str | None]]


@dataclass
class _Known:
    """Per store generation: ``labels[(unit, lang)]``, the decided label of a unit in a language (None: none),
    and ``renames[unit]``, its renames as (date, former name, new name)."""

    labels: dict[tuple[str, str], str | None] = field(default_factory=dict)
    renames: dict[str, Renames] = field(default_factory=dict)


#: Per unit: its decided labels and renames, kept until a write touches the unit (in any graph) or what decides
#: names.
_KNOWN: KeptMemo[str, tuple[dict[tuple[str, str], str | None], Renames]] = KeptMemo(200_000)


def _decide(store: Store, cands: dict[str, dict[str, set[str]]]) -> dict[tuple[str, str], str | None]:
    """The decided label of each (unit, language) among its candidates (``{unit: {lang: labels}}``)."""
    out: dict[tuple[str, str], str | None] = {}
    torn: set[str] = set()
    for u, per in cands.items():
        for lang, labs in per.items():
            if len(labs) == 1:
                out[(u, lang)] = next(iter(labs))
            elif labs:
                torn.add(u)
    if not torn:
        return out
    legal = legal_graphs(store)
    dated: dict[tuple[str, str, str], str] = {}  # (unit, lang, label) -> the latest date of a legal graph stating it
    graphs = sorted(legal)
    units = " ".join(f"<{_iri(u)}>" for u in sorted(torn))
    for start in range(0, len(graphs), 500):
        gs = " ".join(f"<{_iri(g)}>" for g in graphs[start:start + 500])
        for b in bindings(store, LABELS_IN_QUERY.format(graphs=gs, units=units)):
            lab = b["label"]
            key = (b["unit"]["value"], lab.get("xml:lang", "").lower(), lab["value"])
            latest = max(legal[b["g"]["value"]])
            if latest > dated.get(key, ""):
                dated[key] = latest
    for u in torn:
        for lang, labs in cands[u].items():
            if len(labs) > 1:
                latest = max(dated.get((u, lang, lab), "") for lab in labs)
                out[(u, lang)] = min(lab for lab in labs if dated.get((u, lang, lab), "") == latest)
    return out


#: Every ``rdfs:label`` of some units, read by a caller: ``{unit: {language: lexical values}}``.
Read = Mapping[str, Mapping[str, Collection[str]]]


def _known(store: Store, units: list[str], langs: tuple[str, ...], read: Read | None = None,
           read_since: Mark | None = None) -> _Known:
    """What decides the names of ``units`` in ``langs``, read for those not read since the store last changed;
    the labels of those in ``read`` (as of ``read_since``) are not read again."""
    got: Read = read if read is not None and read_since is not None else {}
    since = read_since if got and read_since is not None else _KNOWN.mark(store)
    memo = _Known()
    for u, (labs, rens) in _KNOWN.get_many(store, set(units)).items():
        memo.labels.update(labs)
        memo.renames[u] = rens
    todo = sorted({u for u in units if u not in memo.renames or any((u, lg) not in memo.labels for lg in langs)})
    if todo:
        values = " ".join(f"<{_iri(u)}>" for u in todo)
        cands: dict[str, dict[str, set[str]]] = {u: {lg: set(got.get(u, {}).get(lg, ())) for lg in langs}
                                                 for u in todo}
        unread_units = [u for u in todo if u not in got]
        table = side_tables.statements(store, unread_units, (RDFS_LABEL,)) if unread_units else None
        if table is not None:  # the label table beside the store is current: each distinct label once
            for u, rows in table.items():
                for _, lg, text in rows:
                    if lg.lower() in langs:
                        cands[u][lg.lower()].add(text)
            unread_units = []
        unread = " ".join(f"<{_iri(u)}>" for u in unread_units)
        for b in bindings(store, DISTINCT_LABELS_QUERY.format(units=unread)) if unread else ():
            lab = b["label"]
            lang = lab.get("xml:lang", "").lower()
            if lang in langs:
                cands[b["unit"]["value"]][lang].add(lab["value"])
        found: dict[tuple[str, str], str | None] = {(u, lg): None for u in todo for lg in langs}
        found.update(_decide(store, cands))
        renames: dict[str, Renames] = {u: [] for u in todo}
        for r in _solutions(store, RENAMES_QUERY.format(units=values, rename=RENAME)):
            renames[r["unit"]].append((r["date"], r.get("former"), r.get("new")))
        memo.labels.update(found)
        memo.renames.update(renames)
        per: dict[str, dict[tuple[str, str], str | None]] = {u: {} for u in todo}
        for k, v in found.items():
            per[k[0]][k] = v
        _KNOWN.put(store, since, ((u, (per[u], renames[u]), (("set", u), ("any", u), *NAMES_DEPS)) for u in todo))
    return memo


def names_on(store: Store, units: list[str], on: date | str, langs: tuple[str, ...] = LANGS,
             read: Read | None = None, read_since: Mark | None = None) -> dict[str, Names]:
    """The names of ``units`` on a date and today (``en`` only when ``"en"`` is in ``langs``).

    ``read``: every ``rdfs:label`` of some of the units, already read by the caller as of ``read_since`` (a
    :meth:`graph.kept.KeptMemo.mark`): a hub is labelled in every graph that names it (Chính phủ ~96k times at
    10M), and :func:`graph.labels.labels` has just read them all.

    Today's name is the new name of the latest rename, else the label stated by the most recent legal document,
    else the smallest label (an article may give a short form as its label).  The name on the date is the
    former name of the first rename after it, else the new name of the last rename before it, else today's.
    """
    d = _iso(on)
    if not units:
        return {}
    langs = tuple(dict.fromkeys(("vi", *langs)))  # the names on the date and today are Vietnamese
    known = _known(store, units, langs, read, read_since)
    out = {}
    for u in units:
        rs = sorted(known.renames[u])
        today = next((n for _, _, n in reversed(rs) if n), None) or known.labels[(u, "vi")] or u.rsplit("/", 1)[-1]
        later = [f for dt, f, _ in rs if dt > d and f]
        earlier = [n for dt, _, n in rs if dt <= d and n]
        name = later[0] if later else (earlier[-1] if earlier else today)
        en = known.labels.get((u, "en")) if name == today and "en" in langs else None
        out[u] = Names(on=name, today=today, en=en)
    return out
