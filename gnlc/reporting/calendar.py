"""Members' reporting in a city coordinator's private calendar feed (gnlc/core/ical.py):
the due date of each report of the members they coordinate.

A period's dates are calendar days of the platform (`TIME_ZONE`, as the reminders and
the lifecycle count them, `timezone.localdate`): a report is due until midnight at the end
of its day, written as the hour that ends then (like the calls' deadlines)."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gnlc.core.ical import Event
from gnlc.reporting.models import Report

HOUR = dt.timedelta(hours=1)


def due_moment(day: dt.date) -> dt.datetime:
    """The end of `day` in the platform's time zone."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def user_events(user, request) -> list[Event]:
    """The report due dates of the members `user` coordinates (read from the stored
    roles: a feed is fetched without a session)."""
    members = user.coordinated_member_ids()
    if not members:
        return []
    reports = Report.objects.filter(member__in=members).select_related("period", "member")
    events = []
    for report in reports.order_by("period__due", "member__name"):
        ends = due_moment(report.period.due)
        events.append(
            Event(
                key=f"report-{report.pk}-due",
                summary=_("Report due: %(member)s, %(period)s")
                % {"member": report.member.name, "period": report.period.name},
                start=ends - HOUR,
                end=ends,
                description=_("Until midnight at the end of %(day)s, %(zone)s time.")
                % {"day": date_format(report.period.due, "j F Y"), "zone": settings.TIME_ZONE},
                url=request.build_absolute_uri(report.get_absolute_url()),
            )
        )
    return events
