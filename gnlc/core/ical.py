"""Calendar feeds (iCalendar, RFC 5545), written with the `icalendar` library.

An app describes its dates as `Event`s (aware datetimes); `response` writes them as a
`text/calendar` file that calendar apps subscribe to. Every instant is written in UTC
(`DTSTART:20270331T220000Z`), which every calendar app reads and shows in its user's own
time zone; the event's text says the day and the zone the date is set in.

The private feed of a user's own deadlines gathers each app's `calendar.py`
`user_events(user, request)` (the registry is `user_events` below), the way `gnlc demo`
gathers each app's `demo.py`.
"""

import datetime as dt
import importlib
from dataclasses import dataclass

import icalendar
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

# Calendar apps poll a subscribed feed; this asks them to look every few hours (Google and
# Apple decide for themselves, Outlook and Thunderbird follow it).
REFRESH = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Event:
    """One dated thing in a feed. `key` is unique within the site (say "call-3-closes_on")
    and stable, so a calendar app updates an event whose date moved instead of adding
    another. `end` None: an instant (a VEVENT with no DTEND)."""

    key: str
    summary: str
    start: dt.datetime
    end: dt.datetime | None = None
    description: str = ""
    url: str = ""


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def calendar(events, *, name: str, description: str, host: str) -> icalendar.Calendar:
    """The VCALENDAR of `events`, named `name` (RFC 7986 NAME and the X-WR-CALNAME most
    apps read). UIDs are `key@host`."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.GNLC_NETWORK_SHORT_NAME}//gnlc//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    stamp = _utc(timezone.now()).replace(microsecond=0)
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"{event.key}@{host}")
        item.add("dtstamp", stamp)
        item.add("dtstart", _utc(event.start))
        if event.end is not None:
            item.add("dtend", _utc(event.end))
        item.add("summary", event.summary)
        if event.description:
            item.add("description", event.description)
        if event.url:
            item.add("url", event.url)
        # A deadline is a reminder, not a meeting: it does not make anyone look busy.
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    return cal


def response(request, events, *, name: str, description: str, filename: str) -> HttpResponse:
    """The feed as a `text/calendar` response (shown inline: calendar apps subscribe to
    the URL; a browser offers to open or save it)."""
    body = calendar(events, name=name, description=description, host=request.get_host())
    answer = HttpResponse(body.to_ical(), content_type="text/calendar; charset=utf-8")
    answer["Content-Disposition"] = f'inline; filename="{filename}"'
    # Private feeds are personal and public ones change when a date moves: no caches
    # between us and the calendar app keep an old copy.
    answer["Cache-Control"] = "private, no-cache"
    return answer


def webcal(url: str) -> str:
    """The `webcal://` form of a feed's URL: opened, it makes the system's calendar app
    subscribe (where `https://` would download the file once)."""
    return "webcal://" + url.partition("://")[2]


def user_events(user, request) -> list[Event]:
    """Every app's events for `user` (each app's `calendar.user_events`), by start."""
    events = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gnlc."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.calendar")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.calendar":
                raise  # the module exists and fails to import: say so
            continue
        if hasattr(module, "user_events"):
            events.extend(module.user_events(user, request))
    return sorted(events, key=lambda event: (event.start, event.key))
