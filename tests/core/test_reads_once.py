"""The faces read the ownership graph through the core, once per (data version, date): a counting wrapper
around a real store (each backend) counts the reads that build it."""

from __future__ import annotations

from collections import Counter

import pytest

from ownerscope.core import Core
from ownerscope.demo import SEED_CASE
from ownerscope.ui import context, exposure_view, screening
from ownerscope.ui.pages import exposure as exposure_page

from ..conftest import write_bundle

DAY = "2025-06-01"
GRAPH_READS = ("ownership_frame", "designation_frame", "entity_frame")


class CountingStore:
    """A real store that counts every call by method name."""

    def __init__(self, inner):
        self._inner = inner
        self.calls: Counter = Counter()

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def counted(*args, **kwargs):
            self.calls[name] += 1
            return attr(*args, **kwargs)

        return counted

    def graph_reads(self) -> dict[str, int]:
        return {k: self.calls[k] for k in GRAPH_READS}


@pytest.fixture
def seeded(store):
    Core(store).ingest("csv", [SEED_CASE], dataset="ownerscope-demo", show_progress=False, published="2024-05-03")
    counting = CountingStore(store)
    context.set_store(counting)
    yield counting
    context.set_store(None)


def test_one_exposure_page_view_reads_the_graph_once(seeded):
    for regime in ("ofac", "eu", "uk"):  # the page under each rule, the explorer's colours, verdict, proof
        children, _options, _prev, _next = exposure_page.render(exposure_view.result(regime, DAY), 0,
                                                                ["listed", "derived", "possible"], None, None)
        assert "entities in the ownership graph" in children[0].children
        rows, _counts, used = exposure_page.rows_for(regime, DAY, ["listed", "derived", "possible", "exposed"])
        assert used == DAY and bool(rows) == (regime != "eu")  # the demo holds no EU designation
        colours = exposure_view.statuses(regime, DAY, ["demo-vsmpo-avisma", "demo-rostec"])
        assert set(colours) == {"demo-vsmpo-avisma", "demo-rostec"}
    assert exposure_view.statuses("ofac", DAY, ["demo-vsmpo-avisma"]) == {"demo-vsmpo-avisma": "exposed"}
    for regime in ("ofac", "eu", "uk"):
        exposure_view.verdict_box("demo-vsmpo-avisma", regime, DAY)
        exposure_view.proof_ids("demo-vsmpo-avisma", regime, DAY)
    payload, name = exposure_view.report_bytes("demo-vsmpo-avisma", None, DAY, "json")
    assert b"VSMPO" in payload and name.endswith(f"{DAY}.json")
    assert seeded.graph_reads() == {"ownership_frame": 1, "designation_frame": 1, "entity_frame": 1}


def test_screening_under_three_regimes_reads_the_graph_once(seeded):
    rows = screening.screen(["VSMPO-AVISMA", "Rostec", "Gazprombank", "Nobody In Particular Ltd"], DAY)
    assert [r["match"] for r in rows[:2]] == ["match", "match"]
    vsmpo = rows[0]
    # Rostec's 25% plus one share: exposed under OFAC; the demo bundle has no EU designation
    assert (vsmpo["id"], vsmpo["ofac"], vsmpo["eu"], vsmpo["eu_label"]) == (
        "demo-vsmpo-avisma", "exposed", "clear", "NOT CAUGHT")
    assert seeded.graph_reads() == {"ownership_frame": 1, "designation_frame": 1, "entity_frame": 1}
    screening.screen(["Rostec"], DAY)  # the same data and date again: nothing is read
    assert seeded.calls["ownership_frame"] == 1


def test_a_write_drops_the_cache_exactly_then(seeded, store, tmp_path):
    before = exposure_view.result("ofac", DAY).status_of("demo-gazprombank")
    exposure_view.result("eu", DAY)
    assert seeded.calls["ownership_frame"] == 1
    # SEED_CASE.md row 15: OFAC designated Gazprombank on 2024-11-21
    extra = write_bundle(tmp_path / "gpb", designations="""
entity_id,authority,program,start_date,end_date,source_url,note
demo-gazprombank,us,RUSSIA-EO14024,2024-11-21,,https://www.thompsonhinesmartrade.com/2024/11/ofac-sanctions-gazprombank-and-further-limits-russias-access-to-international-financial-system/,
""")
    Core(store).ingest("csv", [extra], dataset="ofac-2024-11", show_progress=False, published="2024-11-22")
    after = exposure_view.result("ofac", DAY).status_of("demo-gazprombank")
    assert (before, after) == ("clear", "listed") or before != after
    assert after == "listed"
    assert seeded.calls["ownership_frame"] == 2  # read again once, for the new data only
    exposure_view.result("uk", DAY)
    assert seeded.calls["ownership_frame"] == 2
