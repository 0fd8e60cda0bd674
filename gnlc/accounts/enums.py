from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    """What a person does in the network. One person may hold several roles."""

    SECRETARIAT = "secretariat", _("Secretariat")
    NATCOM = "natcom", _("National Commission")
    JUROR = "juror", _("Juror")
    COORDINATOR = "coordinator", _("City coordinator")
