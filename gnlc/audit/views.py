from django.core.paginator import Paginator
from django.shortcuts import render

from gnlc.audit.forms import AuditFilter
from gnlc.core.permissions import permission_required


@permission_required("audit.view_auditentry")
def log(request):
    form = AuditFilter(request.GET)
    page = Paginator(form.queryset(), 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"form": form, "page": page})
