import datetime as dt

import factory
from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import CHALLENGES, ApplicationState
from gnlc.admissions.models import Application, Call, Conflict, Criterion, JurorProfile, Review
from gnlc.cities.models import Country

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def today():
    return timezone.now().date()


class CallFactory(factory.django.DjangoModelFactory):
    """A public call whose every phase is open today (all its dates are today), so one
    test can walk the whole cycle; tests about deadlines move the clock or the dates.
    `opened_at=None` makes a draft. Its announcement is at midnight (UTC) of its date, so
    a call announced today is due: publishing it is immediate whatever the hour the test
    runs at; tests of the embargo set a later date or time and move the clock."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Call for membership {n}")
    time_zone = "UTC"
    opens_on = factory.LazyFunction(today)
    closes_on = factory.LazyAttribute(lambda o: o.opens_on)
    nomination_deadline = factory.LazyAttribute(lambda o: o.closes_on)
    review_opens_on = factory.LazyAttribute(lambda o: o.nomination_deadline)
    review_closes_on = factory.LazyAttribute(lambda o: o.review_opens_on)
    announcement_date = factory.LazyAttribute(lambda o: o.review_closes_on)
    announcement_time = dt.time(0, 0)
    reviews_required = 2
    opened_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create:
            return
        for order, (name, weight) in enumerate(
            extracted if extracted is not None else [("Commitment", 2), ("Plan", 1)]
        ):
            Criterion.objects.create(
                call=self, name_en=name, name_fr=f"{name} (fr)", weight=weight, order=order
            )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete application. `state` is set directly (factories arrange; the tests of
    the transition exercise the real path)."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    created_by = factory.SubFactory(UserFactory)
    city_name = factory.Sequence(lambda n: f"Applicant City {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(iso2="KE"))
    website = "https://example.org"
    mayor_name = "A. Mayor"
    mayor_title = "Mayor"
    contact_name = "C. Person"
    contact_email = factory.Sequence(lambda n: f"contact{n}@city.example.org")
    language = "en"
    population = 250000
    area_km2 = 120
    data_year = 2024
    motivation = "We learn together. " * 10
    implementation_plan = "Step by step. " * 10
    good_practices = "Libraries open late."
    interests = "Adult literacy."
    challenges = factory.LazyFunction(lambda: dict.fromkeys(CHALLENGES, 3))
    commitment_letter = "admissions/letters/test.pdf"
    state = ApplicationState.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.state == ApplicationState.DRAFT else timezone.now()
    )


def make_juror(email=None, country=None, regions=()):
    user = UserFactory(**({"email": email} if email else {}))
    RoleFactory(user=user, kind=RoleKind.JUROR)
    profile = JurorProfile.objects.create(user=user, country_id=country)
    profile.regions.set(regions)
    return user


def make_natcom(country="KE", email=None):
    user = UserFactory(**({"email": email} if email else {}))
    RoleFactory(user=user, kind=RoleKind.NATCOM, country_id=country)
    return user


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    application = factory.SubFactory(ApplicationFactory, state=ApplicationState.NOMINATED)
    juror = factory.LazyFunction(make_juror)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    kind = "personal"


def submitted_at(days_ago=0):
    return timezone.now() - dt.timedelta(days=days_ago)


class AwardCallFactory(CallFactory):
    """A Learning City Award call, every phase open today (its quota defaults to 2)."""

    kind = "award"
    title = factory.Sequence(lambda n: f"Learning City Award {n}")


def award_application(member, call, **fields):
    """An award application made for `member` (its facts copied as the form does)."""
    return ApplicationFactory(
        call=call,
        member=member,
        city_name=member.name,
        country=member.country,
        commitment_letter="",
        challenges={},
        **fields,
    )


def reviewed(application, n=None, score=4):
    """Give `application` `n` submitted reviews (the call's required number by default),
    each by a new juror, scoring every criterion `score`: an application the jury has
    reviewed, as admitting it needs."""
    criteria = list(application.call.criteria.all())
    for _ in range(application.call.reviews_required if n is None else n):
        Review.objects.create(
            application=application,
            juror=make_juror(),
            scores={str(c.pk): score for c in criteria},
            recommendation="admit",
            submitted_at=timezone.now(),
            version=1,
        )
    return application
