from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "gnlc.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self):
        from django.core.signals import request_finished  # the app registry is ready here

        from gnlc.mail.backends import send_after_request

        request_finished.connect(send_after_request, dispatch_uid="gnlc.mail.send_after_request")
