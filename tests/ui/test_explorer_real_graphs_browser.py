"""The explorer on real graphs, in a real headless Chromium: a hub of 130+ neighbours drawn grouped
under the cap, owners to the top on the seed case (Gazprombank's indirect stake via Business Alliance),
and a legend entry for every style in use. Screenshots go to test-artifacts/ (docs/img/ holds the chosen
ones)."""

from __future__ import annotations

import os
import random

import pytest

from ownerscope.ui.graph_state import GROUP_AT

from ..conftest import SHARED_DATA, write_bundle
from .browser import artifact_dir, browser_page, running_app
from .test_explore_browser import node_labels, wait_for_node

pytestmark = pytest.mark.browser

HUB = "NATIONAL IRANIAN TANKER COMPANY"
WORDS = ["DELVAR", "HUMA", "SEA STAR", "ARMAN", "HONESTY", "DAISY", "HAPPINESS", "SAVIZ", "DARAB", "NOAH",
         "SALINA", "SATTAR", "DESTINY", "FREEDOM", "HELM", "ABADAN", "KASHAN", "SHIRAZ", "TABAN", "ZAGROS"]
N_VESSELS = 132


def hub_bundle(folder):
    """A hub like the SDN's NITC: 132 tankers 'Linked To' it, three owners (one named in Cyrillic), its
    listing; vessel names drawn from a fixed seed."""
    rng = random.Random(13)
    ents = ["id,type,name,country", f"nitc,company,{HUB},ir", "mof,public_body,Ministry of Petroleum,ir",
            "nioc,company,National Iranian Oil Company,ir", "rutrans,company,ООО Транснефть-Сервис,ru"]
    rels = ["source,target,type,share,start_date,end_date,ended,role"]
    des = ["entity_id,authority,program,start_date,end_date,source_url,note",
           "nitc,us,IRAN,2012-07-12,,https://sanctionssearch.ofac.treas.gov/,", "nioc,us,IRAN,2012-07-12,,,"]
    for i in range(N_VESSELS):
        name = f"{rng.choice(WORDS)} {rng.randint(1, 99)} (IMO {9000000 + i * 37})"
        ents.append(f"v{i},vessel,{name},ir")
        rels.append(f"v{i},nitc,linked,,,,,Linked To")
        if i % 10 == 0:
            des.append(f"v{i},us,IRAN,2019-09-04,,,")
    rels += ["mof,nitc,ownership,51,,,,", "nioc,nitc,ownership,39,2005,2015,,", "rutrans,nitc,ownership,10,,,,"]
    return write_bundle(folder, entities="\n".join(ents), relations="\n".join(rels), designations="\n".join(des))


@pytest.fixture
def hub_url(tmp_path):
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home"), "OWNERSCOPE_NODE_CAP": "60"}
    store = str(tmp_path / "hub.lbug")
    from ownerscope.ingest.run import run_ingest

    run_ingest("csv", [hub_bundle(tmp_path / "hub")], store_url=store, dataset="hub", show_progress=False)
    with running_app(["serve", "--store", store], env) as url:
        yield url


@pytest.fixture
def demo_url(tmp_path):
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    with running_app(["demo", "--store", str(tmp_path / "demo.lbug")], env) as url:
        yield url


CY = "document.querySelector('#graph')._cyreg.cy"


def drawn(page) -> dict:
    return page.evaluate(f"""() => {{
        const cy = {CY};
        return {{nodes: cy.nodes().map(n => ({{id: n.id(), name: n.data('name'), label: n.data('label'),
                                              classes: n.classes(), y: n.position('y')}})),
                 edges: cy.edges().map(e => ({{id: e.id(), source: e.source().id(), target: e.target().id(),
                                              label: e.data('label'), classes: e.classes()}}))}};
    }}""")


def open_entity(page, query: str, name: str):
    page.fill("#search-input", query)
    hit = page.locator(".hit", has_text=name)
    hit.first.wait_for(timeout=30000)
    hit.first.click()
    wait_for_node(page, name, 60000)


def tap(page, node_id: str):
    page.evaluate(f"(id) => {CY}.getElementById(id).emit('tap')", node_id)


def tap_until(page, node_id: str, selector: str, tries: int = 3):
    """Tap a node until `selector` shows (a tap while the app is still busy drawing can be lost, as a
    person's first click can)."""
    for _ in range(tries):
        tap(page, node_id)
        try:
            page.locator(selector).first.wait_for(timeout=20000)
            return
        except Exception:
            continue
    raise AssertionError(f"tapping {node_id} never showed {selector}")


