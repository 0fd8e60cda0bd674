import zoneinfo

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.cities.models import REGION_LABELS
from gnlc.clusters.models import Cluster
from gnlc.clusters.rules import coordinated_members
from gnlc.core.forms import Honeypot
from gnlc.core.uploads import MB, CheckedFileField
from gnlc.events.enums import Audience, EventKind
from gnlc.events.models import Event
from gnlc.library.enums import DocumentKind, Language
from gnlc.library.models import Document

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime"})
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser's date-and-time picker (no zone: the event's own is chosen beside it)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


def _local(field_label, *, required=True):
    return forms.DateTimeField(
        label=field_label,
        required=required,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(),
    )


class EventForm(forms.ModelForm):
    """An event as its organiser writes it: times in the event's own time zone."""

    start = _local(gettext_lazy("Starts"))
    end = _local(gettext_lazy("Ends"))
    deadline = _local(gettext_lazy("Registration deadline"), required=False)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=[(name, name) for name in TIME_ZONES],
        initial="UTC",
        help_text=gettext_lazy("The times above are in this zone."),
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "cluster",
            "region",
            "description",
            "start",
            "end",
            "time_zone",
            "online",
            "place",
            "languages",
            "audience",
            "capacity",
            "deadline",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        clusters = Cluster.objects.select_related("theme")
        if not user.has_perm("clusters.manage_clusters"):
            # A coordinating city publishes for its own clusters only.
            clusters = clusters.filter(coordinating_cities__in=coordinated_members(user))
            self.fields["cluster"].required = True
        self.fields["cluster"].queryset = clusters.distinct()
        event = self.instance
        if event.pk:
            self.initial.update(
                start=event.local_start.replace(tzinfo=None),
                end=event.local_end.replace(tzinfo=None),
                deadline=event.local_deadline and event.local_deadline.replace(tzinfo=None),
            )

    def clean(self):
        data = super().clean()
        zone = zoneinfo.ZoneInfo(data.get("time_zone") or "UTC")
        for name in ("start", "end", "deadline"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        start, end, deadline = data.get("start"), data.get("end"), data.get("deadline")
        if start and end and end <= start:
            self.add_error("end", _("The event must end after it starts."))
        if start and deadline and deadline > start:
            self.add_error("deadline", _("Registration must close before the event starts."))
        if not data.get("online") and not (data.get("place") or "").strip():
            self.add_error("place", _("Say where the event takes place, or tick “online”."))
        if data.get("audience") == Audience.CLUSTER and not data.get("cluster"):
            self.add_error("cluster", _("Choose the cluster whose cities may register."))
        return data

    def save(self, commit=True):
        event = super().save(commit=False)
        data = self.cleaned_data
        event.starts_at, event.ends_at = data["start"], data["end"]
        event.registration_deadline = data.get("deadline")
        if not event.slug:
            event.slug = _unique_slug(event.title, event.local_start.year)
            event.created_by = self.user
        if commit:
            event.save()
        return event


def _unique_slug(title: str, year: int) -> str:
    base = slugify(f"{title} {year}")[:100] or "event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class EventFilter(forms.Form):
    """The events page's filters, from the query string."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("All types")), *EventKind.choices],
        required=False,
    )
    cluster = forms.ChoiceField(label=gettext_lazy("Cluster"), required=False)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        choices=[("", gettext_lazy("All regions")), *REGION_LABELS.items()],
        required=False,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("", gettext_lazy("All languages")), *settings.LANGUAGES],
        required=False,
    )
    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[("upcoming", gettext_lazy("Upcoming")), ("past", gettext_lazy("Past"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [
            ("", _("All clusters")),
            *((c.slug, c.name) for c in Cluster.objects.select_related("theme")),
        ]

    def events(self):
        data = self.cleaned_data
        events = Event.objects.past() if data.get("when") == "past" else Event.objects.upcoming()
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("cluster"):
            events = events.filter(cluster__theme__slug=data["cluster"])
        if data.get("region"):
            events = events.filter(region_id=data["region"])
        if data.get("language"):
            # The list of codes as JSON text: a code is found with its quotes, on both
            # databases (SQLite has no JSON `contains`).
            events = events.filter(languages__icontains=f'"{data["language"]}"')
        return events.for_listing()


class GuestRegistrationForm(Honeypot):
    """Registering without an account: a name and an address to confirm; guarded by a
    honeypot."""

    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy(
            "We send you a link to confirm it; your place is taken once you open it. "
            "Only the organisers see it."
        ),
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
    )


MATERIAL_MAX_BYTES = 20 * MB


class MaterialForm(forms.Form):
    """One of an event's materials (slides, report) for the library: a PDF, checked as
    the library's uploads are, and filed as a library document."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[
            (DocumentKind.OTHER, gettext_lazy("Slides")),
            (DocumentKind.REPORT, DocumentKind.REPORT.label),
            (DocumentKind.PROCEEDINGS, DocumentKind.PROCEEDINGS.label),
        ],
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)
    file = CheckedFileField(label=gettext_lazy("File"), kinds={"pdf"}, max_bytes=MATERIAL_MAX_BYTES)

    def save(self, event) -> Document:
        data = self.cleaned_data
        document = Document(
            title=data["title"],
            kind=data["kind"],
            language=data["language"],
            year=event.local_start.year,
            summary=_("Material of the event “%(title)s”.") % {"title": event.title},
        )
        document.file.save(data["file"].name, data["file"], save=False)
        document.save()
        event.materials.add(document)
        return document


class RecordingForm(forms.ModelForm):
    recording_url = forms.URLField(
        label=gettext_lazy("Link to the recording"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    class Meta:
        model = Event
        fields = ["recording_url"]
