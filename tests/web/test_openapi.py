"""The OpenAPI document describes exactly the API's routes and the records it answers with,
and is itself valid."""

import json
import re
from dataclasses import is_dataclass
from types import NoneType, UnionType
from typing import Union, get_args, get_origin

import pytest

from emotionpix.core.movies import Movie
from emotionpix.core.records import json_fields
from emotionpix.recommend.records import Pick, Recommendations, SearchResults, SimilarFilms
from emotionpix.web.openapi import SCHEMAS, document


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

    # read with json.loads: the app's own JSON reader is bounded for request bodies (64 KB)
    served = json.loads(client.get("/api/openapi.json").get_data())
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


# The records the API answers with, and the schema of each (web/openapi.py writes the schemas
# by hand, with the bounds and descriptions the records do not carry: they must agree).
RECORDS = [
    (Movie, "Movie"),
    (Pick, "Pick"),
    (Recommendations, "Recommendations"),
    (SearchResults, "SearchResults"),
    (SimilarFilms, "SimilarFilms"),
]
JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", NoneType: "null"}


def properties(schema):
    """A schema's properties, those of every part of an allOf (references followed) too."""
    if "$ref" in schema:
        return properties(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found |= properties(part)
    return found


def json_types(hint):
    """The JSON types a field's annotation allows."""
    if get_origin(hint) in (UnionType, Union):
        return {kind for arg in get_args(hint) for kind in json_types(arg)}
    if get_origin(hint) in (list, tuple):
        return {"array"}
    if is_dataclass(hint):  # a record inside, as an object
        return {"object"}
    return {JSON_TYPES[hint]}


def record_in(hint):
    """The record a list field holds, if any."""
    for arg in get_args(hint):
        if get_origin(arg) in (list, tuple) or arg is NoneType:
            return record_in(arg)
        if is_dataclass(arg):
            return arg
    return None


def assert_agree(record, schema):
    described, fields = properties(schema), json_fields(record)
    assert set(described) == set(fields), record.__name__
    for key, hint in fields.items():
        declared = described[key]["type"]
        assert json_types(hint) == ({declared} if isinstance(declared, str) else set(declared)), key
        inner = record_in(hint)
        if inner is not None and "object" in json_types(hint):  # a record, not a list of them
            assert_agree(inner, described[key])
        elif inner is not None:
            items = described[key]["items"]
            if "$ref" in items:
                assert items["$ref"] == f"#/components/schemas/{inner.__name__}"
            else:
                assert_agree(inner, items)


@pytest.mark.parametrize(("record", "name"), RECORDS)
def test_each_answer_schema_describes_its_record_field_for_field(record, name):
    assert_agree(record, SCHEMAS[name])
    required = set(SCHEMAS[name].get("required", ()))
    assert required <= set(json_fields(record))
