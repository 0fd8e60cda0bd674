import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from gnlc.accounts.tests.factories import UserFactory
from gnlc.cities import exports
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """Four members in three countries and two regions, over two cohorts; Tema withdrew."""
    early = CohortFactory(
        year=2019,
        announced_on=dt.date(2019, 7, 17),
        announced_members=10,
        announced_countries=5,
        source_url="https://example.org/2019",
    )
    late = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2), announced_members=4)
    members = {
        "cao-lanh": MemberFactory(
            name="Cao Lãnh", country_id="VN", cohort=early, latitude=10.46, longitude=105.63
        ),
        "nakuru": MemberFactory(name="Nakuru", country_id="KE", cohort=late),
        "kisumu": MemberFactory(
            name="Kisumu", country_id="KE", cohort=late, latitude=None, longitude=None
        ),
        "tema": MemberFactory(name="Tema", country_id="GH", cohort=early),
    }
    members["tema"].record_event(EventKind.WITHDRAWN, on=dt.date(2021, 3, 1))
    return members


def names(response):
    return [row["name"] for row in response.context["page"].object_list]


def text(response) -> str:
    """The page with its white space collapsed, as a reader sees it."""
    return " ".join(response.content.decode().split())


# Home


def test_home_shows_active_totals_regions_and_latest_cohort(client, network):
    response = client.get(reverse("cities:home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "3 member cities in 2 countries" in text(response)
    regions = {row["slug"]: row["members"] for row in response.context["stats"]["regions"]}
    assert regions == {
        "africa": 2,
        "arab-states": 0,
        "asia-and-the-pacific": 1,
        "europe-and-north-america": 0,
        "latin-america-and-the-caribbean": 0,
    }
    assert response.context["latest_cohort"].year == 2022
    assert response.context["latest_members"] == 2
    assert 'href="/members/?cohort=2022"' in content
    assert 'href="/regions/africa/"' in content


def test_base_shows_login_link_to_anonymous_and_email_with_logout_to_user(client):
    anonymous = client.get(reverse("cities:home")).content.decode()
    client.force_login(UserFactory(email="ana@example.org"))
    logged_in = client.get(reverse("cities:home")).content.decode()

    assert reverse("accounts:login") in anonymous
    assert "ana@example.org" not in anonymous
    assert "ana@example.org" in logged_in
    assert f'action="{reverse("accounts:logout")}"' in logged_in
    assert 'name="csrfmiddlewaretoken"' in logged_in


def test_pages_carry_no_inline_script_or_style(client, network):
    for url in [
        reverse("cities:home"),
        reverse("cities:directory"),
        reverse("cities:map"),
        reverse("cities:statistics"),
        reverse("cities:member", args=["cao-lanh"]),
    ]:
        content = client.get(url).content.decode()

        assert "style=" not in content, url
        assert "<style" not in content, url
        assert "onclick" not in content, url
        # Only scripts from files, and JSON (and JSON-LD) data blocks, never executed.
        data_blocks = content.count('type="application/json"') + content.count(
            'type="application/ld+json"'
        )
        assert content.count("<script") == content.count("<script src=") + data_blocks, url


# Directory


def test_directory_lists_members_on_record_with_count(client, network):
    response = client.get(reverse("cities:directory"))

    assert response.status_code == 200
    assert names(response) == ["Cao Lãnh", "Kisumu", "Nakuru", "Tema"]
    assert "4 members" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "africa"}, ["Kisumu", "Nakuru", "Tema"]),
        ({"country": "ke"}, ["Kisumu", "Nakuru"]),
        ({"cohort": "2019"}, ["Cao Lãnh", "Tema"]),
        ({"status": "withdrawn"}, ["Tema"]),
        ({"status": "active", "region": "africa"}, ["Kisumu", "Nakuru"]),
        ({"q": "lanh"}, ["Cao Lãnh"]),
        ({"q": "CAO LÃNH"}, ["Cao Lãnh"]),
        ({"as_of": "2020-01-01"}, ["Cao Lãnh", "Tema"]),
        ({"as_of": "2019-07-16"}, []),
        ({"sort": "-name"}, ["Tema", "Nakuru", "Kisumu", "Cao Lãnh"]),
    ],
)
def test_directory_filters(client, network, query, expected):
    response = client.get(reverse("cities:directory"), query)

    assert response.status_code == 200
    assert names(response) == expected


