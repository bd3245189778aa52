"""The UN Security Council consolidated list, XML layout (`<CONSOLIDATED_LIST dateGenerated=...>`).

Each INDIVIDUAL and ENTITY becomes an Entity `un-<DATAID>` with its reference number as identifier
`un-ref:<REFERENCE_NUMBER>` (the UK and EU lists cite the same numbers), aliases, nationalities, dates
of birth, addresses and documents (passports, national ids), and one `un` designation whose program is
the UN_LIST_TYPE (the sanctions committee: DRC, Al-Qaida, DPRK, ...) dated LISTED_ON. Dates may carry a
timezone offset (`2015-04-14-04:00`, an XML Schema date in UTC-4): the day is kept as written. Records
stream (lxml iterparse); lines are where each record starts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from followthemoney import registry

from ..dates import parse_date
from ..errors import InputError
from ..graph.model import Designation, Entity, Source
from . import identifiers as ids
from . import xmlstream as X
from .ofac_sdn import _entity_type
from .records import Parsed, Rejected, Skipped, count_in_files
from .registry import Adapter, register

ROOT = "CONSOLIDATED_LIST"
URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
SEARCH_URL = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
# an XML Schema date or dateTime, with an optional timezone: 2015-04-14, 2015-04-14-04:00, 2015-04-14Z
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+)?(?:Z|[+-]\d{2}:\d{2})?$")
DOCS = {"passport": "{cc}-passport", "national identification number": "{cc}-national-id",
        "national identification card": "{cc}-national-id", "identification number": "{cc}-national-id"}


class _Bad(ValueError):
    pass


def listed_on(raw: str | None) -> str | None:
    """The day of an XML Schema date, with or without a timezone offset; None when empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    m = _DATE.match(raw)
    if not m:
        raise _Bad(f"LISTED_ON {raw!r} is not a date (YYYY-MM-DD, optionally with a timezone)")
    try:
        return parse_date(m.group(1))
    except ValueError as e:
        raise _Bad(f"LISTED_ON {raw!r}: {e}") from None


def _country(name: str | None) -> str | None:
    name = (name or "").strip()
    code = registry.country.clean(name) if name else None
    return code.lower() if code else None


def header(paths: list[Path]) -> dict:
    for p in paths:
        root, attrs, _ = X.header_attrs(p, max_events=2)
        if root == ROOT:
            m = _DATE.match((attrs.get("dateGenerated") or "").split("T")[0])
            return {"published": m.group(1) if m else None, "authority": "un",
                    "name": "UN Security Council consolidated list", "url": URL}
    return {}


def count_records(paths: list[Path]) -> int:
    return 2 * count_in_files(paths, b"<INDIVIDUAL>", b"<ENTITY>")  # an entity and its designation each


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for p in paths:
        if p.is_dir():
            raise InputError(f"{p}: un reads the consolidated list's XML file, not a folder")
        root = X.root_tag(p)
        if root != ROOT:
            raise InputError(f"{p}: not a UN consolidated list XML (root element {root or 'none'!r}, expected "
                             f"'CONSOLIDATED_LIST')")
        problems: list[Rejected] = []
        for tag, el in X.records(p, {"INDIVIDUAL", "ENTITY"}, problems):
            line = el.sourceline or 0
            try:
                yield from _record(tag, el, str(p), line, dataset)
            except _Bad as e:
                yield Rejected(str(p), line, f"{tag} {X.text(el, 'DATAID') or '?'}: {e}",
                               {"DATAID": X.text(el, "DATAID"), "REFERENCE_NUMBER": X.text(el, "REFERENCE_NUMBER")})
        yield from problems


def _values(el, name: str) -> list[str]:
    return [" ".join((v.text or "").split()) for c in X.children(el, name) for v in X.children(c, "VALUE")
            if (v.text or "").strip()]


