"""docker-compose.yml: validated by `docker-compose config` (no Docker engine needed) and checked for the
services, health check, start order, volumes and ports the deployment relies on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture
def compose_bin() -> str:
    found = shutil.which("docker-compose") or ("/usr/bin/docker-compose"
                                               if Path("/usr/bin/docker-compose").exists() else None)
    if not found:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing (scripts/test.sh installs Debian's docker-compose)")
        pytest.skip("docker-compose is not installed")
    return found


def config(compose_bin: str, env_file: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OWNERSCOPE_", "NEO4J_"))}
    return subprocess.run([compose_bin, "-f", str(COMPOSE), "--project-directory", str(ROOT),
                           "--env-file", str(env_file), "config"], env=env, capture_output=True, text=True,
                          timeout=60)


def test_compose_config_is_valid_and_complete(compose_bin, tmp_path):
    env_file = tmp_path / "env"
    shutil.copy(ROOT / ".env.example", env_file)
    with env_file.open("a") as fh:
        fh.write("OWNERSCOPE_NEO4J_PASSWORD=a-test-password-123\nOWNERSCOPE_PORT=18050\n")
    res = config(compose_bin, env_file)
    assert res.returncode == 0, res.stderr
    cfg = yaml.safe_load(res.stdout)
    neo, app = cfg["services"]["neo4j"], cfg["services"]["ownerscope"]

    assert neo["image"] == "neo4j:5.26-community"
    assert neo["environment"]["NEO4J_AUTH"] == "neo4j/a-test-password-123"
    assert "cypher-shell" in " ".join(neo["healthcheck"]["test"]) and neo["healthcheck"]["retries"] >= 3
    assert {v.split(":")[1] for v in neo["volumes"]} >= {"/data", "/logs"}
    assert {v.split(":")[0] for v in neo["volumes"]} <= set(cfg["volumes"])  # named, persistent volumes
    assert {p["target"] for p in neo["ports"]} == {7687, 7474}

    assert app["build"]["context"] == str(ROOT)
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["OWNERSCOPE_NEO4J_PASSWORD"] == "a-test-password-123"
    command = " ".join(app["command"])
    assert "ownerscope ingest csv" in command and "SEED_CASE" in command
    assert "ownerscope serve --store bolt://neo4j:7687 --host 0.0.0.0 --port 8050" in command
    assert command.index("ingest") < command.index("serve")
    assert [(p["published"], p["target"]) for p in app["ports"]] == [(18050, 8050)]
    assert app["volumes"][0].split(":")[0] in cfg["volumes"]


def test_compose_needs_a_password(compose_bin, tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("# no password\n")
    res = config(compose_bin, empty)
    assert res.returncode != 0
    assert "OWNERSCOPE_NEO4J_PASSWORD" in res.stderr and ".env.example" in res.stderr


def test_dockerfile_installs_the_package():
    text = (ROOT / "Dockerfile").read_text()
    assert [ln for ln in text.splitlines() if ln.startswith("FROM ")] == ["FROM python:3.11-slim"]
    assert 'pip install ".[fast]"' in text
    assert "README.md" in text  # pyproject's readme must be in the build context
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored
