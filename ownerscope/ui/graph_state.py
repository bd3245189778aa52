"""The explorer's graph state (a JSON-able dict kept in the page) and the changes made to it: a
neighbourhood added with its large groups folded into summary nodes, a member taken out of a group, a
trace (owners to the top, holdings down) turned into a drawing. No Dash here, so it is easy to test.

State: {"nodes": {id: node}, "edges": {id: edge}, "expanded": [ids], "focus": id,
        "groups": {group id: {"center", "type", "direction", "role", "members": [...]}},
        "highlight": [edge ids], "context": [edge ids], "layout": "hierarchy" (optional)}
"""

from __future__ import annotations

import hashlib

from ..graph.store import Subgraph

GROUP_AT = 25  # more neighbours than this of one kind (relation type, direction, role) become a group


def group_key(center: str, etype: str, direction: str, role: str | None) -> str:
    tag = hashlib.sha1(f"{etype}\x1f{direction}\x1f{role or ''}".encode()).hexdigest()[:10]
    return f"group:{center}:{tag}"


def _member(node: dict, edge: dict) -> dict:
    return {"id": node["id"], "name": node.get("name"), "type": node.get("type"),
            "authorities": node.get("authorities", []), "edge": edge}


def _member_order(m: dict):
    e = m["edge"]
    share = e.get("share") if e.get("share") is not None else (e.get("share_min") or -1)
    return (not m["authorities"], -(share or 0), (m["name"] or m["id"]).lower())


def add_neighbourhood(graph: dict, sub: Subgraph, center: str, cap: int,
                      group_at: int = GROUP_AT) -> tuple[dict, int]:
    """Merge an entity's neighbourhood into the state. Of each kind of link (relation type, direction,
    role), at most `group_at` neighbours are drawn; past that, the kind's neighbours not yet drawn go into
    one summary node. Never more than `cap` nodes are drawn; returns the state and the nodes left out."""
    nodes = dict(graph.get("nodes", {}))
    edges = dict(graph.get("edges", {}))
    groups = dict(graph.get("groups", {}))
    by_id = {n["id"]: n for n in sub.nodes}
    if center in by_id and center not in nodes:
        nodes[center] = by_id[center]
    kinds: dict[tuple, list[dict]] = {}
    for e in sub.edges:
        if e["source"] == center:
            direction, other = "out", e["target"]
        elif e["target"] == center:
            direction, other = "in", e["source"]
        else:
            continue
        kinds.setdefault((e["type"], direction, e.get("role") or None), []).append({"edge": e, "other": other})
    left_out = 0
    for (etype, direction, role), links in kinds.items():
        gid = group_key(center, etype, direction, role)
        fresh = [x for x in links if x["other"] not in nodes and x["other"] in by_id]
        drawn = [x for x in links if x["other"] in nodes]
        for x in drawn:
            edges[str(x["edge"]["id"])] = x["edge"]
        if len(links) > group_at and fresh:
            members = {m["id"]: m for m in (groups.get(gid) or {}).get("members", [])}
            for x in fresh:
                members.setdefault(x["other"], _member(by_id[x["other"]], x["edge"]))
            groups[gid] = {"center": center, "type": etype, "direction": direction, "role": role,
                           "members": sorted(members.values(), key=_member_order)}
            continue
        for x in fresh:
            if x["other"] not in nodes:
                if len(nodes) >= cap:
                    left_out += 1
                    continue
                nodes[x["other"]] = by_id[x["other"]]
            edges[str(x["edge"]["id"])] = x["edge"]
    return {**graph, "nodes": nodes, "edges": edges, "groups": groups}, left_out


def add_from_group(graph: dict, gid: str, member_id: str, cap: int) -> tuple[dict, bool]:
    """Draw one member of a group on its own (the group shrinks; an empty group goes); False when the
    cap is reached or the member is not in the group."""
    groups = dict(graph.get("groups", {}))
    grp = groups.get(gid)
    if not grp:
        return graph, False
    member = next((m for m in grp["members"] if m["id"] == member_id), None)
    if member is None or len(graph["nodes"]) >= cap:
        return graph, False
    nodes = dict(graph["nodes"])
    nodes[member_id] = {"id": member_id, "name": member["name"], "type": member["type"], "country": None,
                        "authorities": member["authorities"]}
    edges = dict(graph["edges"])
    edges[str(member["edge"]["id"])] = member["edge"]
    rest = [m for m in grp["members"] if m["id"] != member_id]
    if rest:
        groups[gid] = {**grp, "members": rest}
    else:
        groups.pop(gid)
    return {**graph, "nodes": nodes, "edges": edges, "groups": groups}, True


def filter_members(members: list[dict], text: str | None, most: int = 200) -> tuple[list[dict], int]:
    """The members whose name or id contains every word of `text` (normalised), at most `most` of them;
    and how many matched."""
    from ..text import norm

    words = norm(text or "").split()
    hits = [m for m in members if all(w in norm(f"{m['name'] or ''} {m['id']}") for w in words)]
    return hits[:most], len(hits)


def trace_state(result: dict) -> dict:
    """A drawing of a trace (core owners_to_top / holdings_down), laid out as a hierarchy. For owners
    to the top under a rule, the links it counts are the proof (red) and the rest of every listed
    owner's chain, with the other owners the rule names, is context (amber)."""
    nodes = {n["id"]: {"id": n["id"], "name": n["name"], "type": n["type"], "country": n.get("country"),
                       "authorities": n.get("authorities", [])} for n in result["nodes"]}
    edges = {str(e["id"]): e for e in result["edges"]}
    counted = set(result.get("counted", [])) & set(edges)
    context = (set(result.get("listed_chain", [])) | set(result.get("context", []))) & set(edges)
    return {"nodes": nodes, "edges": edges, "expanded": [], "focus": result["root"], "groups": {},
            "highlight": sorted(counted), "context": sorted(context - counted), "layout": "hierarchy",
            "trace": result.get("direction")}
