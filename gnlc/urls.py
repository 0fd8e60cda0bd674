"""The site's URLs. Pages carry their language in the URL (/fr/members/, /ar/members/;
English, the default, without a prefix, so existing links keep working); the API and the
admin have no language prefix: the API always answers in English (gnlc/api/api.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from gnlc.accounts.views import admin_login

urlpatterns = [
    path("api/", include("gnlc.api.urls")),
    # Before the admin's own: its log-in page is the site's (one throttle, one second
    # factor). Reversed as "admin:login", the admin's name for the same address.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", include("gnlc.cities.urls")),
        path("accounts/", include("gnlc.accounts.urls")),
        path("admissions/", include("gnlc.admissions.urls")),
        path("news/", include("gnlc.news.urls")),
        path("library/", include("gnlc.library.urls")),
        path("reporting/", include("gnlc.reporting.urls")),
        path("clusters/", include("gnlc.clusters.urls")),
        path("events/", include("gnlc.events.urls")),
        path("audit/", include("gnlc.audit.urls")),
        path("mail/", include("gnlc.mail.urls")),
        prefix_default_language=False,
    ),
]
