"""Benchmark of POST /screen: 1,000 counterparties screened on three regimes through `ownerscope api`.

    .venv/bin/python bench/bench_api_screen.py --entities 20000 --counterparties 1000 --repeat 3

A seeded embedded store: the demo seed case plus generated companies and persons (names from syllables,
half the persons with a date of birth, a registration number on every company), ownership chains
between them (random stakes) and 1% of them listed by us, eu and uk. The counterparty file (CSV: name,
country, birth_date) is half store names with a typo or in another order, half names that are not there.

The API runs as a real `ownerscope api` process on loopback (uvicorn); the client streams the answer and
times each line. Reported: rows/s for the whole request (cold: the first request after start-up, which
builds the match index and the three regimes' exposure; warm: the median of the later ones), the p95 of
the time between two result lines (the per-counterparty latency seen in the stream), and as the reference
measured in the same run, the core service doing the same screening in-process (no HTTP, no JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYL = ["ka", "ro", "mi", "ter", "vo", "lan", "so", "gra", "nik", "del", "tor", "mar", "ben", "zu", "pol", "rek",
       "sta", "ven", "li", "dor", "ham", "quin", "sel", "bra", "tek", "nov", "gar", "ult", "fen", "hol"]
SUFFIX = ["LLC", "Ltd", "JSC", "GmbH", "Holding", "Trading", "Group", "Industries"]
COUNTRIES = ["ru", "cy", "ae", "gb", "de", "tr", "kz", "cn", "hk", "ch"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()


def build_store(path: Path, n: int, seed: int) -> list[dict]:
    from ownerscope.demo import SEED_CASE
    from ownerscope.graph.model import Designation, Entity, Relation, Source
    from ownerscope.graph.store import open_store
    from ownerscope.ingest.run import run_ingest

    rng = random.Random(seed)
    src = [Source("bench")]
    ents, rels, des, facts = [], [], [], []
    for i in range(n):
        country = rng.choice(COUNTRIES)
        if i % 3 == 0:
            name = f"{word(rng)} {word(rng)}"
            dob = f"{rng.randint(1940, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if i % 2 else None
            ents.append(Entity(id=f"b{i}", type="person", name=name, nationalities=[country],
                               birth_dates=[dob] if dob else [], sources=src))
        else:
            name = f"{word(rng)} {rng.choice(SUFFIX)}"
            dob = None
            ents.append(Entity(id=f"b{i}", type="company", name=name, country=country,
                               identifiers=[f"reg:{country.upper()}{rng.randint(10**8, 10**9)}"], sources=src))
        facts.append({"name": name, "country": country, "dob": dob})
        if i > 10:
            for _ in range(rng.randint(0, 2)):
                owner = rng.randint(max(0, i - 200), i - 1)
                rels.append(Relation(source_id=f"b{owner}", target_id=f"b{i}", type="ownership",
                                     share=float(rng.choice([10, 25, 30, 50, 51, 75, 100])), sources=src))
        if rng.random() < 0.01:
            for auth in ("us", "eu", "uk"):
                des.append(Designation(entity_id=f"b{i}", authority=auth, program="BENCH", sources=src))
    store = open_store(str(path))
    try:
        run_ingest("csv", [SEED_CASE], dataset="ownerscope-demo", show_progress=False, store=store)
        for k in range(0, len(ents), 5000):
            store.upsert_entities(ents[k:k + 5000])
        for k in range(0, len(rels), 5000):
            store.upsert_relations(rels[k:k + 5000])
        store.upsert_designations(des)
    finally:
        store.close()
    return facts


def counterparties(facts: list[dict], k: int, seed: int) -> str:
    rng = random.Random(seed + 1)
    lines = ["name,country,birth_date"]
    for j in range(k):
        if j % 2 == 0:
            f = rng.choice(facts)
            name = f["name"]
            if rng.random() < 0.5:  # a typo
                p = rng.randrange(len(name))
                name = name[:p] + rng.choice("aeiou") + name[p + 1:]
            else:  # another order
                name = " ".join(reversed(name.split()))
            lines.append(f"{name},{f['country']},{f['dob'] or ''}")
        else:
            lines.append(f"{word(rng)} {word(rng)} {rng.choice(SUFFIX)},{rng.choice(COUNTRIES)},")
    return "\n".join(lines) + "\n"


def screen_http(url: str, body: str) -> tuple[float, list[float], list[dict]]:
    import httpx

    gaps, rows = [], []
    t0 = time.perf_counter()
    last = None
    with httpx.stream("POST", url + "/screen", params={"as_of": "2025-06-01"}, content=body.encode(),
                      headers={"content-type": "text/csv"}, timeout=600) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            now = time.perf_counter()
            if not line:
                continue
            row = json.loads(line)
            if "line" in row:
                if last is not None:
                    gaps.append(now - last)
                rows.append(row)
            last = now
    return time.perf_counter() - t0, gaps, rows


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.95 * len(xs)))] if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entities", type=int, default=20000)
    ap.add_argument("--counterparties", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--port", type=int, default=18765)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ownerscope-bench-api-"))
    store = work / "bench.lbug"
    t = time.perf_counter()
    facts = build_store(store, args.entities, args.seed)
    build_s = time.perf_counter() - t
    body = counterparties(facts, args.counterparties, args.seed)
    load = [os.getloadavg()]

    # reference: the core service in-process, same file, same regimes
    from ownerscope.api.screen_input import rows as parse_rows
    from ownerscope.core import Core
    from ownerscope.core.matching import MatchQuery
    from ownerscope.graph.store import open_store

    s = open_store(str(store), read_only=True)
    core = Core(s)
    t = time.perf_counter()
    list(core.screen([MatchQuery(names=["warm up"])], as_of="2025-06-01"))
    core_cold_s = time.perf_counter() - t
    core_runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        qs = [q for _, _, q in parse_rows(body, "text/csv") if isinstance(q, MatchQuery)]
        out = list(core.screen(qs, as_of="2025-06-01"))
        core_runs.append(time.perf_counter() - t)
    s.close()

    env = dict(os.environ, OWNERSCOPE_HOME=str(work / "home"))
    exe = shutil.which("ownerscope", path=str(Path(sys.executable).parent)) or "ownerscope"
    proc = subprocess.Popen([exe, "api", "--store", str(store), "--port", str(args.port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{args.port}"
    try:
        import httpx

        deadline = time.time() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit(f"the API did not start: {proc.stderr.read() if proc.poll() is not None else ''}")
            time.sleep(0.2)
        cold_s, _, _ = screen_http(url, body)
        runs = []
        for _ in range(args.repeat):
            runs.append(screen_http(url, body))
        load.append(os.getloadavg())
    finally:
        proc.terminate()
        proc.wait(10)
    statuses = [r for r in runs[-1][2] if r["result"] != "not screened"]
    matched = [r for r in runs[-1][2] if r["result"] == "match"]
    assert len(runs[-1][2]) == args.counterparties, len(runs[-1][2])
    assert all(set(r["exposure"]) == {"ofac", "eu", "uk"} for r in matched)
    warm = statistics.median(r[0] for r in runs)
    gaps = [g for r in runs for g in r[1]]
    core_warm = statistics.median(core_runs)
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "python": platform.python_version(),
        "entities": args.entities + 16, "counterparties": args.counterparties, "store_build_s": round(build_s, 1),
        "screened": len(statuses), "matched": len(matched),
        "http_cold_s": round(cold_s, 3), "http_cold_rows_per_s": round(args.counterparties / cold_s, 1),
        "http_warm_s": round(warm, 3), "http_warm_rows_per_s": round(args.counterparties / warm, 1),
        "http_p95_gap_ms": round(1000 * p95(gaps), 3), "http_max_gap_ms": round(1000 * max(gaps), 3),
        "core_cold_s": round(core_cold_s, 3), "core_warm_s": round(core_warm, 3),
        "core_rows_per_s": round(args.counterparties / core_warm, 1),
        "http_over_core": round(warm / core_warm, 2),
        "load_avg_before_after": [list(map(lambda x: round(x, 2), l)) for l in load],
    }
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
