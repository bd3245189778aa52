"""The report as PDF with fpdf2 (pure Python, works offline).

Text is set in an embedded Unicode TrueType font (DejaVu Sans from Debian's fonts-dejavu-core, with a CJK
fallback font: see ownerscope.exposure.fonts), shaped with HarfBuzz when uharfbuzz is installed (Arabic),
left-aligned. The structure picture is drawn as a PNG from the same layout as the HTML report's SVG (fpdf2
draws SVG text in Latin-1 core fonts only), so it prints for every name in any script. Every page carries
the case reference and "Page N of M". Without a Unicode font the report falls back to Helvetica with names
transliterated to Latin (and says so)."""

from __future__ import annotations

import io

from ..errors import InputError
from .fonts import bold as bold_font, cjk as cjk_font, regular as regular_font

MM_PER_UNIT = 25.4 / 96  # one SVG unit (CSS pixel) in millimetres


def _doc_class():
    from fpdf import FPDF

    class ReportPDF(FPDF):
        family = "Helvetica"
        footer_left = ""

        def footer(self):
            self.set_y(-12)
            self.set_font(self.family, "", 7.5)
            self.set_text_color(90, 90, 90)
            self.cell(self.epw / 2, 5, self.footer_left, align="L")
            self.cell(self.epw / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    return ReportPDF


def report_pdf(data: dict) -> bytes:
    try:
        import fpdf  # noqa: F401
    except ImportError:
        raise InputError("PDF reports need the fpdf2 package: pip install fpdf2") from None
    import logging

    from normality import ascii_text

    from .report_words import list_version_words, ubo_words

    logging.getLogger("fpdf.svg").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = _doc_class()(format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 15, 15)
    font = regular_font()
    unicode_ok = font is not None
    if unicode_ok:
        pdf.add_font("DejaVu", "", str(font))
        pdf.add_font("DejaVu", "B", str(bold_font() or font))
        fallback = cjk_font()
        if fallback:
            pdf.add_font("CJK", "", str(fallback))
            pdf.add_font("CJK", "B", str(fallback))
            pdf.set_fallback_fonts(["CJK"], exact_match=False)
        try:
            import uharfbuzz  # noqa: F401

            pdf.set_text_shaping(True)
        except ImportError:
            pass
        pdf.family = "DejaVu"

        def t(s) -> str:
            return "" if s is None else str(s)
    else:
        def t(s) -> str:
            return "" if s is None else (ascii_text(str(s)) or "")

    case = data.get("case") or {}
    e = data["entity"]
    pdf.footer_left = t(" · ".join(x for x in (case.get("reference"), e["name"], f"as of {data['as_of']}") if x))
    pdf.add_page()
    width = pdf.epw

    def para(text, size=10, style="", h=5, colour=None):
        pdf.set_font(pdf.family, style, size)
        if colour:
            pdf.set_text_color(*colour)
        pdf.multi_cell(width, h, t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        if colour:
            pdf.set_text_color(0, 0, 0)

    def heading(text, size=13):
        pdf.ln(2)
        para(text, size, "B", size * 0.55)

    def rows(pairs, key_w=38, size=9):
        for k, v in pairs:
            pdf.set_font(pdf.family, "B", size)
            y = pdf.get_y()
            pdf.multi_cell(key_w, 4.6, t(k), align="L", new_x="RIGHT", new_y="TOP")
            pdf.set_font(pdf.family, "", size)
            pdf.multi_cell(width - key_w, 4.6, t(v), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(max(pdf.get_y(), y + 4.6))

    para(data["title"], 15, "B", 7.5)
    rows([("Case reference", case.get("reference") or "—"), ("Analyst", case.get("analyst") or "—"),
          ("Reviewer", case.get("reviewer") or "—"), ("Decision", case.get("decision") or "not recorded"),
          ("Notes", case.get("notes") or "—")])
    heading("Entity", 12)
    pairs = [("Name", e["name"]), ("Id", e["id"]), ("Type", e.get("type") or "—"),
             ("Country", (e.get("country") or "—") + (f" (nationality {', '.join(e['nationalities'])})"
                                                      if e.get("nationalities") else ""))]
    if e.get("birth_dates"):
        pairs.append(("Born", ", ".join(e["birth_dates"])))
    pairs += [("Also known as", "; ".join(e.get("aliases") or []) or "—"),
              ("Identifiers", "; ".join(e.get("identifiers") or []) or "none recorded"),
              ("Addresses", "\n".join(e.get("addresses") or []) or "none recorded")]
    rows(pairs)
    pdf.ln(1)
    para(f"Computed as of {data['as_of']} (listings and ownership in force on that date); generated "
         f"{data['generated_at']} by ownerscope {data['ownerscope_version']} from store {data['store']}. "
         f"Datasets: {', '.join(data['data']['datasets'])}.", 8, h=4)
    para(f"List versions behind the verdicts: {list_version_words(data)}.", 8, h=4)
    if not unicode_ok:
        para("(No Unicode font was found: names are transliterated to Latin. Install fonts-dejavu-core.)", 8, h=4)

    heading("Verdicts")
    from .svg import STATUS_COLOURS

    for v in data["verdicts"]:
        th = (v.get("threshold") or {}).get("words", "")
        colour = _rgb(STATUS_COLOURS.get(v["status"], "#607d8b"))
        pdf.set_font(pdf.family, "B", 10)
        pdf.set_fill_color(*colour)
        pdf.set_text_color(255, 255, 255)
        label = f" {v['status'].upper()} "
        pdf.cell(pdf.get_string_width(label) + 2, 5.5, label, fill=True, new_x="RIGHT", new_y="TOP")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(pdf.family, "", 10)
        pdf.multi_cell(width - pdf.get_x() + pdf.l_margin, 5.5,
                       t(f"  {v['regime']}: threshold {th}; listed holding {v.get('total') or 0:g}%; effective "
                         f"listed share {v.get('effective_listed_share') or 0:g}%"),
                       align="L", new_x="LMARGIN", new_y="NEXT")
        if v.get("clear_words"):
            para(f"    {v['clear_words']}", 8, h=4)
        pdf.ln(0.8)

    heading("Listings of this entity", 12)
    if data.get("listings"):
        for d in data["listings"]:
            basis = d.get("program") or "legal basis not given by the source"
            when = f"from {d.get('start_date') or 'date not given'}" + (f" to {d['end_date']}" if d.get("end_date") else "")
            para(f"• {d['authority_label']} ({d['authority']}, {d['kind']}): {basis}; {when}; "
                 f"{'in force' if d['in_force'] else 'not in force'} on {data['as_of']}"
                 + (f"; list version {d['list_version']}" if d.get("list_version") else ""), 9, h=4.6)
            if d.get("note"):
                para(f"   {d['note']}", 8, h=4, colour=(80, 80, 80))
        para("Only sanctions lists count under the ownership rules; export controls and other lists are shown "
             "for the record.", 8, h=4, colour=(80, 80, 80))
    else:
        para("none recorded", 9)

    if data["structure"]["nodes"]:
        heading("Ownership structure")
        _picture(pdf, data, para, t)
        para("Owners above what they own; box colour: status under the first regime; each box lists the "
             "status under every regime; dashed: not in force on the date; purple: control.", 8, h=4)

    heading("Proof per regime")
    for v in data["verdicts"]:
        para(f"{v['regime']}: {v['status']}", 11, "B", 6)
        para(v["explanation"], 8, h=4)
        pdf.ln(1)
    heading("Effective ownership (a risk metric, not the legal test)", 12)
    for o in data["effective_owners"]:
        para(f"• {o['name']} ({o['id']}, {o['type'] or ''}): {o['effective_share']:g}%", 9)
    if not data["effective_owners"]:
        para("no owner with a published share", 9)
    pdf.ln(1)
    para(f"Ultimate beneficial owners (natural persons at or above {data['ubo_threshold']:g}%): "
         f"{ubo_words(data)}", 9)
    heading("Sources", 12)
    for u in data["data"]["source_urls"]:
        para(u, 8, h=4)
    pdf.ln(2)
    para("Not legal advice: check the authorities' current guidance before acting.", 8, h=4)
    return bytes(pdf.output())


def _picture(pdf, data: dict, para, t) -> None:
    """The structure picture, scaled to the page width (and to one page's height), as a PNG; if it cannot
    be drawn, the SVG with its names transliterated, and a note saying so."""
    nodes, edges = data["structure"]["nodes"], data["structure"]["edges"]
    root = data["entity"]["id"]
    try:
        from PIL import Image

        from .picture import SCALE, ownership_png

        png = ownership_png(nodes, edges, root)
        w_px, h_px = Image.open(io.BytesIO(png)).size
        w = w_px / SCALE * MM_PER_UNIT
        h = h_px / SCALE * MM_PER_UNIT
        room_h = pdf.eph - 12
        f = min(1.0, pdf.epw / w, room_h / h)
        w, h = w * f, h * f
        if pdf.get_y() + h > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(png), x=pdf.l_margin, w=w, h=h)
        return
    except Exception as exc:  # a broken picture never costs the report
        problem = exc
    from normality import ascii_text

    from .svg import ownership_svg

    folded = [{**n, "name": ascii_text(n.get("name") or n["id"]) or n["id"]} for n in nodes]
    try:
        pdf.image(io.BytesIO(ownership_svg(folded, edges, root).encode("utf-8")), w=min(pdf.epw, 180))
        para(f"(drawn without a Unicode font, names transliterated: {problem})", 8, h=4)
    except Exception as exc:
        para(f"(the picture could not be drawn: {exc})", 8)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
