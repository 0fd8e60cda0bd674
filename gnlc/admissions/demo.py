"""Demo content for `gnlc demo`: a membership call in review with applications in every
state, National Commission members and jurors (with conflicts), so a newcomer can click
through each role; and a Learning City Award call in review, entered by real members
(the demo coordinator's among them). Idempotent: run again, it finds what it made."""

import datetime as dt

from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role, User
from gnlc.admissions.enums import CHALLENGES, ApplicationState
from gnlc.admissions.models import (
    Application,
    ApplicationTransition,
    AwardWin,
    Call,
    Conflict,
    Criterion,
    JurorProfile,
    Review,
)
from gnlc.cities.models import Member

TITLE = "Demo call for membership"
AWARD_TITLE = "Demo Learning City Award"
S = ApplicationState

# (city, country, state, pending decision): one or more in every state.
APPLICATIONS = [
    ("Eldoret", "KE", S.NOMINATED, "admit"),
    ("Kisii", "KE", S.NOMINATED, ""),
    ("Thika", "KE", S.SUBMITTED, ""),
    ("Malindi", "KE", S.DRAFT, ""),
    ("Nyeri", "KE", S.DECLINED, ""),
    ("Lamu", "KE", S.WITHDRAWN, ""),
    ("Besançon", "FR", S.NOMINATED, "waitlist"),
    ("Quimper", "FR", S.SUBMITTED, ""),
    ("Curitiba Norte", "BR", S.NOMINATED, ""),
    ("Kumasi Central", "GH", S.ADMITTED, ""),
    ("Tamale South", "GH", S.REJECTED, ""),
    ("Cuenca Alta", "EC", S.WAITLISTED, ""),
]


# The demo's calls by title: description and score criteria [(English, French, weight)].
DEMO_CALLS = {
    TITLE: (
        "A call made by `gnlc demo`: everything in it is invented.",
        [
            ("Political commitment", "Engagement politique", 3),
            ("Quality of the plan", "Qualité du plan", 2),
            ("Good practices", "Bonnes pratiques", 1),
        ],
    ),
    AWARD_TITLE: (
        "An award call made by `gnlc demo`: everything in it is invented.",
        [
            ("Lifelong learning for all", "Apprentissage tout au long de la vie pour tous", 3),
            ("Innovation and impact", "Innovation et impact", 2),
            ("Sustainability", "Durabilité", 1),
        ],
    ),
}


def _user(email, name, password, kind=None, **scope):
    user, _created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    user.set_password(password)
    user.save()
    if kind:
        Role.objects.get_or_create(user=user, kind=kind, **scope)
    return user


def _demo_call(title, description, criteria, **extra) -> Call:
    """The demo's call of that title (made once): closed two months ago, nominations
    done, its review running now, with `criteria` [(English, French, weight)]."""
    today = timezone.now().date()
    call, created = Call.objects.get_or_create(
        title=title,
        defaults={
            **extra,
            "description": description,
            "time_zone": "Europe/Paris",
            "opens_on": today - dt.timedelta(days=60),
            "closes_on": today - dt.timedelta(days=30),
            "nomination_deadline": today - dt.timedelta(days=15),
            "review_opens_on": today - dt.timedelta(days=5),
            "review_closes_on": today + dt.timedelta(days=20),
            "announcement_date": today + dt.timedelta(days=40),
            "reviews_required": 2,
            "opened_at": timezone.now() - dt.timedelta(days=60),
        },
    )
    if created:
        for order, (en, fr, weight) in enumerate(criteria):
            Criterion.objects.create(call=call, name_en=en, name_fr=fr, weight=weight, order=order)
    return call


