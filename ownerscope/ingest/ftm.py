"""FollowTheMoney JSON lines, as OpenSanctions publishes them (`entities.ftm.json`).

One JSON object a line, read through the followthemoney model: the schema (with its inheritance) decides
what a record is, and each property is read by its FtM type, as leniently as FollowTheMoney itself reads
it (a plain string where a list is expected is one value; countries given as names become codes).
- Person / Company / Organization / LegalEntity / PublicBody / Vessel / Airplane / Position become
  entities, with dates of birth, nationalities and addresses;
- Ownership, Directorship, Family, Associate, Control and the other interval links become relations (the
  FtM id of the link is the relation's `key`); Payment becomes a dated `linked` relation payer ->
  beneficiary with its amount; Occupancy becomes a `linked` relation holder -> position (a PEP role, with
  its dates);
- Sanction becomes a designation whose authority is the listing jurisdiction's lower-case code, with its
  start and end dates;
- Address, Identification and Passport records become attributes (addresses, identifiers) of the entity
  they belong to, applied at the end of the file as an update of that entity.
Other schemata are skipped with a reason. Every record keeps its FtM id as the source record id, one
source per OpenSanctions dataset, and each `referent` (the ids the entity had in the lists it was merged
from, e.g. `ofac-45937`) as an extra source.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import orjson
from followthemoney import model, registry

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Relation, Source
from ..urls import url_problem
from . import identifiers as ids
from .jsonstream import TOO_DEEP, nesting_problem
from .records import SHAPE_ERRORS, Parsed, Rejected, Skipped, count_newlines, shape_error
from .countries import country_code
from .records import Parsed, Rejected, Skipped, count_newlines
from .registry import Adapter, register

# FtM schema -> model entity type, most specific first (checked with Schema.is_a)
ENTITY_SCHEMATA = (("Vessel", "vessel"), ("Airplane", "airplane"), ("Person", "person"),
                   ("PublicBody", "public_body"), ("Company", "company"), ("Organization", "organization"),
                   ("LegalEntity", "legal_entity"), ("Position", "public_body"))
# FtM link schema -> (model relation type, how the role is labelled)
LINK_SCHEMATA = {"Ownership": "ownership", "Control": "control", "Directorship": "directorship",
                 "Family": "family", "Associate": "associate", "UnknownLink": "linked",
                 "Employment": "linked", "Membership": "linked", "Representation": "linked",
                 "Succession": "linked"}
# FtM property -> identifier scheme ("{cc}" = the entity's jurisdiction or country)
ID_PROPS = {"innCode": "ru-inn", "ogrnCode": "ru-ogrn", "leiCode": "lei", "imoNumber": "imo",
            "okpoCode": "ru-okpo", "swiftBic": "swift", "dunsCode": "duns", "uniqueEntityId": "us-uei",
            "isinCode": "isin", "permId": "permid", "mmsi": "mmsi", "vatCode": "{cc}-vat",
            "registrationNumber": "{cc}-registration", "taxNumber": "{cc}-tax",
            "icaoCode": "icao", "serialNumber": "serial"}
# identity documents (Identification, Passport) -> identifier scheme by the document's type
DOC_SCHEMES = {"passport": "passport", "national id": "national-id", "national identification": "national-id",
               "id card": "national-id", "identity card": "national-id"}
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
COUNTRY_PROPS = ("jurisdiction", "country", "mainCountry", "nationality", "citizenship", "flag")


# ------------------------------------------------------------------------------------------ authorities
# (ftm country, authority or dataset pattern) -> authority code. Listing bodies that are not sanctions
# authorities get a suffix so the exposure rules of us / eu / uk never mistake them for their lists.
_AUTHORITY_RULES = (
    (None, re.compile(r"bureau of industry|entity list|\bBIS\b|us_bis|us_trade_csl_el", re.I), "us-bis"),
    (None, re.compile(r"us_sam_exclusions", re.I), "us-sam"),
    (None, re.compile(r"insolvency service|gb_coh_disqualified|disqualif", re.I), "uk-disqualified"),
    (None, re.compile(r"economy, trade and industry|jp_meti", re.I), "jp-meti"),
    (None, re.compile(r"ua_war_sanctions|ГУР", re.I), "ua-war"),
    (None, re.compile(r"security council|united nations|\bUNSC\b|un_sc_sanctions", re.I), "un"),
    (None, re.compile(r"office of foreign assets control|\bOFAC\b|us_ofac", re.I), "us"),
    (None, re.compile(r"european union|council of the eu|eu_fsf|eu_journal|eu_travel_bans|"
                      r"Directorate.General for Financial Stability", re.I), "eu"),
    (None, re.compile(r"HM Treasury|OFSI|Foreign, Commonwealth|gb_hmt|gb_fcdo", re.I), "uk"),
)
_COUNTRY_AUTHORITY = {"gb": "uk", "uk": "uk", "eu": "eu", "zz": "un"}


def authority_code(countries: list[str], authority: str, datasets: list[str]) -> str | None:
    """The lower-case listing-jurisdiction code of a Sanction (DESIGN.md), or None when unknown."""
    text = " ".join([authority, *datasets])
    for _, pattern, code in _AUTHORITY_RULES:
        if pattern.search(text):
            return code
    for c in countries:
        c = c.strip().lower()
        if c in _COUNTRY_AUTHORITY:
            return _COUNTRY_AUTHORITY[c]
        if re.fullmatch(r"[a-z]{2}", c):
            return c
    return None


# ------------------------------------------------------------------------------------------ shares
_RANGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*(?:-|–|to)\s*(\d+(?:[.,]\d+)?)\s*%?\s*$", re.I)
_BOUND = re.compile(r"^\s*(<=?|>=?|more than|over|above|less than|under|below|at least|up to)\s*"
                    r"(\d+(?:[.,]\d+)?)\s*%?\s*$", re.I)
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%?\s*$")


def parse_share(raw: str | None) -> tuple[float | None, float | None, float | None]:
    """A published percentage as (share, share_min, share_max): "50", "50.0%", "25-50", ">50".

    Raises ValueError for text that is not a percentage from 0 to 100."""
    if raw is None or not str(raw).strip():
        return None, None, None
    text = str(raw).strip()

    def num(s: str) -> float:
        x = float(s.replace(",", "."))
        if not 0 <= x <= 100:
            raise ValueError(f"percentage {text!r} is outside 0..100")
        return x

    m = _NUMBER.match(text)
    if m:
        return num(m.group(1)), None, None
    m = _RANGE.match(text)
    if m:
        lo, hi = num(m.group(1)), num(m.group(2))
        if lo > hi:
            lo, hi = hi, lo
        return None, lo, hi
    m = _BOUND.match(text)
    if m:
        op, x = m.group(1).lower(), num(m.group(2))
        if op in (">", ">=", "more than", "over", "above", "at least"):
            return None, x, 100.0
        return None, 0.0, x
    raise ValueError(f"percentage {text!r} is not a number or a range")


# ------------------------------------------------------------------------------------------ reading
class _Bad(ValueError):
    pass


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def count_lines(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        with _open(p) as fh:
            total += count_newlines(fh)
    return total


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for path in paths:
        if path.is_dir():
            raise InputError(f"{path}: the ftm format reads JSON-lines files, not folders")
        yield from read_file(path, dataset)


class _Attributes:
    """Address, Identification and Passport records of one file, applied to their entities at its end
    (they may come before or after the entity they belong to)."""

    def __init__(self):
        self.seen: set[str] = set()  # entity ids of this file
        self.refs: dict[str, list[str]] = {}  # Address id -> entities that name it (addressEntity)
        self.rows: list[tuple[str, str, int, str, list[str]]] = []  # (kind, holder or address id, ...)

    def finish(self) -> Iterator[Parsed | Skipped]:
        for kind, key, fname, line, values in self.rows:
            if kind == "address":
                holders = [h for h in self.refs.get(key, []) if h in self.seen]
                if not holders:
                    yield Skipped(fname, line, "FtM Address that no entity of this file refers to")
                    continue
                for n, h in enumerate(holders):  # the row counts once; further holders are updates
                    yield Parsed(Entity(id=h, type="", name="", addresses=list(values)), fname, line,
                                 update=n > 0)
            elif key in self.seen:
                yield Parsed(Entity(id=key, type="", name="", identifiers=list(values)), fname, line)
            else:
                yield Skipped(fname, line, f"FtM {kind} of an entity not in this file")


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    fname = str(path)
    attrs = _Attributes()
    with _open(path) as fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = orjson.loads(raw)
            except orjson.JSONDecodeError as e:
                reason = TOO_DEEP if "depth limit" in str(e) or "recursion" in str(e) else f"not valid JSON: {e}"
                yield Rejected(fname, line_no, reason, raw[:500].decode("utf-8", "replace"))
                continue
            deep = nesting_problem(raw, obj)
            if deep:
                yield Rejected(fname, line_no, deep.reason, raw[:500].decode("utf-8", "replace"))
                continue
            try:
                yield from _convert(obj, fname, line_no, dataset, attrs)
            except _Bad as e:
                yield Rejected(fname, line_no, str(e), obj)
            except SHAPE_ERRORS as e:
                yield Rejected(fname, line_no, shape_error(e), obj)
    yield from attrs.finish()


@lru_cache(maxsize=256)
def _schema_props(schema) -> dict[str, bool]:
    """Property name -> whether it holds countries, for every property of a schema (inherited too)."""
    return {name: prop.type == registry.country for name, prop in schema.properties.items()}


def _props(schema, raw: dict, eid: str) -> dict[str, list[str]]:
    """The record's properties by FtM type, as leniently as FollowTheMoney reads them: a scalar is one
    value, a list its values; properties the schema does not have are left out (as FtM does); country
    values become lower-case codes (a name such as "Lebanon" is cleaned), other values stay as given."""
    table = _schema_props(schema)
    out: dict[str, list[str]] = {}
    for name, values in raw.items():
        is_country = table.get(name)
        if is_country is None:
            continue
        if type(values) is not list:
            values = [values]
        vals = []
        for v in values:
            if type(v) is not str:
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    v = str(v)
                else:
                    continue
            v = v.strip()
            if not v:
                continue
            if is_country:
                v = country_code(v)
                if v is None:
                    continue
            vals.append(v)
        if vals:
            out[name] = vals
    return out


def _first(props: dict, *names: str) -> str | None:
    for n in names:
        for v in _all(props, n):
            return v
    return None


def _all(props: dict, name: str) -> list[str]:
    """A property's values (`_props` has made every property a list)."""
    return props.get(name) or []


