"""The news pages: the public list, posts, press page and subscription; the
secretariat's writing desk, announcement editor and press contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gnlc.admissions.models import Call
from gnlc.cities.models import Cohort, Region
from gnlc.cities.stats import network_stats
from gnlc.core.bodylimit import accepts_files
from gnlc.core.nostore import confidential
from gnlc.core.permissions import check, permission_required
from gnlc.core.ratelimit import limit_mail_requests
from gnlc.news.enums import AnnouncementStatus, ExportFormat, Language, SubscriberStatus
from gnlc.news.forms import (
    AnnouncementForm,
    GenerateAnnouncementForm,
    MediaLogoForm,
    PostForm,
    PressContactForm,
    SubscribeForm,
)
from gnlc.news.models import Announcement, MediaLogo, Post, PressContact, Subscriber

PAGE_SIZE = 20
EXPORT_TYPES = {
    ExportFormat.MARKDOWN: "text/markdown; charset=utf-8",
    ExportFormat.TEXT: "text/plain; charset=utf-8",
    ExportFormat.HTML: "text/html; charset=utf-8",
}


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _get_post(request, slug):
    return get_object_or_404(Post, slug=slug)


def _get_announcement(request, pk, **kwargs):
    return get_object_or_404(Announcement.objects.select_related("cohort", "post", "call"), pk=pk)


def _get_contact(request, pk):
    return get_object_or_404(PressContact, pk=pk)


def _get_logo_for_change(request, pk):
    return get_object_or_404(MediaLogo.objects.defer("image"), pk=pk)


def _one_action(perm: str, get_object, act, done, *, then=None):
    """A POST-only view that does one thing to an object (`act(obj)`), says `done` and
    goes back to the object's page, or to the URL named `then`."""

    @permission_required(perm, get_object)
    @require_POST
    def view(request, pk, obj):
        act(obj)
        messages.success(request, done)
        return redirect(then or obj)

    return view


# Public -------------------------------------------------------------------------------


def cluster_or_404(slug):
    """The thematic cluster `slug` (its theme's slug) for the news filtered by it, or a
    404. Named through the relation: news does not import the clusters app (which reads
    news), see Post.clusters."""
    clusters = Post.clusters.field.related_model.objects.select_related("theme")
    return get_object_or_404(clusters, theme__slug=slug)


@require_GET
def post_list(request):
    posts = Post.objects.published().for_listing()
    region = None
    if request.GET.get("region"):
        region = get_object_or_404(Region, slug=request.GET["region"])
        posts = posts.in_region(region)
    cluster = None
    if request.GET.get("cluster"):
        cluster = cluster_or_404(request.GET["cluster"])
        posts = posts.in_cluster(cluster.slug)
    language = request.GET.get("language")
    if language in Language.values:
        posts = posts.filter(language=language)
    return render(
        request,
        "news/list.html",
        {
            "page": Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page")),
            "regions": Region.objects.all(),
            "region": region,
            "cluster": cluster,
            "language": language if language in Language.values else "",
            "languages": Language.choices,
            "can_manage": request.user.has_perm("news.manage_news"),
        },
    )


@require_GET
def post_detail(request, slug):
    post = get_object_or_404(
        Post.objects.for_listing().prefetch_related("clusters__theme"), slug=slug
    )
    # A draft is not there for whoever may not see it.
    check(request, "news.view_post", post, hide=True)
    return render(
        request,
        "news/post.html",
        {"post": post, "can_manage": request.user.has_perm("news.manage_news")},
    )


@require_GET
def press(request):
    return render(
        request,
        "news/press.html",
        {
            "contacts": PressContact.objects.all(),
            "logos": MediaLogo.objects.defer("image"),
            "stats": network_stats(),
            "can_manage": request.user.has_perm("news.manage_press"),
        },
    )


@require_GET
def logo(request, pk):
    found = get_object_or_404(MediaLogo, pk=pk)
    response = HttpResponse(bytes(found.image), content_type=found.content_type)
    extension = found.content_type.split("/")[-1].replace("jpeg", "jpg")
    response["Content-Disposition"] = f'inline; filename="{slugify(found.title)}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@limit_mail_requests
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        Subscriber.subscribe(
            form.cleaned_data["email"], form.cleaned_data["language"], base_url=_base_url(request)
        )
        # The same answer whether or not the address was known.
        return render(request, "news/subscribe_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "news/subscribe.html", {"form": form})


@confidential
@require_http_methods(["GET", "POST"])
def subscribe_confirm(request, token):
    subscriber = Subscriber.from_confirm_token(token)
    if subscriber is None:
        return render(request, "news/token_invalid.html", status=404)
    # Confirming takes a button press: mail scanners that open links confirm nothing.
    if request.method == "POST":
        subscriber.confirm()
        return render(request, "news/subscribe_done.html", {"subscriber": subscriber})
    return render(request, "news/subscribe_confirm.html", {"subscriber": subscriber})


@confidential
@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = Subscriber.from_unsubscribe_token(token)
    if subscriber is None:
        return render(request, "news/token_invalid.html", status=404)
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "news/unsubscribe_done.html", {"subscriber": subscriber})
    return render(
        request,
        "news/unsubscribe.html",
        {"subscriber": subscriber, "done": subscriber.status == SubscriberStatus.UNSUBSCRIBED},
    )


# The secretariat's news desk -------------------------------------------------------------


@permission_required("news.manage_news")
@require_http_methods(["GET", "POST"])
def post_create(request):
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post.created_by = request.user
        post.save()
        form.save_m2m()
        messages.success(request, _("The draft was saved. Publish it when it is ready."))
        return redirect(post)
    return render(request, "news/post_form.html", {"form": form})