def create(stdout, password):
    call = _demo_call(TITLE, *DEMO_CALLS[TITLE])
    secretariat = User.objects.filter(email="secretariat@demo.gnlc.org").first()
    coordinator = _user("applicant@demo.gnlc.org", "City applicant (demo)", password)
    for email, name, country in [
        ("natcom-fr@demo.gnlc.org", "National Commission of France (demo)", "FR"),
        ("natcom-gh@demo.gnlc.org", "National Commission of Ghana (demo)", "GH"),
    ]:
        _user(email, name, password, RoleKind.NATCOM, country_id=country)
    jurors = [
        ("juror@demo.gnlc.org", "Juror (demo)", "IN", ["africa"]),
        ("juror2@demo.gnlc.org", "Juror 2 (demo)", "KE", ["africa"]),  # same country: Kenya
        ("juror3@demo.gnlc.org", "Juror 3 (demo)", "FR", ["europe-and-north-america"]),
        ("juror4@demo.gnlc.org", "Juror 4 (demo)", "BR", ["latin-america-and-the-caribbean"]),
    ]
    juror_users = []
    for email, name, country, regions in jurors:
        user = _user(email, name, password, RoleKind.JUROR)
        profile, _ = JurorProfile.objects.get_or_create(user=user, defaults={"country_id": country})
        profile.regions.set(regions)
        juror_users.append(user)

    criteria = list(call.criteria.all())
    for index, (city, country, state, decision) in enumerate(APPLICATIONS):
        application, made = Application.objects.get_or_create(
            call=call,
            city_name=city,
            country_id=country,
            defaults={
                "created_by": coordinator,
                "state": state,
                "decision": decision,
                "website": "https://example.org",
                "mayor_name": "Demo Mayor",
                "mayor_title": "Mayor",
                "contact_name": "Demo Contact",
                "contact_email": "applicant@demo.gnlc.org",
                "language": "fr" if country == "FR" else "en",
                "population": 100_000 + 25_000 * index,
                "area_km2": 50 + index,
                "data_year": timezone.now().year - 1,
                "motivation": "Our city wants to learn with the network. " * 5,
                "implementation_plan": "Learning festivals, libraries, adult education. " * 4,
                "good_practices": "Community learning centres in every district.",
                "interests": "Literacy, digital skills.",
                "challenges": dict.fromkeys(CHALLENGES, 3),
                "submitted_at": None if state == S.DRAFT else timezone.now(),
            },
        )
        if made and state != S.DRAFT:
            # Demo rows are created in their state directly; their history says so.
            ApplicationTransition.objects.create(
                application=application,
                from_state=S.DRAFT,
                to_state=state,
                by=secretariat,
                note="Created by gnlc demo.",
            )
    eldoret = Application.objects.get(call=call, city_name="Eldoret")
    besancon = Application.objects.get(call=call, city_name="Besançon")
    # Juror 1 has reviewed Eldoret; juror 3 declared a conflict with it; juror 2 is
    # Kenyan, so kept away from every Kenyan city automatically.
    review, _ = Review.objects.get_or_create(application=eldoret, juror=juror_users[0])
    if not review.submitted_at:
        review.scores = {str(c.pk): 4 for c in criteria}
        review.recommendation = "admit"
        review.comment = "A strong, concrete plan."
        review.submitted_at = timezone.now()
        review.version = 1
        review.save()
    Review.objects.get_or_create(application=besancon, juror=juror_users[0])
    Review.objects.get_or_create(application=eldoret, juror=juror_users[3])
    Conflict.objects.get_or_create(
        application=eldoret,
        juror=juror_users[2],
        defaults={
            "kind": "institutional",
            "note": "Advised the city in 2023.",
            "declared_by": juror_users[2],
        },
    )
    stdout.write(f"Admissions: “{call.title}” (in review) with {len(APPLICATIONS)} applications:")
    stdout.write(f"  /admissions/calls/{call.pk}/manage/  (as secretariat@demo.gnlc.org)")
    stdout.write("  /admissions/calls/new/  (as secretariat@demo.gnlc.org): make and open a call")
    for email, label in [
        ("applicant@demo.gnlc.org", "applicant of every demo city"),
        ("natcom@demo.gnlc.org", "National Commission of Kenya: nominate/decline"),
        ("natcom-fr@demo.gnlc.org", "National Commission of France"),
        ("natcom-gh@demo.gnlc.org", "National Commission of Ghana"),
        ("juror@demo.gnlc.org", "juror (India; Africa): reviewed Eldoret"),
        ("juror2@demo.gnlc.org", "juror (Kenya): same-country conflict with Kenyan cities"),
        ("juror3@demo.gnlc.org", "juror (France): declared a conflict with Eldoret"),
        ("juror4@demo.gnlc.org", "juror (Brazil): assigned to Eldoret"),
    ]:
        stdout.write(f"  {email:<30} {label}")
    create_award(stdout, juror_users[0], secretariat)


def create_award(stdout, juror, secretariat):
    """An award call in review: up to three eligible members of the demo National
    Commission's country (the demo coordinator's first: two nominated, so the quota of
    two is full, one submitted) and two of the Republic of Korea (one nominated, one
    declined); the demo juror has reviewed the first."""

    call = _demo_call(AWARD_TITLE, *DEMO_CALLS[AWARD_TITLE], kind="award")
    coordinator = User.objects.filter(email="coordinator@demo.gnlc.org").first()
    natcom = Role.objects.filter(user__email="natcom@demo.gnlc.org", kind=RoleKind.NATCOM).first()
    home = natcom.country_id if natcom else "KE"
    first = coordinator.roles.filter(kind=RoleKind.COORDINATOR).first() if coordinator else None

    def eligible(country):
        candidates = Member.objects.filter(country_id=country).select_related("country")
        ordered = sorted(candidates, key=lambda m: (not first or m.pk != first.member_id, m.name))
        return [m for m in ordered if call.award_refusal(m) is None][:3]

    plan = list(zip(eligible(home), [S.NOMINATED, S.NOMINATED, S.SUBMITTED], strict=False))
    plan += list(zip(eligible("KR"), [S.NOMINATED, S.DECLINED], strict=False))
    for member, state in plan:
        application, made = Application.objects.get_or_create(
            call=call,
            member=member,
            defaults={
                "created_by": coordinator or secretariat,
                "state": state,
                "city_name": member.name,
                "country": member.country,
                "website": member.website,
                "mayor_name": member.mayor,
                "population": member.population,
                "contact_name": "Demo Contact",
                "contact_email": "coordinator@demo.gnlc.org",
                "language": "en",
                "motivation": "Learning festivals reach every district each year. " * 3,
                "implementation_plan": "Extend the festivals to the rural wards. " * 3,
                "good_practices": "Community learning centres open in the evening.",
                "submitted_at": timezone.now(),
            },
        )
        if made:
            ApplicationTransition.objects.create(
                application=application,
                from_state=S.DRAFT,
                to_state=state,
                by=secretariat,
                note="Created by gnlc demo.",
            )
    entered = list(call.applications.filter(state=S.NOMINATED).order_by("id")[:1])
    if entered:
        review, _ = Review.objects.get_or_create(application=entered[0], juror=juror)
        if not review.submitted_at:
            review.scores = {str(c.pk): 4 for c in call.criteria.all()}
            review.recommendation = "admit"
            review.comment = "A remarkable dossier."
            review.submitted_at = timezone.now()
            review.version = 1
            review.save()
    stdout.write(
        f"Award: “{call.title}” (in review) with {call.applications.count()} member cities "
        f"({AwardWin.objects.count()} winner(s) on record):"
    )
    stdout.write(f"  /admissions/calls/{call.pk}/decisions/  (as secretariat@demo.gnlc.org)")
    stdout.write("  coordinator@demo.gnlc.org      coordinator: its member's award application")
