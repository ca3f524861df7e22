"""A test client for /api/v1 that sends a token and checks every response against the OpenAPI description."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker

from calendar_service.web.openapi import SPEC


def schema_for(app: Flask, method: str, path: str, status: int) -> dict[str, Any] | None:
    """The described response schema of ``method path`` for ``status`` (None when it has no body)."""
    rule, _ = app.url_map.bind("localhost").match(path.split("?")[0], method=method, return_rule=True)
    template = rule.rule
    if "<any(" in template:  # the action routes: put the action of this path in its place
        template = re.sub(r"<any\([^)]*\):\w+>", path.split("?")[0].rstrip("/").split("/")[-1], template)
    template = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", template)
    operation = SPEC["paths"][template][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {template} answered {status}, which its description does not list"
    content = response.get("content")
    if not content:
        return None
    ((media_type, body),) = content.items()
    return {"media_type": media_type, "schema": body["schema"]}


class ApiClient:
    """Flask's test client with a bearer token; every response is checked against the description."""

    def __init__(self, app: Flask, token: str | None) -> None:
        self.app = app
        self.client = app.test_client()
        self.token = token

    def request(self, method: str, path: str, *, token: str | None = "default", **kwargs: Any):
        headers = dict(kwargs.pop("headers", {}) or {})
        token = self.token if token == "default" else token
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        self.check(method, path, response)
        return response

    def check(self, method: str, path: str, response) -> None:
        if response.status_code in (404, 405) and response.mimetype == "application/problem+json":
            found = None
            try:
                found = schema_for(self.app, method, path, response.status_code)
            except Exception:
                return  # no such route: nothing to check it against
        else:
            found = schema_for(self.app, method, path, response.status_code)
        if found is None:
            assert not response.data, f"{method} {path} {response.status_code} should have no body"
            return
        assert response.mimetype == found["media_type"], (response.mimetype, found["media_type"])
        validator = Draft202012Validator({**found["schema"], "components": SPEC["components"]}, format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(response.get_json()), key=str)
        assert not errors, f"{method} {path} {response.status_code}: {errors[0].message} at {list(errors[0].absolute_path)}"

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.request("DELETE", path, **kwargs)
