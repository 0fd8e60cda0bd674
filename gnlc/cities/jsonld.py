"""schema.org descriptions in JSON-LD, so that search engines and data portals find the
open data (`Dataset` with its distributions, on /data/) and each member (`City`, on its
page). Rendered by the `json_ld` template tag as a data block, which no browser runs."""

from django.conf import settings
from django.urls import reverse

from gnlc.cities import exports


def dataset(absolute) -> dict:
    """The open data as a schema.org Dataset; `absolute(path)` makes a full URL."""
    downloads = [
        (absolute(reverse("cities:download", args=[fmt])), exports.FORMATS[fmt].split(";")[0])
        for fmt in exports.FORMATS
    ]
    downloads.append((absolute(reverse("cities:datapackage")), "application/json"))
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{settings.GNLC_NETWORK_NAME}: member cities",
        "description": (
            "The member cities of the network, compiled from its public announcements, each "
            "with the page it comes from; with the cohorts, the countries and the network's "
            "own published totals."
        ),
        "url": absolute(reverse("cities:open-data")),
        "license": settings.GNLC_DATA_LICENCE_URL,
        "creator": {"@type": "Organization", "name": settings.GNLC_NETWORK_NAME},
        "isAccessibleForFree": True,
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": media, "contentUrl": url}
            for url, media in downloads
        ],
    }


def city(member, absolute) -> dict:
    """A member as a schema.org City (a Place): its name, country and coordinates."""
    data = {
        "@context": "https://schema.org",
        "@type": "City",
        "name": member.name,
        "url": absolute(member.get_absolute_url()),
        "containedInPlace": {"@type": "Country", "name": member.country.name},
    }
    if member.local_name:
        data["alternateName"] = member.local_name
    if member.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": member.latitude,
            "longitude": member.longitude,
        }
    return data
