"""Turn store subgraphs into Cytoscape elements and styles (no Dash here, so it is easy to test)."""

from __future__ import annotations

from ..graph.store import Subgraph

# fill colours: listed by a sanctions authority (red), only on other lists (export controls, exclusions,
# disqualifications: amber), none (by type)
TYPE_COLOURS = {"person": "#4e79a7", "company": "#59a14f", "organization": "#76b7b2",
                "public_body": "#9c755f", "legal_entity": "#8cd17d", "vessel": "#b07aa1",
                "airplane": "#b07aa1", "unknown": "#bab0ac"}
LISTED_COLOUR = "#d62728"
CONTROLS_ONLY_COLOUR = "#f28e2b"
def node_class(authorities: list[str]) -> str:
    from ..authorities import is_sanctions

    sanctions = [a for a in authorities if is_sanctions(a)]
    if sanctions:
        return "listed"
    if authorities:
        return "controlled"
    return "plain"


MAIN_AUTHORITIES = ("us", "eu", "uk", "un")


def short_authorities(auth: list[str], most: int = 4) -> str:
    """'US, EU, UK +14' rather than seventeen codes in a node label; the main regimes first."""
    ordered = sorted(auth, key=lambda a: (a not in MAIN_AUTHORITIES, MAIN_AUTHORITIES.index(a)
                                          if a in MAIN_AUTHORITIES else 0, a))
    head = ", ".join(a.upper() for a in ordered[:most])
    return head + (f" +{len(ordered) - most}" if len(ordered) > most else "")


def share_label(e: dict) -> str:
    if e.get("share") is not None:
        if e.get("share_min_exclusive") and e.get("share_min") == e["share"]:
            return f">{e['share']:g}%"  # "50% plus one share"
        return f"{e['share']:g}%"
    lo, hi = e.get("share_min"), e.get("share_max")
    if lo is not None and e.get("share_min_exclusive"):
        return f">{lo:g}" + (f"–{hi:g}%" if hi is not None else "%")
    if lo is not None or hi is not None:
        return f"{'' if lo is None else f'{lo:g}'}–{'' if hi is None else f'{hi:g}'}%"
    if e["type"] == "ownership":
        return "?%"
    if e["type"] == "interest":
        return "interest (kind unknown)"
    return e.get("role") or e.get("basis") or ""


def to_elements(graph: dict, status: dict[str, str] | None = None, regime: str = "") -> list[dict]:
    """graph: {"nodes": {id: node}, "edges": {key: edge}, "expanded": [ids], "focus": id}; status: the
    exposure status of each node under `regime`, when one is chosen."""
    status = status or {}
    expanded = set(graph.get("expanded", []))
    focus = graph.get("focus")
    elements = []
    for n in graph["nodes"].values():
        auth = n.get("authorities", [])
        label = n["name"] or n["id"]
        if auth:
            label += "\n[" + short_authorities(auth) + "]"
        classes = [n.get("type") or "unknown", node_class(auth)]
        if n["id"] in expanded:
            classes.append("expanded")
        if n["id"] == focus:
            classes.append("focus")
        st = status.get(n["id"])
        if st and st != "clear":
            classes.append(f"st-{st}")
            if st != "listed":
                label += f"\n{st.upper()} ({regime})"
        elements.append({"data": {"id": n["id"], "label": label, "name": n["name"], "type": n.get("type"),
                                  "authorities": auth,
                                  "colour": TYPE_COLOURS.get(n.get("type"), "#bab0ac")},
                         "classes": " ".join(classes)})
    highlight = set(graph.get("highlight", []))
    context = set(graph.get("context", []))
    for key, e in graph["edges"].items():
        classes = [e["type"]]
        if key in highlight:
            classes.append("proof")
        elif key in context:
            classes.append("context")
        if e.get("ended") or e.get("end_date"):
            classes.append("ended")
        elements.append({"data": {"id": key, "source": e["source"], "target": e["target"],
                                  "type": e["type"], "label": share_label(e)},
                         "classes": " ".join(classes)})
    return elements


