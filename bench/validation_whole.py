"""Whole-graph validation against pySHACL on the same graph, in one process: ``python -m bench.validation_whole S``.

govkg ``validate_whole`` (twice), govkg per graph (``validate_store``, once), reading the whole graph into rdflib
(:func:`graph.validate.whole_graph`), then pySHACL on it; prints the times and whether the two result sets are
identical key by key (:func:`bench.validation.result_keys`).  ``python -m bench.validation`` records the same
govkg/pySHACL pair (``full-union``) among its other records.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> None:
    from pyshacl import validate

    from bench.validation import _pyshacl_inputs, result_keys
    from graph.shacl import validate_store, validate_whole
    from graph.store import EmbeddedStore
    from graph.validate import _results

    ap = argparse.ArgumentParser(prog="python -m bench.validation_whole", description=__doc__.split("\n")[0])
    ap.add_argument("store", type=Path, help="an existing embedded store directory (opened for this process alone)")
    args = ap.parse_args(argv)
    if not args.store.is_dir():
        ap.error(f"no store directory at {args.store}")
    store = EmbeddedStore(args.store)
    out: dict[str, Any] = {"govkg_whole": []}
    for _ in range(2):
        t = time.perf_counter()
        whole = validate_whole(store)
        out["govkg_whole"].append(time.perf_counter() - t)
    t = time.perf_counter()
    out["govkg_per_graph_results"] = len(validate_store(store).results)
    out["govkg_per_graph"] = time.perf_counter() - t
    t = time.perf_counter()
    data, shapes = _pyshacl_inputs(store)
    out["read_union"] = time.perf_counter() - t
    t = time.perf_counter()
    report = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)[1]
    out["pyshacl_union"] = time.perf_counter() - t
    theirs, ours = result_keys(_results(report, None)), result_keys(whole.results)
    out.update(triples=len(data), results_govkg=len(ours), results_pyshacl=len(theirs), identical=ours == theirs)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
