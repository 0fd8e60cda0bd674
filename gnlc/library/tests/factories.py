import factory
from django.utils import timezone

from gnlc.library.enums import DocumentKind, PracticeState
from gnlc.library.models import Document, Practice, Sdg, Theme


class PracticeFactory(factory.django.DjangoModelFactory):
    """A practice, published unless told otherwise, of the members given (`members=[...]`),
    with themes by slug (`themes=["literacy"]`) and SDGs by number (`sdgs=[4]`). The
    state is set directly (arranging a test, not exercising the workflow)."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Practice {n}")
    summary = "A practice of a learning city."
    body = "What the city did."
    year_started = 2020
    language = "en"
    state = PracticeState.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.state == PracticeState.PUBLISHED else None
    )

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(Theme.objects.filter(slug__in=extracted))

    @factory.post_generation
    def sdgs(self, create, extracted, **kwargs):
        if create and extracted:
            self.sdgs.set(Sdg.objects.filter(number__in=extracted))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Publication {n}")
    kind = DocumentKind.REPORT
    year = 2021
    summary = "A publication of the network."
    file = factory.django.FileField(data=PDF, filename="publication.pdf")

    @factory.post_generation
    def close_file(self, create, extracted, **kwargs):
        # The saved file stays open otherwise, and an unclosed file is a warning (an error).
        self.file.close()
