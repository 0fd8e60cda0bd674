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
    def endpoint(self, path: str, schema, *, name: str, summary: str, tag=None, cache=False):
        """A GET operation answering `schema` (200) or an error in the error shape (404,
        422, 429: `ERRORS`). Its operation id is the view's name (`list_members`), its
        URL name `api-1:<name>`, its tag `tag` or the router's; `cache` lets clients
        and proxies keep the answer a minute."""

        def register(view):
            if cache:
                view = cached_list(view)
            return self.get(
                path,
                response={200: schema, **ERRORS},
                url_name=name,
                operation_id=view.__name__,
                summary=summary,
                tags=[tag] if tag else None,
            )(view)

        return register
