import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gnlc.core.uploads import MB, CheckedFileField, check_upload

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
