"""FollowTheMoney shapes for the yente-compatible API: ownerscope entities as FtM entity responses, FtM
match queries as core MatchQuery, relations as nested FtM link entities (Ownership, Directorship, ...)."""

from __future__ import annotations

from followthemoney import model
from followthemoney.types import registry

from ..core.matching import MatchQuery
from ..graph.model import Entity

TYPE_SCHEMA = {"person": "Person", "company": "Company", "organization": "Organization", "vessel": "Vessel",
               "public_body": "PublicBody", "legal_entity": "LegalEntity", "airplane": "Airplane",
               "unknown": "LegalEntity"}
# identifier scheme (the part before ":") -> the FtM property that holds it, when the schema has it
SCHEME_PROPS = {"lei": "leiCode", "inn": "innCode", "ogrn": "ogrnCode", "imo": "imoNumber", "swift": "swiftBic",
                "bic": "swiftBic", "duns": "dunsCode", "vat": "vatCode", "okpo": "okpoCode", "isin": "isinCode",
                "tax": "taxNumber", "kpp": "kppCode", "mmsi": "mmsi", "passport": "passportNumber"}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
# relation type -> (link schema, property of our end when it is the link's source, when it is the target)
LINKS = {"ownership": ("Ownership", "owner", "asset"), "control": ("UnknownLink", "subject", "object"),
         "directorship": ("Directorship", "director", "organization"),
         "family": ("Family", "person", "relative"), "associate": ("Associate", "person", "associate"),
         "facilitation": ("UnknownLink", "subject", "object"), "linked": ("UnknownLink", "subject", "object")}


class QueryError(ValueError):
    """A match query that cannot be read (unknown schema, nothing to match on)."""


def schema_of(etype: str | None) -> str:
    return TYPE_SCHEMA.get(etype or "", "LegalEntity")


def types_matching(schema_name: str) -> frozenset[str]:
    """ownerscope entity types a query of this FtM schema may match (FtM's own can_match rule)."""
    schema = model.get(schema_name)
    if schema is None:
        raise QueryError(f"unknown schema {schema_name!r}")
    if not schema.matchable:
        raise QueryError(f"schema {schema_name!r} cannot be matched")
    return frozenset(t for t, s in TYPE_SCHEMA.items() if schema.can_match(model.get(s)))


def _values(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (list, tuple)):
        return [str(v) for v in raw if v is not None and not isinstance(v, (dict, list))]
    if isinstance(raw, dict):
        return []
    return [str(raw)]


def parse_query(schema_name: str, properties: dict) -> tuple[MatchQuery, dict]:
    """A MatchQuery and the cleaned properties (FtM's own cleaning) of an FtM example entity."""
    types = types_matching(schema_name)
    proxy = model.make_entity(schema_name)
    for key, raw in (properties or {}).items():
        prop = proxy.schema.get(key)
        if prop is None or prop.type == registry.entity:
            continue  # yente ignores what it cannot use too
        for v in _values(raw):
            proxy.add(prop, v, cleaned=False, quiet=True, fuzzy=True)
    names = [n for p in NAME_PROPS for n in proxy.get(p, quiet=True)]
    if not names:
        first = " ".join(proxy.get("firstName", quiet=True) + proxy.get("lastName", quiet=True))
        if first.strip():
            names = [first]
    idents, countries = [], []
    for prop, value in proxy.itervalues():
        if prop.type == registry.identifier:
            idents.append(value)
        elif prop.type == registry.country:
            countries.append(value)
    if not names and not idents:
        raise QueryError("the query has no name and no identifier to match on")
    q = MatchQuery(names=names, types=types, birth_dates=list(proxy.get("birthDate", quiet=True)),
                   identifiers=idents, countries=countries)
    return q, {p.name: list(vs) for p, vs in _grouped(proxy).items()}


def _grouped(proxy) -> dict:
    out: dict = {}
    for prop, value in proxy.itervalues():
        out.setdefault(prop, []).append(value)
    return out


