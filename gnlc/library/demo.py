"""Demo content for the library (`gnlc demo`, DEBUG only): synthetic practices for real
member cities and a few synthetic publications, every one flagged `is_demo` and shown
with a "Demo content" badge. Idempotent: rows are found again by their slug. Ends by
computing related practices and peer cities."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from gnlc.admissions.enums import CallKind
from gnlc.admissions.models import Call
from gnlc.cities.models import Member
from gnlc.library.enums import DocumentKind, PracticeState
from gnlc.library.models import Document, Practice, Sdg, Theme
from gnlc.library.related import compute_related

# (title, summary, body, themes, SDGs, target groups, key feature, year started)
PRACTICES = [
    (
        "Reading circles for adult learners in public libraries",
        "Volunteer-led reading circles help adult learners build literacy and confidence, "
        "meeting weekly in neighbourhood libraries.",
        "## Context\n\nMany adults left school early. The city trained **volunteer "
        "facilitators** to run weekly reading circles for adult learners.\n\n## Results\n\n"
        "- 40 circles in public libraries\n- 600 adult learners a year\n\n"
        "Adult learners choose the books; facilitators use everyday texts such as bus "
        "timetables and job adverts.",
        ["literacy", "equity-and-inclusion"],
        [4, 10],
        ["adult-learners"],
        "families",
        2018,
    ),
    (
        "Family literacy mornings at community learning centres",
        "Parents and children learn to read together in community learning centres, "
        "with take-home book bags.",
        "Family literacy mornings bring parents and young children together every "
        "Saturday. Adult learners who are parents gain confidence reading aloud.\n\n"
        "The community learning centres lend book bags in three local languages.",
        ["literacy"],
        [4],
        ["families", "adult-learners", "children"],
        "families",
        2019,
    ),
    (
        "Green skills for young job seekers",
        "A municipal programme trains young people in solar installation, urban farming "
        "and recycling, with local employers.",
        "## What was done\n\nThe city and local employers designed short courses in "
        "**green skills**: solar panel installation, urban farming, repair and "
        "recycling.\n\n## Lessons\n\nCourses near where young people live had the "
        "lowest drop-out.",
        ["education-for-sustainable-development", "entrepreneurship"],
        [4, 8, 13],
        ["youth", "workers"],
        "workplace",
        2020,
    ),
    (
        "Climate action learning festival",
        "A yearly festival where schools, universities and citizens learn about climate "
        "action through workshops and walks.",
        "The learning festival opens schools, museums and parks for a week of climate "
        "action workshops. Education for sustainable development reaches families who "
        "never attend formal courses.",
        ["education-for-sustainable-development", "citizenship-education"],
        [4, 11, 13],
        ["communities", "families"],
        "sustainability",
        2017,
    ),
    (
        "Health literacy for older people",
        "Community nurses and librarians run sessions on reading prescriptions, using "
        "health apps and staying active.",
        "Older people learn to read prescriptions, book appointments online and join "
        "walking groups. The health and well-being sessions run in libraries and "
        "community learning centres.",
        ["health-and-well-being", "literacy"],
        [3, 4],
        ["older-people"],
        "empowerment",
        2021,
    ),
    (
        "Women's entrepreneurship hubs",
        "Learning hubs offer women business skills, digital marketing and micro-credit "
        "advice in the city's markets.",
        "Women running small market businesses learn bookkeeping, digital marketing and "
        "how to apply for micro-credit. Entrepreneurship mentors meet them in the "
        "market halls.",
        ["entrepreneurship", "equity-and-inclusion"],
        [5, 8],
        ["women", "workers"],
        "economy",
        2016,
    ),
    (
        "A learning city dashboard to monitor lifelong learning",
        "The city measures participation in lifelong learning every year with a public "
        "dashboard built with universities.",
        "## Monitoring and evaluation\n\nThe dashboard follows the Key Features of "
        "Learning Cities: participation in learning, access for migrants and people with "
        "disabilities, and funding. Data are open.",
        ["monitoring-and-evaluation", "educational-planning"],
        [4, 16, 17],
        ["communities"],
        "governance",
        2019,
    ),
    (
        "Welcome classes for migrants and refugees",
        "Language, civic and digital classes help newly arrived migrants and refugees "
        "find their way in the city.",
        "Welcome classes combine language learning, citizenship education and visits to "
        "city services. Volunteers who were once newcomers act as mentors.",
        ["citizenship-education", "equity-and-inclusion", "literacy"],
        [4, 10, 16],
        ["migrants", "adult-learners"],
        "empowerment",
        2018,
    ),
    (
        "Digital skills in every neighbourhood",
        "Free digital skills workshops for all ages in libraries, schools and community "
        "centres, with lending of laptops.",
        "The city lends laptops and runs digital skills workshops in every neighbourhood. "
        "Modern learning technologies reach older people and job seekers alike.",
        ["equity-and-inclusion", "educational-planning"],
        [4, 9, 10],
        ["older-people", "workers", "youth"],
        "technology",
        2020,
    ),
    (
        "City plan for lifelong learning 2030",
        "A cross-department plan sets goals for lifelong learning, with a budget line and "
        "a yearly review by the city council.",
        "Educational planning across departments: the plan names who does what, with a "
        "budget line for community learning centres and a yearly review.",
        ["educational-planning", "monitoring-and-evaluation"],
        [4, 11, 17],
        ["communities"],
        "political-will",
        2022,
    ),
]

DOCUMENTS = [
    (
        "Guidelines for building learning cities (demo)",
        DocumentKind.GUIDELINES,
        2015,
        "How a city plans, carries out and monitors a learning city strategy: political "
        "will, governance and the Key Features.",
    ),
    (
        "Learning cities and the SDGs: a collection of case studies (demo)",
        DocumentKind.CASE_STUDIES,
        2017,
        "Case studies of member cities linking lifelong learning with the Sustainable "
        "Development Goals, from literacy to climate action.",
    ),
    (
        "Monitoring learning cities: a handbook (demo)",
        DocumentKind.REPORT,
        2021,
        "Indicators and data sources to monitor participation in lifelong learning.",
    ),
]


def _pdf(title: str) -> bytes:
    """A tiny valid PDF standing in for a real publication."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text + b") Tj ET"
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\n"
        b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def create(stdout, password):
    members = list(Member.objects.on_record().select_related("country").order_by("name"))
    if not members:
        stdout.write("Library: no member to attach demo practices to; run import-members.")
        return
    kenyan = [m for m in members if m.country_id == "KE"]
    # Spread over the network, deterministically: every n-th member, Kenya's first.
    step = max(1, len(members) // len(PRACTICES))
    chosen = (kenyan[:1] + members[::step])[: len(PRACTICES)]
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    made = 0
    for n, (title, summary, body, theme_slugs, sdgs, groups, feature, year) in enumerate(PRACTICES):
        last = n == len(PRACTICES) - 1
        member = kenyan[0] if last and kenyan else chosen[n % len(chosen)]
        slug = f"demo-{n + 1}"
        practice, created = Practice.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "target_groups": groups,
                "key_feature": feature,
                "year_started": year,
                "language": "en",
                "is_demo": True,
                "contact_name": "Demo contact",
                "contact_email": "library@demo.gnlc.org",
            },
        )
        if created:
            made += 1
            practice.members.set([member])
            practice.themes.set([themes[s] for s in theme_slugs if s in themes])
            practice.sdgs.set(Sdg.objects.filter(number__in=sdgs))
            # Demo shortcut: the last one stays a draft of the demo coordinator's city
            # (to try the workflow); the others are published without the e-mails.
            if not last:
                practice.state = PracticeState.PUBLISHED
                practice.published_at = timezone.now()
                practice.save(update_fields=["state", "published_at"])
    docs = 0
    for title, kind, year, summary in DOCUMENTS:
        if Document.objects.filter(title=title).exists():
            continue
        document = Document(title=title, kind=kind, year=year, summary=summary, is_demo=True)
        document.file.save("demo.pdf", ContentFile(_pdf(title)), save=False)
        document.save()
        docs += 1
    answers = _demo_call(chosen, themes)
    counts = compute_related()
    stdout.write(
        f"Library: open demo call for practices at {answers['url']}, {answers['made']} "
        "submissions added (the secretariat reviews them from its page)."
    )
    stdout.write(
        f"Library: {made} demo practices and {docs} demo publications added "
        f"({Practice.objects.filter(is_demo=True).count()} demo practices in all); "
        f"{counts['related']} related pairs, {counts['peers']} peer-city pairs."
    )