@permission_required("news.manage_news", _get_post)
@require_http_methods(["GET", "POST"])
def post_edit(request, slug, obj):
    form = PostForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The post was saved."))
        return redirect(obj)
    return render(request, "news/post_form.html", {"form": form, "post": obj})


@permission_required("news.manage_news", _get_post)
@require_POST
def post_publish(request, slug, obj):
    try:
        obj.publish(by=request.user, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The post is published and is being sent to subscribers."))
    return redirect(obj)


@permission_required("news.manage_announcements")
@require_GET
def announcement_list(request):
    return render(
        request,
        "news/announcements.html",
        {
            "announcements": Announcement.objects.select_related("cohort", "post", "call"),
            "form": GenerateAnnouncementForm(),
            "cohorts": Cohort.objects.count(),
            # Cohorts not public yet: their announcement is prepared from the call's
            # preview of its publication.
            "coming": Call.objects.awaiting_announcement(),
        },
    )


@permission_required("news.manage_announcements")
@require_POST
def announcement_generate(request):
    form = GenerateAnnouncementForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "news/announcements.html",
            {
                "announcements": Announcement.objects.select_related("cohort", "post", "call"),
                "form": form,
                "coming": Call.objects.awaiting_announcement(),
            },
            status=400,
        )
    call, language = form.cleaned_data["call"], form.cleaned_data["language"]
    if call is not None:
        announcement, created = Announcement.draft_for_call(call, language, by=request.user)
    else:
        announcement, created = Announcement.draft_for(
            form.cleaned_data["cohort"], language, by=request.user
        )
    if created:
        messages.success(request, _("The announcement was written from the data."))
    else:
        messages.info(request, _("This announcement exists already: here it is."))
    return redirect(announcement)


@permission_required("news.manage_announcements", _get_announcement)
@require_http_methods(["GET", "POST"])
def announcement_edit(request, pk, obj):
    form = AnnouncementForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The announcement was saved."))
        return redirect(obj)
    return render(
        request,
        "news/announcement.html",
        {
            "announcement": obj,
            "form": form,
            "warnings": obj.warnings(),
            "preview": obj.as_html(),
            "formats": ExportFormat.choices,
            "published": obj.status == AnnouncementStatus.PUBLISHED,
            "scheduled": obj.status == AnnouncementStatus.SCHEDULED,
        },
    )


announcement_refresh = _one_action(
    "news.manage_announcements",
    _get_announcement,
    Announcement.refresh_figures,
    gettext_lazy("The figures were computed again from the data."),
)
announcement_regenerate = _one_action(
    "news.manage_announcements",
    _get_announcement,
    Announcement.regenerate,
    gettext_lazy("The text was written again from the data."),
)


@permission_required("news.manage_announcements", _get_announcement)
@require_POST
def announcement_publish(request, pk, obj):
    if request.POST.get("action") == "unschedule":
        obj.unschedule()
        messages.success(request, _("The announcement is a draft again: it will not go out."))
        return redirect(obj)
    try:
        post = obj.publish(by=request.user, base_url=_base_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(obj)
    if post is None:
        messages.success(
            request,
            _(
                "The announcement is scheduled: it goes out as a news post with the cohort, "
                "at the announcement's date and time. Nothing is public before."
            ),
        )
        return redirect(obj)
    messages.success(request, _("The announcement is published as a news post."))
    return redirect(post)


@permission_required("news.manage_announcements", _get_announcement)
@require_GET
def announcement_export(request, pk, fmt, obj):
    if fmt not in ExportFormat.values:
        raise Http404
    body = {
        ExportFormat.MARKDOWN: obj.as_markdown,
        ExportFormat.TEXT: obj.as_text,
        ExportFormat.HTML: obj.as_html,
    }[ExportFormat(fmt)]()
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    name = f"announcement-{obj.year}-{obj.language}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# Press contacts and logos -------------------------------------------------------------------


@accepts_files(MediaLogoForm.base_fields["image"].max_bytes)
@permission_required("news.manage_press")
@require_http_methods(["GET", "POST"])
def press_manage(request):
    contact_form = PressContactForm(request.POST if "add_contact" in request.POST else None)
    logo_form = MediaLogoForm(
        request.POST if "add_logo" in request.POST else None,
        request.FILES if "add_logo" in request.POST else None,
    )
    if request.method == "POST":
        if "add_contact" in request.POST and contact_form.is_valid():
            contact_form.save()
            messages.success(request, _("The contact was added."))
            return redirect("news:press-manage")
        if "add_logo" in request.POST and logo_form.is_valid():
            logo_form.save()
            messages.success(request, _("The logo was added."))
            return redirect("news:press-manage")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "news/press_manage.html",
        {
            "contacts": PressContact.objects.all(),
            "logos": MediaLogo.objects.defer("image"),
            "contact_form": contact_form,
            "logo_form": logo_form,
        },
        status=status,
    )


@permission_required("news.manage_press", _get_contact)
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, obj):
    form = PressContactForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contact was saved."))
        return redirect("news:press-manage")
    return render(request, "news/contact_form.html", {"form": form, "contact": obj})


contact_delete = _one_action(
    "news.manage_press",
    _get_contact,
    PressContact.delete,
    gettext_lazy("The contact was removed."),
    then="news:press-manage",
)
logo_delete = _one_action(
    "news.manage_press",
    _get_logo_for_change,
    MediaLogo.delete,
    gettext_lazy("The logo was removed."),
    then="news:press-manage",
)
