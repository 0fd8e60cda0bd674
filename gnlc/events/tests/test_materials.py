import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gnlc.core.tests.test_uploads import pdf
from gnlc.events.tests.factories import make_event
from gnlc.library.models import Document

pytestmark = pytest.mark.django_db


def upload(client, event, content, name="slides.pdf"):
    return client.post(
        reverse("events:materials", args=[event.slug]),
        {
            "upload": "1",
            "title": "Slides of the webinar",
            "kind": "other",
            "language": "fr",
            "file": SimpleUploadedFile(name, content, "application/pdf"),
        },
    )


def test_organisers_file_materials_in_the_library_linked_from_the_event(client, secretariat):
    event = make_event()
    client.force_login(secretariat)

    assert upload(client, event, pdf(b"1 0 obj<</Type/Catalog>>endobj")).status_code == 302
    client.post(
        reverse("events:materials", args=[event.slug]),
        {"recording": "1", "recording_url": "https://video.example/rec/1"},
    )

    (document,) = Document.objects.all()
    assert (document.title, document.language, document.year) == (
        "Slides of the webinar",
        "fr",
        event.local_start.year,
    )
    assert list(event.materials.all()) == [document]
    client.logout()
    page = client.get(event.get_absolute_url()).content.decode()
    assert document.get_absolute_url() in page
    assert "https://video.example/rec/1" in page
    assert client.get(document.get_absolute_url()).status_code == 200


def test_materials_pass_the_librarys_upload_checks(client, secretariat):
    event = make_event()
    client.force_login(secretariat)

    response = upload(client, event, b"<html><script>alert(1)</script></html>", name="x.pdf")

    assert response.status_code == 400
    assert not Document.objects.exists()
    assert not event.materials.exists()
