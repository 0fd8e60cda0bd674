import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _

from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.text import sort_key
from gnlc.news import announcements

pytestmark = pytest.mark.django_db

NETWORK = "UNESCO Global Network of Learning Cities"
NETWORK_FR = "Réseau mondial des villes apprenantes de l'UNESCO"
NETWORK_ES = "Red Mundial de Ciudades del Aprendizaje de la UNESCO"


@pytest.fixture
def cohort():
    """The 2022 cohort: 9 new members from 8 countries in four regions. Before it, 2020's
    three members, one of them withdrawn before the announcement (not counted) and one
    after it (counted); after it, a 2024 member (not counted)."""
    cohort_2020 = CohortFactory(year=2020, announced_on=dt.date(2020, 9, 23))
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort_2020)
    aswan = MemberFactory(name="Aswan", country_id="EG", cohort=cohort_2020)
    bristol = MemberFactory(name="Bristol", country_id="GB", cohort=cohort_2020)
    bristol.record_event(EventKind.WITHDRAWN, on=dt.date(2021, 5, 1))
    aswan.record_event(EventKind.WITHDRAWN, on=dt.date(2023, 1, 1))
    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    for name, country in [
        ("Mombasa", "KE"),
        ("Sa Đéc", "VN"),
        ("Cao Lãnh", "VN"),
        ("Ansan", "KR"),
        ("Zagreb", "HR"),
        ("Évora", "PT"),
        ("Espoo", "FI"),
        ("Nuquí", "CO"),
        ("Ñuñoa", "CL"),
    ]:
        MemberFactory(name=name, country_id=country, cohort=cohort)
    MemberFactory(name="Lyon", country_id="FR", cohort=CohortFactory(year=2024))
    return cohort


def test_compose_counts_and_totals_as_of_the_date(cohort):
    composed = announcements.compose(cohort, "en")

    assert composed.figures == {
        "new_members": 9,
        "new_countries": 8,
        "total_members": 11,  # 9 + Nakuru + Aswan; Bristol left before, Lyon came after
        "total_countries": 9,
        "first_time_countries": 7,  # all but Kenya
    }
    assert composed.date == dt.date(2022, 9, 2)


def test_compose_groups_by_region_in_unesco_order_sorted_by_collation(cohort):
    composed = announcements.compose(cohort, "en")

    assert composed.groups == [
        ("Africa", ["Mombasa (Kenya)"]),
        (
            "Asia and the Pacific",
            ["Ansan (Republic of Korea)", "Cao Lãnh (Viet Nam)", "Sa Đéc (Viet Nam)"],
        ),
        ("Europe and North America", ["Espoo (Finland)", "Évora (Portugal)", "Zagreb (Croatia)"]),
        ("Latin America and the Caribbean", ["Ñuñoa (Chile)", "Nuquí (Colombia)"]),
    ]


def test_compose_english_sentences(cohort):
    composed = announcements.compose(cohort, "en")

    assert composed.title == f"{NETWORK}: 9 new members from 8 countries"
    assert composed.lead.startswith(
        f"On 2 September 2022, UNESCO welcomed 9 new members from 8 countries into the {NETWORK},"
    )
    assert composed.closing == (
        f"The 9 new members bring the total number of cities within the {NETWORK} "
        "to 11 in 9 countries."
    )
    assert composed.body.startswith("## Africa\n\n- Mombasa (Kenya)\n\n## Asia and the Pacific\n")


def test_compose_french(cohort):
    composed = announcements.compose(cohort, "fr")

    assert composed.title == f"{NETWORK_FR}\u00a0: 9 nouveaux membres de 8 pays"
    assert composed.lead.startswith("Le 2 septembre 2022, l'UNESCO a accueilli 9 nouveaux membres")
    assert composed.closing == (
        f"Les 9 nouveaux membres portent à 11 le nombre total de villes du {NETWORK_FR}, "
        "dans 9 pays."
    )
    assert composed.groups[1] == (
        "Asie et Pacifique",
        ["Ansan (République de Corée)", "Cao Lãnh (Viet Nam)", "Sa Đéc (Viet Nam)"],
    )
    assert composed.groups[2][1] == ["Espoo (Finlande)", "Évora (Portugal)", "Zagreb (Croatie)"]


