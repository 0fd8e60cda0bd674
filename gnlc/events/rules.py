"""Who may do what with events. Event pages, the events list and the public feeds are
open to all; the secretariat publishes any event, a coordinating city's coordinators
those of their cluster; who may register depends on the event's audience; organisers
(the secretariat and, for a cluster's event, its coordinating cities' coordinators) see
and export the participants, which are never public."""

import rules

from gnlc.accounts.rules import is_secretariat
from gnlc.clusters.rules import (
    coordinated_members,
    coordinates_a_cluster_member,
    coordinates_a_coordinating_city,
    coordinates_any_coordinating_city,
)
from gnlc.events.enums import Audience


@rules.predicate
def organises_event(user, event):
    return (
        event is not None
        and event.cluster_id is not None
        and (coordinates_a_coordinating_city(user, event.cluster))
    )


@rules.predicate
def in_event_audience(user, event):
    if event is None or not user.is_authenticated or not user.is_active:
        return False
    if event.audience == Audience.PUBLIC:
        return True
    if event.audience == Audience.MEMBERS:
        return bool(coordinated_members(user))
    return event.cluster_id is not None and (
        coordinates_a_cluster_member(user, event.cluster)
        or coordinates_a_coordinating_city(user, event.cluster)
    )


rules.add_perm("events.add_event", is_secretariat | coordinates_any_coordinating_city)
rules.add_perm("events.manage_event", is_secretariat | organises_event)
rules.add_perm("events.register_event", is_secretariat | in_event_audience)
# Cancelling one's own registration (the view finds it among the user's own).
rules.add_perm("events.cancel_registration", rules.is_authenticated)


@rules.predicate
def open_to_the_public(user, event):
    return event is not None and event.audience == Audience.PUBLIC


# Registering without an account (name and a confirmed e-mail address), confirming it and
# cancelling it by the mailed links: for public events, by anyone.
rules.add_perm("events.register_by_email", open_to_the_public)
