"""Helpers for each app's rows of the permission matrix (`gnlc/<app>/tests/matrix.py`).

An app's matrix module defines `ROUTES = {url name: (kwargs(objects), {persona: status})}`
and, when its URLs need objects, `build(member, personas) -> dict` that creates them
(`objects["member"]` is always there). `kwargs` receives that dict.
"""

PERSONAS = [
    "anonymous",
    "outsider",
    "coordinator",
    "natcom",
    "juror",
    "conflicted_juror",
    "secretariat",
]
ALL = dict.fromkeys(PERSONAS, 200)


def only(allowed: set[str], *, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    """200 for the allowed personas, `anonymous` for visitors, `denied` for the rest."""
    return {
        p: 200 if p in allowed else (anonymous if p == "anonymous" else denied) for p in PERSONAS
    }


SIGNED_IN = only(set(PERSONAS) - {"anonymous"})
SECRETARIAT = only({"secretariat"})
ROUTES: dict = {}  # core itself has no pages
