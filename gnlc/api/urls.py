"""/api/: version 1 of the API under v1/, its interactive docs at docs, and a JSON 404
in the API's error shape for any other path."""

import json

from django.shortcuts import render
from django.urls import URLPattern, path, re_path

from gnlc.api.api import api
from gnlc.api.errors import json_errors, not_found


def _with_error_shape(urls):
    """Ninja's URL patterns with each view wrapped by `json_errors` (its 405 and root 404
    answered in the error shape)."""
    patterns, app_name, namespace = urls
    wrapped = [
        URLPattern(p.pattern, json_errors(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    return wrapped, app_name, namespace


def docs(request):
    """The interactive docs (django-ninja's Swagger UI) inside the site's own page: its
    header, a word on what the API is, and links to the OpenAPI document and open data."""
    settings = {**api.docs.settings, "url": api.docs.get_openapi_url(api, {})}
    return render(request, "api/docs.html", {"swagger_settings": json.dumps(settings)})


urlpatterns = [
    path("v1/", _with_error_shape(api.urls)),
    re_path(r"^docs/?$", docs, name="api-docs"),
    re_path(r"^", not_found),
]
