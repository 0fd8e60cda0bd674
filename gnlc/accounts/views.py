"""Accounts: log-in with a second factor where a role needs one, registration with a
confirmed e-mail address, password reset, the first secretariat's one-time link, the
account page and its private calendar feed."""

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts import mail, security
from gnlc.accounts.forms import (
    EmailAuthenticationForm,
    PasswordResetForm,
    RegistrationForm,
    SetPasswordForm,
    TokenForm,
)
from gnlc.accounts.models import CalendarFeed
from gnlc.accounts.tokens import first_access_tokens, read_verification
from gnlc.core import ical
from gnlc.core.nostore import confidential
from gnlc.core.permissions import permission_required
from gnlc.core.ratelimit import limit_mail_requests, may_mail


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def admin_login(request):
    """The admin's log-in page, replaced by the site's: one way in, so one throttle and
    one second factor for everybody. A visitor is sent to the site's log-in with a 307,
    `next` kept: a browser re-sends a POST there as it was, so a password typed into an
    admin log-in form (or posted by a script) is checked, and its failure counted, by
    the site's log-in. A signed-in user whom the admin refuses (not staff) gets 403,
    where sending them to the log-in page would loop (it sends signed-in users on to
    `next`, the admin)."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(_next_url(request, reverse("admin:index")))
        raise PermissionDenied
    target = reverse("accounts:login")
    query = request.GET.urlencode()
    response = HttpResponseRedirect(f"{target}?{query}" if query else target)
    response.status_code = 307
    return response


class LogoutView(auth_views.LogoutView):
    """Log-out is a POST (Django 5 refuses GET), so a link cannot log anyone out."""


@permission_required("accounts.view_dashboard")
def dashboard(request):
    roles = request.user.roles.select_related("country", "member", "member__country")
    feed = CalendarFeed.of(request.user)
    calendar_url = request.build_absolute_uri(reverse("accounts:calendar", args=[feed.token]))
    return render(
        request,
        "accounts/dashboard.html",
        {"roles": roles, "calendar_url": calendar_url, "webcal_url": ical.webcal(calendar_url)},
    )


def _next_url(request, default="accounts:dashboard"):
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, True):
        return target
    return default


@login_required
def two_factor(request):
    """Enter a code from the confirmed device; without one, set it up first."""
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{_setup_url()}?next={_next_url(request, '')}")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": _next_url(request, "")}
    )


def _setup_url():
    return reverse("accounts:two-factor-setup")


@login_required
def two_factor_setup(request):
    """Pair an authenticator app: show the key as a QR code (drawn here, as SVG, no
    outside service) and confirm it with a first code."""
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect("accounts:two-factor")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save()
        otp_login(request, device)
        messages.success(request, _("Two-factor authentication is on for your account."))
        return redirect(_next_url(request))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _next_url(request, ""),
        },
    )


# Registration ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@limit_mail_requests
def register(request):
    """A new account, inactive until its e-mail address is confirmed through the link
    mailed to it. The page says the same whether or not the address had an account (so
    it tells no one who has one); the mail differs: the activation link again for an
    account not yet confirmed, a reminder to log in or reset the password for one that
    is. `next` (a page of this site) is where the person goes once confirmed and logged
    in; the open calls by default."""
    if request.user.is_authenticated:
        return redirect("admissions:home")
    next_url = _next_url(request, "")
    form = RegistrationForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        user, created = form.save()
        if may_mail(user.email):
            if created or not user.is_active:
                mail.send_verification(user, request, next_url)
            else:
                mail.send_already_registered(user, request)
        return render(request, "accounts/register_done.html", {"email": user.email})
    return render(
        request,
        "accounts/register.html",
        {"form": form, "next": next_url},
        status=400 if request.method == "POST" else 200,
    )


@confidential
@require_http_methods(["GET", "POST"])
def verify(request, token):
    """GET shows a button, POST activates (mail scanners that open links activate
    nothing), then the log-in page leads on to the open calls (or the page the person
    registered from). Confirming logs no one in: the password is still asked."""
    user, next_url = read_verification(token)
    if user is None:
        return render(request, "accounts/verify.html", {"invalid": True}, status=400)
    if request.method == "POST":
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        messages.success(request, _("Your e-mail address is confirmed. Log in to continue."))
        target = next_url or reverse("admissions:home")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
    return render(request, "accounts/verify.html", {"account": user})


# Password reset (Django's views, our templates and form) --------------------------------


@method_decorator(limit_mail_requests, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. The answer is the same page whether or not the address has
    an account (no enumeration); the mail is in the account's language."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/mail/password_reset_subject.txt"
    email_template_name = "accounts/mail/password_reset.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose the new password. It also lifts a log-in pause on the account (the pause's
    message sends people here)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        security.clear_failures(self.user.email)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class FirstAccessView(auth_views.PasswordResetConfirmView):
    """The page the one-time link of `gnlc create-secretariat` opens: set a password,
    then (logged in) pair the second factor. The link works once and for a day
    (`tokens.FirstAccessTokenGenerator`)."""

    template_name = "accounts/first_access.html"
    form_class = SetPasswordForm
    token_generator = first_access_tokens
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["two_factor"] = bool(self.user) and security.needs_two_factor(self.user)
        return context

    def get_success_url(self):
        if security.needs_two_factor(self.user):
            return reverse("accounts:two-factor-setup")
        return reverse("accounts:dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        if security.needs_two_factor(self.user):
            messages.success(
                self.request,
                _("Your password is set. Now pair an authenticator app: your role needs it."),
            )
        return response


# The private calendar feed ---------------------------------------------------------------


@confidential
def calendar_feed(request, token):
    """The user's own deadlines as an iCalendar feed, reached by its secret link alone
    (calendar apps do not log in), in the user's language."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    user = feed.user
    network = settings.GNLC_NETWORK_SHORT_NAME
    with translation.override(mail.language_of(user)):
        return ical.response(
            request,
            ical.user_events(user, request),
            name=_("%(network)s: my deadlines") % {"network": network},
            description=_(
                "Your own deadlines in the %(network)s: submissions, nominations, reviews "
                "and reports."
            )
            % {"network": settings.GNLC_NETWORK_NAME},
            filename="my-deadlines.ics",
        )


@login_required
@require_POST
def calendar_reset(request):
    """A new secret link for the user's calendar feed; the old one stops at once."""
    CalendarFeed.of(request.user).reset()
    messages.success(
        request,
        _(
            "Your calendar has a new link. The old one no longer works: subscribe again with "
            "the new one."
        ),
    )
    return redirect(f"{reverse('accounts:dashboard')}#calendar")
