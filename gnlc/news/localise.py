"""Names and sort order in the language of an announcement.

Country names: the UN's short names, as on every page (`Country.name_in`, from
gnlc/cities/names.py).

City names: a member's `name` (as UNESCO writes it in Latin script), except in a
language in which we hold the member's own name (`local_name` tagged with that language:
"أسوان" for Aswan in an Arabic announcement).

Collation: names are sorted with the Unicode Collation Algorithm with Spanish's ñ
tailoring (`gnlc.core.text.sort_key`, the pages' own order).
"""

from django.utils import translation

from gnlc.cities.models import REGION_LABELS
from gnlc.cities.names import base_language


def city_name(member, language: str) -> str:
    """`member`'s name in `language`: its own name where it is written in that language
    (see the module's docstring), its usual name otherwise."""
    own = base_language(member.local_name_lang) if member.local_name_lang else ""
    if member.local_name and own == base_language(language) != "en":
        return member.local_name
    return member.name


def region_name(region, language: str) -> str:
    """A UNESCO region's name in `language` (our own catalogue's translation)."""
    with translation.override(base_language(language)):
        return str(REGION_LABELS.get(region.slug, region.name))
