"""Snapshot semantics on request: a newer complete snapshot of a source ends what disappeared from it, on
the snapshot's date, for that source only; without --snapshot an ingest never ends anything."""

from __future__ import annotations

from typer.testing import CliRunner

from ownerscope.cli import app
from ownerscope.exposure import get_regime
from ownerscope.exposure.engine import exposure_for_store
from ownerscope.ingest.run import run_ingest
from tests.conftest import write_bundle

ENTITIES = "id,type,name\nx,person,Person X\nc,company,Company C\nd,company,Company D\n"
RELATIONS = "source,target,type,share\nx,c,ownership,60\nx,d,ownership,70\n"
DESIGNATIONS = "entity_id,authority,program,start_date\nx,us,SDGT,2020-01-01\n"


def ingest(folder, store, tmp_path, dataset, snapshot=None):
    return run_ingest("csv", [folder], store=store, show_progress=False, quarantine=tmp_path / "q.jsonl",
                      dataset=dataset, snapshot=snapshot)


def test_a_newer_snapshot_ends_what_disappeared(store, tmp_path):
    ingest(write_bundle(tmp_path / "v1", ENTITIES, RELATIONS, DESIGNATIONS), store, tmp_path, "register")
    other = write_bundle(tmp_path / "o", "id,type,name\ny,person,Person Y\n",
                         "source,target,type,share\ny,c,ownership,10\n")
    ingest(other, store, tmp_path, "other-source")
    # the next snapshot of the register no longer has x -> d, nor the designation
    v2 = write_bundle(tmp_path / "v2", ENTITIES, "source,target,type,share\nx,c,ownership,60\n")
    partial = ingest(v2, store, tmp_path, "register")  # no --snapshot: nothing ends
    assert partial.withdrawn == (0, 0)
    ofac = get_regime("ofac")
    assert exposure_for_store(store, ofac, "2025-01-01").status_of("d") == "derived"
    report = ingest(v2, store, tmp_path, "register", snapshot="2024-06-01")
    assert report.withdrawn == (1, 1) and "ended 1 relations and 1 designations" in report.summary()
    before = exposure_for_store(store, ofac, "2024-05-01")
    assert before.status_of("d") == "derived" and before.status_of("x") == "listed"
    after = exposure_for_store(store, ofac, "2024-07-01")
    assert after.status_of("x") == "clear" and after.status_of("d") == "clear"
    gone = [c for c in exposure_for_store(store, ofac, "2024-07-01").verdict("d")["proof"]["not_in_force"]]
    assert [c["why"] for c in gone] == ["withdrawn"]
    # the other source's relation is untouched; the designation says its end date is inferred
    assert any(r["other"] == "y" and r["asserted_until"] is None for r in store.get_entity("c")["relations"])
    [des] = store.get_entity("x")["designations"]
    assert des["end_date"] == "2024-06-01" and "inferred" in des["note"]


def test_cli_snapshot_date_is_checked(tmp_path):
    folder = write_bundle(tmp_path / "b", ENTITIES, RELATIONS)
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "csv", str(folder), "--store", str(tmp_path / "s.lbug"),
                              "--snapshot-date", "2024-01-01", "--no-progress"])
    assert res.exit_code == 1 and "--snapshot-date needs --snapshot" in res.output
    res = runner.invoke(app, ["ingest", "csv", str(folder), "--store", str(tmp_path / "s.lbug"),
                              "--snapshot", "--snapshot-date", "2024-13-01", "--no-progress"])
    assert res.exit_code == 1 and "--snapshot-date" in res.output
    res = runner.invoke(app, ["ingest", "csv", str(folder), "--store", str(tmp_path / "s.lbug"),
                              "--snapshot", "--snapshot-date", "2024-01-01", "--no-progress"])
    assert res.exit_code == 0, res.output
