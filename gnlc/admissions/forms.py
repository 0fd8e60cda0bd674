"""Forms of the admission cycle. The application form is relaxed for drafts (only the
city and its country are needed, and over-long texts are kept with a warning) and strict
on submission; either way an invalid form comes back with everything the user typed."""

import zoneinfo

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gnlc.admissions import kinds
from gnlc.admissions.enums import (
    CHALLENGES,
    LETTER_MAX_MB,
    MOTIVATION_MAX_WORDS,
    ConflictDecision,
    ConflictKind,
)
from gnlc.admissions.kinds import DATE_FIELDS
from gnlc.admissions.models import Application, Call, Criterion, JurorProfile
from gnlc.admissions.models.application import (
    AWARD_REQUIRED_ON_SUBMIT,
    DOSSIER,
    REQUIRED_ON_SUBMIT,
)
from gnlc.cities.models import Country
from gnlc.core.text import count_words
from gnlc.core.uploads import MB, CheckedFileField

RATINGS = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
WORD_LIMITED = ("motivation", "implementation_plan")


# The dossier's text boxes, in both entry forms (admissions.js counts the limited words).
DOSSIER_WIDGETS = {
    "motivation": forms.Textarea(attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}),
    "implementation_plan": forms.Textarea(
        attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}
    ),
    "good_practices": forms.Textarea(attrs={"rows": 6}),
}


