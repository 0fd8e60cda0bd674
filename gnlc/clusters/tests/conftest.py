import datetime as dt

import pytest

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.clusters.tests.factories import make_cluster, stay


@pytest.fixture
def cities(db):
    """Nakuru coordinates the literacy cluster, Lyon the health one (both since 2023);
    Kisumu is in the health cluster; Lyon was in the literacy cluster from 1 June 2023
    to 29 February 2024."""
    cohort = CohortFactory(year=2020)
    nakuru = MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    kisumu = MemberFactory(name="Kisumu", country_id="KE", cohort=cohort)
    lyon = MemberFactory(name="Lyon", country_id="FR", cohort=cohort)
    literacy = make_cluster("literacy", coordinating=[nakuru])
    health = make_cluster("health-and-well-being", coordinating=[lyon])
    stay(literacy, lyon, joined=dt.date(2023, 6, 1), left=dt.date(2024, 3, 1))
    stay(health, kisumu, joined=dt.date(2023, 1, 1))
    return {"nakuru": nakuru, "kisumu": kisumu, "lyon": lyon, "literacy": literacy}
