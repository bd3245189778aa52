"""A store loaded in bulk holds, record by record, what a store loaded in small batches holds.

The embedded store holds new records back and writes them with one COPY per table (staged in Parquet
once large); a small batch size makes every batch meet records the earlier ones staged or stored. The
bundle is generated: ownership chains and cycles, entities and relations restated (a later row with
more names, a relation stated twice, a second stake, several versions of one record), designations
repeated with an end date, and rows that must be quarantined (a bad value, a link to no entity).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from ownerscope.graph.store import open_store
from ownerscope.ingest.run import run_ingest
from tests.conftest import open_test_neo4j


def write_generated(folder: Path, seed: int = 11, entities: int = 120, relations: int = 300) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "aliases", "country", "identifiers", "source_url"])
        for i in range(entities):
            w.writerow([f"e{i}", rng.choice(["company", "company", "person"]), f"Name {i}", "", "cy",
                        f"reg:{i}" if i % 3 == 0 else "", f"https://example.org/e{i}"])
        for i in rng.sample(range(entities), 25):  # restated later in the file: a new alias, a new country
            w.writerow([f"e{i}", "company", f"Name {i}", f"Alias {i}", "ru", "", ""])
        w.writerow(["e-bad", "spaceship", "Bad type", "", "", "", ""])  # quarantined
        w.writerow(["", "company", "No id", "", "", "", ""])  # quarantined
    with (folder / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "type", "share", "start_date", "end_date", "record_id",
                    "asserted_from", "share_class", "role", "source_url"])
        for i in range(relations):
            a = rng.randrange(entities)
            b = (a + 1) % entities if i % 4 == 0 else rng.randrange(entities)  # chains that close cycles
            if a == b:
                b = (a + 2) % entities
            rtype = rng.choice(["ownership"] * 6 + ["control", "directorship"])
            share = f"{rng.uniform(1, 60):.1f}" if rtype != "directorship" else ""
            row = [f"e{a}", f"e{b}", rtype, share, "2020-01-01", "", f"r{i}", "", "", "", ""]
            w.writerow(row)
            if i % 10 == 0:
                w.writerow(row)  # the same statement again: merged
            if i % 15 == 0 and rtype == "ownership":
                w.writerow([*row[:3], "5.0", *row[4:]])  # the same id with another stake: its own key
            if i % 20 == 0:  # later versions of the record, the last one ending it
                w.writerow([*row[:6], f"v{i}", "2021-06-01", "", "", ""])
                w.writerow([*row[:5], "2023-01-01", f"v{i}", "2023-01-01", "", "", ""])
            if i % 25 == 0 and rtype == "ownership":
                w.writerow([*row[:6], "", "", "B", "", ""])  # a second share class
        w.writerow(["e1", "e-missing", "ownership", "10", "", "", "", "", "", "", ""])  # quarantined
        w.writerow(["e1", "e2", "ownership", "140", "", "", "", "", "", "", ""])  # quarantined
        w.writerow(["e3", "e4", "teleports", "", "", "", "", "", "", "", ""])  # quarantined
    with (folder / "designations.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id", "authority", "program", "start_date", "end_date", "source_url"])
        for i in range(30):
            e = rng.randrange(entities)
            w.writerow([f"e{e}", rng.choice(["us", "eu", "uk"]), f"P{i % 4}", "2022-03-01", "", ""])
            if i % 6 == 0:
                w.writerow([f"e{e}", "us", f"P{i % 4}", "2022-03-01", "2024-01-01", ""])
        w.writerow(["e-missing", "us", "P1", "", "", ""])  # quarantined
        w.writerow(["e5", "US OFAC", "P1", "", "", ""])  # quarantined
    return folder


def snapshot(store) -> dict:
    """Everything the store holds, in an order that does not depend on how it was written."""
    ents = sorted(store.entity_records(), key=lambda e: e.id)
    details = {e.id: store.get_entity(e.id) for e in ents}
    for d in details.values():
        d["relations"] = sorted(d["relations"], key=lambda r: json.dumps(r, sort_keys=True, default=str))
        d["designations"] = sorted(d["designations"], key=lambda r: json.dumps(r, sort_keys=True))
    frames = {"ownership": store.ownership_frame().sort("id"), "designations": store.designation_frame().sort("id")}
    versions = sorted(({k: v for k, v in lv.items() if k != "loaded"} for lv in store.list_versions()),
                      key=lambda v: v["id"])
    return {"entities": ents, "details": details, "frames": {k: f.to_dicts() for k, f in frames.items()},
            "versions": versions, "counts": store.counts()}


def ingest(store, bundle: Path, tmp_path: Path, batch_size: int, tag: str):
    return run_ingest("csv", [bundle], store=store, show_progress=False, dataset="generated",
                      quarantine=tmp_path / f"q-{tag}.jsonl", batch_size=batch_size,
                      published="2024-05-01")


def report_view(rep) -> tuple:
    return rep.read, rep.stored, rep.merged, rep.quarantined, rep.skipped, dict(rep.by_kind), rep.balanced


def _stores(backend: str, tmp_path: Path, monkeypatch):
    """Two empty stores of the backend (Neo4j: one database, cleared between the loads)."""
    if backend == "embedded":
        return open_store(str(tmp_path / "bulk.lbug")), open_store(str(tmp_path / "small.lbug"))
    s = open_test_neo4j(monkeypatch)
    return s, s


@pytest.mark.parametrize("backend,spill", [("embedded", False), ("embedded", True), ("neo4j", False)])
def test_bulk_load_equals_small_batches(backend, spill, tmp_path, monkeypatch):
    bundle = write_generated(tmp_path / "bundle")
    bulk, small = _stores(backend, tmp_path, monkeypatch)
    try:
        if spill:  # every table's staged rows go through Parquet files
            bulk._staged.stage_rows = 16
        rep_bulk = ingest(bulk, bundle, tmp_path, 100_000, "bulk")
        want = snapshot(bulk)
        if small is bulk:
            small.clear()
        rep_small = ingest(small, bundle, tmp_path, 7, "small")
        got = snapshot(small)
    finally:
        bulk.close()
        if small is not bulk:
            small.close()
    assert report_view(rep_bulk) == report_view(rep_small)
    assert rep_bulk.balanced and rep_bulk.quarantined == 7
    assert rep_bulk.merged > 0 and rep_bulk.by_kind["relations"] > 300
    assert len(want["entities"]) == 120
    assert want["entities"] == got["entities"]
    for eid, detail in want["details"].items():
        assert detail == got["details"][eid], eid
    assert want["frames"] == got["frames"]
    assert want["versions"] == got["versions"] and len(want["versions"]) == 1
    assert want["counts"] == got["counts"]
    kinds = {r["type"] for d in want["details"].values() for r in d["relations"]}
    assert {"ownership", "control", "directorship"} <= kinds


def test_reingest_unchanged_and_changed_bundles_match_a_fresh_load(tmp_path):
    """Re-ingest through the fast path (stored rows hashed against the batch) leaves the store as a
    fresh load of the same files would: unchanged writes nothing new, changed rows are merged in."""
    bundle = write_generated(tmp_path / "bundle")
    changed = write_generated(tmp_path / "changed", seed=12)
    with_both = open_store(str(tmp_path / "twice.lbug"))
    reference = open_store(str(tmp_path / "ref.lbug"))
    try:
        ingest(with_both, bundle, tmp_path, 50, "a")
        once = snapshot(with_both)
        ingest(with_both, bundle, tmp_path, 50, "b")
        assert snapshot(with_both) == once
        ingest(with_both, changed, tmp_path, 50, "c")
        ingest(reference, bundle, tmp_path, 7, "d")
        ingest(reference, changed, tmp_path, 7, "e")
        assert snapshot(with_both) == snapshot(reference)
    finally:
        with_both.close()
        reference.close()


def test_a_process_that_dies_before_the_flush_is_restored_by_running_the_ingest_again(tmp_path):
    from ownerscope.ingest.csv_bundle import read_bundle

    bundle = write_generated(tmp_path / "bundle")
    path = tmp_path / "dies.lbug"
    staging = path.parent / (path.name + ".ownerscope-staging")
    store = open_store(str(path))
    store._staged.stage_rows = 16  # rows past 16 a table go to Parquet files beside the store
    parsed = [p.record for p in read_bundle(bundle / "entities.csv", "generated") if hasattr(p, "record")]
    store.upsert_entities(parsed[:60])
    assert store._staged and any(staging.glob("Entity-*.parquet"))
    store._close()  # the process dies before anything is copied
    store = open_store(str(path))
    try:
        assert not staging.exists()  # what the dead process staged is gone, never half-copied
        assert store.existing_ids([e.id for e in parsed[:60]]) == set()
        rep = ingest(store, bundle, tmp_path, 100_000, "again")
        assert rep.balanced
        reference = open_store(str(tmp_path / "ref.lbug"))
        try:
            ingest(reference, bundle, tmp_path, 100_000, "ref")
            assert snapshot(store) == snapshot(reference)
        finally:
            reference.close()
    finally:
        store.close()
