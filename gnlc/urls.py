from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("gnlc.cities.urls")),
    path("accounts/", include("gnlc.accounts.urls")),
    path("admissions/", include("gnlc.admissions.urls")),
    path("news/", include("gnlc.news.urls")),
    path("library/", include("gnlc.library.urls")),
    path("reporting/", include("gnlc.reporting.urls")),
    path("audit/", include("gnlc.audit.urls")),
    path("api/", include("gnlc.api.urls")),
    path("admin/", admin.site.urls),
]
