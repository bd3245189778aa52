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


def ports(service: dict) -> list[tuple[str, int, int]]:
    """(host address, published port, container port) of each published port, in either of the forms
    `docker-compose config` prints (long syntax dicts, or "IP:PUBLISHED:TARGET/proto" strings)."""
    out = []
    for p in service.get("ports", []):
        if isinstance(p, dict):
            out.append((p.get("host_ip", ""), int(p["published"]), int(p["target"])))
        else:
            parts = str(p).split("/")[0].split(":")
            ip = parts[0] if len(parts) == 3 else ""
            out.append((ip, int(parts[-2]), int(parts[-1])))
    return out


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
    assert {p[2] for p in ports(neo)} == {7687, 7474}

    assert app["build"]["context"] == str(ROOT)
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["OWNERSCOPE_NEO4J_PASSWORD"] == "a-test-password-123"
    command = " ".join(app["command"])
    assert "ownerscope ingest csv" in command and "SEED_CASE" in command
    assert "ownerscope serve --store bolt://neo4j:7687 --host 0.0.0.0 --port 8050" in command
    assert command.index("ingest") < command.index("serve")
    assert [(p[1], p[2]) for p in ports(app)] == [(18050, 8050)]
    assert app["volumes"][0].split(":")[0] in cfg["volumes"]


def test_compose_needs_a_password(compose_bin, tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("# no password\n")
    res = config(compose_bin, empty)
    assert res.returncode != 0
    assert "_PASSWORD" in res.stderr and ".env.example" in res.stderr


def test_compose_publishes_on_loopback_only_and_confines_neo4j(compose_bin, tmp_path):
    """Issue 8: every published port is bound to 127.0.0.1; Neo4j's LOAD CSV cannot read the server's files;
    the explorer, listening on 0.0.0.0 inside its container, is given a login."""
    env_file = tmp_path / "env"
    shutil.copy(ROOT / ".env.example", env_file)
    res = config(compose_bin, env_file)
    assert res.returncode == 0, res.stderr
    cfg = yaml.safe_load(res.stdout)
    published = [(name, p) for name, svc in cfg["services"].items() for p in ports(svc)]
    assert len(published) == 3
    assert all(p[0] == "127.0.0.1" for _, p in published), published
    neo_env = cfg["services"]["neo4j"]["environment"]
    assert neo_env["NEO4J_dbms_security_allow__csv__import__from__file__urls"] == "false"
    assert neo_env["NEO4J_server_directories_import"] == "/var/lib/neo4j/import"
    app_env = cfg["services"]["ownerscope"]["environment"]
    assert app_env["OWNERSCOPE_AUTH_USER"] and app_env["OWNERSCOPE_AUTH_PASSWORD"] == "change-me-too"
    assert app_env["OWNERSCOPE_CONSOLE"] == "false"


def test_compose_needs_an_explorer_login(compose_bin, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("OWNERSCOPE_NEO4J_PASSWORD=a-test-password-123\n")
    res = config(compose_bin, env_file)
    assert res.returncode != 0
    assert "OWNERSCOPE_AUTH_PASSWORD" in res.stderr


def test_dockerfile_installs_the_package():
    text = (ROOT / "Dockerfile").read_text()
    assert [ln for ln in text.splitlines() if ln.startswith("FROM ")] == ["FROM python:3.11-slim"]
    assert 'pip install ".[fast]"' in text
    assert "README.md" in text  # pyproject's readme must be in the build context
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".git" in ignored
