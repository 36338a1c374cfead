"""A deterministic generator of a realistic government graph, streamed as N-Quads or TriG.

``python -m bench generate --scale 100k --out gov.nq`` writes about 100,000 quads: units in a hierarchy
(Chính phủ, ministries, Vụ/Cục, provinces and Sở, party cells, councils, emulation blocks) with the 2025
renames and mergers as ``org:ChangeEvent``; people holding posts over periods; documents with real-looking
symbols; events with participants and roles; and one named graph per source article, with ``dct:source`` on
every entity and short evidence phrases, all as docs/MODEL.md lays them out.  The same seed and scale give
the same bytes.  Only the units (about one per 150 quads) and the people's current posts are kept in memory.
"""

from __future__ import annotations

import random
from datetime import date as Date
from datetime import timedelta
from pathlib import Path
from typing import IO

from bench import articles, names
from bench import vocab as v
from bench.complete import Known, Props
from bench.documents import Documents
from bench.people import People
from bench.skeleton import Change, Skeleton, Unit, build
from bench.writer import QuadWriter, Triple, concept, date, ent, graph_of, iri, lit, typed, vi
from graph.iri import slug

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
START, END = Date(2015, 1, 1), Date(2025, 12, 31)
PUBLISHER = "vpcp-cong-thong-tin-dien-tu-chinh-phu"
#: Every generated source, and so its graph (``g:{slug}`` for ``src:{slug}``), is ``gen-chinhphu-{date}-{title}``:
#: the curated sources of ``data/`` never start with it, so no generated graph lands in a curated one.  The anchor
#: article cites the seed's own source (so docs/queries/05 answers on a generated store) in a graph of its own.
GENERATED = "gen-"
CLASSES = {"org": v.ORGANIZATION, "unit": v.ORG_UNIT, "block": v.EMULATION_BLOCK, "council": v.COUNCIL,
           "party": v.PARTY_ORG}
#: How often a unit of each type organises an event (relative).
ORGANISER_WEIGHT = {"chinh-phu": 6, "bo": 8, "co-quan-ngang-bo": 8, "vu": 4, "cuc": 4, "cong-thong-tin-dien-tu": 2,
                    "chi-bo": 2, "hoi-dong": 2, "khoi-thi-dua": 2, "so": 2, "uy-ban-nhan-dan": 2,
                    "quoc-hoi": 0, "nguoi-co-tham-quyen": 0}


def parse_scale(scale: str | int) -> int:
    """``"100k"`` → 100000; a plain number of triples is accepted too."""
    if isinstance(scale, int):
        return scale
    key = scale.strip().lower()
    if key in SCALES:
        return SCALES[key]
    mult = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    return int(float(key.rstrip("km")) * mult)


