"""RELIABILITY M5: the fuzz harnesses of ``bench/fuzz_parsers.py`` with a small budget, and the query handler
fuzzed over HTTP against the real server: any input is answered 2xx or 4xx, never 5xx, and the server lives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench import fuzz_parsers
from tests.http_server import LiveServer, live_server
from tests.reliability_fixtures import assert_alive


@pytest.mark.parametrize("name", sorted(fuzz_parsers.HARNESSES))
def test_parser_harness_holds_for_random_inputs(name: str) -> None:
    assert fuzz_parsers.run(name, max_examples=150) == 150


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("fuzz") / "store", seed=False, env={"QUERY_TIMEOUT_S": "3"}) as s:
        yield s
        assert_alive(s.url)


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=fuzz_parsers.sparql_text, how=st.sampled_from(["get", "form", "body"]))
def _fuzz_query(url: str, text: str, how: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    if how == "get":
        r = requests.get(url + "/sparql", params={"query": raw}, timeout=20)
    elif how == "form":
        r = requests.post(url + "/sparql", data={"query": raw}, timeout=20)
    else:
        r = requests.post(url + "/sparql", data=raw, headers={"Content-Type": "application/sparql-query"}, timeout=20)
    assert r.status_code < 500 or (r.status_code == 503 and "QUERY_TIMEOUT_S" in r.text), (text, r.status_code,
                                                                                         r.text[:300])


def test_the_query_handler_answers_any_input_with_2xx_or_4xx(srv: LiveServer) -> None:
    _fuzz_query(srv.url)
    assert "Traceback" not in srv.log_text()
