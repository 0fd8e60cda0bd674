"""Country names, one way everywhere: the UN's short names, as UNESCO writes them, on
pages, in exports, in mail and in press releases alike.

In English they are our `Country.name`. In French, Spanish and Arabic we start from
CLDR's names (shipped by Babel) and override them with the UN short name wherever the two
differ ("Corée du Sud" -> "République de Corée", "Vietnam" -> "Viet Nam", "كوريا
الجنوبية" -> "جمهورية كوريا"). The overrides below are taken from the UN Terminology
Database (UNTERM, "short name" field, French, Spanish and Arabic), which is also the
source of the UN's list of Member States; pycountry's translations (ISO 3166 names,
"Corée, République de") are in another style, so they are not used. A country missing
here falls back to CLDR, then to the English UN name.

Sorting them is `gnlc.core.text.sort_key`'s job (the one collator)."""

import functools

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

UN_SHORT_NAMES = {
    "fr": {
        "BN": "Brunéi Darussalam",
        "BO": "Bolivie (État plurinational de)",
        "CD": "République démocratique du Congo",
        "CF": "République centrafricaine",
        "CG": "Congo",
        "CI": "Côte d'Ivoire",
        "CV": "Cabo Verde",
        "CZ": "Tchéquie",
        "DO": "République dominicaine",
        "FM": "Micronésie (États fédérés de)",
        "GB": "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
        "IR": "Iran (République islamique d')",
        "KP": "République populaire démocratique de Corée",
        "KR": "République de Corée",
        "LA": "République démocratique populaire lao",
        "MD": "République de Moldova",
        "MK": "Macédoine du Nord",
        "MM": "Myanmar",
        "NL": "Pays-Bas (Royaume des)",
        "PS": "Palestine",
        "RU": "Fédération de Russie",
        "ST": "Sao Tomé-et-Principe",
        "SY": "République arabe syrienne",
        "SZ": "Eswatini",
        "TL": "Timor-Leste",
        "TR": "Türkiye",
        "TZ": "République-Unie de Tanzanie",
        "US": "États-Unis d'Amérique",
        "VE": "Venezuela (République bolivarienne du)",
        "VN": "Viet Nam",
    },
    "es": {
        "BH": "Bahrein",
        "BJ": "Benin",
        "BN": "Brunei Darussalam",
        "BO": "Bolivia (Estado Plurinacional de)",
        "BW": "Botswana",
        "BY": "Belarús",
        "CD": "República Democrática del Congo",
        "CF": "República Centroafricana",
        "CG": "Congo",
        "CI": "Côte d'Ivoire",
        "CZ": "Chequia",
        "DJ": "Djibouti",
        "FM": "Micronesia (Estados Federados de)",
        "GB": "Reino Unido de Gran Bretaña e Irlanda del Norte",
        "GW": "Guinea-Bissau",
        "IQ": "Iraq",
        "IR": "Irán (República Islámica del)",
        "KE": "Kenya",
        "KG": "Kirguistán",
        "KP": "República Popular Democrática de Corea",
        "KR": "República de Corea",
        "KZ": "Kazajstán",
        "LA": "República Democrática Popular Lao",
        "LS": "Lesotho",
        "MD": "República de Moldova",
        "MK": "Macedonia del Norte",
        "MM": "Myanmar",
        "MW": "Malawi",
        "NL": "Países Bajos (Reino de los)",
        "PS": "Palestina",
        "QA": "Qatar",
        "RU": "Federación de Rusia",
        "RW": "Rwanda",
        "SA": "Arabia Saudita",
        "SG": "Singapur",
        "ST": "Santo Tomé y Príncipe",
        "SY": "República Árabe Siria",
        "SZ": "Eswatini",
        "TJ": "Tayikistán",
        "TL": "Timor-Leste",
        "TR": "Türkiye",
        "TT": "Trinidad y Tabago",
        "TZ": "República Unida de Tanzanía",
        "US": "Estados Unidos de América",
        "VE": "Venezuela (República Bolivariana de)",
        "VN": "Viet Nam",
        "ZW": "Zimbabwe",
    },
    "ar": {
        "BN": "بروني دار السلام",
        "BO": "بوليفيا (دولة - المتعددة القوميات)",
        "CD": "جمهورية الكونغو الديمقراطية",
        "CG": "الكونغو",
        "CI": "كوت ديفوار",
        "CV": "كابو فيردي",
        "CZ": "تشيكيا",
        "DO": "الجمهورية الدومينيكية",
        "FM": "ميكرونيزيا (ولايات - الموحدة)",
        "GB": "المملكة المتحدة لبريطانيا العظمى وآيرلندا الشمالية",
        "IR": "إيران (جمهورية - الإسلامية)",
        "KP": "جمهورية كوريا الشعبية الديمقراطية",
        "KR": "جمهورية كوريا",
        "LA": "جمهورية لاو الديمقراطية الشعبية",
        "MD": "جمهورية مولدوفا",
        "MM": "ميانمار",
        "MV": "ملديف",
        "PS": "فلسطين",
        "RU": "الاتحاد الروسي",
        "ST": "سان تومي وبرينسيبي",
        "SY": "الجمهورية العربية السورية",
        "TZ": "جمهورية تنزانيا المتحدة",
        "US": "الولايات المتحدة الأمريكية",
        "VE": "فنزويلا (جمهورية - البوليفارية)",
        "VN": "فييت نام",
    },
}


def base_language(language: str | None) -> str:
    """ "fr" for "fr-CA"; English where none is given."""
    return (language or "en").split("-")[0].lower()


@functools.cache
def _territories(language: str) -> dict:
    """CLDR's country names in `language` (empty for a language Babel does not know),
    parsed once: a directory page names every country of its facets."""
    try:
        return dict(Locale.parse(language).territories)
    except (ValueError, LookupError, UnknownLocaleError):
        return {}


def country_name(iso2: str, name: str, language: str | None = None) -> str:
    """The UN short name of the country `iso2` (English UN name `name`) in `language`,
    the active one by default (see the module's docstring)."""
    language = base_language(language or get_language())
    if language == "en":
        return name
    return UN_SHORT_NAMES.get(language, {}).get(iso2) or _territories(language).get(iso2, name)
