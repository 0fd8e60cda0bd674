"""The jury: each juror's profile (country, regions of expertise) and conflicts of
interest between jurors and applications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.admissions.enums import ConflictDecision, ConflictKind
from gnlc.admissions.querysets import ConflictQuerySet


class JurorProfile(models.Model):
    """What the assignment needs to know of a juror (a user with the juror role): their
    country (a juror never reviews a city of their own country, unless the secretariat
    overrides that) and the regions they know best (preferred when assigning)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="juror_profile"
    )
    country = models.ForeignKey(
        "cities.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    regions = models.ManyToManyField("cities.Region", blank=True, related_name="+")
    expertise = models.TextField(gettext_lazy("expertise"), blank=True)

    def __str__(self):
        return str(self.user)


class Conflict(models.Model):
    """A conflict of interest of `juror` with `application`.

    Declared ones (institutional, personal, other) keep the juror away from the
    application unless the secretariat overrides them. Same-country conflicts are not
    stored: they follow from the juror's country. A row of kind same_country exists only
    to record the secretariat overriding one (with its reason)."""

    application = models.ForeignKey(
        "admissions.Application", on_delete=models.CASCADE, related_name="conflicts"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admission_conflicts"
    )
    kind = models.CharField(max_length=20, choices=ConflictKind.choices)
    note = models.TextField(gettext_lazy("note"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=20, choices=ConflictDecision.choices, default=ConflictDecision.PENDING
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="conflict_unique_pair")
        ]

    def __str__(self):
        return f"{self.juror} × {self.application}: {self.get_kind_display()}"

    @property
    def keeps_juror_away(self) -> bool:
        return self.decision != ConflictDecision.OVERRIDDEN

    @classmethod
    @transaction.atomic
    def declare(cls, *, application, juror, kind, note="", by) -> "Conflict":
        """Declare a conflict (a juror about themself, or the secretariat). The juror's
        assignment to the application goes: the application needs another juror."""
        from gnlc.admissions.models.review import Review
        from gnlc.audit.context import acting_as

        with acting_as(by):
            conflict, _created = cls.objects.update_or_create(
                application=application,
                juror=juror,
                defaults={
                    "kind": kind,
                    "note": note,
                    "declared_by": by,
                    "decision": ConflictDecision.PENDING,
                },
            )
            for review in Review.objects.filter(application=application, juror=juror):
                review.delete()
        return conflict

    @classmethod
    def override_same_country(cls, *, application, juror, by, reason) -> "Conflict":
        """Let a juror review a city of their own country, for a stated reason."""
        conflict, _created = cls.objects.get_or_create(
            application=application,
            juror=juror,
            defaults={"kind": ConflictKind.SAME_COUNTRY, "declared_by": by},
        )
        conflict.decide(ConflictDecision.OVERRIDDEN, by=by, reason=reason)
        return conflict

    def decide(self, decision, *, by, reason: str = "") -> None:
        """The secretariat confirms or overrides the conflict; overriding needs a reason."""
        from gnlc.audit.context import acting_as

        if decision == ConflictDecision.OVERRIDDEN and not reason.strip():
            raise ValidationError(_("Say why the conflict is overridden."))
        self.decision = decision
        self.decision_reason = reason.strip()
        self.decided_by = by
        self.decided_at = timezone.now()
        with acting_as(by):
            self.save()
