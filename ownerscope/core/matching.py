"""Candidate generation and scoring for matching a described party against the store.

A MatchIndex is built once per store data version from every entity record: name and alias tokens (and
4-letter token prefixes, so "Rostech" finds "Rostec") and normalised identifier values point to entities.
`score` compares one query with one candidate on four features and reports each of them:

    name           best token-sort similarity of any query name with any candidate name or alias (0..1)
    dob_match      a date of birth agrees (+0.10 full date, +0.07 month, +0.05 year only)
    dob_mismatch   both sides give dates of birth and none agrees (-0.20)
    identifier     an identifier value agrees (the score is raised to at least 0.95)
    country_match  a country or nationality agrees (+0.05)
    country_mismatch  both sides give countries and none agrees (-0.10)

The score is the name similarity plus those adjustments, clipped to 0..1. It is a plain, explained
heuristic, not a trained model: a name alone never scores above its similarity.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from ..graph.model import Entity
from ..text import norm

ALGORITHM = "ownerscope-name-dob-id-country"
VERSION = "1"
FEATURES = {
    "name": (1.0, "Best token-sort similarity of a query name with a candidate name or alias."),
    "dob_match": (0.10, "A date of birth agrees (0.10 full date, 0.07 month, 0.05 year)."),
    "dob_mismatch": (-0.20, "Both give dates of birth and none agrees."),
    "identifier": (0.95, "An identifier agrees: the score is raised to at least this value."),
    "country_match": (0.05, "A country, jurisdiction or nationality agrees."),
    "country_mismatch": (-0.10, "Both give countries and none agrees."),
}
MAX_CANDIDATES = 200  # candidates taken from the index per query
MAX_SCORED = 25  # of those, the best by name similarity (and every identifier hit) get the full score
COMMON_TOKEN = 5000  # a token naming more entities than this only counts when the query has no rarer one
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@dataclass
class MatchQuery:
    names: list[str]
    types: frozenset[str] | None = None  # ownerscope entity types a candidate may have; None: any
    birth_dates: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)  # bare values ("7706107510")
    countries: list[str] = field(default_factory=list)  # lower-case codes


@dataclass
class Scored:
    entity: Entity
    score: float
    features: dict[str, dict]  # feature -> {"score", "detail", "query", "candidate"}


def ident_key(value: str | None) -> str:
    """An identifier value for comparison: upper-case letters and digits only."""
    return _NOT_ALNUM.sub("", (value or "").upper())


def _tokens(text: str) -> list[str]:
    return [t for t in norm(text).split() if len(t) >= 2]


def _keys(text: str) -> set[str]:
    keys: set[str] = set()
    for t in _tokens(text):
        keys.add(t)
        if len(t) >= 5:
            keys.add("p:" + t[:4])
    return keys


class MatchIndex:
    def __init__(self, entities: list[Entity]):
        self.entities = entities
        self.by_id = {e.id: i for i, e in enumerate(entities)}
        self.keys: dict[str, list[int]] = {}
        self.idents: dict[str, list[int]] = {}
        self.names: list[list[str]] = []  # normalised names and aliases per entity
        for i, e in enumerate(entities):
            keys: set[str] = set()
            self.names.append([norm(n) for n in [e.name, *e.aliases] if n])
            for n in [e.name, *e.aliases]:
                keys |= _keys(n or "")
            for k in keys:
                self.keys.setdefault(k, []).append(i)
            for ident in e.identifiers:
                v = ident_key(ident.split(":", 1)[-1])
                if len(v) >= 4:
                    self.idents.setdefault(v, []).append(i)

    def shortlist(self, q: MatchQuery, keep: int = MAX_SCORED) -> list[int]:
        """The candidates worth a full score: every identifier hit, then the best by name similarity (the
        same token-sort similarity `score` uses, computed for all candidates at once)."""
        cands = self.candidates(q)
        if len(cands) <= keep:
            return cands
        by_ident = {i for v in q.identifiers for i in self.idents.get(ident_key(v), [])}
        flat, owner = [], []
        for i in cands:
            for n in self.names[i]:
                flat.append(n)
                owner.append(i)
        qn = [norm(n) for n in q.names]
        if not flat or not qn:
            return cands[:keep]
        sims = process.cdist(qn, flat, scorer=fuzz.token_sort_ratio, dtype=np.uint8).max(axis=0)
        best: dict[int, int] = {}
        for i, v in zip(owner, sims.tolist()):
            if v > best.get(i, -1):
                best[i] = v
        ranked = sorted(cands, key=lambda i: -best.get(i, 0))
        out = [i for i in cands if i in by_ident]
        out += [i for i in ranked if i not in by_ident][:max(0, keep - len(out))]
        return out

    def candidates(self, q: MatchQuery, limit: int = MAX_CANDIDATES) -> list[int]:
        hits: Counter[int] = Counter()
        for v in q.identifiers:
            for i in self.idents.get(ident_key(v), []):
                hits[i] += 1000
        for name in q.names:
            keys = _keys(name)
            postings = sorted((self.keys.get(k, []) for k in keys), key=len)
            rare = [p for p in postings if 0 < len(p) <= COMMON_TOKEN]
            for p in rare or postings[:1]:
                for i in p[:COMMON_TOKEN]:
                    hits[i] += 1
        out = []
        for i, _ in hits.most_common():
            if q.types is None or self.entities[i].type in q.types:
                out.append(i)
                if len(out) >= limit:
                    break
        return out


def _dob(query: list[str], cand: list[str]) -> tuple[float, str | None, str | None]:
    """(weight of the best agreement, query value, candidate value); weight -1 for a disagreement."""
    best = (0.0, None, None)
    for a in query:
        for b in cand:
            n = min(len(a), len(b), 10)
            if n >= 4 and a[:n] == b[:n]:
                w = 0.10 if n >= 10 else 0.07 if n >= 7 else 0.05
                if w > best[0]:
                    best = (w, a, b)
    if best[0] == 0.0 and query and cand:
        return -1.0, query[0], cand[0]
    return best


def score(q: MatchQuery, e: Entity) -> Scored:
    feats: dict[str, dict] = {}
    cand_names = [n for n in [e.name, *e.aliases] if n]
    best, qn, cn = 0.0, None, None
    for a in q.names:
        na = norm(a)
        for b in cand_names:
            s = fuzz.token_sort_ratio(na, norm(b)) / 100.0
            if s > best:
                best, qn, cn = s, a, b
    feats["name"] = {"score": round(best, 4), "detail": "token-sort similarity", "query": qn, "candidate": cn}
    total = best
    w, qd, cd = _dob(q.birth_dates, e.birth_dates)
    if w > 0:
        feats["dob_match"] = {"score": w, "detail": "date of birth agrees", "query": qd, "candidate": cd}
        total += w
    elif w < 0:
        feats["dob_mismatch"] = {"score": FEATURES["dob_mismatch"][0], "detail": "dates of birth differ",
                                 "query": qd, "candidate": cd}
        total += FEATURES["dob_mismatch"][0]
    cand_ids = {ident_key(i.split(":", 1)[-1]): i for i in e.identifiers}
    for v in q.identifiers:
        k = ident_key(v)
        if len(k) >= 4 and k in cand_ids:
            feats["identifier"] = {"score": FEATURES["identifier"][0], "detail": "identifier agrees",
                                   "query": v, "candidate": cand_ids[k]}
            total = max(total, FEATURES["identifier"][0])
            break
    qc = {c.lower() for c in q.countries if c}
    cc = {c.lower() for c in [e.country, *e.nationalities] if c}
    if qc and cc:
        common = sorted(qc & cc)
        if common:
            feats["country_match"] = {"score": FEATURES["country_match"][0], "detail": "country agrees",
                                      "query": common[0], "candidate": common[0]}
            total += FEATURES["country_match"][0]
        else:
            feats["country_mismatch"] = {"score": FEATURES["country_mismatch"][0], "detail": "countries differ",
                                         "query": sorted(qc)[0], "candidate": sorted(cc)[0]}
            total += FEATURES["country_mismatch"][0]
    return Scored(entity=e, score=round(min(1.0, max(0.0, total)), 4), features=feats)


__all__ = ["ALGORITHM", "FEATURES", "MatchIndex", "MatchQuery", "Scored", "ident_key", "score"]
