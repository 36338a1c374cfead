"""A store on disk seeded from the checkout, and plain answers from it, for the tests that read the curated graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.seed import load_seed
from graph.store import EmbeddedStore, Store


def seeded_store(tmp_path_factory: pytest.TempPathFactory, name: str) -> Store:
    """A fresh embedded store in a temporary directory, loaded with the ontology, shapes and ``data/``."""
    st = EmbeddedStore(Path(tmp_path_factory.mktemp(name)) / "store")
    load_seed(st)
    return st


def seeded_or_generated(tmp_path_factory: pytest.TempPathFactory, name: str, which: str) -> EmbeddedStore:
    """:func:`seeded_store`, with the generated 10k graph (``python -m bench generate --scale 10k --seed 7``) added
    when ``which`` is ``"10k"`` (``"seed"``: the curated graph alone)."""
    from bench.generate import generate

    st = seeded_store(tmp_path_factory, f"{name}-{which}")
    assert isinstance(st, EmbeddedStore)
    if which == "10k":
        nq = Path(tmp_path_factory.mktemp("gen")) / "gov.nq"
        generate(nq, "10k", seed=7)
        st.load(nq, format="nquads")
    return st


def values(store: Store, sparql: str) -> list[dict[str, str]]:
    """The rows of a SELECT over the union default graph, as ``{variable: lexical value}``."""
    doc = json.loads(store.query(sparql, union_default_graph=True).serialize("json"))
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]
