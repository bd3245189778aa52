"""The UK Sanctions List in its current XML layout (`<Designations>`, 2025-), read by `uk-sanctions`.

One `Designation` element per designated person, entity or ship: an Entity `uk-<OFSI group id>` (or
`uk-<unique id>` when the record has no group id, as ships may not), the same ids as the CSV layouts, so
a CSV and an XML copy of the list meet. Name1..Name6 make each name ("Primary Name" first; aliases and
non-Latin names become aliases), DOBs the dates of birth (`dd/mm/1945` means 1945), nationalities,
addresses, passports, national ids, IMO and business registration numbers and the UN reference number
the identifiers; positions, parent companies and subsidiaries go into the notes. One `uk` designation
for the regime, dated DateDesignated. Records stream (lxml iterparse); lines are where each starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from followthemoney import registry

from ..graph.model import Designation, Entity, Source
from . import identifiers as ids
from . import xmlstream as X
from .ofac_sdn import _entity_type
from .records import Parsed, Rejected, Skipped, count_in_files

ROOT = "Designations"
URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
_DMY = re.compile(r"^(\d{1,2}|dd)/(\d{1,2}|mm)/(\d{4})$", re.IGNORECASE)


class _Bad(ValueError):
    pass


def dmy(raw: str | None, what: str) -> str | None:
    """DD/MM/YYYY -> ISO; dd/mm/YYYY (day and month unknown) -> YYYY; a bare year stays a year."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if re.fullmatch(r"\d{4}", raw):
        return raw
    m = _DMY.match(raw)
    if not m:
        raise _Bad(f"{what} {raw!r} is not DD/MM/YYYY")
    d, mth, y = m.groups()
    if not d.isdigit() or not mth.isdigit():
        return y if not mth.isdigit() else f"{y}-{int(mth):02d}"
    from datetime import date

    try:
        return date(int(y), int(mth), int(d)).isoformat()
    except ValueError:
        raise _Bad(f"{what} {raw!r} is not a valid date") from None


def _country(name: str | None) -> str | None:
    name = (name or "").strip()
    code = registry.country.clean(name) if name else None
    return code.lower() if code else None


def header(path: Path) -> dict:
    root, _, head = X.header_attrs(path, max_events=4)
    if root != ROOT:
        return {}
    generated = dict(head).get("DateGenerated")
    try:
        published = dmy(generated, "DateGenerated")
    except _Bad:
        published = None
    return {"published": published, "authority": "uk", "name": "UK Sanctions List (XML)", "url": URL}


def count_records(path: Path) -> int:
    return 2 * count_in_files([path], b"<Designation>")


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    problems: list[Rejected] = []
    for _, el in X.records(path, {"Designation"}, problems):
        line = el.sourceline or 0
        try:
            yield from _designation(el, str(path), line, dataset)
        except _Bad as e:
            yield Rejected(str(path), line, f"designation {X.text(el, 'UniqueID') or '?'}: {e}",
                           {"UniqueID": X.text(el, "UniqueID"), "OFSIGroupID": X.text(el, "OFSIGroupID")})
    yield from problems


def _all(el, *path: str) -> list[str]:
    """The texts of every element along local names `path` (each step may repeat)."""
    nodes = [el]
    for name in path:
        nodes = [c for n in nodes for c in X.children(n, name)]
    return [" ".join((n.text or "").split()) for n in nodes if (n.text or "").strip()]


