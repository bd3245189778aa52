"""The README's command-line quick start, run in the order written, in a fresh virtual environment with
ownerscope installed from this checkout (not editable), against a fresh home folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = "The same demo from the command line"


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    block = re.search(r"```bash\n(.*?)```", after, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_readme_block_is_the_quick_start():
    cmds = quick_start_commands()
    assert cmds[0] == "source .venv/bin/activate" and "demo --no-serve" in cmds[1]
    assert any(c.startswith("ownerscope report demo-vsmpo-avisma") for c in cmds)
    assert any(c.startswith("ownerscope search ") for c in cmds)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A new virtual environment with ownerscope built from this checkout; its dependencies come from the
    test environment (a .pth line), so no download is needed."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    build = tmp_path_factory.mktemp("build")
    src = build / "src"  # a copy of the checkout's package files: the build writes nothing into the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "ownerscope", src / "ownerscope", ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", "--target", str(site), str(src)],
                          capture_output=True, text=True, cwd=build,
                          env={**os.environ, "PIP_CACHE_DIR": str(build / "cache")})
    assert proc.returncode == 0, proc.stderr[-3000:]
    # a console script like pip's, in the venv's bin
    script = venv / "bin" / "ownerscope"
    script.write_text(f"#!{venv / 'bin' / 'python'}\nfrom ownerscope.cli import run\nrun()\n", encoding="utf-8")
    script.chmod(0o755)
    return venv


def test_readme_quick_start_runs_in_order(fresh_venv, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(fresh_venv)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OWNERSCOPE_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), PATH=f"/usr/bin:/bin", XDG_DATA_HOME=str(home / ".local" / "share"))
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '+ {c.replace(chr(39), '')}'\n{c}" for c in quick_start_commands())
    proc = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # the commands ran from the fresh environment, not this checkout
    where = subprocess.run([str(fresh_venv / "bin" / "python"), "-c", "import ownerscope; print(ownerscope.__file__)"],
                           capture_output=True, text=True, env=env, cwd=work).stdout
    assert str(fresh_venv) in where, where
    out = proc.stdout
    assert "VSMPO-AVISMA Corporation" in out and "exposed" in out
    pdf = work / "vsmpo.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (home / ".local" / "share" / "ownerscope" / "demo.lbug").exists()