def test_compose_spanish_sorts_n_tilde_after_n(cohort):
    composed = announcements.compose(cohort, "es")

    assert composed.title == f"{NETWORK_ES}: 9 nuevos miembros de 8 países"
    assert composed.lead.startswith("El 2 de septiembre de 2022, la UNESCO dio la bienvenida a 9")
    assert composed.closing == (
        f"Los 9 nuevos miembros elevan el número total de ciudades de la {NETWORK_ES} "
        "a 11 en 9 países."
    )
    assert composed.groups[0] == ("África", ["Mombasa (Kenya)"])
    assert composed.groups[3] == (
        "América Latina y el Caribe",
        ["Nuquí (Colombia)", "Ñuñoa (Chile)"],
    )


@pytest.mark.parametrize(
    ("language", "title", "closing_start"),
    [
        ("en", f"{NETWORK}: 1 new member from 1 country", "The 1 new member brings the total"),
        ("fr", f"{NETWORK_FR}\u00a0: 1 nouveau membre de 1 pays", "Le 1 nouveau membre porte à"),
        ("es", f"{NETWORK_ES}: 1 nuevo miembro de 1 país", "El 1 nuevo miembro eleva el"),
    ],
)
def test_compose_singular_in_each_language(db, language, title, closing_start):
    lone = CohortFactory(year=2023, announced_on=dt.date(2023, 3, 1))
    MemberFactory(name="Aalborg", country_id="DK", cohort=lone)

    composed = announcements.compose(lone, language)

    assert composed.title == title
    assert composed.closing.startswith(closing_start)
    assert composed.closing.endswith(
        {"en": "to 1 in 1 country.", "fr": "dans 1 pays.", "es": "a 1 en 1 país."}[language]
    )


def test_compose_year_only_cohort_counts_at_end_of_year(db):
    cohort = CohortFactory(year=2017, announced_on=None)
    MemberFactory(name="Cork", country_id="IE", cohort=cohort)

    composed = announcements.compose(cohort, "en")

    assert composed.date == dt.date(2017, 12, 31)
    assert (
        composed.figures["total_members"] == Member.objects.active_on(dt.date(2017, 12, 31)).count()
    )


def test_country_name_uses_un_short_names_over_cldr(db):
    from gnlc.cities.models import Country

    korea, kenya = Country.objects.get(iso2="KR"), Country.objects.get(iso2="KE")

    assert [korea.name_in(lang) for lang in ("en", "fr", "es")] == [
        "Republic of Korea",
        "République de Corée",
        "República de Corea",
    ]
    assert [kenya.name_in(lang) for lang in ("en", "fr", "es")] == ["Kenya", "Kenya", "Kenya"]


def test_sort_key_ignores_accents_at_first_level():
    names = ["Zagreb", "Évora", "Espoo", "Aalborg", "Åland"]

    assert sorted(names, key=lambda n: sort_key(n, "fr")) == [
        "Aalborg",
        "Åland",
        "Espoo",
        "Évora",
        "Zagreb",
    ]


def test_figure_warnings_none_for_the_text_as_written(cohort):
    composed = announcements.compose(cohort, "fr")
    parts = {"title": composed.title, "lead": composed.lead, "body": composed.body}
    parts["closing"] = composed.closing

    assert announcements.figure_warnings(parts, composed.figures, "fr") == []


def test_figure_warnings_name_each_figure_the_text_misstates(cohort):
    composed = announcements.compose(cohort, "en")
    parts = {
        "title": composed.title.replace("9 new members", "10 new members"),
        "lead": composed.lead,
        "body": composed.body.replace("- Zagreb (Croatia)\n", ""),
        "closing": composed.closing.replace("to 11 in", "to 12 in"),
    }

    warnings = announcements.figure_warnings(parts, composed.figures, "en")

    assert warnings == [
        "The text says 10 new members; the data now give 9.",
        "The text says 12 members in total; the data now give 11.",
        "The text lists 8 members; the data hold 9 new members.",
    ]


def test_figure_warnings_look_for_figures_in_rewritten_sentences(cohort):
    composed = announcements.compose(cohort, "en")
    parts = {
        "title": "Nine cities join the network",
        "lead": composed.lead,
        "body": composed.body,
        "closing": "The network now has 11 cities.",
    }

    warnings = announcements.figure_warnings(parts, composed.figures, "en")

    # 9 and 8 are in the lead; 11 is still there; 9 countries in total is (as "9").
    assert warnings == []
    parts["lead"] = "Welcome!"
    assert announcements.figure_warnings(parts, composed.figures, "en") == [
        "The data give 9 new members, a figure the text does not state.",
        "The data give 8 countries of the new members, a figure the text does not state.",
        "The data give 9 countries in total, a figure the text does not state.",
    ]