def _field(obj: dict, name: str) -> list[str]:
    """A top-level field of the raw record (datasets, referents): a plain string is one value, as FtM
    reads it; anything else that is not a list is a malformed record."""
    v = obj.get(name)
    if v is None or v == "":
        return []
    return [v] if isinstance(v, str) else list(v)


def _date(props: dict, *names: str, earliest: bool = True) -> str | None:
    vals = []
    for n in names:
        for v in _all(props, n):
            try:
                vals.append(parse_date(v))
            except ValueError:
                cleaned = registry.date.clean(v)  # FtM's own reading of a date ("2020-01-01 00:00" ...)
                if not cleaned:
                    raise _Bad(f"{n}: not a date: {v!r}") from None
                vals.append(parse_date(cleaned[:10]))
    vals = [v for v in vals if v]
    if not vals:
        return None
    return (min if earliest else max)(vals, key=date_floor)


def _sources(obj: dict, dataset: str, eid: str) -> list[Source]:
    props = obj.get("properties") or {}
    for u in _all(props, "sourceUrl"):
        problem = url_problem(u)
        if problem:
            raise _Bad(f"{eid}: sourceUrl: {problem}")
    url = _first(props, "sourceUrl") or ""
    out = [Source(dataset, eid, url)]
    for ds in _field(obj, "datasets"):
        out.append(Source(ds, eid, url))
    for ref in _field(obj, "referents"):
        if isinstance(ref, str) and ref and ref != eid:
            out.append(Source(dataset, ref, ""))
    return out