def entity_response(ent: Entity, authorities: list[str] | None = None, designations: list[dict] | None = None,
                    relations: list[dict] | None = None) -> dict:
    """An EntityResponse dict; with `relations` (entity views) the links are nested as FtM entities."""
    schema = schema_of(ent.type)
    proxy = model.make_entity(schema)
    proxy.id = ent.id

    def add(prop: str, values) -> None:
        if proxy.schema.get(prop) is not None:
            for v in values:
                if v:
                    proxy.add(prop, v, quiet=True, fuzzy=True)

    add("name", [ent.name])
    add("alias", ent.aliases)
    add("country", [ent.country])
    add("birthDate", ent.birth_dates)
    add("nationality", ent.nationalities)
    add("address", ent.addresses)
    add("notes", [ent.notes])
    for ident in ent.identifiers:
        scheme, _, value = ident.partition(":")
        if not value:
            scheme, value = "", scheme
        prop = SCHEME_PROPS.get(scheme.lower())
        if prop is None or proxy.schema.get(prop) is None:
            prop = "registrationNumber" if proxy.schema.get("registrationNumber") else "idNumber"
        add(prop, [value])
    for s in ent.sources:
        if s.url.startswith(("http://", "https://")):
            add("sourceUrl", [s.url])
    if authorities:
        add("topics", ["sanction"])
    data = proxy.to_dict()
    props = data["properties"]
    if designations:
        props["sanctions"] = [_sanction(ent.id, d) for d in designations]
    for rel in relations or []:
        link = LINKS.get(rel["type"])
        if link is None:
            continue
        schema_name, src_prop, dst_prop = link
        ours, theirs = (src_prop, dst_prop) if rel["direction"] == "out" else (dst_prop, src_prop)
        reverse = model.get(schema_name).get(ours).reverse.name
        other = {"id": rel["other"], "caption": rel["other_name"] or rel["other"],
                 "schema": schema_of(rel["other_type"]),
                 "properties": {"name": [rel["other_name"]] if rel["other_name"] else []},
                 "datasets": [], "referents": [], "target": False}
        props.setdefault(reverse, []).append(_link(schema_name, rel, theirs, other))
    return {"id": ent.id, "caption": ent.name or ent.id, "schema": schema, "properties": props,
            "datasets": sorted({s.dataset for s in ent.sources if s.dataset}), "referents": [],
            "target": bool(authorities), "first_seen": None, "last_seen": None, "last_change": None}


def _link(schema_name: str, rel: dict, theirs: str, other: dict) -> dict:
    proxy = model.make_entity(schema_name)
    proxy.id = rel["id"]
    if rel["type"] == "ownership":
        if rel.get("share") is not None:
            proxy.add("percentage", f"{rel['share']:g}")
        elif rel.get("share_min") is not None or rel.get("share_max") is not None:
            lo = "" if rel.get("share_min") is None else f"{rel['share_min']:g}"
            hi = "" if rel.get("share_max") is None else f"{rel['share_max']:g}"
            proxy.add("percentage", f"{lo}-{hi}")
    role = rel.get("role") or ("control" if rel["type"] == "control" else None)
    if role and proxy.schema.get("role") is not None:
        proxy.add("role", role)
    for prop, key in (("startDate", "start_date"), ("endDate", "end_date")):
        if rel.get(key):
            proxy.add(prop, rel[key], quiet=True, fuzzy=True)
    if rel.get("note"):
        proxy.add("summary", rel["note"], quiet=True)
    data = proxy.to_dict()
    data["properties"][theirs] = [other]
    return {"id": rel["id"], "caption": proxy.caption, "schema": schema_name, "properties": data["properties"],
            "datasets": sorted({s["dataset"] for s in rel.get("sources") or [] if s.get("dataset")}),
            "referents": [], "target": False}


def _sanction(entity_id: str, d: dict) -> dict:
    proxy = model.make_entity("Sanction")
    proxy.id = d["id"]
    proxy.add("authority", d["authority"])
    if d.get("program"):
        proxy.add("program", d["program"])
    for prop, key in (("startDate", "start_date"), ("endDate", "end_date")):
        if d.get(key):
            proxy.add(prop, d[key], quiet=True, fuzzy=True)
    for s in d.get("sources") or []:
        if (s.get("url") or "").startswith(("http://", "https://")):
            proxy.add("sourceUrl", s["url"], quiet=True)
    data = proxy.to_dict()
    return {"id": d["id"], "caption": proxy.caption, "schema": "Sanction", "properties": data["properties"],
            "datasets": sorted({s["dataset"] for s in d.get("sources") or [] if s.get("dataset")}),
            "referents": [], "target": False}


def entity_from_detail(detail: dict) -> Entity:
    """The Entity record inside a store's entity view (get_entity)."""
    from ..graph.model import Source

    return Entity(id=detail["id"], type=detail["type"], name=detail["name"], aliases=list(detail["aliases"]),
                  country=detail["country"], identifiers=list(detail["identifiers"]),
                  birth_dates=list(detail.get("birth_dates") or []),
                  nationalities=list(detail.get("nationalities") or []),
                  addresses=list(detail.get("addresses") or []), notes=detail["notes"],
                  sources=[Source(s["dataset"], s["record_id"], s["url"]) for s in detail["sources"]])
