"""Forms of the library: the search filter (shared by the page and the open data export;
the API parses the same query with its own schema, under the same rules and into the
same queries, so one URL means the same rows everywhere), the practice editor with its
attachments, the moderation form and the documents' filter."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gnlc.cities.models import Member
from gnlc.core.lists import FacetedFilter
from gnlc.core.uploads import CheckedFileField
from gnlc.library.enums import DocumentKind, Language, TargetGroup
from gnlc.library.models import (
    ATTACHMENT_KINDS,
    DESCRIPTION_FIELDS,
    MAX_ATTACHMENT_BYTES,
    Document,
    Practice,
    PracticeAttachment,
    Sdg,
    Theme,
)
from gnlc.library.querysets import SEARCH_MAX_LENGTH, PracticeSearch, SearchResults
from gnlc.library.search.facets import FILTERS as FACET_FILTERS
from gnlc.library.search.facets import YEARS, filter_fields

# The search words, then a filter per facet of the registry (search/facets.py), in its
# order: the form's fields are declared from it.
_SearchFields = type(
    "_SearchFields",
    (forms.Form,),
    {
        "q": forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH),
        **filter_fields(),
    },
)


class LibraryFilter(FacetedFilter, _SearchFields):
    """Search words and facet filters of the library's practices (a field per facet of
    the registry), and the call for practices they answer.

    Each facet filter takes several values, repeated in the URL (`?theme=literacy&
    theme=health`): a practice matches any of them, and every filter given. Invalid
    values are errors (a 400 on the page; the API's schema, under the same rules, answers
    a 422), never silently dropped: a shared link that no longer means anything says
    so."""

    # The themed call for practices the practices answered (its id, as its page links).
    call = forms.IntegerField(label=_("Call for practices"), required=False, min_value=1)

    FILTER_FIELDS = (*FACET_FILTERS, "call")

    def chip_value(self, name, value, label):
        # The call filter has no facet (a call's practices are reached from its page).
        return getattr(self, "call_title", None) if name == "call" else label

    def chip_toggles(self, name):
        return name != "call"

    def clean_call(self):
        """The call's id, if it is a call for practices (an error otherwise)."""
        from gnlc.admissions.enums import CallKind
        from gnlc.admissions.models import Call

        pk = self.cleaned_data["call"]
        if pk is None:
            return None
        self.call_title = (
            Call.objects.filter(pk=pk, kind=CallKind.PRACTICES).values_list("title", flat=True)
        ).first()
        if self.call_title is None:
            raise ValidationError(_("There is no call for practices %(pk)s.") % {"pk": pk})
        return pk

    def listed(self):
        """Published practices, answering the chosen call for practices if any."""
        call = self.filters.get("call")
        practices = Practice.objects.published()
        return practices if call is None else practices.filter(call_id=call)

    def queryset(self):
        """Every practice of the search, unordered: what a download holds, read through
        the page's own plan (so one URL gives the same rows on both)."""
        return self.results().rows()

    def results(self) -> PracticeSearch:
        """The same rows ranked by relevance (newest first without words), highlighted,
        with their facet counts: one search per form, cached (see PracticeSearch)."""
        if getattr(self, "_results", None) is None:
            self._results = self.listed().searched(self.text, self.filters)
        return self._results

    def facets(self) -> dict:
        facets = self.results().facets()
        selected = self.filters
        for name, rows in facets.items():
            chosen = {str(value).upper() for value in selected.get(name, [])}
            for row in rows:
                row["selected"] = str(row["value"]).upper() in chosen
        return facets


class DocumentFilter(forms.Form):
    """Search words and filters of the network's documents."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any")), *DocumentKind.choices]
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any")), *Language.choices]
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=YEARS[0], max_value=YEARS[1]
    )

    FILTER_FIELDS = ("kind", "language", "year")

    @property
    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if k in self.FILTER_FIELDS and v}

    @property
    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    def results(self) -> SearchResults:
        return Document.objects.filter_by(self.filters).searched(self.text)

    def facets(self) -> dict:
        facets = Document.objects.filter_by(self.filters).search(self.text).facet_counts()
        for name, rows in facets.items():
            for row in rows:
                row["selected"] = str(self.filters.get(name, "")) == str(row["value"])
        return facets


class LinesOfUrlsField(forms.CharField):
    """Web addresses, one per line, kept as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("“%(line)s” is not a web address (http:// or https://).") % {"line": line}
                ) from None
        return lines


