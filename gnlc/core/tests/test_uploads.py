import datetime as dt
import io
import os
import re
import zipfile

import pytest
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gnlc.core.uploads import HELD_DIR, HELD_MAX_AGE, MB, CheckedFileField, check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(data: bytes, name="letter.pdf"):
    return SimpleUploadedFile(name, data)


def png_bytes(size=(4, 4)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def test_a_real_pdf_passes():
    assert check_upload(upload(PDF), {"pdf"}, MB) == "pdf"


def test_html_named_pdf_is_refused_by_content():
    with pytest.raises(ValidationError, match="not a PDF file"):
        check_upload(upload(b"<html><script>alert(1)</script></html>"), {"pdf"}, MB)


def test_pdf_with_html_inside_is_refused_as_polyglot():
    data = PDF.replace(b"trailer", b"<script>alert(1)</script>trailer")
    with pytest.raises(ValidationError, match="web content or an archive"):
        check_upload(upload(data), {"pdf"}, MB)


def test_pdf_that_is_also_a_zip_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "x")
    with pytest.raises(ValidationError, match="web content or an archive"):
        check_upload(upload(PDF + archive.getvalue()), {"pdf"}, MB)


def test_oversized_file_is_refused_with_the_limit():
    with pytest.raises(ValidationError, match="limit is 1 MB"):
        check_upload(upload(PDF + b"0" * MB), {"pdf"}, MB)


def test_truncated_pdf_is_refused():
    with pytest.raises(ValidationError, match="incomplete"):
        check_upload(upload(b"%PDF-1.4\n" + b"x" * 100), {"pdf"}, MB)


def test_png_passes_and_a_fake_png_fails():
    assert check_upload(upload(png_bytes(), "p.png"), {"png"}, MB) == "png"
    with pytest.raises(ValidationError, match="damaged"):
        check_upload(upload(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "p.png"), {"png"}, MB)


def test_field_renames_the_file_so_a_path_in_the_name_goes_nowhere():
    field = CheckedFileField(kinds={"pdf"})

    cleaned = field.clean(upload(PDF, name="../../etc/passwd.pdf"))

    assert "/" not in cleaned.name
    assert cleaned.name.endswith(".pdf")
    assert "passwd" not in cleaned.name


# Held uploads: a good file survives an error elsewhere in the form ------------------


class LetterForm(forms.Form):
    title = forms.CharField(max_length=10)
    letter = CheckedFileField(kinds={"pdf"})


def held_token(html: str) -> str:
    match = re.search(r'name="letter__held" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def test_a_good_file_is_held_when_another_field_fails_and_used_next_time():
    first = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF, "mayor.pdf")})
    assert not first.is_valid()
    html = str(first["letter"])
    assert "Kept from your last try: mayor.pdf" in html

    second = LetterForm({"title": "Short", "letter__held": held_token(html)}, {})

    assert second.is_valid(), second.errors
    letter = second.cleaned_data["letter"]
    letter.seek(0)
    assert letter.read() == PDF
    assert letter.name.endswith(".pdf")
    assert "mayor" not in letter.name


def test_a_new_file_replaces_the_held_one():
    first = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF, "old.pdf")})
    first.is_valid()
    token = held_token(str(first["letter"]))
    newer = PDF.replace(b"1.4", b"1.7")

    second = LetterForm(
        {"title": "Short", "letter__held": token}, {"letter": upload(newer, "new.pdf")}
    )

    assert second.is_valid()
    second.cleaned_data["letter"].seek(0)
    assert second.cleaned_data["letter"].read() == newer


def test_a_refused_replacement_leaves_the_held_file_in_place():
    first = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF, "mayor.pdf")})
    first.is_valid()
    token = held_token(str(first["letter"]))

    second = LetterForm({"title": "Short", "letter__held": token}, {"letter": upload(b"<html>")})
    assert not second.is_valid()
    html = str(second["letter"])
    assert "Kept from your last try: mayor.pdf" in html
    third = LetterForm({"title": "Short", "letter__held": held_token(html)}, {})

    assert third.is_valid(), third.errors
    third.cleaned_data["letter"].seek(0)
    assert third.cleaned_data["letter"].read() == PDF


def test_a_refused_file_is_not_held():
    form = LetterForm({"title": "Short"}, {"letter": upload(b"<html>", "letter.pdf")})

    assert not form.is_valid()
    assert "__held" not in str(form["letter"])


@pytest.mark.parametrize("tamper", ["forged", "expired", "gone"])
def test_a_forged_expired_or_vanished_token_holds_nothing(tamper, time_machine):
    from gnlc.core.storage import private_storage

    first = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF)})
    first.is_valid()
    token = held_token(str(first["letter"]))
    if tamper == "forged":
        payload = signing.loads(token, salt="gnlc.core.uploads.held")
        payload["path"] = "../settings.py"
        token = signing.dumps(payload, salt="another salt")
    elif tamper == "expired":
        time_machine.move_to(timezone.now() + dt.timedelta(seconds=HELD_MAX_AGE + 60))
    else:
        _dirs, names = private_storage.listdir(HELD_DIR)
        for name in names:
            private_storage.delete(f"{HELD_DIR}/{name}")

    second = LetterForm({"title": "Short", "letter__held": token}, {})

    assert not second.is_valid()
    assert "letter" in second.errors


def test_holding_removes_files_held_for_more_than_a_day():
    from gnlc.core.storage import private_storage

    old = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF)})
    old.is_valid()
    str(old["letter"])
    (name,) = private_storage.listdir(HELD_DIR)[1]
    stamp = (timezone.now() - dt.timedelta(seconds=HELD_MAX_AGE + 60)).timestamp()
    os.utime(private_storage.path(f"{HELD_DIR}/{name}"), (stamp, stamp))

    new = LetterForm({"title": "far too long a title"}, {"letter": upload(PDF)})
    new.is_valid()
    str(new["letter"])

    assert name not in private_storage.listdir(HELD_DIR)[1]
    assert len(private_storage.listdir(HELD_DIR)[1]) == 1
