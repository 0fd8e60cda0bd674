"""The forms of the news pages: each parses a request; models do the work."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gnlc.admissions.enums import CallKind
from gnlc.admissions.models import Call
from gnlc.cities.models import Cohort, Region
from gnlc.cities.names import base_language
from gnlc.core.text import text_direction
from gnlc.core.uploads import MB, CheckedFileField
from gnlc.news.enums import Language
from gnlc.news.models import Announcement, MediaLogo, Post, PressContact


def _default_language() -> str:
    language = base_language(get_language())
    return language if language in Language.values else Language.EN


class GenerateAnnouncementForm(forms.Form):
    """Which cohort to announce, in which language: a public cohort, or the cohort a
    membership call will publish (`call`, sent from the call's preview page)."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.order_by("-year"),
        empty_label=None,
        required=False,
    )
    call = forms.ModelChoiceField(
        queryset=Call.objects.filter(kind=CallKind.MEMBERSHIP),
        required=False,
        widget=forms.HiddenInput,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def clean(self):
        data = super().clean()
        if not data.get("cohort") and not data.get("call"):
            self.add_error("cohort", _("Choose the cohort to announce."))
        return data


class AnnouncementForm(forms.ModelForm):
    """The secretariat's edits of an announcement's text. Its fields carry the text's
    language and direction, so an Arabic announcement is typed right-to-left in any
    interface."""

    class Meta:
        model = Announcement
        fields = ["title", "date", "lead", "body", "closing"]
        labels = {
            "title": _("Title"),
            "date": _("Date"),
            "lead": _("Lead paragraph"),
            "body": _("New members by region (Markdown)"),
            "closing": _("Closing sentence"),
        }
        help_texts = {"body": _("Markdown: a heading per region and a list of members.")}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lead": forms.Textarea(attrs={"rows": 4}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "closing": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.call_id is not None:
            # The date of a call's announcement is the call's: it moves on the call's page
            # (with a reason), and the text follows.
            self.fields["date"].disabled = True
            self.fields["date"].help_text = _(
                "The call's announcement date: move it on the call's overview page."
            )
        language = self.instance.language
        for name in ("title", "lead", "body", "closing"):
            self.fields[name].widget.attrs.update(lang=language, dir=text_direction(language))


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "language", "regions", "clusters", "body"]
        labels = {
            "title": _("Title"),
            "language": _("Language"),
            "regions": _("Regions concerned"),
            "clusters": _("Thematic clusters concerned"),
            "body": _("Text (Markdown)"),
        }
        help_texts = {
            "regions": _("The post appears in these regions' news feeds."),
            "clusters": _("Once published, the post appears on these clusters' pages."),
        }
        # A post may be in any of the languages: each field takes the direction of what
        # is typed in it (an Arabic post written in the English interface).
        widgets = {
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "regions": forms.CheckboxSelectMultiple,
            "clusters": forms.CheckboxSelectMultiple,
            "body": forms.Textarea(attrs={"rows": 16, "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = Region.objects.all()
        self.fields["regions"].label_from_instance = lambda region: str(region.label)
        clusters = self.fields["clusters"]
        clusters.queryset = clusters.queryset.select_related("theme")
        clusters.label_from_instance = lambda cluster: cluster.name


class PressContactForm(forms.ModelForm):
    class Meta:
        model = PressContact
        fields = ["name", "role", "email", "phone", "order"]
        labels = {
            "name": _("Name"),
            "role": _("Role"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "order": _("Order on the page"),
        }


class MediaLogoForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    image = CheckedFileField(label=_("Image"), kinds={"png", "jpeg", "webp"}, max_bytes=2 * MB)

    def save(self) -> MediaLogo:
        image = self.cleaned_data["image"]
        image.seek(0)
        return MediaLogo.objects.create(
            title=self.cleaned_data["title"],
            image=image.read(),
            content_type=f"image/{image.checked_kind}",
        )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language of the news"), choices=Language.choices, initial=_default_language
    )
