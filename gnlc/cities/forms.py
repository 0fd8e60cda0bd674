"""Forms of the cities app. `DirectoryFilter` parses the directory's query string; the
pages, the open-data downloads and `gnlc export` all filter through it, so one URL means
the same rows everywhere."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gnlc.cities.cache import memoised
from gnlc.cities.enums import Status
from gnlc.cities.facets import cube, summary
from gnlc.cities.models import REGION_LABELS, Member
from gnlc.core.forms import RepeatedField

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country__name", "name", "pk"),
    "cohort": ("cohort__year", "name", "pk"),
    "-cohort": ("-cohort__year", "name", "pk"),
}


class DirectoryFilter(forms.Form):
    """Search, facets, "as of" date and sort of the member directory.

    Each facet (region, country, cohort, status) takes several values, repeated in the
    URL (`?region=africa&region=arab-states`): a member matches any of them, and every
    facet it is filtered by. Invalid values are errors, not silently ignored: a shared
    link that no longer means anything should say so rather than show the whole
    network."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = RepeatedField(forms.ChoiceField(choices=REGION_LABELS.items()), label=_("Region"))
    country = RepeatedField(forms.CharField(max_length=2), label=_("Country"), normalise=str.upper)
    cohort = RepeatedField(forms.IntegerField(min_value=2000, max_value=2100), label=_("Cohort"))
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

    FILTER_FIELDS = ("q", "region", "country", "cohort", "status", "as_of")
    # The facets, and how each narrows the members to any of its values.
    FACETS = {
        "region": "country__region_id__in",
        "country": "country_id__in",
        "cohort": "cohort_id__in",
        "status": "status_on__in",
    }

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

    def base_queryset(self):
        """Members on record on the chosen date with every filter but the facets applied
        (search and date), so facet counts show what each choice would give."""
        filters = self.filters
        return Member.objects.on_record(filters.get("as_of")).search(filters.get("q", ""))

    def _narrowed(self, members, but=None):
        """`members` narrowed by every facet's values, but the facet `but`."""
        filters = self.filters
        for name, lookup in self.FACETS.items():
            if name != but and name in filters:
                members = members.filter(**{lookup: filters[name]})
        return members

    def queryset(self):
        """The rows this filter selects, sorted, ready for listing."""
        sort = (self.cleaned_data.get("sort") if self.is_valid() else None) or "name"
        return self._narrowed(self.base_queryset()).for_listing().order_by(*SORTS[sort])

    def summary(self) -> dict:
        """{"count": the members selected, "facets": their counts per facet value}, as
        multi-choice faceted search counts them: a facet without a chosen value counts
        over the results; a facet with some counts over the results of every other
        facet's filters, so its other values show how many members choosing them too
        would bring (values of one facet are alternatives).

        One grouped query (`facet_cube`: members per country, cohort and status) answers
        the count and all four facets, added up here; without a search or a date its
        rows are the whole network's, kept in this process per data revision, so a
        filter costs no count query at all."""
        filters = self.filters
        base = self.base_queryset()
        if "q" in filters or "as_of" in filters:
            counted = cube(base.facet_cube())
        else:
            counted = memoised(["member-facet-cube"], lambda: cube(base.facet_cube()))
        return summary(counted, {name: filters.get(name) for name in self.FACETS})

    def facets(self):
        """Counts per facet value (see `summary`)."""
        return self.summary()["facets"]


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
