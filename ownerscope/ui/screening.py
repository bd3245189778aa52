"""Screen a list of counterparties: best matches in the store and their exposure under each rule."""

from __future__ import annotations

import csv
import io

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
    store = context.store()
    results = {r: exposure_view.result(r, as_of) for r in REGIMES}
    out = []
    for name in names:
        junk = not_a_name(name)
        if junk:
            out.append({"input": name, "match": "not screened", "id": "", "name": "", "type": "", "score": 0.0,
                        "authorities": "", "also": junk, **{r: "" for r in REGIMES}})
            continue
        hits = store.search(name, limit=3)
        best = hits[0] if hits else None
        row = {"input": name, "match": "no match", "id": "", "name": "", "type": "", "score": 0.0,
               "authorities": "", "also": ""}
        if best:
            score = min(best["score"], 100.0)
            row.update({"id": best["id"], "name": best["name"], "type": best["type"], "score": round(score, 1),
                        "authorities": ", ".join(a.upper() for a in best.get("authorities", [])),
                        "match": "match" if score >= MATCH else "possible" if score >= POSSIBLE else "weak",
                        "also": "; ".join(f"{h['name']} ({h['score']:.0f})" for h in hits[1:])})
        for r, res in results.items():
            row[r] = res.status_of(best["id"]) if best and row["match"] != "weak" else ""
        out.append(row)
    return out


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    cols = ["input", "match", "score", "id", "name", "type", "authorities", *REGIMES, "also"]
    w = csv.DictWriter(buf, cols, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


__all__ = ["parse_names", "screen", "to_csv"]
