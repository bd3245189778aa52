"""Beneficial Ownership Data Standard (BODS) 0.4 statements, and 0.2 / 0.3 where the mapping is cheap.

A file is a JSON array of statements (or JSON lines); a folder means every *.json in it. Each statement
becomes model records, each with the line where the statement starts:
- entity / person statements -> an Entity whose id is the BODS `recordId` (0.4, stable across updates of
  the same record) or the `statementID` (0.2 / 0.3). Unknown or anonymous persons and entities become
  entities of type `unknown`.
- relationship statements -> one Relation per interest, `source` = interested party, `target` = subject,
  `key` = the relationship record id (so two records never collapse into one edge):
  shareholding -> ownership; voting rights, board appointment, other influence, trusts, contracts ...
  -> control with a `basis`; board member / chair -> directorship; nominee / nominator -> linked; an
  interest without a type (or unknown / unpublished) -> `interest`: the source says only that some
  interest exists, so the engine lets it make an entity `possible`, never `derived`.
  Exact shares go to `share`, ranges to `share_min` / `share_max` (an exclusive bound is said in `note`).
  Indirect interests keep `role` "indirect" and name their component records in `note`: they restate a
  chain that is usually also present edge by edge, so an engine must not add them on top of that chain.
  An unspecified interested party (`{"reason": ...}`) becomes an `unknown` entity of its own.
- history: every published version of a relationship record is a relation of its own (keyed by its
  statementId) carrying `record_id` (0.4 recordId; in 0.2 / 0.3 the first statement of its
  replacesStatements chain) and `asserted_from` (the statement date with its time; for a closure, the
  interests' end date when that is earlier). The exposure engine counts, on each date, the version in
  force then; a closed record's last version is ended. Entity and person statements that replace
  others update the entity of the chain's first statement.
- joint holdings: BODS 0.4 models them as an `arrangement` entity holding the shares, owned by the
  joint holders; ownership edges into such an arrangement get `joint_group` = the arrangement's record
  id, so the exposure engine treats each holder as holding the combined interest (nominations and trusts
  are arrangements too, but not joint holdings: they get no joint_group). The arrangement must come
  before the relationships into it, as BODS asks of a published list.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from ..dates import date_floor, parse_date
from ..errors import InputError
from ..graph.model import Entity, Relation, Source
from ..urls import url_problem
from .jsonstream import JsonProblem, count_token, iter_json
from .records import SHAPE_ERRORS, Parsed, Rejected, Skipped, shape_error
from .registry import Adapter, register

ENTITY_TYPES = {"registeredentity": "company", "legalentity": "legal_entity", "arrangement": "legal_entity",
                "anonymousentity": "unknown", "unknownentity": "unknown", "state": "public_body",
                "statebody": "public_body"}
UNKNOWN_PERSONS = {"anonymousperson": "Anonymous person", "unknownperson": "Unknown person"}
NOT_JOINT = {"nomination", "trust"}  # arrangement subtypes that are not joint holdings

# normalised interest type -> (relation type, basis, role)
INTERESTS: dict[str, tuple[str, str | None, str | None]] = {
    "shareholding": ("ownership", None, None),
    "votingrights": ("control", "voting_rights", None),
    "appointmentofboard": ("control", "board_majority_appointment_right", None),
    "otherinfluenceorcontrol": ("control", "dominant_influence", None),
    "seniormanagingofficial": ("control", "senior_managing_official", None),
    "settlor": ("control", "trust_settlor", None),
    "settloroftrust": ("control", "trust_settlor", None),
    "trustee": ("control", "trustee", None),
    "trusteeoftrust": ("control", "trustee", None),
    "protector": ("control", "trust_protector", None),
    "protectoroftrust": ("control", "trust_protector", None),
    "beneficiaryoflegalarrangement": ("control", "trust_beneficiary", None),
    "beneficiaryoftrust": ("control", "trust_beneficiary", None),
    "rightstosurplusassetsondissolution": ("control", "rights_to_surplus_assets", None),
    "rightstosurplusassets": ("control", "rights_to_surplus_assets", None),
    "rightstoprofitorincome": ("control", "rights_to_profit_or_income", None),
    "righttoprofitorincomefromassets": ("control", "rights_to_profit_or_income", None),
    "enjoymentanduseofassets": ("control", "enjoyment_of_assets", None),
    "rightsgrantedbycontract": ("control", "contract_rights", None),
    "conditionalrightsgrantedbycontract": ("control", "conditional_contract_rights", None),
    "controlviacompanyrulesorarticles": ("control", "company_rules_or_articles", None),
    "controlbylegalframework": ("control", "legal_framework", None),
    "boardmember": ("directorship", None, "board member"),
    "boardchair": ("directorship", None, "board chair"),
    "nominee": ("linked", None, "nominee"),
    "nominator": ("linked", None, "nominator"),
    "othersocialstakeholder": ("linked", None, "other social stakeholder"),
}
# unknownInterest, unpublishedInterest, no type: the source says only that some interest exists
UNSPECIFIED = ("interest", "unspecified_interest", None)
_NORM = re.compile(r"[^a-z]")


class StatementError(ValueError):
    pass


class History:
    """What one file says about record history so far.

    - `roots`: 0.2 / 0.3 statement id -> the first statement of its `replacesStatements` chain, which
      names the record (entities keep that id, so a replacing statement updates the same entity).
    - `latest`: record id -> the latest version date seen, so that a closure dated back to an interest's
      end date is never ordered before a version already published."""

    def __init__(self):
        self.roots: dict[str, str] = {}
        self.latest: dict[str, str] = {}
        self.series: dict[str, tuple[str, str]] = {}  # 0.4 record id -> (last status, last statement date)

    def check_series(self, rid: str, status: str, when: str | None) -> None:
        """The BODS 0.4 rules for a record's statement series in one publication: one `new` first, dates
        in order, nothing after `closed`. A statement that breaks them is refused (quarantined)."""
        prev = self.series.get(rid)
        if prev is not None:
            last, last_when = prev
            if last == "closed":
                raise StatementError(f"record {rid} was closed on {last_when}: no statement may follow")
            if status == "new":
                raise StatementError(f"a second 'new' statement for record {rid}")
            if when and last_when and when < last_when:
                raise StatementError(f"statementDate {when} is before the record's previous statement "
                                     f"({last_when})")
        self.series[rid] = (status or "updated", when or (prev[1] if prev else ""))

    def root(self, sid: str) -> str:
        return self.roots.get(sid, sid)

    def replaces(self, sid: str, replaced) -> str:
        ids = [_str(x) for x in replaced or [] if _str(x)] if isinstance(replaced, list) else []
        if not ids:
            return self.root(sid)
        root = self.root(ids[0])
        for x in [sid, *ids]:
            self.roots[x] = root
        return root

    def version(self, record: str, when: str | None) -> str | None:
        before = self.latest.get(record)
        if when and before and when < before:
            when = before
        if when:
            self.latest[record] = when
        return when


# ---------------------------------------------------------------------------------------------- adapter
def bods_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.json")) + sorted(path.glob("*.jsonl"))
        if not files:
            raise InputError(f"{path}: no *.json files in this folder")
        return files
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    return [path]


def read(paths: list[Path], dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    for p in paths:
        for f in bods_files(Path(p)):
            yield from read_file(f, dataset)


def estimate(paths: list[Path]) -> int:
    total = 0
    for p in paths:
        for f in bods_files(Path(p)):
            total += count_token(f, b'"statementId"') + count_token(f, b'"statementID"')
    return total


def read_file(path: Path, dataset: str) -> Iterator[Parsed | Rejected | Skipped]:
    file = str(path)
    arrangements: set[str] = set()  # record ids of joint-holding arrangements seen so far
    history = History()
    for line, st in iter_json(path):
        if isinstance(st, JsonProblem):
            yield Rejected(file, line, st.reason)
            continue
        if not isinstance(st, dict):
            yield Rejected(file, line, f"a BODS statement must be a JSON object, got {type(st).__name__} "
                                       f"(the statement starting at line {line})", st)
            continue
        try:
            records = list(_statement(st, dataset, arrangements, history))
        except StatementError as e:
            yield Rejected(file, line, f"{e} (the statement starting at line {line})", st)
            continue
        except SHAPE_ERRORS as e:
            yield Rejected(file, line, f"{shape_error(e)} (the statement starting at line {line})", st)
            continue
        if not records:
            yield Skipped(file, line, "statement with nothing to store (e.g. an annotation-only record)")
        for rec in records:
            if isinstance(rec, StatementError):
                yield Rejected(file, line, f"{rec} (the statement starting at line {line})", st)
            else:
                yield Parsed(rec, file, line)


def _factory() -> Adapter:
    return Adapter("bods", "Beneficial Ownership Data Standard statements (0.4; 0.2/0.3): JSON array or "
                   "JSON lines files, or a folder of them", read, estimate)


register("bods", _factory)


# --------------------------------------------------------------------------------------------- helpers
def _norm(code) -> str:
    return _NORM.sub("", str(code or "").lower())


def _str(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def _date(value, what: str) -> str | None:
    try:
        return parse_date(value if value is None or isinstance(value, str) else str(value))
    except ValueError as e:
        raise StatementError(f"{what}: {e}") from None


def _source(st: dict, dataset: str) -> list[Source]:
    sid = _str(st.get("statementId") or st.get("statementID"))
    url = ""
    src = st.get("source")
    if isinstance(src, dict):
        url = _str(src.get("url"))
    if not url:
        pub = st.get("publicationDetails")
        pub = (pub.get("publisher") if isinstance(pub, dict) else None) or {}
        url = _str(pub.get("url")) if isinstance(pub, dict) else ""
    problem = url_problem(url)
    if problem:
        raise StatementError(problem)
    return [Source(dataset, sid, url)]


def _identifiers(items) -> list[str]:
    out = []
    for i in items or []:
        if not isinstance(i, dict):
            continue
        value = _str(i.get("id")) or _str(i.get("uri"))
        scheme = _str(i.get("scheme")).lower() or _norm(i.get("schemeName")) or "id"
        if scheme in ("xi-lei", "lei"):
            scheme = "lei"
        if value:
            out.append(f"{scheme}:{value}")
    return out


def _country(*candidates) -> str | None:
    for c in candidates:
        if isinstance(c, list):
            c = c[0] if c else None
        if isinstance(c, dict) and _str(c.get("code")):
            return _str(c.get("code")).lower()
    return None


def _codes(items) -> list[str]:
    """Lower-case country codes of BODS country objects (nationalities)."""
    return list(dict.fromkeys(_str(c.get("code")).lower() for c in items or []
                              if isinstance(c, dict) and _str(c.get("code"))))


def _addresses(items) -> list[str]:
    out = []
    for a in items or []:
        if isinstance(a, dict) and _str(a.get("address")):
            country = a.get("country")
            country = _str(country.get("name") or country.get("code")) if isinstance(country, dict) else _str(country)
            out.append(", ".join(x for x in (_str(a.get("address")), _str(a.get("postCode")), country) if x))
    return list(dict.fromkeys(out))


def _notes(*parts) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


# ------------------------------------------------------------------------------------------ statements
def _stamp(value) -> str | None:
    """A statement date as an ordering key: the ISO date, with its time of day when given
    (several versions of a record can be published on one day)."""
    day = _date(value, "statementDate")
    if day is None or not isinstance(value, str) or "T" not in value:
        return day
    time = re.match(r"\d{2}:\d{2}(:\d{2})?", value.split("T", 1)[1])
    return f"{day}T{time.group(0)}" if time else day


def _statement(st: dict, dataset: str, arrangements: set[str], history: History):
    if "recordType" in st or "recordDetails" in st:
        return _v04(st, dataset, arrangements, history)
    kind = _str(st.get("statementType"))
    if kind in ("entityStatement", "personStatement", "ownershipOrControlStatement"):
        return _v02(st, kind, dataset, arrangements, history)
    raise StatementError("not a BODS statement (no recordType and no statementType)")


def _v04(st: dict, dataset: str, arrangements: set[str], history: History):
    rid = _str(st.get("recordId"))
    if not rid:
        raise StatementError("missing recordId")
    rtype = _str(st.get("recordType"))
    details = st.get("recordDetails")
    if not isinstance(details, dict):
        raise StatementError("missing recordDetails")
    stated = _date(st.get("statementDate"), "statementDate")
    status = _str(st.get("recordStatus"))
    closed = status == "closed"
    history.check_series(rid, status, _stamp(st.get("statementDate")))
    sources = _source(st, dataset)
    if rtype == "entity":
        et = details.get("entityType") or {}
        et = et if isinstance(et, dict) else {"type": et}
        return [_entity(rid, _str(et.get("type")), _str(et.get("subtype")), details, closed, stated, sources,
                        arrangements)]
    if rtype == "person":
        return [_person(rid, details, closed, stated, sources)]
    if rtype == "relationship":
        subject = details.get("subject")
        party = details.get("interestedParty")
        if isinstance(subject, dict):
            raise StatementError("the subject is unspecified: nothing to attach the interests to")
        version = Version(_str(st.get("statementId")) or rid, rid, _stamp(st.get("statementDate")), history)
        return _relationship(rid, _str(subject), party, details.get("interests"), details.get("componentRecords"),
                             closed, stated, sources, arrangements, version)
    raise StatementError(f"unknown recordType {rtype!r} (expected entity, person or relationship)")


def _v02(st: dict, kind: str, dataset: str, arrangements: set[str], history: History):
    sid = _str(st.get("statementID"))
    if not sid:
        raise StatementError("missing statementID")
    root = history.replaces(sid, st.get("replacesStatements"))
    stated = _date(st.get("statementDate"), "statementDate")
    sources = _source(st, dataset)
    if kind == "entityStatement":
        et = st.get("entityType")
        subtype = ""
        if isinstance(et, dict):
            et, subtype = et.get("type"), _str(et.get("subtype"))
        details = dict(st)
        details.setdefault("jurisdiction", st.get("incorporatedInJurisdiction"))
        return [_entity(root, _str(et), subtype, details, False, stated, sources, arrangements)]
    if kind == "personStatement":
        return [_person(root, st, False, stated, sources)]
    subject = st.get("subject") or {}
    subject = _str(subject.get("describedByEntityStatement")) if isinstance(subject, dict) else _str(subject)
    subject = history.root(subject) if subject else subject
    party = st.get("interestedParty") or {}
    if isinstance(party, dict):
        ref = _str(party.get("describedByPersonStatement")) or _str(party.get("describedByEntityStatement"))
        party = history.root(ref) if ref else (party.get("unspecified") or party)
    interests = st.get("interests")
    for i in interests or []:
        if isinstance(i, dict) and "interestLevel" in i:
            i.setdefault("directOrIndirect", i["interestLevel"])
    version = Version(sid, root, _stamp(st.get("statementDate")), history)
    return _relationship(sid, subject, party, interests, None, False, stated, sources, arrangements, version)


def _entity(rid, etype, subtype, d, closed, stated, sources, arrangements) -> Entity:
    kind = ENTITY_TYPES.get(_norm(etype))
    if kind is None:
        raise StatementError(f"unknown entityType {etype!r}")
    if _norm(etype) == "arrangement" and _norm(subtype) not in NOT_JOINT:
        arrangements.add(rid)
    name = _str(d.get("name"))
    unspecified = d.get("unspecifiedEntityDetails") or {}
    if not name:
        if kind != "unknown":
            raise StatementError("entity has no name")
        name = "Unknown entity" if _norm(etype) == "unknownentity" else "Anonymous entity"
    aliases = [a for a in (_str(x) for x in d.get("alternateNames") or []) if a and a != name]
    listing = d.get("publicListing") or {}
    addresses = [a for a in d.get("addresses") or [] if isinstance(a, dict)]
    kind_note = ""
    if _norm(etype) not in ("registeredentity", "legalentity"):  # say what `legal_entity` etc. stands for
        kind_note = f"BODS entity type {etype}" + (f" ({subtype})" if subtype else "")
    return Entity(
        id=rid, type=kind, name=name, aliases=aliases,
        country=_country(d.get("jurisdiction"), *(a.get("country") for a in addresses[:1])),
        identifiers=_identifiers(d.get("identifiers")), addresses=_addresses(addresses),
        notes=_notes(kind_note, _unspecified(unspecified),
                     "publicly listed" if isinstance(listing, dict) and listing.get("hasPublicListing") else "",
                     f"dissolved {d['dissolutionDate']}" if _str(d.get("dissolutionDate")) else "",
                     "record closed" if closed else "",
                     f"statement date {stated}" if stated else ""),
        sources=sources)


def _unspecified(u) -> str:
    if not isinstance(u, dict) or not u:
        return ""
    return "unspecified: " + ", ".join(x for x in (_str(u.get("reason")), _str(u.get("description"))) if x)


def _person(rid, d, closed, stated, sources) -> Entity:
    ptype = _norm(d.get("personType"))
    names = []
    for n in d.get("names") or []:
        if isinstance(n, dict):
            full = _str(n.get("fullName")) or " ".join(
                x for x in (_str(n.get("givenName")), _str(n.get("familyName"))) if x)
            if full:
                names.append((0 if _str(n.get("type")) in ("legal", "individual") else 1, full))
    names = [n for _, n in sorted(names, key=lambda x: x[0])]
    kind = "unknown" if ptype in UNKNOWN_PERSONS else "person"
    if not names:
        if kind == "person":
            raise StatementError("person has no name")
        names = [UNKNOWN_PERSONS[ptype]]
    birth = _date(d.get("birthDate"), "birthDate")
    pep = d.get("politicalExposure") or {}
    pep_note = ""
    if isinstance(pep, dict) and _str(pep.get("status")) == "isPep":
        reasons = [_str(x.get("reason")) for x in pep.get("details") or [] if isinstance(x, dict)]
        pep_note = "politically exposed person" + (f" ({'; '.join(r for r in reasons if r)})" if any(reasons) else "")
    return Entity(
        id=rid, type=kind, name=names[0], aliases=list(dict.fromkeys(n for n in names[1:] if n != names[0])),
        country=_country(d.get("nationalities"), d.get("taxResidencies")),
        identifiers=_identifiers(d.get("identifiers")), birth_dates=[birth] if birth else [],
        nationalities=_codes(d.get("nationalities")), addresses=_addresses(d.get("addresses")),
        notes=_notes(_unspecified(d.get("unspecifiedPersonDetails")), f"born {birth}" if birth else "", pep_note,
                     f"died {d['deathDate']}" if _str(d.get("deathDate")) else "",
                     "record closed" if closed else "", f"statement date {stated}" if stated else ""),
        sources=sources)


def _pct(v, what: str) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise StatementError(f"{what} is not a number: {v!r}") from None
    if not 0 <= x <= 100:
        raise StatementError(f"{what} must be a percentage from 0 to 100, got {v}")
    return x


def share_of(share) -> tuple[float | None, float | None, float | None, str]:
    """(share, share_min, share_max, note) from a BODS share object (0.4 numeric or 0.2 boolean bounds)."""
    if share is None:
        return None, None, None, ""
    if not isinstance(share, dict):
        raise StatementError(f"share must be an object, got {share!r}")
    exact = _pct(share.get("exact"), "share.exact")
    lo, hi = _pct(share.get("minimum"), "share.minimum"), _pct(share.get("maximum"), "share.maximum")
    xlo, xhi = share.get("exclusiveMinimum"), share.get("exclusiveMaximum")
    notes = []
    if lo is None and not isinstance(xlo, bool) and xlo is not None:
        lo = _pct(xlo, "share.exclusiveMinimum")
        xlo = True
    if hi is None and not isinstance(xhi, bool) and xhi is not None:
        hi = _pct(xhi, "share.exclusiveMaximum")
        xhi = True
    if lo is not None and hi is not None and lo > hi:
        raise StatementError(f"share minimum {lo:g} is above maximum {hi:g}")
    if exact is not None and ((lo is not None and exact < lo) or (hi is not None and exact > hi)):
        raise StatementError(f"share.exact {exact:g} lies outside the range given")
    if xlo is True and lo is not None:
        notes.append(f"more than {lo:g}%")
    if xhi is True and hi is not None:
        notes.append(f"less than {hi:g}%")
    return exact, lo, hi, ("share " + " and ".join(notes)) if notes else ""


class Version:
    """One published version of a relationship record: its statement id (the relations' key, so every
    version is a relation of its own), the record id and the version's date."""

    def __init__(self, statement: str, record: str, when: str | None, history: History):
        self.statement, self.record, self.when, self.history = statement, record, when, history

    def asserted_from(self, interests: list, closed: bool) -> str | None:
        """From when this version describes the record: its statement date; for a closure, the earliest
        end date it gives its interests when that is earlier (never before a version already seen)."""
        when = self.when
        if closed:
            ends = [e for e in (_date(i.get("endDate"), "endDate") for i in interests if isinstance(i, dict)) if e]
            if ends and (when is None or date_floor(min(ends, key=date_floor)) < when[:10]):
                when = date_floor(min(ends, key=date_floor))
        return self.history.version(self.record, when)


