from django.urls import path

from gnlc.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/send-again/", views.send_again, name="send-again"),
]
