import pytest
from django.template.loader import get_template

from gnlc.admissions import kinds
from gnlc.admissions.enums import AWARD_QUOTA_PER_COUNTRY, CallKind
from gnlc.admissions.models import Call
from gnlc.admissions.templatetags.admissions import fill


def test_kinds_every_call_kind_has_one():
    assert sorted(kinds.KINDS) == sorted(CallKind.values)
    assert all(kinds.of(value).value == value for value in CallKind.values)


@pytest.mark.parametrize("value", CallKind.values)
def test_kinds_templates_exist(value):
    kind = kinds.of(value)
    names = [kind.card_template, kind.body_template, kind.outcome_template]
    if kind.entry_template:
        names.append(kind.entry_template)
    for name in names:
        assert get_template(name).origin.name.endswith(name)


def test_kinds_defaults_apply_unless_given():
    assert Call(kind=CallKind.AWARD).quota_per_country == AWARD_QUOTA_PER_COUNTRY
    assert Call(kind=CallKind.AWARD, quota_per_country=5).quota_per_country == 5
    practices = Call(kind=CallKind.PRACTICES)
    assert (practices.needs_national_nomination, practices.quota_per_country) == (False, None)
    assert Call(kind=CallKind.MEMBERSHIP).quota_per_country == 3


def test_kinds_words_differ_for_the_award():
    assert kinds.AWARD.state_label("admitted") == "Winner"
    assert kinds.MEMBERSHIP.state_label("admitted") == "Admitted"
    assert kinds.AWARD.move_label("waitlisted") == "Keep in reserve"
    assert kinds.MEMBERSHIP.move_label("waitlisted") == "Waitlist"
    assert kinds.AWARD.recommendation_code("admit") == "winner"
    assert kinds.MEMBERSHIP.recommendation_code("admit") == "admit"


def test_fill_puts_the_figures_in_a_kinds_sentence():
    assert fill(kinds.AWARD.unpublished_count, {"n": 1}) == "1 winner is not recorded yet."
    assert fill(kinds.AWARD.unpublished_count, {"n": 2}) == "2 winners are not recorded yet."
    assert (
        fill(kinds.MEMBERSHIP.decided_summary, {"n": 3, "w": 1, "d": 0})
        == "Admitted: 3; waitlisted: 1; not admitted: 0."
    )
