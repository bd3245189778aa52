"""Typed records with deterministic ids: Entity, Relation, Designation, Source.

Ids are derived from source keys only, so re-ingesting the same file gives the same ids and upserts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

ENTITY_TYPES = ("person", "company", "organization", "vessel", "public_body", "legal_entity", "airplane",
                "unknown")
# the CSV bundle accepts these (DESIGN.md); adapters may also produce airplane / unknown placeholders
CSV_ENTITY_TYPES = ENTITY_TYPES[:6]

# relation type -> relationship label in the stores
RELATION_LABELS = {
    "ownership": "OWNS",
    "control": "CONTROLS",
    "directorship": "DIRECTS",
    "family": "FAMILY",
    "associate": "ASSOCIATE",
    "facilitation": "FACILITATES",
    "linked": "LINKED",
    "possible_same_as": "POSSIBLE_SAME_AS",
    # an interest the source states without its kind (BODS untyped / unknown interests): it may be a
    # holding of any size or control, so the exposure engine lets it make an entity `possible`, never more
    "interest": "HAS_INTEREST",
}
LABEL_RELATIONS = {v: k for k, v in RELATION_LABELS.items()}
RELATION_TYPES = tuple(RELATION_LABELS)
CSV_RELATION_TYPES = RELATION_TYPES[:7] + ("interest",)
UNDIRECTED = {"family", "associate", "linked", "possible_same_as"}


def stable_id(prefix: str, *parts: object) -> str:
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:20]}"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: the dataset it was loaded from, the record in it and a URL."""

    dataset: str
    record_id: str = ""
    url: str = ""

    def to_json(self) -> str:
        return json.dumps({"dataset": self.dataset, "record_id": self.record_id, "url": self.url},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Source":
        """The source stored as `raw`; a value that is not the JSON object `to_json` writes (one written into
        the store some other way) is kept as the dataset's name, never an error."""
        try:
            d = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            d = None
        if not isinstance(d, dict):
            return cls(str(raw))
        text = lambda k: d.get(k) if isinstance(d.get(k), str) else ("" if d.get(k) is None else str(d.get(k)))
        return cls(text("dataset"), text("record_id"), text("url"))


def merge_sources(*groups: list[Source]) -> list[Source]:
    seen: dict[Source, None] = {}
    for group in groups:
        for s in group:
            seen.setdefault(s, None)
    return list(seen)


def _merge_list(a: list[str], b: list[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


@dataclass
class Entity:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    identifiers: list[str] = field(default_factory=list)  # "scheme:value"
    birth_dates: list[str] = field(default_factory=list)  # ISO, partial allowed: "1961", "1961-07"
    nationalities: list[str] = field(default_factory=list)  # lower-case country codes
    addresses: list[str] = field(default_factory=list)  # one-line address text
    notes: str | None = None
    sources: list[Source] = field(default_factory=list)

    def merged_with(self, other: "Entity") -> "Entity":
        """Combine two records of the same id: the newer one wins scalar fields, lists are united."""
        aliases = _merge_list(self.aliases, other.aliases)
        name = other.name or self.name
        if self.name and self.name != name and self.name not in aliases:
            aliases.append(self.name)
        aliases = [a for a in aliases if a != name]
        return Entity(
            id=self.id, type=other.type or self.type, name=name, aliases=aliases,
            country=other.country or self.country,
            identifiers=_merge_list(self.identifiers, other.identifiers),
            birth_dates=_merge_list(self.birth_dates, other.birth_dates),
            nationalities=_merge_list(self.nationalities, other.nationalities),
            addresses=_merge_list(self.addresses, other.addresses),
            notes=other.notes or self.notes,
            sources=merge_sources(self.sources, other.sources),
        )

    def absorb(self, drop: "Entity") -> "Entity":
        """This entity after entity resolution folds `drop` into it: its own name and type stay, the other
        record's names become aliases; identifiers, dates of birth, nationalities, addresses and sources are
        united."""
        aliases = [a for a in dict.fromkeys([*self.aliases, drop.name, *drop.aliases]) if a and a != self.name]
        return Entity(id=self.id, type=self.type, name=self.name, aliases=aliases,
                      country=self.country or drop.country,
                      identifiers=_merge_list(self.identifiers, drop.identifiers),
                      birth_dates=_merge_list(self.birth_dates, drop.birth_dates),
                      nationalities=_merge_list(self.nationalities, drop.nationalities),
                      addresses=_merge_list(self.addresses, drop.addresses),
                      notes=self.notes or drop.notes, sources=merge_sources(self.sources, drop.sources))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sources"] = [asdict(s) for s in self.sources]
        return d


@dataclass
class Relation:
    """A directed link: `source_id` owns / controls / directs / facilitates `target_id`."""

    source_id: str
    target_id: str
    type: str
    share: float | None = None
    share_min: float | None = None
    share_max: float | None = None
    start_date: str | None = None
    end_date: str | None = None
    ended: bool = False  # known to have ended, date unknown
    basis: str | None = None
    joint_group: str | None = None
    role: str | None = None
    note: str | None = None
    sources: list[Source] = field(default_factory=list)
    key: str | None = None  # an extra source key when one source gives several links of one kind
    share_min_exclusive: bool = False  # share_min is a strict bound: "more than 50%" (UK PSC bands, BODS)
    # statement history: the source record this relation is one version of (BODS recordId, the first
    # statement of a 0.2/0.3 replacesStatements chain), the date from which this version describes the
    # record (its statement date; a closure's effective date), and the date the source stopped asserting
    # it (a snapshot re-ingest in which it no longer appears). Of the versions of one record the exposure
    # engine counts, on each date, the latest one asserted by then (before the first: the first).
    record_id: str | None = None
    asserted_from: str | None = None
    asserted_until: str | None = None

    @property
    def id(self) -> str:
        parts = (self.source_id, self.target_id, self.type, self.start_date, self.role, self.basis,
                 self.joint_group, self.key)
        cached = self.__dict__.get("_id_cache")
        if cached is None or cached[0] != parts:  # fields may change after creation: key on them
            cached = (parts, stable_id("rel", *parts))
            self.__dict__["_id_cache"] = cached
        return cached[1]

    def merged_with(self, other: "Relation") -> "Relation":
        d = {k: getattr(other, k) for k in self.__dataclass_fields__}
        d["sources"] = merge_sources(self.sources, other.sources)
        return Relation(**d)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        d["sources"] = [asdict(s) for s in self.sources]
        return d


@dataclass
class Designation:
    entity_id: str
    authority: str
    program: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    note: str | None = None
    sources: list[Source] = field(default_factory=list)
    # the list version (ListVersion.id) that asserted it and that version's publication date: for an
    # undated designation "listed on or before list_published" is all that is known of its date
    list_version: str | None = None
    list_published: str | None = None

    @property
    def id(self) -> str:
        parts = (self.entity_id, self.authority, self.program, self.start_date)
        cached = self.__dict__.get("_id_cache")
        if cached is None or cached[0] != parts:  # fields may change after creation: key on them
            cached = (parts, stable_id("des", *parts))
            self.__dict__["_id_cache"] = cached
        return cached[1]

    def merged_with(self, other: "Designation") -> "Designation":
        d = {k: getattr(other, k) for k in self.__dataclass_fields__}
        d["sources"] = merge_sources(self.sources, other.sources)
        # the earliest list version that carried it bounds an unknown listing date best
        mine = (self.list_published or "9999", self.list_version)
        theirs = (other.list_published or "9999", other.list_version)
        if self.list_version and (not other.list_version or mine < theirs):
            d["list_version"], d["list_published"] = self.list_version, self.list_published
        return Designation(**d)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        d["sources"] = [asdict(s) for s in self.sources]
        return d


@dataclass
class ListVersion:
    """One loaded version of a published list or source file: who published it, when (as stated in the
    file, or the file's date when it states none), its content hash and when it was loaded."""

    authority: str               # the publishing authority: us, eu, un, uk, ... ("" when mixed)
    name: str                    # "OFAC SDN list (advanced XML)"
    format: str                  # the adapter
    sha256: str
    published: str | None = None
    published_basis: str = "file header"  # or "file date", "given by the user"
    loaded: str = ""             # ISO timestamp (UTC) of the first load
    files: list[str] = field(default_factory=list)
    url: str = ""
    authorities: list[str] = field(default_factory=list)  # designation authorities it carries
    records: int = 0             # rows read from it

    @property
    def id(self) -> str:
        return stable_id("list", self.format, self.sha256)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["id"] = self.id
        return d

    def words(self) -> str:
        """'OFAC SDN list (advanced XML) published 2024-05-03, loaded 2026-12-02'."""
        pub = self.published or "unknown"
        basis = "" if self.published_basis == "file header" else f" ({self.published_basis})"
        return f"{self.name} published {pub}{basis}, loaded {(self.loaded or '')[:10]}"


def dedupe(records: list) -> list:
    """Merge records sharing an id inside one batch (later ones win), keeping first-seen order."""
    out: dict[str, object] = {}
    for r in records:
        prev = out.get(r.id)
        out[r.id] = r if prev is None else prev.merged_with(r)
    return list(out.values())
