"""Pages of the admission cycle, from each side: the applying city, the National
Commission, the jury and the secretariat. Views parse with a form, call a model method,
render; permissions come from rules.py through gnlc.core.permissions (404 for what a
user may not see, 403 for what they see but may not change)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gnlc.accounts.enums import RoleKind
from gnlc.admissions import assignment, calendar, scoring
from gnlc.admissions.enums import (
    OPEN_STATES,
    QUOTA_STATES,
    ApplicationState,
    CallStatus,
    ConflictDecision,
    DecisionKind,
    MessageStatus,
    ProfileChangeState,
    PublicationState,
)
from gnlc.admissions.forms import (
    ApplicationForm,
    AssignForm,
    AwardApplicationForm,
    ConflictDecisionForm,
    ConflictForm,
    DeadlineForm,
    DecisionsForm,
    JurorProfileForm,
    ProfileChangeDecisionForm,
    ReviewForm,
)
from gnlc.admissions.models import (
    Application,
    Call,
    Conflict,
    JurorProfile,
    JurorProfileChange,
    Message,
    Review,
    ReviewError,
    TransitionError,
)
from gnlc.admissions.preview import preview_of
from gnlc.core import csvfile, ical, workflow
from gnlc.core.bodylimit import accepts_files
from gnlc.core.permissions import check, permission_required
from gnlc.core.workflow import TransitionForm
from gnlc.news.enums import Language


def _application(request, pk):
    """The application if the user may see it, else 404 (existence is not leaked)."""
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "call", "country", "country__region", "created_by"
        ),
        pk=pk,
    )


def _call(request, pk):
    """The call if the user may see it (a draft is the secretariat's alone), else 404."""
    return get_object_or_404(Call.objects.visible_to(request.user), pk=pk)


# The city's side -----------------------------------------------------------------------


def home(request):
    """The admissions page: for a visitor, the open and upcoming calls with who may
    apply and how (`calls_public`); for a signed-in user, their applications, the pages
    of their roles and the public calls. The secretariat also finds every call here, by
    state (drafts, public, archived), with what can be done to each and where each
    one's publication stands."""
    if not request.user.is_authenticated:
        return calls_public(request)
    user = request.user
    mine = Application.objects.filter(created_by=user).for_listing().order_by("-created_at")
    context = {
        "calls": Call.objects.listed().order_by("-opens_on", "-id")[:20],
        "mine": mine,
        "is_natcom": user.has_role(RoleKind.NATCOM),
        "is_juror": user.has_role(RoleKind.JUROR),
    }
    if user.has_perm("admissions.manage_jury"):
        context["pending_juror_changes"] = JurorProfileChange.objects.filter(
            state=ProfileChangeState.PENDING
        ).count()
    if user.has_perm("admissions.manage_call"):
        counted = Call.objects.annotate(
            entries=Count("applications", distinct=True) + Count("practices", distinct=True)
        ).order_by("-opens_on", "-id")
        context["managed"] = [
            (CallStatus.DRAFT, _("Drafts: only the secretariat sees them"), counted.drafts()),
            (CallStatus.PUBLIC, _("Public calls"), counted.listed()),
            (CallStatus.ARCHIVED, _("Archived calls"), counted.archived()),
        ]
    return render(request, "admissions/home.html", context)


def calls_public(request):
    feed = request.build_absolute_uri(reverse("admissions:calendar"))
    return render(
        request,
        "admissions/calls_public.html",
        {"calls": Call.objects.open_or_upcoming(), "feed": feed, "webcal": ical.webcal(feed)},
    )


def calls_calendar(request):
    """The public calendar feed of calls (iCalendar), in the page's language."""
    return ical.response(
        request,
        calendar.public_events(request),
        name=_("%(network)s: calls") % {"network": settings.GNLC_NETWORK_SHORT_NAME},
        description=_("The dates of the calls of the %(network)s.")
        % {"network": settings.GNLC_NETWORK_NAME},
        filename="calls.ics",
    )


def call_detail(request, pk):
    call = _call(request, pk)
    return render(
        request,
        "admissions/call.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "changes": call.deadline_changes.all(),
            "can_manage": request.user.has_perm("admissions.manage_call", call),
        },
    )


