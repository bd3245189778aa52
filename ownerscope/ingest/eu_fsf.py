"""The EU Financial Sanctions Files (FSF) consolidated list, XML layout (`<export generationDate=...>`).

Each `sanctionEntity` becomes an Entity `eu-<logicalId>`: its first English (or language-less) strong
name alias is the name, every other alias in every language an alias; citizenships the nationalities,
birth dates the dates of birth, identifications identifiers (passport, national id, registration and tax
numbers, SWIFT/BIC, IMO), addresses the addresses; the EU and UN reference numbers are identifiers too.
One `eu` designation per programme (IRQ, RUS, ...), dated by the entity's `designationDate` when the file
gives it, else by the earliest listing regulation's entry into force (or its publication date); the note
names the regulation with its publication date. Records stream (lxml iterparse); lines are where each
record starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Source
from . import identifiers as ids
from . import xmlstream as X
from .ofac_sdn import _entity_type
from .records import Parsed, Rejected, Skipped, count_in_files
from .registry import Adapter, register

ROOT = "export"
URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
SEARCH_URL = "https://www.sanctionsmap.eu/#/main"
ID_SCHEMES = {"passport": "{cc}-passport", "id": "{cc}-national-id", "regnumber": "{cc}-registration",
              "tax": "{cc}-tax", "fiscalcode": "{cc}-tax", "swiftbic": "swift", "imo": "imo",
              "ssn": "{cc}-national-id"}
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class _Bad(ValueError):
    pass


def _cc(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code if re.fullmatch(r"[a-z]{2}", code) and code != "00" else None


def _day(raw: str | None) -> str | None:
    m = _ISO_DATE.match((raw or "").strip())
    if not m:
        return None
    try:
        return parse_date(m.group(1))
    except ValueError:
        return None


def header(paths: list[Path]) -> dict:
    for p in paths:
        root, attrs, _ = X.header_attrs(p, max_events=2)
        if root == ROOT:
            return {"published": _day(attrs.get("generationDate")), "authority": "eu",
                    "name": "EU Financial Sanctions Files (consolidated list)", "url": URL}
    return {}


def count_records(paths: list[Path]) -> int:
    return 2 * count_in_files(paths, b"<sanctionEntity")  # an entity and about one designation each


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for p in paths:
        if p.is_dir():
            raise InputError(f"{p}: eu-fsf reads the consolidated list's XML file, not a folder")
        root = X.root_tag(p)
        if root != ROOT:
            raise InputError(f"{p}: not an EU Financial Sanctions Files XML (root element {root or 'none'!r}, "
                             f"expected 'export')")
        problems: list[Rejected] = []
        for _, el in X.records(p, {"sanctionEntity"}, problems):
            line = el.sourceline or 0
            try:
                yield from _entity(el, str(p), line, dataset)
            except _Bad as e:
                yield Rejected(str(p), line, str(e), dict(el.attrib))
        yield from problems


def _entity(el, fname: str, line: int, dataset: str) -> Iterator[Parsed]:
    lid = el.get("logicalId")
    if not lid:
        raise _Bad("sanctionEntity without logicalId")
    names = []
    for a in X.children(el, "nameAlias"):
        whole = " ".join((a.get("wholeName") or "").split()) or " ".join(
            filter(None, (a.get("firstName"), a.get("middleName"), a.get("lastName"))))
        if whole:
            lang = (a.get("nameLanguage") or "").upper()
            names.append((a.get("strong") != "true", lang not in ("", "EN"), whole))
    if not names:
        raise _Bad(f"sanctionEntity {lid}: no name")
    name = sorted(names, key=lambda t: (t[0], t[1]))[0][2]
    subject = next(iter(X.children(el, "subjectType")), None)
    code = (subject.get("code") if subject is not None else "") or ""
    etype = "person" if code == "person" else _entity_type("", name)
    idents = []
    if el.get("euReferenceNumber"):
        idents.append(ids.make("eu-ref", el.get("euReferenceNumber")))
    if el.get("unitedNationId"):
        idents.append(ids.make("un-ref", el.get("unitedNationId")))
    notes = []
    for i in X.children(el, "identification"):
        number = (i.get("number") or i.get("latinNumber") or "").strip()
        if not number:
            continue
        kind = (i.get("identificationTypeCode") or "").lower()
        scheme = ID_SCHEMES.get(kind)
        cc = _cc(i.get("countryIso2Code"))
        if scheme is None:
            notes.append(f"{i.get('identificationTypeDescription') or kind or 'identification'}: {number}")
            continue
        if "{cc}" in scheme:
            scheme = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
        idents.append(ids.make(scheme, number))
    births = []
    for b in X.children(el, "birthdate"):
        d = _day(b.get("birthdate"))
        if d is None and (b.get("year") or "").isdigit():
            d = b.get("year")
            if (b.get("monthOfYear") or "").isdigit():
                d += f"-{int(b.get('monthOfYear')):02d}"
                if (b.get("dayOfMonth") or "").isdigit():
                    d += f"-{int(b.get('dayOfMonth')):02d}"
        if d:
            births.append(d)
        place = ", ".join(filter(None, (b.get("city"), b.get("place"), b.get("region"))))
        if place:
            notes.append(f"place of birth: {place}")
    nationalities = [c for c in (_cc(c.get("countryIso2Code")) for c in X.children(el, "citizenship")) if c]
    addresses, countries = [], []
    for a in X.children(el, "address"):
        parts = [a.get(k) for k in ("street", "poBox", "city", "zipCode", "region", "place", "countryDescription")]
        text = ", ".join(p.strip() for p in parts if p and p.strip() and p.strip() != "UNKNOWN")
        if text:
            addresses.append(text)
        cc = _cc(a.get("countryIso2Code"))
        if cc:
            countries.append(cc)
    remark = " ".join(X.text(el, "remark").split())
    if remark:
        notes.insert(0, remark)
    functions = [a.get("function") for a in X.children(el, "nameAlias") if (a.get("function") or "").strip()]
    if functions:
        notes.append("function: " + "; ".join(dict.fromkeys(" ".join(f.split()) for f in functions)))
    src = [Source(dataset, lid, SEARCH_URL)]
    yield Parsed(Entity(
        id=f"eu-{lid}", type=etype, name=name,
        aliases=[n for n in dict.fromkeys(t[2] for t in names) if n != name],
        country=(countries or nationalities or [None])[0], identifiers=[i for i in dict.fromkeys(idents) if i],
        notes="; ".join(dict.fromkeys(notes)) or None, sources=src, birth_dates=list(dict.fromkeys(births)),
        nationalities=list(dict.fromkeys(nationalities)), addresses=list(dict.fromkeys(addresses))), fname, line)
    regs = []
    for r in X.children(el, "regulation"):
        pub, force = _day(r.get("publicationDate")), _day(r.get("entryIntoForceDate"))
        regs.append((force or pub or "9999", r.get("programme") or None, r.get("numberTitle") or "", pub, force,
                     X.text(r, "publicationUrl")))
    regs.sort(key=lambda t: t[0])
    listed = _day(el.get("designationDate"))
    by_programme: dict[str | None, tuple] = {}
    for reg in regs:
        by_programme.setdefault(reg[1], reg)
    if not by_programme:
        by_programme[None] = ("9999", None, "", None, None, "")
    for programme, (first, _, title, pub, force, url) in by_programme.items():
        start = listed or (first if first != "9999" else None)
        ref = el.get("euReferenceNumber")
        note = ", ".join(filter(None, (f"EU regulation {title}" if title else None,
                                       f"published {pub}" if pub else None, f"in force {force}" if force else None,
                                       f"EU ref {ref}" if ref else None)))
        basis = "designation date" if listed else "entry into force of the listing regulation" if force else \
            "publication of the listing regulation" if pub else None
        if basis and start:
            note += f"; listing date from the {basis}"
        yield Parsed(Designation(entity_id=f"eu-{lid}", authority="eu", program=programme, start_date=start,
                                 note=note or None, sources=[Source(dataset, lid, url or SEARCH_URL)]),
                     fname, line)


def _adapter() -> Adapter:
    return Adapter("eu-fsf", "the EU Financial Sanctions Files consolidated list (XML)", read, count_records,
                   authority="eu", title="EU Financial Sanctions Files (consolidated list)", header=header)


register("eu-fsf", _adapter)