def _convert(obj: dict, fname: str, line: int, dataset: str, attrs: _Attributes) -> Iterator[Parsed | Skipped]:
    if not isinstance(obj, dict):
        raise _Bad("a line must hold one JSON object")
    eid = obj.get("id")
    if not isinstance(eid, str) or not eid.strip():
        raise _Bad("missing id")
    eid = eid.strip()
    schema_name = obj.get("schema")
    if not isinstance(schema_name, str) or not schema_name:
        raise _Bad(f"{eid}: missing schema")
    schema = model.get(schema_name)
    if schema is None:
        raise _Bad(f"{eid}: unknown FollowTheMoney schema {schema_name!r}")
    raw = obj.get("properties") or {}
    if not isinstance(raw, dict):
        raise _Bad(f"{eid}: properties must be an object")
    props = _props(schema, raw, eid)
    if schema.name == "Sanction":
        yield Parsed(_designation(obj, props, eid, dataset), fname, line)
        return
    if schema.name in LINK_SCHEMATA:
        yield Parsed(_relation(obj, schema, props, eid, dataset), fname, line)
        return
    if schema.name == "Payment":
        yield Parsed(_payment(obj, props, eid, dataset), fname, line)
        return
    if schema.name == "Occupancy":
        yield Parsed(_occupancy(obj, props, eid, dataset), fname, line)
        return
    kind = _kind_of(schema)
    if kind == "entity":
        ent = _entity(obj, props, eid, _entity_type_of(schema), dataset)
        if schema.name == "Position":
            ent.notes = "; ".join(x for x in ("FtM Position (a public office)", ent.notes) if x)
        attrs.seen.add(eid)
        for aid in _all(props, "addressEntity"):
            attrs.refs.setdefault(aid, []).append(eid)
        yield Parsed(ent, fname, line)
        return
    if kind == "address":
        text = _first(props, "full")
        if not text:
            parts = [v for p in ("street", "street2", "postOfficeBox", "city", "postalCode", "region", "state",
                                 "country") for v in _all(props, p)]
            text = ", ".join(v.upper() if len(v) == 2 and v.isalpha() else v for v in parts)
        if not text:
            raise _Bad(f"{eid}: Address without text")
        attrs.rows.append(("address", eid, fname, line, [text]))
        return
    if kind == "identification":
        holder = _first(props, "holder")
        if not holder:
            raise _Bad(f"{eid}: {schema.name} without holder")
        idents = _documents(schema, props)
        if not idents:
            yield Skipped(fname, line, f"FtM {schema.name} with no number (nothing to keep)")
            return
        attrs.rows.append((schema.name, holder, fname, line, idents))
        return
    yield Skipped(fname, line, f"FtM {schema.name} records are not loaded")


