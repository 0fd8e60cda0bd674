"""The site header's links, marked as the current page or section.

A link is current by the view that answered (its namespace and name), never by a bare
URL name: admissions, reporting and the cities app each have a view called "home", and
reading the name alone lit "Home" up on /admissions/."""

import functools

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

# Which header section each view belongs to: "namespace:name", or "namespace:*" for a
# whole app. The first match wins, so exceptions come before their app's wildcard.
SECTIONS = (
    ("cities:home", "home"),
    ("cities:directory", "directory"),
    ("cities:member", "directory"),
    ("cities:member-edit", "directory"),
    ("cities:countries", "directory"),
    ("cities:country", "directory"),
    ("cities:region", "directory"),
    ("cities:map", "map"),
    ("cities:statistics", "statistics"),
    ("cities:open-data", "open-data"),
    ("library:*", "library"),
    ("news:press", "press"),
    ("news:press-manage", "press"),
    ("news:*", "news"),
    ("admissions:*", "admissions"),
    ("reporting:*", "reporting"),
    ("clusters:*", "clusters"),
    ("events:*", "events"),
    ("accounts:*", "account"),
    ("api-docs", "api"),
)


def section_of(match) -> str:
    """The header section of a resolved view (`request.resolver_match`), or ""."""
    if match is None:
        return ""
    view = match.view_name
    for pattern, section in SECTIONS:
        if view == pattern or (
            pattern.endswith(":*") and match.namespace == pattern.removesuffix(":*")
        ):
            return section
    return ""


@register.simple_tag(takes_context=True)
def current_section(context) -> str:
    request = context.get("request")
    return section_of(getattr(request, "resolver_match", None)) if request else ""


@register.simple_tag(takes_context=True)
def nav_link(context, url_name, label, section, css_class=""):
    """A header link to `url_name`: aria-current="page" on that very page, "true"
    elsewhere in its `section` (a member page is in the directory's)."""
    request = context["request"]
    href = _reversed(url_name, *url_context())
    current = ""
    if request.path == href:
        current = "page"
    elif section and section == section_of(request.resolver_match):
        current = "true"
    return format_html(
        '<a href="{}"{}{}>{}</a>',
        href,
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-current="{}"', current) if current else "",
        label,
    )


def url_context() -> tuple:
    """What an address reversed from a URL name depends on besides the name: the
    language (its prefix), the script prefix and the URL configuration."""
    return get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF


@functools.lru_cache(maxsize=256)
def _reversed(url_name: str, *_url_context) -> str:
    # Kept per url_context(): every page's header reverses the same dozen names.
    return reverse(url_name)
