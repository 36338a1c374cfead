"""The store contract on the embedded Oxigraph store, on disk; plus what only the embedded store does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import ParseError, StoreIncomplete
from graph.store import EmbeddedStore
from tests.store_contract import StoreContract


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "store")
    yield s
    s.close()


class TestEmbeddedStore(StoreContract):
    pass


def test_data_survives_reopen(tmp_path: Path) -> None:
    s = EmbeddedStore(tmp_path / "s")
    s.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "Hà Nội"@vi } }')
    s.close()
    s2 = EmbeddedStore(tmp_path / "s")
    assert s2.count() == 1
    s2.close()


def test_bulk_load_parses_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import graph.store.embedded as emb

    monkeypatch.setattr(emb, "BULK_THRESHOLD_BYTES", 100)
    f = tmp_path / "big.nt"
    f.write_text("".join(f"<urn:s{i}> <urn:p> \"{i}\" .\n" for i in range(2000)) + "<urn:x> <urn:p> .\n")
    s = EmbeddedStore(tmp_path / "s")
    with pytest.raises(ParseError):
        s.load(f, format="ntriples", graph="urn:g")
    assert s.count() == 0
    f.write_text("".join(f"<urn:s{i}> <urn:p> \"{i}\" .\n" for i in range(2000)))
    assert s.load(f, format="ntriples", graph="urn:g") == 2000
    s.check_complete()
    s.close()


def test_interrupted_bulk_load_is_detected(tmp_path: Path) -> None:
    s = EmbeddedStore(tmp_path / "s")
    (tmp_path / "s" / "GOVKG_LOADING").write_text("big.nt\n")
    with pytest.raises(StoreIncomplete):
        s.check_complete()
    s.close()


def test_checkpoint_opens_read_only(tmp_path: Path) -> None:
    s = EmbeddedStore(tmp_path / "s")
    s.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "1" } }')
    s.backup(tmp_path / "ck")
    s.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "2" } }')
    ro = EmbeddedStore.read_only(tmp_path / "ck")
    assert ro.count() == 1
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the point is nothing is written
        ro.update('INSERT DATA { <urn:b> <urn:p> "3" }')
    assert ro.count() == 1
    s.close()
