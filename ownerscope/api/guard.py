"""What stands in front of every route: API keys, the body size limit, JSON errors with one shape."""

from __future__ import annotations

import hmac
import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ConfigError, InputError, NotFound, OwnerscopeError, QueryError, StoreUnavailable

OPEN_PATHS = ("/healthz", "/readyz")
ERROR_NAMES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 408: "timeout", 413: "too_large",
               415: "unsupported_media_type", 422: "invalid_request", 500: "server_error",
               503: "unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def error_body(status: int, detail: str) -> dict:
    return {"detail": detail, "status": status, "error": ERROR_NAMES.get(status, "error")}


def error_response(status: int, detail: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, detail), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError):
        return error_response(exc.status, exc.detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        return error_response(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(x) for x in e.get("loc", ()))
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return error_response(422, "invalid request: " + "; ".join(parts))

    @app.exception_handler(OwnerscopeError)
    async def _ours(_: Request, exc: OwnerscopeError):
        if isinstance(exc, NotFound):
            return error_response(404, str(exc))
        if isinstance(exc, (InputError, QueryError, ConfigError)):
            return error_response(400, str(exc))
        if isinstance(exc, StoreUnavailable):
            return error_response(503, str(exc))
        return error_response(500, f"store error: {exc}")


class Guard:
    """ASGI middleware: API keys (Authorization: ApiKey KEY, or Bearer KEY) when keys are configured, and
    the body size limit (Content-Length checked first, then the bytes actually received)."""

    def __init__(self, app, keys: tuple[str, ...], max_body: int):
        self.app = app
        self.keys = tuple(k.encode() for k in keys)
        self.max_body = max_body

    def _authorised(self, headers: dict[bytes, bytes]) -> bool:
        if not self.keys:
            return True
        raw = headers.get(b"authorization", b"").strip()
        scheme, _, key = raw.partition(b" ")
        if scheme.lower() not in (b"apikey", b"bearer"):
            return False
        key = key.strip()
        return any(hmac.compare_digest(key, k) for k in self.keys)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if scope["path"] not in OPEN_PATHS and not self._authorised(headers):
            resp = error_response(401, "an API key is required: send Authorization: ApiKey KEY",
                                  {"WWW-Authenticate": "ApiKey"})
            return await resp(scope, receive, send)
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > self.max_body:
            return await self._too_large(scope, receive, send)
        seen = 0
        too_large = False

        async def limited_receive():
            nonlocal seen, too_large
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    too_large = True
                    raise ApiError(413, self._too_large_words())
            return msg

        started = False

        async def tracking_send(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except ApiError:
            if not too_large or started:
                raise
            await self._too_large(scope, receive, send)

    def _too_large_words(self) -> str:
        return (f"the request body is larger than {self.max_body / 1_048_576:g} MB "
                f"(OWNERSCOPE_API_MAX_BODY_MB): send a smaller batch")

    async def _too_large(self, scope, receive, send):
        await error_response(413, self._too_large_words())(scope, receive, send)
