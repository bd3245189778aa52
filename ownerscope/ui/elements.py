"""Turn store subgraphs into Cytoscape elements and styles (no Dash here, so it is easy to test).

One style table (STYLES) draws the graph and writes its legend: each entry is a class the elements can
carry, the Cytoscape style it gets, and the words the legend gives it. An element only ever carries
classes from the table, so the legend can show exactly the styles in use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import active_on
from ..graph.store import Subgraph
from ..statuses import STATUS_COLOURS
from ..text import latin_name

# fill colours: listed by a sanctions authority (the status red), only on other lists (export controls,
# exclusions, disqualifications: pink), none (by type)
TYPE_COLOURS = {"person": "#4e79a7", "company": "#59a14f", "organization": "#76b7b2",
                "public_body": "#9c755f", "legal_entity": "#8cd17d", "vessel": "#b07aa1",
                "airplane": "#b07aa1", "unknown": "#bab0ac"}
TYPE_SHAPES = {"person": "ellipse", "company": "round-rectangle", "legal_entity": "round-rectangle",
               "organization": "hexagon", "public_body": "hexagon", "vessel": "diamond", "airplane": "diamond",
               "unknown": "ellipse"}
TYPE_WORDS = {"person": "person", "company": "company", "legal_entity": "legal entity",
              "organization": "organisation", "public_body": "public body", "vessel": "vessel",
              "airplane": "aircraft", "unknown": "type unknown"}
LISTED_COLOUR = STATUS_COLOURS["listed"]
CONTROLS_ONLY_COLOUR = "#e377c2"
GROUP_COLOUR = "#eeeeee"
OTHER_LINKS = ("directorship", "family", "associate", "linked", "possible_same_as", "membership", "employment",
               "unknown")
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




@dataclass(frozen=True)
class Style:
    cls: str            # the element class
    kind: str           # "type" (shape and fill), "fill", "ring", "mark", "line"
    style: dict         # the Cytoscape style
    words: str          # the legend's words
    selector: str = ""  # default: node.CLS or edge.CLS
    element: str = "node"
    extra: dict = field(default_factory=dict)  # legend only: what the swatch also shows (e.g. its shape)

    @property
    def sel(self) -> str:
        return self.selector or f"{self.element}.{self.cls}"


def _status_ring(st: str, words: str, dashed: bool = False) -> Style:
    style = {"border-color": STATUS_COLOURS[st], "border-width": 6}
    if dashed:
        style["border-style"] = "dashed"
    return Style(f"st-{st}", "ring", style, words)


STYLES: list[Style] = [
    *[Style(t, "type", {"shape": TYPE_SHAPES[t], "background-color": c}, TYPE_WORDS[t] + ", not listed")
      for t, c in TYPE_COLOURS.items()],
    Style("listed", "fill", {"background-color": LISTED_COLOUR, "border-color": "#7f0000"},
          "listed by a sanctions authority (label: who)"),
    Style("controlled", "fill", {"background-color": CONTROLS_ONLY_COLOUR},
          "on other lists only (export controls, exclusions)"),
    Style("group", "type", {"shape": "round-tag", "background-color": GROUP_COLOUR, "border-color": "#777",
                            "border-style": "dashed", "border-width": 2, "width": 44, "height": 30,
                            "font-style": "italic"},
          "group of linked entities (click to list them)"),
    _status_ring("listed", "listed under the chosen rule (dark red ring)"),
    _status_ring("derived", "caught by the rule (owned or controlled)"),
    _status_ring("possible", "possibly caught (unknown stakes)", dashed=True),
    _status_ring("review", "review indication"),
    _status_ring("exposed", "exposed: listed holding below the threshold"),
    Style("expanded", "mark", {"border-width": 3, "border-color": "#333"}, "expanded (neighbours drawn)"),
    Style("focus", "mark", {"width": 40, "height": 40, "font-weight": "bold"}, "selected entity (larger)"),
    Style("ownership", "line", {"width": 3, "line-color": "#333", "target-arrow-color": "#333"},
          "ownership (share on the link)", element="edge"),
    Style("control", "line", {"line-style": "dashed", "width": 2.5, "line-color": "#c0392b",
                              "target-arrow-color": "#c0392b"}, "control", element="edge"),
    Style("interest", "line", {"line-style": "dashed", "width": 2, "line-color": "#777",
                               "target-arrow-color": "#777"}, "interest of unknown kind", element="edge"),
    Style("other", "line", {"line-style": "dotted", "width": 2, "line-color": "#888", "target-arrow-color": "#888"},
          "other link (role, director, family, associate: hover for the role)", element="edge"),
    Style("group-link", "line", {"line-style": "dotted", "width": 2, "line-color": "#aaa",
                                 "target-arrow-shape": "none"}, "link to a group", element="edge"),
    Style("ended", "line", {"line-style": "dashed", "line-dash-pattern": [7, 5], "line-color": "#9a9a9a",
                            "target-arrow-color": "#9a9a9a", "color": "#444"},
          "ended or not in force (dashed grey)", element="edge"),
    Style("context", "line", {"line-color": "#f0a202", "target-arrow-color": "#f0a202", "width": 4},
          "proof: link to look at (other owners, listed chains not counted)", element="edge"),
    Style("proof", "line", {"line-color": "#d62728", "target-arrow-color": "#d62728", "width": 5},
          "proof: link the rule counts", element="edge"),
]
STYLE_BY_CLASS = {s.cls: s for s in STYLES}

BASE = [
    {"selector": "node", "style": {
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": "130px", "font-size": "10px",
        "text-valign": "bottom", "text-margin-y": "4px", "background-color": TYPE_COLOURS["unknown"],
        "width": 28, "height": 28, "border-width": 2, "border-color": "#ffffff", "color": "#222",
        "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": "1px"}},
    {"selector": "edge", "style": {
        "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#999",
        "target-arrow-color": "#999", "label": "data(label)", "font-size": "9px", "color": "#333",
        "text-rotation": "autorotate", "text-margin-y": -7, "text-background-color": "#fff",
        "text-background-opacity": 0.9, "text-background-padding": "1px", "control-point-step-size": 46}},
]
# order matters: type, then fill overrides, rings, marks; lines, then ended, then the proof on top
STYLESHEET = BASE + [{"selector": s.sel, "style": s.style} for s in STYLES] + [
    {"selector": "node:selected", "style": {"border-color": "#1f77b4", "border-width": 4}}]


def legend_entries(classes: set[str] | None = None) -> list[Style]:
    """The table's entries, in its order: all of them, or those of the classes in use."""
    return [s for s in STYLES if classes is None or s.cls in classes]


