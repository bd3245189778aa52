"""FollowTheMoney JSON lines, as OpenSanctions publishes them (`entities.ftm.json`).

One JSON object a line. Person / Company / Organization / LegalEntity / PublicBody / Vessel / Airplane become
entities; Ownership, Directorship, Family, Associate, Control and the other interval links become relations
(the FtM id of the link is the relation's `key`); Sanction becomes a designation whose authority is the
listing jurisdiction's lower-case code. Address, Passport and other schemata are skipped with a reason.
Every record keeps its FtM id as the source record id, one source per OpenSanctions dataset, and each
`referent` (the ids the entity had in the lists it was merged from, e.g. `ofac-45937`) as an extra source.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Iterator

import orjson
from followthemoney import model

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Relation, Source
from ..urls import url_problem
from . import identifiers as ids
from .jsonstream import TOO_DEEP, nesting_problem
from .records import SHAPE_ERRORS, Parsed, Rejected, Skipped, count_newlines, shape_error
from .registry import Adapter, register

# FtM schema -> model entity type, most specific first (checked with Schema.is_a)
ENTITY_SCHEMATA = (("Vessel", "vessel"), ("Airplane", "airplane"), ("Person", "person"),
                   ("PublicBody", "public_body"), ("Company", "company"), ("Organization", "organization"),
                   ("LegalEntity", "legal_entity"))
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


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    fname = str(path)
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
                yield from _convert(obj, fname, line_no, dataset)
            except _Bad as e:
                yield Rejected(fname, line_no, str(e), obj)
            except SHAPE_ERRORS as e:
                yield Rejected(fname, line_no, shape_error(e), obj)


def _first(props: dict, *names: str) -> str | None:
    for n in names:
        for v in _all(props, n):
            return v
    return None


def _all(props: dict, name: str) -> list[str]:
    vals = props.get(name) or []
    if not isinstance(vals, list):
        raise _Bad(f"property {name!r} must be a list of values")
    return [v.strip() for v in vals if isinstance(v, str) and v.strip()]


def _date(props: dict, *names: str, earliest: bool = True) -> str | None:
    vals = []
    for n in names:
        for v in _all(props, n):
            try:
                vals.append(parse_date(v))
            except ValueError as e:
                raise _Bad(f"{n}: {e}") from None
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
    for ds in _all(obj, "datasets"):
        out.append(Source(ds, eid, url))
    for ref in _all(obj, "referents"):
        if isinstance(ref, str) and ref and ref != eid:
            out.append(Source(dataset, ref, ""))
    return out


def _convert(obj: dict, fname: str, line: int, dataset: str) -> Iterator[Parsed | Skipped]:
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
    props = obj.get("properties") or {}
    if not isinstance(props, dict):
        raise _Bad(f"{eid}: properties must be an object")
    if schema.name == "Sanction":
        yield Parsed(_designation(obj, props, eid, dataset), fname, line)
        return
    if schema.name in LINK_SCHEMATA:
        yield Parsed(_relation(obj, schema, props, eid, dataset), fname, line)
        return
    for name, etype in ENTITY_SCHEMATA:
        if schema.is_a(name):
            yield Parsed(_entity(obj, props, eid, etype, dataset), fname, line)
            return
    yield Skipped(fname, line, f"FtM {schema.name} records are not loaded")


def _entity(obj: dict, props: dict, eid: str, etype: str, dataset: str) -> Entity:
    names: list[str] = []
    for p in NAME_PROPS:
        names.extend(_all(props, p))
    caption = obj.get("caption") if isinstance(obj.get("caption"), str) else None
    name = (caption or "").strip() or (names[0] if names else "")
    if not name:
        raise _Bad(f"{eid}: entity has no name")
    aliases = [n for n in dict.fromkeys(names) if n != name]
    country = None
    for p in COUNTRY_PROPS:
        country = _first(props, p)
        if country:
            break
    cc = (_first(props, "jurisdiction", "country") or "").lower()
    idents: list[str] = []
    for prop, scheme in ID_PROPS.items():
        for v in _all(props, prop):
            if "{cc}" in scheme:
                scheme_v = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
            else:
                scheme_v = scheme
            ident = ids.make(scheme_v, v)
            if ident:
                idents.append(ident)
    notes = "; ".join(_all(props, "notes"))[:1000] or None
    return Entity(id=eid, type=etype, name=name, aliases=aliases, country=country.lower() if country else None,
                  identifiers=list(dict.fromkeys(idents)), notes=notes, sources=_sources(obj, dataset, eid))


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
    datasets = _all(obj, "datasets")
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
