"""Checking uploaded files: by their content, never their name, and by their size.

`check_upload(file, kinds, max_bytes)` reads the first bytes to tell what the file is
and refuses anything that is not one of `kinds`, is larger than `max_bytes`, or looks
like two things at once (a PDF that is also HTML or a ZIP: a polyglot). Images are
opened with Pillow, which refuses decompression bombs. Forms use `CheckedFileField`.
Stored names are generated (`safe_name`), so a path in the uploaded name goes nowhere.

Nothing is lost when a form comes back with an error on another field: browsers cannot
re-fill a file input, so a file that passed its checks is *held* (`hold`: kept in the
private storage under held/, named by a signed token in a hidden field, shown as "Kept
from your last try: letter.pdf") and used if the next try chooses no new file. Held
files are checked again when used and removed after a day (`HELD_MAX_AGE`).
"""

import datetime as dt
import io
import logging
import uuid
import zipfile

from django import forms
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
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
HELD_DIR = "held"
HELD_MAX_AGE = 24 * 3600  # seconds
_HELD_SALT = "gnlc.core.uploads.held"

log = logging.getLogger(__name__)


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


def hold(file) -> str:
    """Keep a checked upload (one `CheckedFileField` cleaned) for the next try; return
    the signed token that names it. Also removes held files older than HELD_MAX_AGE."""
    from gnlc.core.storage import private_storage

    _purge_held(private_storage)
    file.seek(0)
    path = private_storage.save(f"{HELD_DIR}/{safe_name(file.checked_kind)}", file)
    file.seek(0)
    return signing.dumps(
        {"path": path, "name": file.uploaded_name, "kind": file.checked_kind}, salt=_HELD_SALT
    )


def _held(token: str) -> dict | None:
    """What a token from `hold` says ({path, name, kind}), or None if it is forged or
    expired, or its file gone."""
    from gnlc.core.storage import private_storage

    try:
        held = signing.loads(token, salt=_HELD_SALT, max_age=HELD_MAX_AGE)
        return held if private_storage.exists(held["path"]) else None
    except (signing.BadSignature, KeyError, TypeError, SuspiciousFileOperation):
        return None


def held_file(token: str) -> ContentFile | None:
    """The file a token from `hold` names, or None if the token is forged, expired or
    its file gone."""
    from gnlc.core.storage import private_storage

    held = _held(token)
    if held is None:
        return None
    try:
        with private_storage.open(held["path"]) as stored:  # at most a field's max_bytes
            file = ContentFile(stored.read(), name=held["name"])
    except OSError:  # removed since
        return None
    file.uploaded_name, file.held_token = held["name"], token
    return file


def _purge_held(storage) -> None:
    cutoff = timezone.now() - dt.timedelta(seconds=HELD_MAX_AGE)
    try:
        _dirs, names = storage.listdir(HELD_DIR)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{HELD_DIR}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
        except OSError:  # removed meanwhile by another process
            log.debug("held upload %s already gone", path)


class HeldFileInput(forms.FileInput):
    """A file input that, re-displayed with an error elsewhere in the form, holds the
    file just chosen (see `hold`) and says so; the next try uses it unless another
    file is chosen. A file chosen to replace a held one and refused leaves the held
    one in place."""

    template_name = "core/widgets/held_file.html"

    @staticmethod
    def held_name(name: str) -> str:
        return f"{name}__held"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        token = data.get(self.held_name(name))
        # A file chosen to replace a held one may be refused: the held one is then kept.
        self._replaced_token = token if upload else None
        if not upload:
            previous = getattr(self, "_submitted", None)
            if token and getattr(previous, "held_token", None) == token:
                upload = previous  # the same held file, opened once
            else:
                upload = held_file(token) if token else None
        # Rendering is given the field's initial value, never the submitted file
        # (FileField.bound_data): remember it. Each form has its own widget.
        self._submitted = upload
        return upload

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = getattr(self, "_submitted", None) or value
        # Only a form shown again (with errors) renders a submitted file: hold it now.
        if getattr(value, "checked_kind", None) and not getattr(value, "held_token", None):
            value.held_token = hold(value)
        if getattr(value, "held_token", None):
            token, file = value.held_token, value.uploaded_name
        else:  # a new file refused: the one held before it, if any, is kept
            token = getattr(self, "_replaced_token", None)
            file = (_held(token) or {}).get("name") if token else None
        if file is not None:
            context["widget"]["held"] = {"name": self.held_name(name), "token": token, "file": file}
        return context


class CheckedFileField(forms.FileField):
    """A file field that checks content and size (see `check_upload`), renames, and
    holds a good file while the rest of the form is corrected (`HeldFileInput`)."""

    widget = HeldFileInput

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
            if not hasattr(file, "uploaded_name"):
                file.uploaded_name = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
            file.name = safe_name(kind)
            file.checked_kind = kind
        return file
