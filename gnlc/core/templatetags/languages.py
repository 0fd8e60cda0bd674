import functools

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from gnlc.core.templatetags.navigation import url_context
from gnlc.core.text import text_direction

register = template.Library()


@register.inclusion_tag("partials/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in each language (the language is in the URL), so switching
    needs no JavaScript and no cookie, and every language's page can be shared."""
    request = context["request"]
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = _translated(request.path, code, *url_context())
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": f"{url}?{query}" if query else url,
                "current": code == current,
                "bidi": info["bidi"],
            }
        )
    return {"languages": links}


@functools.lru_cache(maxsize=1024)
def _translated(path: str, code: str, *_url_context) -> str:
    # Kept per url_context(): translate_url resolves the path and reverses it again,
    # four times a page, for the same few paths (a list's pages differ by their query).
    return translate_url(path, code)


@register.filter
def direction(language) -> str:
    """`{{ post.language|direction }}`: "rtl" or "ltr", for the `dir` attribute of content
    written in another language than the page's."""
    return text_direction(str(language or ""))
