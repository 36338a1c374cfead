"""A small graph in the shape of docs/MODEL.md, for the viewer's tests (search, entity pages, analysis, pages).

It follows the model contract (named graph per source, memberships, qualified associations, SKOS concepts) and
adds the hostile cases the viewer must survive: a label with ``<script>``, a ``javascript:`` IRI as an object,
labels in NFD and with the old tone placement ("Khánh Hoà").  Facts are invented for tests, in the manner of the
seed article (the article itself is only cited, see tests that read ``../shared``).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from graph.store import Store, forget, open_store

SRC = "https://w3id.org/govkg/id/source/chinhphu-2023-07-18-khoi-thi-dua-3"
G = "https://w3id.org/govkg/graph/chinhphu-2023-07-18-khoi-thi-dua-3"
SRC2 = "https://w3id.org/govkg/id/source/chinhphu-2019-05-02-bo-nhiem"
G2 = "https://w3id.org/govkg/graph/chinhphu-2019-05-02-bo-nhiem"
XSS = "<script>alert(1)</script>"

PERSON = "https://w3id.org/govkg/id/person/le-tuan-dung"
VPCP = "https://w3id.org/govkg/id/unit/van-phong-chinh-phu"
VU = "https://w3id.org/govkg/id/unit/vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the"
VU_I = "https://w3id.org/govkg/id/unit/vpcp-vu-i"
BLOCK = "https://w3id.org/govkg/id/unit/vpcp-khoi-thi-dua-3"
EVENT = "https://w3id.org/govkg/id/event/2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3"
DOC = "https://w3id.org/govkg/id/document/280-cd-ttg-2023"
PLAN = "https://w3id.org/govkg/id/document/vpcp-ke-hoach-thi-dua-khen-thuong-2023"
OLD_HEAD = "https://w3id.org/govkg/id/person/nguyen-van-an"
EVIL = "https://w3id.org/govkg/id/unit/xss-test"
DANANG = "https://w3id.org/govkg/id/unit/ubnd-thanh-pho-da-nang"
KHANHHOA = "https://w3id.org/govkg/id/unit/ubnd-tinh-khanh-hoa"

# "Lê Tuấn Dũng" is stored NFC (as clean() demands); the query side is tested in NFC and NFD.
_NFD_NAME_OF_OTHER = unicodedata.normalize("NFD", "Nguyễn Văn An")

TRIG = f"""
@prefix govkg: <https://w3id.org/govkg/ontology#> .
@prefix unit: <https://w3id.org/govkg/id/unit/> .
@prefix person: <https://w3id.org/govkg/id/person/> .
@prefix post: <https://w3id.org/govkg/id/post/> .
@prefix doc: <https://w3id.org/govkg/id/document/> .
@prefix event: <https://w3id.org/govkg/id/event/> .
@prefix src: <https://w3id.org/govkg/id/source/> .
@prefix concept: <https://w3id.org/govkg/id/concept/> .
@prefix role: <https://w3id.org/govkg/id/concept/role/> .
@prefix prole: <https://w3id.org/govkg/id/concept/participant-role/> .
@prefix etype: <https://w3id.org/govkg/id/concept/event-type/> .
@prefix dtype: <https://w3id.org/govkg/id/concept/document-type/> .
@prefix ctype: <https://w3id.org/govkg/id/concept/change-type/> .
@prefix m: <https://w3id.org/govkg/id/membership/> .
@prefix g: <https://w3id.org/govkg/graph/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

g:ontology {{
  role:vu-truong a skos:Concept ; skos:prefLabel "Vụ trưởng"@vi, "Director General"@en ;
      rdfs:label "Vụ trưởng"@vi, "Director General"@en .
  prole:speaker a skos:Concept ; skos:prefLabel "phát biểu"@vi, "speaker"@en .
  prole:signatory a skos:Concept ; skos:prefLabel "ký kết"@vi, "signatory"@en .
  etype:ky-ket-giao-uoc-thi-dua a skos:Concept ;
      skos:prefLabel "ký kết giao ước thi đua"@vi, "signing of an emulation pledge"@en .
  etype:hoi-nghi a skos:Concept ; skos:prefLabel "hội nghị"@vi, "conference"@en .
  dtype:cong-dien a skos:Concept ; skos:prefLabel "Công điện"@vi, "Official dispatch"@en ;
      skos:notation "CĐ" .
  dtype:ke-hoach a skos:Concept ; skos:prefLabel "Kế hoạch"@vi, "Plan"@en .
  ctype:rename a skos:Concept ; skos:prefLabel "đổi tên"@vi, "rename"@en .
  org:memberOf rdfs:label "thành viên của"@vi, "member of"@en .
  org:unitOf rdfs:label "đơn vị thuộc"@vi, "unit of"@en .
}}

