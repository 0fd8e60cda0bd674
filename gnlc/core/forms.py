"""Form pieces shared by apps: the site's form renderer (how every field is drawn) and
the repeated query parameter of a multi-choice facet."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Every form field of the site is drawn by one template, `core/forms/field.html`
    (`{{ field.as_field_group }}`, or `{{ form }}`): its label, a visible and spoken
    mark on a required field, with a legend before the form's first required field,
    its help and its errors (each linked to the input by aria-describedby), the input.
    Templates lay fields out; they do not draw them."""

    field_template_name = "core/forms/field.html"


def is_first_required(field) -> bool:
    """Whether `field` (a BoundField) is the first visible required field of its form:
    the legend explaining the mark goes just before it. A formset's rows (which Django
    draws without the browser's `required`, since a blank row may stay blank) take none:
    they sit inside a page's form that says it once, and a legend per row would repeat it."""
    if not field.form.use_required_attribute:
        return False
    first = next((f for f in field.form.visible_fields() if f.field.required), None)
    return first is not None and first.name == field.name


class RepeatedField(forms.Field):
    """A query parameter that may repeat (`?region=africa&region=arab-states`), each
    value cleaned by `child` (its errors are this field's), as a sorted list without
    repeats; [] when absent. The directory's and the library's facets are these: several
    values of one facet are alternatives (OR), different facets combine (AND)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, child: forms.Field, *, normalise=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.child = child
        self.normalise = normalise or (lambda value: value)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        # A plain dict (gnlc export's options) gives one value, a QueryDict a list.
        values = [value] if isinstance(value, str | int) else list(value)
        cleaned = []
        for item in values:
            if item in ("", None):
                continue
            try:
                item = self.normalise(self.child.clean(item))
            except ValidationError as error:
                raise ValidationError(error.messages) from None
            if item not in (None, "") and item not in cleaned:
                cleaned.append(item)
        return sorted(cleaned)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
