"""Entity resolution on a real store: exact identifier / referent merges, name scoring, decisions, undo."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ownerscope.ingest import resolve
from ownerscope.ingest.identifiers import canonical
from ownerscope.ingest.run import run_ingest
from tests.conftest import write_bundle


def _ingest(store, fmt, path, dataset):
    return run_ingest(fmt, [path], store=store, show_progress=False, dataset=dataset)


@pytest.mark.parametrize("raw,expected", [
    ("inn:7704274402", "ru-inn:7704274402"), ("ru-tax:7704 274402", "ru-inn:7704274402"),
    ("ru-registration:1077799030847", "ru-ogrn:1077799030847"), ("IMO:IMO 9123456", "imo:9123456"),
    ("LEI:5493 00abc", "lei:549300ABC"), ("ae-registration:124 420", "ae-registration:124420"),
])
def test_canonical_identifiers(raw, expected):
    assert canonical(raw) == expected


def test_strip_forms_transliterates_and_drops_company_forms():
    assert resolve.strip_forms('ООО "Ромашка"') == "romaska"  # normality transliterates ш as s
    assert resolve.strip_forms("Romashka LLC") == "romashka"
    assert resolve.strip_forms("JSC Kalashnikov Concern") == "kalashnikov concern"


@pytest.fixture
def two_sources(embedded_store, tmp_path):
    return load_two_sources(embedded_store, tmp_path)


def load_two_sources(store, tmp_path):
    a = write_bundle(tmp_path / "a", entities="""
id,type,name,country,identifiers
a-romashka,company,OOO Romashka,ru,ru-inn:7707083893
a-ivanov,person,Ivan Petrovich Ivanov,ru,
a-sidorov,person,Petr Sidorov,ru,
a-globex,company,Globex Trading Limited,cy,
a-initech,company,Initech Holdings,gb,
""", relations="""
source,target,type,share
a-ivanov,a-romashka,ownership,60
""", designations="""
entity_id,authority,program
a-romashka,us,RUSSIA-EO14024
""")
    b = write_bundle(tmp_path / "b", entities="""