def _designation(el, fname: str, line: int, dataset: str) -> Iterator[Parsed]:
    uid = X.text(el, "UniqueID")
    gid = X.text(el, "OFSIGroupID") or uid
    if not gid:
        raise _Bad("no UniqueID or OFSIGroupID")
    names = []
    for n in X.descendants(el, "Name"):
        parts = [X.text(n, f"Name{i}") for i in range(1, 7)]
        full = " ".join(" ".join(p.split()) for p in parts if p)
        if full:
            names.append((X.text(n, "NameType").lower() != "primary name", full))
    if not names:
        raise _Bad("no name")
    names.sort(key=lambda t: t[0])
    name = names[0][1]
    aliases = [n for _, n in names[1:]] + _all(el, "NonLatinNames", "NonLatinName", "NameNonLatinScript")
    kind = X.text(el, "IndividualEntityShip").lower()
    etype = "person" if kind == "individual" else "vessel" if kind == "ship" else _entity_type("", name)
    listed = dmy(X.text(el, "DateDesignated"), "DateDesignated")
    person = ["IndividualDetails", "Individual"]
    births = [d for d in (dmy(x, "DOB") for x in _all(el, *person, "DOBs", "DOB")) if d]
    nationalities = [c for c in (_country(x) for x in _all(el, *person, "Nationalities", "Nationality")) if c]
    idents = []
    if X.text(el, "UNReferenceNumber"):
        idents.append(ids.make("un-ref", X.text(el, "UNReferenceNumber")))
    cc = nationalities[0] if nationalities else None
    for p in X.descendants(el, "Passport"):
        number = X.text(p, "PassportNumber")
        if number:
            idents.append(ids.make(f"{cc}-passport" if cc else "passport", number))
    for p in X.descendants(el, "NationalIdentifier"):
        number = X.text(p, "NationalIdentifierNumber")
        if number:
            idents.append(ids.make(f"{cc}-national-id" if cc else "national-id", number))
    for imo in X.descendants(el, "IMONumber"):
        idents.append(ids.make("imo", imo.text or ""))
    addresses, countries = [], []
    for a in X.descendants(el, "Address"):
        parts = [X.text(a, f"AddressLine{i}") for i in range(1, 7)] + [X.text(a, "AddressPostalCode"),
                                                                      X.text(a, "AddressCountry")]
        text = ", ".join(p for p in parts if p)
        if text:
            addresses.append(text)
        c = _country(X.text(a, "AddressCountry"))
        if c:
            countries.append(c)
    notes = []
    for label, path in (("position", (*person, "Positions", "Position")),
                        ("type of entity", ("EntityDetails", "Entity", "TypeOfEntities", "TypeOfEntity")),
                        ("parent company", ("EntityDetails", "Entity", "ParentCompanies", "ParentCompany")),
                        ("subsidiary", ("EntityDetails", "Entity", "Subsidiaries", "Subsidiary")),
                        ("owner / operator", ("ShipDetails", "Ship", "CurrentOwnerOperators", "CurrentOwnerOperator")),
                        ("flag", ("ShipDetails", "Ship", "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"))):
        vals = _all(el, *path)
        if vals:
            notes.append(f"{label}: {'; '.join(vals)}")
    country = None
    reg_cc = (countries or [None])[0]
    for reg in _all(el, "EntityDetails", "Entity", "BusinessRegistrationNumbers", "BusinessRegistrationNumber"):
        m = re.search(r"(\d[\dA-Z]{4,})", reg)
        if m:
            scheme = "gb-registration" if re.search(r"\bUK\b|companies house", reg, re.I) else \
                (f"{reg_cc}-registration" if reg_cc else "registration")
            idents.append(ids.make(scheme, m.group(1)))
    country = (countries or nationalities or [None])[0]
    other = " ".join(X.text(el, "OtherInformation").split())
    if other:
        notes.insert(0, other[:1000])
    reasons = " ".join(X.text(el, "UKStatementofReasons").split())
    if reasons:
        notes.append(f"statement of reasons: {reasons[:1000]}")
    src = [Source(dataset, gid, URL)]
    eid = f"uk-{gid}"
    yield Parsed(Entity(
        id=eid, type=etype, name=name, aliases=[a for a in dict.fromkeys(aliases) if a != name], country=country,
        identifiers=[i for i in dict.fromkeys(idents) if i], notes="; ".join(notes) or None, sources=src,
        birth_dates=list(dict.fromkeys(births)), nationalities=list(dict.fromkeys(nationalities)),
        addresses=list(dict.fromkeys(addresses))), fname, line)
    measures = X.text(el, "SanctionsImposed").replace("|", ", ")
    source = X.text(el, "DesignationSource").replace("|", ", ")
    note = "; ".join(filter(None, (f"sanctions: {measures}" if measures else None,
                                   f"designation source: {source}" if source else None,
                                   f"unique id {uid}" if uid else None)))
    yield Parsed(Designation(entity_id=eid, authority="uk", program=X.text(el, "RegimeName") or None,
                             start_date=listed, note=note or None, sources=src), fname, line)
