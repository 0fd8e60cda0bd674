from django.conf import settings
from django.utils.functional import lazy

from gnlc.core.network import network_name


def network(request):
    """The network's names, so templates never hard-code them: the full name in the
    active language (gnlc.core.network), read when a template prints it."""
    return {
        "NETWORK_NAME": lazy(network_name, str)(),
        "NETWORK_SHORT_NAME": settings.GNLC_NETWORK_SHORT_NAME,
    }
