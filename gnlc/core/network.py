"""The network's name in the language of the page, the e-mail or the announcement.

`GNLC_NETWORK_NAME` is the installation's setting, in English. Our catalogues translate
the default name ("UNESCO Global Network of Learning Cities": the French, Spanish and
Arabic names UNESCO itself uses); an installation that renames the network keeps its name
as set in every language, unless it adds that name to its own catalogues."""

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# Marked so that makemessages keeps the default name in the catalogues: the setting is
# read at run time, which extraction cannot see.
DEFAULT_NETWORK_NAME = gettext_noop("UNESCO Global Network of Learning Cities")


def network_name() -> str:
    """The network's name in the active language (the setting itself where the
    catalogues do not translate it)."""
    return gettext(settings.GNLC_NETWORK_NAME)
