"""Request and response models of the API (yente's shapes, plus the additive `exposure` block)."""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class ErrorResponse(BaseModel):
    detail: str = Field(..., examples=["No such entity"])
    status: int = Field(..., examples=[404])
    error: str = Field(..., examples=["not_found"])


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: Optional[str] = None
    last_seen: Optional[str] = None
    last_change: Optional[str] = None


class FeatureResult(BaseModel):
    detail: Optional[str] = None
    score: float
    query: Optional[str] = None
    candidate: Optional[str] = None


class ListEntry(BaseModel):
    entity_id: str
    authority: str
    program: Optional[str] = None
    start_date: Optional[str] = None
    end_date: Optional[str] = None
    listing_date_unknown: bool = False
    list_version: Optional[str] = None
    sources: list[dict[str, str]] = []


class RegimeExposure(BaseModel):
    status: str = Field(..., examples=["derived"])
    as_of: str = Field(..., examples=["2025-01-01"])
    total: Optional[float] = Field(None, description="Listed holding in percent (lowest published shares); "
                                   "null when the store has no ownership or designation data on the entity")
    total_max: Optional[float] = None
    total_more_than: bool = Field(False, description="The listed holding is more than `total` (a stake of "
                                  "\"25% plus one share\" is shown as 25 with this flag)")
    threshold: dict[str, Any]
    listed_persons: list[str] = []
    lists: list[ListEntry] = []
    list_versions: list[str] = Field([], description="Names of the list versions the listings come from")
    data: str = Field("", description="The list versions the regime's verdicts rest on, in words "
                      "(\"OFAC SDN published 2024-05-03, loaded 2026-12-02\"), or \"no EU list loaded\"")
    no_list: bool = Field(False, description="True when no list of the regime's authorities is loaded: "
                          "a clear status then means not screened")
    datasets: list[dict[str, Any]] = []
    proof: str = Field(..., description="Path of the full proof (GET)",
                       examples=["/exposure/demo-vsmpo-avisma?regime=ofac&as_of=2025-01-01"])


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureResult]
    exposure: dict[str, RegimeExposure] = {}


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    id: Optional[str] = None
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, Union[str, list[Any]]] = Field(..., examples=[{"name": ["John Doe"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = {}
    config: dict[str, Union[str, int, float, bool, None]] = {}
    queries: dict[str, EntityExample]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, Any] = {}


class AdjacentResults(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[dict[str, Any]]


class EntityAdjacentResponse(BaseModel):
    entity: EntityResponse
    adjacent: dict[str, AdjacentResults]


class FeatureDoc(BaseModel):
    description: Optional[str] = None
    coefficient: float
    url: str


class AlgorithmDocs(BaseModel):
    name: str
    description: Optional[str] = None
    config: dict[str, Any] = {}
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: Optional[str] = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class DatasetModel(BaseModel):
    name: str
    title: str
    version: Optional[str] = None
    entity_count: Optional[int] = None
    children: list[str] = []
    load: Optional[bool] = None
    index_current: bool = True


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str] = []
    index_stale: bool = False


class StatusResponse(BaseModel):
    status: str = "ok"


class ExposureRequest(BaseModel):
    ids: list[str] = Field([], description="Entity ids (merged ids are followed)")
    queries: dict[str, EntityExample] = Field({}, description="Match queries: each best match's exposure")
    regimes: list[str] = Field(["ofac", "eu", "uk"])
    as_of: Optional[str] = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    threshold: float = Field(0.7, ge=0.0, le=1.0)


class ExposureItem(BaseModel):
    id: Optional[str] = Field(None, description="Canonical id; null when nothing matched or the id is unknown")
    input: str
    match: Optional[ScoredEntityResponse] = None
    exposure: dict[str, RegimeExposure] = {}
    error: Optional[str] = None


class ExposureBatchResponse(BaseModel):
    as_of: str
    regimes: list[str]
    results: dict[str, ExposureItem]
