from django.urls import path

from gnlc.clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.cluster_list, name="list"),
    path("manage/", views.manage, name="manage"),
    path("new/", views.cluster_form, name="new"),
    path("themes/new/", views.theme_form, name="theme-new"),
    path("themes/<int:pk>/edit/", views.theme_form, name="theme-edit"),
    path("stays/<int:pk>/decide/", views.decide, name="decide"),
    path("stays/<int:pk>/leave/", views.leave, name="leave"),
    path("<slug:slug>/", views.cluster_detail, name="detail"),
    path("<slug:slug>/members.geojson", views.cluster_geojson, name="geojson"),
    path("<slug:slug>/edit/", views.cluster_form, name="edit"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/members/", views.members_area, name="members-area"),
    path("<slug:slug>/members/announce/", views.announce, name="announce"),
    path("<slug:slug>/members/documents/", views.share_document, name="share-document"),
    path("<slug:slug>/members/documents/<int:pk>/", views.document, name="document"),
    path(
        "<slug:slug>/members/documents/<int:pk>/delete/",
        views.delete_document,
        name="delete-document",
    ),
]
