"""The public JSON API, version 1: the one NinjaAPI that serves every app's endpoints.

Read-only and anonymous. docs/api.md is its contract (a test checks every route is in
it); the OpenAPI document is served at /api/v1/openapi.json and the interactive docs at
/api/docs. The endpoints live in their apps (`gnlc/<app>/api.py`, each a `Router`:
members, countries, regions, cohorts and statistics in gnlc.cities, practices and
documents in gnlc.library, news in gnlc.news); this package holds what they share, once:
the error shape (errors.py), the parameter types and facet schema (schemas.py), the
pagination (pagination.py), the endpoint declaration (router.py) and the document
(openapi.py). docs/architecture.md, "API", gives the rule."""

import functools
import importlib

from django.apps import apps
from django.conf import settings
from django.utils import translation
from ninja import Swagger

from gnlc.api.errors import register_handlers
from gnlc.api.openapi import Api
from gnlc.api.router import renderer

DESCRIPTION = f"""Open data on the members of the {settings.GNLC_NETWORK_NAME}: who they are,
where, since when, and the network's figures on any date; and the library's good practices.

Read-only, no authentication, in English. Data under {settings.GNLC_DATA_LICENCE}
({settings.GNLC_DATA_LICENCE_URL}).

- **Dates**: `as_of` (YYYY-MM-DD, today by default) gives the figures on that day.
- **Filters** of a list may repeat (`region=africa&region=arab-states`): several values of
  one filter are alternatives, different filters combine. Facet counts say how many
  results each value gives among the results of the other filters.
- **Pages**: `page` and `page_size`; `next` and `previous` are full URLs, null at the ends.
- **Errors** all have one shape, `{{"error": {{"status", "code", "message", "details"}}}}`,
  with one detail per invalid parameter; `code` is stable (`not_found`,
  `validation_error`, `rate_limited`...).

Each operation below lists its parameters and responses; the OpenAPI document is
/api/v1/openapi.json."""

api = Api(
    title=f"{settings.GNLC_NETWORK_SHORT_NAME} API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    # Served at /api/docs by gnlc/api/urls.py rather than under /api/v1/. Swagger UI comes
    # from ninja's own static files ("ninja" is in INSTALLED_APPS), never from a CDN; its
    # template passes the settings as a JSON data block read by a static script, so the
    # page needs no inline script under our CSP. No online validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url=None,
    renderer=renderer,
)
register_handlers(api)


def in_english(view):
    """The API speaks English whatever the request's Accept-Language: names are the UN's
    English short names, labels the English ones, so a URL always gives the same JSON."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override("en"):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = "en"
        return response

    return wrapped


api.add_decorator(in_english, mode="view")


def _add_app_routers() -> None:
    """The apps' endpoints: each app that has them defines `router` (a
    `gnlc.api.router.Router`) in its own `api.py`; it is mounted here, under /api/v1/,
    in the one API and its one error shape and OpenAPI document, in INSTALLED_APPS's
    order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("gnlc.") or config.name == "gnlc.api":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        api.add_router("", module.router)


_add_app_routers()
