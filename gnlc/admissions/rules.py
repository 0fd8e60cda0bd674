"""Who may do what in the admission cycle. Views, templates and the model's transition
all ask these through `user.has_perm("admissions.<perm>", obj)`.

Roles: the applicant (the coordinator who created an application: accounts' coordinator
role needs a member, which an applicant is not yet, so the relation is the
application's `created_by`; for the Learning City Award, which only members enter, every
coordinator of the member too); the National Commission of the application's country; the
jurors assigned to it (unless in conflict); the secretariat."""

import rules

from gnlc.accounts.rules import (
    is_coordinator,
    is_coordinator_of_member,
    is_juror,
    is_natcom,
    is_natcom_of_country,
    is_secretariat,
)
from gnlc.admissions.models import Application
from gnlc.admissions.querysets import conflicted_q


@rules.predicate
def is_applicant_of(user, application):
    """Who wrote the application; for an award application, also any coordinator of
    the member it is made for."""
    if not user.is_authenticated:
        return False
    if application.created_by_id == user.pk:
        return True
    return bool(
        application.member_id
        and application.call.kind_spec.enters_members
        and is_coordinator_of_member(user, application.member_id)
    )


@rules.predicate
def is_award_call(user, call):
    return call is not None and call.kind_spec.enters_members


@rules.predicate
def is_membership_call(user, call):
    return call is None or not call.kind_spec.enters_members


@rules.predicate
def is_public_call(user, call):
    """An opened call (a draft is the secretariat's alone)."""
    return call is not None and call.is_public


@rules.predicate
def is_natcom_of_application(user, application):
    return is_natcom_of_country(user, application.country_id)


@rules.predicate
def is_nominator_of(user, application):
    """Who nominates: the country's National Commission, or the secretariat for a call
    without national nomination (award, practices)."""
    if application.call.needs_national_nomination:
        return is_natcom_of_country(user, application.country_id)
    return is_secretariat(user)


@rules.predicate
def has_conflict(user, application):
    """A declared conflict not overridden, or the juror's own country (not overridden)."""

    return (
        user.is_authenticated
        and Application.objects.filter(pk=application.pk).filter(conflicted_q(user)).exists()
    )


@rules.predicate
def is_assigned_juror(user, application):
    return (
        user.is_authenticated
        and is_juror(user)
        and application.reviews.filter(juror=user).exists()
        and not has_conflict(user, application)
    )


@rules.predicate
def can_see_application(user, application):
    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


@rules.predicate
def is_editable(user, application):
    return application.is_editable


rules.add_perm("admissions.view_call", is_public_call | is_secretariat)
# Anyone signed in may apply for membership (they register first); only a member's
# coordinator may enter it for the award.
rules.add_perm("admissions.apply", rules.is_authenticated & is_membership_call)
rules.add_perm("admissions.apply_award", is_coordinator & is_award_call)
rules.add_perm("admissions.view_application", can_see_application)
rules.add_perm("admissions.view_letter", can_see_application)
rules.add_perm("admissions.change_application", is_applicant_of & is_editable)
rules.add_perm("admissions.submit_application", is_applicant_of)
rules.add_perm("admissions.withdraw_application", is_applicant_of)
rules.add_perm("admissions.nominate_application", is_nominator_of)
rules.add_perm("admissions.decide_application", is_secretariat)
rules.add_perm("admissions.review_application", is_assigned_juror)
rules.add_perm("admissions.declare_conflict", is_assigned_juror)
rules.add_perm("admissions.view_natcom_page", is_natcom | is_secretariat)
rules.add_perm("admissions.view_jury_page", is_juror)
# Jurors' changes to the facts that decide their conflicts wait for the secretariat.
rules.add_perm("admissions.manage_jury", is_secretariat)
rules.add_perm("admissions.add_call", is_secretariat)
rules.add_perm("admissions.manage_call", is_secretariat)
rules.add_perm("admissions.manage_outbox", is_secretariat)
