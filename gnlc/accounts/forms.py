from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gnlc.accounts import mail, security
from gnlc.accounts.models import User
from gnlc.core.ratelimit import may_mail

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
    (`mail.language_of`), and at most `GNLC_RATE_LIMIT_MAIL_ADDRESS` messages to one
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
        if not may_mail(to_email):
            return
        context["days"] = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
        with translation.override(mail.language_of(context["user"])):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
