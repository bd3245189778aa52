"""Unmodified nomenklatura (from PyPI): its yente enricher, pointed at the API on loopback, matches and
enriches a small FtM file."""

from __future__ import annotations

import json

import pytest

from .server import serving

nomenklatura = pytest.importorskip("nomenklatura")

FTM = [
    {"id": "q-vsmpo", "schema": "Company", "properties": {"name": ["VSMPO-AVISMA"], "jurisdiction": ["ru"]}},
    {"id": "q-garayev", "schema": "Person", "properties": {"name": ["Tahir Garayev"]}},
    {"id": "q-nobody", "schema": "Person", "properties": {"name": ["Zebediah Quuxworth"]}},
]


def test_yente_enricher_matches_and_expands(core, tmp_path):
    from followthemoney import Dataset, StatementEntity
    from nomenklatura.cache import Cache
    from nomenklatura.db import make_session
    from nomenklatura.enrich import enrich, make_enricher, match
    from nomenklatura.judgement import Judgement
    from nomenklatura.resolver import Resolver

    from ownerscope.api.app import create_app
    from ownerscope.settings import load_settings

    path = tmp_path / "entities.ftm.json"
    path.write_text("\n".join(json.dumps(e) for e in FTM) + "\n", encoding="utf-8")
    dataset = Dataset.make({"name": "ownerscope_test", "title": "ownerscope test"})
    entities = [StatementEntity.from_data(dataset, json.loads(line)) for line in path.read_text().splitlines()]
    session = make_session(f"sqlite:///{tmp_path / 'nk.db'}")
    cache = Cache(session, dataset, create=True)
    resolver = Resolver(session, create=True)
    with serving(create_app(core, load_settings())) as url:
        enricher = make_enricher(dataset, cache, {"type": "nomenklatura.enrich.yente:YenteEnricher",
                                                  "api": url + "/", "dataset": "default"})
        found = {}
        for ent in match(enricher, resolver, entities):
            found.setdefault(ent.id, ent)
        assert "demo-vsmpo-avisma" in found and "ofac-17260" not in found
        assert any(e.caption == "Tahir Garayev" for e in found.values() if e.id not in {f["id"] for f in FTM})
        assert found["demo-vsmpo-avisma"].schema.name == "Company"
        resolver.decide("q-vsmpo", "demo-vsmpo-avisma", Judgement.POSITIVE)
        expanded = list(enrich(enricher, resolver, entities))
    by_schema: dict[str, list] = {}
    for ent in expanded:
        by_schema.setdefault(ent.schema.name, []).append(ent)
    owners = {o for own in by_schema.get("Ownership", []) for o in own.get("owner")}
    assert "ofac-17260" in owners  # Rostec's stake, read from the nested entity
    assert any(e.id == "ofac-17260" for e in by_schema.get("PublicBody", []))
    shares = {own.first("percentage") for own in by_schema["Ownership"] if "ofac-17260" in own.get("owner")}
    assert shares == {"25"}
