"""Template helpers of the cities pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def toggle_filter(context, name, value=None):
    """The current query string with `value` added to filter `name`'s values, or taken
    out when it is already one of them (letters' case aside: country codes), or with the
    filter removed when no value is given; the page number is dropped, since the result
    set changes. Facet links and "remove filter" chips of the directory and the library
    are built from this, so every other filter in the URL survives the click."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        values = [item for item in query.getlist(name) if item != ""]
        kept = [item for item in values if item.upper() != str(value).upper()]
        query.setlist(name, kept if len(kept) < len(values) else [*values, str(value)])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