def add_subgraph(graph: dict, sub: Subgraph, cap: int) -> tuple[dict, int]:
    """Merge a subgraph into the graph state, up to `cap` nodes; return the state and nodes left out."""
    nodes = dict(graph.get("nodes", {}))
    edges = dict(graph.get("edges", {}))
    left_out = 0
    for n in sub.nodes:
        if n["id"] in nodes:
            continue
        if len(nodes) >= cap:
            left_out += 1
            continue
        nodes[n["id"]] = n
    for e in sub.edges:
        if e["source"] in nodes and e["target"] in nodes:
            edges[f"{e['id']}"] = e
    return {**graph, "nodes": nodes, "edges": edges}, left_out


def pick_layout(graph: dict, choice: str) -> dict:
    if choice == "auto":
        edges = list(graph.get("edges", {}).values())
        owning = sum(1 for e in edges if e["type"] in ("ownership", "control"))
        if edges and owning * 2 >= len(edges):
            choice = "hierarchy"
        elif len(graph.get("nodes", {})) <= 80:
            choice = "concentric"  # a neighbourhood: the expanded node (highest degree) in the middle
        else:
            choice = "force"
    if choice == "hierarchy":
        return {"name": "dagre", "rankDir": "TB", "nodeSep": 130, "rankSep": 110, "edgeSep": 20, "animate": False,
                "fit": True, "padding": 30}
    if choice == "concentric":
        return {"name": "concentric", "animate": False, "fit": True, "padding": 30, "minNodeSpacing": 60,
                "avoidOverlap": True}
    return {"name": "cose", "animate": False, "fit": True, "padding": 30, "nodeRepulsion": 9000,
            "idealEdgeLength": 120, "randomize": False}


STYLESHEET = [
    {"selector": "node", "style": {
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": "130px", "font-size": "10px",
        "text-valign": "bottom", "text-margin-y": "4px", "background-color": "data(colour)",
        "width": 28, "height": 28, "border-width": 2, "border-color": "#ffffff", "color": "#222",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": "1px"}},
    {"selector": "node.person", "style": {"shape": "ellipse"}},
    {"selector": "node.company, node.legal_entity", "style": {"shape": "round-rectangle"}},
    {"selector": "node.organization, node.public_body", "style": {"shape": "hexagon"}},
    {"selector": "node.vessel, node.airplane", "style": {"shape": "diamond"}},
    {"selector": "node.listed", "style": {"background-color": LISTED_COLOUR, "border-color": "#7f0000"}},
    {"selector": "node.controlled", "style": {"background-color": CONTROLS_ONLY_COLOUR}},
    {"selector": "node.expanded", "style": {"border-width": 3, "border-color": "#333"}},
    {"selector": "node.focus", "style": {"width": 38, "height": 38, "font-weight": "bold"}},
    {"selector": "node:selected", "style": {"border-color": "#1f77b4", "border-width": 4}},
    {"selector": "node.st-listed", "style": {"border-color": "#7f0000", "border-width": 5}},
    {"selector": "node.st-derived", "style": {"border-color": "#6a3d9a", "border-width": 6}},
    {"selector": "node.st-possible", "style": {"border-color": "#6a3d9a", "border-width": 5,
                                               "border-style": "dashed"}},
    {"selector": "node.st-review", "style": {"border-color": "#e6ab02", "border-width": 5}},
    {"selector": "node.st-exposed", "style": {"border-color": "#ff7f0e", "border-width": 5}},
    {"selector": "edge", "style": {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#999",
        "target-arrow-color": "#999", "label": "data(label)", "font-size": "9px", "color": "#555",
        "text-background-color": "#fff", "text-background-opacity": 0.8, "text-background-padding": "2px"}},
    {"selector": "edge.ownership", "style": {"width": 3, "line-color": "#333", "target-arrow-color": "#333"}},
    {"selector": "edge.control", "style": {"line-style": "dashed", "width": 2.5, "line-color": "#c0392b",
                                           "target-arrow-color": "#c0392b"}},
    {"selector": "edge.interest", "style": {"line-style": "dashed", "width": 2, "line-color": "#777",
                                            "target-arrow-color": "#777"}},
    {"selector": "edge.family, edge.associate, edge.linked, edge.possible_same_as",
     "style": {"line-style": "dotted", "target-arrow-shape": "none"}},
    {"selector": "edge.ended", "style": {"opacity": 0.35}},
    {"selector": "edge.context", "style": {"line-color": "#f0a202", "target-arrow-color": "#f0a202",
                                           "width": 4, "line-style": "dashed"}},
    {"selector": "edge.proof", "style": {"line-color": "#d62728", "target-arrow-color": "#d62728", "width": 5}},
]
