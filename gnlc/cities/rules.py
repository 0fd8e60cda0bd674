"""Who may do what to members. Everything about the directory is public; changing it is
for the secretariat, and a city coordinator may edit their own city's profile."""

import rules

from gnlc.accounts.rules import (
    follows_members,
    is_coordinator_of_member,
    is_responsible_for_member,
    is_secretariat,
)


@rules.predicate
def is_responsible_for_suggestion(user, suggestion):
    """The city coordinator of the member a suggestion is about, or the National
    Commission of its country: they see it (never decide it)."""
    member = getattr(suggestion, "member", None)
    return member is not None and is_responsible_for_member(user, member)


rules.add_perm("cities.view_member", rules.always_allow)
rules.add_perm("cities.change_member_profile", is_secretariat | is_coordinator_of_member)
rules.add_perm("cities.change_member", is_secretariat)
rules.add_perm("cities.record_membership_event", is_secretariat)
# Anyone may suggest a correction or a missing member (nothing is public until reviewed);
# the secretariat reviews.
rules.add_perm("cities.suggest", rules.always_allow)
rules.add_perm("cities.review_suggestion", is_secretariat)
# Coordinators and National Commissions see the suggestions about their city or country.
rules.add_perm("cities.view_suggestions", is_secretariat | follows_members)
rules.add_perm("cities.view_suggestion", is_secretariat | is_responsible_for_suggestion)
