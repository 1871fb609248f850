"""The whole JSON API against its OpenAPI schema (schemathesis): no 5xx, no answer off-schema.

Each operation gets a bounded number of generated requests, as the organization department (the
role that may call every operation), authenticated with a personal API token.
"""

import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from config.wsgi import application
from tests.conftest import Personas, bearer

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
# The coverage phase would send every boundary case the schema allows, hundreds per operation;
# the fuzzing phase keeps to max_examples, which bounds the run.
schema.config.phases.update(phases=["examples", "fuzzing"])
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def org_headers(personas: Personas) -> dict[str, str]:
    return bearer(personas.org)


@pytest.fixture(autouse=True)
def _keep_test_connection_open() -> Iterator[None]:
    """Requests go straight to the WSGI app, whose request signals would close the database
    connection that holds the test's transaction (PostgreSQL); Django's test client detaches
    the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, org_headers: dict[str, str]) -> None:
    """Generated requests, valid and not, get a documented status and a body matching it."""
    response = case.call(headers=org_headers)
    case.validate_response(response, checks=CHECKS)


def test_openapi_schema_is_served() -> None:
    """The schema is at /api/v1/openapi.json and names the token scheme."""
    document = Client().get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "中坚 Zhongjian API"
    assert "TokenAuth" in document["components"]["securitySchemes"]


def test_docs_page_loads_nothing_from_outside(personas: Personas) -> None:
    """/api/v1/docs serves Swagger UI from the app's static files: no CDN, no validator badge."""
    from tests.conftest import client_for

    page = client_for(personas.org).get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert not re.search(r"(?:src|href)=\"https?://", page)
    assert '"validatorUrl": null' in page


def test_schema_passes_openapi_spec_validator() -> None:
    """The served schema is valid OpenAPI (openapi-spec-validator), each error answer listed once
    per operation, and every operation id is its handler's (= its service's) name."""
    import json

    from openapi_spec_validator import validate

    document = json.loads(Client().get("/api/v1/openapi.json").content)
    validate(document)
    ids = []
    for operations in document["paths"].values():
        for operation in operations.values():
            codes = list(operation["responses"])
            assert len(codes) == len(set(codes))
            assert {"400", "401", "403", "404", "422"} <= set(codes)
            ids.append(operation["operationId"])
    assert len(ids) == len(set(ids))
    assert {"cadre_create", "process_start", "import_job_submit", "vacancy_list"} <= set(ids)


def test_one_pagination_style() -> None:
    """Every paginated list takes page/page_size, none limit/offset."""
    document = api.get_openapi_schema()
    names = {
        parameter["name"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
    }
    assert {"page", "page_size"} <= names
    assert not {"limit", "offset"} & names
