"""schemathesis generates requests from the OpenAPI spec for every operation: no server error, on the
embedded store and on Neo4j (bounded: a few examples per operation)."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

EXAMPLES = 12  # per operation; keeps each backend's run to well under a minute


def test_no_server_error_for_generated_requests(core):
    from hypothesis import HealthCheck, given, settings

    from ownerscope.api.app import create_app
    from ownerscope.settings import load_settings
    from schemathesis.checks import not_a_server_error

    app = create_app(core, load_settings())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ran = []
    failures = []
    for result in schema.get_all_operations():
        op = result.ok()

        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=[not_a_server_error])

        try:
            check()
        except Exception as e:  # collect every operation's failure, then fail once
            failures.append(f"{op.method.upper()} {op.path}: {str(e)[:500]}")
        ran.append(f"{op.method.upper()} {op.path}")
    assert not failures, "\n".join(failures)
    assert len(ran) == 11, ran  # every route of the spec was exercised
