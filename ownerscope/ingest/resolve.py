"""Entity resolution across sources: exact identifier and referent matches merge; similar names are scored.

1. Exact: two entities with the same canonical identifier (`ru-inn:7704274402` from the demo, innCode from
   FtM and "Tax ID No. 7704274402 (Russia)" from the SDN remarks are one key, see identifiers.py), or one
   whose source record ids name the other's id (an OpenSanctions referent `ofac-45937` and the SDN entity
   `ofac-45937`), are merged.
2. Names: normalised with `text.norm` (Cyrillic transliterated) and stripped of company-form words (LLC,
   OOO, JSC, Limited ...); candidates are blocked by shared name tokens and scored with rapidfuzz
   (token_sort_ratio over every name and alias, 0-100). At or above --threshold-merge with the same type
   and no conflicting identifier or country they merge; at or above --threshold-review they become a
   `possible_same_as` relation for an analyst to confirm or reject.
Only entities from different datasets are compared: a list's own decision to keep two entries apart is kept.
3. Evidence: identifiers with a checksum (INN, OGRN, LEI, IMO, ISIN, BIC) count only when python-stdnum
   finds them valid; passport and national-id numbers also match without their issuing country. A
   different number of one scheme (not passports, which people hold several of) or dates of birth that
   cannot be one day block any merge, also an exact or referent one: the pair goes to review with both
   sides' evidence in its reason. Each merge reason names its evidence ("same ru-inn:... (checksum
   valid); same date of birth 1961-07-14").

Every decision is appended to a JSON-lines file kept apart from the data, one per store, under
OWNERSCOPE_HOME/resolve/ (the nomenklatura habit): merges with their reason and a snapshot of what they
changed, so `undo` restores the merged entity exactly; rejections, so a rejected pair is not proposed again.
A merge moves the dropped entity's relations and designations onto the kept one, deletes the dropped node
and redirects its id (`store.merge_entities`), so any merged id still finds the entity.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from rapidfuzz import fuzz

from ..errors import InputError, NotFound
from ..graph.model import Relation, Source
from ..settings import load_settings
from ..text import norm
from .identifiers import canonical, matchable, valid

RESOLVER = "ownerscope-resolve"
# company-form words, in the form norm() leaves them (lower-case ASCII, Cyrillic transliterated)
FORM_WORDS = set("""
llc ltd limited inc incorporated corp corporation co company plc llp gmbh sas sarl srl spa bv
asa kft zrt sro doo jsc ojsc cjsc pjsc ao oao zao pao ooo tov pat prat fzc fze fzco dmcc
bhd sdn pte pvt pty joint stock liability open closed public private
obshchestvo ogranichennoi otvetstvennostiu aktsionernoe publichnoe zakrytoe otkrytoe tovarystvo obmezhenoiu
vidpovidalnistiu aktsionerne aktsionernoye obshchestvom ogranichennoy otvetstvennostyu
""".split())
TYPE_GROUPS = {"person": "person", "vessel": "vessel", "airplane": "airplane"}  # the rest: organisations
MAX_BLOCK = 400  # a name token shared by more entities than this is too common to block on
MAX_NAMES = 12  # names and aliases compared per entity
MIN_NAME = 4  # shorter names (after stripping company forms) are not compared
MAX_KEY = 10  # an identifier shared by more entities than this is not an identifier


def group_of(etype: str) -> str:
    return TYPE_GROUPS.get(etype, "organization")


def strip_forms(name: str) -> str:
    tokens = [t for t in norm(name).split() if t not in FORM_WORDS]
    return " ".join(tokens)


@dataclass
class Ent:
    id: str
    type: str
    name: str
    aliases: list[str]
    country: str | None
    identifiers: list[str]
    datasets: frozenset
    record_ids: set[str]
    n_sources: int
    birth_dates: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # normalised, company forms stripped
    primary: str = ""  # the normalised main name


@dataclass
class Pair:
    a: str
    b: str
    score: float
    reason: str
    action: str  # merge | review


# ---------------------------------------------------------------------------------------------- decisions
def decisions_path(store) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(store.url)).strip("_")[-120:]
    return load_settings().home / "resolve" / f"{safe}.jsonl"


class Decisions:
    """The append-only log of resolution decisions of one store."""

    def __init__(self, path: Path):
        self.path = path
        self.items: list[dict] = []
        if path.is_file():
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip():
                    try:
                        self.items.append(json.loads(line))
                    except ValueError:
                        raise InputError(f"{path}:{n}: the decisions file is damaged (not JSON)") from None

    def add(self, item: dict) -> dict:
        item = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **item}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        self.items.append(item)
        return item

    def active_merges(self) -> list[dict]:
        """Merges not undone, oldest first."""
        active: dict[str, dict] = {}
        for it in self.items:
            if it["action"] == "merge":
                active[it["drop"]] = it
            elif it["action"] == "undo":
                active.pop(it["drop"], None)
        return sorted(active.values(), key=lambda it: self.items.index(it))

    def rejected(self) -> set[frozenset]:
        return {frozenset((it["a"], it["b"])) for it in self.items if it["action"] == "reject"}


# ---------------------------------------------------------------------------------------------- loading
def load_entities(store) -> list[Ent]:
    rows = store.resolution_records()
    out = []
    for eid, etype, name, aliases, country, idents, sources, births in rows:
        srcs = [Source.from_json(s) for s in sources or []]
        ent = Ent(eid, etype or "unknown", name or "", list(aliases or []), country,
                  [canonical(i) for i in idents or []], frozenset(s.dataset for s in srcs),
                  {s.record_id for s in srcs if s.record_id and s.record_id != eid}, len(srcs),
                  birth_dates=list(births or []))
        names = [name or ""] + ent.aliases
        ent.primary = strip_forms(name or "")
        ent.names = [n for n in dict.fromkeys(strip_forms(x) for x in names[:MAX_NAMES * 2])
                     if len(n) >= MIN_NAME][:MAX_NAMES]
        out.append(ent)
    return out


def _comparable(a: Ent, b: Ent) -> bool:
    return group_of(a.type) == group_of(b.type) and not (a.datasets & b.datasets)


# schemes a person or company can hold several numbers of (a new passport, a second one): different
# numbers of these are no evidence against identity
MANY_PER_HOLDER = ("passport", "-passport", "aircraft-", "serial", "-license")


def match_keys(ident: str) -> list[str]:
    """The keys an identifier matches on: itself, and for passports and national ids also the number
    without its issuing country (one list says "passport 592667 (Russia)", another only "592667")."""
    scheme, _, value = ident.partition(":")
    keys = [ident]
    for family in ("passport", "national-id"):
        if scheme == family or scheme.endswith("-" + family):
            keys.append(f"{family}:{value}")
    return keys


def _dates_agree(x: str, y: str) -> bool:
    return x.startswith(y) or y.startswith(x)  # "1961" agrees with "1961-07-14"


def _evidence_conflict(a: Ent, b: Ent) -> str | None:
    """Identity evidence that two records are not the same: a different number of one scheme (INN, OGRN,
    LEI, IMO, a national id ...), each valid, or dates of birth that cannot be the same day."""
    sa: dict[str, set] = defaultdict(set)
    sb: dict[str, set] = defaultdict(set)
    for i in a.identifiers:
        if matchable(i):
            sa[i.split(":", 1)[0]].add(i)
    for i in b.identifiers:
        if matchable(i):
            sb[i.split(":", 1)[0]].add(i)
    for scheme in sorted(set(sa) & set(sb)):
        if scheme.startswith(MANY_PER_HOLDER) or scheme.endswith(MANY_PER_HOLDER):
            continue
        if not sa[scheme] & sb[scheme]:
            return (f"different {scheme} ({', '.join(sorted(x.split(':', 1)[1] for x in sa[scheme]))} / "
                    f"{', '.join(sorted(x.split(':', 1)[1] for x in sb[scheme]))})")
    if a.birth_dates and b.birth_dates and not any(_dates_agree(x, y) for x in a.birth_dates
                                                   for y in b.birth_dates):
        return f"dates of birth differ ({', '.join(a.birth_dates)} / {', '.join(b.birth_dates)})"
    return None


def _conflict(a: Ent, b: Ent) -> str | None:
    """A reason two similarly named entities are not the same: conflicting identity evidence, or countries."""
    why = _evidence_conflict(a, b)
    if why:
        return why
    if a.country and b.country and a.country != b.country:
        return f"countries differ ({a.country} / {b.country})"
    return None


def _agreement(a: Ent, b: Ent) -> str:
    """Evidence two records share beyond the one a pair was found on (named in the merge reason)."""
    same = sorted({x for x in a.birth_dates for y in b.birth_dates if x == y})
    return f"; same date of birth {same[0]}" if same else ""


def exact_pairs(ents: list[Ent]) -> list[Pair]:
    by_id = {e.id: e for e in ents}
    index: dict[str, list[str]] = defaultdict(list)
    for e in ents:
        for i in e.identifiers:
            if matchable(i):
                for key in match_keys(i):
                    if e.id not in index[key]:
                        index[key].append(e.id)
    pairs: dict[frozenset, Pair] = {}

    def add(a: Ent, b: Ent, reason: str) -> None:
        key = frozenset((a.id, b.id))
        if key in pairs:
            return
        conflict = _evidence_conflict(a, b)
        if conflict:  # the evidence disagrees: an analyst decides
            pairs[key] = Pair(a.id, b.id, 100.0, f"{reason}, but {conflict}", "review")
        else:
            pairs[key] = Pair(a.id, b.id, 100.0, reason + _agreement(a, b), "merge")

    for e in ents:  # referents: a source record id that is another entity's id
        for rid in sorted(e.record_ids):
            other = by_id.get(rid)
            if other is not None and other.id != e.id and group_of(other.type) == group_of(e.type):
                add(e, other, f"referent {rid}")
    for ident, members in index.items():
        if len(members) < 2 or len(members) > MAX_KEY:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = by_id[members[x]], by_id[members[y]]
                if _comparable(a, b):
                    checked = " (checksum valid)" if valid(ident) else ""
                    add(a, b, f"same {ident}{checked}")
    return list(pairs.values())


def name_pairs(ents: list[Ent], merge_at: float, review_at: float, skip: set[frozenset]) -> list[Pair]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(ents):
        for tok in {t for name in e.names for t in name.split() if len(t) >= 3}:
            blocks[tok].append(n)
    seen: set[tuple[int, int]] = set()
    out = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        if len({ents[m].datasets for m in members}) < 2:
            continue  # one dataset only: nothing to compare
        for x in range(len(members)):
            a = ents[members[x]]
            for y in range(x + 1, len(members)):
                key = (members[x], members[y])
                if key in seen:
                    continue
                seen.add(key)
                b = ents[members[y]]
                if not _comparable(a, b) or frozenset((a.id, b.id)) in skip:
                    continue
                score = max(fuzz.token_sort_ratio(p, q) for p in a.names for q in b.names)
                if score < review_at:
                    continue
                # a merge needs one side's main name to match: alias-to-alias likeness is only a hint
                primary = max([fuzz.token_sort_ratio(a.primary, q) for q in b.names if a.primary] +
                              [fuzz.token_sort_ratio(b.primary, p) for p in a.names if b.primary] + [0])
                conflict = _conflict(a, b)
                if primary >= merge_at and a.type == b.type and not conflict:
                    out.append(Pair(a.id, b.id, primary, f"name score {primary:.0f}" + _agreement(a, b), "merge"))
                elif conflict and score < merge_at:
                    continue  # a middling name likeness against a conflicting identifier or country: noise
                else:
                    why = f"name score {score:.0f}" + (f"; {conflict}" if conflict else "")
                    if a.type != b.type:
                        why += f"; types {a.type} / {b.type}"
                    elif primary < merge_at <= score:
                        why += "; aliases only"
                    out.append(Pair(a.id, b.id, score, why, "review"))
    # an entity with several name matches of the same kind is ambiguous: all of them go to review
    partners: dict[str, int] = defaultdict(int)
    for p in out:
        if p.action == "merge":
            partners[p.a] += 1
            partners[p.b] += 1
    for p in out:
        if p.action == "merge" and (partners[p.a] > 1 or partners[p.b] > 1):
            p.action, p.reason = "review", p.reason + "; several close matches"
    return out


# ---------------------------------------------------------------------------------------------- merging
def _clusters(pairs: Iterable[Pair]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        ra, rb = find(p.a), find(p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def merge(store, decisions: Decisions, keep: str, drop: str, reason: str, score: float, by: str) -> dict:
    snapshot = store.merge_entities(keep, drop)
    return decisions.add({"action": "merge", "keep": keep, "drop": drop, "reason": reason, "score": score,
                          "by": by, "snapshot": snapshot})


@dataclass
class RunReport:
    merged: list[dict] = field(default_factory=list)
    reapplied: int = 0
    candidates: int = 0
    compared: int = 0


def run(store, merge_at: float = 95, review_at: float = 80,
        on_progress: Callable[[str], None] | None = None) -> RunReport:
    if not 0 <= review_at <= merge_at <= 100:
        raise InputError("thresholds must satisfy 0 <= review <= merge <= 100")
    decisions = Decisions(decisions_path(store))
    report = RunReport()
    # merges decided earlier whose dropped id was ingested again: merge it again
    for it in decisions.active_merges():
        if store.existing_ids([it["drop"]]):
            keep = store.resolve_id(it["keep"]) if it["keep"] != it["drop"] else None
            if keep and keep != it["drop"]:
                merge(store, decisions, keep, it["drop"], it["reason"], it.get("score", 100), "reapplied")
                report.reapplied += 1
    ents = load_entities(store)
    report.compared = len(ents)
    by_id = {e.id: e for e in ents}
    rejected = decisions.rejected()
    found = [p for p in exact_pairs(ents) if frozenset((p.a, p.b)) not in rejected]
    exact = [p for p in found if p.action == "merge"]
    blocked = [p for p in found if p.action == "review"]  # equal ids or a referent, against other evidence
    if on_progress:
        on_progress(f"{len(exact)} exact identifier matches among {len(ents):,} entities"
                    + (f", {len(blocked)} blocked by conflicting evidence" if blocked else ""))
    fuzzy = name_pairs(ents, merge_at, review_at, rejected | {frozenset((p.a, p.b)) for p in found})
    fuzzy = blocked + fuzzy
    to_merge = list(exact)
    cluster_ds = {e.id: set(e.datasets) for e in ents}
    for c in _clusters(exact):
        union = set().union(*(by_id[i].datasets for i in c))
        for i in c:
            cluster_ds[i] = union
    for p in fuzzy:
        if p.action != "merge":
            continue
        if cluster_ds[p.a] & cluster_ds[p.b]:  # would join two entries one list keeps apart
            p.action, p.reason = "review", p.reason + "; would join two records of one dataset"
            continue
        to_merge.append(p)
        union = cluster_ds[p.a] | cluster_ds[p.b]
        cluster_ds[p.a] = cluster_ds[p.b] = union
    why = {frozenset((p.a, p.b)): p for p in to_merge}
    for cluster in _clusters(to_merge):
        keep = max(cluster, key=lambda i: (by_id[i].n_sources, -len(i), [-ord(c) for c in i]))
        for drop in cluster:
            if drop == keep:
                continue
            p = next((why[k] for k in (frozenset((keep, drop)),) if k in why), None)
            if p is None:  # merged through a third member of the cluster
                p = next(v for k, v in why.items() if drop in k)
            report.merged.append(merge(store, decisions, keep, drop, p.reason, p.score, "auto"))
    merged_away = {m["drop"] for m in report.merged}
    reviews = []
    for p in fuzzy:
        if p.action != "review" or p.a in merged_away or p.b in merged_away:
            continue
        reviews.append(Relation(source_id=p.a, target_id=p.b, type="possible_same_as", note=p.reason,
                                sources=[Source(RESOLVER, p.reason)]))
    if reviews:
        store.upsert_relations(reviews)
    report.candidates = len(reviews)
    return report


def candidates(store) -> list[dict]:
    return store.possible_same_as()



def confirm(store, a: str, b: str) -> dict:
    """An analyst says a and b are the same: merge b into a (any merged id may be given)."""
    ka, kb = store.resolve_id(a), store.resolve_id(b)
    for given, found in ((a, ka), (b, kb)):
        if found is None:
            raise NotFound(f"no entity with id {given!r}")
    if ka == kb:
        raise InputError(f"{a} and {b} are already one entity ({ka})")
    return merge(store, Decisions(decisions_path(store)), ka, kb, "confirmed by analyst", 100.0, "analyst")


def reject(store, a: str, b: str) -> int:
    """An analyst says a and b are different: drop the candidate link and never propose the pair again."""
    ka, kb = store.resolve_id(a) or a, store.resolve_id(b) or b
    found = store.possible_same_as(ka, kb)
    store.delete_relations([(c["a"], c["b"], "possible_same_as", c["id"]) for c in found])
    Decisions(decisions_path(store)).add({"action": "reject", "a": ka, "b": kb})
    return len(found)


def undo(store, entity_id: str) -> list[dict]:
    """Undo the merge that dropped `entity_id` (or every merge into it, when it is a kept id).

    Later merges are rolled back first and applied again afterwards, so each snapshot restores exactly the
    state it was taken from."""
    decisions = Decisions(decisions_path(store))
    active = decisions.active_merges()
    targets = [m for m in active if m["drop"] == entity_id] or [m for m in active if m["keep"] == entity_id]
    if not targets:
        raise NotFound(f"no active merge involves {entity_id!r} (see `ownerscope resolve list`)")
    first = min(active.index(t) for t in targets)
    later = active[first:]
    for m in reversed(later):
        store.unmerge_entities(m["snapshot"])
    undone = []
    for m in later:
        if m in targets:
            undone.append(decisions.add({"action": "undo", "keep": m["keep"], "drop": m["drop"]}))
        else:
            decisions.add({"action": "undo", "keep": m["keep"], "drop": m["drop"], "replay": True})
            merge(store, decisions, m["keep"], m["drop"], m["reason"], m.get("score", 100), m.get("by", "auto"))
    return undone
