"""Forms of the cities app. `DirectoryFilter` parses the directory's query string; the
pages, the open-data downloads and `gnlc export` all filter through it, so one URL means
the same rows everywhere (the API parses the same query with its own schema, under the
same rules, into the same `Directory`)."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from gnlc.cities.enums import Status
from gnlc.cities.models import REGION_LABELS, Member
from gnlc.cities.querysets import COHORT_YEARS, COUNTRY_CODE, SEARCH_MAX_LENGTH, Directory
from gnlc.core.forms import RepeatedField


def country_filter() -> RepeatedField:
    """A filter by countries: their ISO 3166-1 alpha-2 codes, any case, in capitals once
    cleaned (the directory's, the library's)."""
    code = forms.CharField(
        max_length=2,
        validators=[RegexValidator(COUNTRY_CODE, _("Give a country's two-letter ISO code."))],
    )
    return RepeatedField(code, label=_("Country"), normalise=str.upper)


class DirectoryFilter(forms.Form):
    """Search, facets, "as of" date and sort of the member directory.

    Each facet (region, country, cohort, status) takes several values, repeated in the
    URL (`?region=africa&region=arab-states`): a member matches any of them, and every
    facet it is filtered by. Invalid values are errors, not silently ignored: a shared
    link that no longer means anything should say so rather than show the whole
    network."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    region = RepeatedField(forms.ChoiceField(choices=REGION_LABELS.items()), label=_("Region"))
    country = country_filter()
    cohort = RepeatedField(
        forms.IntegerField(min_value=COHORT_YEARS[0], max_value=COHORT_YEARS[1]),
        label=_("Cohort"),
    )
    status = RepeatedField(forms.ChoiceField(choices=Status.choices), label=_("Status"))
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name (A–Z)")),
            ("-name", _("Name (Z–A)")),
            ("country", _("Country")),
            ("cohort", _("Cohort (oldest first)")),
            ("-cohort", _("Cohort (newest first)")),
        ],
    )

    FILTER_FIELDS = Directory.FILTERS
    FACETS = Directory.FACETS

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters, as cleaned values (a facet's: a list)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k in self.FILTER_FIELDS and v}

    def filter_pairs(self) -> list[tuple[str, object]]:
        """The filters as (name, value) pairs, a facet's values one pair each: what the
        URL repeats, and what a download is named after."""
        return [
            (name, item)
            for name, value in self.filters.items()
            for item in (value if isinstance(value, list) else [value])
        ]

    @property
    def directory(self) -> Directory:
        """The members these filters select, with their facets (an invalid form selects
        as an empty one does)."""
        sort = self.cleaned_data.get("sort") if self.is_valid() else None
        return Member.objects.directory(self.filters, sort)

    def queryset(self):
        """The rows this filter selects, sorted, ready for listing."""
        return self.directory.queryset()

    def facets(self):
        """Counts per facet value (see `Directory.facets`)."""
        return self.directory.facets()


def _coordinate_field(label, limit: int, message):
    return forms.FloatField(
        label=label,
        required=False,
        min_value=-limit,
        max_value=limit,
        error_messages={"min_value": message, "max_value": message},
        widget=forms.NumberInput(
            # Degrees read left to right, a minus sign first, in Arabic pages too.
            attrs={
                "step": "any",
                "min": -limit,
                "max": limit,
                "dir": "ltr",
                "aria-describedby": "location-help",
            }
        ),
    )


class MemberProfileForm(forms.ModelForm):
    """What a city coordinator may keep up to date about their own city, its location
    among it: the latitude and longitude put the member on the map (typed, or set by a
    click on the form's map where JavaScript runs). Who set them, and when, is in the
    audit log, as for every change of a member."""

    # Declared to choose the scheme a bare "example.org" gets: Django 5.2 warns (an error
    # under our test settings) when a model URLField's form field leaves it to the default.
    website = forms.URLField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https"
    )
    latitude = _coordinate_field(
        _("Latitude"),
        90,
        _("A latitude is between -90 (south) and 90 (north) degrees."),
    )
    longitude = _coordinate_field(
        _("Longitude"),
        180,
        _("A longitude is between -180 (west) and 180 (east) degrees."),
    )

    # Coordinates to a millionth of a degree: about 10 cm, more than a city needs.
    PRECISION = 6

    class Meta:
        model = Member
        fields = [
            "website",
            "mayor",
            "population",
            "subdivision",
            "local_name",
            "local_name_lang",
            "profile",
            "latitude",
            "longitude",
        ]
        labels = {
            "mayor": _("Mayor"),
            "population": _("Population"),
            "subdivision": _("Subdivision"),
            "profile": _("Profile"),
        }
        widgets = {"profile": forms.Textarea(attrs={"rows": 8})}

    LOCATION_FIELDS = ("latitude", "longitude")

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if self.has_error("latitude") or self.has_error("longitude"):
            return data
        if latitude is None and longitude is not None:
            self.add_error("latitude", _("Give the latitude too, or leave both empty."))
        elif longitude is None and latitude is not None:
            self.add_error("longitude", _("Give the longitude too, or leave both empty."))
        else:
            for name in self.LOCATION_FIELDS:
                if data.get(name) is not None:
                    data[name] = round(data[name], self.PRECISION)
        return data

    def profile_fields(self):
        """The fields other than the location, in their order (the page groups those)."""
        return [self[name] for name in self.fields if name not in self.LOCATION_FIELDS]

    def location_fields(self):
        return [self[name] for name in self.LOCATION_FIELDS]
