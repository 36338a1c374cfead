"""The three kinds of source article the generator streams: an event, an appointment, a new document.

Each writes one named graph: the article, then what it reports (DOMAIN.md §3 for the event types and their
participants), with ``dct:source`` and an evidence phrase on what it asserts.
"""

from __future__ import annotations

from datetime import date as Date
from datetime import timedelta
from typing import TYPE_CHECKING

from bench import names
from bench import vocab as v
from bench.documents import DOC_TYPES
from bench.skeleton import ROLE_LABELS, Unit
from bench.writer import QuadWriter, Triple, concept, date, ent, typed, vi

if TYPE_CHECKING:
    from bench.generate import Generator

EVENT_TITLES = dict(names.EVENT_TYPES)
GENERAL_EVENTS = ["hoi-nghi", "hoi-nghi", "phien-hop", "le-ky-niem", "phat-dong-phong-trao", "dai-hoi"]


def _event_type(gen: Generator, u: Unit) -> str:
    if u.utype == "chi-bo":
        return "sinh-hoat-chuyen-de"
    if u.utype == "khoi-thi-dua":
        return "ky-ket-giao-uoc-thi-dua"
    if u.utype == "hoi-dong":
        return gen.rng.choice(["phien-hop", "dai-hoi"])
    if u.slug == "van-phong-chinh-phu" and gen.rng.random() < 0.3:
        return "hop-bao"
    return gen.rng.choice(GENERAL_EVENTS)


def _associate(gen: Generator, event: str, agent: str, role: str, out: list[Triple]) -> None:
    gen.bnodes += 1
    a = f"_:a{gen.bnodes}"
    out += [(event, v.QUALIFIED_ASSOCIATION, a), (a, v.A, v.ASSOCIATION), (a, v.AGENT, agent),
            (a, v.HAD_ROLE, concept("participant-role", role)), (event, v.WAS_ASSOCIATED_WITH, agent)]


def _event(gen: Generator, d: Date, etype: str, u: Unit, title: str, topic: str, src: str,
           out: list[Triple]) -> str:
    iso = d.isoformat()
    node = ent("event", gen.unique(f"{iso}-{etype}-{u.slug}"))
    out += [(node, v.A, v.EVENT), (node, v.A, v.ACTIVITY), (node, v.LABEL, vi(title)),
            (node, v.EVENT_TYPE, concept("event-type", etype)), (node, v.START_DATE, date(iso)),
            (node, v.LOCATION, vi(gen.rng.choice(names.LOCATIONS))), (node, v.ORGANIZER, ent("unit", u.slug)),
            (node, v.ABOUT, vi(topic)), (node, v.SOURCE, src), (node, v.EVIDENCE, vi(f"{u.name} tổ chức {title}"))]
    _associate(gen, node, ent("unit", u.slug), "organiser", out)
    gen.events += 1
    return node


def event_article(gen: Generator, d: Date, w: QuadWriter) -> None:
    rng, people = gen.rng, gen.people
    u = gen.pick_unit(d)
    etype = _event_type(gen, u)
    topic = rng.choice(names.EVENT_TOPICS)
    title = EVENT_TITLES[etype].format(topic=topic, year=d.year, month=d.month)
    out: list[Triple] = []
    src, g = gen.source(d, f"{u.name} tổ chức {title[0].lower()}{title[1:]}", out)
    iso, seen = d.isoformat(), set[str]()
    node = _event(gen, d, etype, u, title, topic, src, out)
    top = gen.top(u)
    speaker = people.holder(u, u.head_role, iso, src, out, seen)
    if top is not u:
        role = top.head_role if rng.random() < 0.4 or not top.deputy_role else top.deputy_role
        chair = people.holder(top, role, iso, src, out, seen)
        _associate(gen, node, ent("person", chair.person.slug), "chair", out)
        _associate(gen, node, ent("person", speaker.person.slug), "speaker", out)
    else:
        _associate(gen, node, ent("person", speaker.person.slug), "chair", out)
    if u.deputy_role and rng.random() < 0.7:
        deputy = people.holder(u, u.deputy_role, iso, src, out, seen)
        _associate(gen, node, ent("person", deputy.person.slug), "presenter", out)
    siblings = [s for s in gen.siblings.get(u.parent, ()) if s is not u and s.cls == u.cls]
    for s in rng.sample(siblings, min(len(siblings), rng.randint(0, 3))):
        h = people.holder(s, s.head_role, iso, src, out, seen)
        _associate(gen, node, ent("person", h.person.slug), "participant", out)
    if gen.docs.recent and rng.random() < 0.5:
        out.append((node, v.IMPLEMENTS, rng.choice(gen.docs.recent)))
    gen.emit(w, g, src, out)


def _decider(gen: Generator, u: Unit) -> tuple[Unit, str, str]:
    """Who appoints to a post in ``u``: (the unit whose head signs, issuer code, the issuing unit's IRI) — the
    Thủ tướng for top-level bodies, else the body ``u`` belongs to."""
    top = gen.top(u)
    if top is u or top.slug == "chinh-phu":
        return gen.units["chinh-phu"], "TTg", ent("unit", "thu-tuong-chinh-phu")
    return top, top.code or "UBND", ent("unit", top.slug)


