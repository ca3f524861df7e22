"""The one place errors become HTTP responses: RFC 9457 problem details (application/problem+json).

Domain errors map to 4xx by type; HTTP errors keep their status; anything unexpected is logged
and answered 500 with no internals in the body.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from ..errors import (
    AuthError,
    CalendarServiceError,
    ConflictError,
    LetterError,
    NotFoundError,
    TooLargeError,
    ValidationError,
)

PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: object) -> Response:
    """A problem-details response (an HTML page for a browser on the web pages)."""
    if _wants_page():
        from flask import render_template

        return Response(render_template("error.html", status=status, title=title, detail=detail), status=status, mimetype="text/html")
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="calendar_service"'
    return response


def _wants_page() -> bool:
    path = request.path
    if path.startswith(("/api/", "/feeds/", "/healthz", "/static/")) or path.endswith(".ics"):
        return False
    return request.accept_mimetypes.accept_html


def _domain_error(exc: CalendarServiceError) -> Response:
    if isinstance(exc, ValidationError):
        errors = [{"field": field, "problem": text} for field, text in exc.errors]
        return problem(422, "Unprocessable Content", str(exc), errors=errors)
    if isinstance(exc, TooLargeError):
        return problem(413, "Content Too Large", str(exc))
    if isinstance(exc, LetterError):
        return problem(422, "Unprocessable Content", str(exc), errors=[{"field": "letter", "problem": str(exc)}])
    if isinstance(exc, NotFoundError):
        return problem(404, "Not Found", str(exc))
    if isinstance(exc, ConflictError):
        return problem(409, "Conflict", str(exc))
    if isinstance(exc, AuthError):
        return problem(403, "Forbidden", str(exc)) if exc.forbidden else problem(401, "Unauthorized", str(exc))
    return problem(422, "Unprocessable Content", str(exc))


def _http_error(exc: HTTPException) -> Response:
    detail = exc.description or exc.name
    if exc.code == 404:
        detail = "no such resource; the API is described at /api/v1/openapi.json"
    elif exc.code == 413:
        detail = f"the request body is larger than {request.max_content_length:,} bytes, the most this endpoint accepts"
    response = problem(exc.code or 500, exc.name, detail)
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _unexpected(exc: Exception) -> Response:
    current_app.logger.exception("unexpected error")
    return problem(500, "Internal Server Error", "the service failed; the error is in its log")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CalendarServiceError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
