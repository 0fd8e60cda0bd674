from django.urls import path

from gnlc.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("welcome/<uidb64>/<token>/", views.FirstAccessView.as_view(), name="first-access"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
    # The secretariat's people pages.
    path("people/", views.people, name="people"),
    path("people/invite/", views.person_invite, name="people-invite"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/roles/new/", views.person_role_add, name="person-role-add"),
    path(
        "people/<int:pk>/roles/<int:role_pk>/remove/",
        views.person_role_remove,
        name="person-role-remove",
    ),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person-reactivate"),
    path("people/<int:pk>/invitation/", views.person_resend, name="person-resend"),
    path("", views.dashboard, name="dashboard"),
]
