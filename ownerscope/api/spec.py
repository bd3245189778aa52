"""The OpenAPI spec of the API, as checked into docs/openapi.json:

    python -m ownerscope.api.spec > docs/openapi.json
"""

from __future__ import annotations

import json


def openapi() -> dict:
    """The spec; it depends on the code only (no store is opened)."""
    from ..core import Core
    from ..settings import load_settings
    from .app import create_app

    return create_app(Core(None), load_settings()).openapi()  # type: ignore[arg-type]


def render() -> str:
    return json.dumps(openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(render(), end="")
