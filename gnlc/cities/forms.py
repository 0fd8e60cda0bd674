"""Forms of the cities app. `DirectoryFilter` parses the directory's query string; the
pages, the open-data downloads and `gnlc export` all filter through it, so one URL means
the same rows everywhere (the API parses the same query with its own schema, under the
same rules, into the same `Directory`)."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gnlc.cities.enums import Status, SuggestionStatus
from gnlc.cities.models import (
    REGION_LABELS,
    SUGGESTION_MAX_LENGTH,
    Country,
    Member,
    Suggestion,
)
from gnlc.cities.querysets import (
    COHORT_NOT_KNOWN,
    COHORT_YEARS,
    COUNTRY_CODE,
    SEARCH_MAX_LENGTH,
    Directory,
)
from gnlc.core.forms import Honeypot, MemoisedSelect, RepeatedField
from gnlc.core.lists import FacetedFilter


def country_filter() -> RepeatedField:
    """A filter by countries: their ISO 3166-1 alpha-2 codes, any case, in capitals once
    cleaned (the directory's, the library's)."""
    code = forms.CharField(
        max_length=2,
        validators=[RegexValidator(COUNTRY_CODE, _("Give a country's two-letter ISO code."))],
    )
    return RepeatedField(code, label=_("Country"), normalise=str.upper)


class CohortValueField(forms.CharField):
    """A cohort's year, or "unknown" (no cohort known), as text so the facet's values
    sort and compare alike. A year is checked as an IntegerField checks it (and says so
    in its words)."""

    year = forms.IntegerField(min_value=COHORT_YEARS[0], max_value=COHORT_YEARS[1])

    def clean(self, value):
        value = super().clean(value)
        if value == COHORT_NOT_KNOWN:
            return value
        return str(self.year.clean(value))


class DirectoryFilter(FacetedFilter, forms.Form):
    """Search, facets, "as of" date and sort of the member directory.

    Each facet (region, country, cohort, status, cluster) takes several values, repeated in the
    URL (`?region=africa&region=arab-states`): a member matches any of them, and every
    facet it is filtered by. Invalid values are errors, not silently ignored: a shared
    link that no longer means anything should say so rather than show the whole
    network."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    region = RepeatedField(forms.ChoiceField(choices=REGION_LABELS.items()), label=_("Region"))
    country = country_filter()
    cohort = RepeatedField(CohortValueField(max_length=7), label=_("Cohort"))
    status = RepeatedField(forms.ChoiceField(choices=Status.choices), label=_("Status"))
    # A thematic cluster's slug (gnlc/clusters): the cities in it on the "as of" date.
    cluster = RepeatedField(forms.SlugField(max_length=80), label=_("Cluster"))
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
        widget=MemoisedSelect,
    )

    FILTER_FIELDS = Directory.FILTERS
    FACETS = Directory.FACETS
    INPUTS = ("q", "as_of")
    # The date and the sort apply when changed; the search box applies as one types, so
    # its own "change" on leaving it is not a trigger: it raced the facet clicked then.
    APPLY_ON_CHANGE = ("as_of", "sort")

    def chip_value(self, name, value, label):
        if name == "as_of":
            return date_format(value, "j F Y")
        if name == "status":
            return Status(value).label
        if name == "region":
            return REGION_LABELS.get(value, value)
        if name == "cohort" and value == COHORT_NOT_KNOWN:
            return _("not known")
        if name == "country" and label is None:
            return Country(iso2=value, name=value).label
        return label

    def chip_toggles(self, name):
        # The search and the date are one value: removing them needs no value.
        return name in self.FACETS

    @cached_property
    def directory(self) -> Directory:
        """The members these filters select, with their facets (an invalid form selects
        as an empty one does). One per form: it reads the data revision once."""
        sort = self.cleaned_data.get("sort") if self.is_valid() else None
        return Member.objects.directory(self.filters, sort)

    def queryset(self):
        """The rows this filter selects, sorted, ready for listing."""
        return self.directory.queryset()

    def summary(self) -> dict:
        """The count and the facet counts (see `Directory.summary`)."""
        return self.directory.summary()

    def facets(self):
        """Counts per facet value (see `Directory.summary`)."""
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

    def save(self, commit=True):
        if set(self.LOCATION_FIELDS) & set(self.changed_data):
            located = self.instance.latitude is not None
            self.instance.coordinates_source = "profile" if located else ""
        return super().save(commit)

    def profile_fields(self):
        """The fields other than the location, in their order (the page groups those)."""
        return [self[name] for name in self.fields if name not in self.LOCATION_FIELDS]

    def location_fields(self):
        return [self[name] for name in self.LOCATION_FIELDS]


