"""The report as PDF with fpdf2 (pure Python, works offline). The structure picture is the same SVG,
embedded as vector graphics. A Unicode TrueType font (DejaVu Sans) is used where the system has one;
otherwise the core Helvetica font with names transliterated to Latin."""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import InputError

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
             "/Library/Fonts", "C:/Windows/Fonts")


def _font() -> Path | None:
    for d in FONT_DIRS:
        p = Path(d) / "DejaVuSans.ttf"
        if p.is_file():
            return p
    return None


def report_pdf(data: dict) -> bytes:
    try:
        from fpdf import FPDF
    except ImportError:
        raise InputError("PDF reports need the fpdf2 package: pip install fpdf2") from None
    import logging

    from normality import ascii_text

    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    font = _font()
    if font:
        pdf.add_font("DejaVu", "", str(font))
        bold = font.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("DejaVu", "B", str(bold if bold.is_file() else font))
        family = "DejaVu"

        def t(s) -> str:
            return "" if s is None else str(s)
    else:
        family = "Helvetica"

        def t(s) -> str:
            return "" if s is None else (ascii_text(str(s)) or "")

    pdf.add_page()
    width = pdf.epw

    def para(text, size=10, style="", h=5):
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, h, t(text), new_x="LMARGIN", new_y="NEXT")

    para(data["title"], 15, "B", 8)
    e = data["entity"]
    para(f"{e['name']} ({e['id']}) {e.get('type') or ''} {e.get('country') or ''}", 11)
    para(f"Computed as of {data['as_of']} (listings and ownership in force on that date); generated "
         f"{data['generated_at']} by ownerscope {data['ownerscope_version']} from store {data['store']}. "
         f"Datasets: {', '.join(data['data']['datasets'])}.", 8, h=4)
    from .report import list_version_words

    para(f"List versions behind the verdicts: {list_version_words(data)}.", 8, h=4)
    pdf.ln(2)
    para("Verdicts", 13, "B", 7)
    for v in data["verdicts"]:
        th = (v.get("threshold") or {}).get("words", "")
        para(f"{v['regime']}: {v['status'].upper()}  (threshold {th}; listed holding {v.get('total', 0):g}%; "
             f"effective listed share {v.get('effective_listed_share', 0):g}%)", 10)
        if v.get("clear_words"):
            para(f"    {v['clear_words']}", 8, h=4)
    if e["designations"]:
        pdf.ln(1)
        para("Designations of this entity", 12, "B", 6)
        for d in e["designations"]:
            para(f"- {d['authority']} {d.get('program') or ''} {d.get('start_date') or ''}"
                 f"{' - ' + d['end_date'] if d.get('end_date') else ''}", 9)
    if data["svg"]:
        pdf.ln(2)
        para("Ownership structure", 13, "B", 7)
        # fpdf2 draws SVG text with its core fonts (Latin-1 only), whatever font the page uses:
        # transliterate the picture's labels (and the ellipsis of shortened names)
        svg = ascii_text(data["svg"].replace("…", "...")) or data["svg"]
        try:
            pdf.image(io.BytesIO(svg.encode("utf-8")), w=min(width, 180))
        except Exception as exc:  # fpdf2 cannot draw some SVG: keep the report, say so
            para(f"(the picture could not be embedded: {exc})", 8)
        para("Owners above what they own; box colour: status under the first regime; dashed: not in force; "
             "purple: control.", 8, h=4)
    pdf.ln(2)
    para("Proof per regime", 13, "B", 7)
    for v in data["verdicts"]:
        para(f"{v['regime']}: {v['status']}", 11, "B", 6)
        para(v["explanation"], 8, h=4)
        pdf.ln(1)
    para("Effective ownership (a risk metric, not the legal test)", 12, "B", 6)
    for o in data["effective_owners"]:
        para(f"- {o['name']} ({o['id']}, {o['type'] or ''}): {o['effective_share']:g}%", 9)
    ubos = ", ".join(f"{u['name']} ({u['effective_share']:g}%)" for u in data["ubos"]) or "none found"
    para(f"Ultimate beneficial owners at or above {data['ubo_threshold']:g}%: {ubos}", 9)
    pdf.ln(2)
    para("Sources", 12, "B", 6)
    for u in data["data"]["source_urls"]:
        para(u, 8, h=4)
    para("Not legal advice: check the authorities' current guidance before acting.", 8, h=4)
    return bytes(pdf.output())
