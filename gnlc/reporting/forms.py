"""Forms of members' reporting. The report form is built from the period's framework
version; it is relaxed for drafts (anything may be empty, over-long narratives are kept
with a warning) and the report's own check decides on submission, so a draft is saved
whatever its state and nothing typed is ever lost."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.audit.context import acting_as
from gnlc.core.text import count_words
from gnlc.core.uploads import MB, CheckedFileField
from gnlc.reporting.enums import ATTACHMENT_KINDS, ATTACHMENT_MAX_MB, Rating
from gnlc.reporting.models import (
    Area,
    Attachment,
    Feature,
    FrameworkVersion,
    Group,
    LifecyclePolicy,
    ReportingPeriod,
    framework_layout,
)

RATING_CHOICES = [("", gettext_lazy("— not rated —")), *Rating.choices]
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


class ReportForm(forms.Form):
    """One narrative and one self-assessment per area of focus, one number per feature
    with a measure, and attachments to add or remove."""

    attachment = CheckedFileField(
        label=gettext_lazy("Add an attachment"),
        kinds=ATTACHMENT_KINDS,
        max_bytes=ATTACHMENT_MAX_MB * MB,
        required=False,
    )
    attachment_title = forms.CharField(
        label=gettext_lazy("Title of the attachment"), max_length=200, required=False
    )

    def __init__(self, *args, report, **kwargs):
        self.report = report
        self.warnings: list[str] = []
        period = report.period
        self.tree = list(period.framework.tree())
        initial = {}
        for group in self.tree:
            for area in group.areas.all():
                initial[f"narrative_{area.code}"] = report.narratives.get(area.code, "")
                initial[f"rating_{area.code}"] = report.ratings.get(area.code) or ""
                for feature in area.features.all():
                    if feature.has_measure:
                        initial[f"measure_{feature.code}"] = report.measure_value(feature.code)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        limit = period.word_limit
        for group in self.tree:
            for area in group.areas.all():
                self.fields[f"narrative_{area.code}"] = forms.CharField(
                    label=gettext_lazy("Narrative"),
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 6, "data-word-limit": limit, "dir": "auto"}
                    ),
                    help_text=_("At most %(limit)d words.") % {"limit": limit},
                )
                self.fields[f"rating_{area.code}"] = forms.TypedChoiceField(
                    label=gettext_lazy("Self-assessment"),
                    choices=RATING_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
                for feature in area.features.all():
                    if feature.has_measure:
                        self.fields[f"measure_{feature.code}"] = forms.DecimalField(
                            label=feature.measure_label,
                            required=False,
                            max_digits=18,
                            decimal_places=4,
                            help_text=feature.measure_unit,
                        )
        self.attachments = list(report.attachments.all())
        if self.attachments:
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label=gettext_lazy("Remove these attachments"),
                queryset=report.attachments.all(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        # The fixed fields last, after the framework's.
        for name in ("attachment", "attachment_title"):
            self.fields[name] = self.fields.pop(name)

    def layout(self, previous=None) -> list[dict]:
        """The bound fields in the framework's order, with the previous report's answers
        beside them."""
        return framework_layout(
            self.tree,
            previous,
            lambda area: {
                "narrative": self[f"narrative_{area.code}"],
                "rating": self[f"rating_{area.code}"],
            },
            lambda feature: {"field": self[f"measure_{feature.code}"]},
        )

    def save(self, *, by) -> None:
        """Write the answers into the report (which stays in its state) and handle the
        attachments; over-long narratives are kept, with a warning."""

        data = self.cleaned_data
        report = self.report
        narratives, ratings, measures = {}, {}, {}
        limit = report.period.word_limit
        for group in self.tree:
            for area in group.areas.all():
                text = (data.get(f"narrative_{area.code}") or "").strip()
                if text:
                    narratives[area.code] = text
                    words = count_words(text)
                    if words > limit:
                        self.warnings.append(
                            _("%(area)s: %(words)d words, at most %(max)d to submit.")
                            % {"area": area.label, "words": words, "max": limit}
                        )
                if data.get(f"rating_{area.code}"):
                    ratings[area.code] = data[f"rating_{area.code}"]
                for feature in area.features.all():
                    value = data.get(f"measure_{feature.code}")
                    if feature.has_measure and value is not None:
                        measures[feature.code] = format(value.normalize(), "f")
        report.narratives, report.ratings, report.measures = narratives, ratings, measures
        with acting_as(by):
            report.save(update_fields=["narratives", "ratings", "measures", "updated_at"])
            for attachment in data.get("remove_attachments") or []:
                attachment.delete()
            upload = data.get("attachment")
            if upload:
                Attachment.store(
                    report,
                    upload,
                    kind=upload.checked_kind,
                    title=data.get("attachment_title")
                    or _("Attachment %(n)d") % {"n": len(self.attachments) + 1},
                    by=by,
                )


class PeriodForm(forms.ModelForm):
    """A reporting period; the end of grace defaults to the policy's days after the due
    date."""

    class Meta:
        model = ReportingPeriod
        fields = ["name", "framework", "opens", "due", "grace_end", "word_limit"]
        widgets = {
            "opens": forms.DateInput(attrs={"type": "date"}),
            "due": forms.DateInput(attrs={"type": "date"}),
            "grace_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grace_end"].required = False
        self.fields["grace_end"].help_text = _(
            "Empty: %(days)d days after the due date (the lifecycle policy)."
        ) % {"days": LifecyclePolicy.current().grace_days}
        self.fields["framework"].queryset = FrameworkVersion.objects.published()

    def clean(self):
        data = super().clean()
        if data.get("due") and not data.get("grace_end"):
            data["grace_end"] = data["due"] + dt.timedelta(
                days=LifecyclePolicy.current().grace_days
            )
            self.instance.grace_end = data["grace_end"]
        return data


class PolicyForm(forms.ModelForm):
    class Meta:
        model = LifecyclePolicy
        fields = [
            "remind_before_days",
            "overdue_every_days",
            "grace_days",
            "suspension_days",
            "active",
        ]


class CodeMixin:
    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE.match(code):
            raise forms.ValidationError(_("Letters, digits, dots and hyphens only."))
        model = type(self.instance)
        taken = model.objects.filter(version=self.instance.version_id, code=code).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(_("Another item of this version has this code."))
        return code


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name_en", "name_fr", "order"]


class AreaForm(CodeMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ["code", "name_en", "name_fr", "order"]


class FeatureForm(CodeMixin, forms.ModelForm):
    delete = forms.BooleanField(label=gettext_lazy("Delete this feature"), required=False)

    class Meta:
        model = Feature
        fields = [
            "code",
            "name_en",
            "name_fr",
            "order",
            "measure_name_en",
            "measure_name_fr",
            "measure_unit",
        ]
        help_texts = {
            "measure_name_en": gettext_lazy("Optional: a number members report."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["delete"]

    def clean(self):
        data = super().clean()
        if (data.get("measure_name_fr") or data.get("measure_unit")) and not data.get(
            "measure_name_en"
        ):
            self.add_error("measure_name_en", _("Name the measure in English."))
        return data


class ReinstateForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("Reinstated on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Not in the future."))
        return on


class DashboardForm(forms.Form):
    period = forms.ModelChoiceField(
        label=gettext_lazy("Period"),
        queryset=ReportingPeriod.objects.all(),
        required=False,
        empty_label=None,
    )