def wait_for(page, check, what: str, timeout_s: float = 45.0) -> dict:
    """Poll what is drawn until `check(drawn)` holds; return it."""
    import time

    deadline = time.time() + timeout_s
    while True:
        try:
            g = drawn(page)
        except Exception:  # the canvas is being re-rendered
            g = {"nodes": [], "edges": []}
        if check(g):
            return g
        if time.time() > deadline:
            page.screenshot(path=str(artifact_dir() / "wait-failed.png"))
            raise AssertionError(f"not drawn in {timeout_s:g} s: {what}; drawn: {g}")
        page.wait_for_timeout(250)


def ids_of(g: dict) -> set[str]:
    return {n["id"] for n in g["nodes"]}


def groups_of(g: dict) -> list[dict]:
    return [n for n in g["nodes"] if "group" in n["classes"]]


def legend_styles(page) -> set[str]:
    return set(page.eval_on_selector_all("#graph-legend .legend-item", "els => els.map(e => e.dataset.style)"))


def assert_legend_covers(page):
    g = drawn(page)
    used = {c for el in g["nodes"] + g["edges"] for c in el["classes"]}
    assert used, "nothing drawn"
    missing = used - legend_styles(page)
    assert not missing, f"styles drawn without a legend entry: {missing}"


def test_a_hub_is_drawn_grouped_under_the_cap(hub_url):
    with browser_page() as (page, errors):
        page.goto(hub_url + "/")
        open_entity(page, "national iranian tanker", HUB)
        g = wait_for(page, groups_of, "a group")
        groups = groups_of(g)
        assert len(groups) == 1 and groups[0]["label"].startswith(f"+{N_VESSELS} linked entities")
        assert "14 listed" in groups[0]["label"]
        # the hub, its three owners and the group: far fewer than the 136 entities around it, under the cap
        assert len(g["nodes"]) == 5 and len(g["nodes"]) <= 60
        assert not any(n["name"] and n["name"].startswith(tuple(WORDS)) for n in g["nodes"])
        # the Cyrillic owner is drawn transliterated; the original is kept for the tooltip and panel
        ru = next(n for n in g["nodes"] if n["id"] == "rutrans")
        assert ru["label"].startswith("OOO Transneft") and ru["name"] == "ООО Транснефть-Сервис"
        assert_legend_covers(page)
        page.screenshot(path=str(artifact_dir() / "hub-grouped.png"))
        # the summary node opens a filterable list; entities are added one by one
        page.locator("#details-panel h3", has_text=HUB).wait_for(timeout=60000)
        tap_until(page, groups[0]["id"], "#group-panel .group-member")
        assert page.locator("#group-panel .group-member").count() == N_VESSELS
        page.fill("#group-filter", "9000037")
        page.wait_for_function("() => document.querySelectorAll('#group-panel .group-member').length === 1",
                               timeout=60000)
        page.locator("#group-panel .group-member button").first.click()
        after = groups_of(wait_for(page, lambda g: "v1" in ids_of(g), "v1 added"))
        assert len(after) == 1 and after[0]["label"].startswith(f"+{N_VESSELS - 1} linked entities")
        page.screenshot(path=str(artifact_dir() / "hub-group-list.png"))
        # live filters: without "other links" the tanker links and the group go; a minimum share of 20%
        # hides the 10% stake; "in force on the date" hides the ended 2005-2015 stake
        page.locator("#filter-types label", has_text="other links").click()
        wait_for(page, lambda g: not groups_of(g) and "v1" not in ids_of(g), "no group, no v1")
        page.fill("#filter-min-share", "20")
        page.press("#filter-min-share", "Enter")
        wait_for(page, lambda g: "rutrans" not in ids_of(g), "the 10% stake hidden")
        page.locator("#filter-in-force label").click()
        wait_for(page, lambda g: "nioc" not in ids_of(g) and "mof" in ids_of(g), "the ended stake hidden")
        assert not errors, errors


