"""The CSV bundle importer: good rows load, bad rows are quarantined with file, line and reason."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ownerscope.cli import app
from ownerscope.demo import SEED_CASE
from ownerscope.graph.store import open_store

from ..conftest import write_bundle

runner = CliRunner()

BROKEN_ENTITIES = """
id,type,name,country,identifiers
a,company,Alpha LLC,ru,ru-inn:7700000001
,company,No Id Ltd,gb,
b,bank,Beta Bank,ch,
c,person,Carla Cruz,es,
d,company,,fr,
e,company,Echo Corp,us,not-an-identifier
f,vessel,Foxtrot,pa,imo:9000001
"""
BROKEN_RELATIONS = """
source,target,type,share,start_date,end_date
c,a,ownership,60,2020-01-01,
a,f,ownership,150,,
c,f,ownership,40,2021-13-01,
a,zz,ownership,10,,
c,a,control,,,
c,a,bribery,,,
a,f,ownership,30,2022-01-01,2021-01-01
a,f,ownership,forty,,
"""
BROKEN_DESIGNATIONS = """
entity_id,authority,program,start_date
c,us,RUSSIA-EO14024,2022-03-01
ghost,uk,RUSSIA,2022-03-01
a,US Treasury,X,
c,eu,,yesterday
"""


def ingest(bundle, store_path, *extra):
    return runner.invoke(app, ["ingest", "csv", str(bundle), "--store", str(store_path), "--no-progress",
                               *extra])


def read_quarantine(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_broken_bundle_loads_good_rows_and_quarantines_bad_ones(tmp_path):
    bundle = write_bundle(tmp_path / "broken", BROKEN_ENTITIES, BROKEN_RELATIONS, BROKEN_DESIGNATIONS)
    qfile = tmp_path / "q.jsonl"
    res = ingest(bundle, tmp_path / "s.lbug", "--quarantine", str(qfile), "--format", "json")
    assert res.exit_code == 3, res.output  # 3 = loaded, some rows quarantined
    report = json.loads(res.stdout)
    assert report["read"] == 7 + 8 + 4
    assert report["stored"] == 3 + 2 + 1  # entities a, c, f; relations c->a own + control; one designation
    assert report["read"] == report["stored"] + report["quarantined"]
    rows = read_quarantine(qfile)
    assert len(rows) == report["quarantined"]
    reasons = {(r["file"].rsplit("/", 1)[-1], r["line"]): r["reason"] for r in rows}
    assert reasons[("entities.csv", 3)] == "missing id"
    assert "unknown type 'bank'" in reasons[("entities.csv", 4)]
    assert reasons[("entities.csv", 6)] == "missing name"
    assert "not scheme:value" in reasons[("entities.csv", 7)]
    assert "percentage from 0 to 100" in reasons[("relations.csv", 3)]
    assert "start_date" in reasons[("relations.csv", 4)]
    assert "unknown entity 'zz'" in reasons[("relations.csv", 5)]
    assert "unknown type 'bribery'" in reasons[("relations.csv", 7)]
    assert "before start_date" in reasons[("relations.csv", 8)]
    assert "not a number" in reasons[("relations.csv", 9)]
    assert "unknown entity 'ghost'" in reasons[("designations.csv", 3)]
    assert "jurisdiction code" in reasons[("designations.csv", 4)]
    assert "start_date" in reasons[("designations.csv", 5)]
    # the quarantined record is kept whole, so it can be fixed and loaded again
    assert rows[0]["record"]["name"] == "No Id Ltd"
    store = open_store(str(tmp_path / "s.lbug"))
    try:
        counts = store.counts()
    finally:
        store.close()
    assert counts == {"entities": {"company": 1, "person": 1, "vessel": 1},
                      "relations": {"control": 1, "ownership": 1}, "designations": {"us": 1}}


def test_console_names_file_and_line(tmp_path):
    bundle = write_bundle(tmp_path / "broken", BROKEN_ENTITIES)
    res = ingest(bundle, tmp_path / "s.lbug")
    assert res.exit_code == 3
    assert "entities.csv:4: unknown type 'bank'" in res.stderr
    assert "quarantined 4" in res.stdout
    assert "Traceback" not in res.output


def test_reingest_leaves_counts_unchanged(tmp_path):
    db = tmp_path / "s.lbug"
    first = ingest(SEED_CASE, db, "--format", "json")
    assert first.exit_code == 0, first.output
    stats1 = runner.invoke(app, ["stats", "--store", str(db), "--format", "json"]).stdout
    second = ingest(SEED_CASE, db, "--format", "json")
    assert second.exit_code == 0
    stats2 = runner.invoke(app, ["stats", "--store", str(db), "--format", "json"]).stdout
    assert json.loads(stats1) == json.loads(stats2)
    assert json.loads(stats1)["entities"]["person"] == 5


def test_missing_required_column_is_one_clear_error(tmp_path):
    bundle = write_bundle(tmp_path / "b", "id,name\nx,X\n")
    res = ingest(bundle, tmp_path / "s.lbug")
    assert res.exit_code == 1
    assert "missing required column(s) type" in res.stderr
    assert "Traceback" not in res.output


def test_wrong_field_count_and_bad_bytes(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "entities.csv").write_bytes(b"id,type,name\nok,company,Fine Ltd\nx,company,Too,Many,Fields\n"
                                          b"y,company,Bad \xff bytes\n")
    res = ingest(folder, tmp_path / "s.lbug", "--format", "json", "--quarantine", str(tmp_path / "q.jsonl"))
    report = json.loads(res.stdout)
    assert (report["read"], report["stored"], report["quarantined"]) == (3, 1, 2)
    reasons = [r["reason"] for r in read_quarantine(tmp_path / "q.jsonl")]
    assert reasons == ["row has 5 fields, header has 3", "not valid UTF-8"]


def test_relation_before_entity_file_order_does_not_matter(tmp_path):
    # a relation may name an entity that an earlier ingest stored
    write_bundle(tmp_path / "one", "id,type,name\na,person,A\nb,company,B\n")
    write_bundle(tmp_path / "two", relations="source,target,type,share\na,b,ownership,51\n")
    db = tmp_path / "s.lbug"
    assert ingest(tmp_path / "one", db).exit_code == 0
    res = ingest(tmp_path / "two", db)
    assert res.exit_code == 0, res.output
