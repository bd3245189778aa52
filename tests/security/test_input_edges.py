"""Input edges: an unterminated quote costs its own row only, deep nesting is quarantined in every JSON
adapter (no RecursionError), and bad input never ends in a traceback."""

from __future__ import annotations

import json

import pytest

from ownerscope.ingest.jsonstream import MAX_DEPTH

from ..conftest import write_bundle
from .common import ingest_with_rejects, run_cli


# ----------------------------------------------------------------------------------------- CSV quotes
def test_unterminated_quote_quarantines_its_row_and_the_rest_loads(store, tmp_path):
    folder = write_bundle(tmp_path / "b", 'id,type,name\n'
                                          'a,company,Alpha\n'
                                          'b,company,"Beta\n'
                                          'c,company,Gamma\n'
                                          'd,company,Delta\n')
    report, rejects = ingest_with_rejects("csv", folder, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (4, 3, 1) and report.balanced
    assert [(r["line"], r["file"].endswith("entities.csv")) for r in rejects] == [(3, True)]
    assert "unterminated quote" in rejects[0]["reason"]
    assert {store.get_entity(i)["name"] for i in "acd"} == {"Alpha", "Gamma", "Delta"}


def test_a_quote_closed_rows_later_does_not_swallow_them(store, tmp_path):
    folder = write_bundle(tmp_path / "b", 'id,type,name,notes\n'
                                          'a,company,"Alpha\n'
                                          'b,company,Beta,\n'
                                          'c,company,"Gamma",\n'
                                          'd,company,Delta,"two\nlines of notes are fine"\n')
    report, rejects = ingest_with_rejects("csv", folder, store, tmp_path)
    assert (report.read, report.stored, report.quarantined) == (4, 3, 1)
    assert [r["line"] for r in rejects] == [2] and "malformed CSV" in rejects[0]["reason"]
    assert store.get_entity("d")["notes"] == "two\nlines of notes are fine"  # a real multi-line field


def test_a_quote_that_swallows_rows_into_a_name_is_caught(store, tmp_path):
    # the quote opened on line 2 closes at the end of line 3: valid CSV, but a name with a line break in it
    folder = write_bundle(tmp_path / "b", 'id,type,name\n'
                                          'a,company,"Alpha\n'
                                          'b,company,Beta"\n'
                                          'c,company,Gamma\n')
    report, rejects = ingest_with_rejects("csv", folder, store, tmp_path)
    assert [r["line"] for r in rejects] == [2] and "runs from line 2 to 3" in rejects[0]["reason"]
    assert report.stored == 2 and store.get_entity("b")["name"] == 'Beta"'  # line 3 is read again, on its own


def test_the_cli_reports_the_row_and_exits_3(store, tmp_path):
    folder = write_bundle(tmp_path / "b", 'id,type,name\na,company,"Alpha\nb,company,Beta\n')
    url = store.url
    if not hasattr(store, "_driver"):
        store.close()
    proc = run_cli("ingest", "csv", str(folder), "--store", url, "--no-progress")
    assert proc.returncode == 3, proc.stderr
    assert "entities.csv:2" in proc.stderr and "unterminated" in proc.stderr and "Traceback" not in proc.stderr
    assert "read 2 rows, stored 1" in proc.stdout and "quarantined 1" in proc.stdout


def test_a_huge_field_is_quarantined_not_a_traceback(store, tmp_path):
    folder = write_bundle(tmp_path / "b", 'id,type,name\na,company,"' + "x" * 200_000 + '\nb,company,Beta\n')
    report, rejects = ingest_with_rejects("csv", folder, store, tmp_path)
    assert report.stored == 1 and [r["line"] for r in rejects] == [2]


# -------------------------------------------------------------------------------------- deep nesting
def _deep(levels: int):
    v = "bottom"
    for i in range(levels):
        v = [v] if i % 2 else {"k": v}
    return v


DEPTHS = [MAX_DEPTH + 1, 5_000]  # just past the limit; far past the decoder's recursion limit


def _bods_stmt(sid, name, extra=None):
    d = {"entityType": {"type": "registeredEntity"}, "name": name}
    if extra is not None:
        d["annotations"] = extra
    return {"statementId": sid, "recordId": sid, "recordType": "entity", "statementDate": "2020-01-01",
            "recordDetails": d}


def _psc(number, pid, extra=None):
    data = {"kind": "individual-person-with-significant-control", "name": "Jane Roe",
            "links": {"self": f"/company/{number}/persons-with-significant-control/individual/{pid}"},
            "natures_of_control": ["ownership-of-shares-25-to-50-percent"], "notified_on": "2017-01-02"}
    if extra is not None:
        data["address"] = extra
    return {"company_number": number, "data": data}


def _ftm(eid, extra=None):
    obj = {"id": eid, "schema": "Company", "properties": {"name": [eid.title()]}}
    if extra is not None:
        obj["context"] = extra
    return obj


def _write(path, records, layout):
    if layout == "lines":
        path.write_text("\n".join(json.dumps(r) if not isinstance(r, str) else r for r in records) + "\n")
    else:
        path.write_text("[\n" + ",\n".join(json.dumps(r) if not isinstance(r, str) else r for r in records)
                        + "\n]\n")


def _raw_deep(levels: int) -> str:
    """Nesting as text: json.dumps itself would hit the recursion limit at 5,000 levels."""
    return '{"k": ' * levels + '"bottom"' + "}" * levels


CASES = {
    "bods": (lambda i, deep: _bods_stmt(f"s{i}", f"Entity {i}", deep), "b.json", 1),
    "uk-psc": (lambda i, deep: _psc(f"0000000{i}", f"p{i}", deep), "psc.txt", 2),  # entity + relation
    "ftm": (lambda i, deep: _ftm(f"e{i}", deep), "e.ftm.json", 1),
}


@pytest.mark.parametrize("layout", ["array", "lines"])
@pytest.mark.parametrize("levels", DEPTHS)
@pytest.mark.parametrize("fmt", sorted(CASES))
def test_deep_nesting_quarantines_the_record_and_the_rest_loads(store, tmp_path, fmt, levels, layout):
    if fmt == "ftm" and layout == "array":
        pytest.skip("FtM is JSON lines only")
    make, name, per_record = CASES[fmt]
    good1, good2 = make(1, None), make(2, None)
    deep = json.dumps(make(3, None))[:-1] + ', "deep": ' + _raw_deep(levels) + "}"
    path = tmp_path / name
    _write(path, [good1, deep, good2], layout)
    report, rejects = ingest_with_rejects(fmt, path, store, tmp_path)
    assert report.quarantined == 1 and report.balanced, report.summary()
    assert report.stored == 2 * per_record
    assert f"nested deeper than {MAX_DEPTH} levels" in rejects[0]["reason"]
    assert rejects[0]["line"] == (2 if layout == "lines" else 3)


def test_deep_nesting_through_the_cli_is_one_line_not_a_traceback(tmp_path):
    f = tmp_path / "b.json"
    f.write_text("[" + json.dumps(_bods_stmt("s1", "Alpha")) + ', {"x": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    proc = run_cli("ingest", "bods", str(f), "--store", str(tmp_path / "s.lbug"), "--no-progress")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert "nested deeper than" in proc.stderr and "stored 1" in proc.stdout


def test_an_unclosed_deep_record_ends_the_file_with_one_reason(store, tmp_path):
    f = tmp_path / "b.json"
    f.write_text("[" + json.dumps(_bods_stmt("s1", "Alpha")) + ",\n" + "[" * 5_000)
    report, rejects = ingest_with_rejects("bods", f, store, tmp_path)
    assert report.stored == 1 and report.quarantined == 1
    assert "never closed" in rejects[0]["reason"]


# ------------------------------------------------------------------------------- shapes, not tracebacks
@pytest.mark.parametrize("fmt,record,quarantined", [
    # a number where FtM expects a country: FollowTheMoney's own reading drops the value, so do we (issue 10)
    ("ftm", {"id": "x", "schema": "Company", "properties": {"name": ["X"], "country": 5}}, 0),
    ("ftm", {"id": "x", "schema": "Company", "datasets": 5, "properties": {"name": ["X"]}}, 1),
    ("bods", {**_bods_stmt("s9", "X"), "recordDetails": {"entityType": {"type": "registeredEntity"},
                                                          "name": "X", "identifiers": 5}}, 1),
    ("bods", {**_bods_stmt("s9", "X"), "recordDetails": {"entityType": {"type": "registeredEntity"},
                                                          "name": "X", "alternateNames": 5}}, 1),
    # a birth month that is not a number is left out of the notes; the PSC itself is fine
    ("uk-psc", {"company_number": "00000001", "data": {**_psc("00000001", "p")["data"],
                                                       "date_of_birth": {"year": 1970, "month": "x"}}}, 0),
])
def test_a_field_of_the_wrong_type_is_quarantined_not_a_traceback(store, tmp_path, fmt, record, quarantined):
    path = tmp_path / ("x.ftm.json" if fmt == "ftm" else "x.jsonl")
    path.write_text(json.dumps(record) + "\n")
    report, rejects = ingest_with_rejects(fmt, path, store, tmp_path)
    assert report.balanced and report.quarantined == quarantined, report.summary()
    assert report.stored == report.read - quarantined
    for r in rejects:
        assert r["line"] == 1 and ("must be a list" in r["reason"] or "malformed record" in r["reason"])


def test_markup_in_bad_input_is_printed_as_text(tmp_path):
    folder = write_bundle(tmp_path / "b", "id,type,name\na,[/],Alpha\n")
    proc = run_cli("ingest", "csv", str(folder), "--store", str(tmp_path / "s.lbug"), "--no-progress")
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    assert "unknown type '[/]'" in proc.stderr
    proc = run_cli("show", "[/]", "--store", str(tmp_path / "s.lbug"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "no entity with id '[/]'" in proc.stderr