def _save_application(request, form, *, submit: bool):
    """Save the form and, when asked, submit: both or neither."""
    try:
        with transaction.atomic():
            application = form.save()
            if submit:
                application.transition(ApplicationState.SUBMITTED, by=request.user)
    except TransitionError as error:
        form.add_error(None, error.message)
        return None
    except IntegrityError:
        form.add_error(None, _("This city already has an open application in this call."))
        return None
    return application


def _refuse_entry(request, call, refusal, existing=()):
    """The form's page without the form: why the user cannot apply now, and links to
    the applications they already have in the call. A POST is refused (403)."""
    return render(
        request,
        call.kind_spec.entry_template,
        {
            "call": call,
            "application": None,
            "refusal": refusal,
            "existing": existing,
            "open": call.is_open(),
        },
        status=403 if request.method == "POST" else 200,
    )


@accepts_files(ApplicationForm.base_fields["letter"].max_bytes)
@permission_required("admissions.apply")
@require_http_methods(["GET", "POST"])
def apply(request, pk):
    call = _call(request, pk)
    if call.kind_spec.apply_url != request.resolver_match.view_name:  # the award, practices
        return redirect(call.apply_url())
    existing = list(
        Application.objects.filter(call=call, created_by=request.user, state__in=OPEN_STATES)
    )
    refusal = call.submission_refusal()
    if refusal:
        return _refuse_entry(request, call, refusal, existing)
    submit = request.POST.get("action") == "submit"
    form = _entry_form(request, call, Application(call=call, created_by=request.user), submit)
    return _entry_page(request, call, form, submit=submit, existing=existing)


def _entry_form(request, call, application, strict: bool, members=None):
    """The entry form of `call`'s kind: a dossier with the mayor's letter, or for the
    award a member's entry (`members`: those it may name)."""
    if call.kind_spec.enters_members:
        return AwardApplicationForm(
            request.POST or None,
            call=call,
            members=members if members is not None else request.user.coordinated_members(),
            strict=strict,
            instance=application,
        )
    return ApplicationForm(
        request.POST or None,
        request.FILES or None,
        call=call,
        strict=strict,
        instance=application,
    )