def test_formats_markdown_text_and_html(cohort):
    composed = announcements.compose(cohort, "en")
    args = (composed.title, composed.date, composed.lead, composed.body, composed.closing, "en")

    markdown = announcements.as_markdown(*args)
    text = announcements.as_text(*args)
    html = announcements.as_html(*args)

    assert markdown.startswith(
        f"# {NETWORK}: 9 new members from 8 countries\n\n*2 September 2022*\n"
    )
    assert "\nAfrica\n------\n\n- Mombasa (Kenya)\n" in text
    assert text.splitlines()[1] == "=" * len(composed.title)
    assert html.startswith(
        f'<article lang="en" dir="ltr">\n<h1>{NETWORK}: 9 new members from 8 countries</h1>'
    )
    assert html.endswith("</article>\n")
    assert "<h2>Latin America and the Caribbean</h2>" in html
    assert "<li>Ñuñoa (Chile)</li>" in html


def test_announce_command_prints_each_format(cohort, capsys):
    call_command("announce", "2022", "--lang", "fr", "--format", "txt")

    out = capsys.readouterr().out
    assert out.startswith(f"{NETWORK_FR}\u00a0: 9 nouveaux membres de 8 pays\n")
    assert "Amérique latine et Caraïbes\n---------------------------" in out


def test_announce_command_unknown_year_says_which_exist(cohort):
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match=r"There is no cohort of 1999\. Cohorts: 2020, 2022, 2024\."
    ):
        call_command("announce", "1999")


# Arabic ------------------------------------------------------------------------------------

NETWORK_AR = "شبكة اليونسكو العالمية لمدن التعلّم"

# Arabic's six plural forms (0, 1, 2, 3-10, 11-99, 100 and more): one and two are said in
# words, as Arabic writes them; the others take the number and the noun's own form.
ARABIC_MEMBERS = {
    0: "0 عضو جديد",
    1: "عضو جديد واحد",
    2: "عضوان جديدان",
    3: "3 أعضاء جدد",
    11: "11 عضوًا جديدًا",
    100: "100 عضو جديد",
}
ARABIC_COUNTRIES = {
    0: "0 بلد",
    1: "بلد واحد",
    2: "بلدين",
    3: "3 بلدان",
    11: "11 بلدًا",
    100: "100 بلد",
}
ARABIC_JOINING = {
    0: "0 عضو جديد",
    1: "عضو جديد واحد",
    2: "عضوين جديدين",
    3: "3 أعضاء جدد",
    11: "11 عضوًا جديدًا",
    100: "100 عضو جديد",
}
ARABIC_THESE = {
    0: "0 عضو جديد",
    1: "هذا العضو الجديد",
    2: "هذين العضوين الجديدين",
    3: "هؤلاء الأعضاء الجدد الـ3",
    11: "هؤلاء الأعضاء الجدد الـ11",
    100: "هؤلاء الأعضاء الجدد الـ100",
}


def _figures(count: int) -> dict:
    return {
        "new_members": count,
        "new_countries": count,
        "total_members": 300,
        "total_countries": 80,
        "first_time_countries": 0,
    }


@pytest.mark.parametrize("count", [0, 1, 2, 3, 11, 100])
def test_arabic_sentences_take_the_plural_form_of_each_count(count):
    with translation.override("ar"):
        title = announcements.title_for(_figures(count))
        lead = announcements.lead_for(_figures(count), dt.date(2024, 2, 14))
        closing = announcements.closing_for(_figures(count))

    assert title == f"{NETWORK_AR}: {ARABIC_MEMBERS[count]} من {ARABIC_COUNTRIES[count]}"
    assert lead == (
        f"في 14 فبراير 2024، رحّبت اليونسكو بانضمام {ARABIC_JOINING[count]} من "
        f"{ARABIC_COUNTRIES[count]} إلى {NETWORK_AR}، التي تدعم المدن في جعل التعلّم مدى "
        "الحياة واقعًا للجميع."
    )
    assert closing == (
        f"بانضمام {ARABIC_THESE[count]}، يصل العدد الإجمالي للمدن في {NETWORK_AR} "
        "إلى 300 في 80 بلدًا."
    )


