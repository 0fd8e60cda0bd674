"""Shared documents on a cluster's members' page: shared by any of its cities, checked
as the library's uploads are, stored privately, downloaded and deleted by whom the
rules say."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.tests.factories import MemberFactory
from gnlc.clusters.enums import MembershipStatus
from gnlc.clusters.models import SharedDocument
from gnlc.clusters.tests.factories import make_cluster, shared_document, stay
from gnlc.core.storage import private_storage
from gnlc.library.models import MAX_ATTACHMENT_BYTES
from gnlc.library.tests.factories import PDF

pytestmark = pytest.mark.django_db


def coordinator_of(member, email):
    user = UserFactory(email=email, full_name=f"Coordinator of {member.name}")
    RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=member)
    return user


@pytest.fixture
def cluster(member):
    """The literacy cluster, coordinated by Aswan; Nakuru (the `coordinator`'s city) is a
    member."""
    cluster = make_cluster(coordinating=[MemberFactory(name="Aswan")])
    stay(cluster, member, joined=dt.date(2023, 1, 1))
    return cluster


@pytest.fixture
def lead(cluster):
    return coordinator_of(cluster.coordinating_cities.get(), "aswan@example.org")


def members_page(cluster):
    return reverse("clusters:members-area", args=[cluster.slug])


def share(client, cluster, title, content=PDF, name="agenda.pdf"):
    return client.post(
        reverse("clusters:share-document", args=[cluster.slug]),
        {"document-title": title, "document-file": SimpleUploadedFile(name, content)},
    )


def test_a_member_shares_a_pdf_that_another_member_downloads(client, cluster, coordinator, lead):
    client.force_login(coordinator)

    response = share(client, cluster, "Reading survey", name="../../etc/survey.pdf")

    document = SharedDocument.objects.get()
    assert response.status_code == 302
    assert (document.title, document.kind, document.size) == ("Reading survey", "pdf", len(PDF))
    assert document.author == coordinator
    # Private storage, under a generated name: no public URL, no uploaded path.
    assert document.file.storage is private_storage
    assert document.file.name.startswith("clusters/documents/")
    assert "survey" not in document.file.name
    assert not str(private_storage.path(document.file.name)).startswith(str(settings.MEDIA_ROOT))

    client.force_login(lead)
    download = client.get(document.get_absolute_url())

    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="reading-survey.pdf"'
    assert "no-store" in download["Cache-Control"]


def test_a_refused_file_keeps_the_title_and_says_why(client, cluster, coordinator):
    client.force_login(coordinator)

    response = share(client, cluster, "Minutes of May", b"<html><script>x()</script>", "m.pdf")

    page = response.content.decode()
    assert response.status_code == 400
    assert not SharedDocument.objects.exists()
    assert 'value="Minutes of May"' in page
    assert "This file is not a JPEG, PDF, PNG, WEBP file" in page


def test_a_good_file_is_kept_while_the_title_is_given(client, cluster, coordinator):
    client.force_login(coordinator)

    first = share(client, cluster, "")
    token = re.search(r'name="document-file__held" value="([^"]+)"', first.content.decode())[1]
    second = client.post(
        reverse("clusters:share-document", args=[cluster.slug]),
        {"document-title": "Agenda", "document-file__held": token},
    )

    assert first.status_code == 400
    assert "Kept from your last try: agenda.pdf" in first.content.decode()
    assert second.status_code == 302
    document = SharedDocument.objects.get()
    with document.file.open("rb") as stored:
        assert stored.read() == PDF


def test_a_file_over_the_librarys_limit_is_refused(client, cluster, coordinator):
    client.force_login(coordinator)
    too_big = PDF + b"0" * MAX_ATTACHMENT_BYTES

    response = share(client, cluster, "Big", too_big)

    assert response.status_code == 400
    assert "the limit is 10 MB" in response.content.decode()
    assert not SharedDocument.objects.exists()


def test_the_members_page_lists_documents_newest_first_with_who_when_and_size(
    client, cluster, coordinator, lead
):
    shared_document(cluster, by=lead, title="Older agenda")
    shared_document(cluster, by=coordinator, title="Newer minutes", content=PDF * 100)
    client.force_login(coordinator)

    page = client.get(members_page(cluster)).content.decode()

    table = page[page.index('id="cluster-documents"') :]
    newer, older = table.split('id="document-')[1:3]
    assert "Newer minutes" in newer
    assert coordinator.full_name in newer
    assert "4.4\xa0KB" in newer  # 100 x 45 bytes
    assert "Older agenda" in older
    assert "Coordinator of Aswan" in older
    assert "45\xa0bytes" in older


def test_outsiders_reach_neither_the_documents_nor_the_upload(client, cluster, lead):
    document = shared_document(cluster, by=lead)
    other = coordinator_of(MemberFactory(name="Cork"), "cork@example.org")

    assert client.get(document.get_absolute_url())["Location"].startswith(reverse("accounts:login"))
    client.force_login(other)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert share(client, cluster, "Mine").status_code == 404
    delete = reverse("clusters:delete-document", args=[cluster.slug, document.pk])
    assert client.post(delete).status_code == 404
    assert SharedDocument.objects.count() == 1


def test_a_city_that_left_no_longer_downloads(client, cluster, member, coordinator, lead):
    document = shared_document(cluster, by=lead)
    cluster.memberships.get(member=member).decide(MembershipStatus.LEFT, by=lead)
    client.force_login(coordinator)

    assert client.get(document.get_absolute_url()).status_code == 404


def test_the_document_of_one_cluster_is_not_found_under_another(client, cluster, coordinator):
    other = make_cluster("health-and-well-being", coordinating=[cluster.members_on()[0]])
    document = shared_document(other, by=None)
    client.force_login(coordinator)

    url = reverse("clusters:document", args=[cluster.slug, document.pk])

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["uploader", "lead", "secretariat"])
def test_uploader_coordinating_city_and_secretariat_delete(
    client, cluster, coordinator, lead, secretariat, who, django_capture_on_commit_callbacks
):
    document = shared_document(cluster, by=coordinator)
    name = document.file.name
    client.force_login({"uploader": coordinator, "lead": lead, "secretariat": secretariat}[who])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("clusters:delete-document", args=[cluster.slug, document.pk]), follow=True
        )

    assert response.status_code == 200
    assert not SharedDocument.objects.exists()
    assert not private_storage.exists(name)
    assert "was deleted" in response.content.decode()


def test_another_member_sees_but_cannot_delete(client, cluster, coordinator, lead):
    document = shared_document(cluster, by=lead)
    delete = reverse("clusters:delete-document", args=[cluster.slug, document.pk])
    client.force_login(coordinator)

    page = client.get(members_page(cluster)).content.decode()
    response = client.post(delete)

    assert document.title in page
    assert delete not in page
    assert response.status_code == 403
    assert private_storage.exists(document.file.name)


def test_the_members_page_reads_documents_without_a_query_each(
    client, cluster, coordinator, lead, django_assert_num_queries
):
    # As a member that is not the coordinating city: each row asks who may delete it.
    shared_document(cluster, by=lead)
    client.force_login(coordinator)
    client.get(members_page(cluster))
    with CaptureQueriesContext(connection) as one:
        client.get(members_page(cluster))
    shared_document(cluster, by=coordinator)
    shared_document(cluster, by=UserFactory())

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(members_page(cluster))
    assert response.content.decode().count('<li id="document-') == 3
