"""Build small CSV bundles for exposure tests, load them through the CLI into a real embedded store, and
read verdicts back through `ownerscope exposure --format json`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from ownerscope.cli import app

runner = CliRunner()

REL_COLUMNS = ("source", "target", "type", "share", "share_min", "share_max", "start_date", "end_date",
               "ended", "basis", "joint_group", "role", "note", "source_url", "share_min_exclusive")


class Bundle:
    def __init__(self):
        self.entities: dict[str, dict] = {}
        self.relations: list[dict] = []
        self.designations: list[dict] = []

    def ent(self, eid: str, type: str = "company", name: str | None = None) -> str:
        self.entities.setdefault(eid, {"id": eid, "type": type, "name": name or eid.replace("-", " ").title()})
        return eid

    def person(self, eid: str) -> str:
        return self.ent(eid, "person")

    def own(self, source: str, target: str, share=None, **kw) -> None:
        self.ent(source)
        self.ent(target)
        row = {"source": source, "target": target, "type": "ownership",
               "share": "" if share is None else share,
               "source_url": kw.pop("source_url", f"https://example.org/{source}/{target}")}
        row.update(kw)
        self.relations.append(row)

    def control(self, source: str, target: str, basis: str = "board_majority_appointment_right", **kw) -> None:
        self.ent(source)
        self.ent(target)
        self.relations.append({"source": source, "target": target, "type": "control", "basis": basis,
                               "source_url": f"https://example.org/control/{source}/{target}", **kw})

    def listed(self, eid: str, *authorities: str, start: str = "", end: str = "", program: str = "") -> None:
        self.ent(eid)
        for a in authorities or ("us", "eu", "uk"):
            self.designations.append({"entity_id": eid, "authority": a, "program": program,
                                      "start_date": start, "end_date": end,
                                      "source_url": f"https://example.org/list/{a}/{eid}"})

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["id", "type", "name"])
            w.writeheader()
            w.writerows(self.entities.values())
        with (folder / "relations.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, REL_COLUMNS)
            w.writeheader()
            w.writerows(self.relations)
        with (folder / "designations.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["entity_id", "authority", "program", "start_date", "end_date", "source_url"])
            w.writeheader()
            w.writerows(self.designations)
        return folder

    def load(self, tmp: Path, published: str = "2000-01-01") -> str:
        """Write the bundle, ingest it through the CLI into a fresh embedded store; return the store path.

        The bundle is ingested as a list version published on `published`: an undated designation in it
        is "listed on or before" that date (the rule tests are about ownership, not listing dates)."""
        folder = self.write(tmp / "bundle")
        store = str(tmp / "store.lbug")
        res = runner.invoke(app, ["ingest", "csv", str(folder), "--store", store, "--no-progress",
                                  "--published", published])
        assert res.exit_code == 0, res.output
        return store


def run_cli(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


def exposure_json(store: str, regime: str, as_of: str | None = None, *extra: str) -> dict:
    args = ["exposure", "--regime", regime, "--format", "json", "--store", store, *extra]
    if as_of:
        args += ["--as-of", as_of]
    code, out, err = run_cli(*args)
    assert code == 0, err or out
    return json.loads(out)


def statuses(store: str, regime: str, as_of: str | None = None, *extra: str) -> dict[str, dict]:
    """id -> verdict; entities missing from the output are clear."""
    return {e["id"]: e for e in exposure_json(store, regime, as_of, *extra)["entities"]}


def status(verdicts: dict[str, dict], eid: str) -> str:
    return verdicts[eid]["status"] if eid in verdicts else "clear"