def classes_in_use(elements: list[dict]) -> set[str]:
    return {c for el in elements for c in el.get("classes", "").split() if c}


def swatch_style(s: Style) -> dict:
    """CSS for the legend's swatch of a style, from the same Cytoscape style that draws it."""
    st = s.style
    if s.element == "edge":
        dash = {"dashed": "dashed", "dotted": "dotted"}.get(st.get("line-style", "solid"), "solid")
        return {"display": "inline-block", "width": "26px", "height": "0",
                "borderTop": f"{max(2, int(st.get('width', 2)))}px {dash} {st.get('line-color', '#999')}"}
    css = {"display": "inline-block", "width": "14px", "height": "14px", "boxSizing": "border-box",
           "background": st.get("background-color", "#fff" if s.kind in ("ring", "mark") else "#bab0ac")}
    if "border-color" in st or s.kind in ("ring", "mark"):
        css["border"] = (f"{min(4, int(st.get('border-width', 2)))}px {st.get('border-style', 'solid')} "
                         f"{st.get('border-color', '#333')}")
    shape = st.get("shape", "ellipse" if s.kind in ("ring", "mark") else "round-rectangle")
    css.update({"ellipse": {"borderRadius": "50%"}, "round-rectangle": {"borderRadius": "3px"},
                "round-tag": {"borderRadius": "3px 7px 7px 3px", "width": "20px"},
                "hexagon": {"clipPath": "polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%)"},
                "diamond": {"clipPath": "polygon(50% 0, 100% 50%, 50% 100%, 0 50%)"}}.get(shape, {}))
    return css


def edge_class(etype: str) -> str:
    return etype if etype in ("ownership", "control", "interest") else "other"


def display_name(name: str | None, fallback: str) -> str:
    """What a node is labelled with: the Latin transliteration of a non-Latin name, else the name."""
    return latin_name(name) or name or fallback


def edge_label(e: dict, roles: bool = False) -> str:
    """The label on a link: its share (ownership, interest); its role only with the roles toggle, so
    long role words never cover the shares. Ended links say so."""
    if e["type"] in ("ownership", "interest") or e.get("share") is not None or e.get("share_min") is not None:
        label = share_label(e)
    else:
        label = (e.get("role") or e["type"].replace("_", " ")) if roles else ""
        if len(label) > 28:
            label = label[:27] + "…"
    if label and (e.get("ended") or e.get("end_date")):
        label += " (ended)"
    return label


