"""Fuzz harnesses (RELIABILITY M5) for our own parsers and wrappers, with hypothesis, bounded in time.

    python -m bench.fuzz_parsers --seconds 60      # each harness for about that long

The same properties run in the suite with a small number of examples (``tests/test_reliability_fuzz.py``).
Each harness states what must hold for *any* input:

- ``symbols``: :func:`graph.ingest.symbols.parse_symbol` / ``find_symbols`` return or give ``None``; never raise;
- ``dates``: :func:`graph.ingest.dates.parse_dates` never raises and only yields real calendar dates;
- ``guard``: :func:`graph.sparql_guard.inspect` answers or raises a :class:`graph.errors.GovkgError`, nothing else;
- ``uploads``: the upload path (payload guard, then the store's all-or-nothing load into a store in memory)
  raises only :class:`graph.errors.GovkgError`, and a refused upload writes nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.errors import GovkgError
from graph.formats import UnknownFormat

SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "<urn:x>", "SERVICE",
               "LOAD", "FROM", "NAMED", "UNION", "OPTIONAL", "FILTER", "REGEX", '"a"', "'''", '"""', "#", "\n", ".",
               ";", "*", "/", "|", "^", "!", "a", "GRAPH", "INSERT", "DATA", "DELETE", "@vi", "^^", "_:b", "\\",
               "PREFIX", "x:", "BIND", "VALUES", "SERVICE SILENT", "\u0000", "\ud7ff", "đ", "\u200b", " "]
TTL_BITS = ["@prefix", "ex:", "<http://ex/>", "<urn:a>", "<urn:b>", '"x"', '"""', ".", ";", ",", "[", "]", "(", ")",
            "@vi", "^^", "<http://www.w3.org/2001/XMLSchema#integer>", "_:b", "\n", " ", "\\u0000", "\\uD800",
            "\ufeff", "\r\n", "a", "#", "true", "1", "1.5e3", "<!DOCTYPE", "<!ENTITY", '{"@context"', "}"]
sparql_text = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(SPARQL_BITS), max_size=60).map(" ".join))
ttl_bytes = st.one_of(st.binary(max_size=400),
                      st.lists(st.sampled_from(TTL_BITS), max_size=60).map(lambda xs: " ".join(xs).encode("utf-8",
                                                                                                          "surrogatepass")))
FORMATS = ["turtle", "ntriples", "rdfxml", "jsonld", "trig"]


def check_symbol(text: str) -> None:
    from graph.ingest.symbols import find_symbols, parse_symbol

    s = parse_symbol(text)
    if s is not None:
        s.iri_slug()
    for start, end, _sym in find_symbols(text):
        assert 0 <= start <= end <= len(text)


def check_dates(text: str) -> None:
    from graph.ingest.dates import parse_dates

    for m in parse_dates(text, published=date(2023, 7, 18)):
        d = m.as_date()
        assert d is None or isinstance(d, date)


def check_guard(text: str) -> None:
    from graph.sparql_guard import inspect

    try:
        inspect(text)
    except GovkgError:
        pass


def check_upload(data: bytes, fmt: str) -> None:
    from graph.sparql_guard import check_rdf_payload
    from graph.store.embedded import EmbeddedStore

    store = EmbeddedStore(None)
    try:
        check_rdf_payload(data, fmt)
        store.load(data, format=fmt, graph="urn:fuzz")
    except (GovkgError, UnknownFormat):
        assert store.count() == 0  # refused: nothing written
    finally:
        store.close()


HARNESSES: dict[str, Callable[..., None]] = {
    "symbols": given(st.text(max_size=120))(check_symbol),
    "dates": given(st.text(max_size=160))(check_dates),
    "guard": given(sparql_text)(check_guard),
    "uploads": given(ttl_bytes, st.sampled_from(FORMATS))(check_upload),
}


def run(name: str, max_examples: int, seconds: float | None = None) -> int:
    """Run one harness; with ``seconds``, repeat batches until the time is up.  Examples tried."""
    fn = settings(max_examples=max_examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))(HARNESSES[name])
    n, end = 0, time.monotonic() + (seconds or 0)
    while True:
        fn()
        n += max_examples
        if seconds is None or time.monotonic() >= end:
            return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=30.0, help="time per harness")
    ap.add_argument("names", nargs="*", default=list(HARNESSES))
    args = ap.parse_args()
    for name in args.names:
        n = run(name, 200, args.seconds)
        print(f"{name}: {n} inputs, no failure")


if __name__ == "__main__":
    main()