def test_owners_to_the_top_shows_gazprombanks_indirect_stake(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        open_entity(page, "VSMPO", "VSMPO-AVISMA Corporation")
        # ranked by match, then prominence: the listed corporation above its management
        names = page.eval_on_selector_all("#search-hits .hit-name", "els => els.map(e => e.textContent)")
        assert names.index("VSMPO-AVISMA Corporation") < names.index("VSMPO-AVISMA management")
        page.click("#trace-up")
        wait_for_node(page, "Gazprombank", 60000)
        table = page.locator(".trace-table")
        table.wait_for(timeout=60000)
        row = table.locator("tr", has_text="Gazprombank")
        assert "12.5%" in row.inner_text() and "ultimate" in row.inner_text()
        g = drawn(page)
        y = {n["name"]: n["y"] for n in g["nodes"]}
        # a hierarchy: owners above what they own, Gazprombank above Business Alliance above VSMPO-AVISMA
        assert y["Gazprombank"] < y["Business Alliance Company"] < y["VSMPO-AVISMA Corporation"]
        ids = {n["name"]: n["id"] for n in g["nodes"]}
        ends = {(e["source"], e["target"]) for e in g["edges"]}
        assert (ids["Gazprombank"], ids["Business Alliance Company"]) in ends
        assert (ids["Business Alliance Company"], ids["VSMPO-AVISMA Corporation"]) in ends
        # the share is on the link, never the director's role
        labels = {e["label"] for e in g["edges"]}
        assert ">50%" in labels and not any("Deputy" in (x or "") for x in labels)
        assert_legend_covers(page)
        page.screenshot(path=str(artifact_dir() / "owners-to-the-top.png"))
        # the proof under OFAC draws the whole chain, Business Alliance and Gazprombank included
        page.click("#regime-select")
        page.get_by_text("OFAC 50% rule (US)").last.click()
        page.locator("#details-panel .verdict").wait_for(timeout=60000)
        page.click("#proof-show")
        page.locator("#graph-notice", has_text="Proof:").wait_for(timeout=60000)
        wait_for(page, lambda g: any("proof" in e["classes"] for e in g["edges"]), "a proof link")
        wait_for_node(page, "Gazprombank", 60000)
        assert "Business Alliance Company" in node_labels(page)
        assert_legend_covers(page)
        page.screenshot(path=str(artifact_dir() / "proof-chain.png"))
        # holdings down from Rostec
        tap(page, "ofac-17260")
        wait_for_node(page, "Sergei Chemezov", 60000)
        page.click("#trace-down")
        page.locator("#trace-output", has_text="Holdings down").wait_for(timeout=60000)
        assert "VSMPO-AVISMA Corporation" in page.locator("#trace-output").inner_text()
        assert not errors, errors


def test_legend_has_an_entry_for_every_style_in_use(demo_url):
    with browser_page() as (page, errors):
        page.goto(demo_url + "/")
        # before anything is drawn the legend shows the whole table
        page.locator("#graph-legend .legend-item").first.wait_for(timeout=30000)
        assert len(legend_styles(page)) > 20
        page.click("#regime-select")
        page.get_by_text("UK owned or controlled").last.click()
        page.fill("#as-of-date", "2025-06-01")
        page.press("#as-of-date", "Enter")
        open_entity(page, "VSMPO", "VSMPO-AVISMA Corporation")
        tap(page, "ofac-17260")
        wait_for_node(page, "Sergei Chemezov", 60000)
        open_entity(page, "Coral Energy", "Coral Energy Group")
        tap(page, "demo-garayev")
        wait_for_node(page, "Etibar Eyyub", 60000)
        page.wait_for_timeout(500)
        assert_legend_covers(page)
        # only the styles in use: no vessel on this graph, so no vessel entry
        assert "vessel" not in legend_styles(page)
        page.screenshot(path=str(artifact_dir() / "legend.png"))
        assert not errors, errors


@pytest.mark.skipif(not (SHARED_DATA / "ofac" / "sdn.csv").is_file(), reason="shared SDN list not present")
def test_the_real_sdn_hub_is_grouped(tmp_path):
    """NATIONAL IRANIAN TANKER COMPANY on the real SDN list: 130+ tankers 'Linked To' it."""
    from ownerscope.ingest.run import run_ingest

    store = str(tmp_path / "sdn.lbug")
    run_ingest("ofac-sdn", [SHARED_DATA / "ofac" / "sdn.csv"], store_url=store, show_progress=False)
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home")}
    with running_app(["serve", "--store", store], env) as url, browser_page() as (page, errors):
        page.goto(url + "/")
        open_entity(page, "national iranian tanker", HUB)
        g = wait_for(page, groups_of, "a group")
        groups = groups_of(g)
        grouped = sum(int(n["label"].split()[0][1:]) for n in groups)
        assert grouped >= 100 and len(g["nodes"]) <= GROUP_AT * 4 + len(groups) + 1
        assert_legend_covers(page)
        page.screenshot(path=str(artifact_dir() / "sdn-hub-grouped.png"))
        assert not errors, errors
