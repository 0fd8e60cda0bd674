"""`{% load awards %}{% award_winners as_of as winners %}`: the Learning City Award's
winners announced by `as_of` (today when empty; `gnlc.cities.stats.award_winners`, one
query) for pages whose views do not pass them, such as the statistics page."""

from django import template

from gnlc.cities.stats import award_winners as winners

register = template.Library()


@register.simple_tag
def award_winners(as_of=None) -> list[dict]:
    return winners(as_of or None)
