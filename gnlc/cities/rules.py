"""Who may do what to members. Everything about the directory is public; changing it is
for the secretariat, and a city coordinator may edit their own city's profile."""

import rules

from gnlc.accounts.rules import is_coordinator_of_member, is_secretariat

rules.add_perm("cities.view_member", rules.always_allow)
rules.add_perm("cities.change_member_profile", is_secretariat | is_coordinator_of_member)
rules.add_perm("cities.change_member", is_secretariat)
rules.add_perm("cities.record_membership_event", is_secretariat)
# Anyone may suggest a correction or a missing member (nothing is public until reviewed);
# the secretariat reviews.
rules.add_perm("cities.suggest", rules.always_allow)
rules.add_perm("cities.review_suggestion", is_secretariat)
