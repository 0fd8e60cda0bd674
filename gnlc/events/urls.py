from django.urls import path

from gnlc.events import views
from gnlc.events.feeds import UpcomingEvents

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("feed.atom", UpcomingEvents(), name="feed"),
    path("new/", views.event_create, name="new"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("<slug:slug>/register-by-email/", views.register_by_email, name="register-by-email"),
    path("<slug:slug>/confirm/<str:token>/", views.confirm_guest, name="confirm"),
    path("<slug:slug>/cancel/<str:token>/", views.guest_cancel, name="guest-cancel"),
    path("<slug:slug>/materials/", views.materials, name="materials"),
    path("<slug:slug>/participants/", views.participants, name="participants"),
    path("<slug:slug>/participants.csv", views.participants_csv, name="participants-csv"),
    path("<slug:slug>/event.ics", views.event_ical, name="ical"),
]
