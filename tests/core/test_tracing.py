"""Owners to the top, holdings down and ranked search on a real store of each backend."""

from __future__ import annotations

import pytest

from ownerscope.core import Core
from ownerscope.demo import SEED_CASE
from ownerscope.ingest.run import run_ingest

from ..conftest import write_bundle

DAY = "2025-06-01"


def load_seed(store, tmp_path, gazprombank_listed: bool = False):
    run_ingest("csv", [SEED_CASE], dataset="ownerscope-demo", show_progress=False, store=store,
               published="2024-05-03")
    if gazprombank_listed:  # SEED_CASE.md row 15: OFAC designated Gazprombank on 2024-11-21
        extra = write_bundle(tmp_path / "gpb", designations="""
entity_id,authority,program,start_date,end_date,source_url,note
demo-gazprombank,us,RUSSIA-EO14024,2024-11-21,,https://www.thompsonhinesmartrade.com/2024/11/ofac-sanctions-gazprombank-and-further-limits-russias-access-to-international-financial-system/,
""")
        run_ingest("csv", [extra], dataset="ofac-2024-11", show_progress=False, store=store, published="2024-11-22")
    return Core(store)


def by_name(nodes):
    return {n["name"]: n for n in nodes}


def test_owners_to_the_top_of_vsmpo(store, tmp_path):
    core = load_seed(store, tmp_path)
    res = core.owners_to_top("demo-vsmpo-avisma", DAY)
    owners = by_name(res["owners"])
    # Gazprombank's indirect stake: 25% (minus one share) of Business Alliance, which holds 50% (+1)
    gpb = owners["Gazprombank"]
    assert gpb["depth"] == 2 and gpb["direct"] is None
    assert gpb["effective"] == pytest.approx(12.5, abs=1e-3) and gpb["ultimate"]
    assert owners["VSMPO-AVISMA management"]["effective"] == pytest.approx(37.5, abs=1e-3)
    assert not owners["Business Alliance Company"]["ultimate"]
    rostec = owners["State Corporation Rostec"]
    assert rostec["listed"] and rostec["direct"] == pytest.approx(25, abs=1e-3) and rostec["ultimate"]
    # Shelkov's stake is unknown: a floor of 0 and a ceiling, never read as zero
    shelkov = owners["Mikhail Shelkov"]
    assert shelkov["effective"] == 0 and shelkov["effective_max"] > 0
    # the ended 66% Rosoboronexport stake is not in force on the date
    assert "Rosoboronexport" not in owners
    ends = {(e["source"], e["target"]) for e in res["edges"]}
    assert ("demo-gazprombank", "demo-business-alliance") in ends
    assert ("demo-business-alliance", "demo-vsmpo-avisma") in ends
    assert [n["name"] for n in res["owners"]][-1] == "Business Alliance Company"  # ultimate owners first


def test_listed_chain_and_the_rules_aggregate(store, tmp_path):
    core = load_seed(store, tmp_path, gazprombank_listed=True)
    res = core.owners_to_top("demo-vsmpo-avisma", DAY, regime="ofac")
    edge = {(e["source"], e["target"]): str(e["id"]) for e in res["edges"]}
    gpb_ba, ba_vsmpo = edge[("demo-gazprombank", "demo-business-alliance")], edge[("demo-business-alliance",
                                                                                    "demo-vsmpo-avisma")]
    rostec = edge[("ofac-17260", "demo-vsmpo-avisma")]
    # the whole chain of every listed owner's stake: Gazprombank's, through Business Alliance, and Rostec's
    assert {gpb_ba, ba_vsmpo, rostec} <= set(res["listed_chain"])
    # the rule counts Rostec's 25% only: Business Alliance is not blocked by a 25% listed stake
    assert rostec in res["counted"] and gpb_ba not in res["counted"]
    assert res["listed_aggregated"]["total"] == pytest.approx(25, abs=1e-3)
    assert res["status"] == "exposed"
    assert by_name(res["listed_owners"]).keys() == {"Gazprombank", "State Corporation Rostec"}
    # before the designation, Gazprombank is an owner but not listed, and its chain is not a listed one
    before = core.owners_to_top("demo-vsmpo-avisma", "2024-06-01", regime="ofac")
    assert not by_name(before["owners"])["Gazprombank"]["listed"]
    assert gpb_ba not in before["listed_chain"]


CYCLE_ENTITIES = """
id,type,name
t,company,Target
a,company,Alpha Holding
b,company,Beta Holding
c,person,Carol Owner
"""


