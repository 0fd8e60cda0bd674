"""The library's pages: the search (practices with facets and highlighted matches, plus
the network's documents), a practice with its history and related practices, the editor
and the moderation moves, a city's practices and peers, downloads and the feed.

Every page works without JavaScript; htmx only swaps the search results in place. An
invalid query string is a 400 that shows the form's errors."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gnlc.admissions.enums import CallKind
from gnlc.admissions.models import Call
from gnlc.cities.models import Member
from gnlc.core.bodylimit import accepts_files
from gnlc.core.forms import render_form
from gnlc.core.lists import list_context, render_list
from gnlc.core.permissions import check, permission_required
from gnlc.library import exports
from gnlc.library.enums import MOVES, PracticeState
from gnlc.library.forms import (
    CallReviewForm,
    CallSubmissionForm,
    DocumentFilter,
    LibraryFilter,
    ModerationForm,
    PracticeForm,
)
from gnlc.library.models import Document, PeerCity, Practice, PracticeAttachment, call_refusal
from gnlc.library.search.facets import panels

PAGE_SIZE = 20


@require_GET
def index(request):
    form = LibraryFilter(request.GET)
    context = {}
    if form.is_valid():
        facets = form.facets()
        context.update(
            page=Paginator(form.results(), PAGE_SIZE).get_page(request.GET.get("page")),
            facets=facets,
            facet_panels=panels(facets),
            searching=bool(form.text),
            documents=(DocumentFilter({"q": form.text}).results()[:3] if form.text else []),
        )
    context = list_context(form, url="library:index", list_id="library", **context)
    return render_list(request, "library/index.html", "library/partials/results.html", context)


def _practice(request, slug):
    """The practice at `slug` if the user may see it; a 404 otherwise."""
    practice = get_object_or_404(Practice.objects.for_listing(), slug=slug)
    check(request, "library.view_practice", practice, hide=True)
    return practice


@require_GET
def practice_detail(request, slug):
    practice = _practice(request, slug)
    user = request.user
    related = (
        practice.related.filter(other__state=PracticeState.PUBLISHED)
        .select_related("other")
        .prefetch_related("other__members")[:5]
    )
    peers = (
        PeerCity.objects.filter(member__in=practice.members.all())
        .select_related("member", "peer", "peer__country")
        .order_by("member__name", "-score")
    )
    can_history = user.has_perm("library.view_practice_history", practice)
    return render(
        request,
        "library/practice.html",
        {
            "practice": practice,
            "attachments": practice.attachments.all(),
            "related": related,
            "peers": peers,
            "can_edit": user.has_perm("library.change_practice", practice),
            "moves": practice.allowed_moves(user),
            "history": practice.revisions.select_related("by") if can_history else None,
        },
    )


@accepts_files(PracticeForm.base_fields["attachment"].max_bytes)
@permission_required("library.add_practice")
@require_http_methods(["GET", "POST"])
def practice_create(request):
    form = PracticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        practice = form.save(by=request.user)
        messages.success(request, _("The draft was saved. Submit it when it is ready."))
        # Written from a call's page (?call=): back there, the new draft chosen.
        call = request.GET.get("call", "")
        if call.isdigit() and Call.objects.filter(pk=call, kind=CallKind.PRACTICES).exists():
            return redirect(f"{reverse('library:call-submit', args=[call])}?practice={practice.pk}")
        return redirect(practice)
    return render(request, "library/practice_form.html", {"form": form, "practice": None})


@accepts_files(PracticeForm.base_fields["attachment"].max_bytes)
@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request, slug):
    practice = _practice(request, slug)
    check(request, "library.change_practice", practice)
    form = PracticeForm(
        request.POST or None, request.FILES or None, instance=practice, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save(by=request.user)
        messages.success(request, _("Your changes were saved."))
        return redirect(practice)
    return render(request, "library/practice_form.html", {"form": form, "practice": practice})


@require_http_methods(["GET", "POST"])
def practice_move(request, slug, to):
    """Confirm a move (with its reason, when returned) and make it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    practice = _practice(request, slug)
    try:
        move = MOVES[(PracticeState(practice.state), PracticeState(to))]
    except (KeyError, ValueError):
        raise Http404 from None
    check(request, move.perm, practice)
    form = ModerationForm(request.POST or None, move=move)
    if request.method == "POST" and form.is_valid():
        try:
            practice.transition(to, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(state)s.")
                % {"title": practice.title, "state": PracticeState(to).label.lower()},
            )
            return redirect(_back_to(request) or practice)
    return render(
        request,
        "library/move.html",
        {
            "practice": practice,
            "move": move,
            "to": PracticeState(to),
            "form": form,
            "back": _back_to(request),
        },
    )


