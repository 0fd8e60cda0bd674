import factory
from django.utils import timezone

from gnlc.news.models import MediaLogo, Post, PressContact, Subscriber

# The smallest valid PNG (1x1, transparent), made for these tests.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


class PostFactory(factory.django.DjangoModelFactory):
    """A published post (pass published_at=None for a draft)."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"News item {n}")
    body = "Some *news*."
    language = "en"
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    language = "en"
    status = "confirmed"


class PressContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressContact

    name = factory.Sequence(lambda n: f"Press Officer {n}")
    role = "Media relations"
    email = factory.Sequence(lambda n: f"press{n}@example.org")
    phone = "+49 40 123 456"


class MediaLogoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaLogo

    title = "Logo"
    image = PNG
    content_type = "image/png"
