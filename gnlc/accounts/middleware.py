from django.shortcuts import redirect
from django.urls import reverse

from gnlc.accounts import security


class TwoFactorMiddleware:
    """Sends a signed-in user whose roles need a second factor, in a session not yet
    verified with one, to set it up or enter a code. Only the two-factor pages, log-out
    and static files stay reachable meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and security.needs_two_factor(user)
            and not security.is_two_factor_verified(user)
        ):
            allowed = (
                reverse("accounts:two-factor"),
                reverse("accounts:two-factor-setup"),
                reverse("accounts:logout"),
                "/static/",
            )
            if not request.path.startswith(allowed):
                return redirect(f"{reverse('accounts:two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)
