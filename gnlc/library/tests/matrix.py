"""This app's rows of the permission matrix (see gnlc/core/tests/matrix.py).

`build` makes three practices of the Kenyan member (a draft, a submitted and a published
one), an attachment of the draft, a document, a published practice of another city and
an open themed call for practices. No juror conflict applies: jurors have no part in the library."""

from django.core.files.base import ContentFile

from gnlc.core.tests.matrix import ALL, PERSONAS, only
from gnlc.library.enums import PracticeState

# Drafts and submissions: seen by their city's coordinator and the secretariat; a 404
# (not a 403) for everyone else, who must not learn they exist.
PRIVATE = {p: 200 if p in {"coordinator", "secretariat"} else 404 for p in PERSONAS}


def _private_edit(ok: set[str]) -> dict[str, int]:
    """A signed-in-only page about a private practice: log in, then 404 unless it is
    visible, then 403 unless allowed."""
    return {
        p: 302
        if p == "anonymous"
        else (200 if p in ok else (403 if p in {"coordinator", "secretariat"} else 404))
        for p in PERSONAS
    }


def _public_edit(ok: set[str]) -> dict[str, int]:
    """A signed-in-only page about a public practice: 403 for those who see but may not act."""
    return {p: 302 if p == "anonymous" else (200 if p in ok else 403) for p in PERSONAS}


def build(member, personas):
    import tempfile

    from django.core.files.storage import FileSystemStorage

    from gnlc.cities.tests.factories import MemberFactory
    from gnlc.core.storage import private_storage
    from gnlc.library.models import PracticeAttachment
    from gnlc.library.tests.factories import PDF, DocumentFactory, PracticeFactory

    # Files go to a temporary folder, never the real private storage.
    if not str(private_storage.location).startswith(tempfile.gettempdir()):
        private_storage._wrapped = FileSystemStorage(tempfile.mkdtemp(prefix="gnlc-private-"))
    draft = PracticeFactory(title="Draft", state=PracticeState.DRAFT, members=[member])
    submitted = PracticeFactory(title="Submitted", state=PracticeState.SUBMITTED, members=[member])
    published = PracticeFactory(title="Published", members=[member])
    elsewhere = PracticeFactory(
        title="Elsewhere", members=[MemberFactory(name="Library Elsewhere")]
    )
    attachment = PracticeAttachment(practice=draft, kind="pdf", size=len(PDF))
    attachment.file.save("a.pdf", ContentFile(PDF), save=True)
    attachment.file.close()
    from gnlc.admissions.tests.factories import CallFactory
    from gnlc.library.models import Theme

    call = CallFactory(kind="practices", title="Themed call", theme=Theme.objects.first())
    return {
        "call": call,
        "practice_draft": draft,
        "practice_submitted": submitted,
        "practice_published": published,
        "practice_elsewhere": elsewhere,
        "draft_attachment": attachment,
        "document": DocumentFactory(),
    }


ROUTES = {
    "library:index": (lambda o: {}, ALL),
    "library:export": (lambda o: {"fmt": "csv"}, ALL),
    "library:feed": (lambda o: {}, ALL),
    "library:documents": (lambda o: {}, ALL),
    "library:document-file": (lambda o: {"slug": o["document"].slug}, ALL),
    "library:member": (lambda o: {"slug": o["member"].slug}, ALL),
    "library:practice": (lambda o: {"slug": o["practice_published"].slug}, ALL),
    "library:attachment": (
        lambda o: {"pk": o["draft_attachment"].pk},
        PRIVATE,
    ),
    "library:practice-new": (lambda o: {}, only({"coordinator", "secretariat"})),
    "library:manage": (lambda o: {}, only({"coordinator", "secretariat"})),
    "library:moderation": (lambda o: {}, only({"secretariat"})),
    "library:practice-edit": (
        lambda o: {"slug": o["practice_draft"].slug},
        _private_edit({"coordinator", "secretariat"}),
    ),
    "library:practice-move": (
        lambda o: {"slug": o["practice_submitted"].slug, "to": "published"},
        _private_edit({"secretariat"}),
    ),
    "library:call": (lambda o: {"pk": o["call"].pk}, ALL),
    "library:call-submit": (
        lambda o: {"pk": o["call"].pk},
        _public_edit({"coordinator", "secretariat"}),
    ),
    "library:call-review": (lambda o: {"pk": o["call"].pk}, _public_edit({"secretariat"})),
}

# Rows for the same views on other objects, checked by test_views (the matrix keys on
# URL names, one row each).
EXTRA = {
    "draft page": ("library:practice", lambda o: {"slug": o["practice_draft"].slug}, PRIVATE),
    "submit draft": (
        "library:practice-move",
        lambda o: {"slug": o["practice_draft"].slug, "to": "submitted"},
        _private_edit({"coordinator", "secretariat"}),
    ),
    "edit submitted": (
        "library:practice-edit",
        lambda o: {"slug": o["practice_submitted"].slug},
        _private_edit({"secretariat"}),
    ),
    "edit published": (
        "library:practice-edit",
        lambda o: {"slug": o["practice_published"].slug},
        _public_edit({"secretariat"}),
    ),
    "archive published": (
        "library:practice-move",
        lambda o: {"slug": o["practice_published"].slug, "to": "archived"},
        _public_edit({"coordinator", "secretariat"}),
    ),
    "edit elsewhere": (
        "library:practice-edit",
        lambda o: {"slug": o["practice_elsewhere"].slug},
        _public_edit({"secretariat"}),
    ),
}
