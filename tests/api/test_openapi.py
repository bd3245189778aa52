"""docs/openapi.json is the spec the code serves (regenerate: python -m ownerscope.api.spec > docs/openapi.json)."""

from __future__ import annotations

import json
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_checked_in_spec_is_current(embedded_store):
    from ownerscope.api.app import create_app
    from ownerscope.api.spec import render
    from ownerscope.core import Core
    from ownerscope.settings import load_settings
    from fastapi.testclient import TestClient

    assert DOC.read_text(encoding="utf-8") == render(), "docs/openapi.json is stale: regenerate it"
    served = TestClient(create_app(Core(embedded_store), load_settings())).get("/openapi.json").json()
    assert served == json.loads(DOC.read_text(encoding="utf-8"))
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}", "/entities/{entity_id}/adjacent",
            "/algorithms", "/catalog", "/healthz", "/readyz", "/exposure/{entity_id}", "/exposure",
            "/screen"} == set(served["paths"])


def test_api_refuses_a_public_address_without_keys(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "OWNERSCOPE_HOME": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "ownerscope.cli", "api", "--host", "0.0.0.0", "--port", "1"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 1 and "OWNERSCOPE_API_KEYS" in res.stderr and "Traceback" not in res.stderr
