"""Text helpers shared by apps."""

import functools
import gc
import re
import unicodedata

from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info

WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words as the server counts them (and the forms' scripts as the user types): runs
    of non-space characters. Admissions and reporting limit their texts with it."""
    return len(WORD.findall(text or ""))


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so that "Lanh" finds "Cao Lãnh" and
    "Yaounde" finds "Yaoundé" the same way on SQLite and PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@functools.cache
def _collator():
    # Imported late: building pyuca's table takes a moment and most requests never sort.
    from pyuca import Collator  # noqa: PLC0415

    collator = Collator()
    # Its table is some 110,000 Python objects (a trie of lists) kept as long as the
    # process. Frozen out of the garbage collector's reach: otherwise every full
    # collection, which stops all of a worker's threads, scans them again (80-90 ms
    # each; 4 ms once frozen: bench/README.md). Whatever else is alive at that moment
    # (once per process) is frozen with it: still freed when no longer referenced; only
    # a reference cycle that becomes garbage later would be kept.
    gc.freeze()
    return collator


# Spanish sorts ñ as a letter between n and o: "n" followed by a character whose primary
# weight is above every letter's puts "Nuñoa" after "Nunez" and before "Nuoro".
_AFTER_EVERY_LETTER = "\U0010fffd"


def sort_key(text: str, language: str | None = None) -> tuple:
    """The collation key of `text` in `language` (default: the active one): the Unicode
    Collation Algorithm's root order (CLDR's order for English, French and Arabic), with
    Spanish's ñ tailoring. Python's own order puts "Égypte" after "Zambie"; this does not."""
    return _sort_key(text or "", (language or get_language() or "en").split("-")[0])


@functools.lru_cache(maxsize=8192)
def _sort_key(text: str, language: str) -> tuple:
    # Cached: pages sort the same names (countries, regions) on every request.
    if language == "es":
        text = text.replace("ñ", "n" + _AFTER_EVERY_LETTER).replace("Ñ", "N" + _AFTER_EVERY_LETTER)
    return _collator().sort_key(text)


def text_direction(language: str | None) -> str:
    """ "rtl" or "ltr": the direction of text in `language` (a code such as "ar" or
    "fr-CA"), for the `dir` of content whose language is not the page's."""
    code = (language or "en").split("-")[0].lower()
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def file_slug(parts, limit: int = 120) -> str:
    """A file name's stem from `parts` (filter values, a date...): each slugified,
    joined by hyphens, cut at a hyphen to `limit` characters. Names of downloads."""
    stem = "-".join(filter(None, (slugify(str(part)) for part in parts)))
    if len(stem) > limit:
        stem = stem[:limit].rsplit("-", 1)[0]
    return stem or "download"