g:chinhphu-2023-07-18-khoi-thi-dua-3 {{
  g:chinhphu-2023-07-18-khoi-thi-dua-3 a prov:Entity ; prov:wasDerivedFrom src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  src:chinhphu-2023-07-18-khoi-thi-dua-3 a schema:NewsArticle ;
      dct:title "Khối Thi đua 3 ký giao ước thi đua và sinh hoạt chuyên đề về công tác dân vận"@vi ;
      dct:publisher unit:van-phong-chinh-phu ; dct:issued "2023-07-18T13:11:00+07:00"^^xsd:dateTime ;
      schema:url <https://example.org/khoi-thi-dua-3.htm> .

  unit:chinh-phu a org:Organization ; rdfs:label "Chính phủ"@vi, "Government"@en ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  unit:van-phong-chinh-phu a org:Organization ; rdfs:label "Văn phòng Chính phủ"@vi, "Government Office"@en ;
      skos:altLabel "VPCP"@vi ; org:subOrganizationOf unit:chinh-phu ;
          dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  unit:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the a org:OrganizationalUnit ;
      rdfs:label "Vụ Công tác Quốc hội, Địa phương và Đoàn thể"@vi ;
      rdfs:label "Department for National Assembly, Local Affairs and Mass Organisations"@en ;
      skos:altLabel "Vụ QHĐP"@vi ;
      org:unitOf unit:van-phong-chinh-phu ; org:memberOf unit:vpcp-khoi-thi-dua-3 ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  unit:vpcp-vu-i a org:OrganizationalUnit ; rdfs:label "Vụ I"@vi, "Department I"@en ;
      org:unitOf unit:van-phong-chinh-phu ; org:memberOf unit:vpcp-khoi-thi-dua-3 ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  unit:vpcp-khoi-thi-dua-3 a org:Organization, govkg:EmulationBlock ;
      rdfs:label "Khối thi đua 3"@vi, "Emulation Block 3"@en ;
      govkg:attachedTo unit:van-phong-chinh-phu ; dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .

  person:le-tuan-dung a foaf:Person ; foaf:name "Lê Tuấn Dũng"@vi ; rdfs:label "Lê Tuấn Dũng"@vi ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  post:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the-vu-truong a org:Post ;
      org:postIn unit:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the ; org:role role:vu-truong .
  m:le-tuan-dung--vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the-vu-truong a org:Membership ;
      org:member person:le-tuan-dung ; org:organization unit:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the ;
      org:role role:vu-truong ;
      govkg:post post:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the-vu-truong ;
      govkg:attestedOn "2023-07-18"^^xsd:date ;
      govkg:evidence "Đồng chí Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội"@vi ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .

  m:vpcp-vu-i--vpcp-khoi-thi-dua-3 a org:Membership ; org:member unit:vpcp-vu-i ;
      org:organization unit:vpcp-khoi-thi-dua-3 .

  event:2023-07-18-ky-ket-giao-uoc-thi-dua-vpcp-khoi-thi-dua-3 a schema:Event, prov:Activity ;
      rdfs:label "Ký kết giao ước thi đua 6 tháng cuối năm 2023 của Khối thi đua 3"@vi ;
      rdfs:label "Emulation pledge signing of Emulation Block 3"@en ;
      govkg:eventType etype:ky-ket-giao-uoc-thi-dua ;
      schema:startDate "2023-07-18"^^xsd:date ; schema:location "Hà Nội"@vi ;
      schema:organizer unit:vpcp-khoi-thi-dua-3 ;
      prov:qualifiedAssociation [ a prov:Association ; prov:agent person:le-tuan-dung ;
          prov:hadRole prole:speaker ; govkg:evidence "Đồng chí Lê Tuấn Dũng ... cho biết"@vi ] ;
      prov:qualifiedAssociation [ a prov:Association ; prov:agent unit:vpcp-vu-i ;
          prov:hadRole prole:signatory ] ;
      prov:wasAssociatedWith person:le-tuan-dung, unit:vpcp-vu-i ;
      govkg:implements doc:vpcp-ke-hoach-thi-dua-khen-thuong-2023 ;
      govkg:cites doc:280-cd-ttg-2023 ;
      govkg:evidence "Khối thi đua 3 của Văn phòng Chính phủ ... đã ký kết giao ước thi đua"@vi ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .

  doc:vpcp-ke-hoach-thi-dua-khen-thuong-2023 a eli:LegalResource ;
      rdfs:label "Kế hoạch thi đua, khen thưởng năm 2023 của VPCP"@vi ;
      eli:type_document dtype:ke-hoach ; eli:passed_by unit:van-phong-chinh-phu ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .
  doc:280-cd-ttg-2023 a eli:LegalResource ; rdfs:label "Công điện 280/CĐ-TTg"@vi ;
      eli:id_local "280/CĐ-TTg" ; govkg:documentNumber "280" ; govkg:issuerCode "TTg" ;
      govkg:documentYear "2023"^^xsd:gYear ; eli:type_document dtype:cong-dien ;
      eli:date_document "2023-04-19"^^xsd:date ; eli:passed_by unit:chinh-phu ;
      govkg:signedBy person:le-tuan-dung ;
      dct:subject "về chấn chỉnh, tăng cường công tác giải quyết thủ tục hành chính"@vi ;
      dct:source src:chinhphu-2023-07-18-khoi-thi-dua-3 .

  unit:xss-test a org:OrganizationalUnit ; rdfs:label "{XSS}"@vi ; skos:altLabel "\\"><img src=x onerror=alert(1)>"@vi ;
      rdfs:comment "{{{{7*7}}}}"@vi ; rdfs:seeAlso <javascript:alert(1)> ; org:unitOf unit:van-phong-chinh-phu .
  unit:ubnd-thanh-pho-da-nang a org:Organization ; rdfs:label "Ủy ban nhân dân thành phố Đà Nẵng"@vi .
  unit:ubnd-tinh-khanh-hoa a org:Organization ; rdfs:label "Ủy ban nhân dân tỉnh Khánh Hoà"@vi .
}}

