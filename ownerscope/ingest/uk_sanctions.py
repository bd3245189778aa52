"""The UK consolidated sanctions list: the legacy OFSI ConList.csv, the UK Sanctions List CSV and the
UK Sanctions List XML (read by uk_sanctions_xml). The layout is told from the file itself: XML by its
first bytes, the two CSV layouts by their header row.

Both write one row per name: ConList groups its rows by "Group ID" ("Prime Alias" and "AKA" rows), the UK
Sanctions List by "OFSI Group ID" / "Unique ID" ("Primary Name" and "Alias" rows). Each group becomes one
entity `uk-<group id>` whose name is the prime row's and whose aliases are the other rows' names, with one
`uk` designation per regime (program) and listed-on date (start_date). The other rows of a group are
counted as skipped with the reason "alias row folded into its group". Rows of one group need not be next to
each other in these files, so the groups are gathered in memory first: the list has some 20,000 rows.
A title row above the header ("Last Updated,...", "Report Date: ...") is recognised and passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from followthemoney import registry

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Source
from . import identifiers as ids
from .csvrows import CsvRows
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
    "dob": ("DOB", "D.O.B", "Date of birth", "D.O.B."),
    "passport": ("Passport Details", "Passport number", "Passport Number"),
    "passport_details": ("Passport additional information",),
    "national_id": ("NI Number", "National Identifier number", "National Identification Number",
                    "National Identifier"),
    "national_id_details": ("NI Details", "National Identification Details", "National Identifier Details",
                            "National Identification additional information"),
    "un_ref": ("UN Reference Number",),
    "address": (("Address 1", "Address Line 1"), ("Address 2", "Address Line 2"), ("Address 3", "Address Line 3"),
                ("Address 4", "Address Line 4"), ("Address 5", "Address Line 5"), ("Address 6", "Address Line 6"),
                ("Post/Zip Code", "Address Postal Code"), ("Country", "Address Country")),
}
TUPLES = ("names", "address")  # fields read from several columns
PRIME = {"prime alias", "primary name", "primary name variation"}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_IMO = re.compile(r"\bIMO(?: number)?\s*:?\s*(\d{7})\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d+\)\s*")
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
            line, row = next(reader)
        except StopIteration:
            break
        cols = {_norm_col(c) for c in row or []}
        if "name 6" in cols and ({"group id", "ofsi group id", "unique id"} & cols):
            return row, line
    raise InputError(f"{path}: not a UK consolidated list CSV (no header with 'Name 6' and 'Group ID' "
                     f"or 'Unique ID' in the first rows)")


def is_xml(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def count_rows(paths: list[Path]) -> int:
    from . import uk_sanctions_xml

    n = 0
    for p in paths:
        if p.is_file() and is_xml(p):
            n += uk_sanctions_xml.count_records(p)
            continue
        with p.open("rb") as fh:
            n += count_newlines(fh)
    return n


_STAMP = re.compile(r"(?:last updated|report date)\s*:?\s*,?\s*(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)


def header(paths: list[Path]) -> dict:
    """The list's own date: DateGenerated (XML), or the title row above a CSV header ("Last Updated,
    01/02/2024" in ConList, "Report Date: 01/02/2024" in the UK Sanctions List CSV)."""
    from . import uk_sanctions_xml

    for p in paths:
        if not p.is_file():
            continue
        if is_xml(p):
            return uk_sanctions_xml.header(p)
        first = next(_lines(p), "")
        m = _STAMP.search(first)
        layout = "UK Sanctions List (CSV)" if "report date" in first.lower() or "unique id" in first.lower() \
            else "UK consolidated list (OFSI ConList)"
        published = None
        if m:
            try:
                published = _date(m.group(1))
            except _Bad:
                published = None
        return {"published": published, "authority": "uk", "name": layout, "url": URL}
    return {}


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    from . import uk_sanctions_xml

    for p in paths:
        if p.is_dir():
            raise InputError(f"{p}: uk-sanctions reads the list's CSV or XML file, not a folder")
        if is_xml(p):
            from .xmlstream import root_tag

            root = root_tag(p)
            if root != uk_sanctions_xml.ROOT:
                raise InputError(f"{p}: an XML file, but not the UK Sanctions List (root element "
                                 f"{root or 'none'!r}, expected 'Designations')")
            yield from uk_sanctions_xml.read_file(p, dataset)
        else:
            yield from read_file(p, dataset)


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    fname = str(path)
    reader = CsvRows(_lines(path))
    header, _ = _header(reader, path)
    index = {_norm_col(c): i for i, c in enumerate(header)}
    lead_blank = header[0].strip() == ""  # some copies carry an unnamed index column in the header only

    def col(*names) -> int | None:
        for n in names:
            if _norm_col(n) in index:
                return index[_norm_col(n)]
        return None

    cols = {k: (tuple(col(*n) for n in v) if k in TUPLES else col(*v)) for k, v in COLUMNS.items()}
    groups: dict[str, _Group] = {}
    for line, row in reader:
        if row is None:
            yield Rejected(fname, line, reader.error)
            continue
        if not any(c.strip() for c in row):
            continue
        if lead_blank and len(row) == len(header) - 1:
            row = [""] + row
        if len(row) != len(header):
            yield Rejected(fname, line, f"row has {len(row)} fields, the header has {len(header)}", row)
            continue
        values = {k: (tuple(row[i].strip() if i is not None else "" for i in v) if k in TUPLES
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


def _one_dob(raw: str) -> str | None:
    """DD/MM/YYYY with 00 (or dd / mm) for an unknown day or month: '00/00/1980' -> '1980'."""
    m = re.match(r"^\s*(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})\s*$", raw or "", re.IGNORECASE)
    if not m:
        return raw.strip() if re.fullmatch(r"\s*\d{4}\s*", raw or "") else None
    d, mth, y = m.groups()
    if not mth.isdigit() or int(mth) == 0:
        return y
    if not d.isdigit() or int(d) == 0:
        return f"{y}-{int(mth):02d}"
    try:
        from datetime import date

        return date(int(y), int(mth), int(d)).isoformat()
    except ValueError:
        return None


def _name(v: dict) -> str:
    n1, n2, n3, n4, n5, n6 = v["names"]
    return re.sub(r"\s+", " ", " ".join(p for p in (n1, n2, n3, n4, n5, n6) if p)).strip()


def _country(v: dict) -> str | None:
    for raw in (v["country"], v["nationality"]):
        for part in re.split(r"\s*\d+\)\s*|;", raw or ""):
            code = country_code(part.strip()) if part.strip() else None
            if code:
                return code
    return None


def _dob(raw: str) -> list[str]:
    """Dates of birth as ISO from a cell that may number several ("1) 01/02/1960 2) 00/00/1961"), partial
    where the list writes 00 (or dd / mm) for an unknown day or month."""
    out = []
    for part in re.split(r"\s*\d+\)\s+|;", raw or ""):
        d = _one_dob(part)
        if d:
            out.append(d)
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
    for part in re.split(r"\s*\d+\)\s*|;|,", raw or ""):
        code = country_code(part.strip()) if part.strip() else None
        if code:
            out.append(code)
    return out


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
    docs: list[tuple[str, str | None, str]] = []  # (scheme, issuing country named in the cell, number)
    country = None
    for ln, v in g.rows:
        n = _name(v)
        if n and n != name:
            aliases.append(n)
        country = country or _country(v)
        births += _dob(v["dob"])
        nationalities += _nationalities(v["nationality"])
        text = ", ".join(p for p in v["address"] if p)
        if text:
            addresses.append(text)
        for field_, scheme in (("passport", "passport"), ("national_id", "national-id")):
            cc = _doc_country(" ".join(x for x in (v[field_], v[field_ + "_details"]) if x))
            docs += [(scheme, cc, num) for num in _numbers(v[field_])]
        for m in _IMO.finditer(" ".join((v["other"], v["imo"]))):
            idents.append(ids.make("imo", m.group(1)))
        if v["imo"].isdigit():
            idents.append(ids.make("imo", v["imo"]))
        if v["un_ref"]:
            idents.append(ids.make("un-ref", v["un_ref"]))
        for reg in filter(None, re.split(r"\s*[;,]\s*|\s*\d+\)\s*", v["registration"])):
            idents.append(ids.make(f"{country}-registration" if country else "registration", reg))
        if v["regime"] or v["listed"]:
            designations.setdefault((v["regime"] or None, v["listed"]), ln)
    # a document whose cell names no issuing country is taken as issued by the person's one nationality
    sole = list(dict.fromkeys(nationalities))
    for scheme, cc, num in docs:
        cc = cc or (sole[0] if len(sole) == 1 else None)
        idents.append(ids.make(f"{cc}-{scheme}" if cc else scheme, num))
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
    return Adapter("uk-sanctions", "the UK consolidated sanctions list (OFSI ConList.csv, UK Sanctions List "
                   "CSV or XML)", read, count_rows, authority="uk", title="UK sanctions list", header=header)


register("uk-sanctions", _adapter)
