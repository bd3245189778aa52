"""Grouping, filters, legend and status colours of the explorer, without a browser."""

from __future__ import annotations

import re
from pathlib import Path

from ownerscope.exposure import svg
from ownerscope.graph.store import Subgraph
from ownerscope.statuses import STATUS_COLOURS
from ownerscope.ui.elements import (STYLE_BY_CLASS, STYLES, classes_in_use, edge_label, hidden_by_filters,
                                    legend_entries, swatch_style, to_elements)
from ownerscope.ui.graph_state import GROUP_AT, add_from_group, add_neighbourhood, filter_members, trace_state


def hub(n: int = 40) -> Subgraph:
    nodes = [{"id": "hub", "name": "Hub", "type": "company", "authorities": ["us"]}]
    edges = []
    for i in range(n):
        nodes.append({"id": f"v{i}", "name": f"Vessel {i}", "type": "vessel", "authorities": ["us"] if i < 3 else []})
        edges.append({"id": f"e{i}", "type": "linked", "source": f"v{i}", "target": "hub", "role": "Linked To"})
    nodes.append({"id": "own", "name": "Owner", "type": "person", "authorities": []})
    edges.append({"id": "o1", "type": "ownership", "source": "own", "target": "hub", "share": 60.0})
    return Subgraph(nodes, edges)


def test_more_than_the_threshold_of_one_kind_are_grouped():
    g, left_out = add_neighbourhood({"nodes": {}, "edges": {}}, hub(40), "hub", cap=500)
    assert set(g["nodes"]) == {"hub", "own"} and left_out == 0
    (gid, grp), = g["groups"].items()
    assert len(grp["members"]) == 40 and grp["members"][0]["authorities"]  # listed members first
    els = to_elements(g)
    group = [e for e in els if e["classes"] == "group"]
    assert group and group[0]["data"]["label"].startswith("+40 linked entities") and "3 listed" in group[0]["data"]["label"]
    # a member is added on its own; the group shrinks; the last one removes the group
    g2, ok = add_from_group(g, gid, "v7", cap=500)
    assert ok and "v7" in g2["nodes"] and "e7" in g2["edges"] and len(g2["groups"][gid]["members"]) == 39
    small, _ = add_neighbourhood({"nodes": {}, "edges": {}}, hub(GROUP_AT), "hub", cap=500)
    assert not small["groups"] and len(small["nodes"]) == GROUP_AT + 2
    capped, left = add_neighbourhood({"nodes": {}, "edges": {}}, hub(GROUP_AT), "hub", cap=10)
    assert len(capped["nodes"]) == 10 and left == GROUP_AT + 2 - 10
    full, _ = add_from_group(capped, gid, "v1", cap=10)
    assert full is capped  # nothing added past the cap


def test_filter_members():
    g, _ = add_neighbourhood({"nodes": {}, "edges": {}}, hub(40), "hub", cap=500)
    members = next(iter(g["groups"].values()))["members"]
    shown, total = filter_members(members, "VESSEL 1")  # every word, anywhere in the name or id
    assert {m["id"] for m in shown} == {"v1", "v21", "v31", *(f"v{i}" for i in range(10, 20))} and total == 13
    assert filter_members(members, "vessel 39")[1] == 1
    assert filter_members(members, None, most=5)[1] == 40 and len(filter_members(members, None, most=5)[0]) == 5


def test_filters_hide_links_and_the_nodes_left_alone():
    graph = {"nodes": {k: {"id": k, "name": k, "type": "company"} for k in ("t", "a", "b", "c", "d")},
             "edges": {"1": {"id": "1", "type": "ownership", "source": "a", "target": "t", "share": 10.0},
                       "2": {"id": "2", "type": "ownership", "source": "b", "target": "t", "share": None},
                       "3": {"id": "3", "type": "ownership", "source": "c", "target": "t", "share": 60.0,
                             "start_date": "2005", "end_date": "2015"},
                       "4": {"id": "4", "type": "directorship", "source": "d", "target": "t", "role": "Director"}},
             "expanded": ["t"], "focus": "t"}
    assert hidden_by_filters(graph, None, 20, "2025-01-01", False) == {"1", "a"}  # unknown share kept
    assert hidden_by_filters(graph, None, 20, "2025-01-01", True) == {"1", "a", "3", "c"}
    assert hidden_by_filters(graph, ["ownership"], None, "2025-01-01", False) == {"4", "d"}
    els = to_elements(graph, hidden={"4", "d"})
    assert {e["data"]["id"] for e in els} == {"t", "a", "b", "c", "1", "2", "3"}


def test_edge_labels_put_the_share_on_the_link_and_roles_behind_a_toggle():
    own = {"type": "ownership", "share": 50.0, "share_min": 50.0, "share_min_exclusive": True}
    director = {"type": "directorship", "role": "Deputy chairman of the board of directors"}
    assert edge_label(own) == ">50%" and edge_label(director) == ""
    assert edge_label(director, roles=True).startswith("Deputy chairman") and len(edge_label(director, True)) <= 28
    assert edge_label({"type": "ownership", "share": 66.0, "ended": True}) == "66% (ended)"


def test_every_class_an_element_can_carry_is_in_the_style_table():
    g, _ = add_neighbourhood({"nodes": {}, "edges": {}}, hub(40), "hub", cap=500)
    g["nodes"]["x"] = {"id": "x", "name": "Шелков", "type": "strange-type", "authorities": ["us-bis"]}
    g["edges"]["e-x"] = {"id": "e-x", "type": "control", "source": "x", "target": "hub", "end_date": "2020"}
    g["edges"]["e-y"] = {"id": "e-y", "type": "family", "source": "x", "target": "own"}
    g["highlight"], g["context"], g["expanded"], g["focus"] = ["o1"], ["e-x"], ["hub"], "hub"
    status = {"hub": "listed", "own": "derived", "x": "possible"}
    els = to_elements(g, status, "OFAC")
    used = classes_in_use(els)
    assert used <= set(STYLE_BY_CLASS), used - set(STYLE_BY_CLASS)
    assert {s.cls for s in legend_entries(used)} == used
    x = next(e for e in els if e["data"]["id"] == "x")
    assert x["data"]["label"].startswith("Selkov") and x["data"]["name"] == "Шелков"
    for s in STYLES:
        assert swatch_style(s)


def test_one_status_colour_scheme_in_app_and_report():
    assert svg.STATUS_COLOURS is STATUS_COLOURS
    for st in ("listed", "derived", "possible", "review", "exposed"):
        assert STYLE_BY_CLASS[f"st-{st}"].style["border-color"] == STATUS_COLOURS[st]
    css = (Path(__file__).resolve().parents[2] / "ownerscope" / "ui" / "assets" / "style.css").read_text()
    for st, colour in STATUS_COLOURS.items():
        assert re.search(rf"\.badge\.st-{st} {{ background: {colour}; }}", css), st
        assert re.search(rf"\.verdict\.st-{st} {{ border-left-color: {colour}; }}", css), st


def test_trace_state_marks_counted_links_and_listed_chains():
    res = {"root": "t", "direction": "up",
           "nodes": [{"id": k, "name": k, "type": "company"} for k in ("t", "a", "b")],
           "edges": [{"id": "1", "source": "a", "target": "t", "type": "ownership", "share": 25.0},
                     {"id": "2", "source": "b", "target": "a", "type": "ownership", "share": 30.0}],
           "counted": ["1"], "listed_chain": ["1", "2"], "context": []}
    st = trace_state(res)
    assert st["highlight"] == ["1"] and st["context"] == ["2"] and st["layout"] == "hierarchy"
