from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role
from gnlc.cities.exports import to_map_geojson
from gnlc.cities.models import Member
from gnlc.clusters.enums import MembershipStatus
from gnlc.clusters.forms import (
    AnnouncementForm,
    ClusterForm,
    JoinForm,
    SharedDocumentForm,
    ThemeForm,
)
from gnlc.clusters.models import Cluster, ClusterMembership, SharedDocument
from gnlc.clusters.rules import coordinated_members
from gnlc.core.bodylimit import accepts_files
from gnlc.core.permissions import check, permission_required
from gnlc.core.uploads import CONTENT_TYPES
from gnlc.events.models import Event
from gnlc.library.models import MAX_ATTACHMENT_BYTES, Practice, Theme

PRACTICES_SHOWN = 12
NEWS_SHOWN = 5


def _cluster(request, slug, **kwargs):
    return get_object_or_404(Cluster.objects.for_listing(), theme__slug=slug)


def cluster_list(request):
    clusters = Cluster.objects.for_listing()
    counts = {
        row["cluster"]: row["n"]
        for row in ClusterMembership.objects.as_of().values("cluster").annotate(n=Count("id"))
    }
    for cluster in clusters:
        cluster.member_count = counts.get(cluster.pk, 0)
    return render(
        request,
        "clusters/list.html",
        {"clusters": clusters, "can_manage": request.user.has_perm("clusters.manage_clusters")},
    )


def cluster_detail(request, slug):
    cluster = _cluster(request, slug)
    members = list(cluster.members_on())
    coordinating = {m.pk for m in cluster.coordinating_cities.all()}
    practices = (
        Practice.objects.published().filter(themes=cluster.theme).for_listing()[:PRACTICES_SHOWN]
    )
    can_decide = request.user.has_perm("clusters.decide_membership", cluster)
    mine = coordinated_members(request.user)
    open_stays = cluster.memberships.open().filter(member__in=mine).select_related("member")
    return render(
        request,
        "clusters/detail.html",
        {
            "cluster": cluster,
            "members": members,
            "coordinating": coordinating,
            "practices": practices,
            "events": Event.objects.upcoming().filter(cluster=cluster)[:10],
            # The news app's rule: only posts whose publication time has come.
            "news": cluster.posts.published()[:NEWS_SHOWN],
            "requests": (
                cluster.memberships.pending().select_related("member__country")
                if can_decide
                else []
            ),
            "my_stays": list(open_stays),
            "can_join": request.user.has_perm("clusters.request_membership")
            and bool(mine - {s.member_id for s in open_stays}),
            "can_see_members_area": request.user.has_perm("clusters.view_members_area", cluster),
            "can_manage": request.user.has_perm("clusters.manage_clusters"),
        },
    )


def cluster_geojson(request, slug):
    """The cluster's member cities as the maps draw them (`to_map_geojson`: a marker's
    slug, name, country in the reader's language and cohort)."""
    cluster = _cluster(request, slug)
    members = Member.objects.filter(pk__in=cluster.members_on().values("pk"))
    return HttpResponse(to_map_geojson(members), content_type="application/geo+json")


def _members_page(request, cluster, *, document_form=None, status=200):
    """The members' page: the coordinators of the cluster's cities (never public), its
    announcements and its shared documents; `document_form` is a refused upload, shown
    again with what was typed and why."""
    members = cluster.members_on()
    roles = (
        Role.objects.filter(kind=RoleKind.COORDINATOR, member__in=members, user__is_active=True)
        .select_related("user", "member__country")
        .order_by("member__name", "user__full_name", "user__email")
    )
    documents = list(cluster.documents.select_related("author"))
    for document in documents:
        document.cluster = cluster  # its coordinating cities are already read
        document.can_delete = request.user.has_perm("clusters.delete_document", document)
    context = {
        "cluster": cluster,
        "roles": roles,
        "announcements": cluster.announcements.select_related("author"),
        "can_announce": request.user.has_perm("clusters.post_announcement", cluster),
        "form": AnnouncementForm(),
        "documents": documents,
        "can_share": request.user.has_perm("clusters.share_document", cluster),
        "document_form": document_form or SharedDocumentForm(prefix="document"),
    }
    return render(request, "clusters/members_area.html", context, status=status)


@permission_required("clusters.view_members_area", _cluster, hide=True)
def members_area(request, slug, obj):
    return _members_page(request, obj)


