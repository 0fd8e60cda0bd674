"""The jury: each juror's profile (country, regions of expertise), the changes jurors ask
for to the facts that decide their conflicts, and conflicts of interest between jurors
and applications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.admissions.enums import (
    ApplicationState,
    ConflictDecision,
    ConflictKind,
    ProfileChangeState,
)
from gnlc.admissions.models.application import Application
from gnlc.admissions.models.review import Review
from gnlc.admissions.querysets import ConflictQuerySet, conflicted_q
from gnlc.audit.context import acting_as


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

    @property
    def pending_change(self) -> "JurorProfileChange | None":
        return self.changes.filter(state=ProfileChangeState.PENDING).first()

    @transaction.atomic
    def request_country(self, country, *, by) -> "JurorProfileChange | None":
        """The juror asks for another country. Their country decides conflicts, so it
        changes only once the secretariat approves (`JurorProfileChange.approve`); the
        request replaces one still pending, and asking for the country they have
        withdraws it. Returns the pending request, if any."""

        country_id = getattr(country, "pk", country)
        with acting_as(by):
            pending = JurorProfileChange.objects.select_for_update().filter(
                profile=self, state=ProfileChangeState.PENDING
            )
            if country_id == self.country_id:
                pending.delete()
                return None
            change = pending.first() or JurorProfileChange(profile=self)
            change.country_id, change.requested_by = country_id, by
            change.requested_at = timezone.now()
            change.save()
        if by is not None and by.has_perm("admissions.manage_jury"):
            # The secretariat setting a juror's country (an invitation, a role given on
            # the people pages) is the approval itself: kept as an approved change.
            change.approve(by=by)
            return None
        return change

    def withdraw_conflicted_assignments(self, *, by) -> int:
        """Re-check the juror's assignments against their conflicts as they stand now:
        each one in conflict is withdrawn (its review goes, as when a conflict is
        declared), so the application is hidden from them at once and needs another
        juror. Applications already decided keep their reviews, as history. Returns how
        many were withdrawn."""

        conflicted = Application.objects.filter(state=ApplicationState.NOMINATED).filter(
            conflicted_q(self.user)
        )
        withdrawn = 0
        with acting_as(by):
            for review in Review.objects.filter(juror=self.user, application__in=conflicted):
                review.delete()
                withdrawn += 1
        return withdrawn


class JurorProfileChange(models.Model):
    """A juror's request to change a fact that decides their conflicts of interest: their
    country (the only such fact a juror states about themself; declared conflicts are
    added by the juror and lifted by the secretariat alone, and regions of expertise
    only steer the assignment). It takes effect when the secretariat approves it, and
    the juror's assignments are then re-checked."""

    profile = models.ForeignKey(JurorProfile, on_delete=models.CASCADE, related_name="changes")
    country = models.ForeignKey(
        "cities.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=ProfileChangeState.choices, default=ProfileChangeState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=models.Q(state="pending"),
                name="juror_profile_change_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.profile}: {self.profile.country_id or '-'} → {self.country_id or '-'}"

    def _decide(self, state, *, by) -> None:
        if self.state != ProfileChangeState.PENDING:
            raise ValidationError(_("This change was decided already."))
        self.state, self.decided_by, self.decided_at = state, by, timezone.now()

    @transaction.atomic
    def approve(self, *, by) -> int:
        """The secretariat approves: the juror's country changes, and every assignment
        now in conflict is withdrawn (`withdraw_conflicted_assignments`). Returns how
        many were."""

        self._decide(ProfileChangeState.APPROVED, by=by)
        profile = self.profile
        with acting_as(by):
            profile.country_id = self.country_id
            profile.save(update_fields=["country"])
            self.withdrawn = profile.withdraw_conflicted_assignments(by=by)
            self.save()
        return self.withdrawn

    def reject(self, *, by) -> None:
        """The secretariat rejects: nothing changes."""

        self._decide(ProfileChangeState.REJECTED, by=by)
        with acting_as(by):
            self.save()


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

        if decision == ConflictDecision.OVERRIDDEN and not reason.strip():
            raise ValidationError(_("Say why the conflict is overridden."))
        self.decision = decision
        self.decision_reason = reason.strip()
        self.decided_by = by
        self.decided_at = timezone.now()
        with acting_as(by):
            self.save()