# (title, summary, body, city index among the chosen members) answering the demo call.
CALL_ANSWERS = [
    (
        "Neighbourhood literacy buddies",
        "Trained volunteers meet adult learners one to one in libraries and cafés, twice "
        "a week, to read what the learner needs to read.",
        "Volunteers are trained for two days, then paired with an adult learner near "
        "where they live. Pairs read letters, forms and news together.",
        1,
    ),
    (
        "Literacy on the bus",
        "Short reading exercises printed in city buses, with a free tutoring line.",
        "Posters in 300 buses carry a short text and questions; a telephone line "
        "connects readers with a tutor in the evening.",
        2,
    ),
]


def _demo_call(members, themes) -> dict:
    """An open themed call for practices (literacy) with two submissions waiting for
    the secretariat. Idempotent: found again by its title and the practices' slugs."""
    today = timezone.localdate()
    closes = today + dt.timedelta(days=45)
    call, _created = Call.objects.get_or_create(
        title="Demo call for practices: literacy in the city",
        kind=CallKind.PRACTICES,
        defaults={
            "description": "Demo content. How does your city help adults read and write?",
            "theme": themes.get("literacy"),
            "time_zone": "Africa/Nairobi",
            "opens_on": today - dt.timedelta(days=14),
            "closes_on": closes,
            "nomination_deadline": closes,
            "review_opens_on": closes,
            "review_closes_on": closes + dt.timedelta(days=15),
            "announcement_date": closes + dt.timedelta(days=30),
            "opened_at": timezone.now() - dt.timedelta(days=14),
        },
    )
    made = 0
    for n, (title, summary, body, city) in enumerate(CALL_ANSWERS, start=1):
        practice, created = Practice.objects.get_or_create(
            slug=f"demo-call-{n}",
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "year_started": today.year - 1,
                "language": "en",
                "is_demo": True,
                # Demo shortcut: submitted to the call directly (no deadline check, no
                # e-mail), as if its city's coordinator had done it.
                "state": PracticeState.SUBMITTED,
                "call": call,
                "contact_name": "Demo contact",
                "contact_email": "library@demo.gnlc.org",
            },
        )
        if created:
            made += 1
            practice.members.set([members[city % len(members)]])
            practice.themes.set([themes[s] for s in ["literacy"] if s in themes])
            practice.reindex()
    return {"made": made, "url": call.get_absolute_url()}
