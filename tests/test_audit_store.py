"""The audit store beside the data store: two-phase commit, recovery of pending records, migration, backup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from graph import audit, history
from graph.backup import backup, restore
from graph.changesets import Changeset, load, new_id, now, record
from graph.commit import WriteContext, diff_ops, execute, insert_data
from graph.diffs import CHANGES_GRAPH, Diff, patch_plan
from graph.namespaces import ID
from graph.store import audit_path, audit_store, forget, open_store
from graph.store.base import Store

G = URIRef("https://w3id.org/govkg/graph/audit-test")
P = URIRef(f"{ID}person/thu-nghiem-audit")


def _fact(text: str) -> tuple[URIRef, URIRef, Literal, URIRef]:
    return (P, RDFS.comment, Literal(text), G)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    st = open_store(tmp_path / "store")
    yield st
    forget(st)


def _pending(st: Store, d: Diff) -> Changeset:
    """A record left ``pending`` by a crash between phase 1 and phase 3."""
    cs = Changeset(id=new_id(), actor="a", operation="update", status="pending", started=now(), diff=d)
    audit_store(st).update(insert_data(record(cs)))
    return cs


def test_the_audit_trail_lives_beside_the_data_not_in_it(store: Store, tmp_path: Path) -> None:
    cs = execute(store, WriteContext(actor="a"), "form", patch_plan([_fact("x")], []))
    assert CHANGES_GRAPH not in store.named_graphs()
    assert audit_path(tmp_path / "store") == tmp_path / "store.audit"
    assert CHANGES_GRAPH in audit_store(store).named_graphs()
    assert load(store, cs.id) is not None and load(store, cs.id).status == "applied"  # type: ignore[union-attr]
    assert [c["id"] for c in history.changesets(store)] == [cs.id]


def test_recovery_settles_pending_records_by_what_the_data_holds(store: Store) -> None:
    applied = _pending(store, Diff(added=[_fact("applied")]))
    store.update(" ;\n".join(diff_ops(applied.diff)))  # phase 2 happened, phase 3 did not
    never = _pending(store, Diff(added=[_fact("never")]))  # phase 2 never happened
    half = _pending(store, Diff(added=[_fact("h1"), _fact("h2")]))
    store.update(" ;\n".join(diff_ops(Diff(added=[_fact("h1")]))))  # cannot happen by the write path
    counts = audit.recover(store)
    assert (counts["applied"], counts["aborted"], counts["needs-review"]) == (1, 1, 1)
    assert {c.id: c.status for c in (load(store, x.id) for x in (applied, never, half)) if c} == {
        applied.id: "applied", never.id: "aborted", half.id: "needs-review"}
    assert audit.recover(store)["applied"] == 0  # nothing pending any more


def test_a_failing_data_update_leaves_an_aborted_record(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(sparql: str) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(store, "update", full)
    with pytest.raises(Exception, match="No space"):
        execute(store, WriteContext(actor="a"), "form", patch_plan([_fact("x")], []))
    monkeypatch.undo()
    assert [c["status"] for c in history.changesets(store)] == ["aborted"]
    assert history.entity_history(store, str(P)) == []


def test_an_audit_graph_in_the_data_store_is_moved_out(store: Store) -> None:
    cs = Changeset(id=new_id(), actor="old", operation="update", started=now(), diff=Diff(added=[_fact("o")]))
    store.update(insert_data(record(cs)))  # as an earlier version wrote it
    assert audit.recover(store)["migrated"] > 0
    assert CHANGES_GRAPH not in store.named_graphs()
    assert load(store, cs.id) is not None


def test_backup_and_restore_carry_the_audit_store(tmp_path: Path) -> None:
    st = open_store(tmp_path / "store")
    cs = execute(st, WriteContext(actor="a", comment="why"), "form", patch_plan([_fact("b")], []))
    forget(st)
    m = backup(tmp_path / "store", tmp_path / "bk")
    assert m["audit"]["quads"] > 0
    restore(tmp_path / "bk", tmp_path / "restored")
    st = open_store(tmp_path / "restored")
    try:
        got = load(st, cs.id)
        assert got is not None and got.comment == "why" and got.status == "applied"
        assert CHANGES_GRAPH not in st.named_graphs()
    finally:
        forget(st)


def test_h6_a_write_the_disk_has_no_room_for_is_refused_before_anything_is_written(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """What broke H6: the first ENOSPC came in the checkpoint *after* the commit, so an acknowledged write was not
    in what the queries read.  Now a write the disk has no room for is refused before phase 1."""
    import shutil

    from graph import commit
    from graph.errors import StoreError

    small = shutil._ntuple_diskusage(64 * 2**20, 63 * 2**20, 2**20)
    monkeypatch.setattr(commit.shutil, "disk_usage", lambda path: small)
    with pytest.raises(StoreError, match="No space left on device"):
        execute(store, WriteContext(actor="a"), "form", patch_plan([_fact("x")], []))
    assert history.changesets(store) == [] and G not in store.named_graphs()  # no record, no data
    monkeypatch.undo()
    cs = execute(store, WriteContext(actor="a"), "form", patch_plan([_fact("x")], []))
    assert load(store, cs.id).status == "applied"  # type: ignore[union-attr]