class EntryForm(forms.ModelForm):
    """What the entry forms of every kind share: the call, the strict mode (submitting)
    and the word limits, refused when strict and otherwise kept with a warning."""

    def __init__(self, *args, call, strict=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.call, self.strict = call, strict
        self.instance.call = call
        self.warnings = []
        for name in WORD_LIMITED:
            self.fields[name].help_text = _("At most %(n)d words.") % {"n": MOTIVATION_MAX_WORDS}

    def clean(self):
        data = super().clean()
        for name in WORD_LIMITED:
            words = count_words(data.get(name, ""))
            if words > MOTIVATION_MAX_WORDS:
                message = _("%(words)d words: at most %(max)d.") % {
                    "words": words,
                    "max": MOTIVATION_MAX_WORDS,
                }
                if self.strict:
                    self.add_error(name, message)
                else:
                    self.warnings.append(f"{self.fields[name].label}: {message}")
        return data


class ApplicationForm(EntryForm):
    """The application. `strict=True` (submitting, or editing a submitted application)
    asks for every field and enforces the word limits; drafts need only the city."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https"
    )
    letter = CheckedFileField(
        label=_("Mayor's signed commitment letter"),
        kinds={"pdf"},
        max_bytes=LETTER_MAX_MB * MB,
        required=False,
    )

    class Meta:
        model = Application
        fields = list(DOSSIER)
        widgets = {
            **DOSSIER_WIDGETS,
            "interests": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, call, strict=False, **kwargs):
        super().__init__(*args, call=call, strict=strict, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")
        # The model field has no translated name (changing it would be a migration).
        self.fields["country"].label = _("Country")
        self.fields["data_year"].widget.attrs.update(min=1990, max=2100)
        for key, label in CHALLENGES.items():
            self.fields[f"challenge_{key}"] = forms.TypedChoiceField(
                label=label,
                choices=RATINGS,
                coerce=int,
                empty_value=None,
                required=False,
                initial=self.instance.challenges.get(key),
            )
        if self.instance.commitment_letter:
            self.fields["letter"].help_text = _(
                "A letter is attached; upload another to replace it. PDF, at most %(mb)d MB."
            ) % {"mb": LETTER_MAX_MB}

    def challenge_fields(self):
        return [self[f"challenge_{key}"] for key in CHALLENGES]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

    def clean(self):
        data = super().clean()
        if self.strict:
            for name in REQUIRED_ON_SUBMIT:
                if name == "commitment_letter":
                    if not data.get("letter") and not self.instance.commitment_letter:
                        self.add_error("letter", _("This field is required to submit."))
                # A field already in error (the country, always required) says it once.
                elif (
                    name in self.fields and name not in self.errors and data.get(name) in (None, "")
                ):
                    self.add_error(name, _("This field is required to submit."))
            for key in CHALLENGES:
                if not data.get(f"challenge_{key}"):
                    self.add_error(f"challenge_{key}", _("Rate this challenge from 1 to 5."))
        if data.get("city_name") and data.get("country"):
            self.instance.city_name, self.instance.country = data["city_name"], data["country"]
            refusal = self.instance.city_refusal()
            if refusal:
                raise forms.ValidationError(refusal)
        return data

    def save(self, commit=True):
        application = super().save(commit=False)
        application.challenges = {
            key: self.cleaned_data[f"challenge_{key}"]
            for key in CHALLENGES
            if self.cleaned_data.get(f"challenge_{key}")
        }
        if self.cleaned_data.get("letter"):
            application.attach_letter(self.cleaned_data["letter"])
        if commit:
            application.save()
        return application


class AwardApplicationForm(EntryForm):
    """An award application: made for a member already on record, by its coordinator.
    Fewer fields than the membership form: the city, its country, website, mayor and
    population come from the member; there is no letter and no challenges. The
    motivation and the plan become the dossier (the achievements, their impact and what
    comes next) and the good practices its evidence; the word limits are the same.
    Eligibility (`Call.award_refusal`) is checked as soon as the member is known."""

    class Meta:
        model = Application
        fields = [
            "member",
            "contact_name",
            "contact_email",
            "contact_phone",
            "language",
            "motivation",
            "implementation_plan",
            "good_practices",
        ]
        labels = {
            "member": _("Member city"),
            "motivation": _("Achievements as a learning city"),
            "implementation_plan": _("Impact and next steps"),
            "good_practices": _("Evidence: good practices and policy initiatives"),
        }
        widgets = DOSSIER_WIDGETS

    def __init__(self, *args, call, members, strict=False, **kwargs):
        """`members`: the members the user coordinates (the choice); once the
        application exists its member is fixed."""
        super().__init__(*args, call=call, strict=strict, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.empty_label = None
        field.required = True
        if self.instance.pk:
            field.disabled = True

    def clean(self):
        data = super().clean()
        if self.strict:
            for name in AWARD_REQUIRED_ON_SUBMIT:
                if name in self.fields and name not in self.errors and data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required to submit."))
        member = data.get("member")
        if member is not None:
            application = self.instance
            application.member = member
            application.city_name, application.country = member.name, member.country
            refusal = application.city_refusal()
            if refusal:
                raise forms.ValidationError(refusal)
        return data

    def save(self, commit=True):
        application = super().save(commit=False)
        member = application.member
        # The city's facts as the member holds them when the application is saved.
        application.city_name, application.country = member.name, member.country
        application.website = member.website
        application.mayor_name = member.mayor
        application.population = member.population
        if commit:
            application.save()
        return application


class ReviewForm(forms.Form):
    """A score per criterion, a recommendation, a comment; `version` is the review's
    version when the form was shown (optimistic locking)."""

    # No default: the juror chooses (a preselected "Admit" would be saved unread).
    recommendation = forms.ChoiceField(label=_("Recommendation"))
    comment = forms.CharField(
        label=_("Comment for the secretariat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria, review, **kwargs):
        initial = {
            "recommendation": review.recommendation,
            "comment": review.comment,
            "version": review.version,
            **{f"score_{c.pk}": review.scores.get(str(c.pk)) for c in criteria},
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        self.fields["recommendation"].choices = [
            ("", _("Choose…")),
            *review.application.call.kind_spec.recommendation_choices(),
        ]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.label,
                help_text=_("Weight %(w)d; 1 (weak) to 5 (excellent).") % {"w": criterion.weight},
                choices=RATINGS,
                coerce=int,
            )
        self.order_fields([f"score_{c.pk}" for c in criteria])

    def scores(self):
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of conflict"),
        choices=[(k, label) for k, label in ConflictKind.choices if k != ConflictKind.SAME_COUNTRY],
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictDecisionForm(forms.Form):
    conflict = forms.IntegerField(widget=forms.HiddenInput, required=False)
    application = forms.IntegerField(widget=forms.HiddenInput, required=False)
    juror = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        choices=[
            (ConflictDecision.CONFIRMED, ConflictDecision.CONFIRMED.label),
            (ConflictDecision.OVERRIDDEN, ConflictDecision.OVERRIDDEN.label),
        ]
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class DeadlineForm(forms.Form):
    field = forms.ChoiceField(label=_("Date"))
    day = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("New time of the announcement"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Only for the announcement date, in the call's time zone; empty: unchanged."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean(self):
        data = super().clean()
        if data.get("time") is not None and data.get("field") != "announcement_date":
            self.add_error("time", _("Only the announcement has a time of day."))
        return data

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, capfirst(call._meta.get_field(name).verbose_name)) for name in call.date_fields()
        ]
        if not call.kind_spec.uses_jury:  # practices: the announcement is a day, no time
            del self.fields["time"]


class AssignForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=Application.objects.none()
    )
    juror = forms.ModelChoiceField(label=_("Juror"), queryset=None)

    def __init__(self, *args, call, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            call=call, state="nominated"
        ).select_related("country")
        self.fields["juror"].queryset = jurors
        self.fields["application"].empty_label = _("Choose an application")
        self.fields["juror"].empty_label = _("Choose a juror")


class DecisionsForm(forms.Form):
    """A pending decision per application awaiting one."""

    def __init__(self, *args, applications, kind=kinds.MEMBERSHIP, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = applications
        for application in applications:
            self.fields[f"decision_{application.pk}"] = forms.ChoiceField(
                label=str(application),
                choices=[("", _("Undecided")), *kind.decision_choices()],
                required=False,
                initial=application.decision,
            )

    def rows(self):
        return [(a, self[f"decision_{a.pk}"]) for a in self.applications]

    def decisions(self):
        return {a: self.cleaned_data[f"decision_{a.pk}"] for a in self.applications}


class JurorProfileForm(forms.ModelForm):
    """A juror's own profile. Regions of expertise and the note on expertise are saved as
    typed (they steer the assignment, they decide no conflict); a new country is a
    request that counts once the secretariat approves it (`JurorProfile.request_country`),
    since the country keeps the juror away from its cities."""

    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_(
            "It keeps you away from its cities' applications. A change counts once the "
            "secretariat approves it."
        ),
    )

    class Meta:
        model = JurorProfile
        fields = ["regions", "expertise"]
        widgets = {"regions": forms.CheckboxSelectMultiple}
        labels = {"regions": _("Regions of expertise")}

    field_order = ["country", "regions", "expertise"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = self.instance.pending_change if self.instance.pk else None
        self.fields["country"].initial = pending.country_id if pending else self.instance.country_id

    def save(self, *, by):
        """Save regions and expertise; ask for the country (the pending request, if any)."""
        profile = super().save()
        return profile.request_country(self.cleaned_data["country"], by=by)


class ProfileChangeDecisionForm(forms.Form):
    """The secretariat's answer to a juror's change (the button pressed)."""

    change = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


# The secretariat's call pages ----------------------------------------------------------


def time_zone_choices() -> list[tuple[str, str]]:
    """The world's time zones by their region/city names (UTC first), from the system's
    time zone database; legacy aliases (Etc/, SystemV/, US/…) are left out."""
    zones = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if "/" in zone
        and not zone.startswith(("Etc/", "SystemV/", "US/", "posix", "right/"))
        and zone[0].isupper()
    )
    return [("UTC", "UTC"), *[(zone, zone.replace("_", " ")) for zone in zones]]


DATE_HELP = {
    "opens_on": _("The call takes submissions from 00:00 of this day, in its time zone."),
    "closes_on": _("The last day to submit: it lasts until 23:59 in the call's time zone."),
    "nomination_deadline": _("The last day for National Commissions to nominate (23:59)."),
    "review_opens_on": _("Jurors may write their reviews from 00:00 of this day."),
    "review_closes_on": _("The last day for reviews (23:59)."),
    "announcement_date": _("The day the results are announced."),
}


class CallForm(forms.ModelForm):
    """A call's settings, for the secretariat. The kind is chosen when the call is made
    and fixed; a call for good practices asks for a theme and three dates (no
    nomination, no quota, no jury). Once cities have answered, the dates, the
    announcement's time and the time zone are read-only here (they move one at a time
    with a reason, on the call's overview: `Call.move_deadline`), and so is whether a
    nomination is needed. (Before that, no announcement text can be prepared for the
    call, which needs admitted cities: nothing else follows a date changed here.)"""

    class Meta:
        model = Call
        fields = [
            "title",
            "description",
            "theme",
            "time_zone",
            *DATE_FIELDS,
            "announcement_time",
            "needs_national_nomination",
            "quota_per_country",
            "reviews_required",
            "peer_visibility",
            "hide_applicant_identity",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            **{
                name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                for name in DATE_FIELDS
            },
            "announcement_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "description": _("Shown on the call's public page; Markdown is allowed."),
            "quota_per_country": _(
                "How many cities each National Commission may nominate; empty for no limit."
            ),
            "reviews_required": _(
                "Each application needs this many reviews before it can be admitted (or win)."
            ),
            "hide_applicant_identity": _(
                "Jurors then see neither the city's name, its country nor its contacts."
            ),
            "announcement_time": _(
                "The decisions stay confidential until this time of the announcement date, "
                "in the call's time zone: then the new members and the announcement are "
                "published together."
            ),
        }

    def __init__(self, *args, locked_dates=False, locked_nomination=False, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.instance
        self.fields["time_zone"] = forms.ChoiceField(
            label=capfirst(Call._meta.get_field("time_zone").verbose_name),
            choices=time_zone_choices(),
            initial=call.time_zone,
            help_text=_("Every date of the call is a day in this time zone."),
        )
        for name, text in DATE_HELP.items():
            self.fields[name].help_text = text
        if not call.kind_spec.uses_jury:  # a call for good practices
            self.fields["theme"].required = True
            self.fields["theme"].label = _("Theme of the library")
            # The model says the same (Call.clean); _post_clean keeps one of the two.
            self.fields["theme"].error_messages["required"] = _(
                "A call for good practices needs a theme."
            )
            for name in (
                "nomination_deadline",
                "review_opens_on",
                "review_closes_on",
                "needs_national_nomination",
                "quota_per_country",
                "reviews_required",
                "peer_visibility",
                "hide_applicant_identity",
                "announcement_time",
            ):
                del self.fields[name]
            self.fields["announcement_date"].help_text = _(
                "The day the secretariat publishes the practices it chose."
            )
        else:
            del self.fields["theme"]
            self.fields["reviews_required"].min_value = 1
            self.fields["reviews_required"].widget.attrs["min"] = 1
        if locked_dates:
            for name in self._date_names():
                self.fields[name].disabled = True
        if locked_nomination and "needs_national_nomination" in self.fields:
            self.fields["needs_national_nomination"].disabled = True
        self.locked_dates = locked_dates

    def _post_clean(self):
        """The model's own checks (`Call.clean`) come after the fields'; where both say
        the same thing of a field, it is said once."""
        super()._post_clean()
        for name in list(self._errors):
            seen, kept = set(), []
            for error in self._errors[name].as_data():
                text = " ".join(error.messages)
                if text not in seen:
                    seen.add(text)
                    kept.append(error)
            self._errors[name].data = kept

    def _date_names(self) -> list[str]:
        """The time zone, the call's dates, and the announcement's time after its date (a
        call for good practices has none: the library publishes what it chose)."""
        names = ["time_zone"]
        for name in self.instance.date_fields():
            names.append(name)
            if name == "announcement_date" and "announcement_time" in self.fields:
                names.append("announcement_time")
        return names

    def date_fields(self):
        return [self[name] for name in self._date_names()]

    def setting_fields(self):
        dates = {"time_zone", *DATE_FIELDS, "announcement_time", "title", "description", "theme"}
        return [self[name] for name in self.fields if name not in dates]

    def about_fields(self):
        return [self[name] for name in ("title", "description", "theme") if name in self.fields]


class CriterionForm(forms.ModelForm):
    """One score criterion: its names, weight and position among the call's criteria."""

    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=10,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "admissions-number"}),
    )
    order = forms.IntegerField(
        label=_("Position"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "admissions-number"}),
    )

    class Meta:
        model = Criterion
        fields = ["name_en", "name_fr", "weight", "order"]


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    """The call's criteria as rows to fill in: blank rows add a criterion, "Remove"
    deletes one, the position orders them (rows without one go last). Once a juror has
    saved a review (`locked`), only the names may change: the set and the weights make
    the scores already given."""

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            self.extra = 0
            self.can_delete = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is not None and form.instance.pk:
            # Positions count from 1 in the order shown (stored orders may start at 0).
            form.initial["order"] = index + 1
        if getattr(self, "locked", False):
            form.fields["weight"].disabled = True
            form.fields["order"].disabled = True
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def save(self, commit=True):
        """Delete the removed rows, then save the others numbered 1, 2, 3… in the
        order their positions give (ties and blanks keep the rows' order)."""
        kept = []
        for index, form in enumerate(self.forms):
            if form.instance.pk is None and not form.has_changed():
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    form.instance.delete()
                continue
            position = form.cleaned_data.get("order") or 1000
            kept.append((position, index, form))
        saved = []
        for number, (_position, _index, form) in enumerate(sorted(kept, key=lambda r: r[:2]), 1):
            criterion = form.save(commit=False)
            criterion.call = self.instance
            criterion.order = number
            criterion.save()
            saved.append(criterion)
        return saved


CriterionFormSet = forms.inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=3,
    can_delete=True,
)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why close the submissions now?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the moved date, which the call's page shows."),
    )
