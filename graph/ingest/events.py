"""Events from cue phrases (DOMAIN.md §3), with date, place, organisers, participants and documents.

The type comes from the most specific cue in a sentence ("Hội nghị sơ kết" is a ``so-ket``, not a plain
``hoi-nghi``).  Mentions of the same type on the same date are one event (the lead and the body of an article
report one occasion).  The date is the first date of the cue's sentence, else the date of the article's lead
("Ngày 18/7, ..."), else the publication date when the text says "sáng nay"/"hôm nay".  Organisers are the units
before the cue (co-organisers after "phối hợp với"); participants are the persons of the event's sentences, with
a role from "chủ trì", "phát biểu", "trình bày"/"chia sẻ", "ký"; documents after "thực hiện", "triển khai",
"theo", "căn cứ" are carried out.  Anniversary pairs give historical events (``type`` ``historical``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from graph.ingest.dates import DateMention
from graph.ingest.documents import DocumentMention
from graph.ingest.normalize import Article
from graph.ingest.persons import PersonMention
from graph.ingest.programmes import ProgrammeMention
from graph.ingest.units import UnitMention

#: (event-type slug, cue), most specific first.
CUES: list[tuple[str, str]] = [
    ("ky-ket-giao-uoc-thi-dua", r"ký(?: kết)? giao ước thi đua|giao ước thi đua"),
    ("sinh-hoat-chuyen-de", r"sinh hoạt chuyên đề"),
    ("hoi-nghi-tap-huan", r"(?:hội nghị|lớp) tập huấn|tập huấn"),
    ("so-ket", r"(?:hội nghị )?sơ kết"),
    ("tong-ket", r"(?:hội nghị )?tổng kết"),
    ("phien-hop", r"phiên họp"),
    ("hop-bao", r"họp báo"),
    ("le-ky-niem", r"lễ kỷ niệm|mít tinh kỷ niệm|tổ chức kỷ niệm|gặp mặt kỷ niệm"),
    ("dai-hoi", r"đại hội(?! đồng)"),
    ("phat-dong-phong-trao", r"lễ phát động|phát động (?:phong trào|đợt|cuộc) thi đua"),
    # DOMAIN.md §3: one personnel-decision type covers bổ nhiệm, trao quyết định, kiện toàn, miễn nhiệm, điều động,
    # and the Prime Minister's phê chuẩn of an election or dismissal.
    ("bo-nhiem", r"bổ nhiệm|trao quyết định|công bố quyết định|miễn nhiệm|điều động|phê chuẩn"
                  r"|(?<!được )kiện toàn (?:chức danh|chức vụ|nhân sự|(?:các )?thành viên)"),
    ("sap-xep-to-chuc", r"sắp xếp(?: lại)? tổ chức|hợp nhất|sáp nhập"),
    ("dang-huong", r"dâng hương|viếng lăng|báo công"),
    ("don-nhan-khen-thuong", r"(?:đón nhận|trao tặng|trao|được tặng|tặng thưởng) (?:Huân chương|Cờ thi đua|danh hiệu"
                             r"|Bằng khen)"),
    ("lam-viec", r"buổi làm việc|làm việc với"),
    ("doan-cong-tac", r"đoàn công tác"),
    ("hoi-nghi", r"hội nghị"),
]
_CONFERENCES = {"so-ket", "tong-ket", "hoi-nghi-tap-huan", "ky-ket-giao-uoc-thi-dua", "le-ky-niem", "dai-hoi",
                "phat-dong-phong-trao", "phien-hop"}
#: A cue inside a reference to another thing ("Nghị quyết phiên họp ...", "dự thảo ...") is no event.
_REFERENCE = re.compile(r"(?:Nghị quyết|Thông báo kết luận|Thông báo|dự thảo|Kế hoạch tổ chức)\s+$", re.I)
#: "tổng kết 20 năm thực hiện ...": a topic of discussion, not a meeting.
_TOPIC = re.compile(r"\s+\d+\s+năm\s+(?:thực hiện|triển khai)")
_CUE_RE = [(t, re.compile(rf"(?<!\w)(?:{c})(?!\w)", re.I)) for t, c in CUES]
_ROLES = [("chair", r"chủ trì"), ("speaker", r"phát biểu|cho biết|nhấn mạnh|khẳng định"),
          ("presenter", r"trình bày|chia sẻ|báo cáo|giới thiệu"), ("signatory", r"\bký\b")]
_IMPLEMENTS = re.compile(r"(?:thực hiện|triển khai|theo|căn cứ|quán triệt|cụ thể hóa)\s+(?:các\s+)?$", re.I)
_TODAY = re.compile(r"(?:sáng|chiều|tối|trưa)?\s*(?:nay|hôm nay)\b", re.I)
_PLACE = re.compile(r"\btại\s+(?P<p>(?:Hội trường|trụ sở|Trụ sở|Nhà|Trung tâm|tỉnh|thành phố|Hà Nội|TP\.)"
                    r"[^,.;\n]{0,80})")
#: Before "giao ước thi đua" without "ký": the results of a pledge, not a signing.
#: Between a document and its own date: "Chỉ thị số 19/CT-TTg (ngày 16-7-2021)".
_OF_DOC = re.compile(r"\s*[(,]?\s*(?:ban hành\s+)?(?:ngày\s*)?")
#: Lower-case "đại hội" of no one body: "đại hội đảng bộ các cấp", "tổ chức đại hội đúng kế hoạch" (a named
#: congress is written "Đại hội Đảng bộ tỉnh X").
_GENERIC_CONGRESS = re.compile(r"\s+(?:đảng bộ|chi bộ|đúng|theo|bảo đảm)(?!\w)")
_RESULTS = re.compile(r"(?:thực hiện|kết quả|nội dung|báo cáo)\s+$", re.I)
#: Cues of an occasion that a "sơ kết"/"tổng kết" in the same sentence is only the agenda of.
_OCCASIONS = {"ky-ket-giao-uoc-thi-dua", "phien-hop", "hop-bao", "dai-hoi", "hoi-nghi-tap-huan", "le-ky-niem",
              "phat-dong-phong-trao"}
_ANNIV = re.compile(r"kỷ niệm\s+(?P<n>\d+)\s+năm\s+(?P<label>[^()\n]{3,160}?)\s*\($")


@dataclass
class EventMention:
    start: int
    end: int
    type: str
    date: str | None = None
    until: str | None = None
    place: str | None = None
    organisers: list[str] = field(default_factory=list)
    co_organisers: list[str] = field(default_factory=list)
    participants: list[dict[str, str]] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # document keys (symbol or title)
    cites: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)
    label: str | None = None  # historical events
    anniversary: dict[str, object] | None = None
    sentences: list[int] = field(default_factory=list)
    same_occasion: bool = False


def _cues(sentence: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for t, rx in _CUE_RE:
        for m in rx.finditer(sentence):
            if any(a <= m.start() < b or m.start() <= a < m.end() for _, a, b in found):
                continue
            if t == "hoi-nghi" and any(0 <= a - m.end() <= 3 for _, a, _b in found):
                continue
            if t == "doan-cong-tac" and any(x == "lam-viec" for x, _, _ in found):
                continue
            if _REFERENCE.search(sentence[max(0, m.start() - 30):m.start()]) or _TOPIC.match(sentence, m.end()):
                continue
            if t == "dai-hoi" and re.search(r"(?:tiến tới|hướng tới|chào mừng)\s+$", sentence[:m.start()]):
                continue  # "tiến tới Đại hội đại biểu toàn quốc lần thứ XIV": a congress to come
            if t == "dai-hoi" and m.group(0)[0] == "đ" and _GENERIC_CONGRESS.match(sentence, m.end()):
                continue  # "đại hội đảng bộ các cấp", "tổ chức đại hội đúng kế hoạch": congresses in general
            if t == "ky-ket-giao-uoc-thi-dua" and not re.match(r"ký", m.group(0), re.I) and _RESULTS.search(
                    sentence[max(0, m.start() - 30):m.start()]):
                continue  # "kết quả thực hiện giao ước thi đua": a topic
            found.append((t, m.start(), m.end()))
    if any(t in _OCCASIONS for t, _, _ in found):
        # "hội nghị tổng kết ..., ký giao ước thi đua", "phiên họp ..., sơ kết công tác ...": one occasion
        found = [f for f in found if f[0] not in ("so-ket", "tong-ket")]
    return found


def _of_document(text: str, d: DateMention, documents: list[DocumentMention]) -> bool:
    """Is ``d`` the date of a document ("Chỉ thị số 19/CT-TTg (ngày 16-7-2021)")?"""
    return any(x.start <= d.start < x.end or (x.end <= d.start and _OF_DOC.fullmatch(text[x.end:d.start]))
               for x in documents)


def _near(d: DateMention, published: date | None) -> bool:
    """Could ``d`` be the date of something the article reports (within a year of its publication)?"""
    v = d.as_date()
    return published is None or v is None or abs((v - published).days) <= 366


def _headline(sentence: str) -> bool:
    """A title line: no closing punctuation before its line break."""
    return sentence.endswith("\n") and not re.search(r"[.!?…:;\"”]\s*$", sentence)


def _doc_name(d: DocumentMention) -> str:
    return d.symbol or d.number_as_written or d.title or ""


def find_events(art: Article, dates: list[DateMention], units: list[UnitMention], persons: list[PersonMention],
                documents: list[DocumentMention], programmes: list[ProgrammeMention]) -> list[EventMention]:
    text = art.text
    covered = [(p.start, p.end) for p in persons] + [(d.start, d.end) for d in documents] + [
        (p.start, p.end) for p in programmes]
    units = [u for u in units if not any(a <= u.start < b for a, b in covered)]
    lead_date: DateMention | None = None
    for d in dates:
        if d.kind in ("date", "range") and art.sentence_index(d.start) <= 4 and _near(d, art.published) \
                and not _of_document(text, d, documents):
            lead_date = d
            break
    events: list[EventMention] = []
    for si, sent in enumerate(art.sentences):
        if re.search(r"-\s*Ảnh(?:\s*\d+)?\s*[.:]", sent.text):
            continue  # photo captions repeat the body
        for etype, a, b in _cues(sent.text):
            s0 = sent.start
            ds = [d for d in dates if sent.start <= d.start < sent.end and d.kind in ("date", "range")
                  and not _of_document(text, d, documents) and _near(d, art.published)]
            dm = ds[0] if ds else None
            date_v, until = (dm.value, dm.until) if dm else (None, None)
            if dm is None and lead_date is not None:
                date_v, until = lead_date.value, lead_date.until
            if dm is None and lead_date is None and art.published and _TODAY.search(sent.text):
                date_v = art.published.isoformat()
            ev = next((e for e in events if e.type == etype and (e.date == date_v or None in (e.date, date_v))), None)
            if ev is None:
                ev = EventMention(s0 + a, s0 + b, etype, date_v, until)
                events.append(ev)
            elif ev.date is None:
                ev.date, ev.until = date_v, until
            if si not in ev.sentences:
                ev.sentences.append(si)
            if sent.text.lstrip().startswith("Nhân dịp này"):
                ev.same_occasion = True
            if _headline(sent.text):
                continue
            _arguments(ev, text, sent.start, sent.end, s0 + a, units, persons, documents, programmes)
    specific = {e.date for e in events if e.type in _CONFERENCES}
    events = [e for e in events if not (e.type == "hoi-nghi" and (e.date in specific or None in specific))]
    events.extend(_historical(text, dates))
    return events


def _arguments(ev: EventMention, text: str, s: int, e: int, cue: int, units: list[UnitMention],
               persons: list[PersonMention], documents: list[DocumentMention],
               programmes: list[ProgrammeMention]) -> None:
    sent_units = [u for u in units if s <= u.start < e]
    outer = [u for u in sent_units if not any(v is not u and v.start <= u.start and u.end <= v.end
                                              and ((v.end - v.start) > (u.end - u.start) or v.attached_to == u.name)
                                              for v in sent_units)]
    coop = re.search(r"phối hợp với\s+", text[s:cue])
    coop_at = s + coop.start() if coop else None
    parents = {u.parent for u in outer if u.parent_explicit}
    for u in outer:
        if u.start >= cue or u.name in parents:
            continue
        if re.search(r"\btại\s+$", text[max(s, u.start - 6):u.start]):
            continue
        if u.member_of:
            _add_participant(ev, u.name, "signatory" if ev.type == "ky-ket-giao-uoc-thi-dua" else "participant")
            continue
        target = ev.co_organisers if coop_at is not None and u.start > coop_at else ev.organisers
        if u.name not in ev.organisers and u.name not in ev.co_organisers:
            target.append(u.name)
    for p in persons:
        if not (s <= p.name_start < e):
            continue
        role = "participant"
        window = text[max(s, p.start - 40): min(e, p.end + 40)]
        for r, rx in _ROLES:
            if re.search(rx, window, re.I):
                role = r
                break
        _add_participant(ev, p.name, role)
    for d in documents:
        if s <= d.start < e:
            name = _doc_name(d)
            if _IMPLEMENTS.search(text[max(s, d.start - 25):d.start]):
                if name not in ev.documents:
                    ev.documents.append(name)
            elif name not in ev.cites and name not in ev.documents:
                ev.cites.append(name)
    for pr in programmes:
        if s <= pr.start < e and pr.name not in ev.programmes:
            ev.programmes.append(pr.name)
    place = _PLACE.search(text[s:e])
    if place and ev.place is None:
        ev.place = place.group("p").strip()


def _add_participant(ev: EventMention, name: str, role: str) -> None:
    for p in ev.participants:
        if p["name"] == name:
            if p["role"] == "participant" and role != "participant":
                p["role"] = role
            return
    ev.participants.append({"name": name, "role": role})


def _historical(text: str, dates: list[DateMention]) -> list[EventMention]:
    out: list[EventMention] = []
    for d in dates:
        if d.kind != "anniversary":
            continue
        m = _ANNIV.search(text[max(0, d.start - 170):d.start])
        label = re.sub(r"^ngày\s+", "", m.group("label")).strip() if m else None
        ev = EventMention(d.start, d.end, "historical", d.value, None, label=label)
        ev.anniversary = {"number": int(m.group("n")) if m else None, "date": d.until}
        if label and not any(o.date == ev.date and o.label == label for o in out):
            out.append(ev)
    return out
