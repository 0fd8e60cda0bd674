from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.cities.enums import Status
from gnlc.cities.models import Member
from gnlc.clusters.enums import MAX_COORDINATING_CITIES
from gnlc.clusters.models import Announcement, Cluster, SharedDocument
from gnlc.core.uploads import CheckedFileField
from gnlc.library.models import ATTACHMENT_KINDS, MAX_ATTACHMENT_BYTES, Theme


class ThemeForm(forms.ModelForm):
    """A theme of the library and its cluster: the secretariat adds or renames one."""

    class Meta:
        model = Theme
        fields = ["name", "description"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError(_("Give the theme a name with letters or digits."))
        clash = Theme.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A theme with this name exists already."))
        return name

    def save(self, commit=True):
        theme = super().save(commit=False)
        if not theme.slug:  # a renamed theme keeps its address
            theme.slug = slugify(theme.name)
        if commit:
            theme.save()
        return theme


class ClusterForm(forms.ModelForm):
    """A cluster's theme (when it is made), purpose and coordinating cities."""

    coordinating_cities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Coordinating cities"),
        queryset=Member.objects.filter(status=Status.ACTIVE).select_related("country"),
        help_text=gettext_lazy("One or two member cities."),
    )

    class Meta:
        model = Cluster
        fields = ["theme", "purpose", "coordinating_cities"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["theme"]
        else:
            self.fields["theme"].queryset = Theme.objects.filter(cluster__isnull=True)
        self.fields["coordinating_cities"].label_from_instance = lambda m: (
            f"{m.name} ({m.country.label})"
        )

    def clean_coordinating_cities(self):
        cities = self.cleaned_data["coordinating_cities"]
        if not 1 <= len(cities) <= MAX_COORDINATING_CITIES:
            raise forms.ValidationError(_("Name one or two coordinating cities."))
        return cities

    def save(self, *, by):
        cluster = super().save(commit=False)
        cluster.save()
        cluster.name_coordinating_cities(self.cleaned_data["coordinating_cities"], by=by)
        return cluster


class JoinForm(forms.Form):
    """Which of the coordinator's cities asks to join."""

    member = forms.ModelChoiceField(label=gettext_lazy("City"), queryset=Member.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body"]


class SharedDocumentForm(forms.Form):
    """A document for the cluster's cities: a title and a file, checked by content and
    size as the library's attachments are (the library's kinds and limit)."""

    title = forms.CharField(
        label=gettext_lazy("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    file = CheckedFileField(
        label=gettext_lazy("File"), kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES
    )

    def save(self, cluster, *, by) -> SharedDocument:
        upload = self.cleaned_data["file"]
        document = SharedDocument(
            cluster=cluster,
            title=self.cleaned_data["title"],
            kind=upload.checked_kind,
            size=upload.size,
            author=by,
        )
        document.file.save(upload.name, upload, save=False)
        document.save()
        return document
