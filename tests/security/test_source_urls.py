"""Source URLs: only http and https are accepted at ingest (anything else is quarantined with its reason),
and only those become links, in the HTML report and in the explorer, even when a `javascript:` URL was
written into the store past the adapters."""

from __future__ import annotations

import json

import pytest

from ownerscope.core import Core
from ownerscope.exposure.report_render import report_html
from ownerscope.ingest.run import run_ingest
from ownerscope.ui.pages.explore import source_links
from ownerscope.urls import url_problem, web_url

from ..conftest import write_bundle
from .common import ingest_with_rejects, write_raw

BAD = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
       "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "ftp://example.org/x",
       "vbscript:msgbox(1)", "example.org/no-scheme", "//example.org/protocol-relative", "https://", "http:/x"]
GOOD = ["https://www.akm.ru/eng/news/x/", "http://example.org/a?b=c&d=e#f", "HTTPS://EXAMPLE.ORG/"]


def test_only_http_and_https_pass():
    for u in BAD:
        assert url_problem(u), u
        assert web_url(u) is None, u
    for u in GOOD:
        assert url_problem(u) is None and web_url(u) == u
    assert url_problem("") is None and web_url("") is None  # no URL is not a bad URL


def test_csv_bundle_quarantines_a_bad_source_url_in_each_file(store, tmp_path):
    folder = write_bundle(
        tmp_path / "b",
        "id,type,name,source_url\n"
        "a,company,Alpha,https://example.org/a\n"
        "b,company,Beta,javascript:alert(1)\n"
        "c,company,Gamma,\n",
        "source,target,type,share,source_url\n"
        "a,c,ownership,60,\"data:text/html,<script>alert(1)</script>\"\n"
        "c,a,ownership,10,https://example.org/r\n",
        "entity_id,authority,source_url\n"
        "a,us,file:///etc/passwd\n"
        "c,us,http://example.org/d\n")
    report, rejects = ingest_with_rejects("csv", folder, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (7, 4, 3) and report.balanced
    where = {(r["file"].rsplit("/", 1)[-1], r["line"]): r["reason"] for r in rejects}
    assert set(where) == {("entities.csv", 3), ("relations.csv", 2), ("designations.csv", 2)}
    assert all("source_url" in r and "http or https" in r for r in where.values())
    assert "'javascript:'" in where[("entities.csv", 3)]
    assert store.get_entity("b") is None


def test_ftm_quarantines_a_bad_source_url(store, tmp_path):
    f = tmp_path / "e.ftm.json"
    lines = [{"id": "good", "schema": "Company", "properties": {"name": ["Good"], "sourceUrl": ["https://x.org/"]}},
             {"id": "bad", "schema": "Company", "properties": {"name": ["Bad"],
                                                             "sourceUrl": ["javascript:alert(1)"]}},
             {"id": "none", "schema": "Company", "properties": {"name": ["No URL"]}}]
    f.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    report, rejects = ingest_with_rejects("ftm", f, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (3, 2, 1)
    assert rejects[0]["line"] == 2 and "sourceUrl" in rejects[0]["reason"] and "http" in rejects[0]["reason"]


def _bods(sid, rid, url):
    return {"statementId": sid, "recordId": rid, "recordType": "entity", "statementDate": "2020-01-01",
            "recordDetails": {"entityType": {"type": "registeredEntity"}, "name": rid.title()},
            "source": {"url": url}}


def test_bods_quarantines_a_bad_source_url(store, tmp_path):
    f = tmp_path / "b.json"
    f.write_text(json.dumps([_bods("s1", "alpha", "https://x.org/"), _bods("s2", "beta", "javascript:alert(1)")],
                            indent=1), encoding="utf-8")
    report, rejects = ingest_with_rejects("bods", f, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (2, 1, 1)
    assert "http or https" in rejects[0]["reason"] and rejects[0]["line"] > 1


def test_uk_psc_company_file_quarantines_a_bad_uri(store, tmp_path):
    f = tmp_path / "BasicCompanyData.csv"
    f.write_text("CompanyName,CompanyNumber,URI\nGOOD LTD,00000001,http://business.data.gov.uk/id/company/00000001\n"
                 "BAD LTD,00000002,javascript:alert(1)\n", encoding="utf-8")
    report, rejects = ingest_with_rejects("uk-psc", f, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (2, 1, 1)
    assert rejects[0]["line"] == 3 and "URI" in rejects[0]["reason"]


def _plant(store, tmp_path, url: str) -> None:
    """A company owned 60% by a listed owner, every source URL `url`, written by Cypher past the adapters."""
    folder = write_bundle(tmp_path / "planted", "id,type,name\nowner,company,Owner\nco,company,Co\n",
                          "source,target,type,share\nowner,co,ownership,60\n", "entity_id,authority\nowner,us\n")
    run_ingest("csv", [folder], store=store, show_progress=False, quarantine=folder / "q.jsonl")
    src = json.dumps({"dataset": "planted", "record_id": "x", "url": url})
    write_raw(store, "MATCH (e:Entity) SET e.sources = [$s]", {"s": src})
    write_raw(store, "MATCH (:Entity)-[r]->(:Entity) SET r.sources = [$s]", {"s": src})
    write_raw(store, "MATCH (d:Designation) SET d.sources = [$s]", {"s": src})


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>"])
def test_html_report_never_links_a_planted_url(store, tmp_path, url):
    _plant(store, tmp_path, url)
    data = Core(store).report("co", ["ofac"], "2025-01-01")
    assert url in data["data"]["source_urls"]           # the data keeps what the store holds...
    page = report_html(data)
    assert "derived" in page
    assert 'href="javascript:' not in page and 'href="data:' not in page   # ...the page links none of it
    assert "<script>" not in page                                          # and escapes it as text
    assert "javascript:alert(document.domain)" in page or "&lt;script&gt;" in page


def test_html_report_links_http_urls_and_escapes_markup(store, tmp_path):
    _plant(store, tmp_path, 'https://example.org/?q="><script>alert(1)</script>')
    write_raw(store, "MATCH (e:Entity {id: 'owner'}) SET e.name = $n", {"n": "<img src=x onerror=alert(1)>"})
    page = report_html(Core(store).report("co", ["ofac"], "2025-01-01"))
    assert '<a href="https://example.org/?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">' in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_explorer_links_only_web_urls():
    links = source_links([{"dataset": "d", "record_id": "1", "url": "javascript:alert(1)"},
                          {"dataset": "d", "record_id": "2", "url": "https://example.org/x"},
                          {"dataset": "e", "record_id": "", "url": ""}])
    anchors = [c for c in links.children if type(c).__name__ == "A"]
    assert [a.href for a in anchors] == ["https://example.org/x"]
    texts = [c.children for c in links.children if type(c).__name__ == "Span"]
    assert "javascript:alert(1)" in texts and "e" in texts  # shown as text, not a link
