"""A person's history on their page: the audit log's entries about their account, their
roles, their invitation and their juror profile, told in words ("Role given: National
Commission: Kenya", "Account deactivated") rather than field names. The audit log
(/audit/) keeps every detail."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Invitation, Role, member_label
from gnlc.admissions.models import JurorProfile
from gnlc.audit.models import Action, AuditEntry
from gnlc.cities.models import Country, Member

LIMIT = 50  # the latest; older ones are in the audit log


@dataclass
class Event:
    entry: AuditEntry
    text: str


def entries(user):
    """The latest LIMIT audit entries about `user`, newest first, in two queries."""
    related = AuditEntry.objects.naming([Role, Invitation, JurorProfile], "user_id", user.pk)
    mine = AuditEntry.objects.for_object(user)
    for obj in (getattr(user, "invitation", None), getattr(user, "juror_profile", None)):
        if obj is not None:
            mine = mine | AuditEntry.objects.for_object(obj)
    return list(
        (related | mine).select_related("content_type").order_by("-created_at", "-id")[:LIMIT]
    )


def events(user) -> list[Event]:
    """`entries(user)`, each told in a sentence in the active language."""
    found = entries(user)
    countries, members = _scopes(found)
    return [Event(entry, _describe(entry, countries, members)) for entry in found]


def _after_or_before(entry, field):
    before, after = entry.changes.get(field, [None, None])
    return after if entry.action != Action.DELETE else before


def _scopes(found):
    """The countries and members the role entries name, in one query each."""
    country_ids, member_ids = set(), set()
    for entry in found:
        if entry.content_type.model in ("role", "jurorprofile"):
            country_ids.add(_after_or_before(entry, "country_id"))
            member_ids.add(_after_or_before(entry, "member_id"))
    countries = Country.objects.in_bulk(country_ids - {None})
    members = Member.objects.select_related("country").in_bulk(member_ids - {None})
    return countries, members


def _role_label(entry, countries, members) -> str:
    kind = _after_or_before(entry, "kind")
    label = RoleKind(kind).label if kind in RoleKind.values else kind
    country = countries.get(_after_or_before(entry, "country_id"))
    member = members.get(_after_or_before(entry, "member_id"))
    if country is not None:
        return _("%(role)s: %(scope)s") % {"role": label, "scope": country.label}
    if member is not None:
        return _("%(role)s: %(scope)s") % {"role": label, "scope": member_label(member)}
    return str(label)


def _describe(entry, countries, members) -> str:
    model, changes = entry.content_type.model, entry.changes
    if model == "role":
        label = _role_label(entry, countries, members)
        if entry.action == Action.CREATE:
            return _("Role given: %(role)s") % {"role": label}
        if entry.action == Action.DELETE:
            return _("Role removed: %(role)s") % {"role": label}
        return _("Role changed: %(role)s") % {"role": label}
    if model == "invitation":
        if entry.action == Action.CREATE:
            return _("Invitation sent")
        if changes.get("accepted_at", [None, None])[1]:
            return _("Invitation accepted: password set")
        return _("Invitation sent again (the earlier link no longer works)")
    if model == "jurorprofile":
        country = countries.get(_after_or_before(entry, "country_id"))
        if country is not None:
            return _("Juror profile saved (country: %(country)s)") % {"country": country.label}
        return _("Juror profile saved")
    return _describe_account(entry)


def _describe_account(entry) -> str:
    if entry.action == Action.CREATE:
        return _("Account created")
    if entry.action == Action.DELETE:
        return _("Account deleted")
    changes = entry.changes
    if "is_active" in changes:
        # Activated: its e-mail address confirmed, or reactivated by the secretariat.
        return _("Account activated") if changes["is_active"][1] else _("Account deactivated")
    names = {
        "email": _("e-mail address"),
        "full_name": _("name"),
        "language": _("language"),
        "is_staff": _("access to the administration"),
        "is_superuser": _("superuser"),
    }
    changed = ", ".join(str(names.get(field, field)) for field in changes)
    return _("Account changed: %(fields)s") % {"fields": changed}
