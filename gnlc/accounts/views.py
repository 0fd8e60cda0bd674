import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts.forms import EmailAuthenticationForm, TokenForm
from gnlc.core.permissions import permission_required


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Log-out is a POST (Django 5 refuses GET), so a link cannot log anyone out."""


@permission_required("accounts.view_dashboard")
def dashboard(request):
    roles = request.user.roles.select_related("country", "member", "member__country")
    return render(request, "accounts/dashboard.html", {"roles": roles})


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