@lru_cache(maxsize=256)
def _kind_of(schema) -> str | None:
    """How a schema is read once it is none of the link schemata: address, identification, entity or
    None (not loaded)."""
    if schema.is_a("Address"):
        return "address"
    if schema.is_a("Identification"):
        return "identification"
    return "entity" if _entity_type_of(schema) is not None else None


@lru_cache(maxsize=256)
def _entity_type_of(schema) -> str | None:
    """The model type of an entity schema (the first of ENTITY_SCHEMATA it is), None for other schemata."""
    return next((etype for name, etype in ENTITY_SCHEMATA if schema.is_a(name)), None)


def _documents(schema, props: dict) -> list[str]:
    """Identifiers from an Identification / Passport record: passport or national-id numbers, with the
    issuing country in the scheme when the record gives it."""
    cc = _first(props, "country")
    kind = "passport" if schema.is_a("Passport") else DOC_SCHEMES.get((_first(props, "type") or "").lower(),
                                                                       "national-id")
    scheme = f"{cc}-{kind}" if cc else kind
    out = [ids.make(scheme, n) for n in _all(props, "number") + _all(props, "passportNumber")]
    return list(dict.fromkeys(i for i in out if i))


def _amount(props: dict) -> str:
    amount, cur = _first(props, "amount"), _first(props, "currency")
    parts = [f"amount {amount}{' ' + cur.upper() if cur else ''}" if amount else "",
             f"({_first(props, 'amountUsd')} USD)" if _first(props, "amountUsd") and (cur or "").lower() != "usd"
             else "", _first(props, "purpose") or "", _first(props, "programme") or ""]
    return "; ".join(p for p in parts if p)


def _payment(obj: dict, props: dict, rid: str, dataset: str) -> Relation:
    src, dst = _first(props, "payer"), _first(props, "beneficiary")
    if not src or not dst:
        raise _Bad(f"{rid}: Payment without {'payer' if not src else 'beneficiary'}")
    start = _date(props, "startDate", "date")
    end = _date(props, "endDate", earliest=False)
    return Relation(source_id=src, target_id=dst, type="linked", role="payment", start_date=start,
                    end_date=end, note=_amount(props) or None, sources=_sources(obj, dataset, rid), key=rid)


def _occupancy(obj: dict, props: dict, rid: str, dataset: str) -> Relation:
    holder, post = _first(props, "holder"), _first(props, "post")
    if not holder or not post:
        raise _Bad(f"{rid}: Occupancy without {'holder' if not holder else 'post'}")
    start = _date(props, "startDate", "periodStart", "date")
    end = _date(props, "endDate", "periodEnd", earliest=False)
    if start and end and date_floor(end) < date_floor(start):
        raise _Bad(f"{rid}: endDate {end} is before startDate {start}")
    status = (_first(props, "status") or "").lower()
    return Relation(source_id=holder, target_id=post, type="linked", role="occupancy (holds the position)",
                    start_date=start, end_date=end, ended=bool(end) or status in ("ended", "former"),
                    note="; ".join(x for x in (status, _first(props, "constituency") or "") if x) or None,
                    sources=_sources(obj, dataset, rid), key=rid)


