"""Who is acting now, for the audit log: the request's user, or whoever a command names."""

import contextlib
import contextvars

_actor: contextvars.ContextVar = contextvars.ContextVar("gnlc_audit_actor", default=None)
_label: contextvars.ContextVar = contextvars.ContextVar("gnlc_audit_label", default="")


def current_actor():
    return _actor.get(), _label.get()


@contextlib.contextmanager
def acting_as(user=None, label: str = ""):
    """Attribute the audited changes inside the block to `user` (or to `label`, such as
    "gnlc import-members", when no user acts)."""
    user_token = _actor.set(user if getattr(user, "is_authenticated", False) else None)
    label_token = _label.set(label or (getattr(user, "email", "") if user else ""))
    try:
        yield
    finally:
        _actor.reset(user_token)
        _label.reset(label_token)
