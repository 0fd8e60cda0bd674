from gnlc.core.tests.matrix import ALL, only

ROUTES = {
    "cities:home": (lambda o: {}, ALL),
    "cities:directory": (lambda o: {}, ALL),
    "cities:download": (lambda o: {"fmt": "csv"}, ALL),
    "cities:member": (lambda o: {"slug": o["member"].slug}, ALL),
    "cities:member-edit": (
        lambda o: {"slug": o["member"].slug},
        only({"coordinator", "secretariat"}),
    ),
    "cities:countries": (lambda o: {}, ALL),
    "cities:country": (lambda o: {"code": o["member"].country_id.lower()}, ALL),
    "cities:region": (lambda o: {"slug": o["member"].country.region_id}, ALL),
    "cities:statistics": (lambda o: {}, ALL),
    "cities:statistics-csv": (lambda o: {}, ALL),
    "cities:statistics-series-csv": (lambda o: {"series": "network"}, ALL),
    "cities:map": (lambda o: {}, ALL),
    "cities:map-members": (lambda o: {}, ALL),
    "cities:open-data": (lambda o: {}, ALL),
    "cities:datapackage": (lambda o: {}, ALL),
    "cities:open-data-table": (lambda o: {"table": "cohorts"}, ALL),
    "api-docs": (lambda o: {}, ALL),
    # Anyone may suggest; only the secretariat reviews; the coordinator and National
    # Commission of the member see the suggestions about it (a suggestion's page is a
    # 404 to others: its existence is not theirs to know).
    "cities:suggest": (lambda o: {}, ALL),
    "cities:member-suggest": (lambda o: {"slug": o["member"].slug}, ALL),
    "cities:suggest-sent": (lambda o: {}, ALL),
    "cities:suggestions": (lambda o: {}, only({"coordinator", "natcom", "secretariat"})),
    "cities:suggestion": (
        lambda o: {"pk": o["suggestion"].pk},
        only({"coordinator", "natcom", "secretariat"}, denied=404),
    ),
}


def build(member, personas):
    from gnlc.cities.models import Suggestion

    suggestion = Suggestion.objects.create(
        kind="correction", member=member, text="Wrong name", source_url="https://example.org/"
    )
    return {"suggestion": suggestion}
