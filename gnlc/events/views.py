from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gnlc.core import csvfile, ical
from gnlc.core.permissions import check, permission_required
from gnlc.core.ratelimit import limit_mail_requests, may_mail
from gnlc.events.calendar import as_calendar_event
from gnlc.events.enums import RegistrationStatus
from gnlc.events.forms import (
    EventFilter,
    EventForm,
    GuestRegistrationForm,
    MaterialForm,
    RecordingForm,
)
from gnlc.events.mail import send_guest_confirmation, send_guest_registered
from gnlc.events.models import Event, Registration


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
            messages.success(request, _waiting_message())
    return redirect(obj)


def _waiting_message():
    return _(
        "The event is full: you are on the waiting list, and will be told by "
        "e-mail if a place frees up."
    )


# Registration without an account (public events): the form mails a signed link, and the
# place is taken only when it is opened and confirmed. Guarded as the other anonymous
# forms that mail a typed address: a honeypot, POSTs per client (`GNLC_RATE_LIMIT_MAIL`)
# and messages per address (`GNLC_RATE_LIMIT_MAIL_ADDRESS`: quietly not sent).


def _public_event(request, slug):
    """The event, for anyone (signed in or not) where its audience is the public."""
    event = _event(request, slug)
    check(request, "events.register_by_email", event, hide=True)
    return event


@limit_mail_requests
@require_http_methods(["GET", "POST"])
def register_by_email(request, slug):
    obj = _public_event(request, slug)
    form = GuestRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and obj.registration_open():
        name, email = form.cleaned_data["name"], form.cleaned_data["email"].lower()
        if not form.is_bot and may_mail(email):
            language = translation.get_language() or ""
            base = request.build_absolute_uri("/")
            send_guest_confirmation(obj, name, email, language, base)
        return render(request, "events/guest_sent.html", {"event": obj, "email": email})
    return render(
        request,
        "events/guest_form.html",
        {"event": obj, "form": form, "registration_open": obj.registration_open()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm_guest(request, slug, token):
    """The mailed link: a page with one button (a link opened by a mail scanner takes no
    place), whose POST registers the guest under the event's lock."""
    obj = _public_event(request, slug)
    data = obj.read_guest_token(token)
    if data is None:
        return render(request, "events/guest_link_invalid.html", {"event": obj}, status=400)
    registration = None
    if request.method == "POST":
        try:
            registration = obj.register_guest(data["name"], data["email"], data.get("lang", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            send_guest_registered(registration, request.build_absolute_uri("/"))
    return render(
        request,
        "events/guest_confirm.html",
        {"event": obj, "data": data, "registration": registration, "token": token},
    )


@require_http_methods(["GET", "POST"])
def guest_cancel(request, slug, token):
    obj = _public_event(request, slug)
    registration = Registration.from_cancel_token(token, obj)
    if registration is None:
        return render(request, "events/guest_link_invalid.html", {"event": obj}, status=400)
    if request.method == "POST" and registration.status != RegistrationStatus.CANCELLED:
        registration.cancel()
        messages.success(request, _("Your registration was cancelled."))
        return redirect(request.path)
    return render(request, "events/guest_cancel.html", {"event": obj, "registration": registration})


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
                r.person_name,
                r.person_email,
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


@require_http_methods(["GET", "POST"])
@permission_required("events.manage_event", _event)
def materials(request, slug, obj):
    """The organisers file the event's materials in the library (a PDF each) and give
    the recording's link; the event's page links to them."""
    upload = MaterialForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
    )
    recording = RecordingForm(request.POST if "recording" in request.POST else None, instance=obj)
    if request.method == "POST":
        if "upload" in request.POST and upload.is_valid():
            upload.save(obj)
        elif "recording" in request.POST and recording.is_valid():
            recording.save()
        if not (upload.errors or recording.errors):
            messages.success(request, _("The event's materials were saved."))
            return redirect("events:materials", slug=obj.slug)
    return render(
        request,
        "events/materials.html",
        {"event": obj, "upload": upload, "recording": recording},
        status=400 if upload.errors or recording.errors else 200,
    )
