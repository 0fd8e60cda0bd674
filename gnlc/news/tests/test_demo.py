import datetime as dt
import io

import pytest

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.news import demo
from gnlc.news.models import Announcement, Post, PressContact

pytestmark = pytest.mark.django_db


def test_demo_drafts_every_cohort_publishes_2025_and_is_idempotent():
    MemberFactory(name="Lusaka", country_id="ZM", cohort=CohortFactory(year=2024))
    MemberFactory(
        name="Bissau",
        country_id="GW",
        cohort=CohortFactory(year=2025, announced_on=dt.date(2025, 12, 4)),
    )
    out = io.StringIO()

    demo.create(out, "pw")
    demo.create(out, "pw")

    assert sorted(Announcement.objects.values_list("cohort", "status")) == [
        (2024, "draft"),
        (2025, "published"),
    ]
    assert Post.objects.get().body.rstrip().endswith("not an official text.*")
    assert PressContact.objects.count() == 1
    assert out.getvalue().endswith("News demo: already there.")
