"""Checking uploaded files: by their content, never their name, and by their size.

`check_upload(file, kinds, max_bytes)` reads the first bytes to tell what the file is
and refuses anything that is not one of `kinds`, is larger than `max_bytes`, or looks
like two things at once (a PDF that is also HTML or a ZIP: a polyglot). Images are
opened with Pillow, which refuses decompression bombs. Forms use `CheckedFileField`.
Stored names are generated (`safe_name`), so a path in the uploaded name goes nowhere.
"""

import io
import uuid
import zipfile

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MB = 1024 * 1024
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpeg": [b"\xff\xd8\xff"],
    "webp": [b"RIFF"],
}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "webp": "webp"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
_ACTIVE_MARKERS = (b"<script", b"<html", b"<!doctype html", b"<svg", b"<?php", b"<iframe")
MAX_IMAGE_PIXELS = 40_000_000


def _sniff(head: bytes) -> str | None:
    for kind, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def _looks_like_a_polyglot(data: bytes) -> bool:
    lowered = data[:65536].lower()
    if any(marker in lowered for marker in _ACTIVE_MARKERS):
        return True
    # A ZIP's central directory sits at the end: a PDF that is also a ZIP is refused.
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:
        return False


def _check_image(data: bytes) -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large in pixels."))
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds, DecompressionBombError among them
        raise ValidationError(_("The image is damaged or not an image.")) from None


def check_upload(file, kinds: set[str], max_bytes: int) -> str:
    """Return the file's kind, or raise ValidationError saying what is wrong."""
    size = getattr(file, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": (size or 0) / MB, "limit": max_bytes // MB}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    file.seek(0)
    data = file.read(max_bytes + 1)
    file.seek(0)
    kind = _sniff(data[:16])
    if kind not in kinds:
        allowed = ", ".join(sorted(k.upper() for k in kinds))
        raise ValidationError(
            _("This file is not a %(allowed)s file (judged by its content, not its name).")
            % {"allowed": allowed}
        )
    if _looks_like_a_polyglot(data):
        raise ValidationError(_("This file contains web content or an archive; it is refused."))
    if kind == "pdf" and b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("This PDF is incomplete or damaged."))
    if kind in {"png", "jpeg", "webp"}:
        _check_image(data)
    return kind


def safe_name(kind: str) -> str:
    """A generated file name: the uploaded name (and any path in it) is never used."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


class CheckedFileField(forms.FileField):
    """A file field that checks content and size (see `check_upload`), and renames."""

    def __init__(self, *, kinds: set[str], max_bytes: int = 10 * MB, **kwargs):
        self.kinds, self.max_bytes = kinds, max_bytes
        kwargs.setdefault(
            "help_text",
            gettext_lazy("%(kinds)s, at most %(mb)d MB.")
            % {"kinds": ", ".join(sorted(k.upper() for k in kinds)), "mb": max_bytes // MB},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(CONTENT_TYPES[k] for k in sorted(kinds)))

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and file is not initial and hasattr(file, "read"):
            kind = check_upload(file, self.kinds, self.max_bytes)
            file.name = safe_name(kind)
            file.checked_kind = kind
        return file
