"""Role predicates: who a user is in the network. Each app's rules.py combines these
into its permissions; views, templates and the API all ask `user.has_perm(...)`."""

import rules

from gnlc.accounts.enums import RoleKind


@rules.predicate
def is_secretariat(user):
    return user.is_authenticated and (
        (user.is_superuser and user.is_active and user.two_factor_satisfied)
        or user.has_role(RoleKind.SECRETARIAT)
    )


@rules.predicate
def is_natcom(user):
    return user.is_authenticated and user.has_role(RoleKind.NATCOM)


@rules.predicate
def is_juror(user):
    return user.is_authenticated and user.has_role(RoleKind.JUROR)


@rules.predicate
def is_coordinator(user):
    return user.is_authenticated and user.has_role(RoleKind.COORDINATOR)


@rules.predicate
def is_natcom_of_country(user, country):
    return user.is_authenticated and user.has_role(RoleKind.NATCOM, country=country)


@rules.predicate
def is_coordinator_of_member(user, member):
    return user.is_authenticated and user.has_role(RoleKind.COORDINATOR, member=member)


@rules.predicate
def is_natcom_of_member(user, member):
    """The National Commission of `member`'s country."""
    return is_natcom_of_country(user, member.country_id)


# Those who follow a member: its city coordinators and its country's National Commission
# (suggestions about it, its reports); and anyone holding one of those roles anywhere.
is_responsible_for_member = is_coordinator_of_member | is_natcom_of_member
follows_members = is_coordinator | is_natcom


rules.add_perm("accounts.view_dashboard", rules.is_authenticated)
rules.add_perm("accounts.manage_roles", is_secretariat)
