"""Small typed readers of environment variables that fail loudly on a bad value.

Settings read every knob through these, so that a typo in production ("ture", "80OO")
stops the process at start-up with the variable's name, instead of silently meaning False.
"""

import os


class EnvError(ValueError):
    """An environment variable is set to a value its reader cannot accept."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (case-insensitive; empty or unset: `default`)."""
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise EnvError(f"{name} must be one of {list(choices)}, not {raw!r}")
    return raw


def env_rate(name: str, default: str) -> tuple[int, int] | None:
    """A rate as "requests/seconds" ("120/60": 120 requests a minute) -> (120, 60);
    "0", "off" or empty -> None (no limit)."""
    raw = os.environ.get(name, default).strip().lower()
    if raw in {"", "0", "off", "none"}:
        return None
    count, _, seconds = raw.partition("/")
    try:
        rate = (int(count), int(seconds or 1))
    except ValueError:
        raise EnvError(
            f"{name} must be 'requests/seconds', such as '120/60', not {raw!r}"
        ) from None
    if rate[0] < 1 or rate[1] < 1:
        raise EnvError(f"{name} must have positive requests and seconds, not {raw!r}")
    return rate