class SuggestionForm(Honeypot, forms.ModelForm):
    """What a visitor says is wrong or missing, the source that proves it, and an
    optional address to hear the outcome at; guarded by a honeypot."""

    class Meta:
        model = Suggestion
        fields = ["text", "source_url", "email"]
        labels = {
            "text": _("What is wrong or missing"),
            "source_url": _("Source (a public page that shows it)"),
            "email": _("Your e-mail address (optional)"),
        }
        help_texts = {
            "text": _("At most 2000 characters."),
            "email": _("Only to tell you what became of your suggestion; never published."),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 6, "maxlength": SUGGESTION_MAX_LENGTH})}

    source_url = forms.URLField(
        label=_("Source (a public page that shows it)"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        help_text=_("Only to tell you what became of your suggestion; never published."),
        widget=forms.EmailInput(attrs={"dir": "ltr"}),
    )


class DecisionForm(forms.Form):
    """The reviewer's decision on a suggestion; a rejection says why."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SuggestionStatus.ACCEPTED, _("Accept")),
            (SuggestionStatus.REJECTED, _("Reject")),
            (SuggestionStatus.DUPLICATE, _("Mark as duplicate")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the suggester; required to reject)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == SuggestionStatus.REJECTED and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the suggestion is rejected."))
        return data


class MemberCorrectionForm(forms.ModelForm):
    """The member's facts as the reviewer corrects them when accepting a correction:
    saved as one audited edit."""

    required_legend = False  # drawn inside the decision's form, which says it once

    source_url = forms.URLField(
        label=_("Source"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    latitude = _coordinate_field(
        _("Latitude"), 90, _("A latitude is between -90 (south) and 90 (north) degrees.")
    )
    longitude = _coordinate_field(
        _("Longitude"), 180, _("A longitude is between -180 (west) and 180 (east) degrees.")
    )

    class Meta:
        model = Member
        fields = ["name", "country", "subdivision", "latitude", "longitude", "source_url"]
        labels = {"name": _("Name"), "country": _("Country"), "subdivision": _("Subdivision")}

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    def save(self, commit=True):
        if {"latitude", "longitude"} & set(self.changed_data):
            located = self.instance.latitude is not None
            self.instance.coordinates_source = "profile" if located else ""
        return super().save(commit)


class NewMemberForm(forms.Form):
    """A missing member, as the reviewer accepts it: the importer's row (its checks, its
    cohort or `member_by`), with the suggestion's source."""

    required_legend = False  # drawn inside the decision's form, which says it once

    city = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    year_joined = forms.IntegerField(label=_("Cohort year"), required=False)
    member_by = forms.DateField(
        label=_("A member by (if the cohort is not known)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source_url = forms.URLField(
        label=_("Source"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("year_joined") and not data.get("member_by"):
            raise forms.ValidationError(_("Give the cohort year or the day it was a member by."))
        return data

    def as_row(self) -> dict[str, str]:
        """The importer's row for this member."""
        data = self.cleaned_data
        return {
            "city": data["city"],
            "country": data["country"].name,
            "iso2": data["country"].iso2,
            "region": data["country"].region.name,
            "year_joined": str(data["year_joined"] or ""),
            "member_by": data["member_by"].isoformat() if data["member_by"] else "",
            "source_url": data["source_url"],
        }
