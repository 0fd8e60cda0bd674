"""Forms of the cities app. `DirectoryFilter` parses the directory's query string; the
pages, the open-data downloads and `gnlc export` all filter through it, so one URL means
the same rows everywhere."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gnlc.cities.enums import Status
from gnlc.cities.models import REGION_LABELS, Member

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country__name", "name", "pk"),
    "cohort": ("cohort__year", "name", "pk"),
    "-cohort": ("-cohort__year", "name", "pk"),
}


class DirectoryFilter(forms.Form):
    """Search, facets, "as of" date and sort of the member directory.

    Invalid values are errors, not silently ignored: a shared link that no longer means
    anything should say so rather than show the whole network."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    cohort = forms.IntegerField(label=_("Cohort"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices]
    )
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

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        # The five regions are fixed reference data: their choices cost no query.
        self.fields["region"].choices = [("", _("Any")), *REGION_LABELS.items()]

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters, as cleaned values."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k in self.FILTER_FIELDS and v}

    def base_queryset(self):
        """Members on record on the chosen date with every filter but the facets applied
        (search and date), so facet counts show what each choice would give."""
        filters = self.filters
        return Member.objects.on_record(filters.get("as_of")).search(filters.get("q", ""))

    def queryset(self):
        """The rows this filter selects, sorted, ready for listing."""
        filters = self.filters
        members = self.base_queryset()
        if "region" in filters:
            members = members.filter(country__region_id=filters["region"])
        if "country" in filters:
            members = members.filter(country_id=filters["country"])
        if "cohort" in filters:
            members = members.filter(cohort_id=filters["cohort"])
        if "status" in filters:
            members = members.filter(status_on=filters["status"])
        sort = (self.cleaned_data.get("sort") if self.is_valid() else None) or "name"
        return members.for_listing().order_by(*SORTS[sort])

    def facets(self):
        """Counts per facet value over the filtered rows (the usual faceted-search rule:
        each count is what the result would hold with that value added)."""
        return self.queryset().order_by().facet_counts()


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
