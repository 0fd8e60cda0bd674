"""Domain queries of members' reporting. Every page, export and figure that lists
reports starts from `Report.objects.visible_to(user)`, so a coordinator never sees
another member's report anywhere."""

import datetime as dt

from django.db import models
from django.db.models import Count, Q

from gnlc.accounts.rules import is_secretariat
from gnlc.reporting.enums import EDITABLE_STATES, FrameworkStatus


class FrameworkVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions a reporting period may use."""

        return self.filter(status=FrameworkStatus.PUBLISHED)


class PeriodQuerySet(models.QuerySet):
    def opened_by(self, day: dt.date):
        """Periods that had opened on `day`: their reports exist (or are due to)."""
        return self.filter(opens__lte=day)

    def current(self, day: dt.date):
        """The latest period opened by `day`, or None."""
        return self.opened_by(day).order_by("-opens", "-id").first()

    def annotate_counts(self):
        """Annotate `report_count` and `filed_count` (reports submitted at least once)."""
        return self.annotate(
            report_count=Count("reports"),
            filed_count=Count("reports", filter=Q(reports__submitted_at__isnull=False)),
        )


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The reports `user` may read: all for the secretariat; their member's for a
        city coordinator; their country's (read-only) for a National Commission; none
        for anyone else. Roles are asked through `User.has_role`, so a role that needs a
        second factor counts only in a verified session."""

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_secretariat(user):
            return self
        members, countries = user.coordinated_member_ids(), user.natcom_country_ids()
        if not members and not countries:
            return self.none()
        return self.filter(Q(member_id__in=members) | Q(member__country_id__in=countries))

    def for_listing(self):
        """What list pages show of each report, in a fixed number of queries."""
        return self.select_related("period", "member", "member__country", "member__country__region")

    def unfiled(self):
        """Reports never submitted (a report submitted once counts as filed, even if the
        secretariat returned it for changes since)."""
        return self.filter(submitted_at__isnull=True)

    def open_for_editing(self):
        return self.filter(state__in=EDITABLE_STATES)
