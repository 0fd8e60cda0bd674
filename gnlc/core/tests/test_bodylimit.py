"""Request bodies are capped before anything reads them (issue 14: an anonymous 40 MB
multipart POST to the log-in page was parsed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import override_settings
from django.urls import reverse

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.tests.factories import CallFactory
from gnlc.core.bodylimit import MB
from gnlc.core.tests.test_settings import run_gnlc

pytestmark = pytest.mark.django_db


@pytest.fixture
def parsing(monkeypatch):
    """Every multipart body Django parses, counted."""
    parsed = []
    original = MultiPartParser.parse

    def parse(self):
        parsed.append(self)
        return original(self)

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    return parsed


def test_a_40_mb_multipart_to_the_login_page_is_refused_unread(client, parsing):
    big = SimpleUploadedFile("junk.bin", b"\0" * (40 * MB))

    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "x", "f": big}
    )

    assert response.status_code == 413
    assert "this page accepts at most 2.5 MB" in response.content.decode()
    assert parsing == []


def test_a_normal_login_post_is_parsed(client, parsing):
    response = client.post(
        reverse("accounts:login"), {"username": "a@example.org", "password": "wrong"}
    )

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1 * MB)
def test_a_view_that_takes_files_accepts_its_files_and_no_more(client, parsing):
    client.force_login(UserFactory())
    url = reverse("admissions:apply", args=[CallFactory().pk])
    # The letter may be 10 MB: with 1 MB of fields, 11 MB in all.
    fits = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB - 100))
    over = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"0" * (11 * MB))

    accepted = client.post(url, {"city_name": "Eldoret", "letter": fits})
    refused = client.post(url, {"city_name": "Eldoret", "letter": over})

    assert accepted.status_code == 400  # the form's own answer: the file is not a whole PDF
    assert "This PDF is incomplete or damaged." in accepted.content.decode()
    assert refused.status_code == 413
    assert "this page accepts at most 11.0 MB" in refused.content.decode()
    assert len(parsing) == 1


def test_body_limits_come_from_the_environment(tmp_path):
    names = [
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
    ]
    code = (
        "from django.conf import settings; print(" + ", ".join(f"settings.{n}" for n in names) + ")"
    )

    defaults = run_gnlc(["shell", "--no-imports", "-c", code], tmp_path, DEBUG="true")
    chosen = run_gnlc(
        ["shell", "--no-imports", "-c", code],
        tmp_path,
        DEBUG="true",
        **dict(zip(names, ["1000", "20", "2", "3000"], strict=True)),
    )

    assert defaults.stdout.split() == ["2621440", "1000", "10", "2621440"]
    assert chosen.stdout.split() == ["1000", "20", "2", "3000"]
