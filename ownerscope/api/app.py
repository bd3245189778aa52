"""The JSON API: yente-compatible matching, search and entity routes over the core service, plus
ownership exposure (an additive `exposure` block on match results, /exposure, /screen).

    app = create_app(Core(store), settings)     # an ASGI app; `ownerscope api` serves it with uvicorn
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Optional
from urllib.parse import quote, urlencode

import anyio
from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from .. import __version__
from ..core import DEFAULT_REGIMES, Core
from ..core.matching import ALGORITHM, FEATURES, MatchQuery
from ..exposure.engine import normalise_as_of
from ..settings import Settings
from . import ftm, models as M
from .guard import ApiError, Guard, error_body, install_error_handlers

DATE = r"^\d{4}-\d{2}-\d{2}$"
ALGORITHMS = (ALGORITHM, "best", "default")
MATCH_THRESHOLD = 0.7
ERRORS = {400: {"model": M.ErrorResponse}, 401: {"model": M.ErrorResponse}, 404: {"model": M.ErrorResponse},
          408: {"model": M.ErrorResponse}, 413: {"model": M.ErrorResponse}, 422: {"model": M.ErrorResponse}}

RegimeQ = Annotated[list[str], Query(description="Regimes to report (repeat): ofac, eu, uk or one from a "
                                     "regime file")]
AsOfQ = Annotated[Optional[str], Query(pattern=DATE, description="Date of the verdicts (default today)")]


def create_app(core: Core, settings: Settings) -> FastAPI:
    app = FastAPI(title="ownerscope API", version=__version__,
                  description="yente-compatible screening (match, search, entities) with ownership exposure "
                              "under OFAC 50%, EU and UK owned-or-controlled rules. Errors are "
                              "`{detail, status, error}`.")
    install_error_handlers(app)
    timeout = settings.api_timeout_s

    async def run(fn, *args):
        """Run blocking work in a thread, within the time limit of one request."""
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(fn, *args, abandon_on_cancel=True)
        except TimeoutError:
            raise ApiError(408, f"the request took longer than {timeout:g} s (OWNERSCOPE_API_TIMEOUT): "
                                f"send fewer queries") from None

    def regimes_of(names: list[str] | None) -> list[str]:
        names = list(dict.fromkeys(names or DEFAULT_REGIMES))
        for n in names:
            if n not in core.regimes:
                raise ApiError(400, f"unknown regime {n!r}: use one of {', '.join(core.regimes)}")
        return names

    def as_of_of(value: str | None) -> str:
        return normalise_as_of(value)

    def datasets() -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in core.match_index().entities:
            for d in {s.dataset for s in e.sources if s.dataset}:
                counts[d] = counts.get(d, 0) + 1
        return counts

    def dataset_filter(name: str):
        if name == "default":
            return None
        if name not in datasets():
            raise ApiError(404, f"no dataset {name!r} in the store: see /catalog (`default` is the whole store)")
        return name

    def exposure_block(entity_id: str, regimes: list[str], as_of: str) -> dict:
        out = {}
        for name, summary in core.exposure_summary(entity_id, regimes, as_of).items():
            link = f"/exposure/{quote(entity_id, safe='')}?" + urlencode({"regime": name, "as_of": as_of})
            out[name] = {**summary, "proof": link}
        return out

    def scored_response(s, threshold: float, regimes: list[str], as_of: str) -> dict:
        body = ftm.entity_response(s.entity, core.authorities(s.entity.id))
        body.update({"score": s.score, "match": s.score >= threshold,
                     "features": {k: v["score"] for k, v in s.features.items()},
                     "explanations": s.features,
                     "exposure": exposure_block(s.entity.id, regimes, as_of) if regimes else {}})
        return body

    def match_one(example: M.EntityExample, limit: int, cutoff: float, threshold: float, exclude: tuple,
                  regimes: list[str], as_of: str, dataset: str | None) -> dict:
        try:
            q, props = ftm.parse_query(example.schema_, example.properties)
        except ftm.QueryError as e:
            raise ApiError(400, f"cannot read the query: {e}") from None
        total, hits = core.match(q, limit=limit if dataset is None else 10 * limit, cutoff=cutoff,
                                 exclude_ids=exclude)
        if dataset is not None:
            hits = [h for h in hits if any(s.dataset == dataset for s in h.entity.sources)][:limit]
            total = len(hits)
        return {"status": 200, "results": [scored_response(h, threshold, regimes, as_of) for h in hits],
                "total": {"value": total, "relation": "eq"},
                "query": {"id": example.id, "schema": example.schema_, "properties": props}}

    # ------------------------------------------------------------------ matching (yente)
    @app.post("/match/{dataset}", response_model=M.EntityMatchResponse, tags=["Matching"], responses=ERRORS,
              summary="Query by example matcher, with each result's ownership exposure")
    async def match(body: M.EntityMatchQuery, dataset: Annotated[str, Path(max_length=200)],
                    limit: Annotated[int, Query(ge=1, le=500)] = 5,
                    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = MATCH_THRESHOLD,
                    cutoff: Annotated[float, Query(ge=0.0, le=1.0, deprecated=True)] = MATCH_THRESHOLD,
                    algorithm: str = "best",
                    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],
                    changed_since: Optional[str] = None,
                    regime: RegimeQ = [], as_of: AsOfQ = None):
        if algorithm not in ALGORITHMS:
            raise ApiError(400, f"unknown algorithm {algorithm!r}: this server offers {ALGORITHM} "
                                f"(also called best and default); see /algorithms")
        if changed_since:
            raise ApiError(400, "changed_since is not supported: the store keeps no change times per entity, "
                                "and an unknown change time is not a change")
        if len(body.queries) > settings.api_max_batch:
            raise ApiError(400, f"too many queries in one batch ({len(body.queries)}; the limit is "
                                f"{settings.api_max_batch}, OWNERSCOPE_API_MAX_BATCH): use POST /screen")
        if not body.queries:
            raise ApiError(400, "no queries provided")
        regimes, day = regimes_of(regime), as_of_of(as_of)
        ds = await run(dataset_filter, dataset)
        cut = min(cutoff, threshold)

        def work():
            return {k: match_one(ex, limit, cut, threshold, tuple(exclude_entity_ids), regimes, day, ds)
                    for k, ex in body.queries.items()}

        responses = await run(work)
        return JSONResponse({"responses": responses, "limit": limit},
                            headers={"x-batch-size": str(len(responses))})

    @app.get("/search/{dataset}", response_model=M.SearchResponse, tags=["Matching"], responses=ERRORS,
             summary="Simple entity search by name, alias or identifier")
    async def search(dataset: Annotated[str, Path(max_length=200)], q: Annotated[str, Query(max_length=1000)] = "",
                     schema: str = "Thing", limit: Annotated[int, Query(ge=0, le=500)] = 10,
                     offset: Annotated[int, Query(ge=0, le=9500)] = 0):
        from followthemoney import model

        sch = model.get(schema)
        if sch is None:
            raise ApiError(400, f"unknown schema {schema!r}")

        def work():
            ds = dataset_filter(dataset)
            hits = core.search(q, limit=offset + limit + 1) if q.strip() else []
            hits = [h for h in hits if model.get(ftm.schema_of(h["type"])).is_a(sch)]
            ents = core.entity_records([h["id"] for h in hits])
            rows = []
            for h in hits:
                e = ents.get(h["id"])
                if e is not None and (ds is None or any(s.dataset == ds for s in e.sources)):
                    rows.append(ftm.entity_response(e, h.get("authorities")))
            more = len(rows) > offset + limit
            return {"limit": limit, "offset": offset, "results": rows[offset:offset + limit], "facets": {},
                    "total": {"value": len(rows), "relation": "gte" if more else "eq"}}

        return JSONResponse(await run(work))

    # ------------------------------------------------------------------ data access (yente)
    def redirect_to(canonical: str, suffix: str, request: Request) -> RedirectResponse:
        url = f"/entities/{quote(canonical, safe='')}{suffix}"
        if request.url.query:
            url += "?" + request.url.query
        return RedirectResponse(url, status_code=308)

    def canonical_or_404(entity_id: str) -> str:
        canonical = core.resolve(entity_id)
        if canonical is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        return canonical

    def entity_parts(canonical: str, entity_id: str):
        """The entity's detail, its FtM record and the authorities that list it (404 when it is gone)."""
        detail = core.entity(canonical)
        if detail is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        return detail, ftm.entity_from_detail(detail), sorted({d["authority"] for d in detail["designations"]})

    @app.get("/entities/{entity_id}", response_model=M.EntityResponse, tags=["Data access"],
             responses={308: {"description": "The entity was merged into another id"}, **ERRORS})
    async def entity(entity_id: Annotated[str, Path(max_length=500)], request: Request, nested: bool = True):
        canonical = await run(canonical_or_404, entity_id)
        if canonical != entity_id:
            return redirect_to(canonical, "", request)

        def work():
            detail, ent, auth = entity_parts(canonical, entity_id)
            if not nested:
                return ftm.entity_response(ent, auth)
            return ftm.entity_response(ent, auth, detail["designations"], detail["relations"])

        return JSONResponse(await run(work))

    @app.get("/entities/{entity_id}/adjacent", response_model=M.EntityAdjacentResponse, tags=["Data access"],
             responses={308: {"description": "The entity was merged into another id"}, **ERRORS})
    async def adjacent(entity_id: Annotated[str, Path(max_length=500)], request: Request,
                       limit: Annotated[int, Query(ge=0, le=500)] = 10,
                       offset: Annotated[int, Query(ge=0, le=9500)] = 0):
        canonical = await run(canonical_or_404, entity_id)
        if canonical != entity_id:
            return redirect_to(canonical, "/adjacent", request)

        def work():
            detail, ent, auth = entity_parts(canonical, entity_id)
            full = ftm.entity_response(ent, auth, detail["designations"], detail["relations"])
            plain = ftm.entity_response(ent, auth)
            adjacent = {}
            for prop, values in full["properties"].items():
                if values and isinstance(values[0], dict):
                    adjacent[prop] = {"limit": limit, "offset": offset, "results": values[offset:offset + limit],
                                      "total": {"value": len(values), "relation": "eq"}}
            return {"entity": plain, "adjacent": adjacent}

        return JSONResponse(await run(work))

    # ------------------------------------------------------------------ system (yente)
    @app.get("/algorithms", response_model=M.AlgorithmResponse, tags=["System information"])
    async def algorithms():
        feats = {k: {"description": d, "coefficient": c, "url": "/algorithms"} for k, (c, d) in FEATURES.items()}
        desc = ("Name similarity (token sort over names and aliases) adjusted by date of birth, identifiers and "
                "country, each reported as a feature. A plain heuristic, not a trained model.")
        algo = {"name": ALGORITHM, "description": desc, "features": feats,
                "docs": {"name": ALGORITHM, "description": desc, "config": {}, "features": feats}}
        return {"algorithms": [algo], "default": ALGORITHM, "best": ALGORITHM}

    @app.get("/catalog", response_model=M.DataCatalogModel, tags=["System information"])
    async def catalog():
        def work():
            counts = datasets()
            version = core.data_version()
            total = len(core.match_index().entities)
            items = [{"name": "default", "title": "The whole ownerscope store", "version": version,
                      "entity_count": total, "children": sorted(counts), "load": True, "index_current": True}]
            items += [{"name": d, "title": d, "version": version, "entity_count": n, "children": [],
                       "load": True, "index_current": True} for d, n in sorted(counts.items())]
            return {"datasets": items, "current": [i["name"] for i in items], "outdated": [],
                    "index_stale": False}

        return JSONResponse(await run(work))

    @app.get("/healthz", response_model=M.StatusResponse, tags=["System information"])
    async def healthz():
        return {"status": "ok"}

    @app.get("/readyz", response_model=M.StatusResponse, tags=["System information"],
             responses={503: {"model": M.ErrorResponse}})
    async def readyz():
        try:
            await run(core.data_version)
        except Exception as e:  # noqa: BLE001 - any failure to reach the store means not ready
            return JSONResponse(error_body(503, f"the store is not reachable: {e}"), status_code=503)
        return {"status": "ok"}

    # ------------------------------------------------------------------ exposure (ownerscope)
    @app.get("/exposure/{entity_id}", tags=["Exposure"], responses={308: {"description": "Merged id"}, **ERRORS},
             summary="The full proof of one entity's status under a regime on a date")
    async def exposure(entity_id: Annotated[str, Path(max_length=500)], request: Request,
                       regime: str = "ofac", as_of: AsOfQ = None) -> dict:
        regimes_of([regime])
        day = as_of_of(as_of)
        canonical = await run(canonical_or_404, entity_id)
        if canonical != entity_id:
            url = f"/exposure/{quote(canonical, safe='')}" + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(url, status_code=308)
        return JSONResponse(await run(core.proof, canonical, regime, day))

    @app.post("/exposure", response_model=M.ExposureBatchResponse, tags=["Exposure"], responses=ERRORS,
              summary="Exposure of a batch of entity ids and/or match queries")
    async def exposure_batch(body: M.ExposureRequest):
        n = len(body.ids) + len(body.queries)
        if n > settings.api_max_batch:
            raise ApiError(400, f"too many ids and queries in one batch ({n}; the limit is "
                                f"{settings.api_max_batch}, OWNERSCOPE_API_MAX_BATCH): use POST /screen")
        regimes, day = regimes_of(body.regimes), as_of_of(body.as_of)

        def work():
            results: dict = {}
            for i in body.ids:
                canonical = core.resolve(i)
                if canonical is None:
                    results[i] = {"id": None, "input": i, "exposure": {}, "error": "no such entity"}
                else:
                    results[i] = {"id": canonical, "input": i, "exposure": exposure_block(canonical, regimes, day)}
            for key, ex in body.queries.items():
                try:
                    q, _ = ftm.parse_query(ex.schema_, ex.properties)
                except ftm.QueryError as e:
                    results[key] = {"id": None, "input": key, "exposure": {}, "error": f"cannot read the query: {e}"}
                    continue
                _, hits = core.match(q, limit=1)
                best = hits[0] if hits and hits[0].score >= body.threshold else None
                results[key] = {"id": best.entity.id if best else None, "input": key,
                                "match": scored_response(best, body.threshold, [], day) if best else None,
                                "exposure": exposure_block(best.entity.id, regimes, day) if best else {}}
            return {"as_of": day, "regimes": regimes, "results": results}

        return JSONResponse(await run(work))

    @app.post("/screen", tags=["Exposure"], responses={200: {"content": {"application/x-ndjson": {}},
                                                              "description": "One JSON object a line"}, **ERRORS},
              summary="Screen a whole counterparty file; results stream back as JSON lines",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "text/csv": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}},
                  "application/x-ndjson": {"schema": {"type": "string"}}}}})
    async def screen(request: Request, regime: RegimeQ = [], as_of: AsOfQ = None,
                     threshold: Annotated[float, Query(ge=0.0, le=1.0)] = MATCH_THRESHOLD):
        from .screen_input import rows

        regimes, day = regimes_of(regime), as_of_of(as_of)
        raw = await request.body()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ApiError(400, f"the file is not UTF-8 text: {e}") from None
        parsed = list(rows(text, request.headers.get("content-type", "")))
        if len(parsed) > settings.api_max_screen:
            raise ApiError(400, f"{len(parsed)} counterparties in one request; the limit is "
                                f"{settings.api_max_screen} (OWNERSCOPE_API_MAX_SCREEN): split the file")
        await run(lambda: [core.exposure(r, day) for r in regimes])  # built once, before streaming
        return StreamingResponse(_stream(core, parsed, regimes, day, threshold, time.monotonic() + timeout),
                                 media_type="application/x-ndjson")

    app.add_middleware(Guard, keys=settings.api_keys, max_body=int(settings.api_max_body_mb * 1_048_576))
    return app


