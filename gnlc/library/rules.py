"""Who may do what in the library. Published practices and the network's documents are
public; a city coordinator writes and submits their own city's practices; the secretariat
moderates (publishes, returns with a reason, archives) and edits the themes.

Every predicate that takes a practice answers False without one, so asking a permission
without an object never grants it by accident."""

import rules

from gnlc.accounts.rules import is_coordinator, is_secretariat
from gnlc.library.enums import PracticeState


@rules.predicate
def is_coordinator_of_practice(user, practice):
    """The user coordinates one of the practice's member cities."""
    if practice is None or not user.is_authenticated:
        return False
    mine = user.coordinated_member_ids()
    if not mine:
        return False
    return any(member.pk in mine for member in practice.members.all())


def _in_state(*states):
    @rules.predicate(name=f"is_{'_or_'.join(states)}")
    def predicate(user, practice):
        return practice is not None and practice.state in states

    return predicate


is_draft = _in_state(PracticeState.DRAFT)
is_submitted = _in_state(PracticeState.SUBMITTED)
is_published = _in_state(PracticeState.PUBLISHED)
is_archived = _in_state(PracticeState.ARCHIVED)
is_public = _in_state(PracticeState.PUBLISHED, PracticeState.ARCHIVED)
is_editable_by_secretariat = _in_state(
    PracticeState.DRAFT, PracticeState.SUBMITTED, PracticeState.PUBLISHED
)

# Seeing a practice: published and archived ones are public; drafts and submissions are
# for their cities' coordinators and the secretariat (others get a 404).
rules.add_perm("library.view_practice", is_public | is_secretariat | is_coordinator_of_practice)
rules.add_perm("library.view_practice_history", is_secretariat | is_coordinator_of_practice)
rules.add_perm("library.add_practice", is_secretariat | is_coordinator)
rules.add_perm(
    "library.change_practice",
    (is_secretariat & is_editable_by_secretariat) | (is_coordinator_of_practice & is_draft),
)
rules.add_perm("library.manage_practices", is_secretariat | is_coordinator)
rules.add_perm("library.moderate_practices", is_secretariat)
# The workflow's moves (enums.MOVES names the permission each one asks).
rules.add_perm("library.submit_practice", is_draft & (is_secretariat | is_coordinator_of_practice))
rules.add_perm("library.publish_practice", is_submitted & is_secretariat)
rules.add_perm("library.return_practice", (is_submitted | is_published) & is_secretariat)
rules.add_perm(
    "library.archive_practice", is_published & (is_secretariat | is_coordinator_of_practice)
)
rules.add_perm("library.restore_practice", is_archived & is_secretariat)

# Themed calls for practices (a Call of kind "practices", gnlc.admissions): their pages
# are public; a city coordinator submits their cities' drafts to an open one (the
# practice's own permission and the deadline are checked again by the transition); the
# secretariat reviews what was submitted.
rules.add_perm("library.submit_to_call", is_secretariat | is_coordinator)
rules.add_perm("library.review_call", is_secretariat)

# Back office (Django admin): themes and documents are the secretariat's.
# (Documents are public: their pages ask no permission.)
for model in ("theme", "document"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"library.{action}_{model}", is_secretariat)
