"""The OpenAPI description is valid and describes exactly the routes the app serves."""

import re

from openapi_spec_validator import validate

from calendar_service.config import Settings
from calendar_service.store import open_store
from calendar_service.web import create_app
from calendar_service.web.openapi import SPEC


def served_operations(app) -> set[tuple[str, str]]:
    """(path template, method) for every /api/v1 route, with <converter:name> as {name}."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        methods = rule.methods - {"HEAD", "OPTIONS"}
        match = re.search(r"<any\(([^)]*)\):(\w+)>", rule.rule)
        variants = [rule.rule.replace(match.group(0), choice.strip()) for choice in match.group(1).split(",")] if match else [rule.rule]
        for variant in variants:
            template = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", variant)
            out.update((template, method.lower()) for method in methods)
    return out


def described_operations() -> set[tuple[str, str]]:
    return {(path, method) for path, item in SPEC["paths"].items() for method in item}


def test_the_description_is_valid_openapi_3_1():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_every_route_is_described_and_every_description_is_served(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        app = create_app(Settings(), store)
        served, described = served_operations(app), described_operations()
        assert served - described == set(), "routes missing from the description"
        assert described - served == set(), "described routes the app does not serve"
    finally:
        store.close()


def test_every_operation_has_an_id_and_lists_its_error_responses():
    ids = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            ids.append(operation["operationId"])
            codes = set(operation["responses"])
            if path != "/api/v1/openapi.json":
                assert "401" in codes, f"{method} {path} does not describe 401"
            if method in ("post", "patch", "put") and "requestBody" in operation:
                assert {"403", "422"} <= codes, f"{method} {path} does not describe 403 and 422"
    assert len(ids) == len(set(ids))


def test_the_served_description_is_this_one(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        response = create_app(Settings(), store).test_client().get("/api/v1/openapi.json")
        assert response.status_code == 200 and response.get_json() == SPEC
    finally:
        store.close()
