import datetime as dt
import io
import os
import re
import zipfile
import zlib

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


# The whole file is searched, and active PDF content refused (issue 14) ----------------


def pdf(*objects: bytes, padding: int = 0) -> bytes:
    """A small PDF of `objects`, after `padding` bytes of a binary stream."""
    filler = bytes(range(256)) * (padding // 256 + 1) if padding else b""
    stream = b"9 0 obj<</Length %d>>stream\n%s\nendstream endobj\n" % (padding, filler[:padding])
    return b"%PDF-1.7\n" + stream + b"\n".join(objects) + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def object_stream(objects: bytes, filter_: bytes = b"/FlateDecode") -> bytes:
    body = zlib.compress(objects) if filter_ == b"/FlateDecode" else objects
    return (
        b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter %s/Length %d>>stream\n%s\nendstream endobj"
        % (
            filter_,
            len(body),
            body,
        )
    )


CATALOG = b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj"
REFUSED_PDFS = {
    "html after 70 KB": pdf(CATALOG + b"<html><script>alert(1)</script>", padding=70_000),
    "body onload": pdf(CATALOG, b"<body onload=alert(1)>"),
    "an onload handler alone": pdf(CATALOG, b"<x onload = alert(1)>"),
    "a javascript: link": pdf(b"3 0 obj<</S/URI/URI(javascript:alert(1))>>endobj"),
    "JavaScript open action": pdf(
        b"1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
    ),
    "open action by reference": pdf(b"1 0 obj<</Type/Catalog/OpenAction 3 0 R>>endobj"),
    "escaped JavaScript name": pdf(b"3 0 obj<</S/J#61vaScript/J#53 4 0 R>>endobj"),
    "escaped open action": pdf(b"1 0 obj<</#4FpenAction<</S/Launch/F(calc.exe)>>>>endobj"),
    "launch": pdf(b"3 0 obj<</S/Launch/F(cmd.exe)>>endobj"),
    "embedded files": pdf(b"1 0 obj<</Names<</EmbeddedFiles 6 0 R>>>>endobj"),
    "embedded file stream": pdf(b"6 0 obj<</Type/EmbeddedFile/Length 0>>endobj"),
    "additional actions": pdf(b"4 0 obj<</Type/Page/AA<</O 3 0 R>>>>endobj"),
    "JS as a string": pdf(b"3 0 obj<</JS(app.alert(1))>>endobj"),
    "hidden in a compressed object stream": pdf(
        object_stream(b"1 0 <</Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>>>")
    ),
    "escaped in a compressed object stream": pdf(
        object_stream(b"1 0 <</Type/Catalog/AA<</O 3 0 R>>>>").replace(b"/ObjStm", b"/Obj#53tm")
    ),
}


@pytest.mark.parametrize("kind", REFUSED_PDFS)
def test_active_or_web_content_anywhere_in_a_pdf_is_refused(kind):
    data = REFUSED_PDFS[kind]
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" in data[-2048:]

    with pytest.raises(ValidationError, match=r"active content|web content"):
        check_upload(upload(data), {"pdf"}, MB)


def test_an_object_stream_that_cannot_be_read_is_refused():
    data = pdf(object_stream(b"1 0 <</Type/Catalog>>", filter_=b"/LZWDecode"))

    with pytest.raises(ValidationError, match="cannot be checked"):
        check_upload(upload(data), {"pdf"}, MB)


@pytest.mark.parametrize(
    "objects",
    [
        # An office suite's open action: a destination (page and zoom), which runs nothing.
        b"1 0 obj<</Type/Catalog/OpenAction[4 0 R/XYZ null null 0]>>endobj",
        # Links, names that only begin like active ones, and a clean object stream.
        b"3 0 obj<</S/URI/URI(https://example.org/)/JSX 1/AAB 2/Javascripts 3>>endobj",
        object_stream(b"1 0 <</Type/Catalog/Pages 2 0 R/Lang(en)>>"),
        # Bytes of compressed data that spell a short name with no value after it.
        b"7 0 obj<</Length 8/Filter/FlateDecode>>stream\n/AA\x00\x8f/JS\xff\nendstream endobj",
    ],
)
def test_plain_pdfs_pass(objects):
    assert check_upload(upload(pdf(CATALOG, objects, padding=70_000)), {"pdf"}, MB) == "pdf"


def test_a_large_upload_spooled_to_disk_is_searched_whole(tmp_path, settings):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    def spooled(data):
        file = TemporaryUploadedFile("letter.pdf", "application/pdf", len(data), None)
        file.write(data)
        file.seek(0)
        return file

    clean = pdf(CATALOG, padding=3 * MB)
    hostile = pdf(CATALOG, b"3 0 obj<</S/JavaScript/JS(x)>>endobj", padding=3 * MB)

    with spooled(clean) as file:
        assert check_upload(file, {"pdf"}, 5 * MB) == "pdf"
    with spooled(hostile) as file, pytest.raises(ValidationError, match="active content"):
        check_upload(file, {"pdf"}, 5 * MB)


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
