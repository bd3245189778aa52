"""A picture of an ownership structure as inline SVG: a simple layered layout, no dependencies.

Owners sit above what they own: the entity of the report in the middle, its owners layer by layer above,
its subsidiaries below. Within a layer nodes are ordered by the mean position of their neighbours in the
layer before (one barycentre pass), which keeps most lines from crossing.
"""

from __future__ import annotations

import math
from html import escape

from ..statuses import STATUS_COLOURS  # noqa: F401  (re-exported: the report reads it from here)

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 190, 46, 24, 70, 20


NAME_SIZE, CAPTION_SIZE, NAME_LINES = 11, 10, 2
LINE_H, PAD = 14, 8
TEXT_W = BOX_W - 12  # the room for text inside a box


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fit(text: str, size: int, heavy: bool) -> str:
    """The text, shortened with an ellipsis until it fits in a box."""
    from .fonts import measure

    if measure(text, size, heavy) <= TEXT_W:
        return text
    while len(text) > 1 and measure(text + "…", size, heavy) > TEXT_W:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(words: list[str], size: int, heavy: bool, sep: str = " ") -> list[str]:
    from .fonts import measure

    lines: list[str] = []
    for w in words:
        if lines and measure(lines[-1] + sep + w, size, heavy) <= TEXT_W:
            lines[-1] += sep + w
        else:
            lines.append(w)
    return [_fit(x, size, heavy) for x in lines]


def box_lines(node: dict) -> tuple[list[str], list[str]]:
    """The lines a box shows: its name on up to two lines (the rest shortened with an ellipsis), and its
    status under each regime, wrapped so that none is cut off ("ofac exposed · eu clear", "uk clear")."""
    name = node.get("name") or node["id"]
    lines = _wrap(name.split() or [name], NAME_SIZE, True)
    if len(lines) > NAME_LINES:
        rest = " ".join(lines[NAME_LINES - 1:]).replace("…", "")
        lines = lines[:NAME_LINES - 1] + [_fit(rest, NAME_SIZE, True)]
    statuses = node.get("statuses")
    if statuses:
        caption = _wrap([f"{k} {v}" for k, v in statuses.items()], CAPTION_SIZE, False, " · ")
    else:
        caption = _wrap((node.get("caption") or node.get("status", "")).split(), CAPTION_SIZE, False)
    return lines, caption


def box_height(nodes: list[dict]) -> float:
    """One height for every box: room for the most lines any of them needs."""
    most = max((sum(map(len, box_lines(n))) for n in nodes), default=2)
    return max(BOX_H, PAD * 2 + LINE_H * most)


def layered_positions(nodes: list[dict], edges: list[dict], root: str,
                      box_h: float = BOX_H) -> dict[str, tuple[float, float]]:
    layer: dict[str, int] = {root: 0}
    frontier = [root]
    while frontier:  # owners upwards
        nxt = []
        for v in frontier:
            for e in edges:
                if e["target"] == v and e["source"] not in layer:
                    layer[e["source"]] = layer[v] - 1
                    nxt.append(e["source"])
        frontier = nxt
    for e in edges:  # subsidiaries one layer below
        if e["source"] == root and e["target"] not in layer:
            layer[e["target"]] = 1
    for n in nodes:
        layer.setdefault(n["id"], 1)
    levels = sorted(set(layer.values()))
    rows: dict[int, list[str]] = {lv: [] for lv in levels}
    for n in nodes:
        rows[layer[n["id"]]].append(n["id"])
    pos: dict[str, float] = {}
    order = [0] + [lv for lv in sorted(levels, key=abs) if lv != 0]
    for lv in order:
        ids = rows[lv]

        def bary(i: str) -> float:
            near = [pos[e["target"]] for e in edges if e["source"] == i and e["target"] in pos]
            near += [pos[e["source"]] for e in edges if e["target"] == i and e["source"] in pos]
            return sum(near) / len(near) if near else 0.0

        ids.sort(key=lambda i: (bary(i), i))
        for k, i in enumerate(ids):
            pos[i] = k - (len(ids) - 1) / 2
    width_units = max(len(r) for r in rows.values())
    top = min(levels)
    out = {}
    for i, x in pos.items():
        cx = MARGIN + (x + (width_units - 1) / 2) * (BOX_W + GAP_X) + BOX_W / 2
        cy = MARGIN + (layer[i] - top) * (box_h + GAP_Y) + box_h / 2
        out[i] = (cx, cy)
    return out


