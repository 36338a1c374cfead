"""The steward's pages end to end in a real headless Chromium (Debian's, driven by Playwright) against the real
server (``govkg serve`` on gunicorn, a seeded store on disk): sign in with a token made by ``govkg token create``;
add a person holding a post for a period through the form generated from the shapes, picking the unit with the
typeahead (``/search`` JSON); an invalid form answered with the violations inline, in Vietnamese and, after the
English switch, in English; a document from its symbol (the parsed parts on its page); an inline edit of a fact
from the entity's page with its ETag; the change in ``/changes`` and its diff; its revert; an ingestion proposal
staged and accepted by a second steward.  Screenshots go to ``test-artifacts/``.

The tests of this module run in order and build on each other's data (one server per module).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import ARTIFACTS, chromium
from tests.http_server import LiveServer, live_server

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent

BASE = "https://w3id.org/govkg"
SRC = f"{BASE}/id/source/chinhphu-2023-07-18-khoi-thi-dua-3"
UNIT = f"{BASE}/id/unit/vpcp-vu-to-chuc-hanh-chinh-nha-nuoc-va-cong-vu"
VU_TRUONG = f"{BASE}/id/concept/role/vu-truong"
PERSON_PATH = "/id/person/tran-thi-thu-nghiem"
ARTICLE = (
    "Ngày 12/3/2024, tại Hà Nội, Văn phòng Chính phủ tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm "
    "2023. Đồng chí Lê Tuấn Dũng, Vụ trưởng Vụ Công tác Quốc hội, Địa phương và Đoàn thể, chủ trì hội nghị.")


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # plain http on 127.0.0.1: the session cookie without Secure (COOKIE_SECURE=0 is for such tests only)
    with live_server(tmp_path_factory.mktemp("steward-ui") / "store", seed=True, env={"COOKIE_SECURE": "0"}) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def _context(browser: Any, srv: LiveServer) -> Any:
    # an English-speaking browser: the pages must still be Vietnamese until the user switches
    ctx = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    ctx.set_default_timeout(30_000)
    ctx.problems = []

    def outside(route: Any) -> None:
        ctx.problems.append("outside request: " + route.request.url)
        route.abort()

    ctx.route(lambda url: not url.startswith(srv.url), outside)
    return ctx


@pytest.fixture(scope="module")
def alice(browser: Any, srv: LiveServer) -> Iterator[Any]:
    """A browser context signed in as the steward ``alice`` (through the sign-in form)."""
    ctx = _context(browser, srv)
    pg = ctx.new_page()
    sign_in(pg, srv, "alice")
    pg.close()
    yield ctx
    ctx.close()


def sign_in(pg: Any, srv: LiveServer, name: str) -> None:
    pg.goto(srv.url + "/steward")
    assert pg.locator("#sign-in").is_visible()
    pg.fill("#token", srv.token("steward", name))
    pg.click("#sign-in button[type=submit]")
    pg.wait_for_url("**/steward")
    assert f"{name} (steward)" in pg.locator("nav.steward-nav").inner_text()
    assert "Chờ duyệt" in pg.locator("main").inner_text()  # Vietnamese, although the browser asks for English


@pytest.fixture
def page(alice: Any) -> Iterator[Any]:
    pg = alice.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    pg.close()


def shot(pg: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def pick(pg: Any, field: str, text: str, iri: str) -> None:
    """Type into a typeahead and choose the hit with ``iri`` (the hits come from ``/search`` as JSON)."""
    pg.locator(f"#{field}-text").fill(text)
    option = pg.locator(f"#{field}-list li[role=option][data-iri='{iri}']")
    option.wait_for(state="visible")
    option.dispatch_event("mousedown")
    assert pg.locator(f"#{field}").input_value() == iri


def fill_vi(pg: Any, path: str, value: str) -> None:
    pg.locator(f"input[name='{path}']").fill(value)


def test_sign_in_with_a_wrong_token_is_refused(browser: Any, srv: LiveServer) -> None:
    ctx = _context(browser, srv)
    pg = ctx.new_page()
    pg.goto(srv.url + "/steward")
    pg.fill("#token", "govkg_not-a-token")
    pg.click("#sign-in button[type=submit]")
    assert "Token không hợp lệ" in pg.locator("[role=alert]").inner_text()
    assert pg.locator("nav.steward-nav").count() == 0
    ctx.close()


def test_add_a_person_holding_a_post_for_a_period(page: Any, srv: LiveServer) -> None:
    page.goto(srv.url + "/steward/new/person")
    assert page.locator("h1").inner_text() == "Thêm người"
    pick(page, "source", "Khối Thi đua 3 ký giao ước", SRC)
    fill_vi(page, "http://www.w3.org/2000/01/rdf-schema#label@vi", "Trần Thị Thử Nghiệm")
    fill_vi(page, "http://xmlns.com/foaf/0.1/name", "Trần Thị Thử Nghiệm")
    pick(page, "post-unit", "vu to chuc hanh chinh", UNIT)
    assert "Vụ Tổ chức" in page.locator("#post-unit-text").input_value()
    page.select_option("#post-role", VU_TRUONG)
    page.fill("#post-from", "2020-01-15")
    page.fill("#post-to", "2023-12-31")
    page.fill("#comment", "thêm người thử nghiệm")
    shot(page, "steward-form-person")
    page.click("#new-person button[type=submit]")
    page.wait_for_url("**" + PERSON_PATH)
    assert page.locator("h1#entity-label").inner_text() == "Trần Thị Thử Nghiệm"
    posts = page.locator("#sec-posts").inner_text()
    assert "Vụ Tổ chức" in posts and "2020-01-15" in posts and "2023-12-31" in posts
    assert "thêm người thử nghiệm" in page.locator("section.history").inner_text()
    shot(page, "steward-person-added")
    assert page.errors == []


def test_invalid_form_shows_the_violations_inline_in_vi_then_en(page: Any, srv: LiveServer) -> None:
    page.goto(srv.url + "/steward/new/person")
    fill_vi(page, "http://www.w3.org/2000/01/rdf-schema#label@vi", "Người Không Nguồn")
    page.click("#new-person button[type=submit]")  # no source and no foaf:name
    alert = page.locator(".steward-error[role=alert]")
    alert.wait_for()
    messages = alert.locator("ul.violations li").all_inner_texts()
    assert any("Người cần họ tên (foaf:name)" in m for m in messages), messages
    assert any("Thiếu nguồn" in m for m in messages), messages
    # what the user typed is kept
    assert page.locator("input[name='http://www.w3.org/2000/01/rdf-schema#label@vi']").input_value() == \
        "Người Không Nguồn"
    shot(page, "steward-form-invalid-vi")
    page.locator("header.site a[hreflang=en]").click()
    page.wait_for_url("**lang=en")
    assert page.locator("h1").inner_text() == "Add a person"
    fill_vi(page, "http://www.w3.org/2000/01/rdf-schema#label@vi", "Người Không Nguồn")
    page.click("#new-person button[type=submit]")
    alert.wait_for()
    messages = alert.locator("ul.violations li").all_inner_texts()
    assert any("A person needs a name (foaf:name)" in m for m in messages), messages
    assert not any("Người cần họ tên" in m for m in messages), messages
    shot(page, "steward-form-invalid-en")
    page.goto(srv.url + "/steward/new/person?lang=vi")  # back to Vietnamese for the next tests
    count = requests.get(srv.url + "/sparql", params={"query": 'ASK { GRAPH ?g { ?p ?x "Người Không Nguồn"@vi } }'},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30).json()
    assert count["boolean"] is False  # the refused form changed nothing


def test_add_a_document_from_its_symbol(page: Any, srv: LiveServer) -> None:
    page.goto(srv.url + "/steward/new/document")
    pick(page, "source", "Khối Thi đua 3 ký giao ước", SRC)
    page.fill("#symbol", "15/2024/NĐ-CP")
    fill_vi(page, "http://www.w3.org/2000/01/rdf-schema#label@vi", "Nghị định thử nghiệm về thi đua")
    page.locator("input[name='http://data.europa.eu/eli/ontology#date_document']").fill("2024-02-01")
    page.click("#new-document button[type=submit]")
    page.wait_for_url("**/id/document/15-2024-nd-cp")
    assert page.locator("h1#entity-label").inner_text() == "Nghị định thử nghiệm về thi đua"
    body = page.locator("article.entity").inner_text()
    for part in ("15/2024/NĐ-CP", "2024", "CP", "Nghị định"):  # symbol, year, issuer code, type
        assert part in body, part
    number = requests.get(srv.url + "/id/document/15-2024-nd-cp.json", timeout=30).json()
    assert "15" in str(number)
    shot(page, "steward-document-added")
    assert page.errors == []


def test_inline_edit_with_the_etag_then_changes_diff_and_revert(page: Any, alice: Any, srv: LiveServer) -> None:
    page.goto(srv.url + PERSON_PATH)
    stale = alice.new_page()
    stale.goto(srv.url + PERSON_PATH)  # loaded before the edit: its ETag will be stale
    row = page.locator("#inline-edit tr.edit-fact[data-predicate='http://www.w3.org/2000/01/rdf-schema#label']"
                       "[data-lang='vi']")
    # the field is named by the ontology's label in the page's language, not by the local name "label"
    assert row.locator("td").first.inner_text().startswith("nhãn, tên")
    assert row.locator("input").get_attribute("aria-label") == "nhãn, tên @vi"
    row.locator("input").fill("Trần Thị Đã Sửa")
    row.locator("button").click()
    link = row.locator("output a.changeset")
    link.wait_for()
    assert "Đã lưu" in row.locator("output").inner_text()
    cs_id = link.inner_text()
    shot(page, "steward-inline-edit")
    # the same edit from the page loaded earlier is refused: the entity changed since (412 on If-Match)
    srow = stale.locator("#inline-edit tr.edit-fact[data-predicate='http://www.w3.org/2000/01/rdf-schema#label']"
                         "[data-lang='vi']")
    srow.locator("input").fill("Trần Thị Sửa Trễ")
    srow.locator("button").click()
    # waited for through a locator: a string predicate (wait_for_function) is eval, which the page's CSP forbids
    expect(stale.locator("#inline-edit tr.error output").first).to_have_text(re.compile(r".{4,}", re.S))
    assert "đã thay đổi" in srow.locator("output").inner_text()
    stale.close()
    page.reload()
    assert page.locator("h1#entity-label").inner_text() == "Trần Thị Đã Sửa"
    # the change log, newest first, and the diff
    page.goto(srv.url + "/changes")
    first = page.locator("table.changes tbody tr").first
    assert cs_id in first.inner_text() and "edit" in first.inner_text() and "alice" in first.inner_text()
    first.locator("a").click()
    page.wait_for_url(f"**/changes/{cs_id}")
    assert "Trần Thị Đã Sửa" in page.locator("pre.diff ins").inner_text()
    assert "Trần Thị Thử Nghiệm" in page.locator("pre.diff del").inner_text()
    assert page.locator("#cs-status").inner_text().startswith("applied")
    shot(page, "steward-change-diff")
    # revert it: a new changeset that undoes this one
    page.locator("#revert input[name=comment]").fill("hoàn tác thử")
    page.locator("#revert button").click()
    page.wait_for_url(re.compile(r".*/changes/(?!" + re.escape(cs_id) + r"$)[^/]+$"))
    assert cs_id in page.locator("dl.changeset").inner_text()  # "reverts" the edit
    assert "Trần Thị Thử Nghiệm" in page.locator("pre.diff ins").inner_text()
    shot(page, "steward-change-reverted")
    page.goto(srv.url + PERSON_PATH)
    assert page.locator("h1#entity-label").inner_text() == "Trần Thị Thử Nghiệm"
    history = page.locator("section.history").inner_text()
    assert "revert" in history and "edit" in history
    assert page.errors == []


def test_ingestion_staged_then_accepted_by_a_second_steward(page: Any, browser: Any, srv: LiveServer) -> None:
    page.goto(srv.url + "/steward/ingest")
    page.fill("#text", ARTICLE)
    page.fill("#published", "2024-03-12")
    page.fill("#url", "https://chinhphu.vn/bai-bao-thu-nghiem")
    page.click("#ingest button[type=submit]")
    page.wait_for_url(re.compile(r".*/changes/[^/]+$"))
    cs_id = page.url.rsplit("/", 1)[-1]
    assert page.locator("#cs-status").inner_text().startswith("staged")
    assert page.locator("pre.diff ins").count() > 0
    assert page.locator("#accept").count() == 0  # nobody reviews their own change
    shot(page, "steward-ingest-staged")
    ctx = _context(browser, srv)
    bob = ctx.new_page()
    sign_in(bob, srv, "bob")
    assert cs_id in bob.locator("ul.staged").inner_text()
    bob.locator(f"ul.staged a[href$='{cs_id}']").click()
    bob.wait_for_url(f"**/changes/{cs_id}")
    with bob.expect_navigation():
        bob.locator("#accept button").click()
    alert = bob.locator("[role=alert]")
    assert alert.count() == 0, alert.inner_text()
    assert re.search(r"/changes/(?!" + re.escape(cs_id) + r"$)[^/]+$", bob.url), bob.url
    assert cs_id in bob.locator("dl.changeset").inner_text()  # "accepts" the staged change
    bob.goto(srv.url + f"/changes/{cs_id}")
    assert bob.locator("#cs-status").inner_text() == "accepted — bob"
    shot(bob, "steward-ingest-accepted")
    assert ctx.problems == []
    ctx.close()


def test_browser_tests_never_wait_on_a_string_predicate_which_the_csp_forbids_as_eval() -> None:
    # Page.wait_for_function("...") compiles its string in the page: EvalError under script-src 'self' (no
    # 'unsafe-eval'), which is right for our pages; the tests wait through locators instead
    import ast

    bad = []
    for f in sorted(ROOT.glob("tests/test_browser_*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "wait_for_function" and node.args
                    and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
                bad.append(f"{f.name}:{node.lineno}")
    assert bad == [], f"wait_for_function with a string (eval, refused by the page's CSP): {bad}"
