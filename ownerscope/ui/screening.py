"""Screen a list of counterparties: best matches in the store and their exposure under each rule."""

from __future__ import annotations

import csv
import io

from ..csvsafe import csv_text
from ..authorities import is_sanctions, label
from ..text import not_a_name
from . import context, exposure_view

REGIMES = ("ofac", "eu", "uk")
MATCH = 90.0    # at or above: a match
POSSIBLE = 75.0  # at or above: a possible match for the analyst


def parse_names(text: str | None) -> list[str]:
    """One counterparty a line; a CSV with a `name` column also works (its first column otherwise)."""
    if not text:
        return []
    lines = [l for l in text.splitlines() if l.strip()]
    if lines and "," in lines[0] and "name" in [c.strip().lower() for c in lines[0].split(",")]:
        rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
        key = next(k for k in rows[0].keys() if k and k.strip().lower() == "name") if rows else "name"
        return [r[key].strip() for r in rows if (r.get(key) or "").strip()]
    return [l.strip() for l in lines]


def screen(names: list[str], as_of: str | None) -> list[dict]:
    from ..core import decide as dc

    core = context.core()
    results = {r: exposure_view.result(r, as_of) for r in REGIMES}
    out = []
    for name in names:
        row = {"input": name, "match": dc.NO_MATCH, "id": "", "name": "", "type": "", "score": 0.0,
               "authorities": "", "other_lists": "", "also": "", "reason": "", "candidates": [],
               "evidence": "", **{r: "" for r in REGIMES}}
        junk = not_a_name(name)
        if junk:
            row.update({"match": "not screened", "also": junk})
            out.append(row)
            continue
        hits = core.name_matches(name, limit=3)
        best = hits[0] if hits else None
        if best:
            score = min(best["score"], 100.0)
            auth = best.get("authorities", [])
            # the entity whose id was typed stands alone (search scores it above 100)
            d = dc.decide([h["score"] for h in hits], MATCH, POSSIBLE, scale=100.0) if best["score"] <= 100 \
                else dc.Decision(dc.MATCH, [0])
            row.update({"id": best["id"], "name": best["name"], "type": best["type"], "score": round(score, 1),
                        # sanctions apart from export controls and other lists, which are never "listed"
                        "authorities": ", ".join(a.upper() for a in auth if is_sanctions(a)),
                        "other_lists": ", ".join(label(a) for a in auth if not is_sanctions(a)),
                        "match": d.decision, "reason": d.reason,
                        "also": "; ".join(f"{h['name']} ({h['score']:.0f})" for h in hits[1:])})
            if d.decision == dc.POSSIBLE:  # a person decides: each candidate with its evidence
                records = core.entity_records([hits[k]["id"] for k in d.tied])
                for k in d.tied:
                    h = hits[k]
                    ev = dc.evidence(records[h["id"]]) if h["id"] in records else {
                        "id": h["id"], "name": h["name"], "type": h["type"], "countries": [h["country"]]
                        if h.get("country") else [], "birth_dates": [], "identifiers": []}
                    ev["score"] = round(min(h["score"], 100.0), 1)
                    ev["listed_by"] = h.get("authorities", [])
                    row["candidates"].append(ev)
                row["evidence"] = " | ".join(f"{dc.evidence_words(ev)} ({ev['score']:.0f})" for ev in row["candidates"])
        shown = best and row["match"] != dc.WEAK
        for r, res in results.items():
            row[r] = res.status_of(best["id"]) if shown else ""
            # a regime with no list loaded is never "clear": it was not screened
            row[f"{r}_label"], row[f"{r}_class"] = exposure_view.badge(row[r], res) if row[r] else ("", "")
            if row[r] == "clear" and res.currency["no_list"]:
                row[r] = "no list"
            row[f"{r}_data"] = res.currency["words"]
            # a tie: every candidate's status, for the person who decides
            for ev in row["candidates"]:
                ev.setdefault("status", {})[r] = res.status_of(ev["id"])
        out.append(row)
    return out


def data_lines(as_of: str | None) -> list[str]:
    """One line per regime: the list versions its column rests on ("OFAC: ... published ...")."""
    return [f"{r.upper()}: {exposure_view.result(r, as_of).currency['words']}" for r in REGIMES]


def to_csv(rows: list[dict]) -> str:
    cols = ["input", "match", "score", "id", "name", "type", "authorities", *REGIMES, "also", "other_lists",
            "reason", "evidence", *[f"{r}_data" for r in REGIMES]]
    return csv_text(cols, rows, extrasaction="ignore")


__all__ = ["parse_names", "screen", "to_csv"]