def appointment_article(gen: Generator, d: Date, w: QuadWriter) -> None:
    rng, people = gen.rng, gen.people
    u = gen.pick_unit(d)
    if u.cls in ("block", "council", "party"):
        u = gen.units[u.parent or "chinh-phu"]
    deputy = u.deputy_role is not None and rng.random() < 0.4
    role = (u.deputy_role or u.head_role) if deputy else u.head_role
    iso, prev = d.isoformat(), (d - timedelta(days=1)).isoformat()
    decider, issuer, passed_by = _decider(gen, u)
    title = f"Bổ nhiệm {ROLE_LABELS[role]} {u.name}"
    out: list[Triple] = []
    src, g = gen.source(d, title, out)
    seen: set[str] = set()
    signer = people.holder(decider, decider.head_role, iso, src, out, seen)
    signer_node = ent("person", signer.person.slug)
    doc, sym = gen.docs.issue("QĐ", issuer, iso, passed_by, signer_node,
                              f"bổ nhiệm {ROLE_LABELS[role]} {u.name}", src, out)
    h = people.appoint(u, role, iso, prev, src, out, seen, limit=3 if deputy else 1)
    if h is not None:
        node = _event(gen, d, "bo-nhiem", decider, f"Trao Quyết định {sym}", title, src, out)
        _associate(gen, node, signer_node, "chair", out)
        _associate(gen, node, ent("person", h.person.slug), "participant", out)
        out.append((node, v.IMPLEMENTS, doc))
    gen.emit(w, g, src, out)


def document_article(gen: Generator, d: Date, w: QuadWriter) -> None:
    rng, people = gen.rng, gen.people
    iso = d.isoformat()
    top = gen.top(gen.pick_unit(d))
    if top.slug == "chinh-phu" or rng.random() < 0.35:
        top = gen.units["chinh-phu"]
        if rng.random() < 0.3:
            issuer, abbr = "CP", rng.choice(["NĐ", "NQ"])
        else:
            issuer, abbr = "TTg", rng.choice(["QĐ", "CĐ", "CT"])
    else:
        issuer = top.code or "UBND"
        local = top.utype == "uy-ban-nhan-dan"
        abbr = rng.choice(["QĐ", "KH", "TB"] if local else ["TT", "QĐ", "KH", "TB", "HD", "BC"])
    numbered = gen.docs.symbol(abbr, issuer, iso[:4])
    subject = rng.choice(names.DOC_SUBJECTS)
    tname = DOC_TYPES[abbr][1]
    out: list[Triple] = []
    src, g = gen.source(d, f"{tname} số {numbered[0]} về {subject}", out)
    seen: set[str] = set()
    role = top.head_role if rng.random() < 0.5 or not top.deputy_role else top.deputy_role
    signer = people.holder(top, role, iso, src, out, seen)
    passed_by = ent("unit", "thu-tuong-chinh-phu" if issuer == "TTg" else top.slug)
    gen.docs.issue(abbr, issuer, iso, passed_by, ent("person", signer.person.slug), subject, src, out,
                   numbered=numbered)
    gen.emit(w, g, src, out)


ANCHOR_DAY = Date(2023, 7, 18)


def anchor_article(gen: Generator, w: QuadWriter) -> None:
    """The seed article's kind of story, on its day, so the README's researcher queries have answers at every
    scale: Khối thi đua 3 of VPCP signs its pledge on 18/7/2023, chaired by Lê Tuấn Dũng, Vụ trưởng kiêm Bí thư
    Chi bộ, carrying out Công điện 280/CĐ-TTg and marking the 75th anniversary of the 1948 call to emulation."""
    people, d = gen.people, ANCHOR_DAY
    iso = d.isoformat()
    block = gen.units["vpcp-khoi-thi-dua-3"]
    vu = gen.units["vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"]
    cell = gen.units["vpcp-chi-bo-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"]
    out: list[Triple] = []
    title = "Khối thi đua 3 Văn phòng Chính phủ ký kết giao ước thi đua năm 2023"
    src, g = gen.source(d, title, out, short="khoi-thi-dua-3", cite="chinhphu-2023-07-18-khoi-thi-dua-3")
    seen: set[str] = set()
    node = _event(gen, d, "ky-ket-giao-uoc-thi-dua", block, "Lễ ký kết giao ước thi đua năm 2023",
                  "phong trào thi đua yêu nước", src, out)
    dung = people.named_person("Lê Tuấn Dũng", male=True)
    people.attest(dung, vu, "vu-truong", iso, src, out, seen)
    people.attest(dung, cell, "bi-thu-chi-bo", iso, src, out, seen, concurrent=True)
    _associate(gen, node, ent("person", dung.slug), "chair", out)
    for u in gen.sk.units:
        if u.block == block.slug and u is not vu:
            h = people.holder(u, u.head_role, iso, src, out, seen)
            _associate(gen, node, ent("person", h.person.slug), "signatory", out)
    doc = gen.docs.named("280/CĐ-TTg", "CĐ", "TTg", "2023-04-19", ent("unit", "thu-tuong-chinh-phu"),
                         "tăng cường công tác phòng, chống thiên tai", src, out)
    history = ent("event", "1948-06-11-loi-keu-goi-thi-dua-ai-quoc")
    anniversary = ent("event", "2023-06-11-ky-niem-75-nam-loi-keu-goi-thi-dua-ai-quoc")
    out += [(node, v.IMPLEMENTS, doc), (node, v.CONCERNS, anniversary),
            (history, v.A, v.HISTORICAL_EVENT), (history, v.LABEL, vi("Lời kêu gọi thi đua ái quốc")),
            (history, v.START_DATE, date("1948-06-11")), (history, v.SOURCE, src),
            (anniversary, v.A, v.ANNIVERSARY), (anniversary, v.START_DATE, date("2023-06-11")),
            (anniversary, v.LABEL, vi("Kỷ niệm 75 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc")),
            (anniversary, v.ANNIVERSARY_NUMBER, typed("75", "integer")), (anniversary, v.COMMEMORATES, history),
            (anniversary, v.SOURCE, src)]
    gen.emit(w, g, src, out)