@require_POST
@permission_required("clusters.post_announcement", _cluster)
def announce(request, slug, obj):
    """A coordinating city's coordinator (or the secretariat) posts to the members' page."""
    form = AnnouncementForm(request.POST)
    if form.is_valid():
        form.instance.cluster, form.instance.author = obj, request.user
        form.save()
        messages.success(request, _("The announcement is on the members' page."))
    else:
        messages.error(request, _("An announcement needs a title and a text."))
    return redirect("clusters:members-area", slug=obj.slug)


@accepts_files(MAX_ATTACHMENT_BYTES)
@require_POST
@permission_required("clusters.share_document", _cluster, hide=True)
def share_document(request, slug, obj):
    """Any of the cluster's cities (or the secretariat) shares a document on the members'
    page. A refused file comes back on the page with the title typed and the reason."""
    form = SharedDocumentForm(request.POST, request.FILES, prefix="document")
    if not form.is_valid():
        return _members_page(request, obj, document_form=form, status=400)
    form.save(obj, by=request.user)
    messages.success(request, _("The document is shared with the cluster's cities."))
    return redirect(f"{reverse('clusters:members-area', args=[obj.slug])}#documents-title")


def _document(request, slug, pk, **kwargs):
    return get_object_or_404(
        SharedDocument.objects.select_related("cluster__theme"), cluster__theme__slug=slug, pk=pk
    )


def _visible_document(request, slug, pk, **kwargs):
    """A shared document, 404 for whoever may not see it (its existence is not leaked):
    then a 403 for a member who may see it but not delete it."""
    document = _document(request, slug, pk)
    check(request, "clusters.view_document", document, hide=True)
    return document


@require_GET
@permission_required("clusters.view_document", _document, hide=True)
def document(request, slug, pk, obj):
    """The file, to the cluster's cities and the secretariat only: read whole (at most
    the library's limit), sent as a download that the browser runs nothing from."""
    try:
        with obj.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(
        content, content_type=CONTENT_TYPES.get(obj.kind, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="{obj.download_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@permission_required("clusters.delete_document", _visible_document)
def delete_document(request, slug, pk, obj):
    obj.remove()
    messages.success(request, _("The document “%(title)s” was deleted.") % {"title": obj.title})
    return redirect(f"{reverse('clusters:members-area', args=[slug])}#documents-title")


@require_http_methods(["GET", "POST"])
@permission_required("clusters.request_membership", _cluster)
def join(request, slug, obj):
    mine = coordinated_members(request.user)
    taken = obj.memberships.open().values("member")
    form = JoinForm(
        request.POST or None,
        members=Member.objects.filter(pk__in=mine).exclude(pk__in=taken).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ClusterMembership.request(obj, form.cleaned_data["member"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your request was sent to the cluster's coordinating city.")
            )
            return redirect(obj)
    return render(request, "clusters/join.html", {"cluster": obj, "form": form})


def _membership(request, pk, **kwargs):
    return get_object_or_404(ClusterMembership.objects.select_related("cluster__theme"), pk=pk)


@require_POST
@permission_required("clusters.decide_request", _membership)
def decide(request, pk, obj):
    stay = obj
    to = {"approve": MembershipStatus.APPROVED, "refuse": MembershipStatus.REFUSED}.get(
        request.POST.get("decision")
    )
    try:
        if to is None:
            raise ValidationError(_("This change is no longer possible."))
        stay.decide(to, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The request of %(city)s was answered.") % {"city": stay.member}
        )
    return redirect(stay.cluster)


@require_POST
@permission_required("clusters.leave_cluster", _membership)
def leave(request, pk, obj):
    try:
        obj.decide(MembershipStatus.LEFT, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(city)s has left the cluster.") % {"city": obj.member})
    return redirect(obj.cluster)


@permission_required("clusters.manage_clusters")
def manage(request):
    themes = Theme.objects.select_related("cluster").order_by("order", "name")
    return render(request, "clusters/manage.html", {"themes": themes})


@require_http_methods(["GET", "POST"])
@permission_required("clusters.manage_clusters")
def theme_form(request, pk=None):
    theme = get_object_or_404(Theme, pk=pk) if pk else None
    form = ThemeForm(request.POST or None, instance=theme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The theme was saved."))
        return redirect("clusters:manage")
    status = 400 if form.errors else 200
    return render(
        request, "clusters/theme_form.html", {"form": form, "theme": theme}, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required("clusters.manage_clusters")
def cluster_form(request, slug=None):
    cluster = _cluster(request, slug) if slug else None
    form = ClusterForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        cluster = form.save(by=request.user)
        messages.success(request, _("The cluster was saved."))
        return redirect(cluster)
    status = 400 if form.errors else 200
    return render(
        request, "clusters/cluster_form.html", {"form": form, "cluster": cluster}, status=status
    )
