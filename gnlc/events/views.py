from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gnlc.core import csvfile, ical
from gnlc.core.permissions import permission_required
from gnlc.events.calendar import as_calendar_event
from gnlc.events.enums import RegistrationStatus
from gnlc.events.forms import EventFilter, EventForm
from gnlc.events.models import Event


def _event(request, slug, **kwargs):
    return get_object_or_404(Event.objects.for_listing(), slug=slug)


def event_list(request):
    form = EventFilter(request.GET)
    events = form.events() if form.is_valid() else Event.objects.none()
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "events": events,
            "can_add": request.user.has_perm("events.add_event"),
        },
        status=200 if form.is_valid() else 400,
    )


def event_detail(request, slug):
    event = _event(request, slug)
    mine = (
        event.registrations.active().filter(user=request.user).first()
        if request.user.is_authenticated
        else None
    )
    confirmed = event.registrations.confirmed().count()
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "mine": mine,
            "confirmed": confirmed,
            "places_left": None if event.capacity is None else max(event.capacity - confirmed, 0),
            "registration_open": event.registration_open(),
            "may_register": request.user.has_perm("events.register_event", event),
            "can_manage": request.user.has_perm("events.manage_event", event),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("events.add_event")
def event_create(request):
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@permission_required("events.manage_event", _event)
def event_edit(request, slug, obj):
    return _edit(request, obj)


def _edit(request, event):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, _("The event was published."))
        return redirect(event)
    status = 400 if form.errors else 200
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@require_POST
@permission_required("events.register_event", _event)
def register(request, slug, obj):
    try:
        registration = obj.register(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, _("You are registered."))
        else:
            messages.success(
                request,
                _(
                    "The event is full: you are on the waiting list, and will be told by "
                    "e-mail if a place frees up."
                ),
            )
    return redirect(obj)


@require_POST
@permission_required("events.cancel_registration", _event)
def cancel(request, slug, obj):
    registration = get_object_or_404(obj.registrations.active(), user=request.user)
    try:
        registration.cancel()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration was cancelled."))
    return redirect(obj)


@permission_required("events.manage_event", _event)
def participants(request, slug, obj):
    registrations = obj.registrations.active().select_related("user")
    return render(
        request, "events/participants.html", {"event": obj, "registrations": registrations}
    )


@permission_required("events.manage_event", _event)
def participants_csv(request, slug, obj):
    registrations = obj.registrations.active().select_related("user")
    rows = [
        ["name", "email", "status", "registered_at", "promoted_at"],
        *(
            [
                r.user.full_name,
                r.user.email,
                r.status,
                timezone.localtime(r.created_at).isoformat(timespec="seconds"),
                r.promoted_at and timezone.localtime(r.promoted_at).isoformat(timespec="seconds"),
            ]
            for r in registrations
        ),
    ]
    return csvfile.response(rows, f"participants-{obj.slug}.csv")


def event_ical(request, slug):
    event = _event(request, slug)
    return ical.response(
        request,
        [as_calendar_event(event, request)],
        name=event.title,
        description=event.get_kind_display(),
        filename=f"{event.slug}.ics",
    )
