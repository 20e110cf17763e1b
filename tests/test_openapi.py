"""The committed OpenAPI schema (docs/openapi.json) must match the code: `make schema` updates it."""

import json
from pathlib import Path

from jiceng.api import api

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def test_committed_schema_matches_the_code():
    committed = json.loads(SCHEMA.read_text())
    current = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    assert current == committed, "the API changed: run `make schema` and commit docs/openapi.json"


def test_every_operation_declares_the_error_format():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = {str(code): response for code, response in operation["responses"].items()}
            assert {"401", "404", "422"} <= set(declared), f"{method} {path}"
            assert "ErrorOut" in json.dumps(declared["404"]), f"{method} {path}"
