"""Choices of the good-practice library: a practice's workflow states and the moves
between them, the Key Features areas, target groups, languages, document kinds and the
Sustainable Development Goals."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gnlc.core.workflow import Move, Table


class PracticeState(models.TextChoices):
    """Where a practice is in its moderation: a city writes a draft, submits it, the
    secretariat publishes it (or returns it to the draft with a reason); a published
    practice may be archived (kept, no longer listed)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The workflow: (from, to) -> the move (gnlc.core.workflow.Move: the permission, the
# button's label, whether a reason is needed). Practice.transition refuses anything else.
MOVES = {
    (PracticeState.DRAFT, PracticeState.SUBMITTED): Move(
        "library.submit_practice", _("Submit for publication")
    ),
    (PracticeState.SUBMITTED, PracticeState.PUBLISHED): Move(
        "library.publish_practice", _("Publish")
    ),
    (PracticeState.SUBMITTED, PracticeState.DRAFT): Move(
        "library.return_practice", _("Return to the city"), needs_note=True
    ),
    (PracticeState.PUBLISHED, PracticeState.DRAFT): Move(
        "library.return_practice", _("Unpublish and return to the city"), needs_note=True
    ),
    (PracticeState.PUBLISHED, PracticeState.ARCHIVED): Move(
        "library.archive_practice", _("Archive")
    ),
    (PracticeState.ARCHIVED, PracticeState.PUBLISHED): Move(
        "library.restore_practice", _("Publish again")
    ),
}
WORKFLOW = Table(
    states=PracticeState,
    moves=MOVES,
    not_allowed=_("A %(start)s practice cannot become %(to)s."),
    stale=_("Someone changed this practice meanwhile: it is now %(state)s."),
    note_missing=_("Say why, for the city's coordinators."),
    note_field="reason",
    history="revisions",
)


class KeyFeature(models.TextChoices):
    """The area of the Key Features of Learning Cities a practice serves. A plain choice
    list for now: the reporting app may turn the Key Features into data later."""

    EMPOWERMENT = "empowerment", _("Individual empowerment and social cohesion")
    ECONOMY = "economy", _("Economic development and cultural prosperity")
    SUSTAINABILITY = "sustainability", _("Sustainable development")
    EDUCATION_SYSTEM = "education-system", _("Inclusive learning in the education system")
    FAMILIES = "families", _("Learning in families and communities")
    WORKPLACE = "workplace", _("Learning for and in the workplace")
    TECHNOLOGY = "technology", _("Modern learning technologies")
    QUALITY = "quality", _("Quality and excellence in learning")
    CULTURE = "culture", _("A culture of learning throughout life")
    POLITICAL_WILL = "political-will", _("Political will and commitment")
    GOVERNANCE = "governance", _("Governance and participation of all stakeholders")
    RESOURCES = "resources", _("Mobilisation and use of resources")


# The names of the network's thematic clusters, as the migration that seeds the themes
# (0002_themes_and_sdgs) writes them: marked so that the catalogues translate them
# (`Theme.label`). A theme the secretariat adds or renames later shows its name as typed,
# unless the catalogues are given that name too.
THEME_NAMES = [
    gettext_noop("Educational planning"),
    gettext_noop("Entrepreneurship"),
    gettext_noop("Equity and inclusion"),
    gettext_noop("Health and well-being"),
    gettext_noop("Education for sustainable development"),
    gettext_noop("Literacy"),
    gettext_noop("Monitoring and evaluation"),
    gettext_noop("Citizenship education"),
]


class TargetGroup(models.TextChoices):
    """Who a practice is for."""

    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    ADULT_LEARNERS = "adult-learners", _("Adult learners")
    OLDER_PEOPLE = "older-people", _("Older people")
    WOMEN = "women", _("Women and girls")
    MIGRANTS = "migrants", _("Migrants and refugees")
    DISABILITIES = "disabilities", _("People with disabilities")
    FAMILIES = "families", _("Families")
    WORKERS = "workers", _("Workers and job seekers")
    EDUCATORS = "educators", _("Teachers and educators")
    COMMUNITIES = "communities", _("Local communities")


class Language(models.TextChoices):
    """The language a practice or document is written in: UNESCO's six official
    languages first, then others common in the network."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")
    ZH = "zh", _("Chinese")
    RU = "ru", _("Russian")
    PT = "pt", _("Portuguese")
    DE = "de", _("German")
    KO = "ko", _("Korean")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    """What sort of publication of the network a document is."""

    REPORT = "report", _("Report")
    GUIDELINES = "guidelines", _("Guidelines")
    CASE_STUDIES = "case-studies", _("Collection of case studies")
    POLICY_BRIEF = "policy-brief", _("Policy brief")
    PROCEEDINGS = "proceedings", _("Conference proceedings")
    NEWSLETTER = "newsletter", _("Newsletter")
    OTHER = "other", _("Other")


# The 17 Sustainable Development Goals, by number (short titles).
SDG_NAMES = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}
SDG_CHOICES = [(n, format_lazy("{}. {}", n, name)) for n, name in SDG_NAMES.items()]
