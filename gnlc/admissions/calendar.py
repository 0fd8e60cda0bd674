"""The admission cycle's dates in calendars (gnlc/core/ical.py): the public feed of calls,
and in a user's private feed the deadlines that are theirs.

A call's dates are calendar days in its time zone (`Call`): a deadline holds until
midnight at the end of its day there. A deadline is written as the hour that ends at that
midnight, so it sits on its day in the call's zone and ends at the exact moment in every
subscriber's own; an opening or an announcement is the first hour of its day; the review
window runs from the start of its first day to the end of its last.

Who sees what in the private feed (roles read from the user's roles as they are stored:
a feed is fetched without a session, so no second factor is asked, and it says no more
than the public calls page does: call names and dates):
- an applicant: the submission deadline of each call they have an application in;
- a National Commission: the nomination deadline of each call with an application from
  its country submitted;
- a juror: the review window of each call where they are assigned an application.
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gnlc.accounts.enums import RoleKind
from gnlc.admissions.models import Call
from gnlc.core.ical import Event

HOUR = dt.timedelta(hours=1)


def _url(request, call) -> str:
    return request.build_absolute_uri(call.get_absolute_url())


def _day(call, field) -> str:
    return date_format(getattr(call, field), "j F Y")


def deadline(call, field: str, summary: str, request) -> Event:
    """The hour that ends when the deadline `field` passes."""
    ends = call.end_of(getattr(call, field))
    return Event(
        key=f"call-{call.pk}-{field}",
        summary=summary % {"call": call.title},
        start=ends - HOUR,
        end=ends,
        description=_("Until midnight at the end of %(day)s, %(zone)s time.")
        % {"day": _day(call, field), "zone": call.time_zone},
        url=_url(request, call),
    )


def first_hour(call, field: str, summary: str, request) -> Event:
    """The first hour of the day `field`, in the call's zone."""
    starts = call.start_of(getattr(call, field))
    return Event(
        key=f"call-{call.pk}-{field}",
        summary=summary % {"call": call.title},
        start=starts,
        end=starts + HOUR,
        description=_("%(day)s, %(zone)s time.")
        % {"day": _day(call, field), "zone": call.time_zone},
        url=_url(request, call),
    )


def review_window(call, request) -> Event:
    return Event(
        key=f"call-{call.pk}-review",
        summary=_("Jury review: %(call)s") % {"call": call.title},
        start=call.start_of(call.review_opens_on),
        end=call.end_of(call.review_closes_on),
        description=_("From %(start)s to the end of %(end)s, %(zone)s time.")
        % {
            "start": _day(call, "review_opens_on"),
            "end": _day(call, "review_closes_on"),
            "zone": call.time_zone,
        },
        url=_url(request, call),
    )


def submission_deadline(call, request) -> Event:
    return deadline(call, "closes_on", _("Submission deadline: %(call)s"), request)


def nomination_deadline(call, request) -> Event:
    return deadline(
        call, "nomination_deadline", _("National nomination deadline: %(call)s"), request
    )


def public_events(request) -> list[Event]:
    """Each call's opening, submission deadline, nomination deadline (where National
    Commissions nominate) and announcement."""
    events = []
    for call in Call.objects.in_calendar():
        events.append(first_hour(call, "opens_on", _("Call opens: %(call)s"), request))
        events.append(submission_deadline(call, request))
        if call.needs_national_nomination:
            events.append(nomination_deadline(call, request))
        events.append(
            first_hour(call, "announcement_date", _("Results announced: %(call)s"), request)
        )
    return events


def user_events(user, request) -> list[Event]:
    """`user`'s own deadlines in the admission cycle (see the module)."""
    kinds = {role.kind for role in user.role_list}
    events = [
        submission_deadline(call, request)
        for call in Call.objects.filter(applications__created_by=user).distinct()
    ]
    countries = [role.country_id for role in user.role_list if role.kind == RoleKind.NATCOM]
    if countries:
        calls = Call.objects.filter(
            needs_national_nomination=True,
            applications__country__in=countries,
            applications__submitted_at__isnull=False,
        ).distinct()
        events += [nomination_deadline(call, request) for call in calls]
    if RoleKind.JUROR in kinds:
        calls = Call.objects.filter(applications__reviews__juror=user).distinct()
        events += [review_window(call, request) for call in calls]
    return events