def to_elements(graph: dict, status: dict[str, str] | None = None, regime: str = "", roles: bool = False,
                hidden: set[str] | None = None) -> list[dict]:
    """graph: {"nodes": {id: node}, "edges": {key: edge}, "expanded": [ids], "focus": id, "groups": {...}};
    status: the exposure status of each node under `regime`, when one is chosen; `hidden`: element ids the
    filters leave out."""
    status = status or {}
    hidden = hidden or set()
    expanded = set(graph.get("expanded", []))
    focus = graph.get("focus")
    elements = []
    for n in graph["nodes"].values():
        if n["id"] in hidden:
            continue
        auth = n.get("authorities", [])
        label = display_name(n.get("name"), n["id"])
        if auth:
            label += "\n[" + short_authorities(auth) + "]"
        ntype = n.get("type") if n.get("type") in TYPE_COLOURS else "unknown"
        classes = [ntype]
        nc = node_class(auth)
        if nc != "plain":
            classes.append(nc)
        if n["id"] in expanded:
            classes.append("expanded")
        if n["id"] == focus:
            classes.append("focus")
        st = status.get(n["id"])
        if st and st != "clear":
            classes.append(f"st-{st}")
            if st != "listed":
                label += f"\n{st.upper()} ({regime})"
        elements.append({"data": {"id": n["id"], "label": label, "name": n.get("name"),
                                  "latin": latin_name(n.get("name")), "type": n.get("type"),
                                  "authorities": auth},
                         "classes": " ".join(classes)})
    for gid, grp in (graph.get("groups") or {}).items():
        if not grp["members"] or gid in hidden or grp["center"] in hidden or grp["center"] not in graph["nodes"]:
            continue
        elements.append({"data": {"id": gid, "label": group_label(grp), "name": group_label(grp),
                                  "type": "group", "count": len(grp["members"])}, "classes": "group"})
        src, dst = (grp["center"], gid) if grp["direction"] == "out" else (gid, grp["center"])
        elements.append({"data": {"id": gid + ":link", "source": src, "target": dst, "type": grp["type"],
                                  "label": grp["type"].replace("_", " ") if roles else ""},
                         "classes": "group-link"})
    highlight = set(graph.get("highlight", []))
    context = set(graph.get("context", []))
    for key, e in graph["edges"].items():
        if key in hidden or e["source"] in hidden or e["target"] in hidden:
            continue
        classes = [edge_class(e["type"])]
        if e.get("ended") or e.get("end_date"):
            classes.append("ended")
        if key in highlight:
            classes.append("proof")
        elif key in context:
            classes.append("context")
        elements.append({"data": {"id": key, "source": e["source"], "target": e["target"],
                                  "type": e["type"], "label": edge_label(e, roles), "role": e.get("role") or "",
                                  "share": share_label(e), "start_date": e.get("start_date") or "",
                                  "end_date": e.get("end_date") or "", "note": e.get("note") or ""},
                         "classes": " ".join(classes)})
    return elements


def group_label(grp: dict) -> str:
    n = len(grp["members"])
    what = grp.get("role") or grp["type"].replace("_", " ")
    words = {"linked": "linked entities", "ownership": "holdings" if grp["direction"] == "out" else "owners",
             "control": "controlled entities" if grp["direction"] == "out" else "controllers"}
    noun = words.get(grp["type"], "entities")
    listed = sum(1 for m in grp["members"] if m.get("authorities"))
    return f"+{n} {noun}" + (f"\n({what})" if grp.get("role") else "") + (f"\n{listed} listed" if listed else "")


def hidden_by_filters(graph: dict, types: list[str] | None, min_share: float | None, as_of: str | None,
                      in_force: bool) -> set[str]:
    """The edges the live filters leave out (relation type, minimum share, in force on the date), and
    the nodes left with no link drawn (never the focus, an expanded node or a lone node)."""
    hidden: set[str] = set()
    wanted = set(types) if types else None
    for key, e in graph["edges"].items():
        top = e.get("share") if e.get("share") is not None else e.get("share_max")
        if wanted is not None and edge_class(e["type"]) not in wanted and e["type"] not in wanted:
            hidden.add(key)
        # an unknown share is never below a minimum
        elif min_share and e["type"] in ("ownership", "interest") and top is not None and top < min_share:
            hidden.add(key)
        elif in_force and as_of and not active_on(e.get("start_date"), e.get("end_date"), as_of,
                                                  bool(e.get("ended"))):
            hidden.add(key)
    for gid, grp in (graph.get("groups") or {}).items():
        if wanted is not None and edge_class(grp["type"]) not in wanted and grp["type"] not in wanted:
            hidden.add(gid)
    if not hidden:
        return hidden
    keep = set(graph.get("expanded", [])) | {graph.get("focus")}
    linked = {x for k, e in graph["edges"].items() if k not in hidden for x in (e["source"], e["target"])}
    had = {x for e in graph["edges"].values() for x in (e["source"], e["target"])}
    hidden |= {n for n in graph["nodes"] if n in had and n not in linked and n not in keep}
    return hidden


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
    if choice == "auto" and graph.get("layout"):
        choice = graph["layout"]  # a trace is always a hierarchy
    if choice == "auto":
        edges = list(graph.get("edges", {}).values())
        owning = sum(1 for e in edges if e["type"] in ("ownership", "control"))
        if edges and owning * 2 >= len(edges):
            choice = "hierarchy"
        else:
            # a neighbourhood: the expanded node (highest degree) in the middle. Not the force layout, even
            # for big graphs: at 150 nodes it takes ~8x as long and draws at half the frame rate
            # (bench/bench_explorer_draw.py, BENCHMARKS.md); it stays a choice
            choice = "concentric"
    if choice == "hierarchy":
        return {"name": "dagre", "rankDir": "TB", "nodeSep": 130, "rankSep": 110, "edgeSep": 20, "animate": False,
                "fit": True, "padding": 30}
    if choice == "concentric":
        return {"name": "concentric", "animate": False, "fit": True, "padding": 30, "minNodeSpacing": 60,
                "avoidOverlap": True}
    return {"name": "cose", "animate": False, "fit": True, "padding": 30, "nodeRepulsion": 9000,
            "idealEdgeLength": 120, "randomize": False}
