import pytest
from django.core.cache import cache

from gnlc.cities.tests.factories import MemberFactory
from gnlc.core.cache import cache_key, cached

pytestmark = pytest.mark.django_db


def test_key_changes_when_the_data_change():
    before = cache_key("members", "region=africa")

    MemberFactory(name="Fresh City")

    assert cache_key("members", "region=africa") != before


def test_value_is_computed_once_for_the_same_data():
    calls = []

    def compute():
        calls.append(1)
        return {"count": len(calls)}

    assert cached(["x"], compute) == {"count": 1}
    assert cached(["x"], compute) == {"count": 1}
    assert len(calls) == 1


def test_a_failing_cache_is_skipped_and_the_value_computed(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)

    assert cached(["y"], lambda: "fresh") == "fresh"
    assert "cache read failed" in caplog.text
