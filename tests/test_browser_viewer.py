"""End to end in a real headless Chromium (Debian's, driven by Playwright): search, entity page, timeline,
relationship finder.  Screenshots go to ``test-artifacts/`` (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARTIFACTS, chromium
from tests.viewer_data import PERSON

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any, viewer_url: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))

    def outside(route: Any) -> None:
        problems.append("outside request: " + route.request.url)
        route.abort()

    pg.route(lambda url: not url.startswith(viewer_url), outside)
    pg.problems = problems
    yield pg
    ctx.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_search_with_typeahead_opens_the_entity_page(page: Any, viewer_url: str) -> None:
    page.goto(viewer_url + "/")
    box = page.locator("#home-q")
    box.fill("le tuan dung")
    option = page.locator("#home-q-list li[role=option]").first
    option.wait_for(state="visible")
    assert option.get_attribute("data-iri") == PERSON
    assert "Lê Tuấn Dũng" in option.inner_text()
    shot(page, "search-typeahead")
    option.click()
    page.wait_for_url("**/id/person/le-tuan-dung")
    assert page.locator("h1#entity-label").inner_text() == "Lê Tuấn Dũng"
    assert "Vụ Công tác Quốc hội, Địa phương và Đoàn thể" in page.locator("#sec-posts").inner_text()
    page.wait_for_selector("#graph[data-rendered]")
    assert int(page.locator("#graph").get_attribute("data-rendered")) >= 4
    shot(page, "entity-person")
    assert page.problems == []


def test_search_page_finds_the_office_by_its_abbreviation(page: Any, viewer_url: str) -> None:
    page.goto(viewer_url + "/search?q=vpcp")
    first = page.locator("#results li").first
    assert "Văn phòng Chính phủ" in first.inner_text()
    shot(page, "search-vpcp")
    assert page.problems == []


def test_hostile_labels_stay_text(page: Any, viewer_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(viewer_url + "/id/unit/xss-test")
    assert page.locator("h1#entity-label").inner_text() == "<script>alert(1)</script>"
    page.wait_for_selector("#graph[data-rendered]")
    page.goto(viewer_url + "/search?q=script")
    assert dialogs == []
    assert page.locator("a[href^='javascript:']").count() == 0


def test_timeline_shows_events_and_filters(page: Any, viewer_url: str) -> None:
    page.goto(viewer_url + "/timeline")
    page.wait_for_selector("#timeline[data-rendered]")
    assert page.locator("#timeline .vis-item-content").count() == 2
    assert "Ký kết giao ước thi đua" in page.locator("#timeline").inner_text()
    shot(page, "timeline")
    person = page.locator("#f-person-text")
    person.fill("Nguyễn Văn An")
    page.locator("#f-person-list li[role=option]").first.click()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("#timeline[data-rendered='1']")
    assert page.locator("#event-list li").count() == 1
    assert "Hội nghị trao quyết định bổ nhiệm" in page.locator("#event-list").inner_text()
    assert page.problems == []


def test_relationship_finder_explains_the_path(page: Any, viewer_url: str) -> None:
    page.goto(viewer_url + "/relations?lang=en")
    for field, text in (("#r-a", "le tuan dung"), ("#r-b", "khoi thi dua 3")):
        page.locator(field).fill(text)
        page.locator(field + "-list li[role=option]").first.click()
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_selector("#paths")
    paths = page.locator("#paths").inner_text()
    assert ("Lê Tuấn Dũng, Director General of Department for National Assembly, Local Affairs and Mass "
            "Organisations, member of Emulation Block 3") in paths
    page.wait_for_selector("#path-graph[data-rendered]")
    assert "Văn phòng Chính phủ" not in page.locator("#rank-unit").inner_text()  # English labels
    assert "Government Office" in page.locator("#rank-unit").inner_text()
    shot(page, "relations")
    assert page.problems == []


def test_phone_width_has_no_horizontal_scroll_on_home(page: Any, viewer_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(viewer_url + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot(page, "home-phone")
