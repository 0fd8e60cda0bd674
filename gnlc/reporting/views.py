"""Pages of members' reporting, for the city coordinators (their member's reports),
National Commissions (their country's, read-only) and the secretariat (everything, the
framework, periods, policy, dashboard and reinstatements). Views parse with a form,
call a model method, render; permissions come from rules.py through
gnlc.core.permissions (404 for what a user may not see, 403 for what they see but may
not change)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from gnlc.audit.context import acting_as
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.core import workflow
from gnlc.core.bodylimit import accepts_files
from gnlc.core.forms import render_form
from gnlc.core.permissions import check, permission_required
from gnlc.core.uploads import CONTENT_TYPES
from gnlc.core.workflow import TransitionForm
from gnlc.reporting import stats
from gnlc.reporting.enums import Rating, ReportState
from gnlc.reporting.forms import (
    AreaForm,
    DashboardForm,
    FeatureForm,
    GroupForm,
    PeriodForm,
    PolicyForm,
    ReinstateForm,
    ReportForm,
)
from gnlc.reporting.models import (
    Area,
    Attachment,
    Feature,
    FrameworkVersion,
    Group,
    LifecyclePolicy,
    Report,
    ReportingPeriod,
    TransitionError,
)

MANAGE = "reporting.manage_reporting"


def _report(request, pk):
    """The report if the user may see it, else 404 (existence is not leaked)."""
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "period", "period__framework", "member", "member__country"
        ),
        pk=pk,
    )


# Reports ----------------------------------------------------------------------------------


@permission_required("reporting.view_reporting")
def home(request):
    """The reports this user may see, newest period first."""
    reports = Report.objects.visible_to(request.user).for_listing()
    state = request.GET.get("state")
    if state in ReportState.values:
        reports = reports.filter(state=state)
    page = Paginator(reports.order_by("-period__opens", "member__name"), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reporting/home.html",
        {
            "reports": page.object_list,
            "page": page,
            "states": ReportState.choices,
            "state": state,
            "can_manage": request.user.has_perm(MANAGE),
            "today": timezone.localdate(),
        },
    )


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    previous = report.previous()
    can_edit = request.user.has_perm("reporting.change_report", report)
    return render(
        request,
        "reporting/report.html",
        {
            "report": report,
            "previous": previous,
            "sections": report.sections(previous),
            "attachments": report.attachments.all(),
            "history": report.history.select_related("by"),
            "moves": report.allowed_states(request.user),
            "can_edit": can_edit,
            # Those who write it see what is still missing before it can be submitted.
            "incomplete": report.incomplete_areas() if can_edit else None,
        },
    )


@accepts_files(ReportForm.base_fields["attachment"].max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    """Save the draft (always, whatever is missing) or save and submit."""
    report = _report(request, pk)
    check(request, "reporting.change_report", report)
    previous = report.previous()
    form = ReportForm(request.POST or None, request.FILES or None, report=report)
    status = 200
    incomplete = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            form.save(by=request.user)
            for warning in form.warnings:
                messages.warning(request, warning)
            if request.POST.get("action") != "submit":
                messages.success(request, _("The draft was saved."))
                return redirect("reporting:report-edit", pk=report.pk)
            incomplete = report.incomplete_areas()
            if not incomplete:
                try:
                    report.transition(ReportState.SUBMITTED, by=request.user)
                except TransitionError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("The report was submitted."))
                    return redirect(report)
            for name, problem in report.problems_for_submission(incomplete).items():
                form.add_error(name, problem)
            messages.warning(request, _("The draft was saved, but not submitted."))
            # Uploaded and removed attachments are saved: show the list as it now is.
            form.attachments = list(report.attachments.all())
    return render(
        request,
        "reporting/report_edit.html",
        {
            "report": report,
            "form": form,
            "layout": form.layout(previous),
            "previous": previous,
            "attachments": report.attachments.all(),
            # What keeps it from being submitted, after "Save and submit" found it.
            "incomplete": incomplete,
        },
        status=status,
    )


@login_required
@require_POST
def report_transition(request, pk):
    """Every button that moves a report (submit, return, accept) posts here; the model
    decides whether the move is allowed."""
    report = _report(request, pk)
    refused = workflow.post_transition(
        request,
        report,
        TransitionForm(request.POST, note_name="comment"),
        done=lambda: (
            _("The report is now %(state)s.") % {"state": report.get_state_display().lower()}
        ),
    )
    return refused or redirect(report)


@login_required
def attachment(request, pk):
    item = get_object_or_404(
        Attachment.objects.filter(report__in=Report.objects.visible_to(request.user)), pk=pk
    )
    check(request, "reporting.view_attachment", item.report, hide=True)
    try:
        with item.open() as handle:
            # At most ATTACHMENT_MAX_MB: read whole, so no file handle outlives the view.
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=CONTENT_TYPES.get(item.kind, "text/plain"))
    name = item.file.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# Members ----------------------------------------------------------------------------------


def _member(request, slug):
    return get_object_or_404(Member.objects.select_related("country"), slug=slug)


@permission_required("reporting.view_member_reporting", _member)
def member_history(request, slug, obj):
    member = obj
    reports = (
        member.reports.select_related("period", "suspension", "withdrawal")
        .prefetch_related("history", "reminders")
        .order_by("-period__opens")
    )
    return render(
        request,
        "reporting/member.html",
        {
            "member": member,
            "reports": reports,
            "events": member.events.select_related("cohort", "created_by").order_by(
                "-effective_on", "-id"
            ),
            "status": member.status_on(),
            "can_reinstate": request.user.has_perm("reporting.reinstate_member", member),
        },
    )


@permission_required("reporting.reinstate_member", _member)
@require_http_methods(["GET", "POST"])
def reinstate(request, slug, obj):
    """Reverse a suspension or withdrawal, with a reason: a membership event."""
    member = obj
    form = ReinstateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with acting_as(request.user):
                member.record_event(
                    EventKind.REINSTATED,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["reason"],
                    by=request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(member)s is reinstated.") % {"member": member.name})
            return redirect("reporting:member", slug=member.slug)
    return render_form(
        request,
        "reporting/reinstate.html",
        {"member": member, "form": form, "status": member.status_on()},
    )


# The secretariat --------------------------------------------------------------------------


@permission_required(MANAGE)
def dashboard(request):
    today = timezone.localdate()
    form = DashboardForm(request.GET or None)
    period = (form.cleaned_data.get("period") if form.is_valid() else None) or (
        ReportingPeriod.objects.current(today) or ReportingPeriod.objects.first()
    )
    context = {"form": form, "period": period, "today": today}
    if period:
        figures = stats.compliance(period)
        assessment = stats.self_assessment(period)
        context.update(
            figures=figures,
            compliance_chart=stats.compliance_chart(figures["regions"]),
            risk=stats.at_risk(period, today),
            assessment=assessment,
            assessment_chart=stats.self_assessment_chart(assessment),
            ratings=Rating.labels,
        )
    return render(request, "reporting/dashboard.html", context)


@permission_required(MANAGE)
def periods(request):
    rows = ReportingPeriod.objects.select_related("framework").annotate_counts()
    return render(request, "reporting/periods.html", {"periods": rows})


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def period_form(request, pk=None):
    """A new period or changes to one. A period that has opened gets its reports."""
    period = get_object_or_404(ReportingPeriod, pk=pk) if pk else None
    form = PeriodForm(request.POST or None, instance=period)
    if period and period.reports.exists():
        form.fields["framework"].disabled = True
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), acting_as(request.user):
            period = form.save()
            created = period.assign_reports() if period.opens <= timezone.localdate() else 0
        messages.success(
            request,
            ngettext(
                "The period is saved; %(n)d report was created.",
                "The period is saved; %(n)d reports were created.",
                created,
            )
            % {"n": created},
        )
        return redirect("reporting:periods")
    return render_form(request, "reporting/period_form.html", {"form": form, "period": period})


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def policy(request):
    form = PolicyForm(request.POST or None, instance=LifecyclePolicy.current())
    if request.method == "POST" and form.is_valid():
        with acting_as(request.user):
            form.save()
        messages.success(request, _("The policy is saved."))
        return redirect("reporting:policy")
    return render_form(request, "reporting/policy.html", {"form": form})


@permission_required(MANAGE)
def framework(request):
    return render(
        request,
        "reporting/framework.html",
        {"versions": FrameworkVersion.objects.all()},
    )


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def framework_version(request, pk):
    """A version's tree; POST `publish` (a draft) or `new-draft` (a copy to edit)."""
    version = get_object_or_404(FrameworkVersion, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            with acting_as(request.user):
                if action == "publish":
                    version.publish()
                    messages.success(request, _("The version is published."))
                elif action == "new-draft":
                    version = version.new_draft()
                    messages.success(request, _("A new draft version was made: edit it here."))
                else:
                    return HttpResponse(_("Unknown action."), status=400)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(version)
    return render(
        request,
        "reporting/framework_version.html",
        {"version": version, "groups": version.tree(), "periods": version.periods.all()},
    )


NODES = {"group": (Group, GroupForm), "area": (Area, AreaForm), "feature": (Feature, FeatureForm)}


def _editable_version(request, version_pk):
    version = get_object_or_404(FrameworkVersion, pk=version_pk)
    if not version.is_editable:
        messages.error(request, _("A published version is not edited: make a new draft."))
        return version, redirect(version)
    return version, None


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def framework_node(request, version, kind, pk):
    """Edit a group, area of focus or feature of a draft version (a feature may also be
    deleted)."""
    if kind not in NODES:
        raise Http404
    version, refusal = _editable_version(request, version)
    if refusal:
        return refusal
    model, form_class = NODES[kind]
    node = get_object_or_404(model, pk=pk, version=version)
    form = form_class(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        with acting_as(request.user):
            if form.cleaned_data.get("delete"):
                node.delete()
                messages.success(request, _("The feature is deleted."))
            else:
                form.save()
                messages.success(request, _("Saved."))
        return redirect(version)
    return _node_page(request, form, version, node=node, kind=kind)


def _node_page(request, form, version, **context):
    """The form of a framework's group, area or feature."""
    return render_form(
        request, "reporting/node_form.html", {"form": form, "version": version, **context}
    )


@permission_required(MANAGE)
@require_http_methods(["GET", "POST"])
def feature_add(request, version, area):
    version, refusal = _editable_version(request, version)
    if refusal:
        return refusal
    area = get_object_or_404(Area, pk=area, version=version)
    order = (area.features.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    form = FeatureForm(
        request.POST or None,
        instance=Feature(version=version, area=area, order=order),
        initial={"code": f"{area.code}.{order}"},
    )
    if request.method == "POST" and form.is_valid():
        with acting_as(request.user):
            form.save()
        messages.success(request, _("The feature is added."))
        return redirect(version)
    return _node_page(request, form, version, node=None, area=area, kind="feature")
