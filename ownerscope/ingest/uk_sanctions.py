"""The UK consolidated sanctions list: the legacy OFSI ConList.csv and the newer UK Sanctions List CSV.

Both write one row per name: ConList groups its rows by "Group ID" ("Prime Alias" and "AKA" rows), the UK
Sanctions List by "OFSI Group ID" / "Unique ID" ("Primary Name" and "Alias" rows). Each group becomes one
entity `uk-<group id>` whose name is the prime row's and whose aliases are the other rows' names, with one
`uk` designation per regime (program) and listed-on date (start_date). The other rows of a group are
counted as skipped with the reason "alias row folded into its group". Rows of one group need not be next to
each other in these files, so the groups are gathered in memory first: the list has some 20,000 rows.
A title row above the header ("Last Updated,...", "Report Date: ...") is recognised and passed over.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from followthemoney import registry

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Source
from . import identifiers as ids
from .countries import country_code
from .ofac_sdn import _entity_type
from .records import Parsed, Rejected, Skipped, count_newlines
from .registry import Adapter, register

URL = "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"
# logical field -> the column names the two layouts use for it
COLUMNS = {
    "group": ("Group ID", "OFSI Group ID"),
    "unique": ("Unique ID",),
    "names": (("Name 1",), ("Name 2",), ("Name 3",), ("Name 4",), ("Name 5",), ("Name 6",)),
    "alias_type": ("Alias Type", "Name type", "Name Type"),
    "group_type": ("Group Type", "Designation Type", "Entity type"),
    "regime": ("Regime", "Regime Name"),
    "listed": ("Listed On", "Date Designated"),
    "country": ("Country", "Address Country"),
    "nationality": ("Nationality", "Nationality(/ies)"),
    "other": ("Other Information",),
    "imo": ("IMO number", "IMO Number"),
    "registration": ("Business registration number (s)", "Business Registration Number(s)"),
    "dob": ("DOB", "D.O.B", "Date of Birth", "D.O.B."),
    "passport": ("Passport Details", "Passport Number", "Passport number"),
    "passport_details": ("Passport additional information",),
    "national_id": ("NI Number", "National Identification Number", "National Identifier"),
    "national_id_details": ("NI Details", "National Identification Details", "National Identifier Details",
                            "National Identification additional information"),
    "address": ("Address 1", "Address Line 1"), "address2": ("Address 2", "Address Line 2"),
    "address3": ("Address 3", "Address Line 3"), "address4": ("Address 4", "Address Line 4"),
    "address5": ("Address 5", "Address Line 5"), "address6": ("Address 6", "Address Line 6"),
    "postcode": ("Post/Zip Code", "Address Postal Code"),
}
PRIME = {"prime alias", "primary name", "primary name variation"}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_IMO = re.compile(r"\bIMO(?: number)?\s*:?\s*(\d{7})\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d+\)\s*")
_DOB = re.compile(r"^(\d{1,2}|00)/(\d{1,2}|00)/(\d{4})$")
# a document number inside free text such as "Passport No: 592667 (Qatari passport issued on 3 May 2007)."
_DOC_NUMBER = re.compile(r"\b([A-Z]{0,4}[\s-]?\d[\dA-Z-]{3,})\b")


class _Bad(ValueError):
    pass


def _norm_col(c: str) -> str:
    return re.sub(r"\s+", " ", c.strip().lower())


def _lines(path: Path) -> Iterator[str]:
    """Text lines, each decoded as UTF-8 or, failing that, as Windows-1252 (the legacy list's encoding)."""
    with path.open("rb") as fh:
        for raw in fh:
            try:
                yield raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
            except UnicodeDecodeError:
                yield raw.decode("cp1252", errors="replace")


@dataclass
class _Group:
    gid: str
    rows: list[tuple[int, dict]] = field(default_factory=list)


def _header(reader, path: Path) -> tuple[list[str], int]:
    for _ in range(5):
        try:
            row = next(reader)
        except StopIteration:
            break
        cols = {_norm_col(c) for c in row}
        if "name 6" in cols and ({"group id", "ofsi group id", "unique id"} & cols):
            return row, reader.line_num
    raise InputError(f"{path}: not a UK consolidated list CSV (no header with 'Name 6' and 'Group ID' "
                     f"or 'Unique ID' in the first rows)")


def count_rows(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        with p.open("rb") as fh:
            n += count_newlines(fh)
    return n


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for p in paths:
        if p.is_dir():
            raise InputError(f"{p}: uk-sanctions reads the list's CSV file, not a folder")
        yield from read_file(p, dataset)


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    fname = str(path)
    reader = csv.reader(_lines(path))
    header, _ = _header(reader, path)
    index = {_norm_col(c): i for i, c in enumerate(header)}
    lead_blank = header[0].strip() == ""  # some copies carry an unnamed index column in the header only

    def col(*names) -> int | None:
        for n in names:
            if _norm_col(n) in index:
                return index[_norm_col(n)]
        return None

    cols = {k: (tuple(col(*n) for n in v) if k == "names" else col(*v)) for k, v in COLUMNS.items()}
    groups: dict[str, _Group] = {}
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if lead_blank and len(row) == len(header) - 1:
            row = [""] + row
        if len(row) != len(header):
            yield Rejected(fname, line, f"row has {len(row)} fields, the header has {len(header)}", row)
            continue
        values = {k: (tuple(row[i].strip() if i is not None else "" for i in v) if k == "names"
                      else (row[v].strip() if v is not None else "")) for k, v in cols.items()}
        gid = values["group"] or values["unique"]
        if not gid:
            yield Rejected(fname, line, "missing Group ID", row)
            continue
        if not " ".join(values["names"]).strip():
            yield Rejected(fname, line, f"group {gid}: row has no name", row)
            continue
        try:
            values["listed"] = _date(values["listed"])
        except _Bad as e:
            yield Rejected(fname, line, f"group {gid}: {e}", row)
            continue
        groups.setdefault(gid, _Group(gid)).rows.append((line, values))
    for g in groups.values():
        yield from _emit(g, fname, dataset)


def _date(raw: str) -> str | None:
    if not raw:
        return None
    m = _DATE.match(raw.strip())
    if not m:
        raise _Bad(f"listed-on date {raw!r} is not DD/MM/YYYY")
    d, mth, y = (int(x) for x in m.groups())
    from datetime import date

    try:
        return date(y, mth, d).isoformat()
    except ValueError:
        raise _Bad(f"listed-on date {raw!r} is not a valid date") from None


def _name(v: dict) -> str:
    n1, n2, n3, n4, n5, n6 = v["names"]
    return re.sub(r"\s+", " ", " ".join(p for p in (n1, n2, n3, n4, n5, n6) if p)).strip()


def _country(v: dict) -> str | None:
    for raw in (v["country"], v["nationality"]):
        for part in re.split(r"\s*\d+\)\s*|;", raw or ""):
            code = registry.country.clean(part.strip()) if part.strip() else None
            if code:
                return code.lower()
    return None


def _dob(raw: str) -> list[str]:
    """Dates of birth as ISO, partial where the list writes 00 for an unknown day or month."""
    out = []
    for part in re.split(r"\s*\d+\)\s*|;", raw or ""):
        m = _DOB.match(part.strip())
        if not m:
            continue
        d, mth, y = m.groups()
        try:
            if mth in ("00", "0"):
                out.append(y)
            elif d in ("00", "0"):
                out.append(parse_date(f"{y}-{int(mth):02d}"))
            else:
                out.append(parse_date(f"{y}-{int(mth):02d}-{int(d):02d}"))
        except ValueError:
            continue
    return out


def _numbers(raw: str) -> list[str]:
    """Document numbers from a list cell: "1) 592667 (Qatari passport) 2) ..." -> ["592667", ...]."""
    out = []
    for part in re.split(r"\s*\d+\)\s+|;", raw or ""):
        part = re.sub(r"\([^)]*\)", " ", part)  # remarks in brackets hold dates and countries, not numbers
        part = re.sub(r"(?i)\b(passport|national|identification|identity|card|number|no|nr|id)\b\.?:?", " ", part)
        for m in _DOC_NUMBER.finditer(part.upper()):
            num = m.group(1).replace(" ", "").replace("-", "")
            if sum(c.isdigit() for c in num) >= 4:
                out.append(num)
                break
    return out


def _doc_country(text: str) -> str | None:
    """The issuing country a document cell names in brackets ("(Russia)", "(Russian)"), if it names one."""
    for inner in re.findall(r"\(([^)]*)\)", text or ""):
        for cand in (inner.strip(), inner.strip().split(" ")[0]):
            code = country_code(cand) if cand else None
            if code:
                return code
    return None


def _nationalities(raw: str) -> list[str]:
    out = []
    for part in re.split(r"\s*\d+\)\s*|;", raw or ""):
        code = country_code(part.strip()) if part.strip() else None
        if code:
            out.append(code)
    return out


def _address(v: dict) -> str | None:
    parts = [v[k] for k in ("address", "address2", "address3", "address4", "address5", "address6", "postcode")
             if v.get(k)]
    if v.get("country") and parts:
        parts.append(v["country"])
    return ", ".join(parts) or None


def _emit(g: _Group, fname: str, dataset: str) -> Iterator[Parsed | Skipped]:
    prime = next(((ln, v) for ln, v in g.rows if v["alias_type"].lower() in PRIME), g.rows[0])
    line, pv = prime
    name = _name(pv)
    gtype = pv["group_type"].lower()
    etype = ("person" if gtype == "individual" else "vessel" if gtype in ("ship", "vessel")
             else _entity_type("", name))
    eid = f"uk-{g.gid}"
    src = [Source(dataset, g.gid, URL)]
    aliases, idents, designations = [], [], {}
    births, nationalities, addresses = [], [], []
    country = None
    for ln, v in g.rows:
        n = _name(v)
        if n and n != name:
            aliases.append(n)
        country = country or _country(v)
        births += _dob(v["dob"])
        nats = _nationalities(v["nationality"])
        nationalities += nats
        address = _address(v)
        if address:
            addresses.append(address)
        for field_, scheme in (("passport", "passport"), ("national_id", "national-id")):
            cc = _doc_country(" ".join(x for x in (v[field_], v[field_ + "_details"]) if x))
            for num in _numbers(v[field_]):
                idents.append(ids.make(f"{cc}-{scheme}" if cc else scheme, num))
        for m in _IMO.finditer(" ".join((v["other"], v["imo"]))):
            idents.append(ids.make("imo", m.group(1)))
        if v["imo"].isdigit():
            idents.append(ids.make("imo", v["imo"]))
        for reg in filter(None, re.split(r"\s*[;,]\s*|\s*\d+\)\s*", v["registration"])):
            idents.append(ids.make(f"{country}-registration" if country else "registration", reg))
        if v["regime"] or v["listed"]:
            designations.setdefault((v["regime"] or None, v["listed"]), ln)
    if etype == "organization" and any(i and i.startswith("imo:") for i in idents) and gtype != "individual":
        etype = "vessel" if "vessel" in (pv["other"] or "").lower() else etype
    notes = pv["other"][:1000] or None
    yield Parsed(Entity(id=eid, type=etype, name=name, aliases=list(dict.fromkeys(aliases)), country=country,
                        identifiers=[i for i in dict.fromkeys(idents) if i], notes=notes, sources=src,
                        birth_dates=list(dict.fromkeys(births)), nationalities=list(dict.fromkeys(nationalities)),
                        addresses=list(dict.fromkeys(addresses))),
                 fname, line)
    for (regime, listed), ln in designations.items():
        yield Parsed(Designation(entity_id=eid, authority="uk", program=regime, start_date=listed,
                                 sources=src), fname, ln)
    for ln, _ in g.rows:
        if ln != line:
            yield Skipped(fname, ln, "alias row folded into its group's entity")


def _adapter() -> Adapter:
    return Adapter("uk-sanctions", "the UK consolidated sanctions list (OFSI ConList.csv or UK Sanctions List "
                   "CSV)", read, count_rows)


register("uk-sanctions", _adapter)
