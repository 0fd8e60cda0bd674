import datetime as dt

import factory

from gnlc.cities.enums import EventKind
from gnlc.cities.models import Cohort, Country, Member


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("year",)

    year = 2022
    announced_on = factory.LazyAttribute(lambda o: dt.date(o.year, 9, 2))


class MemberFactory(factory.django.DjangoModelFactory):
    """A member admitted into `cohort` (pass cohort=None for one never admitted)."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testville {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(iso2="KE"))
    latitude = -1.28
    longitude = 36.82

    @factory.post_generation
    def cohort(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        cohort = extracted or CohortFactory()
        self.record_event(EventKind.ADMITTED, cohort=cohort)
