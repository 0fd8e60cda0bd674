"""Checking uploaded files: by their content, never their name, and by their size.

`check_upload(file, kinds, max_bytes)` reads the first bytes to tell what the file is
and refuses anything that is not one of `kinds`, is larger than `max_bytes`, or looks
like two things at once (a PDF that is also HTML or a ZIP: a polyglot). The whole file
is searched, not its beginning: a browser or a PDF reader finds active content
anywhere. The file is read once, where it already is: Django spools a large upload to
a temporary file, which is mapped into memory (the OS pages it in), and a small one is
searched in its own buffer (`_contents`).

PDFs with active content are refused (`_pdf_activity`): JavaScript (/JavaScript, /JS),
actions that run by themselves (/AA, an /OpenAction that is an action), /Launch,
embedded files (/EmbeddedFile, /EmbeddedFiles), rich media, XFA forms, form submission
and data import, however their names are written (a PDF name may escape any letter,
/J#61vaScript). Objects packed in compressed object streams are inflated and searched
too; an object stream the check cannot read (a filter other than Flate) is refused
rather than let through. An /OpenAction that is a destination (an array: which page, at
what zoom) runs nothing and is allowed: office suites write one. The short names (/JS,
/AA, /XFA) count only where a value follows (a string, a dictionary, an array or a
reference), so that three bytes of compressed data seldom refuse an honest file; one
that is refused can be saved again ("Print to PDF") and uploaded.

Images are opened with Pillow, which refuses decompression bombs. Forms use
`CheckedFileField`. Stored names are generated (`safe_name`), so a path in the uploaded
name goes nowhere.

Nothing is lost when a form comes back with an error on another field: browsers cannot
re-fill a file input, so a file that passed its checks is *held* (`hold`: kept in the
private storage under held/, named by a signed token in a hidden field, shown as "Kept
from your last try: letter.pdf") and used if the next try chooses no new file. Held
files are checked again when used and removed after a day (`HELD_MAX_AGE`).
"""

import contextlib
import datetime as dt
import io
import logging
import mmap
import re
import uuid
import zipfile
import zlib

from django import forms
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from PIL import Image

