"""Forms of the admission cycle. The application form is relaxed for drafts (only the
city and its country are needed, and over-long texts are kept with a warning) and strict
on submission; either way an invalid form comes back with everything the user typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gnlc.admissions.enums import (
    CHALLENGES,
    LETTER_MAX_MB,
    MOTIVATION_MAX_WORDS,
    ConflictDecision,
    ConflictKind,
    DecisionKind,
    Recommendation,
)
from gnlc.admissions.models import Application, JurorProfile
from gnlc.admissions.models.application import (
    AWARD_REQUIRED_ON_SUBMIT,
    REQUIRED_ON_SUBMIT,
)
from gnlc.admissions.models.call import DATE_FIELDS
from gnlc.cities.models import Country
from gnlc.core.text import count_words
from gnlc.core.uploads import MB, CheckedFileField

RATINGS = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
WORD_LIMITED = ("motivation", "implementation_plan")


class ApplicationForm(forms.ModelForm):
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
        fields = [
            "city_name",
            "country",
            "website",
            "mayor_name",
            "mayor_title",
            "contact_name",
            "contact_email",
            "contact_phone",
            "language",
            "population",
            "area_km2",
            "data_year",
            "motivation",
            "implementation_plan",
            "good_practices",
            "interests",
        ]
        widgets = {
            "motivation": forms.Textarea(
                attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}
            ),
            "implementation_plan": forms.Textarea(
                attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}
            ),
            "good_practices": forms.Textarea(attrs={"rows": 6}),
            "interests": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, call, strict=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.call, self.strict = call, strict
        self.instance.call = call
        self.fields["country"].queryset = Country.objects.order_by("name")
        self.fields["data_year"].widget.attrs.update(min=1990, max=2100)
        for name in WORD_LIMITED:
            self.fields[name].help_text = _("At most %(n)d words.") % {"n": MOTIVATION_MAX_WORDS}
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
        self.warnings = []

    def challenge_fields(self):
        return [self[f"challenge_{key}"] for key in CHALLENGES]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]

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
        if self.strict:
            for name in REQUIRED_ON_SUBMIT:
                if name == "commitment_letter":
                    if not data.get("letter") and not self.instance.commitment_letter:
                        self.add_error("letter", _("This field is required to submit."))
                elif name in self.fields and data.get(name) in (None, ""):
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


class AwardApplicationForm(forms.ModelForm):
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
        widgets = {
            "motivation": forms.Textarea(
                attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}
            ),
            "implementation_plan": forms.Textarea(
                attrs={"rows": 8, "data-word-limit": MOTIVATION_MAX_WORDS}
            ),
            "good_practices": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, call, members, strict=False, **kwargs):
        """`members`: the members the user coordinates (the choice); once the
        application exists its member is fixed."""
        super().__init__(*args, **kwargs)
        self.call, self.strict = call, strict
        self.instance.call = call
        self.warnings = []
        field = self.fields["member"]
        field.queryset = members
        field.empty_label = None
        field.required = True
        if self.instance.pk:
            field.disabled = True
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
        if self.strict:
            for name in AWARD_REQUIRED_ON_SUBMIT:
                if name in self.fields and data.get(name) in (None, ""):
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


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    """A score per criterion, a recommendation, a comment; `version` is the review's
    version when the form was shown (optimistic locking)."""

    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
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
            (name, call._meta.get_field(name).verbose_name) for name in DATE_FIELDS
        ]


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


class DecisionsForm(forms.Form):
    """A pending decision per application awaiting one."""

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = applications
        for application in applications:
            self.fields[f"decision_{application.pk}"] = forms.ChoiceField(
                label=str(application),
                choices=[("", _("Undecided")), *DecisionKind.choices],
                required=False,
                initial=application.decision,
            )

    def rows(self):
        return [(a, self[f"decision_{a.pk}"]) for a in self.applications]

    def decisions(self):
        return {a: self.cleaned_data[f"decision_{a.pk}"] for a in self.applications}


class JurorProfileForm(forms.ModelForm):
    class Meta:
        model = JurorProfile
        fields = ["country", "regions", "expertise"]
        widgets = {"regions": forms.CheckboxSelectMultiple}