def test_directory_facet_counts_follow_the_filters(client, network):
    response = client.get(reverse("cities:directory"), {"region": "africa"})

    facets = response.context["facets"]
    # The chosen facet counts over the other facets' filters: the regions one could add.
    assert [(r["value"], r["count"], r["selected"]) for r in facets["region"]] == [
        ("africa", 3, True),
        ("asia-and-the-pacific", 1, False),
    ]
    assert [(r["value"], r["count"]) for r in facets["country"]] == [("GH", 1), ("KE", 2)]
    assert [(r["value"], r["count"]) for r in facets["cohort"]] == [(2019, 1), (2022, 2)]
    assert [(r["value"], r["count"]) for r in facets["status"]] == [("active", 2), ("withdrawn", 1)]


def test_directory_facets_take_several_values_each(client, network):
    response = client.get("/members/?country=KE&country=vn&cohort=2022&cohort=2019&status=active")

    assert response.status_code == 200
    assert names(response) == ["Cao Lãnh", "Kisumu", "Nakuru"]
    facets = response.context["facets"]
    # Countries over the cohort and status filters: Ghana's withdrawn Tema is not counted.
    assert [(r["value"], r["count"], r["selected"]) for r in facets["country"]] == [
        ("KE", 2, True),
        ("VN", 1, True),
    ]
    assert [(r["value"], r["count"], r["selected"]) for r in facets["cohort"]] == [
        (2019, 1, True),
        (2022, 2, True),
    ]
    # Regions over every filter: the results' regions.
    assert [(r["value"], r["count"]) for r in facets["region"]] == [
        ("africa", 2),
        ("asia-and-the-pacific", 1),
    ]
    # One "remove" chip per value, each taking only its own value out.
    page = text(response)
    assert page.count('class="chip"') == 5
    assert 'href="/members/?country=KE&amp;cohort=2022&amp;cohort=2019&amp;status=active">' in page
    # The search form carries every chosen value, so typing keeps them.
    assert re.findall(r'<input type="hidden" name="(\w+)" value="(\w+)" form=', page) == [
        ("country", "KE"),
        ("country", "VN"),
        ("cohort", "2019"),
        ("cohort", "2022"),
        ("status", "active"),
    ]


def test_directory_facets_with_any_invalid_value_are_a_400(client, network):
    response = client.get("/members/?region=africa&region=atlantis")

    assert response.status_code == 400
    assert "Select a valid choice. atlantis is not one of the available choices." in (
        response.content.decode()
    )


def test_directory_facet_links_toggle_their_filter_and_keep_the_others(client, network):
    response = client.get(reverse("cities:directory"), {"q": "a", "region": "africa", "page": "1"})

    content = response.content.decode()
    assert 'href="/members/?q=a&amp;region=africa&amp;country=KE"' in content
    assert 'href="/members/?q=a"' in content  # the selected region's link removes it
    # Another region's link adds it beside the first.
    assert 'href="/members/?q=a&amp;region=africa&amp;region=asia-and-the-pacific"' in content


def test_directory_as_of_shows_status_on_that_date(client, network):
    response = client.get(reverse("cities:directory"), {"as_of": "2020-01-01", "q": "tema"})

    assert [row["status_on"] for row in response.context["page"].object_list] == ["active"]


def test_directory_paginates_fifty_per_page(client, network):
    cohort = CohortFactory(year=2024, announced_on=dt.date(2024, 2, 14))
    for n in range(50):
        MemberFactory(name=f"Zeta {n:02d}", country_id="GR", cohort=cohort)

    first = client.get(reverse("cities:directory"))
    second = client.get(reverse("cities:directory"), {"page": "2"})

    assert len(first.context["page"].object_list) == 50
    assert names(second) == ["Zeta 46", "Zeta 47", "Zeta 48", "Zeta 49"]
    assert 'href="/members/?page=2"' in first.content.decode()