class PracticeForm(forms.ModelForm):
    """A practice as its city writes it, with one new attachment per save and the
    removal of old ones. Its cities are limited to those the user coordinates (any
    member for the secretariat); the other cities a shared practice already has are not
    the editor's to remove, so they are kept whatever is posted (`kept_members`, named
    under the field)."""

    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        required=False,
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    links = LinesOfUrlsField(
        label=_("Links"), required=False, help_text=_("One web address per line.")
    )
    sdgs = forms.ModelMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        queryset=Sdg.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = CheckedFileField(
        label=_("Add an attachment"),
        kinds=ATTACHMENT_KINDS,
        max_bytes=MAX_ATTACHMENT_BYTES,
        required=False,
    )
    attachment_title = forms.CharField(
        label=_("Title of the attachment"), required=False, max_length=200
    )
    remove_attachments = forms.ModelMultipleChoiceField(
        label=_("Remove attachments"),
        queryset=PracticeAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "body",
            "members",
            "themes",
            "sdgs",
            *DESCRIPTION_FIELDS,
            "contact_name",
            "contact_email",
        ]
        widgets = {
            # Written in the practice's language, whatever the page's: typed and shown
            # in its own direction.
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "body": forms.Textarea(attrs={"rows": 14, "dir": "auto"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gnlc.accounts.rules import is_secretariat
        from gnlc.library.querysets import _coordinated_member_ids

        members = Member.objects.select_related("country").order_by("name")
        if not is_secretariat(user):
            members = members.filter(pk__in=_coordinated_member_ids(user))
        self.fields["members"].queryset = members
        self.fields["members"].widget = forms.CheckboxSelectMultiple()
        self.fields["members"].widget.choices = self.fields["members"].choices
        self.kept_members = (
            list(self.instance.members.exclude(pk__in=members.values("pk")).order_by("name"))
            if self.instance.pk
            else []
        )
        if self.kept_members:
            # The practice keeps a city whatever the editor ticks: none ticked is fine.
            self.fields["members"].required = False
            self.fields["members"].help_text = _(
                "Also shared with %(cities)s: only their coordinators or the secretariat "
                "may change that."
            ) % {"cities": ", ".join(str(m) for m in self.kept_members)}
        self.fields["sdgs"].label_from_instance = lambda sdg: sdg.label
        if self.instance.pk:
            self.fields["remove_attachments"].queryset = self.instance.attachments.all()
        else:
            del self.fields["remove_attachments"]
        year = timezone.localdate().year
        for name in ("year_started", "year_ended"):
            self.fields[name].widget.attrs.update(min=YEARS[0], max=year + 5)

    def clean_members(self):
        return [*self.cleaned_data["members"], *self.kept_members]

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("year_started"), cleaned.get("year_ended")
        if started and ended and ended < started:
            self.add_error("year_ended", _("It cannot end before it started."))
        if started and not YEARS[0] <= started <= YEARS[1]:
            self.add_error("year_started", _("Give a year between 1950 and 2100."))
        return cleaned

    def save(self, *, by):
        """Save the practice, its attachments and a history entry naming what changed."""
        practice = super().save(commit=False)
        creating = practice.pk is None
        if creating:
            practice.created_by = by
        practice.save()
        self.save_m2m()
        upload = self.cleaned_data.get("attachment")
        if upload:
            PracticeAttachment.objects.create(
                practice=practice,
                file=upload,
                kind=getattr(upload, "checked_kind", ""),
                size=upload.size,
                title=self.cleaned_data.get("attachment_title", ""),
            )
        for attachment in self.cleaned_data.get("remove_attachments") or []:
            attachment.file.delete(save=False)
            attachment.delete()
        changed = [name for name in self.changed_data if name not in {"attachment_title"}]
        practice.record_edit(by, ["created"] if creating else changed)
        return practice


class CallSubmissionForm(forms.Form):
    """Which of the user's drafts answers a themed call (a draft not already linked to
    another call). Submitting is `Practice.submit_to_call`, which checks the deadline."""

    practice = forms.ModelChoiceField(
        label=_("Practice"),
        queryset=Practice.objects.none(),
        empty_label=None,
        help_text=_("One of your cities' drafts. It is submitted to the secretariat."),
    )

    def __init__(self, *args, user, call, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from gnlc.library.enums import PracticeState

        self.fields["practice"].queryset = (
            Practice.objects.managed_by(user)
            .filter(state=PracticeState.DRAFT)
            .filter(Q(call__isnull=True) | Q(call=call))
            .order_by("title", "pk")
        )


class CallReviewForm(forms.Form):
    """The secretariat's light review of one practice submitted to a call: publish it, or
    return it to its city with a reason (both through `Practice.transition`)."""

    practice = forms.ModelChoiceField(queryset=Practice.objects.none(), widget=forms.HiddenInput)
    # Given by the button pressed (name="to").
    to = forms.ChoiceField(choices=[("published", _("Publish")), ("draft", _("Return"))])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        from gnlc.library.enums import PracticeState

        self.fields["practice"].queryset = call.practices.filter(state=PracticeState.SUBMITTED)


class ModerationForm(forms.Form):
    """The reason for a move (required when the practice goes back to its city)."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the city's coordinators and kept in the practice's history."),
    )

    def __init__(self, *args, move, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = move.needs_reason
