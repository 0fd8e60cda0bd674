"""`{% load admissions %}`: the names of states and recommendations in a call's own words
(the award says "Winner", "Not chosen", "Reserve" where membership says "Admitted"...).

    {{ transition.to_state|state_label:call }}
    {{ review.recommendation|recommendation_label:call }}
"""

from django import template

from gnlc.admissions import enums

register = template.Library()


@register.filter
def state_label(state: str, call) -> str:
    return enums.state_label(state, award=call.is_award) if state else ""


@register.filter
def recommendation_label(recommendation: str, call) -> str:
    """A juror's recommendation, or "" while they have given none."""
    if not recommendation:
        return ""
    return dict(enums.recommendation_choices(award=call.is_award))[recommendation]
