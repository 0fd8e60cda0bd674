"""Assigning jurors to applications.

`plan(...)` is the algorithm, on plain data, so the benchmark (bench/assignment.py) can
run it on 10,000 applications x 500 jurors without a database; `assign_reviews(call)`
feeds it from the database and writes the reviews.

Greedy with lazy heaps: applications are served one after another; each takes the
least-loaded jurors it has no conflict with. Jurors expert in the application's region
come first as long as their load is within `SLACK` of the least-loaded juror overall,
so expertise is preferred without unbalancing the loads. Conflicts are a precomputed set
(declared, not overridden) plus a country comparison (same country, unless overridden).
Each assignment is O(log J) heap work: about a second for 30,000 assignments."""

import heapq
from dataclasses import dataclass, field

from django.db import transaction

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import User
from gnlc.admissions.enums import ConflictDecision, ConflictKind
from gnlc.admissions.models import Application, Conflict, Review
from gnlc.admissions.querysets import conflicted_q
from gnlc.audit.signals import log_created

SLACK = 1


@dataclass(frozen=True)
class AppRow:
    id: int
    country: str
    region: str


@dataclass(frozen=True)
class JurorRow:
    id: int
    country: str | None
    regions: frozenset = field(default_factory=frozenset)


@dataclass
class Plan:
    pairs: list[tuple[int, int]]  # (application id, juror id)
    short: dict[int, int]  # application id -> reviews still missing
    loads: dict[int, int]  # juror id -> load after the plan


def plan(
    apps: list[AppRow],
    jurors: list[JurorRow],
    *,
    required: int,
    existing: dict[int, set[int]] | None = None,
    declared: set[tuple[int, int]] | frozenset = frozenset(),
    overridden: set[tuple[int, int]] | frozenset = frozenset(),
    loads: dict[int, int] | None = None,
) -> Plan:
    """New (application, juror) pairs so each application has `required` reviews.

    existing: application id -> jurors already assigned; declared: (application, juror)
    pairs in declared conflict; overridden: same-country pairs the secretariat allowed;
    loads: jurors' current loads (assignments in this call)."""
    existing = existing or {}
    loads = {j.id: 0 for j in jurors} | (loads or {})
    country = {j.id: j.country for j in jurors}
    everyone: list[tuple[int, int]] = [(loads[j.id], j.id) for j in jurors]
    heapq.heapify(everyone)
    experts: dict[str, list[tuple[int, int]]] = {}
    regions_of = {j.id: j.regions for j in jurors}
    for j in jurors:
        for region in j.regions:
            experts.setdefault(region, []).append((loads[j.id], j.id))
    for heap in experts.values():
        heapq.heapify(heap)

    def pop_valid(heap):
        while heap:
            load, jid = heapq.heappop(heap)
            if loads[jid] == load:  # otherwise a stale entry of an older load
                return load, jid
        return None

    def lowest_load():
        while everyone and loads[everyone[0][1]] != everyone[0][0]:
            heapq.heappop(everyone)
        return everyone[0][0] if everyone else 0

    pairs, short = [], {}
    for app in apps:
        taken = set(existing.get(app.id, ()))
        need = required - len(taken)
        if need <= 0:
            continue

        def eligible(jid, app=app, taken=taken):
            if jid in taken or (app.id, jid) in declared:
                return False
            return not (country[jid] == app.country and (app.id, jid) not in overridden)

        picks, popped = [], []
        expert_heap = experts.get(app.region)
        if expert_heap is not None:
            ceiling = lowest_load() + SLACK
            while len(picks) < need:
                entry = pop_valid(expert_heap)
                if entry is None:
                    break
                popped.append((expert_heap, entry))
                if entry[0] > ceiling:
                    break
                if eligible(entry[1]):
                    picks.append(entry[1])
                    taken.add(entry[1])
        while len(picks) < need:
            entry = pop_valid(everyone)
            if entry is None:
                break
            popped.append((everyone, entry))
            if eligible(entry[1]):
                picks.append(entry[1])
                taken.add(entry[1])
        for heap, entry in popped:  # those picked go stale when their load rises below
            heapq.heappush(heap, entry)
        for jid in picks:
            loads[jid] += 1
            pairs.append((app.id, jid))
            heapq.heappush(everyone, (loads[jid], jid))
            for region in regions_of[jid]:
                heapq.heappush(experts[region], (loads[jid], jid))
        if len(picks) < need:
            short[app.id] = need - len(picks)
    return Plan(pairs=pairs, short=short, loads=loads)


def jury():
    """The users with the juror role, with their profiles."""

    return (
        User.objects.filter(is_active=True, roles__kind=RoleKind.JUROR)
        .select_related("juror_profile")
        .prefetch_related("juror_profile__regions")
        .distinct()
        .order_by("email")
    )


@transaction.atomic
def assign_reviews(call, *, by=None) -> Plan:
    """Give every nominated application of `call` its `reviews_required` reviews, loads
    balanced, conflicts respected, regional expertise preferred. Adds to what exists
    (manual assignments are kept); returns the plan with any shortfall."""

    apps = [
        AppRow(pk, country, region)
        for pk, country, region in Application.objects.filter(call=call, state="nominated")
        .order_by("pk")
        .values_list("pk", "country_id", "country__region_id")
    ]
    jurors = []
    for user in jury():
        profile = getattr(user, "juror_profile", None)
        jurors.append(
            JurorRow(
                user.pk,
                profile.country_id if profile else None,
                frozenset(r.slug for r in profile.regions.all()) if profile else frozenset(),
            )
        )
    existing: dict[int, set[int]] = {}
    loads: dict[int, int] = {}
    for app_id, juror_id in Review.objects.filter(application__call=call).values_list(
        "application_id", "juror_id"
    ):
        existing.setdefault(app_id, set()).add(juror_id)
        loads[juror_id] = loads.get(juror_id, 0) + 1
    conflicts = Conflict.objects.filter(application__call=call)
    declared = set(
        conflicts.exclude(decision=ConflictDecision.OVERRIDDEN).values_list(
            "application_id", "juror_id"
        )
    )
    overridden = set(
        conflicts.filter(
            kind=ConflictKind.SAME_COUNTRY, decision=ConflictDecision.OVERRIDDEN
        ).values_list("application_id", "juror_id")
    )
    result = plan(
        apps,
        jurors,
        required=call.reviews_required,
        existing=existing,
        declared=declared,
        overridden=overridden,
        loads={j.id: loads.get(j.id, 0) for j in jurors},
    )
    reviews = Review.objects.bulk_create(
        [Review(application_id=a, juror_id=j, assigned_by=by) for a, j in result.pairs],
        batch_size=1000,
    )
    # Each assignment in the audit log, as a manual one is (bulk_create sends no signal).
    reviews = Review.objects.filter(pk__in=[r.pk for r in reviews]).select_related(
        "juror", "application"
    )
    log_created(reviews)
    return result


def assign_one(application, juror, *, by):
    """A manual assignment, refused (ValueError) where the juror is in conflict."""

    if Application.objects.filter(pk=application.pk).filter(conflicted_q(juror)).exists():
        raise ValueError("conflict")
    review, _created = Review.objects.get_or_create(
        application=application, juror=juror, defaults={"assigned_by": by}
    )
    return review
