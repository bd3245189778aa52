"""UK Companies House: persons-with-significant-control (PSC) snapshot lines and basic company data.

Accepted files (a folder means every *.json, *.jsonl, *.txt and *.csv in it):
- PSC snapshot files: JSON lines (the bulk download) or a JSON array of the same objects
  `{"company_number": ..., "data": {"kind": ..., "natures_of_control": [...], ...}}`;
- company data: the BasicCompanyData CSV (also when hard-wrapped at a fixed width, as in some copies) or a
  JSON array of its rows (`CompanyNumber`, `CompanyName`, ...). Company files are read first.

Mapping:
- a company is `gb-coh-<company number>` with identifier `gb-coh:<number>`; a PSC line also yields a
  placeholder for its company (named by number), stored only if the company is not loaded.
- individual PSCs -> person, corporate-entity PSCs -> company, legal-person PSCs -> legal_entity, protected
  (super-secure) PSCs -> unknown; the entity id is `gb-coh-psc-<PSC id>` (the last part of links.self),
  except a corporate PSC registered at Companies House with a registration number, which is the company
  `gb-coh-<number>` itself, so ownership chains join up.
- natures_of_control: ownership-of-shares-A-to-B-percent -> ownership with share_min A, share_max B
  (Companies House bands: 25-to-50 is more than 25% and not more than 50%, 50-to-75 more than 50% and
  less than 75%, 75-to-100 is 75% or more; the exclusive bound is said in `note`); voting-rights bands ->
  control, basis voting_rights, same ranges; right-to-appoint-and-remove-directors (members, person) ->
  control, basis board_majority_appointment_right; significant-influence-or-control -> control, basis
  dominant_influence; surplus-asset bands of LLPs -> control, basis rights_to_surplus_assets. A suffix
  such as `-as-trust` or `-as-firm` goes into `role`. notified_on -> start_date (the notification date,
  not necessarily when control began), ceased_on -> end_date. `key` = the PSC id.
- PSC statements, exemptions and the snapshot's totals line are skipped with their reason.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import Entity, Relation, Source
from ..urls import url_problem
from .csvrows import CsvRows
from .countries import country_code
from .jsonstream import JsonProblem, count_records, count_token, iter_json, layout
from .records import SHAPE_ERRORS, Parsed, Rejected, Skipped, shape_error
from .registry import Adapter, register

PUBLIC_URL = "https://find-and-update.company-information.service.gov.uk/company/{}"
KINDS = {"individual": "person", "corporate-entity": "company", "legal-person": "legal_entity",
         "super-secure": "unknown"}
BANDS = {  # lower bound, upper bound, how Companies House defines the band
    (25, 50): "more than 25% and not more than 50%",
    (50, 75): "more than 50% and less than 75%",
    (75, 100): "75% or more",
}
_BAND = re.compile(r"^(ownership-of-shares|voting-rights|right-to-share-surplus-assets|"
                   r"part-right-to-share-surplus-assets)-(\d+)-to-(\d+)-percent(?:-(.+))?$")
_MORE_THAN = re.compile(r"^(ownership-of-shares|voting-rights)-more-than-(\d+)-percent(?:-(.+))?$")
_RIGHTS = re.compile(r"^(right-to-appoint-and-remove-(?:directors|members|person)|"
                     r"significant-influence-or-control)(?:-(.+))?$")
BASIS = {"ownership-of-shares": ("ownership", None), "voting-rights": ("control", "voting_rights"),
         "right-to-share-surplus-assets": ("control", "rights_to_surplus_assets"),
         "part-right-to-share-surplus-assets": ("control", "rights_to_surplus_assets"),
         "significant-influence-or-control": ("control", "dominant_influence")}
UK_REGISTERS = re.compile(r"companies house|england|wales|scotland|northern ireland|united kingdom|\buk\b",
                          re.IGNORECASE)


class LineError(ValueError):
    pass


# ---------------------------------------------------------------------------------------------- files
def psc_files(paths: list[Path]) -> list[Path]:
    files = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix.lower() in (".json", ".jsonl", ".txt", ".csv"))
            if not found:
                raise InputError(f"{p}: no .json, .jsonl, .txt or .csv files in this folder")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return sorted(files, key=lambda f: (not _is_company_file(f), str(f)))  # companies first, stable


def _is_company_file(f: Path) -> bool:
    return f.suffix.lower() == ".csv" or "company" in f.name.lower()


def estimate(paths: list[Path]) -> int | None:
    total = 0
    for f in psc_files(paths):
        if f.suffix.lower() == ".csv":
            total += max(count_token(f, b"\n") - 1, 0)
        elif layout(f) == "lines":
            total += 2 * (count_records(f) or 0)  # a PSC line gives an entity and at least one relation
        else:
            total += 2 * count_token(f, b'"company_number"') + count_token(f, b'"CompanyNumber"')
    return total


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for f in psc_files(paths):
        if f.suffix.lower() == ".csv":
            yield from read_company_csv(f, dataset)
        else:
            yield from read_json(f, dataset)


def _factory() -> Adapter:
    return Adapter("uk-psc", "UK Companies House PSC snapshot (JSON lines or arrays) and basic company data "
                   "(CSV or JSON), files or folders", read, estimate)


register("uk-psc", _factory)


# ----------------------------------------------------------------------------------------------- JSON
def read_json(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    file = str(path)
    for line, obj in iter_json(path):
        where = f"(the record starting at line {line})"
        if isinstance(obj, JsonProblem):
            yield Rejected(file, line, obj.reason)
            continue
        if not isinstance(obj, dict):
            yield Rejected(file, line, f"expected a JSON object, got {type(obj).__name__} {where}", obj)
            continue
        try:
            if "CompanyNumber" in obj or " CompanyNumber" in obj:
                out = [company_record({k.strip(): v for k, v in obj.items()}, dataset)]
            else:
                out = psc_record(obj, dataset)
        except LineError as e:
            yield Rejected(file, line, f"{e} {where}", obj)
            continue
        except SHAPE_ERRORS as e:
            yield Rejected(file, line, f"{shape_error(e)} {where}", obj)
            continue
        for rec in out:
            if isinstance(rec, str):
                yield Skipped(file, line, rec)
            elif isinstance(rec, tuple):
                yield Parsed(rec[0], file, line, placeholder=True)
            else:
                yield Parsed(rec, file, line)


def _s(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def _date(v, what: str) -> str | None:
    try:
        return parse_date(v if v is None or isinstance(v, str) else str(v))
    except ValueError as e:
        raise LineError(f"{what}: {e}") from None


def company_id(number: str) -> str:
    return f"gb-coh-{number.upper()}"


def _company_number(raw) -> str:
    number = _s(raw if isinstance(raw, str) else str(raw) if raw is not None else "").upper().replace(" ", "")
    if not number:
        raise LineError("missing company number")
    if not re.fullmatch(r"[A-Z0-9]{1,10}", number):
        raise LineError(f"company number {number!r} is not a Companies House number")
    return number.zfill(8) if number.isdigit() else number


def _placeholder(number: str, dataset: str) -> tuple[Entity]:
    return (Entity(id=company_id(number), type="company", name=f"Companies House company {number}",
                   country="gb", identifiers=[f"gb-coh:{number}"],
                   notes="placeholder: known only from a PSC record; load the company data for its name",
                   sources=[Source(dataset, number, PUBLIC_URL.format(number))]),)


def psc_record(obj: dict, dataset: str) -> list:
    data = obj.get("data")
    if not isinstance(data, dict):
        raise LineError("missing data object")
    kind = _s(data.get("kind"))
    if kind.startswith("totals#"):
        return ["snapshot totals line"]
    if "statement" in kind:
        return [f"PSC statement ({_s(data.get('statement')) or 'no statement code'})"]
    if "exemption" in kind:
        return ["PSC exemption"]
    m = re.fullmatch(r"(individual|corporate-entity|legal-person|super-secure)-"
                     r"(person-with-significant-control|beneficial-owner)", kind)
    if not m:
        raise LineError(f"unknown PSC kind {kind!r}")
    etype = KINDS[m.group(1)]
    number = _company_number(obj.get("company_number"))
    link = _s((data.get("links") or {}).get("self")) if isinstance(data.get("links"), dict) else ""
    psc_id = link.rstrip("/").rsplit("/", 1)[-1] if link else ""
    if not psc_id:
        raise LineError("missing links.self (the PSC id)")
    notified = _date(data.get("notified_on"), "notified_on")
    ceased = _date(data.get("ceased_on"), "ceased_on")
    if notified and ceased and date_floor(ceased) < date_floor(notified):
        raise LineError(f"ceased_on {ceased} is before notified_on {notified}")
    url = PUBLIC_URL.format(number) + "/persons-with-significant-control"
    sources = [Source(dataset, psc_id, url)]
    owner = _psc_entity(etype, psc_id, data, sources)
    natures = data.get("natures_of_control")
    if natures is None:
        natures = []
    if not isinstance(natures, list):
        raise LineError("natures_of_control must be a list")
    if not natures:
        natures = [""]  # a PSC without published natures (e.g. super-secure): control of unstated kind
    relations = []
    for code in natures:
        rtype, basis, lo, hi, role, note = nature(_s(code))
        strict = lo is not None and strict_lower_bound(_s(code))
        notes = [n for n in (note, f"notified {notified}" if notified else "",
                             "ceased" if data.get("ceased") is True and not ceased else "") if n]
        relations.append(Relation(
            source_id=owner.id, target_id=company_id(number), type=rtype, share_min=lo, share_max=hi,
            share_min_exclusive=strict,
            start_date=notified, end_date=ceased, ended=bool(ceased) or data.get("ceased") is True,
            basis=basis, role=role, note="; ".join(notes) or None, sources=sources, key=psc_id))
    return [owner, _placeholder(number, dataset), *relations]


def strict_lower_bound(code: str) -> bool:
    """Whether a band's lower bound is strict: 25-to-50 and 50-to-75 mean "more than", 75-to-100 means
    "75% or more" (Companies House definitions); the more-than-X codes are strict by name."""
    m = _BAND.match(code)
    if m:
        return BANDS.get((int(m.group(2)), int(m.group(3))), "").startswith("more than")
    return bool(_MORE_THAN.match(code))


def nature(code: str) -> tuple[str, str | None, float | None, float | None, str | None, str]:
    """(relation type, basis, share_min, share_max, role, note) for one natures_of_control code."""
    m = _BAND.match(code)
    if m:
        rtype, basis = BASIS[m.group(1)]
        lo, hi = int(m.group(2)), int(m.group(3))
        what = BANDS.get((lo, hi), f"between {lo}% and {hi}%")
        label = "shares" if rtype == "ownership" else m.group(1).replace("-", " ")
        return rtype, basis, float(lo), float(hi), _role(m.group(4)), f"{label}: {what}"
    m = _MORE_THAN.match(code)
    if m:
        rtype, basis = BASIS[m.group(1)]
        lo = int(m.group(2))
        return rtype, basis, float(lo), 100.0, _role(m.group(3)), f"more than {lo}%"
    m = _RIGHTS.match(code)
    if m:
        basis = ("board_majority_appointment_right" if m.group(1).startswith("right-to-appoint")
                 else "dominant_influence")
        return "control", basis, None, None, _role(m.group(2)), m.group(1).replace("-", " ")
    if not code:
        return "control", "unspecified_interest", None, None, None, "nature of control not published"
    return "control", "unspecified_interest", None, None, None, f"nature of control {code}"


def _role(suffix: str | None) -> str | None:
    return suffix.replace("-", " ") if suffix else None


def _psc_entity(etype: str, psc_id: str, data: dict, sources: list[Source]) -> Entity:
    ident = data.get("identification") if isinstance(data.get("identification"), dict) else {}
    name = _s(data.get("name"))
    notes: list[str] = []
    if etype == "unknown":
        return Entity(id=f"gb-coh-psc-{psc_id}", type="unknown", name="Protected person with significant control",
                      notes=_s(data.get("description")) or "super-secure PSC: details withheld by Companies House",
                      sources=sources)
    if not name:
        raise LineError("PSC has no name")
    aliases: list[str] = []
    births: list[str] = []
    nationalities: list[str] = []
    eid, country, idents = f"gb-coh-psc-{psc_id}", None, [f"gb-coh-psc:{psc_id}"]
    if etype == "person":
        el = data.get("name_elements") if isinstance(data.get("name_elements"), dict) else {}
        plain = " ".join(_s(el.get(k)) for k in ("forename", "other_forenames", "middle_name", "surname")
                         if _s(el.get(k)))
        if plain and plain != name:
            aliases.append(plain)
        dob = data.get("date_of_birth") if isinstance(data.get("date_of_birth"), dict) else {}
        if dob.get("year"):
            month = dob.get("month")
            born = f"{dob['year']}" + (f"-{month:02d}" if isinstance(month, int) and 1 <= month <= 12 else "")
            notes.append(f"born {born}")
            births.append(born)
        for k in ("nationality", "country_of_residence"):
            if _s(data.get(k)):
                notes.append(f"{k.replace('_', ' ')} {_s(data.get(k))}")
        # Companies House writes demonyms ("British"), which name no country code: the nationality
        # stays in the notes as given; only a two-letter code is taken as a code
        for part in re.split(r"\s*[,/]\s*", _s(data.get("nationality"))):
            if len(part) == 2 and part.isalpha():
                nationalities.append(country_code(part))
    else:
        reg = _s(ident.get("registration_number")).upper().replace(" ", "")
        where = " ".join(_s(ident.get(k)) for k in ("place_registered", "country_registered"))
        if reg and UK_REGISTERS.search(where) and re.fullmatch(r"[A-Z]{0,2}\d{1,8}", reg):
            number = reg.zfill(8) if reg.isdigit() else reg
            eid, country, idents = company_id(number), "gb", [f"gb-coh:{number}"]
        elif reg:
            notes.append(f"registration number {reg}" + (f" ({where.strip()})" if where.strip() else ""))
        for k in ("legal_form", "legal_authority"):
            if _s(ident.get(k)):
                notes.append(f"{k.replace('_', ' ')} {_s(ident.get(k))}")
    return Entity(id=eid, type=etype, name=name, aliases=aliases, country=country, identifiers=idents,
                  notes="; ".join(notes) or None, sources=sources, birth_dates=births,
                  nationalities=list(dict.fromkeys(nationalities)))


# ----------------------------------------------------------------------------------------- companies
def company_record(row: dict, dataset: str) -> Entity:
    number = _company_number(row.get("CompanyNumber"))
    name = _s(row.get("CompanyName"))
    if not name:
        raise LineError("missing CompanyName")
    aliases = [_s(row.get(f"PreviousName_{i}.CompanyName")) for i in range(1, 11)]
    notes = []
    for key, label in (("CompanyCategory", ""), ("CompanyStatus", "status"), ("IncorporationDate", "incorporated"),
                       ("DissolutionDate", "dissolved"), ("CountryOfOrigin", "country of origin")):
        v = _s(row.get(key))
        if v and key.endswith("Date"):
            v = _uk_date(v, key)
        if v:
            notes.append(f"{label} {v}".strip())
    uri = _s(row.get("URI"))
    problem = url_problem(uri)
    if problem:
        raise LineError(f"URI: {problem}")
    return Entity(id=company_id(number), type="company", name=name,
                  aliases=list(dict.fromkeys(a for a in aliases if a and a != name)), country="gb",
                  identifiers=[f"gb-coh:{number}"], notes="; ".join(notes) or None,
                  sources=[Source(dataset, number, uri or PUBLIC_URL.format(number))])


def _uk_date(v: str, what: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", v)
    iso = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else v
    return _date(iso, what) or ""


def read_company_csv(path: Path, dataset: str) -> Iterator[Parsed | Rejected]:
    file = str(path)
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        width = _wrap_width(fh)
        starts: dict[int, int] = {}  # joined line -> its first physical line (wrapped files only)
        rows = CsvRows(_unwrap(fh, width, starts) if width else fh)
        physical = (lambda n: starts.get(n, n)) if width else (lambda n: n)
        _, first = next(rows, (1, []))
        if first is None:
            raise InputError(f"{path}:1: the header row is not valid CSV ({rows.error})")
        header = [h.strip() for h in first]
        if not header:
            return
        for col in ("CompanyName", "CompanyNumber"):
            if col not in header:
                raise InputError(f"{path}:1: not a Companies House company file (no {col} column)")
        for line, row in rows:
            if width:
                for k in [k for k in starts if k < line]:  # no longer needed: a resync never goes back
                    del starts[k]
                line = physical(line)
            if row is None:
                yield Rejected(file, line, rows.error)
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                yield Rejected(file, line, f"row has {len(row)} fields, header has {len(header)}",
                               {"row": row[:5]})
                continue
            values = dict(zip(header, row))
            try:
                yield Parsed(company_record(values, dataset), file, line)
            except LineError as e:
                yield Rejected(file, line, str(e), values)


def _wrap_width(fh) -> int:
    """The width a file is hard-wrapped at (its first two lines are exactly as long), else 0."""
    first, second = fh.readline(), fh.readline()
    fh.seek(0)
    a, b = first.rstrip("\r\n"), second.rstrip("\r\n")
    if len(a) >= 80 and len(a) == len(b) and "CompanyNumber" in a and not a.rstrip().endswith("UpDate"):
        return len(a)
    return 0


def _unwrap(fh, width: int, starts: dict[int, int]) -> Iterator[str]:
    """Join physical lines exactly `width` long to the next one; starts[joined line] = its first physical
    line."""
    buf, start, joined = [], 1, 0
    for n, raw in enumerate(fh, 1):
        text = raw.rstrip("\r\n")
        if not buf:
            start = n
        buf.append(text)
        if len(text) != width:
            joined += 1
            starts[joined] = start
            yield "".join(buf) + "\n"
            buf = []
    if buf:
        starts[joined + 1] = start
        yield "".join(buf) + "\n"