def _relationship(rid, subject, party, interests, components, closed, stated, sources, arrangements,
                  version: Version):
    if not subject:
        raise StatementError("relationship has no subject")
    out: list = []
    if isinstance(party, dict) or not party:
        if not isinstance(party, dict):
            raise StatementError("relationship has no interestedParty")
        reason = _str(party.get("reason")) or "unknown"
        out.append(Entity(id=f"{rid}-interested-party", type="unknown",
                          name=f"Unspecified interested party ({reason})",
                          notes=_notes(_unspecified(party), f"from relationship record {rid}"), sources=sources))
        party = out[0].id
    party = _str(party)
    if interests is None:
        interests = []
    if not isinstance(interests, list):
        raise StatementError("interests must be a list")
    if not interests:
        interests = [{}]  # a relationship with its interests not stated: one unspecified interest
    comp = [str(c) for c in components or [] if c]
    seen: set[str] = set()
    asserted = version.asserted_from(interests, closed)
    for n, it in enumerate(interests):
        try:
            rel = _interest(version.statement, n, subject, party, it, comp, closed, stated, sources,
                            arrangements, seen)
            rel.record_id, rel.asserted_from = version.record, asserted
            out.append(rel)
        except StatementError as e:
            out.append(StatementError(f"interest {n + 1}: {e}"))
    return out