def test_directory_htmx_request_returns_results_partial_only(client, network):
    response = client.get(reverse("cities:directory"), {"region": "africa"}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="directory-results"')
    assert "<html" not in content
    assert names(response) == ["Kisumu", "Nakuru", "Tema"]


def test_directory_htmx_history_restore_returns_full_page(client, network):
    response = client.get(
        reverse("cities:directory"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )

    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2022-13-45"}, "Enter a valid date."),
        ({"region": "atlantis"}, "Select a valid choice. atlantis is not one of the available"),
        ({"cohort": "soon"}, "Enter a whole number."),
    ],
)
def test_directory_invalid_filter_is_400_with_the_error(client, network, query, message):
    response = client.get(reverse("cities:directory"), query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "page" not in response.context


# Downloads


def test_download_csv_header_and_rows(client, network):
    response = client.get(reverse("cities:download", args=["csv"]), {"country": "KE"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gnlc-members-')
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == exports.CSV_COLUMNS
    assert [(r[0], r[4], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("Kisumu", "KE", "2022", "2022-09-02", "active"),
        ("Nakuru", "KE", "2022", "2022-09-02", "active"),
    ]


def test_download_geojson_is_a_feature_collection_in_lon_lat(client, network):
    response = client.get(reverse("cities:download", args=["geojson"]), {"q": "lanh"})

    document = json.loads(response.getvalue())
    assert response["Content-Type"] == "application/geo+json"
    assert document["type"] == "FeatureCollection"
    assert [f["geometry"] for f in document["features"]] == [
        {"type": "Point", "coordinates": [105.63, 10.46]}
    ]


def test_downloads_are_sent_a_chunk_of_members_at_a_time_as_one_document(
    client, network, monkeypatch
):
    """Whatever the chunk's size, every member and the same text, which is what
    json.dumps writes for the whole document (JSON indented, GeoJSON on one line)."""
    layouts = {"csv": None, "json": {"indent": 1}, "geojson": {}}
    bodies = {}
    for chunk in (1, 3, 2000):
        monkeypatch.setattr(exports, "CHUNK", chunk)
        for fmt, layout in layouts.items():
            for query in ({}, {"q": "no member is called this"}):
                response = client.get(reverse("cities:download", args=[fmt]), query)
                assert response.streaming
                body = response.getvalue().decode()
                body = re.sub(r'"generated_at": "[^"]*"', '"generated_at": ""', body)
                bodies.setdefault((fmt, query.get("q")), set()).add(body)
                if layout is not None:
                    document = json.loads(body)
                    assert body == json.dumps(document, ensure_ascii=False, **layout)

    assert all(len(texts) == 1 for texts in bodies.values())
    [every] = bodies["json", None]
    members = json.loads(every)["members"]
    assert [m["name"] for m in members] == ["Cao Lãnh", "Kisumu", "Nakuru", "Tema"]
    assert json.loads(every)["metadata"]["count"] == 4
    [none] = bodies["geojson", "no member is called this"]
    assert json.loads(none)["features"] == []
    [table] = bodies["csv", None]
    assert [row[0] for row in csv.reader(io.StringIO(table))][1:] == [m["name"] for m in members]


@pytest.mark.parametrize(
    ("query", "filename"),
    [
        ("as_of=2024-03-01", "gnlc-members-2024-03-01.csv"),
        (
            "region=africa&cohort=2022&as_of=2024-03-01",
            "gnlc-members-africa-cohort-2022-2024-03-01.csv",
        ),
        (
            "country=ke&country=GH&status=active&q=Nak&as_of=2024-03-01",
            "gnlc-members-gh-ke-active-search-nak-2024-03-01.csv",
        ),
        (
            "country=KE&country=GH&country=VN&country=DK&as_of=2024-03-01",
            "gnlc-members-4-countries-2024-03-01.csv",
        ),
    ],
)
def test_download_is_named_after_its_filters(client, network, query, filename):
    response = client.get(f"{reverse('cities:download', args=['csv'])}?{query}")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_download_json_has_licence_and_the_filters(client, network):
    response = client.get(
        reverse("cities:download", args=["json"]), {"as_of": "2020-01-01", "region": "africa"}
    )

    document = json.loads(response.getvalue())
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="gnlc-members-africa-2020-01-01.json"'
    )
    assert document["metadata"]["licence"] == "CC BY 4.0"
    assert document["metadata"]["filters"] == {"region": ["africa"], "as_of": "2020-01-01"}
    assert [m["name"] for m in document["members"]] == ["Tema"]


def test_download_invalid_filter_is_400_with_errors_as_text(client, network):
    response = client.get(reverse("cities:download", args=["csv"]), {"as_of": "yesterday"})

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "as_of: Enter a valid date."


def test_download_unknown_format_is_404(client, network):
    response = client.get("/members.xlsx")

    assert response.status_code == 404


# Member page and profile editor


def test_member_page_shows_facts_and_history(client, network):
    tema = network["tema"]

    response = client.get(reverse("cities:member", args=[tema.slug]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1><bdi>Tema</bdi></h1>" in content
    assert 'href="/countries/gh/"' in content
    assert 'href="/regions/africa/"' in content
    assert [(e.kind, e.display_date) for e in response.context["events"]] == [
        ("admitted", "2019-07-17"),
        ("withdrawn", "2021-03-01"),
    ]
    assert "Withdrawn" in content
    assert "Edit profile" not in content
    # Dated as every other page dates a day ("17 July 2019", not "July 17, 2019").
    assert '<time datetime="2019-07-17">17 July 2019</time>' in content


def test_member_page_lists_the_years_it_won_the_award(client, network):
    from gnlc.admissions.models import AwardWin
    from gnlc.admissions.tests.factories import AwardCallFactory

    nakuru = network["nakuru"]
    for year in (2025, 2019):
        call = AwardCallFactory(opens_on=dt.date(year, 1, 10))
        AwardWin.objects.create(
            member=nakuru,
            call=call,
            country_id="KE",
            year=year,
            announced_on=call.announcement_date,
        )

    response = client.get(reverse("cities:member", args=[nakuru.slug]))
    other = client.get(reverse("cities:member", args=[network["kisumu"].slug]))

    content = response.content.decode()
    assert response.context["award_years"] == [2019, 2025]
    assert '<h2 id="award-title">Award</h2>' in content
    assert '<ul id="award-years"><li>2019</li><li>2025</li></ul>' in content
    assert other.context["award_years"] == []
    assert 'id="award-title"' not in other.content.decode()


@pytest.mark.parametrize("wins", [1, 3])
def test_member_page_query_count_does_not_grow_with_award_wins(
    client, django_assert_num_queries, network, wins
):
    from gnlc.admissions.models import AwardWin
    from gnlc.admissions.tests.factories import AwardCallFactory

    nakuru = network["nakuru"]
    for n in range(wins):
        call = AwardCallFactory(opens_on=dt.date(2010 + 2 * n, 1, 10))
        AwardWin.objects.create(
            member=nakuru,
            call=call,
            country_id="KE",
            year=2010 + 2 * n,
            announced_on=call.announcement_date,
        )

    # The member, its events, its award years, its practices (none here) and its
    # thematic clusters (gnlc/clusters).
    with django_assert_num_queries(5):
        response = client.get(reverse("cities:member", args=[nakuru.slug]))

    assert len(response.context["award_years"]) == wins


def test_member_page_unknown_slug_is_404(client, network):
    response = client.get(reverse("cities:member", args=["atlantis"]))

    assert response.status_code == 404


def test_member_page_shows_edit_link_to_its_coordinator(client, member, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cities:member", args=[member.slug]))

    assert reverse("cities:member-edit", args=[member.slug]) in response.content.decode()


def test_member_edit_by_coordinator_saves_and_redirects(client, member, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cities:member-edit", args=[member.slug]),
        {
            "website": "https://nakuru.go.ke/",
            "mayor": "Jane Doe",
            "population": "570674",
            "subdivision": "Nakuru County",
            "profile": "A lake city.",
        },
    )

    member.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("cities:member", args=[member.slug])
    assert (member.website, member.mayor, member.population) == (
        "https://nakuru.go.ke/",
        "Jane Doe",
        570674,
    )
    followed = client.get(response["Location"])
    assert "The profile of Nakuru was saved." in followed.content.decode()


def test_member_edit_with_bad_url_rerenders_with_typed_values(client, member, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cities:member-edit", args=[member.slug]),
        {
            "website": "not a url",
            "mayor": "Jane Doe",
            "population": "",
            "subdivision": "",
            "profile": "",
        },
    )

    content = response.content.decode()
    member.refresh_from_db()
    assert response.status_code == 200
    assert "Enter a valid URL." in content
    assert 'value="not a url"' in content
    assert 'value="Jane Doe"' in content
    assert member.mayor == ""


def test_member_edit_by_other_user_is_403(client, member):
    client.force_login(UserFactory())

    response = client.get(reverse("cities:member-edit", args=[member.slug]))

    assert response.status_code == 403


def test_member_edit_by_anonymous_redirects_to_login(client, member):
    url = reverse("cities:member-edit", args=[member.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_member_edit_unknown_slug_is_404(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cities:member-edit", args=["atlantis"]))

    assert response.status_code == 404


# Countries and regions


def test_countries_index_counts_members_per_country(client, network):
    response = client.get(reverse("cities:countries"))

    groups = {g["region"].slug: g["countries"] for g in response.context["groups"]}
    assert [(c["iso2"], c["members"]) for c in groups["africa"]] == [("GH", 1), ("KE", 2)]
    assert [(c["iso2"], c["members"]) for c in groups["asia-and-the-pacific"]] == [("VN", 1)]
    assert groups["arab-states"] == []
    assert response.context["country_count"] == 3
    count = response.context["member_count"]
    assert f"{count} members on record in 3 countries." in text(response)


def test_a_single_member_in_a_single_country_is_said_in_the_singular(client):
    MemberFactory(name="Nakuru", country_id="KE", cohort=CohortFactory(year=2016))

    home = client.get(reverse("cities:home"))
    countries = client.get(reverse("cities:countries"))
    region = client.get(reverse("cities:region", args=["africa"]))

    assert "1 member city in 1 country" in text(home)
    assert "1 member on record in 1 country." in text(countries)
    assert "1 active member city in 1 country" in text(region)


def test_country_page_lists_its_members(client, network):
    response = client.get(reverse("cities:country", args=["ke"]))

    assert response.status_code == 200
    assert [m.name for m in response.context["members"]] == ["Kisumu", "Nakuru"]
    assert "2 active member cities" in response.content.decode()


def test_country_page_uppercase_code_redirects_permanently(client, network):
    response = client.get("/countries/KE/")

    assert response.status_code == 301
    assert response["Location"] == "/countries/ke/"


def test_country_page_unknown_code_is_404(client, network):
    response = client.get("/countries/xx/")

    assert response.status_code == 404


def test_region_page_lists_countries_and_members(client, network):
    response = client.get(reverse("cities:region", args=["africa"]))

    assert response.status_code == 200
    assert [(c["iso2"], c["members"]) for c in response.context["countries"]] == [
        ("GH", 1),
        ("KE", 2),
    ]
    assert [m.name for m in response.context["members"]] == ["Tema", "Kisumu", "Nakuru"]
    # Each figure takes its own plural.
    assert "2 active member cities in 1 country" in text(response)
    # Its figures are kept until the data change.
    MemberFactory(name="Accra", country_id="GH")
    assert "3 active member cities in 2 countries" in text(
        client.get(reverse("cities:region", args=["africa"]))
    )


@pytest.mark.parametrize(
    ("url", "directory", "limit"),
    [
        ("/countries/ke/", "/members/?country=KE", 1),  # Kisumu, Nakuru
        ("/regions/africa/", "/members/?region=africa", 2),  # Tema (withdrawn) too
    ],
)
def test_place_page_with_more_members_than_it_lists_sends_to_the_directory(
    client, network, monkeypatch, url, directory, limit, django_assert_num_queries
):
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", limit + 1)
    listed = client.get(url)
    assert [m.name for m in listed.context["members"]][-1] == "Nakuru"
    assert "Too many members" not in text(listed)

    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", limit)
    response = client.get(url)

    assert response.status_code == 200
    assert response.context["members"] is None
    assert "Nakuru" not in text(response)
    assert "Too many members to list on one page" in text(response)
    assert response.content.decode().count(f'href="{directory}"') == 2  # and the button
    if url.startswith("/regions/"):
        # The region, its countries' counts, the revision of its kept figures: no
        # member is read past the limit.
        with django_assert_num_queries(3):
            client.get(url)


def test_region_page_unknown_slug_is_404(client, network):
    response = client.get(reverse("cities:region", args=["atlantis"]))

    assert response.status_code == 404


# Statistics, map and open data


def test_statistics_page_shows_totals_growth_and_completeness(client, network):
    response = client.get(reverse("cities:statistics"))

    assert response.status_code == 200
    assert response.context["stats"]["members"] == 3
    assert [(row["year"], row["total"]) for row in response.context["growth"]] == [
        (2019, 2),
        (2022, 3),
    ]
    assert response.context["chart"]["labels"] == ["2019", "2022"]
    assert response.context["chart"]["datasets"][0] == {"label": "Africa", "data": [1, 2]}
    assert [
        (r["year"], r["held_members"], r["announced_members"], r["share"])
        for r in response.context["completeness"]
    ] == [(2019, 2, 10, 20), (2022, 2, 4, 50)]
    assert '<script id="growth-data" type="application/json">' in response.content.decode()


def test_statistics_as_of_limits_figures_and_growth(client, network):
    response = client.get(reverse("cities:statistics"), {"as_of": "2021-12-31"})

    assert response.context["stats"]["members"] == 1
    assert response.context["stats"]["withdrawn"] == 1
    assert [row["year"] for row in response.context["growth"]] == [2019]


@pytest.mark.parametrize(
    ("as_of", "day", "announced"),
    [
        # The 2022 announcement stated only its members: no line for their countries.
        ("2022-09-02", "2 September 2022", [("2022", "4"), ("held", "2")]),
        ("2021-12-31", "31 December 2021", [("2019", "10"), ("countries", "5"), ("held", "2")]),
        ("2019-07-16", "16 July 2019", []),
    ],
)
def test_statistics_say_beside_the_figures_what_they_count(client, network, as_of, day, announced):
    labels = {
        "2022": "New members stated by the 2022 announcement",
        "2019": "New members stated by the 2019 announcement",
        "countries": "Their countries, as stated",
        "held": "Of these new members, held here",
    }

    response = client.get(reverse("cities:statistics"), {"as_of": as_of})

    page = text(response)
    note = page[page.index('<aside class="note"') : page.index("</aside>")]
    assert (
        f"<p> The members held in this database on {day}. It holds only the members whose "
        "admission has been published by name, so the network's own totals are higher. </p>"
    ) in note
    rows = re.findall(r"<dt>(.*?)</dt> <dd>(.*?)</dd>", note)
    assert rows == [(labels[label], figure) for label, figure in announced]
    assert f'<a href="{reverse("cities:open-data")}">See what the data hold' in note
    # Beside the figures: after the totals, before the first chart.
    assert page.index('class="kpis"') < page.index('<aside class="note"')
    assert page.index("</aside>") < page.index('id="growth-title"')


def test_statistics_invalid_as_of_is_400(client, network):
    response = client.get(reverse("cities:statistics"), {"as_of": "never"})

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_statistics_csv_is_the_chart_data(client, network):
    response = client.get(reverse("cities:statistics-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == (
        "year,as_of,africa,arab-states,asia-and-the-pacific,europe-and-north-america,"
        "latin-america-and-the-caribbean,total\n"
        "2019,2019-07-17,1,0,1,0,0,2\n"
        "2022,2022-09-02,2,0,1,0,0,3\n"
    )


def test_map_page_points_at_local_basemap_and_geojson_with_a_list(client, network):
    response = client.get(reverse("cities:map"))

    content = response.content.decode()
    assert 'data-geojson="/map/members.geojson"' in content
    assert 'data-basemap="/static/vendor/world-atlas/countries-110m.json"' in content
    assert "3 active members, 2 of them placed on the map" in content
    assert [m.name for m in response.context["members"]] == ["Kisumu", "Nakuru", "Cao Lãnh"]
    assert "http://" not in content.replace("http://testserver", "")


def test_map_feed_gives_the_active_placed_members_with_what_a_marker_shows(
    client, network, django_assert_num_queries
):
    response = client.get(reverse("cities:map-members"))

    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    # Tema withdrew; Kisumu has no coordinates.
    assert [f["id"] for f in document["features"]] == ["cao-lanh", "nakuru"]
    cao_lanh = document["features"][0]
    assert cao_lanh["geometry"] == {"type": "Point", "coordinates": [105.63, 10.46]}
    assert cao_lanh["properties"] == {
        "slug": "cao-lanh",
        "name": "Cao Lãnh",
        "country": "Viet Nam",
        "cohort_year": 2019,
    }
    with django_assert_num_queries(1):  # the data revision: the feed is kept
        assert client.get(reverse("cities:map-members")).content == response.content

    network["nakuru"].record_event(EventKind.SUSPENDED, on=dt.date(2024, 1, 1))
    MemberFactory(name="Jena", country_id="DE", latitude=50.93, longitude=11.59)
    now = json.loads(client.get(reverse("cities:map-members")).content)
    assert [(f["id"], f["properties"]["country"]) for f in now["features"]] == [
        ("cao-lanh", "Viet Nam"),
        ("jena", "Germany"),
    ]
    with translation.override("fr"):  # /fr/map/members.geojson
        french = json.loads(client.get(reverse("cities:map-members")).content)
    assert [f["properties"]["country"] for f in french["features"]] == ["Viet Nam", "Allemagne"]


def test_map_feed_past_the_members_it_draws_gives_each_countrys(client, network, monkeypatch):
    """Past `MAP_MEMBERS_DRAWN` placed members (two here, 5,000 in production) the maps
    draw one point a country, at the mean of its members' coordinates, with their
    number in words and the country's page, in the reader's language; the map page
    says so."""
    monkeypatch.setattr(exports, "MAP_MEMBERS_DRAWN", 2)
    MemberFactory(name="Mombasa", country_id="KE", latitude=-4.05, longitude=39.67)

    document = json.loads(client.get(reverse("cities:map-members")).content)
    with translation.override("fr"):  # /fr/map/members.geojson
        french = json.loads(client.get(reverse("cities:map-members")).content)
    page = " ".join(client.get(reverse("cities:map")).content.decode().split())

    assert document["drawn"] == "countries"
    # Nakuru at the factory's -1.28, 36.82; Kisumu has no coordinates; Tema withdrew.
    assert [(f["id"], f["geometry"]["coordinates"]) for f in document["features"]] == [
        ("KE", [38.245, -2.665]),
        ("VN", [105.63, 10.46]),
    ]
    assert document["features"][0]["properties"] == {
        "iso2": "KE",
        "country": "Kenya",
        "members": 2,
        "label": "2 members",
        "url": "/countries/ke/",
    }
    assert [f["properties"]["label"] for f in french["features"]] == ["2 membres", "1 membre"]
    assert [f["properties"]["url"] for f in french["features"]] == [
        "/fr/countries/ke/",
        "/fr/countries/vn/",
    ]
    assert "Active members: 4, 3 of them placed on the map. Too many to draw one by one" in page
    monkeypatch.setattr(exports, "MAP_MEMBERS_DRAWN", 3)
    bumped = MemberFactory(name="Eldoret", country_id="KE", latitude=0.51, longitude=35.27)
    assert json.loads(client.get(reverse("cities:map-members")).content)["drawn"] == "countries"
    bumped.delete()
    fewer = json.loads(client.get(reverse("cities:map-members")).content)
    assert fewer["drawn"] == "members"
    assert "clusters open as you zoom in" in client.get(reverse("cities:map")).content.decode()


def test_map_page_past_the_members_it_lists_lists_their_countries(
    client, network, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 2)
    client.get(reverse("cities:map"))
    # Its figures kept: the revision for each, and the countries' names; no member read.
    with django_assert_num_queries(3):
        response = client.get(reverse("cities:map"))

    content = " ".join(response.content.decode().split())
    assert response.context["members"] is None
    assert "3 active members, 2 of them placed on the map" in content
    assert [(c["iso2"], c["members"]) for c in response.context["countries"]] == [
        ("KE", 2),
        ("VN", 1),
    ]
    assert "Too many members to list on one page" in content
    assert '<a href="/countries/ke/">Kenya</a> <span class="count">2</span>' in content
    assert "Nakuru" not in content
    MemberFactory(name="Mombasa", country_id="KE", latitude=-4.05, longitude=39.67)
    now = " ".join(client.get(reverse("cities:map")).content.decode().split())
    assert "4 active members, 3 of them placed on the map" in now
    assert '<a href="/countries/ke/">Kenya</a> <span class="count">3</span>' in now


def test_statistics_page_past_the_withdrawals_it_lists_sends_to_the_directory(
    client, network, monkeypatch
):
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 1)
    assert "Tema" in text(client.get(reverse("cities:statistics")))

    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 0)
    response = client.get(reverse("cities:statistics"), {"as_of": "2024-01-01"})

    content = text(response)
    assert "<h3>Every withdrawal</h3> <p>Too many members to list on one page" in content
    assert content.count("Every withdrawal") == 1  # under the departures only
    assert "Tema" not in content
    assert 'href="/members/?status=withdrawn&amp;as_of=2024-01-01"' in content
    # What the link opens: the member withdrawn by then.
    listed = client.get("/members/", {"status": "withdrawn", "as_of": "2024-01-01"})
    assert names(listed) == ["Tema"]


def test_open_data_page_shows_held_figures_sources_and_licence(client, network):
    response = client.get(reverse("cities:open-data"))

    content = response.content.decode()
    assert response.context["held"] == {"members": 4, "countries": 3}
    assert "These data hold 4 members in 3 countries, fewer than the network" in " ".join(
        content.split()
    )
    assert 'href="https://example.org/2019"' in content
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in content
    assert 'href="/members.geojson"' in content


# N+1 guards: the same page with 1 and with 3 members costs the same queries.

LIST_PAGES = {
    "home": ("cities:home", []),
    "directory": ("cities:directory", []),
    "countries": ("cities:countries", []),
    "country": ("cities:country", ["ke"]),
    "region": ("cities:region", ["africa"]),
    "map": ("cities:map", []),
    "statistics": ("cities:statistics", []),
    "open-data": ("cities:open-data", []),
}
# Statistics asks once per cohort for the growth series: constant in members, not cohorts.
QUERIES = {
    # The network's figures (six queries, four of them over every member, then kept per
    # data revision: +1, the revision) and the latest cohort.
    "home": 8,
    # The data revision; the members' bitmaps (gnlc.cities.bitmaps: the revision of
    # their key, the countries' and regions' names with a revision of their own, the
    # members, the clusters and their stays: 7, then kept in the process), which give
    # the count, the facets and the page's ids; the page's members. Cached, the
    # revision and the members only (test below).
    "directory": 9,
    "countries": 2,
    "country": 3,
    # The region; its countries' members on record; the regions' figures, kept per
    # data revision (the revision, and two queries the first time); the members listed.
    "region": 6,
    # The active members by country and how many are placed, each kept per data
    # revision (+2, the revision read for each); the members listed (past
    # LISTED_IN_FULL, the countries' names instead).
    "map": 5,
    # Grows with cohorts (the history's queries per announcement, once: the growth
    # series is read from its rows, and the rows are cached per data revision), not with
    # members; +1: the award's winners (gnlc/admissions, one query); +3: the members
    # whose cohort is not known, the network's last published total and the list of them
    # (each published total adds one more: what the data hold on its day; none here);
    # +2: the data revision keying the network's figures, and the admissions by cohort
    # (kept per revision too). A cohort's summary gives its regions' counts, which the
    # history reads rather than asking them again.
    "statistics": 24,
    # +2: the members whose cohort is not known, the network's published totals; +1:
    # the data revision keying the admissions by cohort.
    "open-data": 6,
}


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("page_name", list(LIST_PAGES))
def test_list_page_query_count_does_not_grow_with_members(
    client, django_assert_num_queries, page_name, count
):
    cohort = CohortFactory(year=2022)
    for n in range(count):
        MemberFactory(name=f"Member {n}", country_id="KE", cohort=cohort)
    name, args = LIST_PAGES[page_name]
    url = reverse(name, args=args)

    with django_assert_num_queries(QUERIES[page_name]):
        response = client.get(url)

    assert response.status_code == 200
    assert Member.objects.count() == count


def test_cached_page_answers_its_own_slice_and_reads_any_other_as_rows():
    from gnlc.cities.views import PAGE_SIZE, CachedPage, PageRows

    members = [MemberFactory(name=f"City {n:02}") for n in range(3)]
    directory = Member.objects.directory({}, "name")
    # A cached second page that names the last member only (as if cached earlier).
    rows = CachedPage(directory, {"count": 3, "number": 2, "ids": [members[2].pk]})
    read = PageRows().in_bulk([member.pk for member in members])

    assert rows[PAGE_SIZE : PAGE_SIZE * 2] == [read[members[2].pk]]
    assert rows[0:2] == [read[members[0].pk], read[members[1].pk]]
    assert rows[0:2][1]["name"] == "City 01"


def test_directory_is_cached_until_the_data_change(client, django_assert_num_queries):
    cohort = CohortFactory(year=2022)
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    url = reverse("cities:directory") + "?region=africa"
    client.get(url)

    with django_assert_num_queries(2):  # the data revision, the page's members
        cached = client.get(url)
    MemberFactory(name="Kisumu", country_id="KE", cohort=cohort)
    fresh = client.get(url)

    assert names(cached) == ["Nakuru"]
    assert names(fresh) == ["Kisumu", "Nakuru"]
    assert fresh.context["page"].paginator.count == 2
    regions = {row["value"]: row["count"] for row in fresh.context["facets"]["region"]}
    assert regions["africa"] == 2


def test_member_page_and_directory_show_the_local_name_with_its_language(client, reference_data):
    MemberFactory(name="Andong", country_id="KR", local_name="안동", local_name_lang="ko")
    local = '<span class="local-name"><bdi lang="ko">안동</bdi></span>'

    member_page = client.get(reverse("cities:member", args=["andong"])).content.decode()
    directory = client.get(reverse("cities:directory")).content.decode()

    assert f"<h1><bdi>Andong</bdi> {local}</h1>" in member_page
    assert local in directory


def test_member_edit_saves_the_local_name(client, member, coordinator):
    client.force_login(coordinator)

    client.post(
        reverse("cities:member-edit", args=[member.slug]),
        {"local_name": "Nakuru", "local_name_lang": "sw"},
    )

    member.refresh_from_db()
    assert (member.local_name, member.local_name_lang) == ("Nakuru", "sw")
    assert "nakuru nakuru" in member.search_text


def test_countries_are_listed_in_the_languages_names_and_order(client, reference_data):
    for iso2 in ("JO", "AE", "EG", "DZ"):
        MemberFactory(country_id=iso2)

    response = client.get("/fr/countries/")

    arab_states = next(g for g in response.context["groups"] if g["region"].slug == "arab-states")
    assert [row["label"] for row in arab_states["countries"]] == [
        "Algérie",
        "Égypte",
        "Émirats arabes unis",
        "Jordanie",
    ]


def test_directory_country_facet_is_in_the_languages_names_and_order(client, reference_data):
    for iso2 in ("EG", "EE", "ZM", "DE"):
        MemberFactory(country_id=iso2)

    response = client.get("/fr/members/")

    labels = [row["label"] for row in response.context["facets"]["country"]]
    assert labels == ["Allemagne", "Égypte", "Estonie", "Zambie"]
