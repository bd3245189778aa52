"""GLEIF files: LEI-CDF 3.x entity records, RR-CDF relationship records and reporting exceptions (repex).

Each file is read with `iterparse`, one record at a time, and every finished record is cleared, so a
multi-gigabyte golden copy streams in constant memory. The kind of file is told by its root element, and
the files of one run are read entities first (LEI, then exceptions, then relationships), whatever the
order on the command line. Line numbers are those where a record's element ends (XML has no cheaper
handle), and reasons say so.

- LEI records -> an Entity with id = the LEI, identifiers `lei:<LEI>` and `<registration authority>:<id>`,
  other and transliterated names as aliases, the legal jurisdiction's country; fund / branch /
  sole-proprietor categories, entity and registration status go into `notes`.
- Relationship records: `StartNode` is the child, `EndNode` the parent, so the relation runs parent ->
  child (DESIGN.md: the source is the owner or controller):
  IS_DIRECTLY_CONSOLIDATED_BY -> control, basis accounting_consolidation_direct;
  IS_ULTIMATELY_CONSOLIDATED_BY -> control, basis accounting_consolidation_ultimate (with the percentage
  when a quantifier gives one); IS_FUND-MANAGED_BY -> linked, role "fund manager" (manager -> fund);
  IS_SUBFUND_OF -> linked, role "umbrella fund" (umbrella -> sub-fund); IS_FEEDER_TO -> linked, role
  "feeder fund" (feeder -> master). Dates from the RELATIONSHIP_PERIOD; status INACTIVE -> ended.
  `key` = "<child LEI>:<relationship type>:<parent LEI>", the relationship's identity in GLEIF.
  Each end gets a placeholder entity (type legal_entity, named by its LEI, flagged in notes): the pipeline
  stores it only if no entity with that LEI exists, so a relationship file loads on its own and never
  overwrites an LEI record loaded before or in the same run.
- Reporting exceptions say why a parent is not reported (NATURAL_PERSONS, NON_CONSOLIDATING,
  NO_KNOWN_PERSON, NON_PUBLIC, ...). Each becomes a node of type `unknown` of its own (one per LEI and
  category, so unrelated entities never meet through it) with an edge to the LEI: `control` with basis
  accounting_consolidation_direct / _ultimate and role "unreported parent" when a parent exists but is not
  named (NATURAL_PERSONS, NON_PUBLIC, NO_LEI, legal obstacles), `linked` with role "reporting exception"
  when there is none (NON_CONSOLIDATING, NO_KNOWN_PERSON). Not a note on the entity: a note would be an
  update that overwrites the LEI record's own notes (the store's merge keeps the newer note) or creates a
  nameless entity when the LEI is not loaded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import Entity, Relation, Source
from .jsonstream import count_token
from .records import Parsed, Rejected, Skipped
from .registry import Adapter, register

LEI_URL = "https://search.gleif.org/#/record/{}"
RECORDS = {"LEIRecord": "lei", "RelationshipRecord": "rr", "Exception": "repex"}
ORDER = {"lei": 0, "repex": 1, "rr": 2}
RELATIONSHIPS = {
    "IS_DIRECTLY_CONSOLIDATED_BY": ("control", "accounting_consolidation_direct", None),
    "IS_ULTIMATELY_CONSOLIDATED_BY": ("control", "accounting_consolidation_ultimate", None),
    "IS_INTERNATIONAL_BRANCH_OF": ("control", "branch_of", None),
    "IS_FUND-MANAGED_BY": ("linked", None, "fund manager"),
    "IS_SUBFUND_OF": ("linked", None, "umbrella fund"),
    "IS_FEEDER_TO": ("linked", None, "feeder fund"),
}
FEEDER = "IS_FEEDER_TO"
EXCEPTIONS = {
    "NATURAL_PERSONS": "controlled by one or more natural persons, no entity consolidates it",
    "NON_CONSOLIDATING": "the parent does not prepare consolidated financial statements",
    "NO_KNOWN_PERSON": "no known person controls the entity",
    "NON_PUBLIC": "the parent's identity is not public",
    "NO_LEI": "the parent has no LEI",
    "BINDING_LEGAL_COMMITMENTS": "binding legal commitments prevent disclosure",
    "LEGAL_OBSTACLES": "legal obstacles prevent disclosure",
    "DISCLOSURE_DETRIMENTAL": "disclosure would be detrimental",
    "DETRIMENT_NOT_EXCLUDED": "detriment from disclosure cannot be excluded",
    "CONSENT_NOT_OBTAINED": "the parent's consent was not obtained",
}
NO_PARENT = {"NO_KNOWN_PERSON", "NON_CONSOLIDATING"}  # reasons saying there is no such parent at all  # the only type whose start node is the 'source' side


class RecordError(ValueError):
    pass


@lru_cache(maxsize=4096)
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def file_kind(path: Path) -> str:
    """'lei', 'rr' or 'repex' from the root element; InputError for anything else."""
    try:
        for _, elem in ET.iterparse(path, events=("start",)):
            root = _local(elem.tag)
            break
        else:
            raise InputError(f"{path}: empty XML file")
    except ET.ParseError as e:
        raise InputError(f"{path}:{e.position[0]}: not well-formed XML ({e.msg if hasattr(e, 'msg') else e})") \
            from None
    kinds = {"LEIData": "lei", "RelationshipData": "rr", "ReportingExceptionData": "repex"}
    if root not in kinds:
        raise InputError(f"{path}: not a GLEIF file (root element {root}; expected LEIData, "
                         "RelationshipData or ReportingExceptionData)")
    return kinds[root]


def gleif_files(paths: list[Path]) -> list[tuple[str, Path]]:
    files = []
    for p in paths:
        p = Path(p)
        found = sorted(p.glob("*.xml")) if p.is_dir() else [p]
        if not found:
            raise InputError(f"{p}: no *.xml files in this folder")
        files += [(file_kind(f), f) for f in found]
    return sorted(files, key=lambda kf: ORDER[kf[0]])


def estimate(paths: list[Path]) -> int:
    tokens = {"lei": b"LEIRecord>", "rr": b"RelationshipRecord>", "repex": b"Exception>"}
    per_record = {"lei": 1, "rr": 1, "repex": 2}  # an exception gives its node and its edge
    # every record has an opening and a closing tag, hence // 2
    return sum(count_token(f, tokens[k]) // 2 * per_record[k] for k, f in gleif_files(paths))


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for kind, f in gleif_files(paths):
        yield from read_file(f, kind, dataset)


def read_file(path: Path, kind: str, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    file = str(path)
    parse = {"lei": _lei, "rr": _rr, "repex": _repex}[kind]
    ordinal = 0
    parser = ET.XMLPullParser(events=("start", "end"))
    root = None
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            broken = None
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
            except ET.ParseError as e:
                broken = e
            events = parser.read_events()
            while True:
                try:
                    event, elem = next(events)
                except StopIteration:
                    break
                except ET.ParseError as e:  # the pull parser raises a stored error here
                    broken = e
                    break
                if event == "start":
                    if root is None:
                        root = elem
                    continue
                name = _local(elem.tag)
                if RECORDS.get(name) != kind:
                    continue
                ordinal += 1
                try:
                    records = parse(elem, dataset)
                except RecordError as e:
                    yield Rejected(file, ordinal, f"record {ordinal} of the file: {e}", _raw(elem))
                else:
                    for rec in records:
                        if isinstance(rec, tuple):  # a placeholder entity
                            yield Parsed(rec[0], file, ordinal, placeholder=True)
                        else:
                            yield Parsed(rec, file, ordinal)
                elem.clear()
            if root is not None:  # drop the finished records from the tree: constant memory
                for container in root:
                    del container[:-1]
            if broken is not None:
                yield Rejected(file, broken.position[0], f"not well-formed XML after record {ordinal}: {broken}; "
                                                         "the rest of the file is not read")
                return
            if not chunk:
                return


def _raw(elem) -> dict:
    out = {}
    for e in elem.iter():
        if e.text and e.text.strip():
            out.setdefault(_local(e.tag), e.text.strip())
    return out


def _factory() -> Adapter:
    return Adapter("gleif", "GLEIF LEI-CDF (lei-data.xml), relationship RR-CDF (rr-data.xml) and reporting "
                   "exception (repex) XML files, or a folder of them", read, estimate)


register("gleif", _factory)


# ------------------------------------------------------------------------------------------- records
def _child(elem, *names):
    """The first descendant path by local names (namespace-agnostic: LEI-CDF 2.1 and 3.x differ)."""
    cur = elem
    for n in names:
        nxt = None
        for c in cur:
            if _local(c.tag) == n:
                nxt = c
                break
        if nxt is None:
            return None
        cur = nxt
    return cur


def _text(elem, *names) -> str:
    e = _child(elem, *names)
    return (e.text or "").strip() if e is not None else ""


def _date(value: str, what: str) -> str | None:
    try:
        return parse_date(value)
    except ValueError as e:
        raise RecordError(f"{what}: {e}") from None


def _check_lei(lei: str, what: str) -> str:
    if not lei:
        raise RecordError(f"missing {what}")
    if len(lei) != 20 or not lei.isalnum():
        raise RecordError(f"{what} {lei!r} is not a 20-character LEI")
    return lei.upper()


def _source(dataset: str, record_id: str, lei: str) -> list[Source]:
    return [Source(dataset, record_id, LEI_URL.format(lei))]


def _lei(elem, dataset: str) -> list:
    lei = _check_lei(_text(elem, "LEI"), "LEI")
    ent = _child(elem, "Entity")
    if ent is None:
        raise RecordError("missing Entity element")
    name = _text(ent, "LegalName")
    if not name:
        raise RecordError("missing LegalName")
    aliases = []
    for group in ("OtherEntityNames", "TransliteratedOtherEntityNames"):
        g = _child(ent, group)
        for n in g if g is not None else []:
            if n.text and n.text.strip() and n.text.strip() != name:
                aliases.append(n.text.strip())
    idents = [f"lei:{lei}"]
    ra_id, ra_entity = _text(ent, "RegistrationAuthority", "RegistrationAuthorityID"), \
        _text(ent, "RegistrationAuthority", "RegistrationAuthorityEntityID")
    if ra_entity:
        idents.append(f"{(ra_id or 'ra').lower()}:{ra_entity}")
    juris = _text(ent, "LegalJurisdiction")
    country = (juris.split("-")[0] or _text(ent, "LegalAddress", "Country")).lower() or None
    category = _text(ent, "EntityCategory")
    status = _text(ent, "EntityStatus")
    reg = _text(elem, "Registration", "RegistrationStatus")
    created = _date(_text(ent, "EntityCreationDate"), "EntityCreationDate")
    notes = [f"GLEIF category {category}" if category else "",
             f"legal jurisdiction {juris}" if juris else "",
             f"entity status {status}" if status and status != "ACTIVE" else "",
             f"LEI registration {reg}" if reg and reg != "ISSUED" else "",
             f"created {created}" if created else ""]
    return [Entity(id=lei, type="legal_entity" if category in ("FUND", "BRANCH") else "company", name=name,
                   aliases=list(dict.fromkeys(aliases)), country=country, identifiers=idents,
                   notes="; ".join(n for n in notes if n) or None, sources=_source(dataset, lei, lei))]


def _placeholder(lei: str, dataset: str, key: str) -> tuple[Entity]:
    return (Entity(id=lei, type="legal_entity", name=lei, identifiers=[f"lei:{lei}"],
                   notes="placeholder: known only from GLEIF relationship or exception records; load the LEI "
                         "file for details",
                   sources=_source(dataset, key, lei)),)


def _rr(elem, dataset: str) -> list:
    rel = _child(elem, "Relationship")
    if rel is None:
        raise RecordError("missing Relationship element")
    start_lei = _check_lei(_text(rel, "StartNode", "NodeID"), "StartNode NodeID")
    end_lei = _check_lei(_text(rel, "EndNode", "NodeID"), "EndNode NodeID")
    for node in ("StartNode", "EndNode"):
        id_type = _text(rel, node, "NodeIDType")
        if id_type and id_type != "LEI":
            raise RecordError(f"{node} is identified by {id_type}, not an LEI")
    rtype = _text(rel, "RelationshipType")
    if rtype not in RELATIONSHIPS:
        raise RecordError(f"unknown RelationshipType {rtype!r}")
    kind, basis, role = RELATIONSHIPS[rtype]
    parent, child = (end_lei, start_lei) if rtype != FEEDER else (start_lei, end_lei)
    key = f"{start_lei}:{rtype}:{end_lei}"
    start = end = None
    notes = []
    periods = _child(rel, "RelationshipPeriods")
    for p in periods if periods is not None else []:
        ptype = _text(p, "PeriodType")
        s, e = _date(_text(p, "StartDate"), "StartDate"), _date(_text(p, "EndDate"), "EndDate")
        if ptype == "RELATIONSHIP_PERIOD":
            start, end = s, e
        elif s or e:
            notes.append(f"{ptype.lower().replace('_', ' ')} {s or '?'} to {e or '?'}")
    if start and end and date_floor(end) < date_floor(start):
        raise RecordError(f"EndDate {end} is before StartDate {start}")
    share = None
    quants = _child(rel, "RelationshipQuantifiers")
    for q in quants if quants is not None else []:
        amount, units = _text(q, "QuantifierAmount"), _text(q, "QuantifierUnits")
        method = _text(q, "MeasurementMethod")
        if amount and units == "PERCENTAGE":
            try:
                share = float(amount)
            except ValueError:
                raise RecordError(f"QuantifierAmount is not a number: {amount!r}") from None
            if not 0 <= share <= 100:
                raise RecordError(f"QuantifierAmount {amount} is not a percentage from 0 to 100")
            notes.append(f"{method.lower().replace('_', ' ') or 'quantifier'} {amount}%")
    quals = _child(rel, "RelationshipQualifiers")
    for q in quals if quals is not None else []:
        dim, cat = _text(q, "QualifierDimension"), _text(q, "QualifierCategory")
        if dim and cat:
            notes.append(f"{dim.lower().replace('_', ' ')}: {cat}")
    status = _text(rel, "RelationshipStatus")
    reg = _text(elem, "Registration", "RegistrationStatus")
    notes.append(f"GLEIF {rtype}")
    if reg and reg != "PUBLISHED":
        notes.append(f"registration {reg}")
    if kind != "control" and share is not None:
        kind, basis = "control", "fund_relationship"
    relation = Relation(source_id=parent, target_id=child, type=kind, share=share, start_date=start, end_date=end,
                        ended=bool(end) or status == "INACTIVE", basis=basis, role=role,
                        note="; ".join(notes), sources=_source(dataset, key, start_lei), key=key)
    return [_placeholder(parent, dataset, key), _placeholder(child, dataset, key), relation]


def _repex(elem, dataset: str) -> list:
    lei = _check_lei(_text(elem, "LEI"), "LEI")
    category = _text(elem, "ExceptionCategory")
    reason = _text(elem, "ExceptionReason")
    if not category or not reason:
        raise RecordError("missing ExceptionCategory or ExceptionReason")
    level = {"DIRECT_ACCOUNTING_CONSOLIDATION_PARENT": "direct",
             "ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT": "ultimate"}.get(category)
    if level is None:
        raise RecordError(f"unknown ExceptionCategory {category!r}")
    key = f"{lei}:{category}"
    sources = _source(dataset, key, lei)
    node = Entity(id=f"{lei}-{level}-parent-exception", type="unknown",
                  name=f"{level.capitalize()} parent of {lei} not reported ({reason})",
                  notes=f"GLEIF reporting exception {category}: {EXCEPTIONS.get(reason, reason)}", sources=sources)
    if reason in NO_PARENT:
        rel = Relation(source_id=node.id, target_id=lei, type="linked", role="reporting exception",
                       note=f"no {level} parent reported: {reason}", sources=sources, key=key)
    else:
        rel = Relation(source_id=node.id, target_id=lei, type="control",
                       basis=f"accounting_consolidation_{level}", role="unreported parent",
                       note=f"a {level} parent exists but is not reported: {reason}", sources=sources, key=key)
    return [node, _placeholder(lei, dataset, key), rel]
