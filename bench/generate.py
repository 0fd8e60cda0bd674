"""Synthetic members for benchmarks: N members spread over the 196 countries and five
regions, admitted in the 2015 to 2025 cohorts, some suspended, reinstated or withdrawn since.

Rows are written with `bulk_create`, which skips `save()`, the signals and so the audit
log (a bench needs speed, not history). What `save()` and `refresh_from_events` would
have stored is computed here by the same rules instead: `search_text` is `fold(name +
subdivision)`, `cohort` is the first admission's, `status` the last event's in effect
today. `check_consistency` verifies that against the models' own code on a sample.

Use from a script that has set Django up:  generate(100_000, seed=1)
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gnlc.cities import importer
from gnlc.cities.enums import STATUS_AFTER, EventKind
from gnlc.cities.models import Cohort, Country, DataRevision, Member, MembershipEvent
from gnlc.core.text import fold

FIRST_COHORT, LAST_COHORT = 2015, 2025
# Roughly the shares of the real network (Europe and Asia largest, Arab States smallest).
REGION_WEIGHTS = {
    "africa": 0.14,
    "arab-states": 0.10,
    "asia-and-the-pacific": 0.30,
    "europe-and-north-america": 0.31,
    "latin-america-and-the-caribbean": 0.15,
}
# Syllables for names that look like place names, accents included so that search has
# folding to do ("Lanh" must find "Lãnh").
_HEADS = [
    "San",
    "Nova",
    "Ban",
    "Kara",
    "Bel",
    "Mar",
    "Tân",
    "Cao",
    "Al",
    "Santa",
    "Port",
    "Nor",
    "Ki",
    "Los",
    "Val",
    "Dar",
    "Mon",
    "Ash",
    "Rio",
    "Saint",
]
_TAILS = [
    "lãnh",
    "ville",
    "grad",
    "abad",
    "polis",
    "ton",
    "burg",
    "dorf",
    "pur",
    "ia",
    "ola",
    "ēna",
    "hir",
    "ogo",
    "ström",
    "mont",
    "iye",
    "ao",
    "ara",
    "ford",
]
BATCH = 5_000


def _ensure_cohorts() -> list[Cohort]:
    """The real cohorts (their announcement dates; some known only to the year), plus any
    year from 2015 to 2025 without one."""
    if not Cohort.objects.exists():
        importer.load_cohorts()
    for year in range(FIRST_COHORT, LAST_COHORT + 1):
        Cohort.objects.get_or_create(year=year, defaults={"announced_on": dt.date(year, 9, 1)})
    return list(Cohort.objects.filter(year__range=(FIRST_COHORT, LAST_COHORT)))


def _events_for(rng: random.Random, cohort: Cohort, today: dt.date) -> list[tuple]:
    """A plausible history: (kind, date or None, year, effective_on), in order."""
    date = cohort.announced_on
    effective = date or dt.date(cohort.year, 12, 31)
    events = [(EventKind.ADMITTED, date, cohort.year, effective)]
    roll = rng.random()
    if roll < 0.08 and (today - effective).days > 60:
        # Suspended some time after admission; a third of those reinstated later.
        suspended = effective + dt.timedelta(days=rng.randint(30, (today - effective).days - 20))
        events.append((EventKind.SUSPENDED, suspended, suspended.year, suspended))
        if rng.random() < 0.33 and (today - suspended).days > 10:
            back = suspended + dt.timedelta(days=rng.randint(5, (today - suspended).days - 1))
            events.append((EventKind.REINSTATED, back, back.year, back))
    elif roll < 0.12 and (today - effective).days > 30:
        left = effective + dt.timedelta(days=rng.randint(20, (today - effective).days - 1))
        events.append((EventKind.WITHDRAWN, left, left.year, left))
    return events


def _status(events: list[tuple], today: dt.date):
    """What `Member.status_on(today)` answers: the last event in effect today."""
    in_effect = [e for e in events if e[3] <= today]
    return STATUS_AFTER[in_effect[-1][0]] if in_effect else None


def generate(n: int, *, seed: int = 1, start: int | None = None) -> int:
    """Add `n` synthetic members (numbered from `start`, by default after the existing
    ones, so calls add up: 1k, then 9k more, ...). Returns how many exist now."""
    rng = random.Random(seed + (start or 0))
    today = timezone.localdate()
    start = Member.objects.count() if start is None else start
    cohorts = _ensure_cohorts()
    countries = list(Country.objects.select_related("region"))
    per_region: dict[str, int] = {}
    for country in countries:
        per_region[country.region_id] = per_region.get(country.region_id, 0) + 1
    # Within a region, a few countries hold many members (as China or Korea do).
    country_weights = [
        REGION_WEIGHTS[c.region_id] / per_region[c.region_id] * rng.paretovariate(1.5)
        for c in countries
    ]
    # Later cohorts are larger, as the network's growth has been.
    cohort_weights = [1 + (c.year - FIRST_COHORT) for c in cohorts]

    with transaction.atomic():
        for offset in range(0, n, BATCH):
            size = min(BATCH, n - offset)
            members, histories = [], []
            for i in range(start + offset, start + offset + size):
                country = rng.choices(countries, country_weights)[0]
                cohort = rng.choices(cohorts, cohort_weights)[0]
                name = f"{rng.choice(_HEADS)} {rng.choice(_HEADS)}{rng.choice(_TAILS)} {i}"
                subdivision = f"Province {rng.randint(1, 30)}"
                events = _events_for(rng, cohort, today)
                members.append(
                    Member(
                        name=name,
                        slug=f"{slugify(name)}-{country.iso2.lower()}",
                        country=country,
                        subdivision=subdivision,
                        latitude=round(rng.uniform(-60, 70), 5),
                        longitude=round(rng.uniform(-180, 180), 5),
                        population=rng.randint(5_000, 5_000_000),
                        search_text=fold(f"{name} {subdivision}"),
                        status=_status(events, today),
                        cohort=cohort,
                    )
                )
                histories.append(events)
            Member.objects.bulk_create(members)
            MembershipEvent.objects.bulk_create(
                MembershipEvent(
                    member=member,
                    kind=kind,
                    date=date,
                    year=year,
                    effective_on=effective,
                    cohort=cohort if kind == EventKind.ADMITTED else None,
                )
                for member, events in zip(members, histories, strict=True)
                for kind, date, year, effective in events
                for cohort in [member.cohort]
            )
        # bulk_create sends no signals: tell cached figures the data changed.
        DataRevision.bump()
    return Member.objects.count()


def check_consistency(sample: int = 200, *, seed: int = 2) -> None:
    """Raise if a sampled member's stored status, cohort or search text differs from what
    the models compute from its events (refresh_from_events, save)."""
    ids = list(Member.objects.values_list("pk", flat=True))
    for pk in random.Random(seed).sample(ids, min(sample, len(ids))):
        member = Member.objects.get(pk=pk)
        first = member.events.filter(kind=EventKind.ADMITTED).order_by("effective_on", "id")
        expected = (
            member.status_on(),
            first.first().cohort_id,
            fold(f"{member.name} {member.subdivision}"),
        )
        actual = (member.status, member.cohort_id, member.search_text)
        if expected != actual:
            raise AssertionError(f"member {pk}: stored {actual}, events say {expected}")
