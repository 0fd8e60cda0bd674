"""`Cache-Control: private, no-store` on every confidential response, in one place.

Confidential is any answer to a signed-in request (pages show what the person's roles
let them see: applications, reviews, letters, reports and their attachments, the audit
log, exports such as reviews.csv, and the header names the person) and the answer of
any view marked `@confidential`: those reached without a session, by a secret in the
link (the private calendar feed, confirmation and unsubscribe pages). Neither a shared
cache (a proxy, a CDN) nor the browser's disk keeps them. Public pages asked for
without a session keep whatever caching their views chose.
"""

from django.utils.cache import patch_cache_control


def confidential(view):
    """View decorator: the view's answers are never stored, whoever asks."""
    view.confidential = True
    return view


class NoStoreMiddleware:
    """Marks confidential responses `private, no-store` (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or getattr(request, "_gnlc_confidential", False):
            cache_control = response.get("Cache-Control", "")
            if "public" in cache_control or "max-age" in cache_control:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view, args, kwargs):
        if getattr(view, "confidential", False):
            request._gnlc_confidential = True