def _entity(obj: dict, props: dict, eid: str, etype: str, dataset: str) -> Entity:
    get = props.get
    names: list[str] = []
    for p in NAME_PROPS:
        v = get(p)
        if v:
            names.extend(v)
    caption = obj.get("caption") if isinstance(obj.get("caption"), str) else None
    name = (caption or "").strip() or (names[0] if names else "")
    if not name:
        raise _Bad(f"{eid}: entity has no name")
    aliases = [n for n in dict.fromkeys(names) if n != name]
    country = next((v[0] for v in map(get, COUNTRY_PROPS) if v), None)
    cc = (_first(props, "jurisdiction", "country") or "").lower()
    idents: list[str] = []
    for prop, scheme in ID_PROPS.items():
        values = props.get(prop)
        if not values:
            continue
        for v in values:
            if "{cc}" in scheme:
                scheme_v = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
            else:
                scheme_v = scheme
            ident = ids.make(scheme_v, v)
            if ident:
                idents.append(ident)
    for prop in ("passportNumber", "idNumber"):
        values = props.get(prop)
        if not values:
            continue
        scheme = "passport" if prop == "passportNumber" else "national-id"
        cc_doc = _first(props, "nationality", "citizenship", "country")
        for v in values:
            ident = ids.make(f"{cc_doc}-{scheme}" if cc_doc else scheme, v)
            if ident:
                idents.append(ident)
    births = []
    for v in _all(props, "birthDate"):
        try:
            births.append(parse_date(v) or "")
        except ValueError:
            cleaned = registry.date.clean(v)
            if cleaned:
                births.append(cleaned[:10])
    notes = "; ".join(_all(props, "notes"))[:1000] or None
    return Entity(id=eid, type=etype, name=name, aliases=aliases, country=country,
                  identifiers=list(dict.fromkeys(idents)), notes=notes, sources=_sources(obj, dataset, eid),
                  birth_dates=list(dict.fromkeys(b for b in births if b)),
                  nationalities=list(dict.fromkeys(_all(props, "nationality") + _all(props, "citizenship"))),
                  addresses=list(dict.fromkeys(_all(props, "address"))))


def _relation(obj: dict, schema, props: dict, rid: str, dataset: str) -> Relation:
    rtype = LINK_SCHEMATA[schema.name]
    src_prop, dst_prop = schema.source_prop.name, schema.target_prop.name
    src, dst = _first(props, src_prop), _first(props, dst_prop)
    if not src or not dst:
        missing = src_prop if not src else dst_prop
        raise _Bad(f"{rid}: {schema.name} without {missing}")
    share = lo = hi = None
    note = None
    if rtype == "ownership":
        pct = _first(props, "percentage")
        try:
            share, lo, hi = parse_share(pct)
        except ValueError as e:
            raise _Bad(f"{rid}: {e}") from None
        shares = _first(props, "sharesCount")
        if shares:
            note = f"shares: {shares}"
    start = _date(props, "startDate", "date")
    end = _date(props, "endDate", earliest=False)
    if start and end and date_floor(end) < date_floor(start):
        raise _Bad(f"{rid}: endDate {end} is before startDate {start}")
    role = _first(props, "role", "relationship", "controlType")
    if rtype == "linked":
        role = f"{schema.name.lower()}: {role}" if role else schema.name.lower()
    status = (_first(props, "status") or "").lower()
    ended = bool(end) or status in ("ended", "former", "inactive", "resigned", "dissolved")
    return Relation(source_id=src, target_id=dst, type=rtype, share=share, share_min=lo, share_max=hi,
                    start_date=start, end_date=end, ended=ended, role=role, note=note,
                    sources=_sources(obj, dataset, rid), key=rid)


def _designation(obj: dict, props: dict, rid: str, dataset: str) -> Designation:
    entity = _first(props, "entity")
    if not entity:
        raise _Bad(f"{rid}: Sanction without entity")
    datasets = _field(obj, "datasets")
    authority = authority_code(_all(props, "country"), " ".join(_all(props, "authority")), datasets)
    if authority is None:
        raise _Bad(f"{rid}: cannot tell the listing authority (no country or known authority)")
    program = _first(props, "program", "programId", "reason")
    start = _date(props, "startDate", "listingDate")
    end = _date(props, "endDate", earliest=False)
    note = "; ".join(_all(props, "provisions"))[:500] or None
    return Designation(entity_id=entity, authority=authority, program=program, start_date=start,
                       end_date=end, note=note, sources=_sources(obj, dataset, rid))


def _adapter() -> Adapter:
    return Adapter("ftm", "FollowTheMoney JSON lines (OpenSanctions entities.ftm.json)", read, count_lines)


register("ftm", _adapter)
