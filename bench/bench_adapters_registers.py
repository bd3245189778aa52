"""Records per second of the bods, gleif and uk-psc adapters.

For each adapter: the largest real file in ../shared/data (parse only, and a full ingest into a fresh
LadybugDB store), then a generated file of --records records (default 1,000,000, seeded, written under
/tmp/ownerscope-bench and not committed): parse only, with the peak memory of the process, and a full
ingest of the first --ingest records (default 50,000) to show the store's share of the cost.

    /tmp/venv/bin/python bench/bench_adapters_registers.py [--records N] [--ingest N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OWNERSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
OUT = Path("/tmp/ownerscope-bench")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _lei(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase + string.digits, k=18)) + f"{rng.randrange(100):02d}"


# ---------------------------------------------------------------------------------------- generators
def gen_bods(path: Path, n: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        ents: list[str] = []
        for i in range(n):
            kind = i % 3
            rid = f"r{i:08d}"
            if kind == 0 or len(ents) < 2:
                st = {"recordType": "entity", "recordDetails": {
                    "entityType": {"type": "registeredEntity"}, "name": f"Company {i}",
                    "identifiers": [{"scheme": "GB-COH", "id": f"{i:08d}"}], "jurisdiction": {"code": "GB"}}}
                ents.append(rid)
                ents = ents[-1000:]
            elif kind == 1:
                st = {"recordType": "person", "recordDetails": {
                    "personType": "knownPerson", "names": [{"type": "legal", "fullName": f"Person {i}"}]}}
                ents.append(rid)
                ents = ents[-1000:]
            else:
                a, b = rng.sample(ents, 2)
                share = ({"exact": round(rng.uniform(1, 100), 2)} if rng.random() < 0.5
                         else {"minimum": 25, "exclusiveMaximum": 50})
                st = {"recordType": "relationship", "recordDetails": {
                    "subject": a, "interestedParty": b, "interests": [{
                        "type": rng.choice(["shareholding", "votingRights", "appointmentOfBoard"]),
                        "directOrIndirect": "direct", "startDate": "2020-01-01", "share": share}]}}
            st.update({"statementId": f"s{i:08d}", "recordId": rid, "statementDate": "2024-01-01",
                       "recordStatus": "new"})
            fh.write(("," if i else "") + json.dumps(st) + "\n")
        fh.write("]\n")


def gen_gleif(folder: Path, n: int, rng: random.Random) -> None:
    leis = [_lei(rng) for _ in range(n // 2)]
    with (folder / "lei.xml").open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?><lei:LEIData xmlns:lei="http://www.gleif.org/data/schema/'
                 'leidata/2016"><lei:LEIRecords>\n')
        for i, lei in enumerate(leis):
            fh.write(f"<lei:LEIRecord><lei:LEI>{lei}</lei:LEI><lei:Entity><lei:LegalName>Entity {i} Ltd"
                     "</lei:LegalName><lei:RegistrationAuthority><lei:RegistrationAuthorityID>RA000585"
                     f"</lei:RegistrationAuthorityID><lei:RegistrationAuthorityEntityID>{i:08d}"
                     "</lei:RegistrationAuthorityEntityID></lei:RegistrationAuthority><lei:LegalJurisdiction>GB"
                     "</lei:LegalJurisdiction><lei:EntityCategory>GENERAL</lei:EntityCategory><lei:EntityStatus>"
                     "ACTIVE</lei:EntityStatus></lei:Entity><lei:Registration><lei:RegistrationStatus>ISSUED"
                     "</lei:RegistrationStatus></lei:Registration></lei:LEIRecord>\n")
        fh.write("</lei:LEIRecords></lei:LEIData>\n")
    with (folder / "rr.xml").open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?><rr:RelationshipData xmlns:rr="http://www.gleif.org/data/'
                 'schema/rr/2016"><rr:RelationshipRecords>\n')
        for _ in range(n - len(leis)):
            a, b = rng.sample(leis, 2)
            t = rng.choice(["IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY", "IS_FUND-MANAGED_BY"])
            fh.write(f"<rr:RelationshipRecord><rr:Relationship><rr:StartNode><rr:NodeID>{a}</rr:NodeID>"
                     f"<rr:NodeIDType>LEI</rr:NodeIDType></rr:StartNode><rr:EndNode><rr:NodeID>{b}</rr:NodeID>"
                     f"<rr:NodeIDType>LEI</rr:NodeIDType></rr:EndNode><rr:RelationshipType>{t}</rr:RelationshipType>"
                     "<rr:RelationshipPeriods><rr:RelationshipPeriod><rr:StartDate>2019-01-01T00:00:00Z"
                     "</rr:StartDate><rr:PeriodType>RELATIONSHIP_PERIOD</rr:PeriodType></rr:RelationshipPeriod>"
                     "</rr:RelationshipPeriods><rr:RelationshipStatus>ACTIVE</rr:RelationshipStatus>"
                     "</rr:Relationship></rr:RelationshipRecord>\n")
        fh.write("</rr:RelationshipRecords></rr:RelationshipData>\n")


def gen_psc(path: Path, n: int, rng: random.Random) -> None:
    natures = ["ownership-of-shares-25-to-50-percent", "ownership-of-shares-75-to-100-percent",
               "voting-rights-50-to-75-percent", "right-to-appoint-and-remove-directors",
               "significant-influence-or-control"]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            number = f"{rng.randrange(10**8):08d}"
            pid = "".join(rng.choices(string.ascii_letters + string.digits, k=27))
            fh.write(json.dumps({"company_number": number, "data": {
                "kind": "individual-person-with-significant-control", "name": f"Mr Person {i}",
                "name_elements": {"forename": "Person", "surname": str(i), "title": "Mr"},
                "date_of_birth": {"month": 1 + i % 12, "year": 1950 + i % 50}, "nationality": "British",
                "links": {"self": f"/company/{number}/persons-with-significant-control/individual/{pid}"},
                "natures_of_control": rng.sample(natures, rng.randint(1, 3)), "notified_on": "2016-04-06"}})
                     + "\n")


# ------------------------------------------------------------------------------------------- timing
def parse_rate(fmt: str, paths: list[Path], limit: int | None = None) -> tuple[int, float]:
    from ownerscope.ingest.registry import get_adapter

    adapter = get_adapter(fmt)
    n = 0
    t = time.perf_counter()
    for _ in adapter.read(paths, "bench"):
        n += 1
        if limit and n >= limit:
            break
    return n, time.perf_counter() - t


def ingest_rate(fmt: str, paths: list[Path]) -> tuple[int, float, int]:
    from ownerscope.graph.store import open_store
    from ownerscope.ingest.run import run_ingest

    with tempfile.TemporaryDirectory(dir="/tmp") as d:
        store = open_store(str(Path(d) / "store.lbug"))
        try:
            r = run_ingest(fmt, paths, store=store, show_progress=False, quarantine=Path(d) / "q.jsonl")
        finally:
            store.close()
    return r.read, r.seconds, r.quarantined


def line(label: str, n: int, secs: float, extra: str = "") -> str:
    return f"| {label} | {n:,} | {secs:.2f} s | {n / secs:,.0f} | {extra} |"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--ingest", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--only", choices=["bods", "gleif", "uk-psc"], action="append")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    largest = {"bods": SHARED / "bods" / "fermcat.json", "gleif": SHARED / "gleif" / "lei-data.xml",
               "uk-psc": SHARED / "uk_psc" / "psc-data-8.json"}
    print("| adapter / input | source records (parse) or rows read (ingest) | time | per second | note |\n"
          "|---|---|---|---|---|")
    for fmt in args.only or ["bods", "gleif", "uk-psc"]:
        real = largest[fmt]
        if real.exists():
            n, s = parse_rate(fmt, [real])
            print(line(f"{fmt} parse, {real.name} (real, {real.stat().st_size // 1024} KB)", n, s))
            n, s, q = ingest_rate(fmt, [real])
            print(line(f"{fmt} ingest into LadybugDB, {real.name}", n, s, f"quarantined {q}"))
        rng = random.Random(args.seed)
        t = time.perf_counter()
        if fmt == "bods":
            gen = [OUT / "bods-gen.json"]
            gen_bods(gen[0], args.records, rng)
            small = [OUT / "bods-small.json"]
            gen_bods(small[0], args.ingest, random.Random(args.seed))
        elif fmt == "gleif":
            (OUT / "gleif").mkdir(exist_ok=True)
            (OUT / "gleif-small").mkdir(exist_ok=True)
            gen_gleif(OUT / "gleif", args.records, rng)
            gen_gleif(OUT / "gleif-small", args.ingest, random.Random(args.seed))
            gen, small = [OUT / "gleif"], [OUT / "gleif-small"]
        else:
            gen = [OUT / "psc-gen.jsonl"]
            gen_psc(gen[0], args.records, rng)
            small = [OUT / "psc-small.jsonl"]
            gen_psc(small[0], args.ingest, random.Random(args.seed))
        size = sum(f.stat().st_size for p in gen for f in ([p] if p.is_file() else p.iterdir())) // 2**20
        print(f"<!-- generated {args.records:,} {fmt} source records ({size} MB) in "
              f"{time.perf_counter() - t:.1f} s -->", file=sys.stderr)
        before = rss_mb()
        n, s = parse_rate(fmt, gen)
        print(line(f"{fmt} parse, generated file ({size} MB)", args.records, s,
                   f"{n:,} model records yielded ({n / s:,.0f}/s); peak RSS {rss_mb():,.0f} MB "
                   f"(before {before:,.0f} MB)"))
        n, s, q = ingest_rate(fmt, small)
        print(line(f"{fmt} ingest into LadybugDB, generated {args.ingest:,} source records", n, s,
                   f"quarantined {q}"))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
