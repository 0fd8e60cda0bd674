import datetime as dt

import factory

from gnlc.reporting.enums import FrameworkStatus
from gnlc.reporting.models import (
    Area,
    Feature,
    FrameworkVersion,
    Group,
    Report,
    ReportingPeriod,
)


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    """A small published framework: one group, areas "1" and "2", and in area "1" a
    feature "1.1" with a measure (adults in learning, %)."""

    class Meta:
        model = FrameworkVersion
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: 100 + n)
    status = FrameworkStatus.PUBLISHED

    @factory.post_generation
    def tree(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        group = Group.objects.create(
            version=self, code="benefits", order=1, name_en="Wider benefits", name_fr="Bénéfices"
        )
        first = Area.objects.create(
            version=self, group=group, code="1", order=1, name_en="Empowerment", name_fr="Autonomie"
        )
        Area.objects.create(version=self, group=group, code="2", order=2, name_en="Prosperity")
        Feature.objects.create(
            version=self,
            area=first,
            code="1.1",
            order=1,
            name_en="Adults learn",
            measure_name_en="Adults in learning",
            measure_name_fr="Adultes en formation",
            measure_unit="%",
        )


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    name = factory.Sequence(lambda n: f"Period {2024 + 2 * n}")
    framework = factory.SubFactory(FrameworkVersionFactory)
    opens = dt.date(2024, 1, 1)
    due = dt.date(2024, 6, 30)
    grace_end = dt.date(2024, 8, 29)
    word_limit = 50


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    period = factory.SubFactory(PeriodFactory)
    member = factory.SubFactory("gnlc.cities.tests.factories.MemberFactory")


COMPLETE = {
    "narratives": {"1": "We opened twelve learning centres.", "2": "Local firms train staff."},
    "ratings": {"1": 4, "2": 3},
    "measures": {"1.1": "42.5"},
}


def complete(report: Report) -> Report:
    """Fill `report` with a complete set of answers for the factory framework."""
    for name, value in COMPLETE.items():
        setattr(report, name, dict(value))
    report.save()
    return report
