import pytest
from django.utils import translation

from gnlc.cities.models import Country
from gnlc.cities.names import country_name

pytestmark = pytest.mark.django_db


def test_country_label_on_pages_is_the_un_short_name_as_in_releases():
    korea = Country.objects.get(iso2="KR")

    with translation.override("fr"):
        label = korea.label

    assert label == "République de Corée" == korea.name_in("fr")


def test_country_name_falls_back_to_cldr_then_to_the_english_un_name():
    assert country_name("KE", "Kenya", "ar") == "كينيا"
    assert country_name("XX", "Nowhere", "fr") == "Nowhere"
    assert country_name("KR", "Republic of Korea", "xx") == "Republic of Korea"
