"""People and the roles they hold. Log-in is by e-mail address.

The secretariat brings people in and gives or removes roles from its pages ("People",
docs/roles.md): `User.give_role`, `User.remove_role`, `User.deactivate`, and
`Invitation.send` for an address that has no account yet. Role, Invitation and User are
in the audit log (gnlc/audit), so each change names who made it."""

import datetime as dt
import secrets

from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gnlc.accounts import mail, security
from gnlc.accounts.enums import PersonStatus, RoleKind
from gnlc.accounts.tokens import INVITATION_MAX_AGE, invitation_url
from gnlc.mail.outbox import language_of, site_url

# Roles that apply to the whole network: the others have a scope (a country, a member).
GLOBAL_ROLES = {RoleKind.SECRETARIAT, RoleKind.JUROR}


def _pk(obj_or_pk):
    return getattr(obj_or_pk, "pk", obj_or_pk)


class UserQuerySet(models.QuerySet):
    def with_roles(self):
        """Each user with their roles and what those apply to, and their invitation, in a
        fixed number of queries whatever the count (the people list)."""
        return self.select_related("invitation").prefetch_related(
            models.Prefetch("roles", queryset=Role.objects.with_scope())
        )

    def search(self, text: str):
        """Users whose e-mail address or name contains `text` (any case)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(models.Q(email__icontains=text) | models.Q(full_name__icontains=text))

    def holding(self, kind: str):
        """Users who hold a role of `kind`."""
        return self.filter(pk__in=Role.objects.filter(kind=kind).values("user"))

    def of_country(self, country):
        """Users whose roles or juror profile tie them to `country`: its National
        Commission, coordinators of its members, jurors from it."""
        return self.filter(
            models.Q(pk__in=Role.objects.filter(country=country).values("user"))
            | models.Q(pk__in=Role.objects.filter(member__country=country).values("user"))
            | models.Q(juror_profile__country=country)
        )

    def coordinating(self, member):
        """The active city coordinators of `member` (an instance or its pk), by address."""
        return (
            self.filter(is_active=True, roles__kind=RoleKind.COORDINATOR, roles__member=member)
            .distinct()
            .order_by("email")
        )

    def natcom_of(self, country):
        """The active accounts of `country`'s (an instance or its iso2) National
        Commission, by address."""
        return (
            self.filter(is_active=True, roles__kind=RoleKind.NATCOM, roles__country=country)
            .distinct()
            .order_by("email")
        )

    def secretariat_who_can_log_in(self):
        """Active accounts with the secretariat role and a password set: those who can
        run the network now (an invitation not yet accepted does not count)."""
        return (
            self.filter(is_active=True)
            .holding(RoleKind.SECRETARIAT)
            .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person with an account. The e-mail address is the log-in name."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    @cached_property
    def role_list(self) -> list["Role"]:
        """This user's roles, read once per user object (so once per request): every
        permission check in a page reads them. `Role.save` and `delete` forget them."""
        return list(self.roles.all())

    @property
    def two_factor_satisfied(self) -> bool:
        """True where no second factor is needed, or the session was verified with one."""

        return not security.needs_two_factor(self) or security.is_two_factor_verified(self)

    @property
    def status(self) -> PersonStatus:
        """Where the account stands, for the people pages."""
        if not self.is_active:
            if self.last_login is None and self.has_usable_password():
                return PersonStatus.UNCONFIRMED
            return PersonStatus.DEACTIVATED
        if not self.has_usable_password():
            return PersonStatus.INVITED
        return PersonStatus.ACTIVE

    def held_role(self, kind: str, *, country=None, member=None) -> "Role | None":
        """The role of `kind` (for that country or member) this account holds, read from
        the database whatever the session: for the secretariat's pages, not for
        permissions (which ask `has_role`)."""
        return self.roles.filter(kind=kind, **Role.scope_of(kind, country, member)).first()

    def give_role(self, kind: str, *, country=None, member=None) -> "Role":
        """Give this person a role (audited). Refuses one they hold already, with a
        ValidationError that names it (code "duplicate")."""
        role = Role(user=self, kind=kind, **Role.scope_of(kind, country, member))
        role.clean()
        if self.held_role(kind, country=country, member=member) is not None:
            raise role.duplicate_error()
        try:
            with transaction.atomic():
                role.save()
        except IntegrityError:  # given at the same moment from another page
            raise role.duplicate_error() from None
        return role

    @transaction.atomic
    def remove_role(self, role: "Role") -> None:
        """Take a role away (audited). Refuses to remove the secretariat role of the last
        account that can run the network (`keep_a_secretariat`)."""
        if role.kind == RoleKind.SECRETARIAT:
            self.keep_a_secretariat()
        role.delete()

    @transaction.atomic
    def deactivate(self, *, by) -> None:
        """Close the account (audited): it can no longer log in, and its roles count for
        nothing while it stays closed; they are kept, so reactivating restores them.
        Nobody closes their own account here, nor the last one that can run the
        network."""
        if by is not None and by.pk == self.pk:
            raise ValidationError(_("You cannot deactivate your own account."), code="own_account")
        if self.roles.filter(kind=RoleKind.SECRETARIAT).exists():
            self.keep_a_secretariat()
        self.is_active = False
        self.save(update_fields=["is_active"])

    def reactivate(self) -> None:
        """Open a closed account again (audited), with the roles it had."""
        self.is_active = True
        self.save(update_fields=["is_active"])

    def keep_a_secretariat(self) -> None:
        """Refuse (ValidationError, code "last_secretariat") a change that would leave
        the network with no secretariat account that can log in, other than this one:
        nobody could then give roles or run a call. The secretariat roles are locked
        for the transaction, so two such changes at once cannot both pass."""
        list(Role.objects.select_for_update().filter(kind=RoleKind.SECRETARIAT).values("pk"))
        if not User.objects.secretariat_who_can_log_in().exclude(pk=self.pk).exists():
            raise ValidationError(
                _(
                    "This is the last secretariat account that can log in: give the "
                    "secretariat role to someone else first (and wait until they have set "
                    "their password), so the network is never left without one."
                ),
                code="last_secretariat",
            )

    def coordinated_member_ids(self) -> set[int]:
        """The members this user is a city coordinator of, where the role counts now
        (`has_role`: an active account). The one answer to "which members are mine" for
        permissions, querysets, forms and the calendar feed."""
        return {
            role.member_id
            for role in self.role_list
            if role.kind == RoleKind.COORDINATOR
            and self.has_role(RoleKind.COORDINATOR, member=role.member_id)
        }

    def coordinated_members(self):
        """The members this user coordinates (`coordinated_member_ids`), by name, with
        their country: the pages that offer a choice of them."""
        # The model by name: cities imports accounts, so accounts never imports cities.
        return (
            apps.get_model("cities", "Member")
            .objects.filter(pk__in=self.coordinated_member_ids())
            .select_related("country")
            .order_by("name")
        )

    def natcom_country_ids(self) -> set[str]:
        """The countries (iso2) whose National Commission this user is, where the role
        counts now (`has_role`)."""
        return {
            role.country_id
            for role in self.role_list
            if role.kind == RoleKind.NATCOM
            and self.has_role(RoleKind.NATCOM, country=role.country_id)
        }

    def has_role(self, kind: RoleKind, **scope) -> bool:
        """Whether this user holds role `kind` (for the given country or member, if any).
        Reads the prefetched roles when present, so templates cost no query per check."""
        if not self.is_authenticated or not self.is_active:
            return False

        # Roles that see confidential data count only in a session verified with a
        # second factor (see gnlc/accounts/security.py).
        if kind in security.TWO_FACTOR_ROLES and not self.two_factor_satisfied:
            return False
        for role in self.role_list:
            if role.kind != kind:
                continue
            if "country" in scope and role.country_id != _pk(scope["country"]):
                continue
            if "member" in scope and role.member_id != _pk(scope["member"]):
                continue
            return True
        return False


class RoleQuerySet(models.QuerySet):
    def with_scope(self):
        """Roles with the country or member they apply to (and its country)."""
        return self.select_related("country", "member", "member__country")


class Role(models.Model):
    """A role held by a user: secretariat; National Commission of one country; juror;
    city coordinator of one member."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    country = models.ForeignKey(
        "cities.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "cities.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(kind__in=["secretariat", "juror"]),
                name="role_unique_global",
            ),
            models.UniqueConstraint(
                fields=["user", "country"],
                condition=models.Q(kind="natcom"),
                name="role_unique_natcom",
            ),
            models.UniqueConstraint(
                fields=["user", "member"],
                condition=models.Q(kind="coordinator"),
                name="role_unique_coordinator",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="natcom") | models.Q(country__isnull=False),
                name="role_natcom_has_country",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="coordinator") | models.Q(member__isnull=False),
                name="role_coordinator_has_member",
            ),
        ]

    def __str__(self):
        scope = self.country or self.member or ""
        return f"{self.user}: {self.get_kind_display()} {scope}".strip()

    @staticmethod
    def scope_of(kind: str, country=None, member=None) -> dict:
        """The scope a role of `kind` keeps of those given: a National Commission's
        country, a coordinator's member, nothing for the network-wide roles."""
        if kind == RoleKind.NATCOM:
            return {"country": country}
        if kind == RoleKind.COORDINATOR:
            return {"member": member}
        return {}

    @property
    def scope(self):
        """The country or member the role applies to (None for network-wide roles)."""
        return self.country or self.member

    @property
    def label(self) -> str:
        """ "National Commission: Kenya", "City coordinator: Nakuru (Kenya)", "Juror", in
        the active language."""
        if self.country_id:
            return _("%(role)s: %(scope)s") % {
                "role": self.get_kind_display(),
                "scope": self.country.label,
            }
        if self.member_id:
            return _("%(role)s: %(scope)s") % {
                "role": self.get_kind_display(),
                "scope": member_label(self.member),
            }
        return str(self.get_kind_display())

    @classmethod
    def make_applicant_coordinator(cls, application, member) -> "Role | None":
        """Called by `Call.materialise` for each city it admits: the person who applied
        (`application.created_by`) becomes the city coordinator of the new member
        (audited, in the publisher's name), and is told by mail, in their language, once
        the publication commits. Nothing changes and nothing is sent where they
        coordinate that member already (a reused member)."""
        applicant = application.created_by
        if applicant.held_role(RoleKind.COORDINATOR, member=member) is not None:
            return None
        role = applicant.give_role(RoleKind.COORDINATOR, member=member)
        if applicant.is_active:
            transaction.on_commit(lambda: mail.send_role_given(applicant, role, admission=True))
        return role

    def duplicate_error(self) -> ValidationError:
        return ValidationError(
            _("%(person)s already holds this role: %(role)s."),
            code="duplicate",
            params={"person": self.user.email, "role": self.label},
        )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.user.__dict__.pop("role_list", None)

    def delete(self, *args, **kwargs):
        self.user.__dict__.pop("role_list", None)
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.kind not in RoleKind.values:
            raise ValidationError({"kind": _("Choose a role.")})
        if self.kind == RoleKind.NATCOM and not self.country_id:
            raise ValidationError({"country": _("A National Commission role needs a country.")})
        if self.kind == RoleKind.COORDINATOR and not self.member_id:
            raise ValidationError({"member": _("A coordinator role needs a member.")})


