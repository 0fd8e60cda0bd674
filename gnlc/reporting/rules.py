"""Who may do what in members' reporting. Views, templates and the report's transition
all ask these through `user.has_perm("reporting.<perm>", obj)`.

- A city coordinator reads, edits and submits its own member's reports, nothing else.
- A National Commission reads its country's reports (and their attachments), read-only:
  it follows up with its cities but neither edits nor judges their reports.
- The secretariat reads every report, accepts or returns submitted ones, edits the
  framework, periods and lifecycle policy, sees the dashboard and reinstates members.
- Jurors, other users and visitors see nothing of reports."""

import rules

from gnlc.accounts.rules import (
    follows_members,
    is_coordinator_of_member,
    is_natcom_of_country,
    is_responsible_for_member,
    is_secretariat,
)


@rules.predicate
def is_coordinator_of_report(user, report):
    return is_coordinator_of_member(user, report.member_id)


@rules.predicate
def is_natcom_of_report(user, report):
    return is_natcom_of_country(user, report.member.country_id)


@rules.predicate
def is_editable(user, report):
    return report.is_editable


can_see_report = is_secretariat | is_coordinator_of_report | is_natcom_of_report

rules.add_perm("reporting.view_reporting", is_secretariat | follows_members)
rules.add_perm("reporting.view_report", can_see_report)
rules.add_perm("reporting.view_attachment", can_see_report)
rules.add_perm("reporting.change_report", is_coordinator_of_report & is_editable)
rules.add_perm("reporting.submit_report", is_coordinator_of_report)
rules.add_perm("reporting.review_report", is_secretariat)
rules.add_perm("reporting.view_member_reporting", is_secretariat | is_responsible_for_member)
rules.add_perm("reporting.manage_reporting", is_secretariat)
rules.add_perm("reporting.reinstate_member", is_secretariat)