class Generator:
    def __init__(self, target: int, seed: int = 7) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.sk: Skeleton = build(max(45, target // 150))
        self.units = self.sk.by_slug()
        self.known = Known()  # what later graphs repeat about the entities they mention (per-graph complete)
        for u in self.sk.units:
            self.known.define(ent("unit", u.slug), self._unit_props(u))
        self.people = People(self.rng, known=self.known)
        self.docs = Documents(self.rng, known=self.known)
        self._slugs: set[str] = set()
        self.bnodes = 0
        self.events = 0
        self.articles = 0
        self._active_key: bool | None = None
        self._active: list[Unit] = []
        self._cum: list[float] = []
        self.siblings: dict[str | None, list[Unit]] = {}

    # --- the stream -----------------------------------------------------------------------------------

    def write(self, out: IO[str], fmt: str = "nquads") -> int:
        """Write the whole graph to ``out``; returns the number of quads written."""
        w = QuadWriter(out, fmt)
        self._skeleton(w)
        changes = list(self.sk.changes)
        kinds = (articles.event_article, articles.appointment_article, articles.document_article)
        anchored = False
        while w.count < self.target:
            d = START + timedelta(days=int((END - START).days * w.count / self.target))
            while changes and changes[0].date <= d.isoformat():
                self._change_article(changes.pop(0), w)
            if not anchored and d >= articles.ANCHOR_DAY:
                articles.anchor_article(self, w)
                anchored = True
            self.rng.choices(kinds, weights=(55, 25, 20))[0](self, d, w)
        return w.count

    def unique(self, s: str) -> str:
        out, n = s, 1
        while out in self._slugs:
            n += 1
            out = f"{s}-{n}"
        self._slugs.add(out)
        return out

    def source(self, d: Date, title: str, out: list[Triple], short: str | None = None,
               cite: str | None = None) -> tuple[str, str]:
        """A news article for ``title`` on ``d``: returns (source IRI, graph IRI) and writes its description
        (``cite``: the slug of a curated source the article stands for; its graph is still a generated one)."""
        short = short or "-".join(slug(title).split("-")[:8])
        s = self.unique(f"{GENERATED}chinhphu-{d.isoformat()}-{short}")
        src, g = ent("source", cite or s), graph_of(s)
        self.articles += 1
        out += [(g, v.A, v.ENTITY), (g, v.WAS_DERIVED_FROM, src), (src, v.A, v.NEWS_ARTICLE),
                (src, v.LABEL, vi(title)), (src, v.TITLE, vi(title)), (src, v.PUBLISHER, ent("unit", PUBLISHER)),
                (src, v.AUTHOR, lit(self.rng.choice(names.AUTHORS))),
                (src, v.ISSUED, typed(f"{d.isoformat()}T08:{self.rng.randint(0, 59):02d}:00+07:00", "dateTime")),
                (src, v.URL, iri(f"https://baochinhphu.vn/{s}.htm"))]
        return src, g

    # --- units and their changes ------------------------------------------------------------------------

    def top(self, u: Unit) -> Unit:
        while u.parent is not None and u.parent != "chinh-phu":
            u = self.units[u.parent]
        return u

    def emit(self, w: QuadWriter, g: str, src: str, out: list[Triple]) -> None:
        """Write graph ``g`` complete by itself: every entity it mentions typed, labelled and sourced in it."""
        w.graph(g, self.known.complete(out, src))

    @staticmethod
    def _unit_props(u: Unit) -> Props:
        """What every graph that mentions ``u`` says of it: class, labels, type, parent, start."""
        props = [(v.A, CLASSES[u.cls]), (v.LABEL, vi(u.name))]
        if u.en:
            props.append((v.LABEL, f'"{u.en}"@en'))
        props.append((v.UNIT_TYPE, concept("unit-type", u.utype)))
        props += [(v.ALT, vi(a)) for a in u.alt]
        if u.parent is not None:
            rel = {"unit": v.UNIT_OF, "org": v.SUB_ORG_OF}.get(u.cls, v.ATTACHED_TO)
            props.append((rel, ent("unit", u.parent)))
        if u.valid_from:
            props.append((v.VALID_FROM, date(u.valid_from)))
        return props

    def _describe_unit(self, u: Unit, src: str, out: list[Triple]) -> None:
        self.known.describe(ent("unit", u.slug), src, out)
        if u.cls == "block":
            self._block_members(u, src, out)

    def _block_members(self, block: Unit, src: str, out: list[Triple]) -> None:
        bnode = ent("unit", block.slug)
        for m in self.sk.units:
            if m.block == block.slug and not m.created_by_change:
                ms = ent("membership", f"{m.slug}--{block.slug}")
                mnode = ent("unit", m.slug)
                out += [(ms, v.A, v.MEMBERSHIP), (ms, v.MEMBER, mnode), (ms, v.ORG_ORGANIZATION, bnode),
                        (ms, v.LABEL, vi(f"{m.name} - {block.name}")), (ms, v.SOURCE, src),
                        (mnode, v.MEMBER_OF, bnode)]

    def _skeleton(self, w: QuadWriter) -> None:
        groups: dict[str, list[Unit]] = {}
        for u in self.sk.units:
            if not u.created_by_change:
                groups.setdefault(self.top(u).slug, []).append(u)
        for i, (top, members) in enumerate(groups.items()):
            out: list[Triple] = []
            d = START + timedelta(days=i % 28)
            title = f"Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {self.units[top].name}"
            src, g = self.source(d, title, out, short=f"co-cau-to-chuc-{top}")
            for u in members:
                self._describe_unit(u, src, out)
            self.emit(w, g, src, out)

    def _change_article(self, c: Change, w: QuadWriter) -> None:
        d = Date.fromisoformat(c.date)
        result = self.units[c.result]
        if c.kind == "rename":
            title = f"Đổi tên {c.former_name} thành {c.new_name}"
        else:
            title = f"Sắp xếp, hợp nhất {', '.join(self.units[o].name for o in c.originals)} thành {result.name}"
        out: list[Triple] = []
        src, g = self.source(d, title, out)
        if result.created_by_change:
            self._describe_unit(result, src, out)
        if c.basis.startswith("QĐ-UBND"):
            top = self.top(result)
            basis, _ = self.docs.issue("QĐ", "UBND", c.date, ent("unit", top.slug), None, title, src, out)
        elif c.basis.endswith("QH15"):
            basis = self.docs.named(c.basis, "NQQH", "QH15", "2025-02-18", ent("unit", "quoc-hoi"),
                                    "cơ cấu tổ chức của Chính phủ nhiệm kỳ Quốc hội khóa XV", src, out)
        else:
            basis = self.docs.named(c.basis, "NĐ", "CP", "2025-02-25", ent("unit", "chinh-phu"),
                                    "chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Văn phòng Chính phủ",
                                    src, out)
        node = ent("change", self.unique(f"{c.date}-{c.kind}-{c.result}"))
        out += [(node, v.A, v.CHANGE_EVENT), (node, v.LABEL, vi(title)),
                (node, v.CHANGE_TYPE, concept("change-type", c.kind)), (node, v.DATE, date(c.date)),
                (node, v.RESULTING, ent("unit", c.result)), (node, v.LEGAL_BASIS, basis), (node, v.SOURCE, src),
                (node, v.EVIDENCE, vi(title))]
        out += [(node, v.ORIGINAL, ent("unit", o)) for o in c.originals]
        if c.kind == "rename":
            out += [(node, v.FORMER_NAME, vi(c.former_name or "")), (node, v.NEW_NAME, vi(c.new_name or ""))]
        for o in c.originals:
            u = self.units[o]
            if u.valid_through:
                out += [(ent("unit", o), v.VALID_THROUGH, date(u.valid_through)), (ent("unit", o), v.SOURCE, src)]
        self.emit(w, g, src, out)

    def active_units(self, d: Date) -> list[Unit]:
        key = d.isoformat() >= "2025-03-01"
        if key != self._active_key:
            iso = d.isoformat()
            self._active = [u for u in self.sk.units if self._alive(u, iso) and self._alive(self.top(u), iso)]
            total = 0.0
            self._cum = []
            for u in self._active:
                total += ORGANISER_WEIGHT[u.utype] * (3 if u.parent in (None, "chinh-phu") else 1)
                self._cum.append(total)
            self.siblings = {}
            for u in self._active:
                self.siblings.setdefault(u.parent, []).append(u)
            self._active_key = key
        return self._active

    @staticmethod
    def _alive(u: Unit, iso: str) -> bool:
        return (u.valid_from is None or u.valid_from <= iso) and (u.valid_through is None or u.valid_through >= iso)

    def pick_unit(self, d: Date) -> Unit:
        return self.rng.choices(self.active_units(d), cum_weights=self._cum)[0]


def generate(path: str | Path, scale: str | int, seed: int = 7, fmt: str | None = None) -> int:
    """Write a graph of about ``scale`` quads to ``path`` (format from the suffix: .nq or .trig)."""
    p = Path(path)
    fmt = fmt or ("trig" if p.suffix == ".trig" else "nquads")
    with p.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        return Generator(parse_scale(scale), seed).write(out, fmt)


__all__ = ["GENERATED", "SCALES", "Generator", "generate", "parse_scale"]
