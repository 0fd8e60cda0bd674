"""Domain queries of the admission cycle. Every page, export and API answer that lists
applications or reviews starts from `visible_to(user)`, so a conflicted juror never
sees an application, its reviews or its scores anywhere."""

import datetime as dt

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from gnlc.accounts.rules import is_juror, is_secretariat
from gnlc.admissions.enums import (
    AWARD_REPEAT_YEARS,
    REVIEWABLE_STATES,
    CallKind,
    ConflictDecision,
    ConflictKind,
    PeerVisibility,
)


def _roles(user):
    """The user's roles, for the scoped ones (coordinator, National Commission): the
    roles that need a second factor are asked through the rules' predicates instead
    (`is_secretariat`, `is_juror`), so a query never grants what a rule would refuse."""
    return list(user.role_list) if user.is_authenticated and user.is_active else []


def conflicted_q(user, prefix: str = "") -> Q:
    """Q on applications (under `prefix`, e.g. "application__") that `user` has a
    conflict with: a declared conflict not overridden, or the juror's own country unless
    the secretariat overrode that."""
    Conflict = apps.get_model("admissions", "Conflict")
    JurorProfile = apps.get_model("admissions", "JurorProfile")

    pk = OuterRef(f"{prefix}pk") if prefix else OuterRef("pk")
    declared = Conflict.objects.filter(application=pk, juror=user).exclude(
        decision=ConflictDecision.OVERRIDDEN
    )
    q = Q(Exists(declared))
    country = JurorProfile.objects.filter(user=user).values_list("country_id", flat=True).first()
    if country:
        overridden = Conflict.objects.filter(
            application=pk,
            juror=user,
            kind=ConflictKind.SAME_COUNTRY,
            decision=ConflictDecision.OVERRIDDEN,
        )
        q |= Q(**{f"{prefix}country_id": country}) & ~Q(Exists(overridden))
    return q


