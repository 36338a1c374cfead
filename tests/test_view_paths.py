"""The relationship finder searches the store from both ends: it finds exactly the shortest paths, and the facts
behind each step, that the graph of the whole store has; past its bounds it says so instead of reading on."""

from __future__ import annotations

from itertools import combinations, islice, pairwise

import networkx as nx
import pytest

from graph import paths
from graph.analysis import connect, entity_graph
from graph.store import Store
from tests.viewer_data import DOC, OLD_HEAD

BACKENDS = ("embedded", "remote")  # every test on the viewer's graph runs on both (tests/conftest.py)


def test_every_pair_has_the_shortest_paths_of_the_whole_graph(viewer_store: Store) -> None:
    g = entity_graph(viewer_store)
    assert g.number_of_nodes() > 10
    checked = 0
    for a, b in combinations(sorted(g.nodes), 2):
        found, bounded = paths.shortest_paths(viewer_store, a, b, max_paths=100)
        assert not bounded
        expected = sorted(islice(nx.all_shortest_paths(g, a, b), 100)) if nx.has_path(g, a, b) else []
        assert found == expected, (a, b)
        rels = paths.facts(viewer_store, found)
        for p in found:
            for x, y in pairwise(p):
                assert sorted(rels[(x, y)]) == sorted(g[x][y]["rels"]), (x, y)
        checked += bool(found)
    assert checked > 20


def test_a_search_past_its_bounds_says_so(viewer_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(connect(viewer_store, OLD_HEAD, DOC)["paths"][0]["nodes"]) == 4  # three steps
    monkeypatch.setattr(paths, "MAX_DEPTH", 2)
    r = connect(viewer_store, OLD_HEAD, DOC)
    assert r["paths"] == [] and r["bounded"] is True
