"""The API's one error shape, for every error it can answer with:

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": [...]}}

Endpoints raise `ApiError`; `register_handlers` turns it, ninja's validation and HTTP
errors, `Http404` and any other exception into that shape, and `json_errors` does the same
for what ninja answers outside an operation (405, its root URL's 404)."""

import functools
import json
import logging
from http import HTTPStatus

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from ninja.errors import HttpError, ValidationError

logger = logging.getLogger("gnlc.api")

CONTENT_TYPE = "application/json; charset=utf-8"

# Codes clients can switch on; other statuses get their reason phrase in snake case.
CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
}


def code_for(status: int) -> str:
    if status in CODES:
        return CODES[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


class ApiError(Exception):
    """An error an endpoint answers with on purpose (unknown slug, page out of range,
    invalid filters). `details` are {"field", "message"} items."""

    def __init__(self, status: int, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def first_or_404(queryset, message: str):
    """The first row of `queryset`, or the error shape's 404 saying `message`."""
    found = queryset.first()
    if found is None:
        raise ApiError(404, message)
    return found


def error_body(status: int, message: str, details: list[dict] | None = None) -> dict:
    return {
        "error": {
            "status": status,
            "code": code_for(status),
            "message": message,
            "details": details or [],
        }
    }


def error_response(status: int, message: str, details: list[dict] | None = None) -> HttpResponse:
    body = json.dumps(error_body(status, message, details), ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)


def validation_error_details(exc: ValidationError) -> list[dict]:
    """Ninja's errors (pydantic's, with a location such as ("query", "page_size")) as
    error details; the location's source ("query", "path") is dropped from the field.
    A query parameter is named alone: a repeated one's location also holds the schema's
    argument and the value's position (("query", "params", "status", 0): "status")."""
    details = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] == "query":
            names = [part for part in loc[1:] if not part.isdigit()]
            loc = names[-1:]
        elif loc and loc[0] in {"path", "body", "header", "cookie", "form"}:
            loc = loc[1:]
        details.append({"field": ".".join(loc) or None, "message": error.get("msg", "")})
    return details


def register_handlers(api) -> None:
    """Answer every exception an operation raises in the error shape."""

    def on_api_error(request, exc: ApiError):
        return error_response(exc.status, exc.message, exc.details)

    def on_validation_error(request, exc: ValidationError):
        return error_response(
            422, "The request's parameters are not valid.", validation_error_details(exc)
        )

    def on_http_error(request, exc: HttpError):
        return error_response(exc.status_code, str(exc))

    def on_404(request, exc: Http404):
        return error_response(404, "Not found.")

    def on_exception(request, exc: Exception):
        # Logged with its traceback for us; the client learns nothing of the internals.
        logger.error(
            "Unhandled error in API request %s %s", request.method, request.path, exc_info=exc
        )
        return error_response(500, "Internal server error.")

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(Exception, on_exception)


def json_errors(view):
    """Wrap a view ninja routes outside its operations: its 405 for a method an endpoint
    does not take, and the 404 of its root URL, come back in the error shape. The
    wrapper keeps the view's attributes (ninja's views are `csrf_exempt`)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return not_found(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            shaped = error_response(
                405,
                f"Method {request.method} is not allowed here; use {allowed}.",
            )
            shaped["Allow"] = allowed
            return shaped
        return response

    return wrapped


def not_found(request, *args, **kwargs) -> HttpResponse:
    """The answer for any path under /api/ that is no endpoint."""
    return error_response(404, f"There is no API endpoint at {request.path}.")


not_found.csrf_exempt = True  # a POST to an unknown path is a 404, not a CSRF failure