def test_owners_to_the_top_is_cycle_safe(store, tmp_path):
    bundle = write_bundle(tmp_path / "cyc", entities=CYCLE_ENTITIES, relations="""
source,target,type,share
a,t,ownership,60
a,b,ownership,50
b,a,ownership,50
c,a,ownership,40
""")
    run_ingest("csv", [bundle], dataset="cyc", show_progress=False, store=store)
    res = Core(store).owners_to_top("t", DAY)
    owners = by_name(res["owners"])
    # y[A] = 0.6 + 0.5 y[B], y[B] = 0.5 y[A]  =>  A 80%, B 40%, C 0.4 * 80% = 32%
    assert owners["Alpha Holding"]["effective"] == pytest.approx(80, abs=1e-3)
    assert owners["Beta Holding"]["effective"] == pytest.approx(40, abs=1e-3)
    assert owners["Carol Owner"]["effective"] == pytest.approx(32, abs=1e-3)
    assert [n["name"] for n in res["ultimate_owners"]] == ["Carol Owner"]  # the cycle is owned from outside


def test_a_cycle_nothing_owns_is_its_own_top(store, tmp_path):
    bundle = write_bundle(tmp_path / "cyc2", entities=CYCLE_ENTITIES, relations="""
source,target,type,share
a,t,ownership,60
a,b,ownership,50
b,a,ownership,50
""")
    run_ingest("csv", [bundle], dataset="cyc2", show_progress=False, store=store)
    res = Core(store).owners_to_top("t", DAY)
    assert {n["name"] for n in res["ultimate_owners"]} == {"Alpha Holding", "Beta Holding"}


def test_holdings_down_with_depth_and_minimum_share(store, tmp_path):
    core = load_seed(store, tmp_path)
    deep = by_name(core.holdings_down("demo-vsmpo-management", DAY, max_depth=2)["holdings"])
    assert deep["Business Alliance Company"]["effective"] == pytest.approx(75, abs=1e-3)
    assert deep["VSMPO-AVISMA Corporation"]["effective"] == pytest.approx(37.5, abs=1e-3)
    assert deep["VSMPO-AVISMA Corporation"]["depth"] == 2
    shallow = core.holdings_down("demo-vsmpo-management", DAY, max_depth=1)
    assert [n["name"] for n in shallow["holdings"]] == ["Business Alliance Company"]
    assert core.holdings_down("demo-vsmpo-management", DAY, max_depth=3, min_share=80)["holdings"] == []
    # an unknown share is followed whatever the minimum (it is not zero)
    shelkov = core.holdings_down("demo-shelkov", DAY, max_depth=2, min_share=10)
    assert [n["name"] for n in shelkov["holdings"]] == ["VSMPO-AVISMA Corporation"]
    assert shelkov["holdings"][0]["effective"] == 0 and shelkov["holdings"][0]["effective_max"] > 10
    assert not core.holdings_down("nobody", DAY)["found"]


def test_capped_trace_says_so(store, tmp_path):
    rows = "\n".join(f"o{i},t,ownership,1" for i in range(30))
    ents = "id,type,name\nt,company,Target\n" + "\n".join(f"o{i},person,Owner {i}" for i in range(30))
    bundle = write_bundle(tmp_path / "many", entities=ents, relations="source,target,type,share\n" + rows)
    run_ingest("csv", [bundle], dataset="many", show_progress=False, store=store)
    res = Core(store).owners_to_top("t", DAY, max_nodes=10)
    assert res["truncated"] and len(res["nodes"]) == 10
    assert all(e["source"] in {n["id"] for n in res["nodes"]} for e in res["edges"])


def test_search_ranks_the_listed_company_first(store, tmp_path):
    core = load_seed(store, tmp_path)
    hits = core.search("VSMPO", limit=5)
    assert [h["name"] for h in hits[:2]] == ["VSMPO-AVISMA Corporation", "VSMPO-AVISMA management"]
    assert hits[0]["score"] == hits[1]["score"]  # an equal match: prominence decides
    assert hits[0]["degree"] > hits[1]["degree"] and hits[0]["authorities"]
    assert core.search("Rostec", limit=3)[0]["listed"] is True
    assert core.search("  ") == []
    assert store.degrees(["demo-vsmpo-avisma", "nobody"]) == {"demo-vsmpo-avisma": 5}


def test_search_gives_a_transliteration_of_a_non_latin_name(store, tmp_path):
    bundle = write_bundle(tmp_path / "cyr", entities="id,type,name\nru1,company,ВСМПО-АВИСМА\n")
    run_ingest("csv", [bundle], dataset="cyr", show_progress=False, store=store)
    hits = Core(store).search("ВСМПО", limit=3)
    assert hits and hits[0]["name"] == "ВСМПО-АВИСМА" and hits[0]["latin"] == "VSMPO-AVISMA"
