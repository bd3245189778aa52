"""Killing Neo4j in the middle of an ingest: one clear error line, and re-running the same ingest after a
restart completes with the counts of an uninterrupted run.

A dedicated server on its own port (tools/neo4j/neo4j-test-server; a free port, or
OWNERSCOPE_TEST_NEO4J_KILL_PORT) is started, killed with SIGKILL mid-ingest and restarted; the suite's
shared server is not touched, and two runs of this test at once (two engineers, one machine) do not
kill each other's server. Takes about a minute.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tools" / "neo4j" / "neo4j-test-server"
PASSWORD = os.environ.get("OWNERSCOPE_TEST_NEO4J_PASSWORD", "ownerscope-test")
STATE = Path(os.environ.get("OWNERSCOPE_NEO4J_HOME") or Path.home() / ".cache" / "ownerscope" / "neo4j")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server(port: int, cmd: str, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OWNERSCOPE_NEO4J_PASSWORD": PASSWORD}
    return subprocess.run([str(SERVER), cmd, "--port", str(port), *extra], env=env, capture_output=True,
                          text=True, timeout=240)


def bundle(folder: Path, n_ent: int = 30_000, n_rel: int = 40_000, n_des: int = 2_000) -> tuple[Path, dict]:
    """A valid bundle where every row stores (relation roles and designation programs are unique, so no two
    rows share an id), and the `stats --format json` an uninterrupted ingest of it gives."""
    rng = random.Random(11)
    counts: dict[str, Counter] = {"entities": Counter(), "relations": Counter(), "designations": Counter()}
    folder.mkdir(parents=True)
    with (folder / "entities.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "type", "name", "country"])
        for i in range(n_ent):
            etype = rng.choice(["company", "person", "vessel"])
            counts["entities"][etype] += 1
            w.writerow([f"k{i}", etype, f"Name {i} {rng.random():.6f}", rng.choice(["ru", "cy", "ae"])])
    with (folder / "relations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", "type", "share", "role"])
        for i in range(n_rel):
            rtype = rng.choice(["ownership", "control", "directorship"])
            counts["relations"][rtype] += 1
            share = f"{rng.uniform(1, 99):.1f}" if rtype == "ownership" else ""
            w.writerow([f"k{rng.randrange(n_ent)}", f"k{rng.randrange(n_ent)}", rtype, share, f"r{i}"])
    with (folder / "designations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["entity_id", "authority", "program"])
        for i in range(n_des):
            authority = rng.choice(["us", "eu", "uk"])
            counts["designations"][authority] += 1
            w.writerow([f"k{rng.randrange(n_ent)}", authority, f"P{i}"])
    return folder, {k: dict(sorted(v.items())) for k, v in counts.items()}


def cli_args(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ownerscope.cli import run; run()", *args]


def entity_count(url: str, strict: bool = False) -> int:
    """Entities stored now; while the ingest races the server, a failed look counts as 0 unless strict."""
    from neo4j import GraphDatabase

    try:
        with GraphDatabase.driver(url, auth=("neo4j", PASSWORD), connection_timeout=2,
                                  max_transaction_retry_time=0 if not strict else 30) as d:
            recs, _, _ = d.execute_query("MATCH (e:Entity) RETURN count(e) AS n", database_="neo4j")
            return recs[0]["n"]
    except Exception:
        if strict:
            raise
        return 0


@pytest.fixture
def kill_server():
    if not (shutil.which("java") and SERVER.exists()):
        if os.environ.get("CI"):
            pytest.fail("CI needs java and tools/neo4j to start a dedicated Neo4j server")
        pytest.skip("java or tools/neo4j missing")
    port = int(os.environ.get("OWNERSCOPE_TEST_NEO4J_KILL_PORT") or free_port())
    res = server(port, "start", "--fresh")
    if res.returncode != 0:
        pytest.fail(f"could not start Neo4j on port {port}: {res.stderr[-2000:]}")
    yield port, res.stdout.strip()
    server(port, "reset")  # stop it and wipe its data
    shutil.rmtree(STATE / "instances" / str(port), ignore_errors=True)


def test_kill_mid_ingest_then_rerun(kill_server, tmp_path):
    port, url = kill_server
    data, expected = bundle(tmp_path / "bundle")
    total = sum(sum(v.values()) for v in expected.values())
    env = {**os.environ, "OWNERSCOPE_HOME": str(tmp_path / "home"), "OWNERSCOPE_NEO4J_PASSWORD": PASSWORD}
    env.pop("OWNERSCOPE_STORE", None)
    ingest = cli_args("ingest", "csv", str(data), "--store", url, "--batch-size", "5000", "--format", "json")

    proc = subprocess.Popen(ingest, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while entity_count(url) < 5000:  # the first batch is committed: the ingest is under way
        assert proc.poll() is None, f"the ingest ended before the kill: {proc.communicate()}"
        assert time.monotonic() < deadline, "the ingest never committed a batch"
        time.sleep(0.05)
    pid = int((STATE / "instances" / str(port) / "server.pid").read_text().strip())
    os.kill(pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)

    assert proc.returncode != 0, out
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: cannot reach Neo4j at {url} while "), lines[0]

    restart = server(port, "start")
    assert restart.returncode == 0, restart.stderr[-2000:]
    assert entity_count(url, strict=True) > 0, "committed batches survive the kill"
    stats = cli_args("stats", "--store", url, "--format", "json")
    before = json.loads(subprocess.run(stats, env=env, capture_output=True, text=True, timeout=60).stdout)
    assert before != expected, "the kill landed after the ingest had finished"

    rerun = subprocess.run(ingest, env=env, capture_output=True, text=True, timeout=180)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["read"] == report["stored"] == total and report["quarantined"] == 0
    got = json.loads(subprocess.run(stats, env=env, capture_output=True, text=True, timeout=60).stdout)
    assert got == expected