def _entry_page(request, call, form, *, submit: bool, existing=(), application=None):
    """Save a valid POST of the entry form (submitting it when asked) and go to the
    application; else show the form (400 after a POST). `application`: the one edited."""
    if request.method == "POST" and form.is_valid():
        saved = _save_application(request, form, submit=submit)
        if saved:
            for warning in form.warnings:
                messages.warning(request, warning)
            if application is not None:
                messages.success(request, _("The application was saved."))
            elif submit:
                messages.success(request, _("The application was submitted."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect(saved)
        if application is not None:
            application.refresh_from_db(fields=["state", "submitted_at"])
    return render(
        request,
        call.kind_spec.entry_template,
        {
            "form": form,
            "call": call,
            "application": application,
            "open": call.is_open(),
            "existing": existing,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply_award(request, pk):
    """A member's coordinator enters it for the Learning City Award: the member is chosen
    among those they coordinate (fixed where there is one), the rest is the dossier."""
    call = _call(request, pk)
    if not call.kind_spec.enters_members:
        raise Http404
    check(request, "admissions.apply_award", call)
    members = request.user.coordinated_members()
    existing = list(
        Application.objects.filter(call=call, member__in=members, state__in=OPEN_STATES)
        .select_related("member")
        .order_by("city_name")
    )
    refusal = call.submission_refusal()
    available = members.exclude(pk__in=[a.member_id for a in existing])
    if not refusal and existing and not available.exists():
        refusal = _(
            "Each city you coordinate already has an application in this call: open it "
            "below to continue it."
        )
    if refusal:
        return _refuse_entry(request, call, refusal, existing)
    submit = request.POST.get("action") == "submit"
    application = Application(call=call, created_by=request.user)
    form = _entry_form(request, call, application, submit, members=available)
    return _entry_page(request, call, form, submit=submit, existing=existing)


@accepts_files(ApplicationForm.base_fields["letter"].max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application(request, pk)
    check(request, "admissions.change_application", application)
    submit = request.POST.get("action") == "submit"
    strict = submit or application.state == ApplicationState.SUBMITTED
    form = _entry_form(request, application.call, application, strict)
    return _entry_page(
        request,
        application.call,
        form,
        submit=submit and application.state == ApplicationState.DRAFT,
        application=application,
    )


@login_required
def application_detail(request, pk):
    application = _application(request, pk)
    user = request.user
    is_juror_view = user.has_perm("admissions.review_application", application)
    hide_identity = (
        is_juror_view
        and application.call.hide_applicant_identity
        and not user.has_perm("admissions.manage_call", application.call)
    )
    reviews = (
        Review.objects.visible_to(user)
        .filter(application=application)
        .select_related("juror")
        .order_by("juror__email")
    )
    criteria = list(application.call.criteria.all())
    return render(
        request,
        "admissions/application.html",
        {
            "application": application,
            "call": application.call,
            "history": application.history.select_related("by")
            if not is_juror_view or user.has_perm("admissions.manage_call", application.call)
            else [],
            # Each move the user may make, with why it cannot be made now (or None):
            # the button is then shown disabled, with the reason beside it.
            "moves": [
                (move, application.move_refusal(move)) for move in application.allowed_states(user)
            ],
            "is_applicant": user.has_perm("admissions.submit_application", application),
            "can_edit": user.has_perm("admissions.change_application", application),
            "can_review": is_juror_view,
            "hide_identity": hide_identity,
            "reviews": [(r, [r.scores.get(str(c.pk)) for c in criteria]) for r in reviews],
            "criteria": criteria,
        },
    )


@login_required
def application_letter(request, pk):
    application = _application(request, pk)
    check(request, "admissions.view_letter", application, hide=True)
    if not application.commitment_letter:
        raise Http404
    # Read whole (at most 10 MB): the handle is closed here, whoever reads the response.
    with application.open_letter() as letter:
        response = HttpResponse(letter.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="commitment-letter-{application.pk}.pdf"'
    # A PDF from outside is never rendered as anything else, nor framed elsewhere.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def application_transition(request, pk):
    """Every button that moves an application (submit, withdraw, nominate, decline,
    decide) posts here; the model decides whether the move is allowed."""
    application = _application(request, pk)
    refused = workflow.post_transition(
        request,
        application,
        TransitionForm(request.POST, note_name="reason"),
        done=lambda: (
            _("The application is now %(state)s.") % {"state": application.state_label.lower()}
        ),
    )
    if refused:
        return refused
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = application.get_absolute_url()
    return redirect(target)


# National Commission ---------------------------------------------------------------------


@permission_required("admissions.view_natcom_page")
def natcom(request):
    # Roles read once: each row's "may nominate?" then asks no query.
    prefetch_related_objects([request.user], "roles")
    countries = [role.country_id for role in request.user.role_list if role.kind == RoleKind.NATCOM]
    applications = (
        Application.objects.visible_to(request.user)
        .exclude(submitted_at__isnull=True)
        .for_listing()
        .order_by("-call__opens_on", "country__name", "city_name")
    )
    if countries:
        applications = applications.filter(country__in=countries)
    calls = {}
    for application in applications:
        calls.setdefault(application.call, []).append(application)
    # Places taken in each country's quota, per call: one query for the page.
    used = {
        (row["call"], row["country"]): row["n"]
        for row in Application.objects.filter(
            call__in=[call.pk for call in calls], state__in=QUOTA_STATES
        )
        .values("call", "country")
        .annotate(n=Count("id"))
        .order_by()
    }
    for call, rows in calls.items():
        countries = {row.country_id: row.country for row in rows}
        call.quota_rows = [
            (country, used.get((call.pk, iso2), 0))
            for iso2, country in sorted(countries.items(), key=lambda c: c[1].label)
        ]
        for row in rows:
            row.can_nominate = request.user.has_perm("admissions.nominate_application", row)
            if row.can_nominate and row.state == ApplicationState.SUBMITTED:
                row.refusal = row.nomination_refusal(taken=used.get((call.pk, row.country_id), 0))
    return render(
        request,
        "admissions/natcom.html",
        {"calls": calls},
    )


# Jury ----------------------------------------------------------------------------------


@permission_required("admissions.view_jury_page")
def jury(request):
    visible = Application.objects.visible_to(request.user).values("pk")
    reviews = (
        Review.objects.filter(juror=request.user, application__in=visible)
        .select_related("application__call", "application__country")
        .order_by("-application__call__opens_on", "application__city_name")
    )
    return render(request, "admissions/jury.html", {"reviews": reviews})


@permission_required("admissions.view_jury_page")
@require_http_methods(["GET", "POST"])
def juror_profile(request):
    """The juror's profile; a new country waits for the secretariat (JurorProfileForm)."""
    profile, _created = JurorProfile.objects.select_related("country").get_or_create(
        user=request.user
    )
    form = JurorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        pending = form.save(by=request.user)
        if pending is None:
            messages.success(request, _("Your profile was saved."))
        else:
            messages.info(
                request,
                _(
                    "Your profile was saved. Your new country counts once the secretariat "
                    "approves it; until then your conflicts follow your current one."
                ),
            )
        return redirect("admissions:jury")
    return render(
        request,
        "admissions/juror_profile.html",
        {"form": form, "profile": profile, "pending": profile.pending_change},
    )


@permission_required("admissions.manage_jury")
@require_http_methods(["GET", "POST"])
def juror_changes(request):
    """The jurors' changes to the facts that decide their conflicts, for the secretariat
    to approve (the juror's assignments are then re-checked) or reject."""
    if request.method == "POST":
        form = ProfileChangeDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to approve or to reject the change."))
            return redirect("admissions:juror-changes")
        change = get_object_or_404(
            JurorProfileChange.objects.select_related("profile__user", "country"),
            pk=form.cleaned_data["change"],
            state=ProfileChangeState.PENDING,
        )
        juror = change.profile.user
        if form.cleaned_data["decision"] == "approve":
            withdrawn = change.approve(by=request.user)
            messages.success(
                request,
                ngettext(
                    "Approved: %(juror)s's country is now %(country)s. %(n)d assignment "
                    "in conflict was withdrawn.",
                    "Approved: %(juror)s's country is now %(country)s. %(n)d assignments "
                    "in conflict were withdrawn.",
                    withdrawn,
                )
                % {
                    "juror": juror,
                    "country": change.country.label if change.country else _("none"),
                    "n": withdrawn,
                },
            )
        else:
            change.reject(by=request.user)
            messages.success(
                request, _("Rejected: %(juror)s's country stays as it was.") % {"juror": juror}
            )
        return redirect("admissions:juror-changes")
    changes = JurorProfileChange.objects.select_related(
        "profile__user", "profile__country", "country", "decided_by"
    )
    return render(
        request,
        "admissions/juror_changes.html",
        {
            "pending": changes.filter(state=ProfileChangeState.PENDING),
            "decided": changes.exclude(state=ProfileChangeState.PENDING).order_by(
                "-decided_at", "-id"
            )[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """The juror's review beside the application it reviews (without the city's identity
    where the call hides it). Outside the review phase the page is read-only: the saved
    review, if any, and when reviews can be written."""
    application = _application(request, pk)
    check(request, "admissions.review_application", application)
    own = get_object_or_404(Review, application=application, juror=request.user)
    criteria = list(application.call.criteria.all())
    phase_open = application.call.review_is_open()
    form = ReviewForm(request.POST or None, criteria=criteria, review=own)
    status = 200
    if request.method == "POST" and not phase_open:
        # The model refuses too (save_review); this says so without a form to fill.
        messages.error(request, _("Reviews are closed: your review can no longer be changed."))
        status = 403
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                own.save_review(
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    comment=form.cleaned_data["comment"],
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except ReviewError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, _("Your review was saved."))
                return redirect("admissions:application", pk=application.pk)
    return render(
        request,
        "admissions/review.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "review": own,
            "scores": [(c, own.scores.get(str(c.pk))) for c in criteria],
            "phase_open": phase_open,
            "review_not_started": timezone.now()
            < application.call.start_of(application.call.review_opens_on),
            "hide_identity": application.call.hide_applicant_identity,
            "conflict_form": ConflictForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare_conflict(request, pk):
    application = _application(request, pk)
    check(request, "admissions.declare_conflict", application)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Conflict.declare(
            application=application,
            juror=request.user,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(
            request,
            _("Your conflict is declared; the application is no longer assigned to you."),
        )
        return redirect("admissions:jury")
    return render(
        request, "admissions/conflict_form.html", {"application": application, "form": form}
    )


# Secretariat ---------------------------------------------------------------------------


def _managed_call(request, pk):
    """The call, for the secretariat (drafts included); 403 for anyone else who may see
    it, 404 for a draft they may not."""
    call = _call(request, pk)
    check(request, "admissions.manage_call", call)
    return call


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, pk):
    call = _managed_call(request, pk)
    form = DeadlineForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            call.move_deadline(
                form.cleaned_data["field"],
                form.cleaned_data["day"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                time=form.cleaned_data.get("time"),
            )
        except ValidationError as error:
            # The call's rule names the dates out of order: said next to the new date.
            form.add_error("day", error.messages)
        else:
            messages.success(request, _("The date was moved."))
            return redirect("admissions:manage", pk=call.pk)
    counts = dict(call.applications.order_by().values_list("state").annotate(n=Count("id")))
    states = [
        (call.kind_spec.state_label(state), counts.get(state.value, 0))
        for state in ApplicationState
    ]
    return render(
        request,
        "admissions/manage.html",
        {
            "call": call,
            "form": form,
            "states": states,
            "changes": call.deadline_changes.select_related("by"),
            "criteria": call.criteria.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request, pk):
    call = _managed_call(request, pk)
    jurors = assignment.jury()
    form = AssignForm(request.POST or None, call=call, jurors=jurors)
    if request.method == "POST":
        if request.POST.get("action") == "auto":
            result = assignment.assign_reviews(call, by=request.user)
            messages.success(
                request,
                ngettext("%(n)d review assigned.", "%(n)d reviews assigned.", len(result.pairs))
                % {"n": len(result.pairs)},
            )
            if result.short:
                messages.warning(
                    request,
                    _("%(n)d application(s) lack jurors free of conflicts.")
                    % {"n": len(result.short)},
                )
            return redirect("admissions:assignments", pk=call.pk)
        if request.POST.get("action") == "remove":
            Review.objects.filter(
                application__call=call, pk=request.POST.get("review"), submitted_at__isnull=True
            ).delete()
            return redirect("admissions:assignments", pk=call.pk)
        if form.is_valid():
            try:
                assignment.assign_one(
                    form.cleaned_data["application"], form.cleaned_data["juror"], by=request.user
                )
            except ValueError:
                form.add_error("juror", _("This juror has a conflict with this application."))
            else:
                messages.success(request, _("The juror was assigned."))
                return redirect("admissions:assignments", pk=call.pk)
    applications = (
        Application.objects.filter(call=call, state=ApplicationState.NOMINATED)
        .for_listing()
        .prefetch_related("reviews__juror")
        .order_by("country__region__order", "city_name")
    )
    loads = dict(
        Review.objects.filter(application__call=call)
        .order_by()
        .values_list("juror")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "admissions/assignments.html",
        {
            "call": call,
            "form": form,
            "applications": applications,
            "jurors": [(juror, loads.get(juror.pk, 0)) for juror in jurors],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request, pk):
    call = _managed_call(request, pk)
    if request.method == "POST":
        form = ConflictDecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["conflict"]:
                    conflict = get_object_or_404(
                        Conflict, pk=data["conflict"], application__call=call
                    )
                    conflict.decide(data["decision"], by=request.user, reason=data["reason"])
                else:
                    application = get_object_or_404(Application, pk=data["application"], call=call)
                    juror = get_object_or_404(get_user_model(), pk=data["juror"])
                    Conflict.override_same_country(
                        application=application, juror=juror, by=request.user, reason=data["reason"]
                    )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The conflict was decided."))
        return redirect("admissions:conflicts", pk=call.pk)
    declared = (
        Conflict.objects.filter(application__call=call)
        .select_related("application", "application__country", "juror", "decided_by")
        .order_by("application__city_name", "juror__email")
    )
    overridden = {(c.application_id, c.juror_id) for c in declared if c.kind == "same_country"}
    automatic = []
    profiles = JurorProfile.objects.filter(
        country__isnull=False, user__roles__kind=RoleKind.JUROR
    ).select_related("user", "country")
    by_country = {}
    for profile in profiles:
        by_country.setdefault(profile.country_id, []).append(profile.user)
    for application in Application.objects.filter(
        call=call, country__in=by_country.keys(), state__in=["nominated", "submitted"]
    ).select_related("country"):
        for juror in by_country[application.country_id]:
            if (application.pk, juror.pk) not in overridden:
                automatic.append((application, juror))
    return render(
        request,
        "admissions/conflicts.html",
        {
            "call": call,
            "declared": declared,
            "automatic": automatic,
            "decisions": ConflictDecision,
        },
    )


@login_required
def scores(request, pk):
    call = _managed_call(request, pk)
    return render(
        request,
        "admissions/scores.html",
        {
            "call": call,
            "rows": scoring.score_table(call),
            "jurors": scoring.juror_calibration(call),
        },
    )


@login_required
def reviews_csv(request, pk):
    """Every review of the call, for the secretariat only (jurors never get this file)."""
    call = _managed_call(request, pk)
    criteria = list(call.criteria.all())
    reviews = (
        Review.objects.visible_to(request.user)
        .filter(application__call=call)
        .select_related("application", "application__country", "juror")
        .order_by("application__city_name", "juror__email")
    )
    # A juror's comment is text someone else typed: csvfile neutralises formulas in it.
    response = csvfile.response([], f"reviews-call-{call.pk}.csv")
    writer = csvfile.Writer(response)
    writer.writerow(
        [
            "application_id",
            "city",
            "country",
            "juror",
            *[f"score:{c.name_en}" for c in criteria],
            "weighted_total",
            "recommendation",
            "comment",
            "submitted_at",
        ]
    )
    for review_ in reviews:
        total = review_.weighted_total(criteria)
        writer.writerow(
            [
                review_.application_id,
                review_.application.city_name,
                review_.application.country_id,
                review_.juror.email,
                *[review_.scores.get(str(c.pk), "") for c in criteria],
                f"{total:.3f}" if total is not None else "",
                call.kind_spec.recommendation_code(review_.recommendation),
                review_.comment,
                review_.submitted_at.isoformat() if review_.submitted_at else "",
            ]
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request, pk):
    call = _managed_call(request, pk)
    applications = list(
        Application.objects.filter(call=call)
        .awaiting_decision()
        .for_listing()
        .order_by("country__region__order", "country__name", "city_name")
    )
    form = DecisionsForm(request.POST or None, applications=applications, kind=call.kind_spec)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish":
                published = call.request_publication(by=request.user)
                if published is None:
                    message = _(
                        "The publication is scheduled: nothing is public before the "
                        "announcement's date and time, when everything goes out together."
                    )
                    messages.success(request, message)
                else:
                    messages.success(request, call.kind_spec.published_message(published))
            elif action == "save" and form.is_valid():
                with transaction.atomic():
                    for application, decision in form.decisions().items():
                        if decision != application.decision:
                            application.set_decision(decision, by=request.user)
                messages.success(request, _("The pending decisions were saved."))
        except (TransitionError, ValidationError, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", None) or str(error))
        return redirect("admissions:decisions", pk=call.pk)
    ranks = {row["application"].pk: row for row in scoring.score_table(call)}
    consequences, decided = call.consequences(), _decided(call)
    pending = consequences["by_decision"]
    return render(
        request,
        "admissions/decisions.html",
        {
            "call": call,
            "form": form,
            "rows": [(a, field, ranks.get(a.pk)) for a, field in form.rows()],
            "consequences": consequences,
            # The figures the kind's sentences name (`kinds.Kind.consequences_summary`...).
            "pending": {
                "n": pending.get(DecisionKind.ADMIT) or 0,
                "w": pending.get(DecisionKind.WAITLIST) or 0,
                "d": pending.get(DecisionKind.DECLINE) or 0,
                "u": consequences["undecided"],
            },
            "decided": decided,
            "decided_counts": {
                "n": decided.get(ApplicationState.ADMITTED),
                "w": decided.get(ApplicationState.WAITLISTED),
                "d": decided.get(ApplicationState.REJECTED),
            },
            "unpublished": {"n": call.unpublished().count()},
            "publication": call.publication_state(),
            "states": PublicationState,
        },
    )


def _decided(call) -> dict:
    """How many of the call's applications each decision applied so far has moved
    (admitted or winners, waitlisted or in reserve, rejected): empty if none."""
    states = (ApplicationState.ADMITTED, ApplicationState.WAITLISTED, ApplicationState.REJECTED)
    counts = dict(
        call.applications.filter(state__in=states)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in states} if counts else {}


@login_required
@require_GET
def publication_preview(request, pk):
    """What the public will see at the call's announcement, computed by a rehearsal of
    the publication itself (`Call.rehearse_publication`): nothing is written."""
    call = _managed_call(request, pk)
    try:
        preview = call.rehearse_publication(preview_of(call))
    except TransitionError as error:  # an award with two winners in a country
        preview, refusal = None, error.message
    else:
        refusal = ""
    return render(
        request,
        "admissions/publication_preview.html",
        {
            "call": call,
            "preview": preview,
            "refusal": refusal,
            "publication": call.publication_state(),
            "states": PublicationState,
            "pending_admits": Application.objects.filter(call=call)
            .awaiting_decision()
            .filter(decision="admit")
            .count(),
            "languages": Language.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decisions_apply(request, pk):
    """Applying the pending decisions, after a page that says what it will do: which
    cities move to which outcome, that each gets an e-mail in the outbox (sent only from
    there), and that it cannot be undone. Refused, with the reason, where the decisions
    cannot be applied as they stand (`Call.decisions_refusal`)."""
    call = _managed_call(request, pk)
    pending = list(
        Application.objects.filter(call=call)
        .awaiting_decision()
        .exclude(decision="")
        .for_listing()
        .with_review_counts()
        .order_by("decision", "country__name", "city_name")
    )
    refusal = call.decisions_refusal() if pending else _("No pending decision to apply.")
    if request.method == "POST" and not refusal:
        try:
            moved = call.apply_decisions(by=request.user)
        except (TransitionError, PermissionDenied) as error:
            refusal = getattr(error, "message", None) or str(error)
        else:
            messages.success(request, _("%(n)d decision(s) applied.") % {"n": moved})
            return redirect("admissions:decisions", pk=call.pk)
    groups = {}
    for application in pending:
        label = call.kind_spec.decision_label(application.decision)
        groups.setdefault(label, []).append(application)
    return render(
        request,
        "admissions/decisions_apply.html",
        {
            "call": call,
            "groups": groups,
            "refusal": refusal,
            "undecided": call.consequences()["undecided"],
        },
        status=(403 if refusal else 200) if request.method == "POST" else 200,
    )


@permission_required("admissions.manage_outbox")
@require_http_methods(["GET", "POST"])
def outbox(request):
    """The queued e-mails. Nothing is chosen by default: the secretariat checks the
    messages to send (or discard), then confirms on a page that lists them; only the
    confirmation sends."""
    if request.method == "POST":
        action = request.POST.get("action")
        chosen = Message.objects.filter(
            status=MessageStatus.QUEUED,
            pk__in=[p for p in request.POST.getlist("message") if p.isdigit()],
        ).select_related("call", "application")
        if action not in ("send", "discard"):
            return HttpResponse(_("Unknown action."), status=400)
        if not chosen:
            messages.error(request, _("Check the messages first: none was chosen."))
            return redirect("admissions:outbox")
        if request.POST.get("confirm") != "yes":
            return render(
                request, "admissions/outbox_confirm.html", {"rows": chosen, "action": action}
            )
        count = 0
        for message in chosen:
            if action == "send":
                message.send(by=request.user)
            else:
                message.discard(by=request.user)
            count += 1
        if action == "send":
            messages.success(request, _("%(n)d message(s) sent.") % {"n": count})
        else:
            messages.success(request, _("%(n)d message(s) discarded.") % {"n": count})
        return redirect("admissions:outbox")
    status = request.GET.get("status", MessageStatus.QUEUED)
    rows = (
        Message.objects.filter(status=status)
        .select_related("call", "application", "handled_by")
        .order_by("-created_at", "-id")[:200]
    )
    return render(
        request,
        "admissions/outbox.html",
        {
            "rows": rows,
            "status": status,
            "statuses": MessageStatus.choices,
            # "Check all" is a link (no script needed): the boxes come back checked.
            "check_all": request.GET.get("check") == "all",
        },
    )
