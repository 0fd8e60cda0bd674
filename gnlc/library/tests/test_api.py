import pytest

from gnlc.cities.models import Country
from gnlc.cities.tests.factories import MemberFactory
from gnlc.library.enums import PracticeState
from gnlc.library.tests.factories import DocumentFactory, PracticeFactory

pytestmark = pytest.mark.django_db
BASE = "http://testserver/api/v1"


def test_practices_list_has_published_ones_with_facets(client, member):
    PracticeFactory(title="Published", members=[member], themes=["literacy"], sdgs=[4])
    PracticeFactory(title="Draft", state=PracticeState.DRAFT, members=[member])

    response = client.get("/api/v1/practices")

    body = response.json()
    assert response.status_code == 200
    assert (body["count"], body["pages"], body["next"]) == (1, 1, None)
    [item] = body["results"]
    assert {k: item[k] for k in ("title", "cities", "themes", "sdgs", "highlight")} == {
        "title": "Published",
        "cities": [{"slug": "nakuru", "name": "Nakuru", "country": "KE"}],
        "themes": ["literacy"],
        "sdgs": [4],
        "highlight": None,
    }
    assert item["web_url"] == "http://testserver/library/practices/published/"
    assert body["facets"]["theme"] == [{"value": "literacy", "label": "Literacy", "count": 1}]


def test_practices_search_is_ranked_and_highlighted(client, member):
    PracticeFactory(title="Gardens", body="Some literacy.", members=[member])
    PracticeFactory(title="Literacy circles", members=[member])

    response = client.get("/api/v1/practices", {"q": "literacy"})

    results = response.json()["results"]
    assert [r["title"] for r in results] == ["Literacy circles", "Gardens"]
    assert results[0]["highlight"]["title"] == "<mark>Literacy</mark> circles"


def test_practices_filters_and_pages(client, member):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    for n in range(3):
        PracticeFactory(title=f"Ghana {n}", members=[ghana])
    PracticeFactory(title="Kenya", members=[member])

    response = client.get("/api/v1/practices", {"country": "gh", "page_size": 2, "page": 2})

    body = response.json()
    assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 1)
    assert body["previous"] == f"{BASE}/practices?country=gh&page_size=2&page=1"


def test_practices_filters_take_several_values(client, member):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    viet_nam = MemberFactory(name="Cao Lãnh", country=Country.objects.get(iso2="VN"))
    PracticeFactory(title="Ghana", members=[ghana], sdgs=[4])
    PracticeFactory(title="Kenya", members=[member], sdgs=[10])
    PracticeFactory(title="Viet Nam", members=[viet_nam], sdgs=[4])

    response = client.get("/api/v1/practices?country=gh&country=KE&sdg=4&sdg=10")

    body = response.json()
    assert response.status_code == 200
    assert sorted(r["title"] for r in body["results"]) == ["Ghana", "Kenya"]
    assert body["facets"]["country"] == [
        {"value": "GH", "label": "Ghana", "count": 1},
        {"value": "KE", "label": "Kenya", "count": 1},
        {"value": "VN", "label": "Viet Nam", "count": 1},
    ]


@pytest.mark.parametrize("query", ["sdg=4&sdg=18", "region=africa&region=atlantis"])
def test_practices_any_invalid_value_of_a_filter_is_422(client, query):
    response = client.get(f"/api/v1/practices?{query}")

    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [query.split("=")[0]]


def test_practices_invalid_filter_is_422(client):
    response = client.get("/api/v1/practices", {"sdg": 18})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_practice_detail_hides_unpublished(client, member):
    draft = PracticeFactory(state=PracticeState.DRAFT, members=[member])
    published = PracticeFactory(
        title="Open", body="# Body", links=["https://e.org"], members=[member]
    )

    assert client.get(f"/api/v1/practices/{draft.slug}").status_code == 404
    body = client.get(f"/api/v1/practices/{published.slug}").json()
    assert (body["body"], body["links"], body["attachments"]) == ("# Body", ["https://e.org"], [])


def test_documents_list_and_search(client):
    DocumentFactory(title="Guidelines", year=2015)
    DocumentFactory(title="Handbook", year=2021)

    everything = client.get("/api/v1/documents").json()
    found = client.get("/api/v1/documents", {"q": "handbook"}).json()

    assert [d["title"] for d in everything["results"]] == ["Handbook", "Guidelines"]
    assert [d["highlight"]["title"] for d in found["results"]] == ["<mark>Handbook</mark>"]
    assert found["results"][0]["file_url"].endswith(".pdf")
