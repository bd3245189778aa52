"""The OFAC SDN list in its legacy CSV layout (`sdn.csv`, with `add.csv` and `alt.csv` when given).

sdn.csv has no header, is Latin-1 and writes "-0-" for empty; its columns are ent_num, SDN_Name, SDN_Type,
Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks. Each entry becomes an
entity `ofac-<ent_num>` and one `us` designation per program ("UKRAINE-EO13662] [RUSSIA-EO14024" is two).
Identifiers, a.k.a. names and nationality come from the remarks; "Linked To: NAME" mentions are resolved
against the names on the same list (a first pass reads the names only) and become `linked` relations; a name
not on the list stays a note on the entity and is counted as skipped with its reason. alt.csv rows become
aliases, add.csv countries the entity's country: both are small and read into memory first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Relation, Source
from ..text import norm
from . import identifiers as ids
from .countries import country_code
from .csvrows import CsvRows
from .records import Parsed, Rejected, Skipped, count_newlines
from .registry import Adapter, register

COLUMNS = ("ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type", "Tonnage", "GRT",
           "Vess_flag", "Vess_owner", "Remarks")
EMPTY = "-0-"
URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}"
TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "airplane"}

# remark label -> identifier scheme ("{cc}" = the country in parentheses after the value)
ID_LABELS = {
    "Tax ID No.": "{cc}-tax", "Registration Number": "{cc}-registration", "Registration ID": "{cc}-registration",
    "Business Registration Number": "{cc}-registration", "Company Number": "{cc}-registration",
    "UK Company Number": "gb-registration", "Commercial Registry Number": "{cc}-registration",
    "Public Registration Number": "{cc}-registration", "Chamber of Commerce Number": "{cc}-registration",
    "Enterprise Number": "{cc}-registration", "Business Number": "{cc}-registration",
    "Central Registration System Number": "{cc}-registration",
    "Business Registration Document #": "{cc}-registration",
    "Vessel Registration Identification IMO": "imo", "Identification Number IMO": "imo",
    "Company Number IMO": "imo", "IMO": "imo", "SWIFT/BIC": "swift", "Legal Entity Number": "lei",
    "MMSI": "mmsi", "D-U-N-S Number": "duns", "V.A.T. Number": "{cc}-vat",
    "Government Gazette Number": "{cc}-gazette", "License": "{cc}-license", "Trade License No.": "{cc}-license",
    "National ID No.": "{cc}-national-id", "Passport": "{cc}-passport", "Cedula No.": "{cc}-cedula",
    "C.U.R.P.": "mx-curp", "R.F.C.": "mx-rfc", "NIT #": "{cc}-nit", "RUC #": "{cc}-ruc",
    "Aircraft Tail Number": "aircraft-tail", "Aircraft Serial Identification": "aircraft-serial",
}
_LABELS = sorted(ID_LABELS, key=len, reverse=True)
_COUNTRY_TAIL = re.compile(r"^([^()]*?)\s*\(([^()]*)\)")
_AKA = re.compile(r"^(?:a|f|n)\.k\.a\.,?\s*(.+)$", re.IGNORECASE)
_LINKED = re.compile(r"^Linked To:\s*(.+?)\.?$", re.IGNORECASE)
_DOB = re.compile(r"^(?:alt\.\s+)?DOB\s+(?:(\d{1,2})\s+)?(?:([A-Z][a-z]{2})\s+)?(\d{4})$")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}
_NATIONALITY = re.compile(r"^(?:nationality|citizen)\s+(.+?)\.?$", re.IGNORECASE)
_COMPANY_WORDS = re.compile(
    r"\b(LLC|L\.L\.C|LTD|LIMITED|INC|CORP|CORPORATION|CO|COMPANY|S\.?A|SA DE CV|S\.?A\.?S|S\.?R\.?L|GMBH|AG|"
    r"JSC|OJSC|CJSC|PJSC|OAO|ZAO|OOO|PAO|AO|TOO|DMCC|FZE|FZCO|FZ-LLC|LLP|PLC|B\.?V|N\.?V|SDN BHD|BHD|"
    r"PTE|PVT|BANK|BANCO|TRADING|INDUSTRIES|ENTERPRISE|ENTERPRISES|HOLDING|HOLDINGS|GROUP|AIRLINES?|"
    r"SHIPPING|PETROLEUM|CONCERN|FACTORY|PLANT|EXCHANGE)\b\.?", re.IGNORECASE)
_PUBLIC_WORDS = re.compile(r"\b(STATE CORPORATION|MINISTRY|GOVERNMENT OF|CENTRAL BANK|STATE COMMITTEE|"
                           r"ARMED FORCES|FEDERAL SERVICE|NATIONAL GUARD)\b", re.IGNORECASE)
_DMCC = re.compile(r"^DMCC-", re.IGNORECASE)


class _Bad(ValueError):
    pass


def _val(v: str | None) -> str:
    v = (v or "").strip()
    return "" if v == EMPTY else v


@lru_cache(maxsize=4096)
def _country(name: str) -> str | None:
    return country_code(name) if name and name.strip() else None  # cached: the list repeats few names


def _name_key(name: str) -> str:
    return norm(name.strip().rstrip("."))


def files_of(paths: list[Path]) -> tuple[list[Path], Path | None, Path | None]:
    """The SDN files among the paths (folders are searched): main files, add.csv, alt.csv."""
    main, add, alt = [], None, None
    for p in paths:
        if p.is_dir():
            found = [p / n for n in ("sdn.csv", "SDN.CSV", "add.csv", "ADD.CSV", "alt.csv", "ALT.CSV")
                     if (p / n).is_file()]
            if not any(f.name.lower() == "sdn.csv" for f in found):
                raise InputError(f"{p}: no sdn.csv in this folder")
        else:
            found = [p]
        for f in found:
            low = f.name.lower()
            if low.startswith("add"):
                add = f
            elif low.startswith("alt"):
                alt = f
            else:
                main.append(f)
    if not main:
        raise InputError("ofac-sdn needs the main sdn.csv (add.csv and alt.csv alone are not enough)")
    return main, add, alt


def _rows(path: Path) -> Iterator[tuple[int, list[str] | str]]:
    """(line, fields) per row; (line, reason) for a row that is not well-formed CSV."""
    with path.open("r", encoding="latin-1", newline="") as fh:
        reader = CsvRows(fh)
        for line, row in reader:
            if row is None:
                yield line, reader.error
                continue
            if not row or (len(row) == 1 and row[0].strip() in ("", "\x1a")):
                continue  # blank lines and the DOS end-of-file marker are not rows
            yield line, row


def count_rows(paths: list[Path]) -> int:
    main, _, _ = files_of(paths)
    n = 0
    for f in main:
        with f.open("rb") as fh:
            n += count_newlines(fh)
    return n


def _side_file(path: Path | None, width: int) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    if path is None:
        return out
    for _, row in _rows(path):
        if isinstance(row, list) and len(row) >= width and row[0].strip().isdigit():
            out.setdefault(row[0].strip(), []).append([_val(x) for x in row])
    return out


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    main, add_path, alt_path = files_of(paths)
    addresses = _side_file(add_path, 5)  # ent_num, add_num, address, city, country, remarks
    alts = _side_file(alt_path, 4)  # ent_num, alt_num, alt_type, alt_name, remarks
    # pass 1: the names on the list, to resolve "Linked To:" mentions
    primary: dict[str, set[str]] = {}
    other: dict[str, set[str]] = {}
    for f in main:
        for _, row in _rows(f):
            if not isinstance(row, list) or len(row) != len(COLUMNS) or not row[0].strip().isdigit():
                continue
            uid = row[0].strip()
            primary.setdefault(_name_key(row[1]), set()).add(uid)
            for alias in _akas(_val(row[11])) + [a[3] for a in alts.get(uid, [])]:
                other.setdefault(_name_key(alias), set()).add(uid)
    seen: set[str] = set()
    for f in main:
        for line, row in _rows(f):
            if isinstance(row, str):
                yield Rejected(str(f), line, row)
                continue
            try:
                yield from _entry(row, str(f), line, dataset, primary, other, addresses, alts, seen)
            except _Bad as e:
                yield Rejected(str(f), line, str(e), row)


def _akas(remarks: str) -> list[str]:
    out = []
    for part in remarks.split(";"):
        m = _AKA.match(part.strip())
        if m:
            name = m.group(1).strip().rstrip(".").strip()
            if len(name) >= 2 and name[0] in "'\"" and name[-1] in "'\"":
                name = name[1:-1]
            if name:
                out.append(name.strip())
    return out


def _addresses(rows: list[list[str]]) -> list[str]:
    """add.csv rows (ent_num, add_num, address, city/state/postal code, country, remarks) as one line each."""
    out = [", ".join(x for x in (r[2], r[3], r[4]) if x) for r in rows]
    return list(dict.fromkeys(a for a in out if a))


def _birth_date(part: str) -> str | None:
    """ "DOB 14 Jul 1961" -> "1961-07-14", "DOB Jul 1961" -> "1961-07", "DOB 1961" -> "1961" (a range such
    as "DOB 1961 to 1963" is no single date and is left in the remarks)."""
    m = _DOB.match(part.strip().rstrip("."))
    if not m:
        return None
    day, mon, year = m.groups()
    if mon and mon not in _MONTHS:
        return None
    value = year + (f"-{_MONTHS[mon]:02d}" if mon else "") + (f"-{int(day):02d}" if day and mon else "")
    try:
        return parse_date(value)
    except ValueError:
        return None


def _identifier(part: str) -> tuple[str, str | None] | None:
    """("scheme:value", country) for one remark part such as "Tax ID No. 7704274402 (Russia)"."""
    text = part.strip().rstrip(".").strip()
    if text.lower().startswith("alt. "):
        text = text[5:]
    for label in _LABELS:
        if text.startswith(label + " ") or text.startswith(label + ":"):
            rest = text[len(label):].strip().lstrip(":").strip()
            cc = None
            m = _COUNTRY_TAIL.match(rest)
            if m:  # "VALUE (Country)" possibly followed by "issued 27 Sep 2002" and the like
                rest, cc = m.group(1).strip(), _country(m.group(2))
            if not rest or not any(c.isdigit() for c in rest) or len(rest.split()) > 3:
                return None
            scheme = ID_LABELS[label]
            if label == "License" and _DMCC.match(rest):
                scheme = "ae-dmcc-license"
            if "{cc}" in scheme:
                if scheme == "{cc}-gazette" and cc == "ru":
                    scheme = "ru-okpo"
                scheme = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
            ident = ids.make(scheme, rest.split(" ")[0] if scheme in ("imo", "mmsi", "swift", "lei") else rest)
            return (ident, cc) if ident else None
    return None


def _entity_type(sdn_type: str, name: str) -> str:
    t = TYPES.get(sdn_type.lower())
    if t:
        return t
    if _PUBLIC_WORDS.search(name):
        return "public_body"
    if _COMPANY_WORDS.search(name):
        return "company"
    return "organization"


def _entry(row: list[str], fname: str, line: int, dataset: str, primary: dict, other: dict,
           addresses: dict, alts: dict, seen: set[str]) -> Iterator[Parsed | Skipped]:
    if len(row) != len(COLUMNS):
        raise _Bad(f"row has {len(row)} fields, the SDN layout has {len(COLUMNS)}")
    v = [_val(x) for x in row]
    uid = v[0]
    if not uid.isdigit():
        raise _Bad(f"ent_num {uid!r} is not a number")
    if uid in seen:
        raise _Bad(f"ent_num {uid} appears twice")
    seen.add(uid)
    name = v[1]
    if not name:
        raise _Bad(f"ent_num {uid}: no SDN_Name")
    eid = f"ofac-{uid}"
    url = URL.format(uid=uid)
    src = [Source(dataset, uid, url)]
    remarks = v[11]
    idents: list[str] = []
    countries: list[str] = []
    nationality = None
    nationalities: list[str] = []
    births: list[str] = []
    linked: list[str] = []
    for part in remarks.split(";"):
        part = part.strip()
        if not part:
            continue
        m = _LINKED.match(part)
        if m:
            linked.append(m.group(1).strip())
            continue
        m = _NATIONALITY.match(part)
        if m:
            code = _country(m.group(1))
            nationality = nationality or code
            if code:
                nationalities.append(code)
            continue
        born = _birth_date(part)
        if born:
            births.append(born)
            continue
        found = _identifier(part)
        if found:
            idents.append(found[0])
            if found[1]:
                countries.append(found[1])
    aliases = _akas(remarks) + [a[3] for a in alts.get(uid, []) if a[3]]
    addr_countries = [c for c in (_country(a[4]) for a in addresses.get(uid, []) if a[4]) if c]
    flag = _country(v[9]) if v[9] else None
    country = (addr_countries or [None])[0] or nationality or flag or (countries or [None])[0]
    programs = [p.strip(" []") for p in re.split(r"\]\s*\[", v[3]) if p.strip(" []")]
    if not programs:
        raise _Bad(f"ent_num {uid}: no program")
    notes = []
    if v[4]:
        notes.append(f"Title: {v[4]}")
    relations: list[Relation] = []
    for target in linked:
        key = _name_key(target)
        hits = primary.get(key) or other.get(key) or set()
        hits = hits - {uid}
        if len(hits) == 1:
            tid = f"ofac-{next(iter(hits))}"
            relations.append(Relation(source_id=eid, target_id=tid, type="linked",
                                      note=f"SDN remarks: \"Linked To: {target}\"", sources=src))
        else:
            why = "not on this list" if not hits else f"ambiguous: {len(hits)} entries have this name"
            notes.append(f"Linked To: {target} ({why})")
            yield Skipped(fname, line, f"Linked To: name {why} (kept as a note on the entity)")
    yield Parsed(Entity(id=eid, type=_entity_type(v[2], name), name=name,
                        aliases=[a for a in dict.fromkeys(aliases) if a != name], country=country,
                        identifiers=list(dict.fromkeys(idents)), notes="; ".join(notes) or None,
                        birth_dates=list(dict.fromkeys(births)), nationalities=list(dict.fromkeys(nationalities)),
                        addresses=_addresses(addresses.get(uid, [])), sources=src), fname, line)
    for prog in programs:
        yield Parsed(Designation(entity_id=eid, authority="us", program=prog, sources=src), fname, line)
    for rel in relations:
        yield Parsed(rel, fname, line)


def _adapter() -> Adapter:
    return Adapter("ofac-sdn", "the OFAC SDN list, legacy CSV layout (sdn.csv; add.csv and alt.csv optional)",
                   read, count_rows, authority="us", title="OFAC SDN list (legacy CSV)")


register("ofac-sdn", _adapter)
