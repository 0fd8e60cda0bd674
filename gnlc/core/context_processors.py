from django.conf import settings


def network(request):
    """The network's names, so templates never hard-code them."""
    return {
        "NETWORK_NAME": settings.GNLC_NETWORK_NAME,
        "NETWORK_SHORT_NAME": settings.GNLC_NETWORK_SHORT_NAME,
    }
