"""Corrections and missing members from the people who know: anyone suggests (with a
source), the secretariat reviews. Nothing a visitor sends is shown anywhere public; an
accepted suggestion changes the data as an audited edit by its reviewer.

The public form is anonymous, so it is guarded without any outside service: a honeypot
field, a limit of posts per client (the rate limiter's counters, `GNLC_RATE_LIMIT_SUGGEST`)
and a size limit on every field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gnlc.accounts.enums import RoleKind
from gnlc.audit.signals import log_created
from gnlc.cities import importer
from gnlc.cities.enums import SuggestionKind, SuggestionStatus
from gnlc.cities.forms import DecisionForm, MemberCorrectionForm, NewMemberForm, SuggestionForm
from gnlc.cities.models import Member, Suggestion
from gnlc.core.forms import render_form
from gnlc.core.permissions import check, permission_required
from gnlc.core.ratelimit import limit_post_requests

QUEUE_DECIDED = 20  # the latest decided suggestions the queue lists under the pending


def submitted_as(user, member) -> str:
    """The suggester's role, for the reviewer: coordinator of this city, National
    Commission of its country, or their other roles; "" for a visitor."""
    if not user.is_authenticated:
        return ""
    if member is not None and user.has_role(RoleKind.COORDINATOR, member=member):
        return _("City coordinator of %(name)s") % {"name": member.name}
    if member is not None and user.has_role(RoleKind.NATCOM, country=member.country):
        return _("National Commission of %(country)s") % {"country": member.country.name}
    return ", ".join(
        f"{role.get_kind_display()} {role.country or role.member or ''}".strip()
        for role in user.roles.select_related("country", "member")
    )


@limit_post_requests("suggest", "GNLC_RATE_LIMIT_SUGGEST")
@require_http_methods(["GET", "POST"])
def suggest(request, slug=None):
    member = get_object_or_404(Member.objects.for_listing(), slug=slug) if slug else None
    check(request, "cities.suggest", member)
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A bot that filled the hidden field is told the same as a person, and nothing
        # is kept.
        if not form.is_bot:
            suggestion = form.save(commit=False)
            suggestion.member = member
            suggestion.kind = SuggestionKind.CORRECTION if member else SuggestionKind.MISSING
            suggestion.language = translation.get_language() or ""
            if request.user.is_authenticated:
                suggestion.submitted_by = request.user
                suggestion.submitted_as = submitted_as(request.user, member)
            suggestion.save()
        return redirect("cities:suggest-sent")
    return render_form(request, "cities/suggest.html", {"form": form, "member": member})


@require_GET
def suggest_sent(request):
    return render(request, "cities/suggest_sent.html")


@require_GET
@permission_required("cities.view_suggestions")
def suggestion_queue(request):
    """The secretariat's review queue; a coordinator's or National Commission's view of
    the suggestions about their city or country."""
    visible = Suggestion.objects.visible_to(request.user)
    pending = visible.filter(status=SuggestionStatus.PENDING).select_related(
        "member", "member__country"
    )
    decided = (
        visible.exclude(status=SuggestionStatus.PENDING)
        .select_related("member", "member__country", "reviewed_by", "created_member")
        .order_by("-reviewed_at", "-id")[:QUEUE_DECIDED]
    )
    return render(
        request,
        "cities/suggestion_queue.html",
        {"pending": list(pending.order_by("created_at", "id")), "decided": list(decided)},
    )


def _suggestion(request, pk):
    return get_object_or_404(
        Suggestion.objects.select_related("member", "member__country", "created_member"), pk=pk
    )


@require_http_methods(["GET", "POST"])
@permission_required("cities.view_suggestion", _suggestion, hide=True)
def suggestion_review(request, pk, obj):
    suggestion = obj
    if request.method == "POST":
        # Those who may see a suggestion but not decide it may not post to it.
        check(request, "cities.review_suggestion", suggestion)
    pending = suggestion.status == SuggestionStatus.PENDING and request.user.has_perm(
        "cities.review_suggestion", suggestion
    )
    data = request.POST if request.method == "POST" and pending else None
    decision = DecisionForm(data)
    if suggestion.member_id:
        change = MemberCorrectionForm(
            data, instance=suggestion.member, initial={"source_url": suggestion.source_url}
        )
    else:
        change = NewMemberForm(data, initial={"source_url": suggestion.source_url})
    if data is not None and decision.is_valid():
        to = decision.cleaned_data["decision"]
        reason = decision.cleaned_data["reason"]
        if to != SuggestionStatus.ACCEPTED:
            suggestion.decide(to, by=request.user, reason=reason)
            messages.success(
                request,
                _("The suggestion is marked %(status)s.")
                % {"status": suggestion.get_status_display().lower()},
            )
            return redirect("cities:suggestions")
        if change.is_valid() and _accept(request, suggestion, change, reason):
            messages.success(request, _("The suggestion is accepted and the data changed."))
            return redirect("cities:suggestions")
    return render(
        request,
        "cities/suggestion_review.html",
        {"suggestion": suggestion, "decision": decision, "change": change, "pending": pending},
        status=400 if data is not None else 200,
    )


def _accept(request, suggestion, change, reason) -> bool:
    """Apply the change (an audited edit of the member, or a new member through the
    importer's checks) and accept, in one transaction; False with the form's errors
    where the importer refuses the row."""
    with transaction.atomic():
        if isinstance(change, MemberCorrectionForm):
            change.save()
            suggestion.decide(SuggestionStatus.ACCEPTED, by=request.user, reason=reason)
            return True
        result = importer.import_members([change.as_row()], actor=request.user)
        if result.errors:
            for error in result.errors:
                change.add_error(None, error.message)
            return False
        member = Member.objects.get(
            name=change.cleaned_data["city"], country=change.cleaned_data["country"]
        )
        if result.created:
            # The importer writes new members in bulk, its import one audit entry; the
            # member a person accepted also has its own, for its history.
            log_created([member])
            log_created(member.events.all())
        try:
            suggestion.decide(
                SuggestionStatus.ACCEPTED, by=request.user, reason=reason, member=member
            )
        except ValidationError as error:
            change.add_error(None, error)
            transaction.set_rollback(True)
            return False
    return True