from gnlc.core.storage import private_storage

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
# Web content a browser would run, anywhere in the file. Tags need what may follow a
# tag's name, so that a few bytes of compressed data seldom look like one.
_WEB_CONTENT = re.compile(
    rb"<(?:script|html|svg|iframe|body|object|embed|frameset|meta|form|img)[\s/>]"
    rb"|<!doctype\s+html|<\?php|javascript:|\bon(?:load|error|click|mouseover)\s*=",
    re.IGNORECASE,
)
# PDF names that run something or carry files (see the module's docstring).
_PDF_ACTIVE = {
    b"JavaScript",
    b"JS",
    b"AA",
    b"OpenAction",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToE",
}
_PDF_SHORT = {b"JS", b"AA", b"XFA"}
# A name made of letters, each possibly written #xx, ended by a delimiter or space.
_PDF_NAME = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2})+)(?=[\s\x00()<>\[\]{}/%]|\Z)")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_VALUE = re.compile(rb"\s*(?:\(|<|\[|\d+\s+\d+\s+R)")
_PDF_DESTINATION = re.compile(rb"\s*\[")
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_PDF_ENDSTREAM = re.compile(rb"endstream")
_PDF_FILTERS = {
    b"FlateDecode",
    b"Fl",
    b"ASCIIHexDecode",
    b"AHx",
    b"ASCII85Decode",
    b"A85",
    b"LZWDecode",
    b"LZW",
    b"RunLengthDecode",
    b"RL",
    b"Crypt",
}
MAX_INFLATED = 64 * MB  # object streams are text: more than this is a bomb
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


class _Unreadable(Exception):
    """A PDF object stream the check cannot read: refused rather than let through."""


@contextlib.contextmanager
def _contents(file):
    """The file's bytes as a buffer, read once and not copied: a file Django spooled
    to disk is mapped, one in memory is its own buffer."""
    path = getattr(file, "temporary_file_path", None)
    if path is not None:
        with open(path(), "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped
        return
    inner = getattr(file, "file", None)
    if isinstance(inner, io.BytesIO):
        with inner.getbuffer() as view:
            yield view
        return
    file.seek(0)
    yield file.read()
    file.seek(0)


def _looks_like_a_polyglot(file, data) -> bool:
    if _WEB_CONTENT.search(data):
        return True
    # A ZIP's central directory sits at the end: a PDF that is also a ZIP is refused.
    try:
        file.seek(0)
        return zipfile.is_zipfile(file)
    except Exception:
        return False
    finally:
        file.seek(0)


def _pdf_name(raw: bytes) -> bytes:
    return _PDF_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw)


def _active_names(data) -> set[bytes]:
    """The active names (`_PDF_ACTIVE`) in PDF syntax `data`, decoded."""
    found = set()
    for match in _PDF_NAME.finditer(data):
        name = _pdf_name(match[1])
        if name not in _PDF_ACTIVE:
            continue
        if name in _PDF_SHORT and not _PDF_VALUE.match(data, match.end()):
            continue
        if name == b"OpenAction" and _PDF_DESTINATION.match(data, match.end()):
            continue
        found.add(name)
    return found


def _object_streams(data):
    """The decoded contents of the PDF's compressed object streams (/Type /ObjStm):
    objects hidden from a search of the raw file. Raises _Unreadable for one that is
    not Flate-compressed (or plain), damaged, or inflates past MAX_INFLATED."""
    budget = MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        head = bytes(data[max(0, match.start() - 4096) : match.start()])
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        names = {_pdf_name(m[1]) for m in _PDF_NAME.finditer(head)}
        if b"ObjStm" not in names:
            continue
        filters = names & _PDF_FILTERS
        end = _PDF_ENDSTREAM.search(data, match.end())
        body = bytes(data[match.end() : end.start() if end else len(data)])
        if not filters:
            yield body
            continue
        if not filters <= {b"FlateDecode", b"Fl"}:
            raise _Unreadable
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(body, budget)
        except zlib.error:
            raise _Unreadable from None
        if inflater.unconsumed_tail:
            raise _Unreadable
        budget -= len(inflated)
        yield inflated


def _pdf_activity(data) -> bool:
    """Whether the PDF in `data` holds active content (see the module's docstring)."""
    if _active_names(data):
        return True
    return any(_active_names(objects) for objects in _object_streams(data))


def _check_image(file) -> None:
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    file.seek(0)
    try:
        with Image.open(file) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("The image is too large in pixels."))
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds, DecompressionBombError among them
        raise ValidationError(_("The image is damaged or not an image.")) from None
    finally:
        file.seek(0)


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
    with _contents(file) as data:
        kind = _sniff(bytes(data[:16]))
        if kind not in kinds:
            allowed = ", ".join(sorted(k.upper() for k in kinds))
            raise ValidationError(
                _("This file is not a %(allowed)s file (judged by its content, not its name).")
                % {"allowed": allowed}
            )
        if _looks_like_a_polyglot(file, data):
            raise ValidationError(_("This file contains web content or an archive; it is refused."))
        if kind == "pdf":
            _check_pdf(data)
    if kind in {"png", "jpeg", "webp"}:
        _check_image(file)
    return kind


def _check_pdf(data) -> None:
    if b"%%EOF" not in bytes(data[-2048:]):
        raise ValidationError(_("This PDF is incomplete or damaged."))
    save_again = _(
        "Save it again as a plain PDF (for example with “Print to PDF”) and upload that."
    )
    try:
        active = _pdf_activity(data)
    except _Unreadable:
        unreadable = _("This PDF packs its contents in a way that cannot be checked.")
        raise ValidationError(f"{unreadable} {save_again}") from None
    if active:
        refused = _(
            "This PDF contains active content (scripts, automatic actions or attached "
            "files), which is refused."
        )
        raise ValidationError(f"{refused} {save_again}")


def safe_name(kind: str) -> str:
    """A generated file name: the uploaded name (and any path in it) is never used."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"


def hold(file) -> str:
    """Keep a checked upload (one `CheckedFileField` cleaned) for the next try; return
    the signed token that names it. Also removes held files older than HELD_MAX_AGE."""

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

    try:
        held = signing.loads(token, salt=_HELD_SALT, max_age=HELD_MAX_AGE)
        return held if private_storage.exists(held["path"]) else None
    except (signing.BadSignature, KeyError, TypeError, SuspiciousFileOperation):
        return None


def held_file(token: str) -> ContentFile | None:
    """The file a token from `hold` names, or None if the token is forged, expired or
    its file gone."""

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


def _size_help(kinds: str, mb: int) -> str:
    return _("%(kinds)s, at most %(mb)d MB.") % {"kinds": kinds, "mb": mb}


_lazy_size_help = lazy(_size_help, str)


class CheckedFileField(forms.FileField):
    """A file field that checks content and size (see `check_upload`), renames, and
    holds a good file while the rest of the form is corrected (`HeldFileInput`)."""

    widget = HeldFileInput

    def __init__(self, *, kinds: set[str], max_bytes: int = 10 * MB, **kwargs):
        self.kinds, self.max_bytes = kinds, max_bytes
        # Lazy as a whole: `gettext_lazy(...) % values` would translate once, at import,
        # and every page would say it in the default language.
        kwargs.setdefault(
            "help_text",
            _lazy_size_help(", ".join(sorted(k.upper() for k in kinds)), max_bytes // MB),
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