def member_label(member) -> str:
    """ "Nakuru (Kenya)": how the people pages name a member, its country in the active
    language (the member picker's suggestions and the roles use the same)."""
    return f"{member.name} ({member.country.label})"


class Invitation(models.Model):
    """How the secretariat brought in a person who had no account: the account was made
    for them without a password, and mailed a one-time link to set one
    (`tokens.invitation_tokens`), valid INVITATION_MAX_AGE after `sent_at`. Sending it
    again voids the links sent before. `accepted_at`: when they set their password."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="invitation")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"invitation of {self.user}"

    @property
    def expires_at(self) -> dt.datetime:
        """When the link last sent stops working."""
        return self.sent_at + dt.timedelta(seconds=INVITATION_MAX_AGE)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.is_pending and (now or timezone.now()) > self.expires_at

    @classmethod
    @transaction.atomic
    def send(cls, user: User, *, by, base_url: str = "") -> "Invitation":
        """Mail `user` (an account without a password) the link to set one, in their
        language, once the transaction commits. A new unusable password voids any link
        sent before, so only the latest works."""
        if user.has_usable_password():
            raise ValueError("An account with a password is told of a new role, not invited.")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        invitation, created = cls.objects.get_or_create(
            user=user, defaults={"invited_by": by, "sent_at": timezone.now()}
        )
        if not created:
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["sent_at"])
        link = invitation_url(user, site_url(base_url), language_of(user))
        transaction.on_commit(lambda: mail.send_invitation(user, invitation, link, base_url))
        return invitation

    @classmethod
    @transaction.atomic
    def invite(
        cls, email: str, *, kind: str, by, base_url="", full_name="", language="en", **scope
    ) -> tuple[User, "Role", bool]:
        """Give the person at `email` a role, audited: (user, role, invited).

        A new address gets an account without a password (in `language`, named
        `full_name`) and an invitation (`send`). An account still waiting for its
        password gains the role and a fresh invitation naming all its roles. An account
        in use gains the role and is told by mail (`mail.send_role_given`). Refuses a role
        held already, and an inactive account (ValidationError)."""
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=full_name, language=language)
            user.set_unusable_password()
            user.save()
        elif not user.is_active:
            raise ValidationError(_("This account is not active."), code="inactive")
        role = user.give_role(kind, **scope)
        if not user.has_usable_password():
            cls.send(user, by=by, base_url=base_url)
            return user, role, True
        transaction.on_commit(lambda: mail.send_role_given(user, role, base_url))
        return user, role, False

    def accept(self) -> None:
        """The person set their password through the link."""
        if self.accepted_at is None:
            self.accepted_at = timezone.now()
            self.save(update_fields=["accepted_at"])


def _calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret link to a user's private calendar feed (iCalendar) of their own
    deadlines. Calendar apps fetch it without logging in, so the token is the only key:
    the feed says which calls and reporting periods concern the user and their dates,
    never the content of an application, a nomination or a review. Resetting gives a new
    token, and the old link answers 404 at once."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"calendar of {self.user}"

    @classmethod
    def of(cls, user) -> "CalendarFeed":
        """`user`'s feed, made on first use."""
        feed, _created = cls.objects.get_or_create(user=user)
        return feed

    def reset(self) -> None:
        """A new secret: the old link stops working."""
        self.token = _calendar_token()
        self.save(update_fields=["token", "created_at"])
