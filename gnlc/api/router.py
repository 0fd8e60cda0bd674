"""The one way an app declares an endpoint: `Router.endpoint`, a read-only GET with the
API's conventions filled in once (see docs/architecture.md, "API").

Each app that serves JSON defines `router = Router(...)` in its own `api.py`;
gnlc/api/api.py mounts every such router under /api/v1/, in the one API with its one
error shape and OpenAPI document."""

import ninja
from django.views.decorators.cache import cache_control
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from gnlc.api.schemas import ERRORS

# The API's JSON renderer (gnlc/api/api.py), for an endpoint that renders and caches its
# answer itself (the members' list).
renderer = JSONRenderer()

# Lists change when the secretariat records an event: a minute of caching is harmless.
cached_list = decorate_view(cache_control(public=True, max_age=60))


class Router(ninja.Router):
    def endpoint(self, path: str, schema, summary: str, *, cache: bool = False):
        """Declare a GET operation that answers `schema` (200) or an error in the error
        shape (404, 422, 429: `ERRORS`), named after its view once for all:
        `list_members` at "/members" has the operation id `list_members`, the URL name
        `api-1:members` (`get_stats_history`: `api-1:stats-history`) and the tag
        `members` (the path's first part), or the router's tags where it has some.
        `cache` lets clients and proxies keep the answer a minute."""

        def register(view):
            name = view.__name__.removeprefix("list_").removeprefix("get_")
            if cache:
                view = cached_list(view)
            return self.get(
                path,
                response={200: schema, **ERRORS},
                url_name=name.replace("_", "-"),
                operation_id=view.__name__,
                summary=summary,
                tags=None if self.tags else [path.split("/")[1]],
            )(view)

        return register