def _arrowhead(x1: float, y1: float, x2: float, y2: float, colour: str, size: float = 8.0) -> str:
    """A filled triangle at (x2, y2) pointing along the line (no <marker>: PDF renderers skip it)."""
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = x2 - ux * size, y2 - uy * size
    px, py = -uy * size / 2.5, ux * size / 2.5
    return (f'<polygon points="{x2:.1f},{y2:.1f} {bx + px:.1f},{by + py:.1f} {bx - px:.1f},{by - py:.1f}" '
            f'fill="{colour}"/>')


def ownership_svg(nodes: list[dict], edges: list[dict], root: str) -> str:
    """nodes: id, name, status (and statuses per regime); edges: source, target, label, dashed (not in
    force), kind."""
    if not nodes:
        return ""
    bh = box_height(nodes)
    pos = layered_positions(nodes, edges, root, bh)
    width = max(x for x, _ in pos.values()) + BOX_W / 2 + MARGIN
    height = max(y for _, y in pos.values()) + bh / 2 + MARGIN
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">']
    for e in edges:
        if e["source"] not in pos or e["target"] not in pos:
            continue
        (x1, y1), (x2, y2), colour, dash, (mx, my) = edge_geometry(e, pos, bh)
        dash = ' stroke-dasharray="5,4"' if dash else ""
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                     f'stroke-width="1.3"{dash}/>')
        parts.append(_arrowhead(x1, y1, x2, y2, colour))
        label = escape(_short(e.get("label") or "", 28))
        parts.append(f'<text x="{mx + 4:.1f}" y="{my:.1f}" fill="{colour}">{label}</text>')
    for n in nodes:
        x, y = pos[n["id"]]
        colour = STATUS_COLOURS.get(n.get("status", "clear"), "#607d8b")
        stroke = 3 if n["id"] == root else 1.5
        parts.append(f'<rect x="{x - BOX_W / 2:.1f}" y="{y - bh / 2:.1f}" width="{BOX_W}" height="{bh:.0f}" '
                     f'rx="6" fill="#fff" stroke="{colour}" stroke-width="{stroke}"/>')
        for ty, text, bold, fill in text_rows(n, y, bh):
            parts.append(f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle"'
                         + (f' font-weight="bold" font-size="{NAME_SIZE}"' if bold
                            else f' fill="{colour}" font-size="{CAPTION_SIZE}"') + f'>{escape(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def edge_geometry(e: dict, pos: dict, bh: float):
    """((x1, y1), (x2, y2), colour, dashed, label position) of an edge between two placed boxes."""
    (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
    if y2 >= y1:
        y1, y2 = y1 + bh / 2, y2 - bh / 2
    else:
        y1, y2 = y1 - bh / 2, y2 + bh / 2
    colour = "#8e24aa" if e.get("kind") == "control" else "#444"
    # the label a third of the way down from the owner: where lines converge on one box they are apart
    return (x1, y1), (x2, y2), colour, bool(e.get("dashed")), (x1 + (x2 - x1) * 0.35, y1 + (y2 - y1) * 0.35)


def text_rows(n: dict, cy: float, bh: float) -> list[tuple[float, str, bool, str | None]]:
    """(baseline y, text, bold, colour) of each line in a box centred at cy: the name, then the statuses,
    the block centred vertically."""
    names, caption = box_lines(n)
    total = len(names) + len(caption)
    top = cy - total * LINE_H / 2 + LINE_H - 3
    rows = [(top + k * LINE_H, t, True, None) for k, t in enumerate(names)]
    rows += [(top + (len(names) + k) * LINE_H, t, False, None) for k, t in enumerate(caption)]
    return rows