def _interest(rid, n, subject, party, it, comp, closed, stated, sources, arrangements, seen) -> Relation:
    if not isinstance(it, dict):
        raise StatementError("an interest must be an object")
    code = _norm(it.get("type"))
    rtype, basis, role = INTERESTS.get(code, UNSPECIFIED)
    notes = []
    if code and code not in INTERESTS and code not in ("unknowninterest", "unpublishedinterest"):
        notes.append(f"BODS interest type {it.get('type')}")
    if not code:
        notes.append("interest type not stated")
    share, lo, hi, share_note = share_of(it.get("share"))
    if rtype in ("directorship", "linked") and (share is not None or lo is not None or hi is not None):
        rtype, basis, role = "control", f"bods_{code}", None  # a share on a role: keep it as control
    start = _date(it.get("startDate"), "startDate")
    end = _date(it.get("endDate"), "endDate")
    if start and end and date_floor(end) < date_floor(start):
        raise StatementError(f"endDate {end} is before startDate {start}")
    level = _norm(it.get("directOrIndirect"))
    if level == "indirect":
        role = f"{role}, indirect" if role else "indirect"
        notes.append("indirect interest" + (f" through records {', '.join(comp)}" if comp else ""))
    elif level == "unknown":
        notes.append("direct or indirect not known")
    if it.get("beneficialOwnershipOrControl") is True:
        notes.append("beneficial ownership or control")
    if share_note:
        notes.append(share_note)
    if _str(it.get("details")):
        notes.append(_str(it.get("details")))
    if stated:
        notes.append(f"statement date {stated}")
    joint = subject if rtype == "ownership" and subject in arrangements else None
    strict = lo is not None and share_note.startswith("share more than")  # exclusiveMinimum
    rel = Relation(source_id=party, target_id=subject, type=rtype, share=share, share_min=lo, share_max=hi,
                   share_min_exclusive=strict,
                   start_date=start, end_date=end, ended=bool(end) or closed, basis=basis, joint_group=joint,
                   role=role, note=_notes(*notes), sources=sources, key=rid)
    if rel.id in seen:  # two interests of one record alike in every keyed field: keep both
        rel.key = f"{rid}#{n + 1}"
    seen.add(rel.id)
    return rel
