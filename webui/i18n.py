"""The viewer's two languages: Vietnamese (default) and English.

The language comes from ``?lang=vi|en`` (which also sets the ``lang`` cookie for the next pages), else the
cookie, else Vietnamese.  Templates call ``t("key")``; a missing key shows the key, never an error.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request

LANGS = ("vi", "en")
COOKIE = "lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site.name": {"vi": "Đồ thị tri thức Chính phủ", "en": "Government knowledge graph"},
    "site.tagline": {"vi": "Đơn vị, cán bộ, văn bản và sự kiện của Chính phủ Việt Nam, dạng dữ liệu liên kết",
                     "en": "Units, officials, documents and events of the Vietnamese government, as linked data"},
    "nav.home": {"vi": "Trang chủ", "en": "Home"},
    "nav.search": {"vi": "Tìm kiếm", "en": "Search"},
    "nav.units": {"vi": "Cơ cấu tổ chức", "en": "Unit tree"},
    "nav.people": {"vi": "Cán bộ", "en": "People"},
    "nav.documents": {"vi": "Văn bản", "en": "Documents"},
    "nav.timeline": {"vi": "Dòng thời gian", "en": "Timeline"},
    "nav.relations": {"vi": "Tìm quan hệ", "en": "Relationships"},
    "nav.asof": {"vi": "Tại một ngày", "en": "As of a date"},
    "nav.sparql": {"vi": "Truy vấn SPARQL", "en": "SPARQL editor"},
    "nav.main": {"vi": "Điều hướng chính", "en": "Main navigation"},
    "lang.switch": {"vi": "English", "en": "Tiếng Việt"},
    "search.label": {"vi": "Tìm đơn vị, cán bộ, văn bản, sự kiện", "en": "Search units, people, documents, events"},
    "search.placeholder": {"vi": "ví dụ: Lê Tuấn Dũng, VPCP, Đà Nẵng", "en": "e.g. Lê Tuấn Dũng, VPCP, Da Nang"},
    "search.button": {"vi": "Tìm", "en": "Search"},
    "search.results": {"vi": "Kết quả cho", "en": "Results for"},
    "search.none": {"vi": "Không tìm thấy kết quả.", "en": "No results."},
    "search.score": {"vi": "độ khớp", "en": "score"},
    "home.holds": {"vi": "Đồ thị hiện có", "en": "What the graph holds"},
    "home.sources": {"vi": "Nguồn mới nhất", "en": "Newest sources"},
    "home.counting": {"vi": "Đang đếm những gì đồ thị có; tải lại trang sau ít giây.",
                      "en": "Counting what the graph holds; reload in a few seconds."},
    "home.recounting": {"vi": "Số liệu dưới đây có từ trước lần ghi gần nhất; đang đếm lại.",
                        "en": "These figures date from before the last write; they are being recounted."},
    "home.entry": {"vi": "Bắt đầu từ", "en": "Start from"},
    "home.dataset": {"vi": "Bộ dữ liệu", "en": "The dataset"},
    "home.void": {"vi": "mô tả bộ dữ liệu (VoID/DCAT)", "en": "its description (VoID/DCAT)"},
    "home.releases": {"vi": "các phiên bản phát hành và tệp tải về", "en": "releases and downloads"},
    "home.examples": {"vi": "Câu hỏi mẫu (mở trong trình soạn truy vấn)",
                      "en": "Example questions (open in the editor)"},
    "home.no_examples": {"vi": "Chưa có câu hỏi mẫu.", "en": "No example questions yet."},
    "kind.unit": {"vi": "Đơn vị", "en": "Units"},
    "kind.person": {"vi": "Cán bộ", "en": "People"},
    "kind.document": {"vi": "Văn bản", "en": "Documents"},
    "kind.event": {"vi": "Sự kiện", "en": "Events"},
    "kind.programme": {"vi": "Chương trình, phong trào", "en": "Programmes, movements"},
    "kind.source": {"vi": "Nguồn tin", "en": "Sources"},
    "kind.concept": {"vi": "Khái niệm", "en": "Concept"},
    "kind.post": {"vi": "Chức vụ", "en": "Post"},
    "kind.change": {"vi": "Thay đổi tổ chức", "en": "Organisational change"},
    "kind.membership": {"vi": "Giữ chức vụ", "en": "Membership"},
    "kind.triples": {"vi": "Bộ ba (triple)", "en": "Triples"},
    "kind.graphs": {"vi": "Đồ thị nguồn", "en": "Source graphs"},
    "sec.posts": {"vi": "Chức vụ đã giữ", "en": "Posts held"},
    "sec.events": {"vi": "Sự kiện tham gia", "en": "Events taken part in"},
    "sec.signed": {"vi": "Văn bản đã ký", "en": "Documents signed"},
    "sec.parents": {"vi": "Trực thuộc", "en": "Part of"},
    "sec.children": {"vi": "Đơn vị trực thuộc", "en": "Units within"},
    "sec.blocks": {"vi": "Thuộc khối, cụm", "en": "Member of blocks"},
    "sec.members": {"vi": "Thành viên", "en": "Members"},
    "sec.attached": {"vi": "Tổ chức gắn với", "en": "Attached bodies"},
    "sec.heads_current": {"vi": "Lãnh đạo hiện tại", "en": "Current heads"},
    "sec.heads_past": {"vi": "Lãnh đạo trước đây", "en": "Past heads"},
    "sec.changes": {"vi": "Thay đổi tổ chức", "en": "Organisational changes"},
    "sec.organised": {"vi": "Sự kiện đã tổ chức", "en": "Events organised"},
    "sec.issued": {"vi": "Văn bản ban hành", "en": "Documents issued"},
    "sec.document": {"vi": "Thông tin văn bản", "en": "Document"},
    "sec.implemented_by": {"vi": "Được thực hiện bởi", "en": "Carried out by"},
    "sec.cited_by": {"vi": "Được viện dẫn bởi", "en": "Cited by"},
    "sec.basis_of": {"vi": "Là căn cứ của", "en": "Basis of"},
    "sec.event": {"vi": "Thông tin sự kiện", "en": "Event"},
    "sec.organisers": {"vi": "Đơn vị tổ chức", "en": "Organisers"},
    "sec.participants": {"vi": "Thành phần tham dự", "en": "Participants"},
    "sec.documents": {"vi": "Văn bản liên quan", "en": "Documents"},
    "sec.programmes": {"vi": "Chương trình, phong trào", "en": "Programmes and movements"},
    "sec.commemorates": {"vi": "Kỷ niệm", "en": "Commemorates"},
    "sec.same_occasion": {"vi": "Cùng dịp", "en": "Same occasion"},
    "sec.change": {"vi": "Thay đổi", "en": "Change"},
    "sec.organisations": {"vi": "Tổ chức liên quan", "en": "Organisations"},
    "sec.other": {"vi": "Thông tin khác", "en": "Other facts"},
    "sec.incoming": {"vi": "Liên kết đến trang này", "en": "Links to this entity"},
    "sec.graph": {"vi": "Quan hệ lân cận", "en": "Neighbourhood"},
    "col.value": {"vi": "Giá trị", "en": "Value"},
    "col.role": {"vi": "Vai trò", "en": "Role"},
    "col.period": {"vi": "Thời gian", "en": "Period"},
    "col.source": {"vi": "Nguồn", "en": "Source"},
    "col.evidence": {"vi": "Trích dẫn", "en": "Evidence"},
    "col.count": {"vi": "Số lượng", "en": "Count"},
    "period.from": {"vi": "từ", "en": "from"},
    "period.to": {"vi": "đến", "en": "to"},
    "period.attested": {"vi": "ghi nhận ngày", "en": "attested on"},
    "period.former": {"vi": "nguyên", "en": "former"},
    "entity.alt": {"vi": "Tên khác", "en": "Also known as"},
    "entity.former": {"vi": "Tên trước đây", "en": "Former names"},
    "entity.type": {"vi": "Loại", "en": "Type"},
    "entity.formats": {"vi": "Tải dữ liệu", "en": "Download"},
    "entity.sources": {"vi": "Nguồn", "en": "Sources"},
    "entity.more": {"vi": "và còn nữa", "en": "and more"},
    "entity.more_n": {"vi": "mục nữa", "en": "more"},
    "entity.previous": {"vi": "Trang trước", "en": "Previous"},
    "entity.page": {"vi": "Trang", "en": "Page"},
    "entity.next": {"vi": "Trang sau", "en": "Next"},
    "entity.over": {"vi": "hơn {n}", "en": "{n}+"},
    "entity.thousands": {"vi": ".", "en": ","},
    "entity.stored_order": {"vi": "Quá nhiều mục để sắp xếp: các mục theo thứ tự lưu trữ, không theo ngày.",
                            "en": "Too many to sort: listed in storage order, not by date."},
    "entity.timeline": {"vi": "Xem theo trình tự thời gian", "en": "See them in date order"},
    "graph.help": {"vi": "Kéo để di chuyển; bấm vào một nút để mở trang của nó.",
                   "en": "Drag to move; click a node to open its page."},
    "timeline.filters": {"vi": "Lọc sự kiện", "en": "Filter events"},
    "timeline.unit": {"vi": "Đơn vị", "en": "Unit"},
    "timeline.person": {"vi": "Cán bộ", "en": "Person"},
    "timeline.type": {"vi": "Loại sự kiện", "en": "Event type"},
    "timeline.start": {"vi": "Từ ngày", "en": "From"},
    "timeline.end": {"vi": "Đến ngày", "en": "To"},
    "timeline.any": {"vi": "Tất cả", "en": "Any"},
    "timeline.apply": {"vi": "Lọc", "en": "Apply"},
    "timeline.count": {"vi": "sự kiện", "en": "events"},
    "timeline.list": {"vi": "Danh sách sự kiện", "en": "Events"},
    "timeline.showing": {"vi": "đang xem", "en": "showing"},
    "timeline.next": {"vi": "Trang sau", "en": "Next"},
    "rel.title": {"vi": "Hai thực thể liên quan thế nào?", "en": "How are two entities connected?"},
    "rel.from": {"vi": "Từ", "en": "From"},
    "rel.to": {"vi": "Đến", "en": "To"},
    "rel.find": {"vi": "Tìm đường nối", "en": "Find paths"},
    "rel.none": {"vi": "Không tìm thấy đường nối.", "en": "No connection found."},
    "rel.bounded": {"vi": "Không tìm thấy đường nối ngắn (tối đa 12 bước).",
                    "en": "No short connection found (at most 12 steps)."},
    "rel.paths": {"vi": "Đường nối ngắn nhất", "en": "Shortest paths"},
    "rel.rank": {"vi": "Kết nối nhiều nhất", "en": "Most connected"},
    "rel.degree": {"vi": "số liên kết", "en": "connections"},
    "rel.rank_stale": {"vi": "Xếp hạng trước lần cập nhật dữ liệu gần nhất; đang tính lại.",
                       "en": "Rankings from before the latest change to the data; being recounted."},
    "rel.rank_building": {"vi": "Đang tính xếp hạng; xin xem lại sau ít phút.",
                          "en": "The rankings are being counted; please look again in a few minutes."},
    "rel.unknown": {"vi": "Không nhận ra thực thể", "en": "Entity not recognised"},
    "asof.title": {"vi": "Cơ cấu tổ chức tại một ngày", "en": "Organisation chart as of a date"},
    "asof.unit": {"vi": "Đơn vị", "en": "Unit"},
    "asof.date": {"vi": "Ngày", "en": "Date"},
    "asof.show": {"vi": "Xem", "en": "Show"},
    "asof.chart": {"vi": "Sơ đồ tổ chức", "en": "Organisation chart"},
    "asof.holders": {"vi": "Người giữ chức vụ", "en": "Post holders"},
    "asof.unavailable": {"vi": "Chức năng này chưa sẵn sàng.", "en": "This view is not available yet."},
    "asof.none": {"vi": "Không có dữ liệu cho ngày này.", "en": "Nothing known for this date."},
    "list.empty": {"vi": "Chưa có dữ liệu.", "en": "Nothing here yet."},
    "editor.title": {"vi": "Trình soạn truy vấn SPARQL", "en": "SPARQL query editor"},
    "editor.examples": {"vi": "Câu hỏi mẫu", "en": "Example questions"},
    "editor.help": {"vi": "Nhấn Ctrl+Enter để chạy. Ctrl+Space để gợi ý lớp, thuộc tính và thực thể của đồ thị.",
                    "en": "Ctrl+Enter runs the query. "
                          "Ctrl+Space suggests the graph's classes, properties and entities."},
    "error.404": {"vi": "Không tìm thấy trang.", "en": "Not found."},
}


def get_lang() -> str:
    cached = getattr(g, "_lang", None)
    if cached:
        return str(cached)
    lang = request.args.get("lang") or request.cookies.get(COOKIE) or "vi"
    lang = lang if lang in LANGS else "vi"
    g._lang = lang
    return lang


def t(key: str) -> str:
    m = MESSAGES.get(key)
    return m.get(get_lang(), m["vi"]) if m else key


def init_app(app: Flask) -> None:
    """Register ``t``/``lang`` for templates and remember ``?lang=`` in a cookie."""

    app.jinja_env.globals["t"] = t  # also inside imported macros, which do not see the context

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {"t": t, "lang": get_lang(), "other_lang": "en" if get_lang() == "vi" else "vi"}

    @app.after_request
    def _remember(resp: Response) -> Response:
        if b"lang=" not in request.query_string:  # most requests (every /sparql lookup): no arguments to parse
            return resp
        lang = request.args.get("lang")
        if lang in LANGS and request.cookies.get(COOKIE) != lang:
            resp.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return resp
