from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    """What a person does in the network. One person may hold several roles."""

    SECRETARIAT = "secretariat", _("Secretariat")
    NATCOM = "natcom", _("National Commission")
    JUROR = "juror", _("Juror")
    COORDINATOR = "coordinator", _("City coordinator")


# What each role lets its holder do, in a line: said on the invitation form and in the
# mails that give a role (docs/roles.md has the full table).
ROLE_DUTIES = {
    RoleKind.NATCOM: _(
        "nominate the country's applicant cities within its quota, and read its members' reports"
    ),
    RoleKind.COORDINATOR: _(
        "edit the member's profile, file its reports and publish its good practices"
    ),
    RoleKind.JUROR: _(
        "review the applications the secretariat assigns, never one with a conflict of interest"
    ),
    RoleKind.SECRETARIAT: _(
        "run the network: calls, jury, decisions, reports, library, news and people"
    ),
}


class PersonStatus(models.TextChoices):
    """Where an account stands (derived, never stored: `User.status`)."""

    ACTIVE = "active", _("Active")
    INVITED = "invited", _("Invited: no password yet")
    UNCONFIRMED = "unconfirmed", _("E-mail address not confirmed")
    DEACTIVATED = "deactivated", _("Deactivated")
