from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gnlc.core.permissions import permission_required
from gnlc.mail.enums import MailStatus
from gnlc.mail.models import QueuedMail

SHOWN = {
    "waiting": lambda mails: mails.waiting(),
    "failed": lambda mails: mails.failed(),
    "sent": lambda mails: mails.filter(status=MailStatus.SENT),
}


@permission_required("mail.view_queuedmail")
def queue(request):
    shown = request.GET.get("show") if request.GET.get("show") in SHOWN else "waiting"
    mails = SHOWN[shown](QueuedMail.objects.all()).defer("message")
    page = Paginator(mails, 50).get_page(request.GET.get("page"))
    counts = {
        "waiting": QueuedMail.objects.waiting().count(),
        "failed": QueuedMail.objects.failed().count(),
    }
    return render(request, "mail/queue.html", {"page": page, "shown": shown, "counts": counts})


@permission_required("mail.send_again")
@require_POST
def send_again(request, pk):
    mail = get_object_or_404(QueuedMail.objects.failed().defer("message"), pk=pk)
    mail.send_again()
    messages.success(request, _("The message is queued again and will be sent shortly."))
    return redirect("mail:queue")
