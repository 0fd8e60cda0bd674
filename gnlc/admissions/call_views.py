"""The secretariat's pages for the calls themselves: make one of each kind, edit its
settings, dates and score criteria, open it, close its submissions early, archive and
restore it. (Kept apart from views.py, the cycle's pages, which is at its size limit.)

What the states mean is the model's (`Call.status`, `Call.open`, `Call.close_now`,
`Call.archive`): a call is a draft, seen by the secretariat alone, until it is opened;
closing ends submissions now, as a moved submission deadline with a reason; an archived
call leaves the lists and stays readable at its address."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gnlc.admissions.enums import ApplicationState, CallKind, CallStatus
from gnlc.admissions.forms import CallForm, CloseForm, CriterionFormSet
from gnlc.admissions.models import Call
from gnlc.admissions.views import _managed_call
from gnlc.core.permissions import permission_required


@permission_required("admissions.add_call")
def call_new(request):
    """Which kind of call to make."""
    return render(request, "admissions/call_new.html", {"kinds": CallKind.choices})


@permission_required("admissions.add_call")
@require_http_methods(["GET", "POST"])
def call_create(request, kind):
    if kind not in CallKind.values:
        raise Http404
    return _edit(request, Call(kind=kind), creating=True)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    return _edit(request, _managed_call(request, pk), creating=False)


def _edit(request, call, *, creating):
    """The call's settings and (but for a call for good practices) its criteria, saved
    together or not at all."""
    answered = not creating and call.has_entries()
    submitted = not creating and call.applications.exclude(state=ApplicationState.DRAFT).exists()
    form = CallForm(
        request.POST or None, instance=call, locked_dates=answered, locked_nomination=submitted
    )
    criteria = None
    if call.kind_spec.uses_jury:
        criteria = CriterionFormSet(
            request.POST or None,
            instance=call,
            prefix="criteria",
            locked=not creating and call.scoring_started(),
        )
    if request.method == "POST" and form.is_valid() and (criteria is None or criteria.is_valid()):
        with transaction.atomic():
            call = form.save()
            if criteria is not None:
                criteria.instance = call
                criteria.save()
        if creating:
            messages.success(
                request,
                _("The call was saved as a draft: only the secretariat sees it until you open it."),
            )
        else:
            messages.success(request, _("The call was saved."))
        return redirect("admissions:manage", pk=call.pk)
    return render(
        request,
        "admissions/call_form.html",
        {"call": call, "form": form, "criteria": criteria, "creating": creating},
        status=400 if request.method == "POST" else 200,
    )


# Open, close, archive, restore: each a page that says what will happen, then a button.


def _change(request, pk, action):
    call = _managed_call(request, pk)
    form = CloseForm(request.POST or None) if action == "close" else None
    problems = []
    if action == "open":
        problems = call.opening_problems()
    elif action == "close":
        problems = [p for p in [call.close_refusal()] if p]
    elif action == "archive":
        problems = [p for p in [call.archive_refusal()] if p]
    elif call.status != CallStatus.ARCHIVED:
        problems = [_("This call is not archived.")]
    status = 200
    if request.method == "POST":
        status = 400
        if not problems and (form is None or form.is_valid()):
            try:
                if action == "open":
                    call.open(by=request.user)
                    done = _("The call is open: it is public now.")
                elif action == "close":
                    call.close_now(by=request.user, reason=form.cleaned_data["reason"])
                    done = _("Submissions are closed.")
                elif action == "archive":
                    call.archive(by=request.user)
                    done = _("The call is archived.")
                else:
                    call.restore(by=request.user)
                    done = _("The call is back in the lists.")
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, done)
                return redirect("admissions:manage", pk=call.pk)
        elif problems:
            status = 403
    return render(
        request,
        "admissions/call_change.html",
        {"call": call, "action": action, "form": form, "problems": problems},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_open(request, pk):
    return _change(request, pk, "open")


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request, pk):
    return _change(request, pk, "close")


@login_required
@require_http_methods(["GET", "POST"])
def call_archive(request, pk):
    return _change(request, pk, "archive")


@login_required
@require_http_methods(["GET", "POST"])
def call_restore(request, pk):
    return _change(request, pk, "restore")
