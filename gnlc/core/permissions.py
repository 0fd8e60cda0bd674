"""How views enforce permissions: the one place that turns a rules.py permission into a
response. Predicates live in each app's rules.py; views never test roles themselves.

- Anonymous visitors are sent to the log-in page.
- A page a user lacks the role for answers 403.
- An object a user may not see answers 404 (its existence is not leaked); views pass
  `hide=True` for that.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404


def check(request, perm: str, obj=None, *, hide: bool = False) -> None:
    """Raise PermissionDenied (or Http404 with `hide`) unless request.user has `perm`."""
    if request.user.has_perm(perm, obj):
        return
    if hide:
        raise Http404
    raise PermissionDenied


def permission_required(perm: str, get_object=None, *, hide: bool = False):
    """View decorator: log-in first, then `perm` (on `get_object(request, **kwargs)` when
    given; the object is passed to the view as `obj`)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, **kwargs) if get_object else None
            check(request, perm, obj, hide=hide)
            if get_object:
                kwargs["obj"] = obj
            return view(request, *args, **kwargs)

        wrapper.required_permission = perm
        return wrapper

    return decorator
