"""Reports fit for filing: case details, identifiers, every listing with its legal basis, UBO candidates with
unknown stakes, and a PDF whose picture and names print in any script (checked with poppler's tools)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import write_bundle

from .bundle import run_cli

ENTITIES = """id,type,name,country,identifiers,aliases
t-target,company,ПАО «Уралтитан»,ru,inn:6607000556;ogrn:1026600931180,Uraltitan PJSC
t-holding,company,ООО «Северный Холдинг»,ru,,
t-owner,person,Иван Петрович Сидоров,ru,,
t-hidden,person,Пётр Кузнецов,ru,,
t-listed,company,Государственная корпорация «Ростех»,ru,,Rostec
t-arab,company,شركة النفط الوطنية,ae,,
t-cjk,company,中国航空工业集团,cn,,
"""
RELATIONS = """source,target,type,share,note,source_url
t-listed,t-target,ownership,30,,https://example.org/a
t-holding,t-target,ownership,20,,https://example.org/b
t-owner,t-holding,ownership,100,,https://example.org/c
t-hidden,t-target,ownership,,the majority shareholder (press report),https://example.org/d
t-arab,t-target,ownership,1,,https://example.org/e
t-cjk,t-target,ownership,1,,https://example.org/f
"""
DESIGNATIONS = """entity_id,authority,program,start_date,source_url
t-listed,us,RUSSIA-EO14024,2022-03-01,https://example.org/ofac
t-target,ca,Special Economic Measures (Russia) Regulations,2024-02-01,https://example.org/ca
t-target,us-bis,Entity List,2023-09-01,https://example.org/bis
"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("filing")
    folder = write_bundle(tmp / "bundle", ENTITIES, RELATIONS, DESIGNATIONS)
    path = str(tmp / "store.lbug")
    code, out, err = run_cli("ingest", "csv", str(folder), "--store", path, "--no-progress",
                             "--published", "2024-05-03")
    assert code == 0, err or out
    return path


CASE = ("--case-ref", "KYC-2025-0042", "--analyst", "Анна Аналитик", "--reviewer", "R. Reviewer",
        "--decision", "escalate to the sanctions officer", "--notes", "Majority holder unknown; ask the client.")


def _report(store, tmp_path, fmt, *extra):
    out = tmp_path / f"report.{fmt}"
    code, stdout, err = run_cli("report", "t-target", "--store", store, "--as-of", "2025-01-01",
                                "--format", fmt, "-o", str(out), *extra)
    assert code == 0, err or stdout
    return out


def test_json_report_carries_case_identifiers_listings_and_ubo_candidates(store_path, tmp_path):
    data = json.loads(_report(store_path, tmp_path, "json", *CASE).read_text(encoding="utf-8"))
    assert data["case"] == {"reference": "KYC-2025-0042", "analyst": "Анна Аналитик", "reviewer": "R. Reviewer",
                            "decision": "escalate to the sanctions officer",
                            "notes": "Majority holder unknown; ask the client."}
    assert set(data["entity"]["identifiers"]) >= {"inn:6607000556", "ogrn:1026600931180"}
    listings = {(d["authority"], d["kind"], d["program"], d["in_force"]) for d in data["listings"]}
    assert listings == {("ca", "sanctions", "Special Economic Measures (Russia) Regulations", True),
                        ("us-bis", "export control", "Entity List", True)}
    assert data["ubos"] == []  # no natural person holds 25% from published shares...
    [hidden] = [c for c in data["ubo_candidates"] if c["id"] == "t-hidden"]
    # ...but the majority shareholder's stake is unknown: at most what the others leave (100 - 52)
    assert hidden["effective_min"] == 0 and hidden["effective_max"] == pytest.approx(48.0)
    assert hidden["could_reach_threshold"] and hidden["note"] == "the majority shareholder (press report)"
    # Sidorov holds 20% through his holding: below 25% for certain, and no unknown share on his path
    assert all(c["id"] != "t-owner" for c in data["ubo_candidates"])


