"""People and the roles they hold. Log-in is by e-mail address."""

import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gnlc.accounts.enums import RoleKind


def _pk(obj_or_pk):
    return getattr(obj_or_pk, "pk", obj_or_pk)


class UserManager(BaseUserManager):
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
        from gnlc.accounts import security

        return not security.needs_two_factor(self) or security.is_two_factor_verified(self)

    def has_role(self, kind: RoleKind, **scope) -> bool:
        """Whether this user holds role `kind` (for the given country or member, if any).
        Reads the prefetched roles when present, so templates cost no query per check."""
        if not self.is_authenticated or not self.is_active:
            return False
        from gnlc.accounts import security

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.user.__dict__.pop("role_list", None)

    def delete(self, *args, **kwargs):
        self.user.__dict__.pop("role_list", None)
        return super().delete(*args, **kwargs)

    def clean(self):
        if self.kind == RoleKind.NATCOM and not self.country_id:
            raise ValidationError({"country": _("A National Commission role needs a country.")})
        if self.kind == RoleKind.COORDINATOR and not self.member_id:
            raise ValidationError({"member": _("A coordinator role needs a member.")})


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
