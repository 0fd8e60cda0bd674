"""A juror's review of an application: a score per criterion, a recommendation and a
comment for the secretariat. Optimistically locked by `version`."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.admissions.enums import Recommendation
from gnlc.admissions.querysets import ReviewQuerySet
from gnlc.audit.context import acting_as


class ReviewError(Exception):
    """A review that cannot be saved now (phase closed, stale version); `message` is
    for the user, and nothing was saved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Review(models.Model):
    """One juror's assignment to one application, and, once written, their review.

    `submitted_at` is empty until the juror saves it. Each save raises `version`; a save
    that starts from an older version is refused (`save_review`), so two tabs or two
    devices never overwrite each other silently."""

    application = models.ForeignKey(
        "admissions.Application", on_delete=models.CASCADE, related_name="reviews"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admission_reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    # {criterion id (as text): score 1-5}
    scores = models.JSONField(default=dict, blank=True)
    recommendation = models.CharField(
        gettext_lazy("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(gettext_lazy("comment for the secretariat"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["application", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="review_unique_pair")
        ]

    def __str__(self):
        return f"{self.juror} → {self.application}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def weighted_total(self, criteria) -> float | None:
        """The weighted mean of the scores, on the 1-5 scale; None until every
        criterion is scored."""
        total = weights = 0
        for criterion in criteria:
            score = self.scores.get(str(criterion.pk))
            if score is None:
                return None
            total += criterion.weight * score
            weights += criterion.weight
        return total / weights if weights else None

    def save_review(self, *, scores, recommendation, comment, version, by, now=None):
        """Save the juror's review, or raise ReviewError: the review phase is not open
        (in the call's time zone), or `version` is not the stored one (someone saved in
        between: their save stands, this one is refused and the form keeps its input)."""

        call = self.application.call
        if not call.review_is_open(now):
            raise ReviewError(
                _("Reviews can be written from %(start)s to %(end)s (%(zone)s) only.")
                % {
                    "start": call.review_opens_on.isoformat(),
                    "end": call.review_closes_on.isoformat(),
                    "zone": call.time_zone,
                }
            )
        with transaction.atomic():
            stored = Review.objects.select_for_update().get(pk=self.pk)
            if stored.version != version:
                raise ReviewError(
                    _(
                        "This review was saved elsewhere (another tab or device) since you "
                        "opened it. Your text is still in the form below: compare it with "
                        "the saved review, then save again."
                    )
                )
            self.scores = {str(key): int(value) for key, value in scores.items()}
            self.recommendation = recommendation
            self.comment = comment
            self.submitted_at = now or timezone.now()
            self.version = stored.version + 1
            with acting_as(by):
                self.save()