def test_report_without_case_details_says_so(store_path, tmp_path):
    html = _report(store_path, tmp_path, "html").read_text(encoding="utf-8")
    assert "Case reference</th><td>—" in html and "not recorded" in html
    assert "none found" not in html and "Пётр Кузнецов: stake not published, 0% to 48%" in html


def test_html_report_for_filing(store_path, tmp_path):
    html = _report(store_path, tmp_path, "html", *CASE).read_text(encoding="utf-8")
    for text in ("KYC-2025-0042", "Анна Аналитик", "escalate to the sanctions officer", "inn:6607000556",
                 "Special Economic Measures (Russia) Regulations", "export control", "Entity List",
                 "counter(page)"):
        assert text in html, text


def _tool(name: str) -> str:
    import os

    path = shutil.which(name)
    if not path:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: scripts/test.sh installs poppler-utils")
        pytest.skip(f"{name} not installed (apt-get install poppler-utils)")
    return path


def test_pdf_with_cyrillic_arabic_and_cjk_names_prints_them_and_its_picture(store_path, tmp_path):
    from ownerscope.exposure.fonts import cjk, regular

    if regular() is None:
        pytest.fail("no Unicode font: scripts/test.sh installs fonts-dejavu-core")
    path = _report(store_path, tmp_path, "pdf", *CASE)
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for name in ("ПАО «Уралтитан»", "Государственная корпорация «Ростех»", "Пётр Кузнецов", "Анна Аналитик",
                 "KYC-2025-0042", "inn:6607000556", "Special Economic Measures (Russia) Regulations",
                 "Entity List", "stake not published"):
        assert name in flat, name
    if cjk() is not None:
        assert "中国航空工业集团" in flat
    assert "شركة" in flat or "ﺷﺮﻛﺔ" in flat or "ﺔﻛﺮﺷ" in flat  # shaped Arabic extracts as presentation forms
    assert "none found" not in flat and "could not be drawn" not in flat and "transliterated" not in flat
    pages = int(subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
                .stdout.split("Pages:")[1].split()[0])
    for n in range(1, pages + 1):
        assert f"Page {n} of {pages}" in flat
    # the picture: one image, drawn at print resolution
    listing = subprocess.run([_tool("pdfimages"), "-list", str(path)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert len(listing) == 1, listing
    width, height = int(listing[0].split()[3]), int(listing[0].split()[4])
    assert width > 1000 and height > 300
    # left-aligned body text: no justified word gaps in the notes or listings lines
    assert "Majority holder unknown; ask the client." in flat


def test_picture_png_draws_every_box_and_non_latin_text():
    from PIL import Image
    import io

    from ownerscope.exposure.picture import SCALE, ownership_png
    from ownerscope.exposure.svg import BOX_W

    nodes = [{"id": "a", "name": "ПАО «Уралтитан»", "status": "exposed",
              "statuses": {"ofac": "exposed", "eu": "clear", "uk": "clear"}},
             {"id": "b", "name": "Государственная корпорация «Ростех» и партнёры", "status": "listed",
              "statuses": {"ofac": "listed", "eu": "clear", "uk": "clear"}}]
    edges = [{"source": "b", "target": "a", "label": "30%", "kind": "ownership", "dashed": False}]
    img = Image.open(io.BytesIO(ownership_png(nodes, edges, "a"))).convert("L")
    assert img.width >= BOX_W * SCALE
    # the text is drawn: many dark pixels inside the boxes (an empty picture would have only outlines)
    dark = sum(1 for p in img.getdata() if p < 100)
    assert dark > 2000


def test_box_lines_never_cut_statuses():
    from ownerscope.exposure.fonts import measure
    from ownerscope.exposure.svg import CAPTION_SIZE, TEXT_W, box_lines

    names, caption = box_lines({"id": "x", "name": "Joint Stock Company Business Alliance Company of the Urals",
                                "statuses": {"ofac": "possible", "eu": "exposed", "uk": "review"}})
    assert len(names) <= 2 and names[-1].endswith("…")
    assert " · ".join(caption) == "ofac possible · eu exposed · uk review"  # every status, whole
    assert all(measure(c, CAPTION_SIZE) <= TEXT_W for c in caption)
