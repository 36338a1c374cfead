"""Where the curated graph lives in the checkout, and how it goes into a store.

- ``ontology/*.ttl``: the ontology and its SKOS schemes, into the named graph :data:`ONTOLOGY_GRAPH`;
  ``ontology/shapes*.ttl`` into :data:`SHAPES_GRAPH`.  ``ontology/examples/`` is test material, not loaded.
- ``data/**/*.trig``: the curated data, each file holding the named graphs of its sources.
"""

from __future__ import annotations

from pathlib import Path

from graph.namespaces import ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.store.base import Store

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"


def ontology_files() -> list[Path]:
    return sorted(p for p in ONTOLOGY_DIR.glob("*.ttl") if not p.name.startswith("shapes"))


def shapes_files() -> list[Path]:
    return sorted(ONTOLOGY_DIR.glob("shapes*.ttl"))


def data_files() -> list[Path]:
    return sorted(DATA_DIR.rglob("*.trig"))


def seed_plan() -> list[tuple[Path, str | None]]:
    """(file, target graph or None for quad formats), in load order."""
    plan: list[tuple[Path, str | None]] = [(p, str(ONTOLOGY_GRAPH)) for p in ontology_files()]
    plan += [(p, str(SHAPES_GRAPH)) for p in shapes_files()]
    plan += [(p, None) for p in data_files()]
    return plan


def load_seed(store: Store, progress: bool = False) -> int:
    """Load the ontology, shapes and data of the checkout into ``store``, in one transaction per file."""
    from graph.formats import rdf_format_for_path

    n = 0
    for path, graph in seed_plan():
        n += store.load(path, format=rdf_format_for_path(path).name, graph=graph, progress=progress)
    return n
