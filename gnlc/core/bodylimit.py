"""Caps on request bodies, checked before anything reads them.

Django's own limits (`DATA_UPLOAD_MAX_MEMORY_SIZE`, `DATA_UPLOAD_MAX_NUMBER_FIELDS`,
`DATA_UPLOAD_MAX_NUMBER_FILES`) stop a request only once parsing reaches them, and the
first does not count file parts: a 40 MB multipart POST to the log-in page was read
and spooled to disk before anything refused it. `RequestBodyLimitMiddleware` compares
the announced Content-Length with the view's cap before any middleware parses the body
(it sits before CSRF's, which reads `request.POST`): over it, the answer is a 413 page
that says the limit, and the body is never read.

A view's cap is `DATA_UPLOAD_MAX_MEMORY_SIZE` (its fields) plus the files it takes,
declared with `@accepts_files(max_bytes)` where it takes any. A view that takes files
without saying so is refused large ones, which shows at once; never the other way
round. A body without Content-Length (chunked) is not read by Django at all. The proxy
in front (nginx's client_max_body_size, see docs/deploy.md) should hold the largest
cap, so that oversized bodies stop there.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

MB = 1024 * 1024


def accepts_files(max_bytes: int):
    """View decorator: the view takes files of `max_bytes` in all, on top of its fields.
    Apply it outermost (or under decorators that copy the wrapped view's attributes,
    as Django's and functools.wraps do)."""

    def decorate(view):
        view.max_upload_bytes = max_bytes
        return view

    return decorate


def request_body_limit(view) -> int | None:
    """The most bytes a request to `view` may carry; None for no limit."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if fields is None:
        return None
    return fields + getattr(view, "max_upload_bytes", 0)


def too_large(request, size: int, limit: int):
    megabytes = {"size": f"{size / MB:.1f}", "limit": f"{limit / MB:.1f}"}
    return render(
        request,
        "core/413.html",
        {
            "message": _(
                "What you sent is %(size)s MB; this page accepts at most %(limit)s MB. "
                "Send smaller files, or fewer at a time."
            )
            % megabytes
        },
        status=413,
    )


class RequestBodyLimitMiddleware:
    """413 for a request whose Content-Length is over its view's cap (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = request_body_limit(view)
        if limit is not None and size > limit:
            return too_large(request, size, limit)
        return None
