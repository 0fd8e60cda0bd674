from django.urls import path

from gnlc.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report-transition"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("members/<slug:slug>/", views.member_history, name="member"),
    path("members/<slug:slug>/reinstate/", views.reinstate, name="reinstate"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("periods/", views.periods, name="periods"),
    path("periods/new/", views.period_form, name="period-add"),
    path("periods/<int:pk>/", views.period_form, name="period-edit"),
    path("policy/", views.policy, name="policy"),
    path("framework/", views.framework, name="framework"),
    path("framework/<int:pk>/", views.framework_version, name="framework-version"),
    path(
        "framework/<int:version>/<slug:kind>/<int:pk>/",
        views.framework_node,
        name="framework-node",
    ),
    path(
        "framework/<int:version>/areas/<int:area>/features/new/",
        views.feature_add,
        name="feature-add",
    ),
]
