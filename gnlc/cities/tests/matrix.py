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
    "cities:open-data": (lambda o: {}, ALL),
    "api-docs": (lambda o: {}, ALL),
}
