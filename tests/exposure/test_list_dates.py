"""Designation dates (issue 10 item 3) on both backends: an undated designation is listed on or before its
list version's publication date, `possible` ("listing date unknown") before it, never `derived`; a dated
designation for the same authority and program wins over an undated one, also after a merge."""

from __future__ import annotations

from pathlib import Path

from ownerscope.exposure.engine import exposure_for_store
from ownerscope.exposure.regimes import get_regime
from ownerscope.ingest.run import run_ingest

from tests.conftest import write_bundle

FIXTURE = Path(__file__).resolve().parent.parent / "ingest" / "fixtures" / "ofac_advanced_small.xml"
ROW = '{uid},"{name}",-0- ,"{program}",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'


def _sdn(tmp: Path, *rows: tuple[str, str, str]) -> Path:
    path = tmp / "sdn.csv"
    path.write_text("".join(ROW.format(uid=u, name=n, program=p) for u, n, p in rows), encoding="latin-1")
    return path


def _ingest(store, fmt, path, tmp, **kw):
    report = run_ingest(fmt, [path], store=store, show_progress=False, quarantine=tmp / f"q-{fmt}.jsonl", **kw)
    assert report.balanced
    return report


def _verdict(store, eid, as_of, regime="ofac"):
    return exposure_for_store(store, get_regime(regime), as_of).verdict(eid)


def test_undated_listing_is_possible_before_the_list_date(store, tmp_path):
    _ingest(store, "ofac-sdn", _sdn(tmp_path, ("3001", "LONELY HOLDING LLC", "RUSSIA-EO14024")), tmp_path,
            published="2024-05-03")
    bundle = write_bundle(tmp_path / "b", entities="id,type,name\nsub-1,company,Lonely Sub\n",
                          relations="source,target,type,share\nofac-3001,sub-1,ownership,60\n")
    _ingest(store, "csv", bundle, tmp_path, published="2020-01-01")
    before = _verdict(store, "ofac-3001", "2024-01-01")
    assert before["status"] == "possible" and before["reasons"] == ["listing date unknown"]
    assert "Possibly listed on 2024-01-01 (listing date unknown)" in before["explanation"]
    assert "listed on or before 2024-05-03" in before["explanation"]
    [d] = before["proof"]["tree"]["designations"]
    assert d["date_basis"].startswith("listing date unknown: listed on or before 2024-05-03")
    sub = _verdict(store, "sub-1", "2024-01-01")
    assert sub["status"] == "possible" and sub["total"] == 0 and sub["reasons"] == ["listing date unknown"]
    assert "Listing date unknown for ofac-3001" in sub["explanation"]
    after = _verdict(store, "ofac-3001", "2024-06-01")
    assert after["status"] == "listed" and "listed on or before 2024-05-03" in after["explanation"]
    assert _verdict(store, "sub-1", "2024-06-01")["status"] == "derived"
    # per designated person (UK) the same holds
    _ingest(store, "csv", write_bundle(tmp_path / "uk", designations="entity_id,authority,program\n"
                                       "ofac-3001,uk,Russia\n"), tmp_path, published="2024-05-03")
    assert _verdict(store, "sub-1", "2024-01-01", "uk")["status"] == "possible"
    assert _verdict(store, "sub-1", "2024-06-01", "uk")["status"] == "derived"


def test_dated_designation_wins_over_undated(store, tmp_path):
    _ingest(store, "ofac-advanced", FIXTURE, tmp_path)  # ofac-2001 dated 2022-04-06
    _ingest(store, "ofac-sdn", _sdn(tmp_path, ("2001", "ACME TRADING LLC", "RUSSIA-EO14024")), tmp_path,
            published="2024-05-03")
    assert _verdict(store, "ofac-2001", "2022-03-01")["status"] == "clear"  # not "possible"
    listed = _verdict(store, "ofac-2001", "2022-05-01")
    assert listed["status"] == "listed" and "listed on 2022-04-06 (date stated by the list)" in str(listed["proof"])
    # "Owned or Controlled By" with no percentage: possible where it matters, never derived
    sub = _verdict(store, "ofac-2002", "2022-05-01")
    assert sub["status"] == "possible" and sub["total"] == 0 and sub["proof"]["total_max"] == 100


def test_dated_wins_after_a_merge(store, tmp_path):
    _ingest(store, "ofac-advanced", FIXTURE, tmp_path)
    bundle = write_bundle(tmp_path / "b", entities="id,type,name\nx-acme,company,Acme Trading\n",
                          designations="entity_id,authority,program\nx-acme,us,RUSSIA-EO14024\n")
    _ingest(store, "csv", bundle, tmp_path, published="2024-05-03")
    assert _verdict(store, "x-acme", "2024-06-01")["status"] == "listed"
    store.merge_entities("ofac-2001", "x-acme")
    assert _verdict(store, "ofac-2001", "2022-03-01")["status"] == "clear"
    assert _verdict(store, "ofac-2001", "2024-06-01")["status"] == "listed"
