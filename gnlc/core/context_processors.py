from django.conf import settings
from django.utils.functional import lazy

from gnlc.core.network import network_name

# Made once: `lazy()` builds a new proxy class each time it is called (some 40 µs, on
# every page when it was called per request); calling the made one costs nothing.
_lazy_network_name = lazy(network_name, str)


def network(request):
    """The network's names, so templates never hard-code them: the full name in the
    active language (gnlc.core.network), read when a template prints it."""
    return {
        "NETWORK_NAME": _lazy_network_name(),
        "NETWORK_SHORT_NAME": settings.GNLC_NETWORK_SHORT_NAME,
    }