@pytest.mark.parametrize("count", [0, 1, 2, 3, 11, 100])
def test_arabic_text_as_written_raises_no_figure_warning(count):
    figures = _figures(count)
    with translation.override("ar"):
        parts = {
            "title": announcements.title_for(figures),
            "lead": announcements.lead_for(figures, dt.date(2024, 2, 14)),
            "body": "\n".join(f"- City {n} (Kenya)" for n in range(count)),
            "closing": announcements.closing_for(figures),
        }

        assert announcements.figure_warnings(parts, figures, "ar") == []


def test_arabic_figure_said_in_words_is_checked(db):
    with translation.override("ar"):
        parts = {
            "title": announcements.title_for(_figures(2)),  # "عضوان جديدان من بلدين"
            "lead": "",
            "body": "- Mombasa (كينيا)\n- Nakuru (كينيا)\n- Kisumu (كينيا)",
            "closing": announcements.closing_for(_figures(3)),
        }
        warnings = announcements.figure_warnings(parts, _figures(3), "ar")

        assert warnings == [
            _("The text says %(stated)s %(label)s; the data now give %(actual)s.")
            % {"stated": 2, "label": _("new members"), "actual": 3},
            _("The text says %(stated)s %(label)s; the data now give %(actual)s.")
            % {"stated": 2, "label": _("countries of the new members"), "actual": 3},
        ]


def test_compose_arabic_groups_by_region_with_arabic_names(cohort):
    composed = announcements.compose(cohort, "ar")

    assert composed.title == f"{NETWORK_AR}: 9 أعضاء جدد من 8 بلدان"
    assert composed.lead.startswith(
        f"في 2 سبتمبر 2022، رحّبت اليونسكو بانضمام 9 أعضاء جدد من 8 بلدان إلى {NETWORK_AR}،"
    )
    assert composed.closing == (
        f"بانضمام هؤلاء الأعضاء الجدد الـ9، يصل العدد الإجمالي للمدن في {NETWORK_AR} "
        "إلى 11 في 9 بلدان."
    )
    assert composed.groups == [
        ("أفريقيا", ["Mombasa (كينيا)"]),
        (
            "آسيا والمحيط الهادئ",
            ["Ansan (جمهورية كوريا)", "Cao Lãnh (فييت نام)", "Sa Đéc (فييت نام)"],
        ),
        ("أوروبا وأمريكا الشمالية", ["Espoo (فنلندا)", "Évora (البرتغال)", "Zagreb (كرواتيا)"]),
        ("أمريكا اللاتينية والبحر الكاريبي", ["Ñuñoa (تشيلي)", "Nuquí (كولومبيا)"]),
    ]
    assert composed.body.startswith("## أفريقيا\n\n- Mombasa (كينيا)\n\n## آسيا والمحيط الهادئ\n")


def test_compose_arabic_writes_a_city_by_its_arabic_name_where_held(db):
    cohort = CohortFactory(year=2023, announced_on=dt.date(2023, 3, 1))
    MemberFactory(
        name="Aswan", country_id="EG", cohort=cohort, local_name="أسوان", local_name_lang="ar"
    )
    MemberFactory(name="Damietta", country_id="EG", cohort=cohort)

    arabic = announcements.compose(cohort, "ar")
    english = announcements.compose(cohort, "en")

    assert arabic.title == f"{NETWORK_AR}: عضوان جديدان من بلد واحد"
    assert arabic.groups == [("الدول العربية", ["Damietta (مصر)", "أسوان (مصر)"])]
    assert english.groups == [("Arab States", ["Aswan (Egypt)", "Damietta (Egypt)"])]


def test_arabic_html_is_right_to_left_with_the_date_written_out(cohort):
    composed = announcements.compose(cohort, "ar")
    args = (composed.title, composed.date, composed.lead, composed.body, composed.closing, "ar")

    html = announcements.as_html(*args)
    text = announcements.as_text(*args)

    assert html.startswith(f'<article lang="ar" dir="rtl">\n<h1>{NETWORK_AR}: 9 أعضاء جدد')
    assert "<h2>الدول العربية</h2>" not in html  # no member from that region this year
    assert "<h2>أفريقيا</h2>" in html
    assert text.splitlines()[3] == "2 سبتمبر 2022"


def test_country_names_in_arabic_are_the_un_short_names(db):
    from gnlc.cities.models import Country

    names = [Country.objects.get(iso2=code).name_in("ar") for code in ("KR", "VN", "KE")]

    assert names == ["جمهورية كوريا", "فييت نام", "كينيا"]