class CallQuerySet(models.QuerySet):
    def drafts(self):
        """Calls being prepared: only the secretariat sees them."""
        return self.filter(opened_at__isnull=True, archived_at__isnull=True)

    def public(self):
        """Calls anyone may read at their address: opened (archived ones included)."""
        return self.filter(opened_at__isnull=False)

    def listed(self):
        """The public calls lists show: opened and not archived."""
        return self.public().filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def visible_to(self, user):
        """The calls `user` may read: the secretariat every one (drafts too), anyone else
        the public ones."""
        if is_secretariat(user):
            return self
        return self.public()

    def open_now(self):
        """Listed calls taking applications today somewhere (the exact moment is checked
        per call, in its time zone, by Call.is_open)."""
        today = timezone.now().date()
        # A day either side: the earliest and latest time zones are a day apart from UTC.
        return self.listed().filter(
            opens_on__lte=today + dt.timedelta(days=1),
            closes_on__gte=today - dt.timedelta(days=1),
        )

    def awaiting_announcement(self):
        """Membership calls with admitted applications whose decisions are not public
        yet: cohorts whose announcement can be prepared before the announcement."""
        return (
            self.filter(
                kind=CallKind.MEMBERSHIP,
                published_at__isnull=True,
                applications__state="admitted",
            )
            .distinct()
            .order_by("announcement_date", "pk")
        )

    def publication_due(self, now: dt.datetime | None = None) -> list:
        """Calls whose publication was requested and whose announcement's instant has
        come by `now`, not published yet: what `gnlc publish-announcements` publishes.
        The instant depends on each call's time zone, so it is checked per call (few
        calls wait at any time)."""
        now = now or timezone.now()
        waiting = self.filter(publication_requested_at__isnull=False, published_at__isnull=True)
        return [call for call in waiting.order_by("pk") if call.announcement_instant() <= now]

    def open_or_upcoming(self, now: dt.datetime | None = None) -> list:
        """Listed calls (opened, not archived: no draft) taking applications now or
        still to open: those whose submission deadline has not passed in their own time
        zone (`Call.before`, which counts an early close), the nearest deadline first.
        The public calls page lists them."""
        now = now or timezone.now()
        # A day of margin: the exact moment is each call's, checked below.
        candidates = self.listed().filter(closes_on__gte=now.date() - dt.timedelta(days=1))
        return [
            call
            for call in candidates.select_related("theme").order_by("closes_on", "opens_on", "id")
            if call.before("closes_on", now)
        ]

    def in_calendar(self, today: dt.date | None = None):
        """The calls of the public calendar feed: every listed call (opened, not
        archived: no draft) announced less than a year ago or still to be announced, so
        a subscriber's calendar keeps the last cycle."""
        today = today or timezone.now().date()
        return (
            self.listed()
            .filter(announcement_date__gte=today - dt.timedelta(days=365))
            .order_by("opens_on", "id")
        )


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The applications `user` may see: the secretariat all; an applicant their own
        (and a member's coordinators its award applications); a National Commission
        those of its countries once submitted; a juror those assigned to them that they
        have no conflict with. Anyone else: none."""
        Review = apps.get_model("admissions", "Review")

        roles = _roles(user)
        if not roles and not (user.is_authenticated and user.is_active):
            return self.none()
        if is_secretariat(user):
            return self
        q = Q(created_by=user)
        members = user.coordinated_member_ids()
        if members:
            # A member's coordinators share its award applications (rules.is_applicant_of).
            q |= Q(call__kind=CallKind.AWARD, member__in=members)
        natcom = user.natcom_country_ids()
        if natcom:
            q |= Q(country__in=natcom, submitted_at__isnull=False)
        if is_juror(user):
            assigned = Review.objects.filter(application=OuterRef("pk"), juror=user)
            q |= Q(Exists(assigned), state__in=REVIEWABLE_STATES) & ~conflicted_q(user)
        return self.filter(q)

    def awaiting_decision(self):
        return self.filter(state__in=["nominated", "waitlisted"])

    def with_review_counts(self):
        return self.annotate(
            review_count=models.Count("reviews", distinct=True),
            submitted_review_count=models.Count(
                "reviews", filter=Q(reviews__submitted_at__isnull=False), distinct=True
            ),
        )

    def for_listing(self):
        return self.select_related("call", "country", "country__region")


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews `user` may read: the secretariat all; a juror their own, and the
        other jurors' submitted reviews of applications they see when the call lets them
        (always, or once their own is submitted). Applicants and National Commissions
        never read reviews."""
        Application = apps.get_model("admissions", "Application")
        Review = apps.get_model("admissions", "Review")

        if is_secretariat(user):
            return self
        if not is_juror(user):
            return self.none()
        visible = Application.objects.visible_to(user).values("pk")
        mine_submitted = Review.objects.filter(
            application=OuterRef("application"), juror=user, submitted_at__isnull=False
        )
        peers = Q(submitted_at__isnull=False) & (
            Q(application__call__peer_visibility=PeerVisibility.ALWAYS)
            | (
                Q(application__call__peer_visibility=PeerVisibility.AFTER_OWN)
                & Q(Exists(mine_submitted))
            )
        )
        return self.filter(application__in=visible).filter(Q(juror=user) | peers)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class ConflictQuerySet(models.QuerySet):
    def keeping_away(self):
        return self.exclude(decision=ConflictDecision.OVERRIDDEN)


class AwardWinQuerySet(models.QuerySet):
    def recent_for(self, member, opening_year: int):
        """`member`'s wins that keep it out of an award call opening in `opening_year`:
        those of the last `AWARD_REPEAT_YEARS` years (a city that won in year W may
        compete again in calls opening in W + 6 or later)."""

        return self.filter(member=member, year__gt=opening_year - AWARD_REPEAT_YEARS)

    def announced_by(self, day: dt.date | None = None):
        """Wins announced by `day` (today): what pages and as-of figures may count."""
        return self.filter(announced_on__lte=day or timezone.localdate())

    def for_listing(self):
        return self.select_related("member", "country", "country__region", "call")
