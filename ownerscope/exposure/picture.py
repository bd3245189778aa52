"""The ownership picture as a PNG (Pillow), drawn from the same layout and lines as the SVG: for the PDF,
whose SVG support draws text in Latin-1 core fonts only. Text is drawn in DejaVu Sans, with a CJK font for
the characters DejaVu lacks (ownerscope.exposure.fonts), and shaped by Pillow's layout engine (Arabic)."""

from __future__ import annotations

import io

from . import fonts
from .svg import (BOX_W, CAPTION_SIZE, MARGIN, NAME_SIZE, STATUS_COLOURS, _short, box_height, edge_geometry,
                  layered_positions, text_rows)

SCALE = 3  # pixels per SVG unit: sharp at print size


def _runs(text: str, primary: str, fallback: str | None) -> list[tuple[str, str]]:
    """Split text into (run, font path) so that each character is drawn by a font that has it."""
    if not fallback:
        return [(text, primary)]
    have = fonts.coverage(primary)
    out: list[tuple[str, str]] = []
    for ch in text:
        path = primary if (ord(ch) in have or ch.isspace()) else fallback
        if out and out[-1][1] == path:
            out[-1] = (out[-1][0] + ch, path)
        else:
            out.append((ch, path))
    return out


def ownership_png(nodes: list[dict], edges: list[dict], root: str) -> bytes:
    """The structure picture as PNG bytes ("" when Pillow or the font is missing: the caller says so)."""
    from PIL import Image, ImageDraw, ImageFont

    regular, bold, cjk = fonts.regular(), fonts.bold(), fonts.cjk()
    if regular is None:
        raise OSError("no Unicode font found: install fonts-dejavu-core")
    bh = box_height(nodes)
    pos = layered_positions(nodes, edges, root, bh)
    width = max(x for x, _ in pos.values()) + BOX_W / 2 + MARGIN
    height = max(y for _, y in pos.values()) + bh / 2 + MARGIN
    k = SCALE
    img = Image.new("RGB", (int(width * k), int(height * k)), "white")
    draw = ImageDraw.Draw(img)
    cache: dict = {}

    def font(path: str, size: int):
        key = (path, size)
        if key not in cache:
            cache[key] = ImageFont.truetype(path, int(size * k))
        return cache[key]

    def text(cx: float, baseline: float, s: str, size: int, heavy: bool, fill: str, centred: bool = True):
        runs = _runs(s, str(bold if heavy else regular), str(cjk) if cjk else None)
        widths = [font(p, size).getlength(r) for r, p in runs]
        x = (cx - sum(widths) / k / 2) if centred else cx
        for (r, p), w in zip(runs, widths):
            draw.text((x * k, baseline * k), r, font=font(p, size), fill=fill, anchor="ls")
            x += w / k

    for e in edges:
        if e["source"] not in pos or e["target"] not in pos:
            continue
        (x1, y1), (x2, y2), colour, dashed, (mx, my) = edge_geometry(e, pos, bh)
        _line(draw, x1 * k, y1 * k, x2 * k, y2 * k, colour, int(1.3 * k), dashed, 5 * k, 4 * k)
        _arrow(draw, x1 * k, y1 * k, x2 * k, y2 * k, colour, 8 * k)
        label = _short(e.get("label") or "", 28)
        if label:
            text(mx + 4, my, label, CAPTION_SIZE, False, colour, centred=False)
    for n in nodes:
        x, y = pos[n["id"]]
        colour = STATUS_COLOURS.get(n.get("status", "clear"), "#607d8b")
        stroke = 3 if n["id"] == root else 1.5
        draw.rounded_rectangle(((x - BOX_W / 2) * k, (y - bh / 2) * k, (x + BOX_W / 2) * k, (y + bh / 2) * k),
                               radius=6 * k, fill="white", outline=colour, width=max(1, int(stroke * k)))
        for ty, t, heavy, _ in text_rows(n, y, bh):
            text(x, ty, t, NAME_SIZE if heavy else CAPTION_SIZE, heavy, "#222" if heavy else colour)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _line(draw, x1, y1, x2, y2, colour, width, dashed, on, off):
    if not dashed:
        draw.line((x1, y1, x2, y2), fill=colour, width=width)
        return
    import math

    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    t = 0.0
    while t < length:
        t2 = min(length, t + on)
        draw.line((x1 + ux * t, y1 + uy * t, x1 + ux * t2, y1 + uy * t2), fill=colour, width=width)
        t = t2 + off


def _arrow(draw, x1, y1, x2, y2, colour, size):
    import math

    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = x2 - ux * size, y2 - uy * size
    px, py = -uy * size / 2.5, ux * size / 2.5
    draw.polygon([(x2, y2), (bx + px, by + py), (bx - px, by - py)], fill=colour)


__all__ = ["ownership_png"]
