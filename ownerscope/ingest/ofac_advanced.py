"""OFAC's SDN list and consolidated (non-SDN) list in the Advanced XML layout (`sdn_advanced.xml`,
`cons_advanced.xml`, namespace .../ADVANCED_XML).

The file is streamed: its reference value sets, locations and identity documents come first and are kept
(they are small), then each record is read and cleared:

- `DistinctParty` -> an Entity `ofac-<profile id>` (the same id as the legacy CSV's ent_num, so the two
  layouts meet): the primary alias's name ("LAST, First" for individuals, as OFAC writes it), the other
  aliases, and the profile's features: dates of birth, nationality / citizenship, addresses (Location
  features), place of birth and other text features in the notes; identity documents become identifiers.
- `ProfileRelationship` -> a relation: "Owned or Controlled By" is an ownership by the other party with
  no percentage (OFAC publishes none, so the rules report `possible` where it matters); "Owns, controls,
  or operates" the same the other way; "Associate Of", "Family member of", "Providing support to" and
  "Leader or official of" keep their own types; other kinds are `linked` with the kind as role. A former
  relationship is `ended`.
- `SanctionsEntry` -> one designation per program (the "Program" sanctions measures), dated by the entry's
  earliest event ("Created"); the SDN List gives authority `us`, the non-SDN lists `us-nonsdn` (not
  blocking, so the 50% rule does not count them).

Reference values an excerpt leaves out fall back to OFAC's published ids (FEATURE_IDS). Lines are where
each record starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..errors import InputError
from ..graph.model import Designation, Entity, Relation, Source
from . import identifiers as ids
from . import xmlstream as X
from .ofac_sdn import ID_LABELS, _entity_type
from .records import Parsed, Rejected, Skipped, count_in_files
from .registry import Adapter, register

URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={uid}"
ROOT = "Sanctions"
# OFAC's own reference value ids, for excerpts that trimmed them from ReferenceValueSets
FEATURE_IDS = {"3": "Vessel Flag", "8": "Birthdate", "9": "Place of Birth", "10": "Nationality Country",
               "11": "Citizenship Country", "13": "SWIFT/BIC", "14": "Website", "25": "Location", "26": "Title",
               "224": "Gender"}
RELATIONS = {  # relation kind -> (type, reversed: the To profile is the owner / source)
    "owned or controlled by": ("ownership", True),
    "owns, controls, or operates": ("ownership", False),
    "associate of": ("associate", False),
    "linked to": ("linked", False),
    "family member of": ("family", False),
    "providing support to": ("facilitation", False),
    "leader or official of": ("directorship", False),
    "principal executive officer": ("directorship", False),
}
DOC_SCHEMES = {label.lower(): scheme for label, scheme in ID_LABELS.items()}
DOC_SCHEMES.update({"passport": "{cc}-passport", "national id no.": "{cc}-national-id",
                    "vessel registration identification": "imo", "registration number": "{cc}-registration",
                    "tax id no.": "{cc}-tax", "swift/bic": "swift", "legal entity number": "lei"})
RECORD_TAGS = {"ReferenceValueSets", "Location", "IDRegDocument", "DistinctParty", "ProfileRelationship",
               "SanctionsEntry"}


class _Bad(ValueError):
    pass


class _Refs:
    """The reference value sets: id -> name per set, countries id -> ISO2, name part groups."""

    def __init__(self):
        self.values: dict[str, dict[str, str]] = {}
        self.country_iso: dict[str, str] = {}
        self.sub_parent: dict[str, str] = {}  # PartySubType id -> PartyType id
        self.locations: dict[str, dict] = {}
        self.documents: dict[str, list[tuple[str, str, str | None]]] = {}  # identity id -> (type, no, cc)

    def read(self, el) -> None:
        for group in el:
            gname = X.local(group.tag)
            table = self.values.setdefault(gname, {})
            for v in group:
                vid = v.get("ID")
                if vid is not None:
                    table[vid] = (v.text or "").strip()
                    if X.local(v.tag) == "PartySubType" and v.get("PartyTypeID"):
                        self.sub_parent[vid] = v.get("PartyTypeID")
                    if X.local(v.tag) == "Country" and v.get("ISO2"):
                        self.country_iso[vid] = v.get("ISO2").lower()
                    if X.local(v.tag) == "AreaCode" and v.get("CountryID") and (v.text or "").strip():
                        self.country_iso.setdefault(v.get("CountryID"), (v.text or "").strip().lower())

    def name(self, group: str, vid: str | None, fallback: dict | None = None) -> str:
        if vid is None:
            return ""
        return self.values.get(group, {}).get(vid) or (fallback or {}).get(vid, "")

    def location(self, el) -> None:
        country = None
        for c in X.children(el, "LocationCountry"):
            country = self.country_iso.get(c.get("CountryID") or "") or country
        parts = []
        for part in X.children(el, "LocationPart"):
            for val in X.descendants(part, "Value"):
                if (val.text or "").strip():
                    parts.append(val.text.strip())
        self.locations[el.get("ID") or ""] = {"country": country, "text": ", ".join(parts)}

    def document(self, el) -> None:
        dtype = self.name("IDRegDocTypeValues", el.get("IDRegDocTypeID"))
        number = X.text(el, "IDRegistrationNo")
        cc = self.country_iso.get(el.get("IssuedBy-CountryID") or "")
        if number:
            self.documents.setdefault(el.get("IdentityID") or "", []).append((dtype, number, cc))


def _date(el) -> str | None:
    """YYYY[-MM[-DD]] from an element with Year / Month / Day children."""
    if el is None:
        return None
    y, m, d = X.text(el, "Year"), X.text(el, "Month"), X.text(el, "Day")
    if not y.isdigit():
        return None
    out = f"{int(y):04d}"
    if m.isdigit():
        out += f"-{int(m):02d}"
        if d.isdigit():
            out += f"-{int(d):02d}"
    return out


def _period_dates(period) -> list[str]:
    """The dates a DatePeriod states: one exact date, or a year when it spans whole years, else its ends."""
    start = next(iter(X.children(period, "Start")), None)
    end = next(iter(X.children(period, "End")), None)
    lo = _date(next(iter(X.children(start, "From")), None)) if start is not None else None
    hi = _date(next(iter(X.children(end, "To")), None)) if end is not None else None
    hi = hi or lo
    if lo is None:
        return []
    if lo == hi:
        return [lo]
    if lo.endswith("-01-01") and hi.endswith("-12-31"):
        y0, y1 = int(lo[:4]), int(hi[:4])
        return [str(y) for y in range(y0, y1 + 1)] if y1 - y0 <= 5 else [lo[:4], hi[:4]]
    return [lo, hi]


def header(paths: list[Path]) -> dict:
    for p in paths:
        root, _, head = X.header_attrs(p, max_events=12)
        if root != ROOT:
            continue
        vals = dict(head)
        y, m, d = vals.get("Year", ""), vals.get("Month", ""), vals.get("Day", "")
        published = (f"{int(y):04d}-{int(m):02d}-{int(d):02d}" if y.isdigit() and m.isdigit() and d.isdigit()
                     else None)
        cons = "cons" in p.name.lower()
        return {"published": published, "authority": "us",
                "name": "OFAC consolidated (non-SDN) list (advanced XML)" if cons
                else "OFAC SDN list (advanced XML)",
                "url": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
                       + ("CONS_ADVANCED.XML" if cons else "SDN_ADVANCED.XML")}
    return {}


def count_records(paths: list[Path]) -> int:
    return count_in_files(paths, b"<DistinctParty ", b"<ProfileRelationship ", b"<SanctionsEntry ")


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for p in paths:
        if p.is_dir():
            raise InputError(f"{p}: ofac-advanced reads sdn_advanced.xml / cons_advanced.xml, not a folder")
        root = X.root_tag(p)
        if root != ROOT:
            raise InputError(f"{p}: not an OFAC Advanced XML file (root element {root or 'none'!r}, expected "
                             f"'Sanctions'); the legacy sdn.csv is read by ofac-sdn")
        yield from read_file(p, dataset)


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    fname = str(path)
    refs = _Refs()
    problems: list[Rejected] = []
    for tag, el in X.records(path, RECORD_TAGS, problems):
        line = el.sourceline or 0
        if tag == "ReferenceValueSets":
            refs.read(el)
        elif tag == "Location":
            refs.location(el)
        elif tag == "IDRegDocument":
            refs.document(el)
        else:
            try:
                if tag == "DistinctParty":
                    yield from _party(el, refs, fname, line, dataset)
                elif tag == "ProfileRelationship":
                    yield from _relationship(el, refs, fname, line, dataset)
                else:
                    yield from _entry(el, refs, fname, line, dataset)
            except _Bad as e:
                yield Rejected(fname, line, str(e), {"element": tag, **dict(el.attrib)})
    yield from problems


def _names(identity, refs: _Refs) -> tuple[str | None, list[str]]:
    groups = {g.get("ID"): refs.name("NamePartTypeValues", g.get("NamePartTypeID"))
              for g in X.descendants(identity, "NamePartGroup")}
    primary, others = None, []
    for alias in X.children(identity, "Alias"):
        for doc in X.children(alias, "DocumentedName"):
            last, rest = [], []
            for v in X.descendants(doc, "NamePartValue"):
                val = " ".join((v.text or "").split())
                if not val:
                    continue
                (last if groups.get(v.get("NamePartGroupID")) == "Last Name" else rest).append(val)
            if last and rest:
                name = f"{' '.join(last)}, {' '.join(rest)}"
            else:
                name = " ".join(last + rest)
            if not name:
                continue
            if alias.get("Primary") == "true" and primary is None and doc.get("DocNameStatusID") in (None, "1"):
                primary = name
            else:
                others.append(name)
    if primary is None and others:
        primary = others.pop(0)
    return primary, others


def _party(el, refs: _Refs, fname: str, line: int, dataset: str) -> Iterator[Parsed]:
    profile = next(iter(X.children(el, "Profile")), None)
    if profile is None:
        raise _Bad(f"DistinctParty {el.get('FixedRef')}: no Profile")
    pid = profile.get("ID") or el.get("FixedRef")
    sub = profile.get("PartySubTypeID")
    subtype = refs.name("PartySubTypeValues", sub)
    party_type = refs.name("PartyTypeValues", refs.sub_parent.get(sub or ""))
    name, aliases = None, []
    identities = X.children(profile, "Identity")
    identity_ids = set()
    for ident in sorted(identities, key=lambda i: i.get("Primary") != "true"):
        identity_ids.add(ident.get("ID"))
        n, others = _names(ident, refs)
        if name is None:
            name = n
        elif n:
            aliases.append(n)
        aliases.extend(others)
    if not name:
        raise _Bad(f"profile {pid}: no name")
    etype = {"Individual": "person"}.get(party_type) or {"Vessel": "vessel", "Aircraft": "airplane"}.get(subtype) \
        or _entity_type("", name)
    births, nationalities, addresses, notes, idents = [], [], [], [], []
    country = None
    for feat in X.children(profile, "Feature"):
        kind = refs.name("FeatureTypeValues", feat.get("FeatureTypeID"), FEATURE_IDS) or \
            f"feature {feat.get('FeatureTypeID')}"
        for ver in X.children(feat, "FeatureVersion"):
            loc_ids = [v.get("LocationID") for v in X.children(ver, "VersionLocation")]
            detail = " ".join(" ".join((d.text or "").split()) for d in X.children(ver, "VersionDetail")).strip()
            if not detail:
                detail = ", ".join(filter(None, (refs.name("DetailReferenceValues", d.get("DetailReferenceID"))
                                                 for d in X.children(ver, "VersionDetail"))))
            low = kind.lower()
            if low == "birthdate":
                for period in X.children(ver, "DatePeriod"):
                    births.extend(_period_dates(period))
            elif low in ("nationality country", "citizenship country", "nationality", "citizenship"):
                for lid in loc_ids:
                    cc = refs.locations.get(lid, {}).get("country")
                    if cc:
                        nationalities.append(cc)
                if detail:
                    notes.append(f"{kind}: {detail}")
            elif low == "location":
                for lid in loc_ids:
                    loc = refs.locations.get(lid)
                    if loc:
                        text = ", ".join(filter(None, (loc["text"], (loc["country"] or "").upper())))
                        if text:
                            addresses.append(text)
                        country = country or loc["country"]
            elif low in ("swift/bic", "imo") and detail:
                idents.append(ids.make("swift" if low == "swift/bic" else "imo", detail))
            elif detail:
                notes.append(f"{kind}: {detail}")
    for iid in identity_ids:
        for dtype, number, cc in refs.documents.get(iid, []):
            scheme = DOC_SCHEMES.get(dtype.lower())
            if scheme is None:
                notes.append(f"{dtype or 'document'}: {number}")
                continue
            if "{cc}" in scheme:
                scheme = scheme.replace("{cc}", cc) if cc else scheme.split("-", 1)[1]
            idents.append(ids.make(scheme, number))
    comment = X.text(el, "Comment").strip("; ")
    if comment:
        notes.insert(0, comment)
    src = [Source(dataset, str(el.get("FixedRef") or pid), URL.format(uid=el.get("FixedRef") or pid))]
    facts = {"birth_dates": list(dict.fromkeys(births)), "nationalities": list(dict.fromkeys(nationalities)),
             "addresses": list(dict.fromkeys(addresses))}
    ent = Entity(id=f"ofac-{pid}", type=etype, name=name,
                      aliases=[a for a in dict.fromkeys(aliases) if a != name],
                      country=country or (nationalities[0] if nationalities else None),
                      identifiers=[i for i in dict.fromkeys(idents) if i], notes="; ".join(notes) or None,
                      sources=src, **facts)
    yield Parsed(ent, fname, line)


def _relationship(el, refs: _Refs, fname: str, line: int, dataset: str) -> Iterator[Parsed | Skipped]:
    a, b = el.get("From-ProfileID"), el.get("To-ProfileID")
    if not a or not b:
        raise _Bad(f"relationship {el.get('ID')}: no From-ProfileID / To-ProfileID")
    kind = refs.name("RelationTypeValues", el.get("RelationTypeID")) or f"relation {el.get('RelationTypeID')}"
    rtype, reverse = RELATIONS.get(kind.lower(), ("linked", False))
    src_id, dst_id = (f"ofac-{b}", f"ofac-{a}") if reverse else (f"ofac-{a}", f"ofac-{b}")
    note = f"OFAC: profile {a} \"{kind}\" profile {b}"
    if rtype == "ownership":
        note += " (ownership or control; OFAC publishes no percentage)"
    quality = refs.name("RelationQualityValues", el.get("RelationQualityID"))
    if quality and quality != "Unknown":
        note += f"; quality: {quality}"
    yield Parsed(Relation(source_id=src_id, target_id=dst_id, type=rtype,
                          basis="owned or controlled by (OFAC)" if rtype == "ownership" else None,
                          role=None if kind.lower() in RELATIONS else kind, note=note,
                          ended=el.get("Former") == "true", key=f"ofac-rel-{el.get('ID')}",
                          sources=[Source(dataset, f"relationship {el.get('ID')}", URL.format(uid=a))]),
                 fname, line)


def _entry(el, refs: _Refs, fname: str, line: int, dataset: str) -> Iterator[Parsed]:
    pid = el.get("ProfileID")
    if not pid:
        raise _Bad(f"sanctions entry {el.get('ID')}: no ProfileID")
    list_name = refs.name("ListValues", el.get("ListID")) or f"list {el.get('ListID')}"
    authority = "us" if list_name.strip().lower() in ("sdn list", "") or el.get("ListID") == "1550" else "us-nonsdn"
    events = []
    for ev in X.children(el, "EntryEvent"):
        d = _date(next(iter(X.children(ev, "Date")), None))
        if d:
            events.append((refs.name("EntryEventTypeValues", ev.get("EntryEventTypeID")) or "", d))
    created = [d for kind, d in events if kind.lower() == "created"]
    listed = min(created or [d for _, d in events] or [None], key=lambda x: x or "")
    programs, measures = [], []
    for m in X.children(el, "SanctionsMeasure"):
        mtype = refs.name("SanctionsTypeValues", m.get("SanctionsTypeID")) or ""
        comment = X.text(m, "Comment")
        if mtype.lower() == "program" or (m.get("SanctionsTypeID") == "1" and comment):
            if comment:
                programs.append(comment)
        elif mtype:
            measures.append(mtype)
    note = f"OFAC {list_name}" + (f"; measures: {', '.join(dict.fromkeys(measures))}" if measures else "")
    if events:
        note += "; entry events: " + ", ".join(f"{k or 'event'} {d}" for k, d in events)
    src = [Source(dataset, pid, URL.format(uid=pid))]
    for prog in list(dict.fromkeys(programs)) or [None]:
        yield Parsed(Designation(entity_id=f"ofac-{pid}", authority=authority, program=prog, start_date=listed,
                                 note=note, sources=src), fname, line)


def _adapter() -> Adapter:
    return Adapter("ofac-advanced", "the OFAC SDN / consolidated list, Advanced XML layout (sdn_advanced.xml, "
                   "cons_advanced.xml)", read, count_records, authority="us", title="OFAC SDN list (advanced XML)",
                   header=header)


register("ofac-advanced", _adapter)
