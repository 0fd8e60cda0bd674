from django.urls import path, re_path

from gnlc.cities import suggestion_views, views

app_name = "cities"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.directory, name="directory"),
    re_path(r"^members\.(?P<fmt>csv|json|geojson)$", views.download, name="download"),
    path("members/<slug:slug>/", views.member_detail, name="member"),
    path("members/<slug:slug>/edit/", views.member_edit, name="member-edit"),
    path("members/<slug:slug>/suggest/", suggestion_views.suggest, name="member-suggest"),
    path("suggest/", suggestion_views.suggest, name="suggest"),
    path("suggest/sent/", suggestion_views.suggest_sent, name="suggest-sent"),
    path("suggestions/", suggestion_views.suggestion_queue, name="suggestions"),
    path("suggestions/<int:pk>/", suggestion_views.suggestion_review, name="suggestion"),
    path("countries/", views.country_list, name="countries"),
    re_path(r"^countries/(?P<code>[A-Za-z]{2})/$", views.country_detail, name="country"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/growth.csv", views.statistics_csv, name="statistics-csv"),
    path(
        "statistics/<slug:series>.csv",
        views.statistics_series_csv,
        name="statistics-series-csv",
    ),
    path("map/", views.member_map, name="map"),
    path("map/members.geojson", views.map_members, name="map-members"),
    path("data/", views.open_data, name="open-data"),
    path("data/datapackage.json", views.datapackage_json, name="datapackage"),
    path("data/<slug:table>.csv", views.open_data_table, name="open-data-table"),
]