def _record(tag: str, el, fname: str, line: int, dataset: str) -> Iterator[Parsed]:
    dataid = X.text(el, "DATAID")
    if not dataid:
        raise _Bad("no DATAID")
    person = tag == "INDIVIDUAL"
    name = " ".join(" ".join(X.text(el, f).split()) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                                              "FOURTH_NAME") if X.text(el, f))
    if not name:
        raise _Bad("no name")
    start = listed_on(X.text(el, "LISTED_ON"))
    ref = X.text(el, "REFERENCE_NUMBER")
    aliases = [" ".join(X.text(a, "ALIAS_NAME").split()) for a in X.children(el, f"{tag}_ALIAS")
               if X.text(a, "ALIAS_NAME")]
    original = X.text(el, "NAME_ORIGINAL_SCRIPT")
    if original:
        aliases.append(original)
    nationalities = [c for c in (_country(v) for v in _values(el, "NATIONALITY")) if c]
    addresses, countries = [], []
    for a in X.children(el, f"{tag}_ADDRESS"):
        parts = [X.text(a, k) for k in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")]
        text = ", ".join(" ".join(p.split()) for p in parts if p)
        if text:
            addresses.append(text)
        cc = _country(X.text(a, "COUNTRY"))
        if cc:
            countries.append(cc)
    births = []
    for b in X.children(el, "INDIVIDUAL_DATE_OF_BIRTH"):
        d = X.text(b, "DATE")
        m = _DATE.match(d) if d else None
        if m:
            births.append(m.group(1))
        elif X.text(b, "YEAR").isdigit():
            births.append(X.text(b, "YEAR"))
        elif X.text(b, "FROM_YEAR").isdigit() and X.text(b, "TO_YEAR").isdigit():
            y0, y1 = int(X.text(b, "FROM_YEAR")), int(X.text(b, "TO_YEAR"))
            births.extend(str(y) for y in range(y0, y1 + 1) if y1 - y0 <= 10)
    idents = [ids.make("un-ref", ref)] if ref else []
    notes = []
    for doc in X.children(el, "INDIVIDUAL_DOCUMENT"):
        number = X.text(doc, "NUMBER")
        if not number:
            continue
        kind = X.text(doc, "TYPE_OF_DOCUMENT")
        scheme = DOCS.get(kind.lower())
        cc = _country(X.text(doc, "ISSUING_COUNTRY") or X.text(doc, "COUNTRY_OF_ISSUE"))
        if scheme is None:
            notes.append(f"{kind or 'document'}: {number}")
            continue
        scheme = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
        idents.append(ids.make(scheme, number))
    roles = _values(el, "DESIGNATION")
    if roles:
        notes.append("designation: " + "; ".join(roles))
    comments = " ".join(X.text(el, "COMMENTS1").split())
    if comments:
        notes.insert(0, comments[:1000])
    src = [Source(dataset, ref or dataid, SEARCH_URL)]
    eid = f"un-{dataid}"
    yield Parsed(Entity(
        id=eid, type="person" if person else _entity_type("", name), name=name,
        aliases=[a for a in dict.fromkeys(aliases) if a and a != name],
        country=(countries or nationalities or [None])[0], identifiers=[i for i in dict.fromkeys(idents) if i],
        notes="; ".join(notes) or None, sources=src, birth_dates=list(dict.fromkeys(births)),
        nationalities=list(dict.fromkeys(nationalities)), addresses=list(dict.fromkeys(addresses))), fname, line)
    lists = _values(el, "LIST_TYPE")
    note = f"UN reference {ref}" if ref else None
    if lists:
        note = ", ".join(filter(None, (note, "list: " + "; ".join(lists))))
    yield Parsed(Designation(entity_id=eid, authority="un", program=X.text(el, "UN_LIST_TYPE") or None,
                             start_date=start, note=note, sources=src), fname, line)


def _adapter() -> Adapter:
    return Adapter("un", "the UN Security Council consolidated list (XML)", read, count_records, authority="un",
                   title="UN Security Council consolidated list", header=header)


register("un", _adapter)
