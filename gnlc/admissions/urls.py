from django.urls import path
from django.views.generic import RedirectView

from gnlc.admissions import call_views, views

app_name = "admissions"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls.ics", views.calls_calendar, name="calendar"),
    # Registration moved to accounts; links already mailed or bookmarked still work.
    path(
        "register/",
        RedirectView.as_view(pattern_name="accounts:register", query_string=True, permanent=True),
        name="register",
    ),
    path(
        "verify/<str:token>/",
        RedirectView.as_view(pattern_name="accounts:verify", permanent=True),
        name="verify",
    ),
    path("calls/new/", call_views.call_new, name="call-new"),
    path("calls/new/<slug:kind>/", call_views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/edit/", call_views.call_edit, name="call-edit"),
    path("calls/<int:pk>/open/", call_views.call_open, name="call-open"),
    path("calls/<int:pk>/close/", call_views.call_close, name="call-close"),
    path("calls/<int:pk>/archive/", call_views.call_archive, name="call-archive"),
    path("calls/<int:pk>/restore/", call_views.call_restore, name="call-restore"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("calls/<int:pk>/apply-award/", views.apply_award, name="apply-award"),
    path("calls/<int:pk>/manage/", views.manage, name="manage"),
    path("calls/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("calls/<int:pk>/conflicts/", views.conflicts, name="conflicts"),
    path("calls/<int:pk>/scores/", views.scores, name="scores"),
    path("calls/<int:pk>/reviews.csv", views.reviews_csv, name="reviews-csv"),
    path("calls/<int:pk>/decisions/", views.decisions, name="decisions"),
    path("calls/<int:pk>/preview/", views.publication_preview, name="publication-preview"),
    path("calls/<int:pk>/decisions/apply/", views.decisions_apply, name="decisions-apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/letter/", views.application_letter, name="application-letter"),
    path(
        "applications/<int:pk>/transition/",
        views.application_transition,
        name="application-transition",
    ),
    path("applications/<int:pk>/review/", views.review, name="review"),
    path("applications/<int:pk>/conflict/", views.declare_conflict, name="declare-conflict"),
    path("national-commission/", views.natcom, name="natcom"),
    path("jury/", views.jury, name="jury"),
    path("jury/profile/", views.juror_profile, name="juror-profile"),
    path("jury/changes/", views.juror_changes, name="juror-changes"),
    path("outbox/", views.outbox, name="outbox"),
]
