"""Accounts: log-in with a second factor where a role needs one, registration with a
confirmed e-mail address, password reset, the first secretariat's one-time link, the
account page and its private calendar feed; and the secretariat's people pages
(/accounts/people/): everyone with an account and their roles, invitations, roles given
and removed, accounts closed and opened again."""

import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import formats, timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gnlc.accounts import history, mail, security
from gnlc.accounts.enums import RoleKind
from gnlc.accounts.forms import (
    EmailAuthenticationForm,
    InvitationForm,
    MemberField,
    PasswordResetForm,
    PeopleFilter,
    RegistrationForm,
    RoleForm,
    SetPasswordForm,
    TokenForm,
    juror_profile_form,
)
from gnlc.accounts.models import CalendarFeed, Invitation, Role, User
from gnlc.accounts.tokens import (
    INVITATION_MAX_AGE,
    first_access_tokens,
    invitation_tokens,
    read_verification,
)
from gnlc.admissions.models import JurorProfile
from gnlc.audit.context import acting_as
from gnlc.core import ical
from gnlc.core.nostore import confidential
from gnlc.core.permissions import permission_required
from gnlc.core.ratelimit import limit_mail_requests, may_mail
from gnlc.mail.outbox import language_of

PEOPLE_PER_PAGE = 25
# How the people pages write an instant: "7 December 2026, 20:22 UTC" (the zone named:
# the invited person may be anywhere).
LINK_EXPIRY_FORMAT = "j F Y, H:i T"


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
    with translation.override(language_of(user)):
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


# People: the secretariat brings people in and gives them roles --------------------------


class InvitationView(FirstAccessView):
    """The page an invitation's link opens: as the first-access page (set a password,
    then pair the second factor where a role needs one), for the latest link sent, for
    INVITATION_MAX_AGE (`tokens.InvitationTokenGenerator`), and only while the account
    is active."""

    token_generator = invitation_tokens

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["invitation"] = True
        context["days"] = INVITATION_MAX_AGE // (24 * 3600)
        if context["validlink"]:
            context["roles"] = list(self.user.roles.with_scope())
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        invitation = Invitation.objects.filter(user=self.user).first()
        if invitation is not None:
            with acting_as(self.user):  # the request began anonymous
                invitation.accept()
        if not security.needs_two_factor(self.user):
            messages.success(self.request, _("Your password is set: welcome to the platform."))
        return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _person(pk):
    return get_object_or_404(User, pk=pk)


@permission_required("accounts.manage_roles")
def people(request):
    """Everyone with an account, with their roles: search, filters, pages of 25."""
    form = PeopleFilter(request.GET)
    page = Paginator(form.queryset(), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {"form": form, "page": page})


def _role_forms(request, form_class, person=None, **kwargs):
    data = request.POST if request.method == "POST" else None
    form = form_class(data, person=person, **kwargs)
    juror = juror_profile_form(data, person=person)
    valid = request.method == "POST" and form.is_valid()
    # The juror's profile counts only for the juror role.
    if valid and form.cleaned_data["kind"] == RoleKind.JUROR:
        valid = juror.is_valid()
    return form, juror, valid


def _save_juror_profile(data, person, *, by) -> None:
    """The juror's profile from the form's data (checked already): the person's own,
    updated, or a new one. The secretariat sets the country, so it holds at once."""
    form = juror_profile_form(data, person=person)
    form.instance.user = person
    if form.is_valid():
        form.save(by=by)


def _role_page(request, template, context, form, juror):
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "juror_form": juror,
            "member_suggestions": MemberField.suggestions(),
            "invitation_days": INVITATION_MAX_AGE // (24 * 3600),
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("accounts.manage_roles")
@require_http_methods(["GET", "POST"])
def person_invite(request):
    """Invite a person by e-mail with a role (`Invitation.invite`)."""
    form, juror, valid = _role_forms(
        request, InvitationForm, initial={"language": translation.get_language()}
    )
    if valid:
        data = form.cleaned_data
        with transaction.atomic():
            person, role, invited = Invitation.invite(
                data["email"],
                kind=data["kind"],
                by=request.user,
                base_url=_base_url(request),
                full_name=data["full_name"],
                language=data["language"],
                **Role.scope_of(data["kind"], **form.scope()),
            )
            if data["kind"] == RoleKind.JUROR:
                _save_juror_profile(request.POST, person, by=request.user)
        _say_role_given(request, person, role, invited)
        return redirect("accounts:person", pk=person.pk)
    return _role_page(request, "accounts/person_invite.html", {}, form, juror)


def _moment(value) -> str:
    """ "7 December 2026, 20:22 UTC": an instant, with its time zone, in a sentence."""
    return formats.date_format(timezone.localtime(value), LINK_EXPIRY_FORMAT)