g:chinhphu-2019-05-02-bo-nhiem {{
  g:chinhphu-2019-05-02-bo-nhiem a prov:Entity ; prov:wasDerivedFrom src:chinhphu-2019-05-02-bo-nhiem .
  src:chinhphu-2019-05-02-bo-nhiem a schema:NewsArticle ; dct:title "Trao quyết định bổ nhiệm Vụ trưởng"@vi ;
      dct:issued "2019-05-02T09:00:00+07:00"^^xsd:dateTime .
  person:nguyen-van-an a foaf:Person ; foaf:name "{_NFD_NAME_OF_OTHER}"@vi ; rdfs:label "Nguyễn Văn An"@vi ;
      dct:source src:chinhphu-2019-05-02-bo-nhiem .
  m:nguyen-van-an--vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the-vu-truong--2015-03-01 a org:Membership ;
      org:member person:nguyen-van-an ; org:organization unit:vpcp-vu-cong-tac-quoc-hoi-dia-phuong-va-doan-the ;
      org:role role:vu-truong ; schema:validFrom "2015-03-01"^^xsd:date ;
      schema:validThrough "2019-04-30"^^xsd:date ; govkg:evidence "nguyên Vụ trưởng"@vi ;
      dct:source src:chinhphu-2019-05-02-bo-nhiem .
  event:2019-05-02-hoi-nghi-van-phong-chinh-phu a schema:Event ; rdfs:label "Hội nghị trao quyết định bổ nhiệm"@vi ;
      govkg:eventType etype:hoi-nghi ; schema:startDate "2019-05-02"^^xsd:date ;
      schema:organizer unit:van-phong-chinh-phu ; prov:wasAssociatedWith person:nguyen-van-an ;
      dct:source src:chinhphu-2019-05-02-bo-nhiem .
}}
"""


def load_viewer_graph(path: Path) -> Store:
    """The store on disk at ``path`` (opened through :func:`open_store`, as the app does) holding :data:`TRIG`."""
    st = open_store(path)
    st.load(TRIG.encode("utf-8"), format="trig")
    return st


@pytest.fixture(scope="module")
def viewer_store(tmp_path_factory: pytest.TempPathFactory, remote_engine: dict[str, str] | None) -> Iterator[Store]:
    """A store with :data:`TRIG`, shared by a module's tests that only read: on disk, or (in a module with
    ``BACKENDS``, see tests/conftest.py) the session's Virtuoso, emptied first."""
    if remote_engine is None:
        st = load_viewer_graph(tmp_path_factory.mktemp("viewer") / "store")
        yield st
        forget(st)
        return
    from graph.viewcache import invalidate
    from tests.remote_fixtures import open_remote

    remote = open_remote(remote_engine)
    remote.update("CLEAR ALL")
    remote.load(TRIG.encode("utf-8"), format="trig")
    remote.settings = remote_engine  # type: ignore[attr-defined]  # for viewer_url's app
    invalidate(remote)
    yield remote
    remote.close()


def app_settings(store: Store) -> dict[str, str]:
    """The app settings that reach ``store``: its directory, or the remote engine it was opened on."""
    remote: dict[str, str] | None = getattr(store, "settings", None)
    if remote is None:
        return {"STORE": str(store.path)}  # type: ignore[attr-defined]
    return {k.removeprefix("GOVKG_"): v for k, v in remote.items() if k.startswith("GOVKG_")}


@contextmanager
def serving(store_path: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """The app on the store at ``store_path`` (or of ``settings``), over real HTTP on 127.0.0.1 (a free port),
    in a thread."""
    from webui.app import create_app

    server = make_server("127.0.0.1", 0, create_app(settings or {"STORE": str(store_path)}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def viewer_url(viewer_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on :func:`viewer_store`, served over real HTTP."""
    settings = app_settings(viewer_store)
    settings.setdefault("STORE", str(tmp_path_factory.mktemp("viewer-app") / "store"))  # tokens only, remote
    with serving(Path(settings["STORE"]), settings) as url:
        yield url