def _stream(core: Core, parsed: list, regimes: list[str], day: str, threshold: float, deadline: float):
    queries = [q for _, _, q in parsed if isinstance(q, MatchQuery)]
    results = iter(core.screen(queries, regimes, day, threshold=threshold))
    counts = {"rows": 0, "matched": 0, "not_screened": 0}
    for line, given, q in parsed:
        if time.monotonic() > deadline:
            yield json.dumps({"error": error_body(408, f"stopped at line {line}: the request took longer than "
                                                       "OWNERSCOPE_API_TIMEOUT allows; split the file")}) + "\n"
            return
        counts["rows"] += 1
        if not isinstance(q, MatchQuery):
            counts["not_screened"] += 1
            yield json.dumps({"line": line, "input": given, "result": "not screened", "reason": q},
                             ensure_ascii=False) + "\n"
            continue
        r = next(results)
        best = r["best"]
        row = {"line": line, "input": given, "result": "match" if r["match"] else "no match",
               "score": best.score if best else 0.0,
               "entity": {"id": best.entity.id, "caption": best.entity.name, "schema": ftm.schema_of(best.entity.type),
                          "features": {k: v["score"] for k, v in best.features.items()}} if best else None,
               "exposure": None}
        if r["match"]:
            counts["matched"] += 1
            row["exposure"] = {n: {k: v[k] for k in ("status", "as_of", "total", "total_max", "total_more_than", "list_versions",
                                                     "data", "no_list")}
                               | {"proof": f"/exposure/{quote(best.entity.id, safe='')}?"
                                           + urlencode({"regime": n, "as_of": day})}
                               for n, v in r["exposure"].items()}
        yield json.dumps(row, ensure_ascii=False) + "\n"
    yield json.dumps({"summary": counts}) + "\n"
