import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gnlc.accounts import security
from gnlc.accounts.enums import ROLE_DUTIES, RoleKind
from gnlc.accounts.models import User, member_label
from gnlc.admissions.forms import JurorProfileForm
from gnlc.cities.models import Country, Member
from gnlc.core.ratelimit import may_mail
from gnlc.mail.outbox import queue_mail

PASSWORD_HELP = _("At least 12 characters, not a common password, not all digits.")


class EmailAuthenticationForm(AuthenticationForm):
    """Log-in by e-mail address (the user model's USERNAME_FIELD), case-insensitive,
    refused for a while after repeated failures (gnlc/accounts/security.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _(
            "Too many failed log-ins. For your safety, log-in is paused for %(minutes)d "
            "minutes; try again later or reset your password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username", "")
        address = security.client_address(self.request)
        if email and security.is_locked_out(email, address):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.GNLC_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            security.record_failure(email, address)
            raise
        security.clear_failures(email)
        return cleaned


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit() or self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError(_("That code is not right. Check your device's clock."))
        return token


class RegistrationForm(forms.Form):
    """A new account (a city coordinator's, to apply for their city): inactive until its
    e-mail address is confirmed. The language is the one the platform writes to it in."""

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(label=_("Language for our e-mails"), choices=settings.LANGUAGES)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self):
        """(user, created): a new inactive account, or the one the address already has
        (left as it is: a registration never changes an existing account's password)."""
        data = self.cleaned_data
        user = User.objects.filter(email=data["email"]).first()
        if user is not None:
            return user, False
        user = User.objects.create_user(
            data["email"],
            data["password1"],
            full_name=data["full_name"],
            language=data["language"],
            is_active=False,
        )
        return user, True


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's new-password form, with the short rule registration shows (the
    validators' own list, four bullet points, said the same at greater length)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing in the account holder's language
    (`gnlc.mail.outbox.language_of`), and at most `GNLC_RATE_LIMIT_MAIL_ADDRESS` messages to one
    address (`may_mail`): past it nothing is sent and the page says the same as ever, as
    it does for an address with no account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Django's form names its own templates: the message is ours, queued the one way.
        if not may_mail(to_email):
            return
        context["days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
        queue_mail(context["user"], "accounts/mail/password_reset", context)


# The people pages (the secretariat's) ---------------------------------------------------


class PeopleFilter(forms.Form):
    """The people list's search and filters."""

    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=200)
    role = forms.ChoiceField(
        label=pgettext_lazy("platform role", "Role"),
        required=False,
        choices=[("", _("Any")), *RoleKind.choices],
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=Country.objects.order_by("name"),
        empty_label=_("Any"),
        to_field_name="iso2",
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def queryset(self):
        people = User.objects.with_roles().order_by("email")
        if not self.is_valid():
            return people
        data = self.cleaned_data
        if data["q"]:
            people = people.search(data["q"])
        if data["role"]:
            people = people.holding(data["role"])
        if data["country"]:
            people = people.of_country(data["country"])
        return people


# A trailing "(Country)", as the member suggestions end, in whatever language.
_COUNTRY_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


class MemberField(forms.CharField):
    """A member chosen by typing its name. The page offers every member as the browser's
    own suggestions ("Nakuru (Kenya)", a <datalist>: no script needed, and a few hundred
    names cost little); the field takes a suggestion as it is, else the one member whose
    name contains what was typed (case and accents aside). None or several is an error
    that says which."""

    def __init__(self, **kwargs):
        super().__init__(max_length=300, **kwargs)
        self.widget.attrs.update({"list": "member-suggestions", "autocomplete": "off"})

    @staticmethod
    def suggestions() -> list[str]:
        members = Member.objects.select_related("country").order_by("name", "country__name")
        return [member_label(member) for member in members]

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        members = Member.objects.select_related("country")
        name = _COUNTRY_SUFFIX.sub("", text) or text
        found = list(members.filter(name__iexact=name)) or list(
            members.search(name).order_by("name")[:6]
        )
        chosen = [member for member in found if member_label(member) == text]
        if len(chosen) == 1:
            return chosen[0]
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _(
                    "No member city is called “%(text)s”. Type part of its name and choose "
                    "it from the suggestions."
                ),
                code="no_member",
                params={"text": text},
            )
        raise forms.ValidationError(
            _(
                "Several member cities match “%(text)s”: %(names)s. Choose one from the "
                "suggestions."
            ),
            code="several_members",
            params={"text": text, "names": ", ".join(member_label(m) for m in found[:5])},
        )


class RoleForm(forms.Form):
    """A role and what it applies to: a National Commission's country, a coordinator's
    member. A juror's country and regions are the juror profile's
    (`juror_profile_form`), asked beside it. Only the chosen role's fields count."""

    # The roles given most often first.
    kind = forms.ChoiceField(
        label=pgettext_lazy("platform role", "Role"),
        choices=[
            (kind, kind.label)
            for kind in (
                RoleKind.NATCOM,
                RoleKind.COORDINATOR,
                RoleKind.JUROR,
                RoleKind.SECRETARIAT,
            )
        ],
        widget=forms.RadioSelect,
    )
    country = forms.ModelChoiceField(
        label=_("Country of the National Commission"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("Choose a country"),
    )
    member = MemberField(
        label=_("Member city"),
        required=False,
        help_text=_("Type part of its name, then choose it from the suggestions."),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        # Marked with an asterisk on the page (the scope fields: for their role).
        for name in ("kind", "country", "member", "email", "language"):
            if name in self.fields:
                self.fields[name].show_required = True

    def kind_options(self) -> list:
        """Each role's radio button with what the role lets its holder do."""
        return [(radio, ROLE_DUTIES[radio.data["value"]]) for radio in self["kind"]]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RoleKind.NATCOM and not data.get("country"):
            self.add_error("country", _("Choose the country of the National Commission."))
        if kind == RoleKind.COORDINATOR and not data.get("member") and "member" not in self.errors:
            self.add_error("member", _("Choose the member city."))
        if kind and self.person is not None and not self.errors:
            self.refuse_a_role_held(self.person)
        return data

    def refuse_a_role_held(self, person) -> None:
        data = self.cleaned_data
        role = person.held_role(
            data["kind"], country=data.get("country"), member=data.get("member")
        )
        if role is not None:
            self.add_error("kind", role.duplicate_error())

    def scope(self) -> dict:
        data = self.cleaned_data
        return {"country": data.get("country"), "member": data.get("member")}

    @property
    def is_juror(self) -> bool:
        return self.data.get(self.add_prefix("kind")) == RoleKind.JUROR


def juror_profile_form(data=None, *, person=None):
    """The juror's profile (country, regions of expertise, expertise), prefixed "juror":
    the form jurors edit themselves, here with the country required (a juror never
    reviews their own country's cities)."""
    profile = getattr(person, "juror_profile", None) if person is not None else None
    form = JurorProfileForm(data, instance=profile, prefix="juror")
    form.fields["country"].required = True
    form.fields["country"].show_required = True
    form.fields["country"].label = _("Juror's country")
    form.fields["country"].empty_label = _("Choose a country")
    form.fields["regions"].label = _("Regions of expertise")
    form.fields["regions"].required = False
    form.fields["expertise"].widget.attrs["rows"] = 3
    # Drawn inside the role form's <form>, which says once what the mark means.
    form.required_legend = False
    return form


class InvitationForm(RoleForm):
    """Bring a person in by e-mail with a role. A new address gets an account, in the
    language chosen here, and an invitation; an existing one keeps its own name and
    language and gains the role."""

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For a new account: how the platform greets the person."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The platform writes to a new account in this language."),
    )

    field_order = ["email", "full_name", "language", "kind", "country", "member"]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        email = self.cleaned_data.get("email")
        self.person = User.objects.filter(email=email).first() if email else None
        if self.person is not None and not self.person.is_active:
            self.add_error(
                "email",
                _(
                    "This address has an account that is not active (deactivated, or its "
                    "e-mail address never confirmed). Reactivate it from its page first."
                ),
            )
        return super().clean()
