"""`ownerscope fetch` end to end against a real HTTP server on loopback serving the fixtures: download,
version, ingest, and a second fetch of an unchanged file that writes nothing."""

from __future__ import annotations

import functools
import json
import os
from datetime import datetime, timezone
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ownerscope.cli import app
from ownerscope.errors import InputError
from ownerscope.ingest.fetch import CRON, fetch, source_for

FIXTURES = Path(__file__).parent / "fixtures"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def served(tmp_path):
    """A loopback HTTP server over a folder; yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _cli(*args):
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def test_fetch_download_version_ingest_then_unchanged(served, tmp_path):
    root, base = served
    shutil.copy(FIXTURES / "ofac_advanced_small.xml", root / "SDN_ADVANCED.XML")
    store = str(tmp_path / "s.lbug")
    keep = tmp_path / "kept"
    code, out, err = _cli("fetch", "ofac-advanced", "--url", f"{base}/SDN_ADVANCED.XML", "--store", store,
                          "--keep-dir", str(keep), "--no-progress", "--format", "json")
    assert code == 3, err  # the fixture's two bad records are quarantined; the rest is stored
    first = json.loads(out)
    assert first["changed"] and first["ingest"]["stored"] == 10 and first["ingest"]["quarantined"] == 2
    lv = first["list_version"]
    assert (lv["authority"], lv["published"], lv["url"]) == ("us", "2024-11-21", f"{base}/SDN_ADVANCED.XML")
    kept = Path(first["file"])
    assert kept.parent == keep / "ofac-advanced" and kept.name == f"sdn_advanced-2024-11-21-{first['sha256'][:12]}.xml"
    assert kept.read_bytes() == (FIXTURES / "ofac_advanced_small.xml").read_bytes()
    code, out, _ = _cli("datasets", "--store", store, "--format", "json")
    assert [v["sha256"] for v in json.loads(out)] == [first["sha256"]]

    # the same file again: recognised by its hash, nothing ingested, nothing written
    from ownerscope.graph.store import open_store

    s = open_store(store)
    before = (s.counts(), s.list_versions())
    s.close()
    code, out, err = _cli("fetch", "ofac-advanced", "--url", f"{base}/SDN_ADVANCED.XML", "--store", store,
                          "--keep-dir", str(keep), "--no-progress")
    assert code == 0, err
    assert out.startswith("ofac-advanced: unchanged (OFAC SDN list (advanced XML) published 2024-11-21")
    assert "nothing written" in out
    s = open_store(store)
    assert (s.counts(), s.list_versions()) == before
    s.close()
    assert sorted(p.name for p in (keep / "ofac-advanced").iterdir()) == [kept.name]  # no second copy


def test_fetch_new_version_and_other_sources(served, tmp_path, store):
    root, base = served
    text = (FIXTURES / "ofac_advanced_small.xml").read_text(encoding="utf-8")
    (root / "v1.xml").write_text(text, encoding="utf-8")
    (root / "v2.xml").write_text(text.replace("<Day>21</Day>", "<Day>28</Day>"), encoding="utf-8")
    keep = tmp_path / "kept"
    one = fetch("ofac-advanced", url=f"{base}/v1.xml", keep_dir=keep, show_progress=False, store=store)
    two = fetch("ofac-advanced", url=f"{base}/v2.xml", keep_dir=keep, show_progress=False, store=store)
    assert one.changed and two.changed and one.sha256 != two.sha256
    assert sorted(v["published"] for v in store.list_versions()) == ["2024-11-21", "2024-11-28"]
    assert len(list((keep / "ofac-advanced").iterdir())) == 2
    # a legacy CSV and an OpenSanctions dataset by name come through the same path
    (root / "sdn.csv").write_text('2001,"ACME TRADING LLC",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,'
                                  '-0- ,-0- ,-0- \n', encoding="latin-1")
    stamp = datetime(2024, 5, 3, 12, tzinfo=timezone.utc).timestamp()
    os.utime(root / "sdn.csv", (stamp, stamp))  # the server's Last-Modified is the file date
    legacy = fetch("ofac-sdn", url=f"{base}/sdn.csv", keep_dir=keep, show_progress=False, store=store)
    assert legacy.changed and (legacy.list_version["published"], legacy.list_version["published_basis"]) == (
        "2024-05-03", "file date")
    assert source_for("opensanctions:us_ofac_sdn").url == \
        "https://data.opensanctions.org/datasets/latest/us_ofac_sdn/entities.ftm.json"


def test_fetch_refuses_bad_sources_and_urls(served, tmp_path):
    _, base = served
    with pytest.raises(InputError, match="only http:// and https://"):
        source_for("un", "file:///etc/passwd")
    with pytest.raises(InputError, match="unknown source"):
        source_for("nope")
    with pytest.raises(InputError, match="OpenSanctions dataset name"):
        source_for("opensanctions:../../x")
    code, _, err = _cli("fetch", "un", "--url", f"{base}/missing.xml", "--store", str(tmp_path / "s.lbug"),
                        "--keep-dir", str(tmp_path / "k"), "--no-progress")
    assert code == 1 and "the server answered 404" in err
    assert not [p for p in (tmp_path / "k" / "un").iterdir()]  # the failed download left nothing behind
    code, out, _ = _cli("fetch", "--help")
    assert code == 0 and "cron" in out.lower() and "ofac-advanced" in out
    assert CRON.startswith("17 6 * * * ownerscope fetch")