id,type,name,country,identifiers
b-romashka,company,Romashka LLC,ru,inn:7707 083893
b-ivanov,person,IVANOV Ivan Petrovich,ru,
b-globex,company,Globex Trading Ltd,cy,
b-initech,company,Initech Holding Group,gb,
b-sidorov,person,Petr Sidorov,ua,
""", relations="""
source,target,type
b-ivanov,b-initech,directorship
""", designations="""
entity_id,authority,program
b-romashka,uk,Russia
""")
    _ingest(store, "csv", a, "source-a")
    _ingest(store, "csv", b, "source-b")
    return store


def test_run_merges_exact_and_close_names_and_leaves_candidates(two_sources):
    store = two_sources
    report = resolve.run(store, 95, 80)
    merged = {frozenset((m["keep"], m["drop"])): m["reason"] for m in report.merged}
    assert merged == {frozenset(("a-romashka", "b-romashka")): "same ru-inn:7707083893 (checksum valid)",
                      frozenset(("a-ivanov", "b-ivanov")): "name score 100",
                      frozenset(("a-globex", "b-globex")): "name score 100"}
    # Initech: in the review band -> a possible_same_as link; Sidorov: same name, other country -> review
    cands = {frozenset((c["a"], c["b"])): c["reason"] for c in resolve.candidates(store)}
    assert set(cands) == {frozenset(("a-initech", "b-initech")), frozenset(("a-sidorov", "b-sidorov"))}
    assert "countries differ" in cands[frozenset(("a-sidorov", "b-sidorov"))]
    rom = store.get_entity("b-romashka")  # a merged id still finds the entity
    assert rom["id"] in ("a-romashka", "b-romashka")
    assert {s["dataset"] for s in rom["sources"]} == {"source-a", "source-b"}
    assert {d["authority"] for d in rom["designations"]} == {"us", "uk"}
    assert len(store.existing_ids(["a-romashka", "b-romashka"])) == 1
    iv = store.get_entity("a-ivanov")
    assert {(r["type"], r["other"]) for r in iv["relations"]} == {
        ("ownership", rom["id"]), ("directorship", "b-initech")}
    # the decision is stored apart from the data, with its reason
    lines = [json.loads(x) for x in resolve.decisions_path(store).read_text().splitlines()]
    assert [x["action"] for x in lines] == ["merge"] * 3
    # running again changes nothing
    before = store.counts()
    again = resolve.run(store, 95, 80)
    assert again.merged == [] and store.counts() == before


def test_undo_restores_the_merged_entity(two_sources):
    store = two_sources
    before = store.counts()
    ent_before = store.get_entity("b-romashka")
    resolve.run(store, 95, 80)
    keep = store.resolve_id("b-romashka")
    dropped = "a-romashka" if keep == "b-romashka" else "b-romashka"
    undone = resolve.undo(store, dropped)
    assert [u["drop"] for u in undone] == [dropped]
    assert set(store.existing_ids(["a-romashka", "b-romashka"])) == {"a-romashka", "b-romashka"}
    after = store.get_entity("b-romashka")
    assert after["id"] == "b-romashka" and after["name"] == ent_before["name"]
    assert after["aliases"] == ent_before["aliases"] and after["sources"] == ent_before["sources"]
    assert [d["authority"] for d in after["designations"]] == ["uk"]
    a = store.get_entity("a-romashka")
    assert [d["authority"] for d in a["designations"]] == ["us"]
    assert [(r["type"], r["other"]) for r in a["relations"]] == [("ownership", store.resolve_id("a-ivanov"))]
    # the other merges are still in force
    assert len(store.existing_ids(["a-ivanov", "b-ivanov"])) == 1
    # undo everything: the store is as it was before resolution, candidates aside
    for m in list(resolve.Decisions(resolve.decisions_path(store)).active_merges()):
        resolve.undo(store, m["drop"])
    counts = store.counts()
    counts["relations"].pop("possible_same_as", None)
    assert counts == before


def test_confirm_and_reject(two_sources):
    store = two_sources
    resolve.run(store, 95, 80)
    assert resolve.reject(store, "a-sidorov", "b-sidorov") == 1
    m = resolve.confirm(store, "a-initech", "b-initech")
    assert (m["keep"], m["drop"], m["by"]) == ("a-initech", "b-initech", "analyst")
    assert resolve.candidates(store) == []  # the confirmed link vanished with the merge
    assert store.get_entity("b-initech")["id"] == "a-initech"
    resolve.run(store, 95, 80)
    assert resolve.candidates(store) == []  # the rejected pair is not proposed again
    with pytest.raises(Exception, match="already one entity"):
        resolve.confirm(store, "a-initech", "b-initech")


def test_reingest_after_merge_is_merged_again(two_sources, tmp_path):
    store = two_sources
    resolve.run(store, 95, 80)
    counts = store.counts()
    # a refresh maps the incoming ids through the merges: the dropped ids do not come back (issue 10)
    _ingest(store, "csv", tmp_path / "b", "source-b")
    assert store.counts() == counts
    report = resolve.run(store, 95, 80)
    assert report.reapplied == 0 and report.merged == []
    assert store.counts()["entities"] == counts["entities"]


def test_cli_resolve_commands(two_sources, tmp_path):
    from ownerscope.cli import app

    url = two_sources.url
    two_sources.close()
    runner = CliRunner()
    res = runner.invoke(app, ["resolve", "run", "--store", url])
    assert res.exit_code == 0, res.output
    assert "merged 3" in res.output and "left 2 candidates" in res.output
    res = runner.invoke(app, ["resolve", "list", "--store", url])
    assert res.exit_code == 0 and "b-initech" in res.output
    res = runner.invoke(app, ["resolve", "undo", "nope", "--store", url])
    assert res.exit_code == 1 and "no active merge involves 'nope'" in res.output
    res = runner.invoke(app, ["resolve", "run", "--store", url, "--threshold-merge", "70",
                              "--threshold-review", "90"])
    assert res.exit_code == 1 and "thresholds" in res.output


def test_sdn_and_opensanctions_merge_into_one_node(embedded_store, shared_data):
    store = embedded_store
    _ingest(store, "ofac-sdn", shared_data / "ofac" / "sdn.csv", "ofac-sdn")
    _ingest(store, "ftm", shared_data / "opensanctions" / "zala.ftm.json", "opensanctions-zala")
    report = resolve.run(store, 95, 80)
    merged = {(m["keep"], m["drop"]): m["reason"] for m in report.merged}
    # Zakharov: the OpenSanctions record names the SDN entry as a referent, and both give INN 183111242406
    z = store.get_entity("ofac-45937")
    assert z is not None and z["id"] == store.get_entity("NK-aU5ybkbRFJucf8YMwsJvDw")["id"]
    assert {"ofac-sdn", "opensanctions-zala", "us_ofac_sdn"} <= {s["dataset"] for s in z["sources"]}
    assert "ru-inn:183111242406" in z["identifiers"]
    assert {"us", "uk", "eu"} <= {d["authority"] for d in z["designations"]}
    # Kalashnikov Concern: SDN "JOINT STOCK COMPANY CONCERN KALASHNIKOV" = FtM "JSC Kalashnikov Concern"
    k = store.get_entity("ofac-16911")
    assert k["id"] == store.get_entity("NK-nR5AXM9AVPq4pQaSPSaVam")["id"]
    assert "ru-inn:1832090230" in k["identifiers"] and "ru-ogrn:1111832003018" in k["identifiers"]
    # its FtM ownership of LLC CST and its SDN designations are on the one node
    assert any(r["type"] == "ownership" and r["direction"] == "out" for r in k["relations"])
    assert [d["program"] for d in k["designations"] if d["authority"] == "us"] == ["RUSSIA-EO14024",
                                                                                  "UKRAINE-EO13661"]
    # LLC CST: OpenSanctions merged A LEVEL AEROSYSTEMS CST LLC and LLC ZALA AERO into it
    cst = store.get_entity("ofac-45934")
    assert cst["id"] == store.resolve_id("ofac-45928") == store.resolve_id("NK-abdzbEBkqyT29GyREbiURZ")
    # the record with the most sources is kept: here the OpenSanctions one, which names the SDN ids
    assert cst["id"] == "NK-abdzbEBkqyT29GyREbiURZ" and z["id"] == "NK-aU5ybkbRFJucf8YMwsJvDw"
    assert merged[("NK-abdzbEBkqyT29GyREbiURZ", "ofac-45934")] == "referent ofac-45934"
    # SDN entries themselves are never merged with each other
    assert not any(m["keep"].startswith("ofac-") and m["drop"].startswith("ofac-") for m in report.merged)
