"""The OpenAPI document describes exactly the API's routes, and is itself valid."""

import re

from emotionpix.web.openapi import document


def api_routes(app):
    """(path in OpenAPI form, method) for every /api route of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_route_is_described_and_every_description_has_a_route(app):
    described = {(path, method) for path, item in document()["paths"].items() for method in item}
    assert described == api_routes(app)


def test_the_document_is_served_and_valid_openapi_3_1(client):
    from openapi_spec_validator import validate

    served = client.get("/api/openapi.json").get_json()
    assert served == document()
    assert served["openapi"] == "3.1.0"
    validate(served)


def test_every_operation_documents_its_errors_as_json(client):
    for item in document()["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}