def _back_to(request) -> str | None:
    """The page of this site a move was started from (the moderation queue's buttons
    send `next`), to go back to once it is made."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, True):
        return target
    return None


def _file_response(file, content_type):
    """A stored file, read whole (attachments and publications are size-limited): the
    file is closed before the response leaves."""
    with file.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=content_type)


@require_GET
def attachment(request, pk):
    item = get_object_or_404(PracticeAttachment.objects.select_related("practice"), pk=pk)
    check(request, "library.view_practice", item.practice, hide=True)
    content_type = mimetypes.guess_type(item.file.name)[0] or "application/octet-stream"
    response = _file_response(item.file, content_type)
    extension = item.file.name.rsplit(".", 1)[-1]
    name = slugify(str(item))[:60] or "file"
    response["Content-Disposition"] = f'inline; filename="{name}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@permission_required("library.manage_practices")
def manage(request):
    """The user's work: their cities' practices in every state (every practice for the
    secretariat, whose moderation queue is a page of its own, linked from here)."""
    practices = (
        Practice.objects.managed_by(request.user)
        .exclude(state=PracticeState.ARCHIVED)
        .for_listing()
        .order_by("-updated_at", "-pk")
    )
    waiting = None
    if request.user.has_perm("library.moderate_practices"):
        waiting = Practice.objects.waiting_for_moderation().count()
    return render(
        request,
        "library/manage.html",
        {
            "waiting": waiting,
            "page": Paginator(practices, 50).get_page(request.GET.get("page")),
            "can_add": request.user.has_perm("library.add_practice"),
            "calls": [
                call
                for call in Call.objects.filter(kind=CallKind.PRACTICES).open_now()
                if call.is_open()
            ],
        },
    )


@permission_required("library.moderate_practices")
@require_GET
def moderation(request):
    """The secretariat's moderation queue: the practices submitted for publication, the
    longest waiting first, each with its moves (publish, return to the city)."""
    waiting = Practice.objects.waiting_for_moderation().for_listing().select_related("call")
    return render(
        request,
        "library/moderation.html",
        {"page": Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))},
    )


@require_GET
def member_practices(request, slug):
    """A member city's published practices and the cities most like it."""
    member = get_object_or_404(Member.objects.select_related("country"), slug=slug)
    practices = member.practices.published().for_listing()
    peers = member.peers.select_related("peer", "peer__country")[:8]
    return render(
        request,
        "library/member.html",
        {"member": member, "practices": practices, "peers": peers},
    )


@require_GET
def documents(request):
    form = DocumentFilter(request.GET)
    context = {"form": form}
    if form.is_valid():
        context.update(
            page=Paginator(form.results(), PAGE_SIZE).get_page(request.GET.get("page")),
            facets=form.facets(),
            filters=form.filters,
        )
    return render(
        request, "library/documents.html", context, status=200 if form.is_valid() else 400
    )


@require_GET
def document_file(request, slug):
    document = get_object_or_404(Document, slug=slug)
    response = _file_response(document.file, "application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.slug[:80]}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def export(request, fmt):
    """Published practices as open data, filtered by the search page's query string."""
    form = LibraryFilter(request.GET)
    if not form.is_valid():
        return HttpResponse(
            form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    body = exports.render(
        fmt, form.queryset().for_listing().order_by("-published_at", "-pk"), request
    )
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    filename = exports.filename(form.filter_pairs(), form.text, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Themed calls for practices -------------------------------------------------------------


def _practices_call(request, pk):
    """A call for practices the user may see (a call of any other kind is not the
    library's, and a draft is the secretariat's alone: 404)."""
    return get_object_or_404(
        Call.objects.visible_to(request.user).select_related("theme"),
        pk=pk,
        kind=CallKind.PRACTICES,
    )


@require_GET
def call_detail(request, pk):
    """A themed call: its theme, dates and the practices published in answer to it."""
    call = _practices_call(request, pk)
    practices = call.practices.published().for_listing().order_by("-published_at", "-pk")
    return render(
        request,
        "library/call.html",
        {
            "call": call,
            "is_open": call.is_open(),
            "practices": practices,
            "can_submit": request.user.has_perm("library.submit_to_call", call),
            "can_review": request.user.has_perm("library.review_call", call),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def call_submit(request, pk):
    """A coordinator submits one of their cities' drafts to an open call."""
    call = _practices_call(request, pk)
    check(request, "library.submit_to_call", call)
    form = CallSubmissionForm(
        request.POST or None,
        user=request.user,
        call=call,
        initial={"practice": request.GET.get("practice")},
    )
    if request.method == "POST" and form.is_valid():
        practice = form.cleaned_data["practice"]
        try:
            practice.submit_to_call(call, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” was submitted to the call “%(call)s”.")
                % {"title": practice.title, "call": call.title},
            )
            return redirect(practice)
    return render_form(
        request,
        "library/call_submit.html",
        {"call": call, "form": form, "refusal": call_refusal(call)},
    )


@require_http_methods(["GET", "POST"])
def call_review(request, pk):
    """The secretariat's light review of a call: each submitted practice is published
    or returned to its city with a reason, through `Practice.transition`."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    call = _practices_call(request, pk)
    check(request, "library.review_call", call)
    form = CallReviewForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        practice, to = form.cleaned_data["practice"], form.cleaned_data["to"]
        try:
            practice.transition(to, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(state)s.")
                % {"title": practice.title, "state": PracticeState(to).label.lower()},
            )
            return redirect("library:call-review", pk=call.pk)
    practices = call.practices.for_listing().order_by("updated_at", "pk")
    submitted = practices.filter(state=PracticeState.SUBMITTED)
    return render_form(
        request,
        "library/call_review.html",
        {
            "call": call,
            "form": form,
            "submitted": submitted,
            "published": practices.filter(state=PracticeState.PUBLISHED),
            "returned": practices.filter(state=PracticeState.DRAFT),
        },
    )
