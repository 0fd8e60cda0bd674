from django.urls import path, re_path

from gnlc.library import views
from gnlc.library.feeds import NewPractices

app_name = "library"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^practices\.(?P<fmt>csv|json)$", views.export, name="export"),
    path("feed.atom", NewPractices(), name="feed"),
    path("practices/new/", views.practice_create, name="practice-new"),
    path("practices/<slug:slug>/", views.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", views.practice_edit, name="practice-edit"),
    path("practices/<slug:slug>/move/<str:to>/", views.practice_move, name="practice-move"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("mine/", views.manage, name="manage"),
    path("moderation/", views.moderation, name="moderation"),
    path("cities/<slug:slug>/", views.member_practices, name="member"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/submit/", views.call_submit, name="call-submit"),
    path("calls/<int:pk>/review/", views.call_review, name="call-review"),
    path("documents/", views.documents, name="documents"),
    path("documents/<slug:slug>.pdf", views.document_file, name="document-file"),
]
