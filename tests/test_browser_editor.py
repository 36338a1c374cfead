"""The query editor (YASGUI) in a real headless Chromium against our own live endpoint: an example question
runs and shows a table; the editor asks no outside service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import requests

from graph.home import examples
from graph.seed import load_seed
from graph.store import forget, open_store
from tests.browser import ARGS, CHROMIUM
from tests.test_browser_viewer import shot
from tests.viewer_data import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a store holding the checkout's curated graph (ontology + data/), over real HTTP."""
    st = open_store(tmp_path_factory.mktemp("seed") / "store")
    load_seed(st)
    try:
        with serving(st.path) as url:  # type: ignore[attr-defined]
            yield url
    finally:
        forget(st)


@pytest.fixture(scope="module")
def editor_url(seed_url: str) -> str:
    r = requests.get(seed_url + "/sparql", headers={"Accept": "text/html"}, timeout=10)
    if r.status_code == 404:
        pytest.skip("the SPARQL endpoint blueprint (webui/sparql.py) is not installed in this checkout")
    assert r.status_code == 200 and 'id="yasgui"' in r.text
    return seed_url + "/sparql"


@pytest.fixture
def page(seed_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = b.new_page(viewport={"width": 1280, "height": 900})
        outside: list[str] = []
        errors: list[str] = []

        def block(route: Any) -> None:
            outside.append(route.request.url)
            route.abort()

        pg.route(lambda url: not url.startswith(seed_url), block)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.outside, pg.errors = outside, errors
        yield pg
        b.close()


def test_example_question_runs_against_our_endpoint(page: Any, editor_url: str) -> None:
    ex = examples()
    assert ex, "docs/queries/*.rq holds the example questions"
    page.goto(editor_url)
    page.wait_for_selector("#yasgui[data-ready]")
    completers = page.evaluate("window.govkgYasgui.getTab().getYasqe().config.autocompleters")
    assert "property" not in completers and "class" not in completers
    assert {"govkg-property", "govkg-class", "govkg-entity", "govkg-prefixes"} <= set(completers)
    button = page.locator("button.example").first
    assert button.inner_text() == ex[0]["vi"]
    with page.expect_response(lambda r: r.url == editor_url and r.request.method == "POST") as resp:
        button.click()
    assert resp.value.status == 200
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=20000)
    assert rows.count() > 0
    assert ex[0]["query"].strip().splitlines()[-1].strip() in page.evaluate(
        "window.govkgYasgui.getTab().getQuery()")
    shot(page, "editor-example")
    assert page.outside == [] and page.errors == []


def test_share_link_in_the_fragment_opens_the_query(page: Any, editor_url: str) -> None:
    query = "SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }"
    page.goto(editor_url + "#query=" + quote(query))
    page.wait_for_selector("#yasgui[data-ready]")
    assert page.evaluate("window.govkgYasgui.getTab().getQuery()") == query
    with page.expect_response(lambda r: r.url == editor_url) as resp:
        page.evaluate("window.govkgYasgui.getTab().query()")
    assert resp.value.status == 200
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert "person" in page.locator(".yasr table.dataTable").inner_text()
    shot(page, "editor-share-link")
    assert page.outside == []
