from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from gnlc.audit.models import Action, AuditEntry
from gnlc.audit.signals import AUDITED


class AuditFilter(forms.Form):
    """Filters of the audit log: what kind of object, which one, what action, who."""

    model = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *Action.choices]
    )
    actor = forms.CharField(label=_("Who"), required=False, max_length=254)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.fields["model"].choices = [("", _("Any"))] + [
            (label.lower(), label.split(".")[1]) for label in AUDITED
        ]

    def queryset(self):
        entries = AuditEntry.objects.select_related("actor", "content_type")
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["model"]:
            app_label, model = data["model"].split(".")
            entries = entries.filter(
                content_type=ContentType.objects.get_by_natural_key(app_label, model)
            )
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        return entries
