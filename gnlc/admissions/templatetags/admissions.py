"""`{% load admissions %}`: the names of states and recommendations in a call's own words
(the award says "Winner", "Not chosen", "Reserve" where membership says "Admitted"...).

    {{ transition.to_state|state_label:call }}
    {{ review.recommendation|recommendation_label:call }}
"""

from django import template

register = template.Library()


@register.filter
def fill(text, values) -> str:
    """`text` (a kind's words with %(name)s placeholders, `gnlc.admissions.kinds`)
    with `values` put in: `{{ call.kind_spec.decided_summary|fill:decided }}`."""
    return text % values


@register.filter
def state_label(state: str, call) -> str:
    return call.kind_spec.state_label(state) if state else ""


@register.filter
def move_label(state: str, call) -> str:
    """The button that moves an application to `state`, in the call's words."""
    return call.kind_spec.move_label(state)


@register.filter
def recommendation_label(recommendation: str, call) -> str:
    """A juror's recommendation, or "" while they have given none."""
    if not recommendation:
        return ""
    return dict(call.kind_spec.recommendation_choices())[recommendation]
