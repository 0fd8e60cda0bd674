"""Text helpers shared by apps."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that "Lanh" finds "Cao Lãnh" and
    "Yaounde" finds "Yaoundé" the same way on SQLite and PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