def _say_role_given(request, person, role, invited) -> None:
    if invited:
        messages.success(
            request,
            _(
                "%(email)s now holds the role “%(role)s”. An invitation went to that "
                "address: its link works once, until %(expires)s."
            )
            % {
                "role": role.label,
                "email": person.email,
                "expires": _moment(person.invitation.expires_at),
            },
        )
    else:
        messages.success(
            request,
            _("%(email)s now holds the role “%(role)s”, and was told by mail.")
            % {"role": role.label, "email": person.email},
        )


@permission_required("accounts.manage_roles")
def person(request, pk):
    """A person: their account, roles, invitation and history, with what may be done."""
    person = get_object_or_404(User.objects.with_roles(), pk=pk)
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "roles": person.role_list,
            "invitation": getattr(person, "invitation", None),
            "juror_profile": JurorProfile.objects.filter(user=person)
            .select_related("country")
            .prefetch_related("regions")
            .first(),
            "events": history.events(person),
        },
    )


@permission_required("accounts.manage_roles")
@require_http_methods(["GET", "POST"])
def person_role_add(request, pk):
    """Give an existing person another role; they are told by mail (or, while their
    invitation waits, invited again with all their roles)."""
    person = _person(pk)
    if not person.is_active:
        messages.error(request, _("Reactivate the account before giving it a role."))
        return redirect("accounts:person", pk=person.pk)
    form, juror, valid = _role_forms(request, RoleForm, person=person)
    if valid:
        data = form.cleaned_data
        with transaction.atomic():
            person, role, invited = Invitation.invite(
                person.email,
                kind=data["kind"],
                by=request.user,
                base_url=_base_url(request),
                **Role.scope_of(data["kind"], **form.scope()),
            )
            if data["kind"] == RoleKind.JUROR:
                _save_juror_profile(request.POST, person, by=request.user)
        _say_role_given(request, person, role, invited)
        return redirect("accounts:person", pk=person.pk)
    return _role_page(request, "accounts/person_role_add.html", {"person": person}, form, juror)


@permission_required("accounts.manage_roles")
@require_http_methods(["GET", "POST"])
def person_role_remove(request, pk, role_pk):
    """Confirm, then take a role away."""
    person = _person(pk)
    role = get_object_or_404(Role.objects.with_scope(), pk=role_pk, user=person)
    refusal = None
    if request.method == "POST":
        try:
            person.remove_role(role)
        except ValidationError as error:
            refusal = error.messages[0]
        else:
            messages.success(
                request,
                _("%(role)s removed from %(email)s.") % {"role": role.label, "email": person.email},
            )
            if person.pk == request.user.pk and role.kind == RoleKind.SECRETARIAT:
                return redirect("accounts:dashboard")
            return redirect("accounts:person", pk=person.pk)
    return render(
        request,
        "accounts/person_role_remove.html",
        {"person": person, "role": role, "refusal": refusal},
        status=400 if refusal else 200,
    )


@permission_required("accounts.manage_roles")
@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    """Confirm, then close an account."""
    person = _person(pk)
    refusal = None
    if request.method == "POST":
        try:
            person.deactivate(by=request.user)
        except ValidationError as error:
            refusal = error.messages[0]
        else:
            messages.success(
                request,
                _("The account of %(email)s is deactivated.") % {"email": person.email},
            )
            return redirect("accounts:person", pk=person.pk)
    return render(
        request,
        "accounts/person_deactivate.html",
        {"person": person, "refusal": refusal},
        status=400 if refusal else 200,
    )


@permission_required("accounts.manage_roles")
@require_POST
def person_reactivate(request, pk):
    person = _person(pk)
    person.reactivate()
    messages.success(
        request,
        _("The account of %(email)s is active again, with its roles.") % {"email": person.email},
    )
    return redirect("accounts:person", pk=person.pk)


@permission_required("accounts.manage_roles")
@require_POST
def person_resend(request, pk):
    """Send the invitation again: a new link, and the earlier ones stop working."""
    person = _person(pk)
    if not person.is_active:
        messages.error(request, _("Reactivate the account before sending its invitation."))
        return redirect("accounts:person", pk=person.pk)
    if person.has_usable_password():
        messages.error(
            request,
            _("%(email)s has no invitation waiting: they set their password already.")
            % {"email": person.email},
        )
        return redirect("accounts:person", pk=person.pk)
    invitation = Invitation.send(person, by=request.user, base_url=_base_url(request))
    messages.success(
        request,
        _(
            "The invitation went to %(email)s again. Its new link works once, until "
            "%(expires)s; the earlier links no longer work."
        )
        % {
            "email": person.email,
            "expires": _moment(invitation.expires_at),
        },
    )
    return redirect("accounts:person", pk=person.pk)
