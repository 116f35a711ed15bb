"""Schemathesis against the API's own OpenAPI schema, served by the real server.

For generated requests to every operation: no server error, and every response matches the schema."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import LiveApi, live_api
from tests.support.app import open_pricewatch

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def api() -> Iterator[LiveApi]:
    with open_pricewatch(executor="threads") as app:
        # Generated scrapes must not reach the network: with the engine shut down, submitted tasks are only
        # journaled (they would run at the next start). Notifications go nowhere.
        app.task_manager.shutdown()
        app.settings.notify.desktop = app.settings.notify.tray = False
        app.settings.notify.apprise_urls = []
        yield from live_api(app)


def test_every_operation_conforms_to_the_schema(api: LiveApi) -> None:
    api.app.add_product("https://shop.example/1", target_price="10")  # so some ids exist
    auth = {"Authorization": f"Bearer {api.token}"}
    schema = schemathesis.openapi.from_url(f"{api.url}/api/v1/openapi.json", headers=auth, timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    settings = hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    for operation in operations:

        @settings
        @hypothesis.given(case=operation.as_strategy())
        def conforms(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=auth, checks=CHECKS, timeout=30)

        conforms()
