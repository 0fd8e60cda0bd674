from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "gnlc.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self):
        # backends imports mail.models lazily; connect once the app registry is ready.
        from gnlc.mail.backends import send_after_request  # noqa: PLC0415

        request_finished.connect(send_after_request, dispatch_uid="gnlc.mail.send_after_request")
