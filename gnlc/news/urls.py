from django.urls import path, re_path

from gnlc.news import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.post_list, name="list"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feed/<slug:region>/", feeds.RegionNewsFeed(), name="region-feed"),
    path("feed/clusters/<slug:cluster>/", feeds.ClusterNewsFeed(), name="cluster-feed"),
    path("write/", views.post_create, name="post-create"),
    path("press/", views.press, name="press"),
    path("press/manage/", views.press_manage, name="press-manage"),
    path("press/contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("press/contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("press/logos/<int:pk>/", views.logo, name="logo"),
    path("press/logos/<int:pk>/delete/", views.logo_delete, name="logo-delete"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/<str:token>/", views.subscribe_confirm, name="subscribe-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("announcements/", views.announcement_list, name="announcements"),
    path("announcements/generate/", views.announcement_generate, name="announcement-generate"),
    path("announcements/<int:pk>/", views.announcement_edit, name="announcement"),
    path(
        "announcements/<int:pk>/refresh/",
        views.announcement_refresh,
        name="announcement-refresh",
    ),
    path(
        "announcements/<int:pk>/regenerate/",
        views.announcement_regenerate,
        name="announcement-regenerate",
    ),
    path(
        "announcements/<int:pk>/publish/",
        views.announcement_publish,
        name="announcement-publish",
    ),
    re_path(
        r"^announcements/(?P<pk>\d+)/announcement\.(?P<fmt>md|txt|html)$",
        views.announcement_export,
        name="announcement-export",
    ),
    path("<slug:slug>/", views.post_detail, name="post"),
    path("<slug:slug>/edit/", views.post_edit, name="post-edit"),
    path("<slug:slug>/publish/", views.post_publish, name="post-publish"),
]
