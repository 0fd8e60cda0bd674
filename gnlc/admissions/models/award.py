"""The Learning City Award's winners: what publishing an award call records (instead of
admitting members). Member pages and the network's statistics read them."""

from django.db import models
from django.utils.translation import gettext_lazy

from gnlc.admissions.querysets import AwardWinQuerySet


class AwardWin(models.Model):
    """A member that won the Learning City Award in an award call, in `year` (the call's
    announcement year), public from `announced_on` (the call's announcement date): as-of
    figures and member pages count a win only from that day. Made only by
    `Call.materialise`, at the announcement's instant.

    `country` repeats the member's country at the time of the win so the database itself
    holds the rule of at most one winner per country and call (the award's check is in
    `Application.transition` and `Call.apply_decisions`, with a message naming the
    country); a city wins at most once per call."""

    member = models.ForeignKey("cities.Member", on_delete=models.PROTECT, related_name="award_wins")
    call = models.ForeignKey("admissions.Call", on_delete=models.PROTECT, related_name="wins")
    country = models.ForeignKey("cities.Country", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(gettext_lazy("year"))
    announced_on = models.DateField(gettext_lazy("announced on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardWinQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "member"], name="award_win_once_per_call"),
            models.UniqueConstraint(fields=["call", "country"], name="award_win_one_per_country"),
        ]
        indexes = [models.Index(fields=["member", "year"])]

    def __str__(self):
        return f"{self.member} ({self.year})"
