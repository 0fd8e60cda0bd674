"""Template helpers of the cities pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value=None):
    """The current query string with filter `name` set to `value`, or removed when it
    already has that value or no value is given; the page number is dropped, since the
    result set changes. Facet links and "remove filter" chips are built from this, so
    every other filter in the URL survives the click."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    current = query.get(name)
    if value is None or (current is not None and str(current).upper() == str(value).upper()):
        query.pop(name, None)
    else:
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
